"""Where the allowlist comes from: -X strict-allowlist, the environment, pyproject.toml.

The allowlist names callables (``pkg.mod.func``) or whole modules
(``pkg.mod.*``) the analyser should treat as side-effect free. Three sources
are merged, in this order, duplicates dropped:

1. ``-X strict-allowlist=a.b,c.*`` / ``EMBERSTRICTALLOWLIST`` (read through the
   flags table, ``ember._flags.read()``; comma- or whitespace-separated);
2. ``[tool.ember] strict-allowlist = [...]`` in the nearest ``pyproject.toml``
   found walking up from the analysed file's directory;
3. names passed explicitly by API callers.

A malformed pyproject.toml is reported once on stderr and ignored (bad input
never stops an import); the result is a sorted tuple so it can key caches.
"""
from __future__ import annotations

import os
import re
import sys

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")
_PYPROJECT_MEMO: dict[str, tuple[str, ...]] = {}
_WARNED: set[str] = set()


def _warn(key: str, text: str) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        sys.stderr.write(f"ember.strict: {text}\n")


def split_names(text: str, source: str) -> list[str]:
    names = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        if _NAME.match(item):
            names.append(item)
        else:
            _warn(f"{source}:{item}", f"ignoring allowlist entry {item!r} from {source}: "
                                      "expected a dotted name, optionally ending in .*")
    return names


def flag_allowlist() -> list[str]:
    from .. import _flags
    return split_names(_flags.read()["strict-allowlist"], "-X strict-allowlist/EMBERSTRICTALLOWLIST")


def find_pyproject(start_dir: str) -> str | None:
    directory = os.path.abspath(start_dir)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def pyproject_allowlist(path: str) -> tuple[str, ...]:
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return ()
    key = f"{path}:{stamp}"
    if key in _PYPROJECT_MEMO:
        return _PYPROJECT_MEMO[key]
    names: list[str] = []
    try:
        import tomllib
        with open(path, "rb") as f:
            data = tomllib.load(f)
        section = data.get("tool", {}).get("ember", {})
        value = section.get("strict-allowlist", section.get("strict_allowlist", []))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            _warn(path, f"ignoring [tool.ember] strict-allowlist in {path}: expected a list of strings")
        else:
            for item in value:
                names += split_names(item, path)
    except (OSError, ValueError) as exc:
        _warn(path, f"ignoring {path}: {exc}")
    _PYPROJECT_MEMO[key] = tuple(names)
    return _PYPROJECT_MEMO[key]


def allowlist_for(filename: str | None, extra: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
    names = list(flag_allowlist())
    if filename:
        pyproject = find_pyproject(os.path.dirname(os.path.abspath(filename)))
        if pyproject:
            names += pyproject_allowlist(pyproject)
    names += list(extra)
    return tuple(sorted(set(names)))
