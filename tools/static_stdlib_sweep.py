#!/usr/bin/env python3
"""Robustness sweep: type-check every module of the standard library as if it
were static (``import __static__`` inserted). The checker must never crash:
each module either checks clean or raises a TypedSyntaxError with a file,
line and message. Anything else is a compiler bug, reported with a traceback.

usage: python tools/static_stdlib_sweep.py [--limit N] [--verbose] [DIR]
Exit status 1 if any module crashed the checker.
"""
from __future__ import annotations

import os
import sys
import sysconfig
import time
import traceback

sys.setrecursionlimit(10000)
from ember.static.__main__ import check_file, iter_files  # noqa: E402
from ember.static.declarations import ModuleTable  # noqa: E402


def sweep(root: str, limit: int | None = None, verbose: bool = False) -> tuple:
    files = [f for f in iter_files([root]) if "site-packages" not in f]
    if limit:
        files = files[:limit]
    clean = errors = crashes = invalid = 0
    crashed = []
    table = ModuleTable()
    start = time.perf_counter()
    for f in files:
        try:
            err = check_file(f, table, force=True, internal_errors=False, compile_code=True)
        except RecursionError:
            err = None  # too deep for Python's own compiler as well
            clean += 1
            continue
        except SyntaxError as exc:
            if type(exc) is SyntaxError:
                # a module CPython itself refuses to compile (test data for
                # bad __future__ imports, ...): not a checker crash
                invalid += 1
                continue
            raise
        except Exception:
            crashes += 1
            crashed.append((f, traceback.format_exc()))
            continue
        if err is None:
            clean += 1
        else:
            errors += 1
            if verbose:
                print(err.format())
    elapsed = time.perf_counter() - start
    return files, clean, errors, crashes, crashed, elapsed, invalid


def main(argv: list) -> int:
    limit = None
    verbose = "--verbose" in argv
    args = [a for a in argv if a != "--verbose"]
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i:i + 2]
    root = args[0] if args else sysconfig.get_paths()["stdlib"]
    files, clean, errors, crashes, crashed, elapsed, invalid = sweep(root, limit, verbose)
    for f, tb in crashed:
        print(f"CRASH {f}\n{tb}", file=sys.stderr)
    print(f"{len(files)} modules: {clean} clean, {errors} with type errors, {invalid} rejected by CPython "
          f"itself, {crashes} crashes ({elapsed:.1f}s)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
