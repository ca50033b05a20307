"""Installed distributions' entry points and versions, read without importing ``importlib.metadata``.

``importlib.metadata`` costs 25-40 ms of CPU to import (it pulls in ``email``, ``zipfile``, ``csv``, ...)
and parses each distribution's ``METADATA`` through the e-mail parser, on every command. For the
common layout (``*.dist-info`` directories on ``sys.path``) the few facts autopilot needs at start-up
are read straight from the files here; anything else (``.egg-info``, zip files on the path,
unreadable files) returns None, and callers fall back to ``importlib.metadata``.

Only ``autopilot.core.pluginmanager`` still uses it; it goes once the plugin manager reads
``importlib.metadata`` itself.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Git_Autopilot`` -> ``git-autopilot``).

    PEP 503's ``re.sub(r"[-_.]+", "-", name).lower()``, without importing ``re`` (this runs before the
    agent starts; a test checks both agree).
    """
    out: list[str] = []
    in_separators = False
    for char in name:
        if char in "-_.":
            if not in_separators:
                out.append("-")
            in_separators = True
        else:
            out.append(char)
            in_separators = False
    return "".join(out).lower()


class EntryPoint:
    """The part of ``importlib.metadata.EntryPoint`` the plugin loader uses (name, value, group)."""

    __slots__ = ("group", "name", "value")

    def __init__(self, name: str, value: str, group: str) -> None:
        self.name = name
        self.value = value
        self.group = group

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntryPoint) and (self.name, self.value, self.group) == (
            other.name,
            other.value,
            other.group,
        )

    def __hash__(self) -> int:
        return hash((self.name, self.value, self.group))

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"

    def load(self) -> Any:
        import importlib

        module, _, attribute = self.value.partition("[")[0].partition(":")  # "[extras]" do not matter
        target: Any = importlib.import_module(module.strip())
        for part in attribute.strip().split(".") if attribute.strip() else []:
            target = getattr(target, part)
        return target


class Unusual(Exception):
    """The environment is not the plain layout this module reads; use importlib.metadata."""


def _dist_info_dirs() -> list[tuple[str, str]]:
    """(normalized name, path) of every ``*.dist-info`` on ``sys.path`` (see :func:`_scan_dist_info_dirs`).

    Listed once per process while ``sys.path`` and its directories' mtimes stay the same (installing
    or removing a distribution changes its directory's mtime): a run looks them up three times.
    """
    key: list[tuple[str, int, int] | tuple[str]] = []
    for entry in sys.path:
        directory = os.path.abspath(entry or ".")  # "" is the working directory, which may change
        try:
            info = os.stat(directory)
        except OSError:
            key.append((directory,))
            continue
        # The link count too: a coarse mtime may not tell two installs in one tick apart.
        key.append((directory, info.st_mtime_ns, info.st_nlink))
    if _listing and _listing[0] == key:
        return list(_listing[1])
    found = _scan_dist_info_dirs()
    _listing[:] = [key, found]
    return list(found)


#: The last listing of :func:`_dist_info_dirs`: [key, result], or empty.
_listing: list[Any] = []


def _scan_dist_info_dirs() -> list[tuple[str, str]]:
    """(normalized name, path) of every ``*.dist-info`` on ``sys.path``, the first of each name winning.

    The name comes from the directory name (``git_autopilot-0.1.0.dist-info``), as importlib.metadata
    deduplicates them.
    """
    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    for entry in sys.path:
        directory = entry or "."
        try:
            names = sorted(os.listdir(directory))
        except NotADirectoryError:
            raise Unusual(f"{directory} is not a directory") from None
        except OSError:
            continue
        for name in names:
            if name.endswith((".egg-info", ".egg", ".egg-link")):
                raise Unusual(name)
            if not name.endswith(".dist-info"):
                continue
            key = normalize(name[: -len(".dist-info")].partition("-")[0])
            if key not in seen:
                seen.add(key)
                found.append((key, os.path.join(directory, name)))
    return found


def _name_and_version(path: str) -> tuple[str, str]:
    name = version = None
    try:
        with open(os.path.join(path, "METADATA"), encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    break  # the headers end at the first empty line
                if line.startswith("Name:"):
                    name = line[5:].strip()
                elif line.startswith("Version:"):
                    version = line[8:].strip()
                if name and version:
                    break
    except OSError as exc:
        raise Unusual(f"{path}: {exc}") from None
    if not name or not version:
        raise Unusual(f"{path}: no Name/Version")
    return name, version


def _group(text: str, group: str) -> list[tuple[str, str]]:
    """``name = value`` lines of the ``[group]`` section of an ``entry_points.txt``."""
    points: list[tuple[str, str]] = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current != group:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise Unusual(f"entry point line {line!r}")
        points.append((name.strip(), value.strip()))
    return points


def entry_points(group: str) -> list[tuple[EntryPoint, str, str]] | None:
    """(entry point, distribution name, version) for *group*, or None to ask importlib.metadata."""
    try:
        found = []
        for _key, path in _dist_info_dirs():
            try:
                with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise Unusual(str(exc)) from None
            points = _group(text, group)
            if points:
                name, version = _name_and_version(path)
                found += [(EntryPoint(n, value, group), name, version) for n, value in points]
        return found
    except Unusual:
        return None


def version(distribution: str) -> str | None:
    """The installed version of *distribution*, or None (not installed, or an unusual layout)."""
    try:
        wanted = normalize(distribution)
        path = next((p for key, p in _dist_info_dirs() if key == wanted), None)
        return _name_and_version(path)[1] if path else None
    except Unusual:
        return None
