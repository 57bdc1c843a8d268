#!/usr/bin/env python3
"""How much of the standard library can ember's JIT compile?

What: imports a broad set of standard-library modules, collects every Python
function reachable from them as an attribute -- module-level functions, and
methods of classes defined in the module (plain, static, class methods and
property accessors, including nested classes) -- and calls
``ember.jit.force_compile(f)`` on each. It then prints how many compiled and
how many failed, the compiled fraction among non-generator functions (a
method JIT may legitimately leave generators and coroutines to the
interpreter, so that denominator is the honest one), and the failure reasons,
aggregated both from the exceptions/return values of ``force_compile`` and
from ``ember.jit.stats()`` (any key naming failures, e.g.
``"compile_failures": {reason: count}``).

Module sets: by default every top-level name in ``sys.stdlib_module_names``
plus the submodules of the packages among them; ``--from-tests`` instead uses
the stdlib modules imported by the files of CPython's own ``test`` package
(what the regression suite exercises). Modules with import-time side effects
(``antigravity`` opens a browser, ``this`` prints) or that need a display
(tkinter, turtle, idlelib) are never imported.

Why: this is a cheap, broad robustness probe of the compiler front end --
thousands of real functions with every bytecode shape in the stdlib --
complementary to running the regression suite.

Invariants: never crashes when ``ember.jit`` is missing (it says so and
exits 0 after counting the functions it would have compiled); every import
error is counted, not raised; objects are identified by id so a function
reachable from several places is compiled once. faulthandler is on, and with
``--progress`` each module name is printed before its functions are compiled,
so a JIT crash points at its module.
"""
from __future__ import annotations

import argparse
import ast
import collections
import faulthandler
import importlib
import json
import os
import pkgutil
import sys
import types
import warnings

NEVER_IMPORT = {
    "antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo",
    "__phello__", "__hello__", "_tkinter", "test", "lib2to3", "pydoc_data",
    "ensurepip", "msilib", "winreg", "winsound", "_winapi", "nt", "msvcrt",
    "_msi", "_overlapped", "_wmi", "_scproxy", "_ios_support",
}
CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR = 0x20, 0x80, 0x200


def _allowed(name: str) -> bool:
    return name.split(".")[0] not in NEVER_IMPORT


def default_modules() -> list[str]:
    names = sorted(n for n in sys.stdlib_module_names if _allowed(n))
    result = list(names)
    for name in names:
        spec = importlib.util.find_spec(name) if "." not in name else None
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.walk_packages(spec.submodule_search_locations, prefix=name + ".",
                                          onerror=lambda _: None):
            if _allowed(info.name) and ".test" not in info.name and "__main__" not in info.name:
                result.append(info.name)
    return result


