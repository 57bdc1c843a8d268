"""The strict-module import hook: analyse, run, lock.

``StrictFinder`` sits first on ``sys.meta_path``. For a module found as Python
source whose first statement is ``import __strict__`` it returns the ordinary
spec with ``StrictSourceLoader`` as loader; every other module (including
``import __static__`` modules, which belong to ember.static's loader) is left
to the rest of the import system, untouched.

``StrictSourceLoader.exec_module``:
1. analyses the source (cached per source hash, see cache.py); errors raise
   ``StrictModuleError`` (an ImportError) before any of the module's code runs,
   and the import system removes the half-made module from sys.modules
   (a syntax error is raised as the usual SyntaxError);
2. runs the body like ``SourceFileLoader`` (same .pyc caching);
3. locks the module: ``make_strict_module`` then ``freeze_classes``.

Circular imports between strict modules behave as in Python: the partially
initialised module is in sys.modules (still a plain module) while its body
runs, and it is locked when its own body finishes. Packages: ``__init__``
files opt in like any module; submodules are bound on their strict parent
(StrictModule allows exactly that write). ``importlib.reload`` of a strict
module raises ImportError: its namespace is immutable by design.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from importlib import _bootstrap  # _call_with_frames_removed: clean tracebacks, as importlib does

from .errors import StrictModuleError
from .modules import STRICT, strict_marker
from .runtime import freeze_classes, is_strict_module, make_strict_module


class StrictSourceLoader(importlib.machinery.SourceFileLoader):
    def exec_module(self, module) -> None:
        name = module.__name__
        if is_strict_module(module):
            raise ImportError(f"cannot reload strict module '{name}': strict modules are immutable "
                              "once imported; restart the process to pick up changes", name=name)
        from .cache import analyze_cached
        stats = self.path_stats(self.path)
        source = self.get_source(self.name)
        result = analyze_cached(source, self.path, self.name, is_package=self.is_package(self.name))
        if any(e.code == "ST001" for e in result.errors):
            # a syntax error is reported the way Python always reports it
            self.get_code(self.name)
        if result.errors:
            raise StrictModuleError(self.name, result.errors)
        code = self.get_code(self.name)                 # .pyc caching as usual
        if self.path_stats(self.path) != stats:
            # the file changed while being imported: run exactly what was analysed
            code = self.source_to_code(source, self.path)
        _bootstrap._call_with_frames_removed(exec, code, module.__dict__)
        make_strict_module(module)
        freeze_classes(module)


class StrictFinder(importlib.abc.MetaPathFinder):
    """Claims source modules that opt in with `import __strict__`."""

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return None
        try:
            with open(spec.origin, "rb") as f:
                data = f.read()
        except OSError:
            return None
        if strict_marker(data) != STRICT:
            return None
        spec.loader = StrictSourceLoader(fullname, spec.origin)
        return spec

    def invalidate_caches(self) -> None:
        pass


_FINDER = StrictFinder()


def install() -> None:
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)


def installed() -> bool:
    return _FINDER in sys.meta_path
