"""The static import hook and its cache.

``install()`` puts ``StaticFinder`` at the front of ``sys.meta_path``. For
each import it asks the finders behind it for the spec; if the spec is for a
``.py`` file whose source starts (after docstring and ``from __future__``s)
with ``import __static__``, the loader is replaced by ``StaticLoader``, which
type-checks and compiles through compiler.compile_static. Every other module
keeps the spec it would have had -- including the strict-module loader's --
so non-static modules pay one file read and a substring test.

Cache: ``__pycache__/<mod>.<tag>.ember-static.pyc`` next to the ordinary
bytecode, holding marshal((FORMAT, compiler stamp, source hash,
{dep module: dep source hash}, code)). It is valid while this module's
source, every static module it depends on (transitively), and the compiler
itself are unchanged; a second import pays reading the sources involved and
hashing them, never type checking. Type errors are not cached: a module with
errors raises TypedSyntaxError on every import, and is never put in
sys.modules (the import machinery removes it when exec_module raises).
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys

from .markers import looks_static, source_hash, static_marker_index


def _checker():
    """The checker's modules, imported on first use (they are large)."""
    from . import compiler, declarations
    return compiler, declarations

CACHE_FORMAT = 1
_stamp: str | None = None


def compiler_stamp() -> str:
    """Identifies this compiler build: sizes and mtimes of its own files."""
    global _stamp
    if _stamp is None:
        here = os.path.dirname(__file__)
        parts = []
        for name in sorted(os.listdir(here)):
            if name.endswith(".py"):
                st = os.stat(os.path.join(here, name))
                parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        _stamp = source_hash("|".join(parts))
    return _stamp


def cache_path(source_path: str) -> str:
    base = importlib.util.cache_from_source(source_path)
    return base[:-len(".pyc")] + ".ember-static.pyc"


def _transitive_deps(decls, table: ModuleTable) -> dict:
    out: dict = {}
    stack = list(decls.deps)
    while stack:
        name = stack.pop()
        if name in out:
            continue
        d = table.cache.get(name)
        if d is None:
            continue
        out[name] = d.source_hash
        stack.extend(d.deps)
    out.pop(decls.name, None)
    return out


def _current_hash(name: str, table: ModuleTable) -> str | None:
    found = table.locate(name)
    if found is None:
        return None
    return source_hash(found[1])


def read_cache(path: str, fullname: str, src_hash: str):
    """The cached code object if still valid, else None."""
    try:
        with open(cache_path(path), "rb") as f:
            fmt, stamp, h, deps, code = marshal.load(f)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if fmt != CACHE_FORMAT or stamp != compiler_stamp() or h != src_hash:
        return None
    table = _checker()[1].ModuleTable()
    for dep, dep_hash in deps.items():
        if _current_hash(dep, table) != dep_hash:
            return None
    return code


def write_cache(path: str, src_hash: str, deps: dict, code) -> None:
    if sys.dont_write_bytecode:
        return
    target = cache_path(path)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = f"{target}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump((CACHE_FORMAT, compiler_stamp(), src_hash, deps, code), f)
        os.replace(tmp, target)
    except OSError:
        pass


def compile_file(fullname: str, path: str, data: bytes):
    """Code for a static module (cached), or None if it is not static."""
    src_hash = source_hash(data)
    code = read_cache(path, fullname, src_hash)
    if code is not None:
        return code
    compiler, declarations = _checker()
    table = declarations.ModuleTable()
    result = compiler.compile_static(data, path, fullname, table)
    if result is None:
        return None
    _strict_analysis(data, path, fullname)
    write_cache(path, src_hash, _transitive_deps(result.decls, table), result.code)
    return result.code


class StaticLoader(importlib.machinery.SourceFileLoader):
    def get_code(self, fullname):
        path = self.get_filename(fullname)
        data = self.get_data(path)
        code = compile_file(fullname, path, data)
        if code is None:
            return super().get_code(fullname)
        return code

    def exec_module(self, module):
        super().exec_module(module)
        _strict_hook(module)


def _strict_analysis(data: bytes, path: str, fullname: str) -> None:
    """`import __static__` implies strict: run ember.strict's analysis (when
    that package provides it) once the module type-checks; its errors stop
    the import like type errors do. Only on a fresh compile: a cached module
    passed both."""
    try:
        import ember.strict as strict
    except ImportError:
        return
    analyze = getattr(strict, "analyze_source", None)
    if analyze is None:
        return
    errors = analyze(importlib.util.decode_source(data), path, fullname)
    if errors:
        exc_type = getattr(strict, "StrictModuleError", None)
        if exc_type is not None:
            raise exc_type(fullname, errors)
        raise ImportError("; ".join(e.format() for e in errors), name=fullname)


def _strict_hook(module) -> None:
    """`import __static__` implies strict: hand the module to ember.strict if
    that package offers the hook (it is built separately)."""
    try:
        import ember.strict as strict
    except ImportError:
        return
    make = getattr(strict, "make_strict_module", None)
    if make is not None:
        make(module)
    freeze = getattr(strict, "freeze_classes", None)
    if freeze is not None:
        freeze(module)


def is_static_file(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    if not looks_static(data):
        return False
    import ast
    try:
        return static_marker_index(ast.parse(data)) >= 0
    except (SyntaxError, ValueError):
        return False


class StaticFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, StaticFinder):
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec = find(fullname, path, target)
            if spec is None:
                continue
            origin = spec.origin
            if isinstance(spec.loader, importlib.machinery.SourceFileLoader) and origin \
                    and origin.endswith(".py") and is_static_file(origin):
                spec.loader = StaticLoader(fullname, origin)
                spec.loader_state = None
            return spec
        return None


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    sys.meta_path.insert(0, StaticFinder())
    _patch_runpy()
    _installed = True


def installed() -> bool:
    return _installed


def uninstall() -> None:
    """Removes the hook (tests; modules already imported stay as they are)."""
    global _installed
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, StaticFinder)]
    import runpy
    original = getattr(runpy._get_code_from_file, "__ember_original__", None)
    if original is not None:
        runpy._get_code_from_file = original
    _installed = False


def _patch_runpy() -> None:
    """`python -m ember run prog.py` runs prog through runpy.run_path; make
    that compile a static main script statically."""
    import runpy
    original = runpy._get_code_from_file
    if getattr(original, "__ember_static__", False):
        return

    def get_code(run_name, fname):
        decoded = os.path.abspath(os.fsdecode(fname))
        if decoded.endswith(".py") and is_static_file(decoded):
            with open(decoded, "rb") as f:
                data = f.read()
            result = _checker()[0].compile_static(data, fname, run_name or "__main__")
            if result is not None:
                return result.code, fname
        return original(run_name, fname)

    get_code.__ember_static__ = True
    get_code.__ember_original__ = original
    runpy._get_code_from_file = get_code
