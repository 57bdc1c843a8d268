"""Finding modules and their strictness without running any code.

The analyser follows calls into other strict modules, so it must find their
source. ``importlib.util.find_spec`` would import parent packages (running
their code), which the CLI must never do; instead ``Resolver`` walks
``PathFinder`` one dotted component at a time, using each package's
``submodule_search_locations`` from its spec, which only touches the file
system. Standard-library and extension modules are never strict and are
answered without searching.

``strict_marker(source)`` decides whether a module opts in: its first
statement after an optional docstring and ``from __future__`` imports is
``import __strict__`` (strict) or ``import __static__`` (static, which implies
strict but is loaded by ember.static). A cheap byte search rejects most files
before any parsing.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.machinery
import os
import sys
from dataclasses import dataclass

STRICT = "strict"
STATIC = "static"


def _first_real_statements(tree: ast.Module):
    body = tree.body
    i = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == "__future__":
        i += 1
    return body, i


def marker_of_tree(tree: ast.Module) -> str | None:
    body, i = _first_real_statements(tree)
    if i < len(body) and isinstance(body[i], ast.Import):
        names = [a.name for a in body[i].names]
        if "__static__" in names:
            return STATIC
        if "__strict__" in names:
            return STRICT
    return None


def misplaced_marker(tree: ast.Module):
    """The `import __strict__` statement if one exists at top level but not first."""
    if marker_of_tree(tree) is not None:
        return None
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and any(a.name == "__strict__" for a in stmt.names):
            return stmt
    return None


def strict_marker(source: str | bytes) -> str | None:
    """STRICT, STATIC or None for a module's source."""
    probe = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    if b"__strict__" not in probe and b"__static__" not in probe:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return marker_of_tree(tree)


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class ModuleRecord:
    name: str
    path: str            # the .py file
    source: str
    marker: str | None   # STRICT / STATIC / None
    is_package: bool
    search_locations: list[str] | None
    digest: str


_NEVER_STRICT = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | {
    "__strict__", "__static__", "ember"}


def read_source(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    import io
    import tokenize
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


class Resolver:
    """Maps module names to ModuleRecords (None for non-source or unknown modules)."""

    def __init__(self, search_path: list[str] | None = None):
        self.search_path = list(search_path) if search_path is not None else None
        self._memo: dict[str, ModuleRecord | None] = {}

    def _find_spec(self, name: str):
        parts = name.split(".")
        spec = None
        path = self.search_path if self.search_path is not None else None
        for i in range(len(parts)):
            full = ".".join(parts[:i + 1])
            try:
                spec = importlib.machinery.PathFinder.find_spec(full, path)
            except Exception:  # the path machinery may raise anything on odd layouts
                return None
            if spec is None:
                return None
            if i + 1 < len(parts):
                path = spec.submodule_search_locations
                if not path:
                    return None
        return spec

    def resolve(self, name: str) -> ModuleRecord | None:
        if name in self._memo:
            return self._memo[name]
        record = None
        if name.split(".", 1)[0] not in _NEVER_STRICT:
            record = self._resolve_uncached(name)
        self._memo[name] = record
        return record

    def _resolve_uncached(self, name: str) -> ModuleRecord | None:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None) if module is not None else None
        locations = list(getattr(module, "__path__", []) or []) if module is not None else None
        if not path:
            spec = self._find_spec(name)
            if spec is None or not isinstance(spec.origin, str) or not spec.origin.endswith(".py"):
                return None
            path = spec.origin
            locations = list(spec.submodule_search_locations) if spec.submodule_search_locations else None
        if not isinstance(path, str) or not path.endswith(".py"):
            return None
        try:
            source = read_source(path)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            return None
        is_package = os.path.basename(path) == "__init__.py"
        return ModuleRecord(name, path, source, strict_marker(source), is_package,
                            locations if is_package else None, source_hash(source))

    def is_submodule(self, name: str) -> bool:
        if name in sys.modules:
            return True
        if name.split(".", 1)[0] in _NEVER_STRICT:
            return False
        return self._find_spec(name) is not None
