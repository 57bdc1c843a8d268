"""Entry points of the analyser: source in, StrictErrors out.

``analyze(...)`` parses the module, runs the abstract interpreter over its top
level inside a fresh ``Session`` and returns an ``Analysis``: the errors
(sorted, de-duplicated) and the strict dependencies it consulted (path ->
source hash), which is what the cache needs to stay correct when a dependency
changes. ``analyze_source`` is the stable public form (ember.strict.analyze_source).

The analyser must never crash on any input: parse failures become ST001,
nesting/budget overruns ST002, and any unexpected internal exception ST000
(a bug, reported as such, never silently accepted).
"""
from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field

from . import config
from .errors import StrictError, make_error
from .interpreter import Interpreter
from .modules import Resolver
from .session import Session, package_of
from .stubs import table_for
from .values import ModuleContext

ANALYSER_VERSION = "1"


@dataclass
class Analysis:
    errors: list[StrictError]
    deps: dict[str, str] = field(default_factory=dict)


def analyze(source: str, filename: str, modname: str, *, is_package: bool | None = None,
            search_path: list[str] | None = None, allowlist: tuple[str, ...] | None = None) -> Analysis:
    if is_package is None:
        is_package = filename.endswith("__init__.py")
    if allowlist is None:
        allowlist = config.allowlist_for(filename)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # SyntaxWarnings belong to the compiler, not to us
            tree = ast.parse(source, filename)
    except SyntaxError as exc:
        return Analysis([make_error("ST001", f"Syntax error: {exc.msg}", filename,
                                    exc.lineno or 1, exc.offset or 1)])
    except (ValueError, MemoryError) as exc:
        return Analysis([make_error("ST001", f"Source cannot be parsed: {exc}", filename, 1, 1)])
    except RecursionError:
        return Analysis([make_error("ST002", "Source nested too deeply to parse", filename, 1, 1)])
    session = Session(table_for(tuple(allowlist)), Resolver(search_path))
    ctx = ModuleContext(modname, filename, package_of(modname, is_package), modname)
    errors: list[StrictError] = []
    try:
        Interpreter(session, ctx, errors).run_module(tree)
    except Exception as exc:  # a bug: report it, never accept the module silently
        errors.append(make_error("ST000", f"Internal analyser error {type(exc).__name__}: {exc}",
                                 filename, 1, 1))
    own = [e for e in errors if e.filename == filename]
    other = [e for e in errors if e.filename != filename]
    own.sort(key=lambda e: (e.lineno, e.col, e.code))
    return Analysis(own + other, dict(session.deps))


def analyze_source(source: str, filename: str, modname: str, **options) -> list[StrictError]:
    """Analyses one module's source (whether or not it opts in); returns its errors."""
    return analyze(source, filename, modname, **options).errors
