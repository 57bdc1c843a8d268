"""pyperf entry point for one ember benchmark: ``python [-X ...] _pyperf_worker.py NAME``.

What: builds a pyperf Runner that times ``main(BENCH_N)`` of the named
benchmark program (bench/<NAME>.py) with ``bench_time_func``. bench/run.py
starts this script once per benchmark and configuration; pyperf then spawns
its own worker processes, each of which re-runs this script with
``--worker``.

Why a separate script: pyperf starts workers as ``[python, *program_args,
--worker ...]`` with a scrubbed environment. To make sure the workers run in
exactly the configuration being measured, ``program_args`` repeats this
process's own ``-X`` options (e.g. ``-X jit``) in front of the script path;
the environment is not relied on (pyperf drops ``PYTHONJIT*`` unless told
otherwise, which is also what keeps a stray ``PYTHONJIT`` out of the stock
workers).

Invariants: the timed function does nothing but call ``main(n)`` ``loops``
times between two ``perf_counter`` reads; the same binary (``sys.executable``)
runs stock and ember workers; warm-up values are discarded by pyperf, and
with ``BENCH_N`` sized as described in _common.py the hot functions have been
called over 1000 times before the first measured value, so auto-mode
compilation has happened by then.
"""
from __future__ import annotations

import importlib
import os
import sys
import time

import pyperf

from _common import BENCHMARKS, HERE


def forwarded_xoptions() -> tuple[str, ...]:
    args: list[str] = []
    for key, value in sys._xoptions.items():
        args += ["-X", key if value is True else f"{key}={value}"]
    return tuple(args)


def time_main(loops, main, n):
    start = time.perf_counter()
    for _ in range(loops):
        main(n)
    return time.perf_counter() - start


def add_worker_args(cmd, args):
    cmd.extend((args.benchmark, "--inner", str(args.inner)))


def run():
    runner = pyperf.Runner(program_args=(*forwarded_xoptions(), os.path.abspath(__file__)),
                           add_cmdline_args=add_worker_args)
    runner.argparser.add_argument("benchmark", choices=sorted(BENCHMARKS))
    runner.argparser.add_argument("--inner", type=int, default=None,
                                  help="workload size of one timed call (default: BENCH_N)")
    args = runner.parse_args()
    if args.inner is None:
        args.inner = BENCHMARKS[args.benchmark][1]
    runner.metadata["ember_xoptions"] = " ".join(forwarded_xoptions()) or "(none)"
    runner.metadata["ember_inner_n"] = args.inner
    module = importlib.import_module(args.benchmark)
    runner.bench_time_func(args.benchmark, time_main, module.main, args.inner)


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    run()
