#!/usr/bin/env python3
"""Measure stock CPython against ember's JIT on ember's own benchmarks.

What: for every program in bench/ (richards, nbody, recursion, strings_dicts,
generators) this runner
  1. runs the program once in each configuration -- stock (no options) and
     ember (``-X jit``, or ``-X jit-all`` with ``--mode jit-all``) -- and
     checks that both print the same result line; the ember run also reports
     what ember's JIT compiled (through ``ember.jit`` if it exists);
  2. times it in each configuration with pyperf (bench/_pyperf_worker.py,
     separate worker processes, warm-up values discarded), alternating
     stock and ember worker processes;
  3. prints a table -- stock time, ember time, ratio stock/ember (> 1 means
     ember is faster), whether the results matched, JIT activity -- and the
     geometric mean of the ratios, and writes the same data as JSON and
     Markdown to bench/results/ (``latest.json``/``latest.md`` plus a
     timestamped copy of each, and pyperf's raw JSON files).

Honesty rules this script keeps: both configurations use the very same
interpreter binary (``sys.executable``) within one run and the same pyperf
settings; configurations are interleaved per benchmark so drift in machine
load hits both; the environment is scrubbed of ``PYTHONJIT*`` so options come
only from the command line; ratios are reported, never asserted. If ember's
JIT is missing or not active the table says so (ratios near 1.0 are then the
expected answer), and the run still succeeds. A result mismatch between the
configurations is a correctness bug: it is marked in the table and makes the
exit status 1.

``--quick`` (``make demo``) uses few processes and values so the whole run
takes about a minute on two cores; the default (``make bench``) uses more.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))

from _common import BENCHMARKS  # noqa: E402

MODES = {"jit": ("-X", "jit"), "jit-all": ("-X", "jit-all")}
# pyperf settings: (processes, values, warmups, loops). One loop = one main(BENCH_N)
# call of 40-200 ms, far above timer resolution, so loops are not calibrated.
QUICK = (4, 4, 2, 1)
WORKER_TIMEOUT = 600  # seconds; a hung worker (e.g. a JIT bug) fails the row, not the run
FULL = (12, 6, 3, 1)


def clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTHONJIT", "EMBERSTRICT"))}


def probe(name: str, xopts: tuple[str, ...], workdir: Path, env) -> dict:
    """Runs bench/<name>.py once (default n) and returns its output and JIT report."""
    report_path = workdir / f"{name}-{'ember' if xopts else 'stock'}-probe.json"
    cmd = [sys.executable, *xopts, str(HERE / "_common.py"), "probe",
           str(HERE / f"{name}.py"), str(report_path)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    except subprocess.TimeoutExpired:
        return {"ok": False, "stdout": "", "stderr": "timed out after 600 s", "jit": None}
    jit = None
    if report_path.exists():
        try:
            jit = json.loads(report_path.read_text())
        except ValueError:
            jit = None
    return {"ok": proc.returncode == 0, "returncode": proc.returncode,
            "stdout": proc.stdout.strip(), "stderr": proc.stderr.strip(), "jit": jit}


def pyperf_command(name: str, xopts: tuple[str, ...], settings, out: Path) -> list[str]:
    """One pyperf manager run of ``settings``' values in ONE worker process, appended to ``out``."""
    _, values, warmups, loops = settings
    cmd = [sys.executable, *xopts, str(HERE / "_pyperf_worker.py"), name,
           "--processes", "1", "--values", str(values),
           "--warmups", str(warmups), "--append", str(out), "--quiet",
           "--timeout", str(WORKER_TIMEOUT)]
    if loops:
        cmd += ["--loops", str(loops)]
    return cmd


def time_pair(name: str, xopts: tuple[str, ...], settings, workdir: Path, env, log):
    """Times stock and ember, interleaved process by process.

    Each pyperf worker process is started by its own manager invocation and
    appended to the configuration's JSON file; the order alternates (stock
    first, then ember first, ...) so that load changes on a shared machine and
    any first-mover effect fall on both configurations equally.
    """
    outs = {}
    for label in ("stock", "ember"):
        outs[label] = workdir / f"{name}-{label}.pyperf.json"
        if outs[label].exists():
            outs[label].unlink()
    errors = {"stock": None, "ember": None}
    for i in range(settings[0]):
        order = ("stock", "ember") if i % 2 == 0 else ("ember", "stock")
        for label in order:
            if errors[label]:
                continue
            cmd = pyperf_command(name, xopts if label == "ember" else (), settings, outs[label])
            log.write(f"\n$ {' '.join(cmd)}\n")
            log.flush()
            try:
                proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                      cwd=HERE, timeout=WORKER_TIMEOUT + 60)
            except subprocess.TimeoutExpired:
                errors[label] = f"pyperf did not finish in {WORKER_TIMEOUT + 60} s"
                continue
            if proc.returncode != 0:
                errors[label] = f"pyperf exited with {proc.returncode} (see log)"
    return tuple(load_timing(outs[label], errors[label]) for label in ("stock", "ember"))


