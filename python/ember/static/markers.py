"""The cheap part of recognising a static module, kept apart so that the
import hook (loader.py) can be installed without importing the checker:
the marker test and the source hash used by the check cache. The checker
itself (compiler.py, declarations.py) is imported the first time a module
actually starts with `import __static__`."""
from __future__ import annotations


def looks_static(source: bytes | str) -> bool:
    """Cheap pre-filter before parsing: can this source be a static module?"""
    if isinstance(source, str):
        return "__static__" in source
    return b"__static__" in source


def static_marker_index(tree) -> int:
    """Index of the `import __static__` statement that makes a module static,
    or -1. It must come first, after a docstring and `from __future__`s."""
    import ast
    for i, stmt in enumerate(tree.body):
        if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                and isinstance(stmt.value.value, str):
            continue
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            continue
        if isinstance(stmt, ast.Import) and len(stmt.names) == 1 and stmt.names[0].name == "__static__" \
                and stmt.names[0].asname is None:
            return i
        return -1
    return -1


def source_hash(source: str | bytes) -> str:
    import hashlib
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(source, digest_size=16).hexdigest()
