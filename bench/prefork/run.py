"""Pre-fork memory benchmark: what each worker copies of its parent's heap.

For each mode a fresh parent process loads the application of app.py, applies
the mode, forks N workers, and each worker serves M requests that touch the
shared state. When a worker is done it reports and waits; the parent reads
the worker's /proc/PID/smaps_rollup (ember.prefork.memory_report) while it
is alive, then releases it. Modes:

  a  nothing         fork as is
  b  gc.freeze       gc.freeze() before fork (the stdlib recipe)
  c  ember           ember.prefork.prepare() before fork, after_fork() in workers

Per-worker Private_Dirty is the memory a worker does not share; Pss charges
shared pages fractionally, so it is the fair per-process cost. Each mode runs
in its own interpreter so no mode inherits another's state.

    python bench/prefork/run.py [--workers 4] [--requests 200] [--scale 1.0] [--json out.json]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = {"a": "nothing", "b": "gc.freeze()", "c": "ember.prefork.prepare()"}
MB = 1024 * 1024


def _worker(app, requests: int, mode: str, report_w: int, go_r: int) -> None:
    from ember import prefork

    if mode == "c":
        prefork.after_fork()
    checksum = 0
    for i in range(requests):
        checksum += len(app.handle(i))
    before = prefork.memory_report()
    os.write(report_w, json.dumps({"checksum": checksum, "self": before}).encode() + b"\n")
    os.read(go_r, 1)  # stay alive until the parent has measured us


def parent(mode: str, workers: int, requests: int, scale: float) -> dict:
    sys.path.insert(0, HERE)
    import app as app_module
    from ember import prefork

    t0 = time.perf_counter()
    app = app_module.load(scale)
    load_s = time.perf_counter() - t0
    prep = {}
    t0 = time.perf_counter()
    if mode == "b":
        gc.freeze()
    elif mode == "c":
        prep = prefork.prepare()
    prepare_s = time.perf_counter() - t0
    parent_mem = prefork.memory_report()
    results = []
    pids = []
    pipes = []
    for _ in range(workers):
        report_r, report_w = os.pipe()
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(report_r)
                os.close(go_w)
                _worker(app, requests, mode, report_w, go_r)
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(report_w)
        os.close(go_r)
        pids.append(pid)
        pipes.append((report_r, go_w))
    open_go = {go_w for _, go_w in pipes}
    try:
        for pid, (report_r, go_w) in zip(pids, pipes):
            with os.fdopen(report_r, "rb") as f:
                line = f.readline()
            if not line:
                raise RuntimeError("worker %d died before reporting" % pid)
            info = json.loads(line)
            info["measured"] = prefork.memory_report(pid)
            results.append(info)
            os.write(go_w, b"x")
            os.close(go_w)
            open_go.discard(go_w)
    finally:
        for fd in open_go:  # EOF releases any worker still waiting
            os.close(fd)
        for pid in pids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                continue
    checksums = {r["checksum"] for r in results}
    return {
        "mode": mode,
        "load_s": load_s,
        "prepare_s": prepare_s,
        "parent": parent_mem,
        "workers": [r["measured"] for r in results],
        "checksums": sorted(checksums),
        "prepare": prep,
    }


def _mean(rows, key):
    return sum(r[key] for r in rows) / len(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--modes", default="abc")
    ap.add_argument("--json", help="write raw results here")
    ap.add_argument("--parent", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.parent:
        out = parent(args.parent, args.workers, args.requests, args.scale)
        print(json.dumps(out))
        return 0

    runs = {}
    for mode in args.modes:
        cmd = [sys.executable, os.path.abspath(__file__), "--parent", mode, "--workers", str(args.workers),
               "--requests", str(args.requests), "--scale", str(args.scale)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            return 1
        runs[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
        if proc.stderr.strip():
            sys.stderr.write(proc.stderr)

    checks = {tuple(r["checksums"]) for r in runs.values()}
    print("workers=%d requests/worker=%d scale=%.2f parent Rss after load=%.1f MB" % (
        args.workers, args.requests, args.scale, next(iter(runs.values()))["parent"]["Rss"] / MB))
    print()
    print("| mode | per-worker Private_Dirty | per-worker Pss | per-worker Rss | prepare time |")
    print("|---|---:|---:|---:|---:|")
    for mode, r in runs.items():
        w = r["workers"]
        print("| (%s) %s | %.1f MB | %.1f MB | %.1f MB | %.2f s |" % (
            mode, MODES[mode], _mean(w, "Private_Dirty") / MB, _mean(w, "Pss") / MB, _mean(w, "Rss") / MB,
            r["prepare_s"]))
    if "b" in runs and "c" in runs:
        b = _mean(runs["b"]["workers"], "Private_Dirty")
        c = _mean(runs["c"]["workers"], "Private_Dirty")
        print()
        print("(c) vs (b): per-worker Private_Dirty %.1f%% lower" % (100.0 * (1 - c / b)))
    if "c" in runs:
        p = runs["c"]["prepare"]
        print("prepare(): %d objects made immortal, %d kept mortal (finalizer %d, weakref callback %d)" % (
            p.get("immortalized", 0), p.get("mortal_finalizer", 0) + p.get("mortal_weakref_callback", 0)
            + p.get("mortal_frame", 0), p.get("mortal_finalizer", 0), p.get("mortal_weakref_callback", 0)))
    if len(checks) != 1:
        print("WARNING: modes served different responses: %r" % (checks,))
        return 1
    if args.json:
        with open(args.json, "w") as f:
            json.dump(runs, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