def load_timing(out: Path, error: str | None) -> dict:
    if error or not out.exists():
        return {"ok": False, "error": error or "no pyperf output"}
    import pyperf
    bench = pyperf.Benchmark.load(str(out))
    values = bench.get_values()
    return {"ok": True, "mean": bench.mean(), "stdev": bench.stdev() if len(values) > 1 else 0.0,
            "median": bench.median(), "values": len(values), "runs": bench.get_nrun(),
            "pyperf_json": str(out.relative_to(ROOT))}


# Key of ember.jit.stats() holding the process's number of compiled functions
# ("compiled" today); the other spellings keep the report working if it is renamed.
STATS_COMPILED_KEYS = ("compiled", "compiled_functions", "num_compiled", "functions_compiled",
                       "compile_count", "compilations")


def jit_summary(jit: dict | None) -> str:
    """A short cell for the table: was ember's JIT there, and what did it compile."""
    if jit is None:
        return "no report"
    if not jit.get("available"):
        return "no ember.jit"
    parts = []
    if "benchmark_functions" in jit:
        parts.append(f"{jit.get('benchmark_compiled', 0)}/{jit['benchmark_functions']} compiled")
    stats = jit.get("stats")
    if isinstance(stats, dict):
        for key in STATS_COMPILED_KEYS:
            if isinstance(stats.get(key), int):
                parts.append(f"process: {stats[key]}")
                break
    return ", ".join(parts) if parts else "ember.jit present, no counts"


def jit_active(jit: dict | None) -> bool:
    if not jit or not jit.get("available"):
        return False
    if jit.get("benchmark_compiled"):
        return True
    stats = jit.get("stats")
    if isinstance(stats, dict):
        for key in STATS_COMPILED_KEYS:
            if isinstance(stats.get(key), int) and stats[key] > 0:
                return True
    return False


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.3f} s"
    return f"{seconds * 1e3:.1f} ms"


