"""ember.strict: strict modules — import-time side effects ruled out by analysis, then locked.

A module opts in with ``import __strict__`` as its first statement. When the
strict loader is installed (``install()``; done automatically when ember is
activated), importing such a module first runs the analyser over its source;
a module with errors is not imported (``StrictModuleError``, an ImportError).
A module that passes runs normally and is then locked: it becomes a
``StrictModule`` (attributes cannot be set or deleted from outside) and its
classes are frozen (opt out per class with ``@mutable``).

Public API (stable, also used by ember.static):
  analyze_source(source, filename, modname) -> list[StrictError]
  make_strict_module(module) -> StrictModule      freeze_classes(module) -> int
  install() / uninstall()                        patch(target, name, value)
  StrictError, StrictModuleError, StrictModule, mutable, is_strict_module, is_frozen
"""
from __future__ import annotations

from __strict__ import mutable

from .errors import RULES, StrictError, StrictModuleError
from .patching import patch, patching_enabled
from .runtime import StrictModule, freeze_classes, is_frozen, is_strict_module, make_strict_module

__all__ = ["RULES", "StrictError", "StrictModule", "StrictModuleError", "analyze_source",
           "freeze_classes", "install", "installed", "is_frozen", "is_strict_module",
           "make_strict_module", "mutable", "patch", "patching_enabled", "uninstall"]


def install() -> None:
    """Installs the strict-module import hook (idempotent)."""
    from .loader import install as _install
    _install()


def uninstall() -> None:
    from .loader import uninstall as _uninstall
    _uninstall()


def installed() -> bool:
    from .loader import installed as _installed
    return _installed()


def __getattr__(name):
    # The analyser (and ast) load on first use: the loader installed at
    # start-up needs it only when a module actually starts with the marker.
    if name == "analyze_source":
        from .analyzer import analyze_source
        return analyze_source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
