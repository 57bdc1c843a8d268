"""Runs the strict-module analyser over every module of the standard library.

Purpose: the analyser must never crash. Every stdlib module is analysed as if
it had opted in (none does); each verdict must be "accepted" or "rejected with
errors". An internal error (ST000) or an exception escaping the analyser counts
as a crash and makes the script exit 1. ST002 (analysis limit) is a clean
rejection but is listed separately so regressions in budget are visible.

Usage: .venv/bin/python tools/strict_stdlib_sweep.py [--limit N] [--slowest K] [--verbose]
Single process, modest CPU (the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import sys
import sysconfig
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from ember.strict.analyzer import analyze  # noqa: E402
from ember.strict.modules import read_source  # noqa: E402


def stdlib_files():
    root = sysconfig.get_paths()["stdlib"]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__", "dist-packages"))
        for name in sorted(filenames):
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
                if rel.endswith(".__init__"):
                    rel = rel[:-9]
                yield path, rel


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="analyse only the first N files")
    parser.add_argument("--slowest", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    accepted = rejected = crashed = limited = 0
    timings = []
    crashes = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i, (path, modname) in enumerate(stdlib_files()):
        if args.limit and i >= args.limit:
            break
        try:
            source = read_source(path)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            continue
        t0 = time.process_time()   # CPU time: wall time on a shared machine measures the others
        try:
            result = analyze(source, path, modname, allowlist=())
            errors = result.errors
        except BaseException as exc:  # noqa: BLE001 - any escape is a crash
            if isinstance(exc, KeyboardInterrupt):
                raise
            crashed += 1
            crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            continue
        timings.append((time.process_time() - t0, path, len(source.splitlines())))
        if any(e.code == "ST000" for e in errors):
            crashed += 1
            crashes.extend(e.format() for e in errors if e.code == "ST000")
        elif errors:
            rejected += 1
            if any(e.code == "ST002" for e in errors):
                limited += 1
                if args.verbose:
                    print("limit:", path)
        else:
            accepted += 1
            if args.verbose:
                print("accepted:", modname)
    total = time.perf_counter() - start
    cpu_total = time.process_time() - cpu_start
    print(f"stdlib sweep: {accepted + rejected + crashed} modules: {accepted} accepted, "
          f"{rejected} rejected ({limited} by analysis limits), {crashed} crashed; "
          f"{cpu_total:.1f}s CPU, {total:.1f}s wall")
    for t, path, lines in sorted(timings, reverse=True)[:args.slowest]:
        print(f"  slow: {t * 1000:7.1f} ms CPU  {lines:6d} lines  {path}")
    for line in crashes[:50]:
        print("CRASH", line)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