def geometric_mean(ratios: list[float]) -> float | None:
    if not ratios:
        return None
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def render_table(rows: list[dict], geomean: float | None, mode: str) -> list[str]:
    header = ["benchmark", "stock", f"ember (-X {mode})", "ratio", "result", "ember JIT"]
    table = [header]
    for r in rows:
        stock, ember = r["stock_timing"], r["ember_timing"]
        def cell(t):
            if not t.get("ok"):
                return "FAILED"
            rel = 100 * t["stdev"] / t["mean"] if t["mean"] else 0
            return f"{fmt_time(t['mean'])} ±{rel:.0f}%"
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        table.append([r["name"], cell(stock), cell(ember), ratio,
                      "same" if r["results_match"] else "DIFFERENT", r["jit"]])
    table.append(["geometric mean", "", "", f"{geomean:.2f}x" if geomean else "-", "", ""])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for k, row in enumerate(table):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) if i < 4 else c.ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if k == 0 or k == len(table) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def markdown(rows, geomean, mode, meta) -> str:
    out = [f"# ember benchmarks ({meta['when']})", "",
           f"Interpreter: `{meta['python']}` (CPython {meta['python_version']}), "
           f"{'quick' if meta['quick'] else 'full'} run, ember mode `-X {mode}`, "
           f"ember JIT active: **{'yes' if meta['jit_active'] else 'no'}**. "
           f"Load average at start: {', '.join(f'{x:.2f}' for x in meta['machine']['load_average'])} "
           f"on {meta['machine']['cpus']} CPUs.", "",
           "| benchmark | stock | ember | ratio (stock/ember) | result | ember JIT |",
           "|---|---:|---:|---:|---|---|"]
    for r in rows:
        s, e = r["stock_timing"], r["ember_timing"]
        def cell(t):
            if not t.get("ok"):
                return "FAILED"
            return f"{fmt_time(t['mean'])} ±{100 * t['stdev'] / t['mean']:.0f}%"
        st, et = cell(s), cell(e)
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        same = "same" if r["results_match"] else "DIFFERENT"
        out.append(f"| {r['name']} | {st} | {et} | {ratio} | {same} | {r['jit']} |")
    out.append(f"| **geometric mean** | | | **{geomean:.2f}x** | | |" if geomean else
               "| **geometric mean** | | | - | | |")
    out += ["", "Ratio > 1 means ember is faster. Times are pyperf means over "
            f"{meta['settings']['processes']} processes x {meta['settings']['values']} values "
            f"(after {meta['settings']['warmups']} warm-up values per process); ± is the "
            "relative standard deviation. \"ember JIT\": functions of the benchmark that "
            "ember.jit.is_jit_compiled() reports compiled after a standalone run, and "
            "ember.jit.stats()' count for that whole process.", ""]
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="stock CPython vs ember, same interpreter, one run")
    ap.add_argument("--quick", action="store_true", help="few processes and values (make demo)")
    ap.add_argument("--mode", choices=sorted(MODES), default="jit",
                    help="ember configuration: -X jit (auto mode, default) or -X jit-all")
    ap.add_argument("--bench", nargs="+", choices=sorted(BENCHMARKS), metavar="NAME",
                    help=f"run only these ({', '.join(BENCHMARKS)})")
    ap.add_argument("--processes", type=int, help="override pyperf worker processes")
    ap.add_argument("--values", type=int, help="override pyperf values per process")
    ap.add_argument("--warmups", type=int, help="override pyperf warm-up values per process")
    args = ap.parse_args(argv)

    try:
        import pyperf  # noqa: F401
    except ImportError:
        print("bench/run.py needs pyperf (pip install pyperf) in this interpreter", file=sys.stderr)
        return 2

    processes, values, warmups, loops = QUICK if args.quick else FULL
    settings = (args.processes or processes, args.values or values,
                args.warmups if args.warmups is not None else warmups, loops)
    xopts = MODES[args.mode]
    names = args.bench or list(BENCHMARKS)
    env = clean_environment()

    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    workdir = RESULTS / f"run-{stamp}"
    workdir.mkdir()
    log_path = workdir / "pyperf.log"

    print(f"ember benchmarks: {sys.executable} (CPython {platform.python_version()}), "
          f"stock vs -X {args.mode}, {'quick' if args.quick else 'full'} "
          f"(pyperf: {settings[0]} processes x {settings[1]} values, {settings[2]} warm-ups); "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    rows = []
    stderr_notes: list[str] = []
    with open(log_path, "w") as log:
        for name in names:
            print(f"  {name} ...", end="", flush=True)
            stock_probe = probe(name, (), workdir, env)
            ember_probe = probe(name, xopts, workdir, env)
            stock_timing, ember_timing = time_pair(name, xopts, settings, workdir, env, log)
            match = (stock_probe["ok"] and ember_probe["ok"]
                     and stock_probe["stdout"] == ember_probe["stdout"])
            ratio = (stock_timing["mean"] / ember_timing["mean"]
                     if stock_timing.get("ok") and ember_timing.get("ok") else None)
            for label, p in (("stock", stock_probe), ("ember", ember_probe)):
                for line in p["stderr"].splitlines():
                    note = f"{label}: {line}"
                    if line.strip() and note not in stderr_notes and len(stderr_notes) < 12:
                        stderr_notes.append(note)
            rows.append({"name": name, "stock_result": stock_probe["stdout"],
                         "ember_result": ember_probe["stdout"], "results_match": match,
                         "stock_timing": stock_timing, "ember_timing": ember_timing,
                         "ratio": ratio, "jit": jit_summary(ember_probe["jit"]),
                         "jit_report": ember_probe["jit"],
                         "stock_probe_status": stock_probe.get("returncode"),
                         "ember_probe_status": ember_probe.get("returncode")})
            print(f" {fmt_time(stock_timing.get('mean'))} vs {fmt_time(ember_timing.get('mean'))}",
                  flush=True)

    ratios = [r["ratio"] for r in rows if r["ratio"]]
    geomean = geometric_mean(ratios)
    active = any(jit_active(r["jit_report"]) for r in rows)
    meta = {"when": stamp, "python": sys.executable, "python_version": platform.python_version(),
            "quick": args.quick, "mode": args.mode, "jit_active": active,
            "settings": dict(zip(("processes", "values", "warmups", "loops"), settings)),
            "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(),
                        "platform": platform.platform()}}

    print()
    for line in render_table(rows, geomean, args.mode):
        print(line)
    print()
    print("ratio = stock time / ember time (> 1: ember faster); same interpreter binary, one run.")
    print(f"ember JIT active: {'yes' if active else 'NO -- ratios only measure noise and start-up options'}")
    if stderr_notes:
        print("stderr from the benchmark runs (first lines):")
        for line in stderr_notes:
            print(f"  | {line}")
    bad = [r["name"] for r in rows if not r["results_match"]]
    failed = [r["name"] for r in rows
              if not (r["stock_timing"].get("ok") and r["ember_timing"].get("ok"))]
    if bad:
        print(f"RESULT MISMATCH or crash (stock vs ember): {', '.join(bad)}")
        for r in rows:
            if r["name"] in bad:
                print(f"  {r['name']}: stock: {r['stock_result']!r} (exit {r['stock_probe_status']})")
                print(f"  {r['name']}: ember: {r['ember_result']!r} (exit {r['ember_probe_status']})")
    if failed:
        print(f"timing failed: {', '.join(failed)} (see {log_path.relative_to(ROOT)})")

    data = {"meta": meta, "geometric_mean": geomean, "benchmarks": rows}
    text_json = json.dumps(data, indent=2, default=str) + "\n"
    text_md = markdown(rows, geomean, args.mode, meta)
    for base in (workdir / "results", RESULTS / "latest"):
        base.with_suffix(".json").write_text(text_json)
        base.with_suffix(".md").write_text(text_md)
    print(f"written: {(RESULTS / 'latest.json').relative_to(ROOT)}, "
          f"{(RESULTS / 'latest.md').relative_to(ROOT)}, {workdir.relative_to(ROOT)}/")
    return 1 if (bad or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