def modules_from_tests() -> list[str]:
    import test
    found: set[str] = set()
    root = os.path.dirname(test.__file__)
    for dirpath, _, files in os.walk(root):
        for fname in files:
            if not fname.endswith(".py"):
                continue
            try:
                with open(os.path.join(dirpath, fname), "rb") as fp, warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = ast.parse(fp.read())
            except (SyntaxError, ValueError, OSError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(a.name for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return sorted(n for n in found
                  if n.split(".")[0] in sys.stdlib_module_names and _allowed(n))


def import_all(names: list[str]) -> tuple[list[types.ModuleType], dict[str, str]]:
    modules, errors = [], {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            try:
                modules.append(importlib.import_module(name))
            except BaseException as exc:  # SystemExit and friends included
                errors[name] = f"{type(exc).__name__}: {exc}"[:200]
    return modules, errors


def functions_of(module: types.ModuleType) -> list[tuple[str, types.FunctionType]]:
    """(qualified name, function) pairs defined by ``module`` and its classes."""
    out = []
    seen_classes: set[int] = set()
    modname = module.__name__

    def from_class(cls):
        if id(cls) in seen_classes:
            return
        seen_classes.add(id(cls))
        try:
            members = list(vars(cls).values())
        except TypeError:
            return
        for value in members:
            if isinstance(value, (staticmethod, classmethod)):
                value = value.__func__
            if isinstance(value, property):
                for acc in (value.fget, value.fset, value.fdel):
                    if isinstance(acc, types.FunctionType):
                        out.append(acc)
            elif isinstance(value, types.FunctionType):
                out.append(value)
            elif isinstance(value, type) and getattr(value, "__module__", None) == modname:
                from_class(value)

    for value in list(vars(module).values()):
        if isinstance(value, types.FunctionType) and value.__module__ == modname:
            out.append(value)
        elif isinstance(value, type) and getattr(value, "__module__", None) == modname:
            from_class(value)
    return [(f"{modname}:{f.__qualname__}", f) for f in out]


def is_generator_like(func: types.FunctionType) -> bool:
    return bool(func.__code__.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))


def failure_stats(stats) -> dict[str, int]:
    """Reason -> count from ember.jit.stats(), whatever the failure key is called."""
    if not isinstance(stats, dict):
        return {}
    for key in ("compile_failures", "failures", "compile_failure_reasons"):
        if isinstance(stats.get(key), dict):
            return dict(stats[key])
    for key, value in stats.items():
        if "fail" in str(key).lower() and isinstance(value, dict):
            return dict(value)
    return {}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from-tests", action="store_true",
                    help="use the stdlib modules CPython's test package imports")
    ap.add_argument("--progress", action="store_true", help="print each module before compiling it")
    ap.add_argument("--top", type=int, default=25, help="failure reasons to show")
    ap.add_argument("--json", metavar="PATH", help="also write the numbers as JSON here")
    args = ap.parse_args(argv)
    faulthandler.enable()

    names = modules_from_tests() if args.from_tests else default_modules()
    modules, import_errors = import_all(names)
    funcs: dict[int, tuple[str, types.FunctionType]] = {}
    for module in modules:
        for qualname, f in functions_of(module):
            funcs.setdefault(id(f), (qualname, f))

    print(f"stdlib coverage: {len(modules)} modules imported "
          f"({len(import_errors)} failed to import), {len(funcs)} functions found "
          f"({sum(is_generator_like(f) for _, f in funcs.values())} generators/coroutines)")

    if import_errors:
        print("not importable here: " + ", ".join(sorted(import_errors)))

    try:
        import ember.jit as jit  # type: ignore[import-not-found]
    except Exception as exc:
        print(f"ember.jit is not available ({type(exc).__name__}: {exc}); nothing compiled.")
        print("Build ember (make build) and run this with the .venv interpreter.")
        return 0

    counts = collections.Counter()
    reasons = collections.Counter()
    by_module = collections.defaultdict(collections.Counter)
    current_module = None
    for qualname, f in funcs.values():
        modname = qualname.split(":")[0]
        if args.progress and modname != current_module:
            current_module = modname
            print(f"  {modname}", flush=True)
        kind = "generator" if is_generator_like(f) else "function"
        try:
            ret = jit.force_compile(f)
        except Exception as exc:
            ok, reason = False, f"{type(exc).__name__}: {exc}"
        else:
            if ret is False:
                ok, reason = False, "force_compile returned False"
            else:
                ok, reason = True, None
                checker = getattr(jit, "is_jit_compiled", None)
                if checker is not None:
                    try:
                        if not checker(f):
                            ok, reason = False, "not compiled after force_compile"
                    except Exception:
                        pass
        counts[(kind, ok)] += 1
        by_module[modname][ok] += 1
        if not ok:
            reasons[reason[:160]] += 1

    compiled = counts[("function", True)] + counts[("generator", True)]
    failed = counts[("function", False)] + counts[("generator", False)]
    plain = counts[("function", True)] + counts[("function", False)]
    fraction = counts[("function", True)] / plain if plain else 0.0
    print(f"compiled: {compiled}   failed: {failed}")
    print(f"non-generator functions compiled: {counts[('function', True)]}/{plain} = {fraction:.1%}")
    gens = counts[("generator", True)] + counts[("generator", False)]
    if gens:
        print(f"generators/coroutines compiled: {counts[('generator', True)]}/{gens}")

    try:
        stats = jit.stats()
    except Exception as exc:
        stats = None
        print(f"ember.jit.stats() failed: {type(exc).__name__}: {exc}")
    if isinstance(stats, dict):
        scalars = {k: v for k, v in stats.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if scalars:
            print("ember.jit.stats(): " + ", ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in scalars.items()))
    from_stats = failure_stats(stats)
    if from_stats:
        print(f"failure reasons from ember.jit.stats() (top {args.top}):")
        for reason, n in sorted(from_stats.items(), key=lambda kv: (-kv[1], str(kv[0])))[:args.top]:
            print(f"  {n:7d}  {reason}")
    elif stats is not None:
        print("ember.jit.stats() has no failure breakdown (no key naming failures)")
    if reasons:
        print(f"failures as seen by force_compile (top {args.top}):")
        for reason, n in reasons.most_common(args.top):
            print(f"  {n:7d}  {reason}")
    worst = sorted(by_module.items(), key=lambda kv: -kv[1][False])[:10]
    if worst and worst[0][1][False]:
        print("modules with most failures: " +
              ", ".join(f"{m} ({c[False]}/{c[False] + c[True]})" for m, c in worst if c[False]))

    if args.json:
        with open(args.json, "w") as fp:
            json.dump({"modules": len(modules), "import_errors": import_errors,
                       "functions": len(funcs), "compiled": compiled, "failed": failed,
                       "non_generator_compiled_fraction": fraction,
                       "stats_failures": {str(k): v for k, v in from_stats.items()},
                       "force_compile_failures": dict(reasons)}, fp, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
