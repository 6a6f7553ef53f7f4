"""What every benchmark prints about the machine it ran on, and its peak memory."""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def machine_info(*versions: str) -> str:
    """``<platform> | Python 3.11.x | 2 cores | <cpu model>``, then ``versions`` (e.g. "numpy 2.3.1")."""
    return " | ".join(
        [platform.platform(), f"Python {platform.python_version()}", f"{os.cpu_count()} cores", cpu_model(), *versions]
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
