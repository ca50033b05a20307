"""Available memory from Linux's ``/proc/meminfo``, with no imports (read before an agent starts)."""

from __future__ import annotations


def meminfo_available_mb(meminfo: str = "/proc/meminfo") -> int | None:
    """``MemAvailable`` from Linux's meminfo, in MiB; None when it cannot be read."""
    try:
        with open(meminfo, encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
