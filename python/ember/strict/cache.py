"""Analysis results cached per source hash, in memory and next to the bytecode.

An analysis result depends on: the module's source, its name and package-ness,
the analyser (its code is hashed), the shipped stubs, the allowlist, and the sources of the
strict modules the analysis consulted (it follows calls into them). The key
hashes all but the last; the entry records each consulted dependency's path
and source hash, and a hit requires every one of them to be unchanged. So
editing the module, a strict dependency, the stubs or the allowlist all miss.

Entries live in a process-wide dict and in ``__pycache__/NAME.ember-strict.json``
beside the ``.pyc`` (skipped when ``sys.dont_write_bytecode`` is set; write
failures are ignored: the cache is an optimisation, never a requirement).
Corrupt or foreign files are treated as misses.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys

from . import analyzer
from .errors import StrictError
from .modules import read_source, source_hash
from .stubs import _STUB_DIR

_MEMORY: dict[str, tuple[str, analyzer.Analysis]] = {}
_STATS = {"hits": 0, "disk_hits": 0, "misses": 0}
_STUBS_DIGEST: str | None = None


def stats() -> dict[str, int]:
    return dict(_STATS)


def clear() -> None:
    """Forgets the in-memory entries (files on disk stay; their keys still apply)."""
    _MEMORY.clear()
    for key in _STATS:
        _STATS[key] = 0


def _stubs_digest() -> str:
    """Hash of the shipped stubs and of the analyser's own code: upgrading either misses."""
    global _STUBS_DIGEST
    if _STUBS_DIGEST is None:
        h = hashlib.sha256()
        package_dir = os.path.dirname(os.path.abspath(__file__))
        for directory, suffix in ((_STUB_DIR, ".stubs"), (package_dir, ".py")):
            for name in sorted(os.listdir(directory)):
                if name.endswith(suffix):
                    with open(os.path.join(directory, name), "rb") as f:
                        h.update(name.encode() + b"\0" + f.read())
        _STUBS_DIGEST = h.hexdigest()
    return _STUBS_DIGEST


def cache_key(source: str, modname: str, is_package: bool, allowlist: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for part in (analyzer.ANALYSER_VERSION, _stubs_digest(), modname, str(is_package),
                 "\0".join(allowlist), source_hash(source)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _deps_unchanged(deps: dict[str, str]) -> bool:
    for path, digest in deps.items():
        try:
            if source_hash(read_source(path)) != digest:
                return False
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            return False
    return True


def cache_file_for(filename: str) -> str | None:
    try:
        pyc = importlib.util.cache_from_source(filename)
    except (NotImplementedError, ValueError):
        return None
    base = os.path.basename(filename)[:-3] if filename.endswith(".py") else os.path.basename(filename)
    return os.path.join(os.path.dirname(pyc), base + ".ember-strict.json")


def _read_disk(path: str, key: str) -> analyzer.Analysis | None:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("key") != key:
            return None
        errors = [StrictError.from_json(e) for e in data["errors"]]
        deps = {str(k): str(v) for k, v in data["deps"].items()}
        return analyzer.Analysis(errors, deps)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_disk(path: str, key: str, result: analyzer.Analysis) -> None:
    if sys.dont_write_bytecode:
        return
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"key": key, "errors": [e.to_json() for e in result.errors],
                       "deps": result.deps}, f)
        os.replace(tmp, path)
    except OSError:
        pass


def analyze_cached(source: str, filename: str, modname: str, *, is_package: bool | None = None,
                   search_path: list[str] | None = None,
                   allowlist: tuple[str, ...] | None = None, use_disk: bool = True) -> analyzer.Analysis:
    from . import config
    if is_package is None:
        is_package = filename.endswith("__init__.py")
    if allowlist is None:
        allowlist = config.allowlist_for(filename)
    key = cache_key(source, modname, is_package, tuple(allowlist))
    memo_id = f"{os.path.abspath(filename)}\0{key}"
    entry = _MEMORY.get(memo_id)
    if entry is not None and _deps_unchanged(entry[1].deps):
        _STATS["hits"] += 1
        return entry[1]
    disk = cache_file_for(filename) if use_disk else None
    if disk is not None:
        result = _read_disk(disk, key)
        if result is not None and _deps_unchanged(result.deps):
            _STATS["disk_hits"] += 1
            _MEMORY[memo_id] = (key, result)
            return result
    _STATS["misses"] += 1
    result = analyzer.analyze(source, filename, modname, is_package=is_package,
                              search_path=search_path, allowlist=tuple(allowlist))
    if not any(e.code == "ST000" for e in result.errors):
        _MEMORY[memo_id] = (key, result)
        if disk is not None:
            _write_disk(disk, key, result)
    return result
