"""Shared plumbing for ember's benchmark programs.

What: the list of benchmarks with their sizes, the standalone command line each
program uses (``python bench/<name>.py [n]``), and the "probe" entry point that
bench/run.py uses to check a benchmark's printed result and to ask ember's JIT
what it compiled during that run.

Why a registry here rather than in run.py: the workload sizes and the
per-benchmark programs must agree, and the static variants under bench/static/
(owned by others) print the same result line for the same ``n``, so the
default ``n`` of each program is part of its contract and lives next to it.

Invariants:
  * Every program prints exactly one result line, ``<name> n=<n>: <result>``,
    computed only from the workload (no timings, no addresses, no hash() of
    str, no set iteration order), so stock CPython, ember's JIT and the
    Static Python variants must print the same bytes.
  * ``BENCH_N`` (the size of one timed call in a pyperf worker) makes every hot
    function of the workload run well over 1000 times per call, so ember's
    auto mode (compile after 1000 calls) has compiled the hot code by the end
    of pyperf's first warm-up value, before any measured value.
"""
from __future__ import annotations

import json
import os
import runpy
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (DEFAULT_N for a standalone run / the result check, BENCH_N for one timed call)
BENCHMARKS: dict[str, tuple[int, int]] = {
    "richards": (4, 2),
    "nbody": (20000, 5000),
    "recursion": (20, 20),
    "strings_dicts": (4, 2),
    "generators": (20, 10),
}


def standalone(name: str, main, report, default_n: int) -> None:
    """The ``if __name__ == '__main__'`` body of every benchmark program."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else default_n
    print(f"{name} n={n}: {report(main(n))}")


def jit_module():
    """ember.jit if it can be imported, else None (the JIT may not exist yet)."""
    try:
        import ember.jit as jit  # type: ignore[import-not-found]
    except Exception:
        return None
    return jit


def _functions_of(namespace: dict) -> list:
    """Functions defined by a benchmark: module-level ones and class methods."""
    found = []
    seen = set()
    for value in list(namespace.values()):
        candidates = []
        if isinstance(value, types.FunctionType):
            candidates.append(value)
        elif isinstance(value, type):
            for attr in vars(value).values():
                if isinstance(attr, (staticmethod, classmethod)):
                    attr = attr.__func__
                elif isinstance(attr, property):
                    attr = attr.fget
                if isinstance(attr, types.FunctionType):
                    candidates.append(attr)
        for f in candidates:
            if id(f) not in seen and f.__code__.co_filename == namespace.get("__file__"):
                seen.add(id(f))
                found.append(f)
    return found


def jit_report(namespace: dict) -> dict:
    """What ember's JIT says about the current process, as plain JSON data."""
    jit = jit_module()
    if jit is None:
        return {"available": False}
    info: dict = {"available": True}
    funcs = _functions_of(namespace)
    compiled = []
    try:
        compiled = [f.__qualname__ for f in funcs if jit.is_jit_compiled(f)]
    except Exception as exc:
        info["is_jit_compiled_error"] = f"{type(exc).__name__}: {exc}"
    info["benchmark_functions"] = len(funcs)
    info["benchmark_compiled"] = len(compiled)
    info["compiled_names"] = compiled
    try:
        stats = jit.stats()
        info["stats"] = json.loads(json.dumps(stats, default=repr))
    except Exception as exc:
        info["stats_error"] = f"{type(exc).__name__}: {exc}"
    return info


def probe(script: str, out_path: str, n: str | None) -> None:
    """Runs a benchmark exactly as ``python script [n]`` would, then records JIT info.

    stdout carries only the program's own output, so run.py can compare the
    stock and ember runs byte for byte; the JIT report goes to ``out_path``.
    """
    sys.argv = [script] + ([n] if n is not None else [])
    namespace = runpy.run_path(script, run_name="__main__")
    sys.stdout.flush()
    with open(out_path, "w") as fp:
        json.dump(jit_report(namespace), fp)


if __name__ == "__main__":
    # python bench/_common.py probe SCRIPT OUT.json [n]
    if len(sys.argv) not in (4, 5) or sys.argv[1] != "probe":
        sys.exit("usage: _common.py probe SCRIPT OUT.json [n]")
    probe(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else None)
