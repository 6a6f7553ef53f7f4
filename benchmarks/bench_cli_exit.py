"""How fast ``python -m bot`` ends after its error line, on the exit paths of
``tests/cli/test_cli_exit.py``: a corrupt database file, a database locked by another process, a
price source that accepts the connection and never answers, PostgreSQL down and PostgreSQL silent.

The tests check that each of these ends by itself with its one error line; this measures the
time, which tests never assert. Per case and run: seconds from the start to the ``error:`` line
(the command's own bounds are 2 s: ``BREAKOUT_DB_TIMEOUT``, ``BREAKOUT_DATA_TIMEOUT``) and from
that line to the end of the process (closing the store, threads and sockets; the target is under
2 s). The cases take turns, run by run, so load drift on a shared machine falls on all of them.

    .venv/bin/python benchmarks/bench_cli_exit.py [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from machine import machine_info

REPO = Path(__file__).resolve().parents[1]
HANG_GUARD = 120.0  # a run still going after this long is killed and reported as hung


def timed_run(argv: list[str], env: dict[str, str]) -> tuple[int | None, float | None, float | None]:
    """(exit code or None if hung, seconds to the first ``error:`` line, seconds from it to the end)."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bot", *argv], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env})
    guard = threading.Timer(HANG_GUARD, proc.kill)
    guard.start()
    error_at = None
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if error_at is None and line.startswith("error:"):
                error_at = time.monotonic()
        proc.wait()
    finally:
        guard.cancel()
    end = time.monotonic()
    hung = end - start >= HANG_GUARD
    if error_at is None:
        return (None if hung else proc.returncode), None, None
    return (None if hung else proc.returncode), error_at - start, end - error_at


@contextlib.contextmanager
def listener(*, accept: bool) -> Iterator[int]:
    """A port that takes connections and never answers (``accept``: also accepts them)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held: list[socket.socket] = []
    stop = threading.Event()

    def take() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=take, daemon=True)
    if accept:
        thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        if accept:
            thread.join()
        for conn in held:
            conn.close()
        server.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def offline_env(tmp: Path, db: Path | str) -> dict[str, str]:
    return {"BREAKOUT_DB_PATH": str(db), "BREAKOUT_DATA_DIR": "", "MPLBACKEND": "Agg",
            "XDG_CACHE_HOME": str(tmp / "cache")}


def corrupt_db(tmp: Path) -> tuple[list[str], dict[str, str]]:
    db = tmp / "random.sqlite3"
    db.write_bytes(os.urandom(4096))
    return ["base", "IWM"], offline_env(tmp, db)


@contextlib.contextmanager
def locked_db(tmp: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    db = tmp / "locked.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(600)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield ["base", "IWM"], {**offline_env(tmp, db), "BREAKOUT_DB_TIMEOUT": "2"}
    finally:
        holder.kill()
        holder.wait()


@contextlib.contextmanager
def stalled_source(tmp: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    with listener(accept=True) as port:
        proxy = f"http://127.0.0.1:{port}"
        yield ["base", "IWM"], {**offline_env(tmp, tmp / "db.sqlite3"), "BREAKOUT_DATA_TIMEOUT": "2",
                                "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy,
                                "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}


def pg_env(tmp: Path, url: str) -> dict[str, str]:
    return {**offline_env(tmp, tmp / "unused.sqlite3"), "DATABASE_URL": url, "BREAKOUT_DB_TIMEOUT": "2"}


@contextlib.contextmanager
def postgres_silent(tmp: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    with listener(accept=False) as port:
        yield ["base", "IWM"], pg_env(tmp, f"postgresql://bot@127.0.0.1:{port}/bot")


CASES = {
    "corrupt database file": lambda tmp: contextlib.nullcontext(corrupt_db(tmp)),
    "database locked": locked_db,
    "price source silent": stalled_source,
    "PostgreSQL down": lambda tmp: contextlib.nullcontext(
        (["base", "IWM"], pg_env(tmp, f"postgresql://bot@127.0.0.1:{closed_port()}/bot"))),
    "PostgreSQL silent": postgres_silent,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(machine_info())
    print(f"load average {os.getloadavg()[0]:.1f} at the start; {args.runs} runs of each case, taking turns")
    figures: dict[str, list[tuple[int | None, float | None, float | None]]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, case in CASES.items():
            with tempfile.TemporaryDirectory() as d, case(Path(d)) as (argv, env):
                figures[name].append(timed_run(argv, env))
    print(f"{'case':<24} {'exit codes':<12} {'to error line (median, max)':<29} {'error line to end (median, max)'}")
    for name, runs in figures.items():
        codes = ",".join("hung" if c is None else str(c) for c, _, _ in runs)
        to_error = [t for _, t, _ in runs if t is not None]
        to_end = [t for _, _, t in runs if t is not None]

        def cell(xs: list[float]) -> str:
            return f"{statistics.median(xs):.2f} s, {max(xs):.2f} s" if xs else "no error line"

        print(f"{name:<24} {codes:<12} {cell(to_error):<29} {cell(to_end)}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
