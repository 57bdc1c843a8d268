"""ember.static: Static Python for stock CPython 3.12.

Public API:
  install()              activate the static import hook (idempotent); uninstall()
  compile_source(source, filename, modname) -> CompileResult | None
  check_source(source, filename, modname)   raise TypedSyntaxError or return
  metadata(obj)          the type metadata of a static function or class
  run_path(path)         run a program as __main__, statically if it is static
  TypedSyntaxError

The compiler is Python over ``ast`` (declarations, expressions, statements,
compiler); everything that runs while the program runs is in the C++
extension ``ember._static``. docs/static-python.md describes the surface and
the metadata format.
"""
from __future__ import annotations

from .errors import TypedSyntaxError
from .loader import install, installed, uninstall


def compile_source(source, filename="<string>", modname="__main__", table=None):
    from .compiler import compile_static
    return compile_static(source, filename, modname, table)


def check_source(source, filename="<string>", modname="__main__", table=None):
    from .compiler import compile_static
    return compile_static(source, filename, modname, table, compile_code=False)


def metadata(obj):
    """Metadata of a static function/method (by __module__ and __qualname__)
    or class (its entry in the module's table plus the run-time layout)."""
    import sys
    target = getattr(obj, "__ember_func__", obj)
    for attr in ("fget", "__func__"):
        target = getattr(target, attr, target)
    target = getattr(target, "__ember_func__", target)
    mod = sys.modules.get(getattr(target, "__module__", None) or "")
    table = getattr(mod, "__ember_static__", None)
    if table is None:
        return None
    qual = getattr(target, "__qualname__", "")
    if isinstance(obj, type):
        entry = table["classes"].get(qual)
        if entry is None:
            return None
        entry = dict(entry)
        entry["layout"] = list(obj.__dict__.get("__ember_layout__", ()))
        return entry
    return table["functions"].get(qual)


def run_path(path: str, argv: list | None = None) -> None:
    from .runner import run_path as _run
    _run(path, argv)


__all__ = ["install", "installed", "uninstall", "compile_source", "check_source", "metadata", "run_path", "TypedSyntaxError"]
