"""The deploy files agree with pyproject.toml: every dependency is locked at a version its range
allows, the runtime lock installs the project itself (Heroku's buildpack installs requirements.txt),
the Python version is pinned where the buildpack reads it, and the Procfile's command exists."""

from __future__ import annotations

import re
import shlex
import sys
import tomllib
from importlib.util import find_spec
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def lock(name: str) -> tuple[dict[str, Version], list[str]]:
    """{package: pinned version} and the other requirement lines (the project itself)."""
    pins: dict[str, Version] = {}
    other = []
    for raw in (REPO / name).read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if m := PIN.match(line):
            pins[canonicalize_name(m[1])] = Version(m[2])
        else:
            other.append(line)
    return pins, other


def test_every_runtime_dependency_is_locked_in_requirements_txt_within_its_range():
    pins, other = lock("requirements.txt")
    assert other == ["."], "requirements.txt installs the project itself, and nothing unpinned"
    for spec in PROJECT["dependencies"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not locked in requirements.txt: run `bash .ci/relock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req.specifier}"


def test_the_development_lock_has_the_test_tools_and_the_same_runtime_versions():
    runtime, _ = lock("requirements.txt")
    dev, other = lock("requirements-dev.txt")
    assert other == ["-e ."], "requirements-dev.txt installs the project editable, and nothing unpinned"
    for spec in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in dev, f"{req.name} is not locked in requirements-dev.txt: run `bash .ci/relock`"
        assert req.specifier.contains(dev[name], prereleases=True), f"{name}=={dev[name]} is outside {req.specifier}"
    assert {n: v for n, v in dev.items() if n in runtime} == runtime, "the two locks disagree on a version"


def test_each_runtime_dependency_stops_below_its_next_major():
    for spec in PROJECT["dependencies"]:
        req = Requirement(spec)
        assert any(s.operator in ("<", "==", "~=") for s in req.specifier), f"{spec}: no upper bound"


def test_the_checkers_are_pinned_exactly():
    tools = {canonicalize_name(Requirement(s).name): Requirement(s).specifier for s in PROJECT["optional-dependencies"]["test"]}
    for name in ("ruff", "import-linter"):
        assert [s.operator for s in tools[name]] == ["=="], f"{name} must be pinned exactly: CI changes when we change it"


def test_the_python_version_is_pinned_where_the_buildpack_reads_it():
    text = (REPO / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", text), ".python-version holds a major.minor version, e.g. 3.11"
    assert SpecifierSet(PROJECT["requires-python"]).contains(f"{text}.0")
    if "CI" in __import__("os").environ:  # the locks were resolved for this version: CI runs it
        assert f"{sys.version_info.major}.{sys.version_info.minor}" == text


def test_the_procfile_command_is_importable_and_runs_a_known_subcommand():
    from bot.cli import build_parser

    lines = [line for line in (REPO / "Procfile").read_text().splitlines() if line.strip()]
    assert lines, "the Procfile declares a process"
    for line in lines:
        kind, command = (part.strip() for part in line.split(":", 1))
        assert kind == "worker", "the bot is a worker (no web dyno)"
        argv = shlex.split(command)
        assert argv[:2] == ["python", "-m"], f"unexpected command {command!r}"
        assert find_spec(f"{argv[2]}.__main__") is not None, f"python -m {argv[2]} has no __main__"
        args = build_parser().parse_args(argv[3:])
        assert callable(args.func)


@pytest.mark.parametrize("name", ["requirements.in", "requirements-dev.in"])
def test_the_lock_inputs_name_the_project(name):
    lines = [x.strip() for x in (REPO / name).read_text().splitlines() if x.strip() and not x.startswith("#")]
    assert lines in (["."], ["-e .[test]"])
