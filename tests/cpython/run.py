#!/usr/bin/env python3
"""Run CPython's own regression suite (the 3.12 ``test`` package) under ember's JIT.

What: this script drives ``python -m test`` (regrtest) with the interpreter it
is started with, in one of two configurations:

  * JIT (default): the environment carries ``PYTHONJITALL=1``, so every
    function is compiled at its first call, in the main regrtest process and in
    every ``-jN`` worker. The environment form is used on purpose: regrtest
    starts its workers with ``sys.executable`` and only the ``-X`` options it
    knows about, so ``-X jit-all`` would silently be lost in the workers, while
    the environment is inherited.
  * ``--no-jit``: the same run with every ``PYTHONJIT*`` variable removed. This
    is the baseline the README compares against, and how environment failures
    (network, missing resources, sandbox limits) are told apart from JIT bugs.

``--quick`` runs only the curated language-core subset in ``quick.txt`` (what
``make test`` uses); without it the whole suite runs (``make test-cpython``).

Skip list invariant: ``skiplist.txt`` has one entry per line, ``name  # reason``,
and every entry must carry a reason; an entry without one makes the runner
refuse to start (exit status 2), so nothing is skipped silently. A plain name
(``test_socket``) excludes a whole test file; a dotted name
(``test_os.FileTests.test_large_read``, or a class ``test_socket.SomeTest``) is
handed to regrtest's ``--ignore`` and drops only the matching test cases.

Output: regrtest's full output goes to ``results/log-<mode>-<scope>.txt``; a
summary (counts of passed/failed/skipped/env-changed/re-run test files, the
names of failing files, the individual test-case totals, wall time, and whether
ember's JIT was actually importable and active) goes to
``results/summary-<mode>.json`` (the latest run of that mode) and
``results/summary-<mode>-<scope>.json`` (scope: full, quick or selected) and is
printed. The exit status is non-zero when a test file not on the skip
list fails (after regrtest's own verbose re-run of failures, so a flaky test
that passes on re-run is reported as re-run, not failed), when the run was
interrupted, or when no summary could be parsed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SKIPLIST = HERE / "skiplist.txt"
QUICKLIST = HERE / "quick.txt"

# Resources: everything except what needs the network, a display, sound, or
# many GB of disk. "cpu" (very long tests) is left out of the quick subset only.
RESOURCES_FULL = "all,-network,-urlfetch,-gui,-audio,-largefile"
RESOURCES_QUICK = RESOURCES_FULL + ",-cpu"


class SkipListError(Exception):
    pass


def read_skiplist(path: Path) -> dict[str, str]:
    """Returns {name: reason}; raises SkipListError on an entry without a reason."""
    entries: dict[str, str] = {}
    if not path.exists():
        return entries
    problems = []
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, reason = line.partition("#")
        name, reason = name.strip(), reason.strip()
        if not sep or not reason:
            problems.append(f"{path.name}:{lineno}: '{name}' has no reason (write 'name  # reason')")
            continue
        if len(name.split()) != 1:
            problems.append(f"{path.name}:{lineno}: expected one test name, got '{name}'")
            continue
        if name in entries:
            problems.append(f"{path.name}:{lineno}: '{name}' is listed twice")
            continue
        entries[name] = reason
    if problems:
        raise SkipListError("\n".join(problems))
    return entries


def read_quicklist(path: Path) -> list[str]:
    names = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        names.extend(line.split())
    return names


# Interpreter-behaviour variables that CPython's tests check the effect of
# (test_cmd_line fails under PYTHONUNBUFFERED, test_compileall under
# PYTHONDONTWRITEBYTECODE, ...). regrtest expects a clean environment, so they
# are removed; PYTHONPATH/PYTHONHOME stay, they may be how ember is found.
KEEP_PYTHON_VARS = {"PYTHONPATH", "PYTHONHOME"}


def jit_environment(use_jit: bool) -> dict[str, str]:
    """The run's environment: no PYTHONJIT* at all without the JIT; with it,
    PYTHONJITALL=1 plus the caller's tuning variables (PYTHONJITVERIFY,
    PYTHONJITFILTER, PYTHONJITLOGFILE, ... -- handy when bisecting a failure),
    minus the other mode switches. Other PYTHON* variables are dropped (see
    KEEP_PYTHON_VARS)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON") or k in KEEP_PYTHON_VARS
           or (use_jit and k.startswith("PYTHONJIT") and k not in ("PYTHONJIT", "PYTHONJITAUTO"))}
    if use_jit:
        env["PYTHONJITALL"] = "1"
    return env


def dropped_variables(env: dict[str, str]) -> list[str]:
    return sorted(k for k in os.environ if k.startswith("PYTHON") and k not in env)


PROBE = r"""
import json, sys
info = {"ember_jit_importable": False}
try:
    import ember.jit as jit
except Exception as exc:
    info["error"] = f"{type(exc).__name__}: {exc}"
else:
    info["ember_jit_importable"] = True
    def probe(x):
        return x + 1
    for _ in range(3):
        probe(1)
    try:
        info["probe_compiled"] = bool(jit.is_jit_compiled(probe))
    except Exception as exc:
        info["probe_compiled"] = f"{type(exc).__name__}: {exc}"
    try:
        stats = jit.stats()
        info["stats_keys"] = sorted(stats)[:40]
    except Exception as exc:
        info["stats_error"] = f"{type(exc).__name__}: {exc}"
print("EMBER-PROBE " + json.dumps(info))
"""


def probe_jit(env: dict[str, str]) -> dict:
    """Asks a child started with the run's environment whether the JIT is on."""
    try:
        proc = subprocess.run([sys.executable, "-c", PROBE], env=env,
                              capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return {"error": "probe timed out"}
    for line in proc.stdout.splitlines():
        if line.startswith("EMBER-PROBE "):
            info = json.loads(line[len("EMBER-PROBE "):])
            break
    else:
        info = {"error": f"probe exited with {proc.returncode}"}
    if proc.stderr.strip():
        info["stderr"] = proc.stderr.strip().splitlines()[-5:]
    return info


_SECTION = re.compile(
    r"^(?:All )?(?P<count>\d+) (?:re-run )?tests? "
    r"(?P<what>OK\.|failed:|failed again:|skipped:|skipped \(resource denied\):|"
    r"run no tests:|omitted:|altered the execution environment(?: \(env changed\))?:)\s*$")
_RERUN = re.compile(r"^(?P<count>\d+) re-run tests?:\s*$")
_KEYS = {
    "OK.": "passed",
    "failed:": "failed",
    "failed again:": "failed_again",
    "skipped:": "skipped",
    "skipped (resource denied):": "resource_denied",
    "run no tests:": "run_no_tests",
    "omitted:": "omitted",
    "altered the execution environment (env changed):": "env_changed",
    "altered the execution environment:": "env_changed",
}


def parse_regrtest(text: str) -> dict:
    """Parses the summary regrtest prints at the end of a run.

    Only the block after the last "== Tests result:" line is read: regrtest
    prints its result headers again after re-running failures.
    """
    lists: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    last = text.rfind("== Tests result:")
    lines = (text[last:] if last >= 0 else text).splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _SECTION.match(line)
        key = None
        if m:
            key = _KEYS[m.group("what")]
        else:
            m = _RERUN.match(line)
            if m:
                key = "rerun"
        if key is None:
            i += 1
            continue
        counts[key] = int(m.group("count"))
        names: list[str] = []
        i += 1
        while i < len(lines) and lines[i].startswith("    "):
            names.extend(lines[i].split())
            i += 1
        lists[key] = names
    summary = {"counts": counts, "lists": {k: v for k, v in lists.items() if k != "passed"}}
    m = re.search(r"^Total tests: (.*)$", text, re.M)
    if m:
        summary["test_cases"] = {k: int(v.replace(",", "")) for k, v in
                                 re.findall(r"(\w+)=([\d,]+)", m.group(1))}
    m = re.search(r"^Result: (.*)$", text, re.M)
    summary["result"] = m.group(1).strip() if m else None
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="run the curated subset in quick.txt")
    ap.add_argument("--no-jit", action="store_true", help="baseline run without the JIT")
    ap.add_argument("-j", type=int, default=2, metavar="N", help="regrtest worker processes (default 2)")
    ap.add_argument("--timeout", type=int, default=None,
                    help="per-test-file timeout in seconds (default 600 quick, 1800 full)")
    ap.add_argument("--tests", nargs="+", metavar="TEST",
                    help="run only these test files (still minus the skip list)")
    ap.add_argument("--no-rerun", action="store_true",
                    help="do not let regrtest re-run failures in verbose mode")
    args = ap.parse_args(argv)

    # A shell that starts us in the background without job control leaves
    # SIGINT ignored, and an ignored signal stays ignored across exec: Python
    # would then install no KeyboardInterrupt handler in regrtest's workers and
    # tests that send themselves SIGINT (test_generators' SignalAndYieldFromTest,
    # ...) fail with or without the JIT. A handled signal is reset to the
    # default on exec, so installing Python's own handler here fixes the workers.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        skips = read_skiplist(SKIPLIST)
    except SkipListError as exc:
        print(f"tests/cpython: refusing to run, bad skip list:\n{exc}", file=sys.stderr)
        return 2

    use_jit = not args.no_jit
    mode = "jit" if use_jit else "nojit"
    scope = "quick" if args.quick else ("selected" if args.tests else "full")
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / f"log-{mode}-{scope}.txt"
    # summary-<mode>.json is always the latest run of that mode (its "scope"
    # field says which); summary-<mode>-<scope>.json keeps one per scope, so a
    # quick run does not hide the last full run.
    summary_path = RESULTS / f"summary-{mode}.json"
    scoped_summary_path = RESULTS / f"summary-{mode}-{scope}.json"

    whole_files = {n for n in skips if "." not in n}
    case_patterns = [n for n in skips if "." in n]
    timeout = args.timeout or (600 if args.quick else 1800)

    cmd = [sys.executable, "-m", "test", f"-j{args.j}", f"--timeout={timeout}",
           "-u", RESOURCES_QUICK if args.quick else RESOURCES_FULL,
           "--slowest"]
    if not args.no_rerun:
        cmd.append("--rerun")
    for entry in case_patterns:
        # regrtest matches --ignore patterns against full test ids
        # (test.test_os.FileTests.test_x); the second form covers every test
        # in a class or a sub-module of a test package.
        cmd += ["-i", f"test.{entry}", "-i", f"test.{entry}.*"]
    selected: list[str] | None = None
    if args.tests or args.quick:
        wanted = args.tests or read_quicklist(QUICKLIST)
        selected = [t for t in wanted if t not in whole_files]
        cmd += selected
    elif whole_files:
        cmd += ["-x", *sorted(whole_files)]

    env = jit_environment(use_jit)
    jit_info = probe_jit(env) if use_jit else None

    started = time.time()
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        jit_vars = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith("PYTHONJIT"))
        log.write(f"# environment: {jit_vars or 'no PYTHONJIT* variables'}\n\n")
        log.flush()
        proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, cwd=RESULTS)
    wall = time.time() - started

    text = log_path.read_text(errors="replace")
    parsed = parse_regrtest(text)
    failed = parsed["lists"].get("failed", [])
    rerun_passed = [t for t in parsed["lists"].get("rerun", []) if t not in failed]
    summary = {
        "mode": mode,
        "scope": scope,
        "python": sys.executable,
        "python_version": sys.version.split()[0],
        "command": cmd,
        "env": {k: v for k, v in env.items() if k.startswith("PYTHONJIT")},
        "env_removed": dropped_variables(env),
        "jit_probe": jit_info,
        "regrtest_exit_status": proc.returncode,
        "wall_seconds": round(wall, 1),
        "result": parsed["result"],
        "passed": parsed["counts"].get("passed", 0),
        "failed": len(failed),
        "skipped": parsed["counts"].get("skipped", 0) + parsed["counts"].get("resource_denied", 0),
        "env_changed": parsed["counts"].get("env_changed", 0),
        "rerun_then_passed": len(rerun_passed),
        "run_no_tests": parsed["counts"].get("run_no_tests", 0),
        "failing_tests": failed,
        "passed_on_rerun": rerun_passed,
        "details": parsed["lists"],
        "test_cases": parsed.get("test_cases", {}),
        "skip_list": skips,
        "log": str(log_path.relative_to(HERE.parent.parent)),
    }
    for path in (summary_path, scoped_summary_path):
        path.write_text(json.dumps(summary, indent=2) + "\n")

    print(f"CPython {summary['python_version']} regression suite, "
          f"{'quick subset' if args.quick else 'selected tests' if args.tests else 'full suite'}, "
          f"{'PYTHONJITALL=1' if use_jit else 'no JIT'}, -j{args.j}, {wall:.0f} s")
    if use_jit:
        state = ("active" if jit_info.get("probe_compiled") is True else
                 "importable but did not compile a probe function" if jit_info.get("ember_jit_importable") else
                 f"NOT available ({jit_info.get('error', 'unknown')})")
        print(f"  ember JIT: {state}")
    print(f"  result: {parsed['result']}")
    print(f"  test files: passed={summary['passed']} failed={summary['failed']} "
          f"skipped={summary['skipped']} env-changed={summary['env_changed']} "
          f"passed-on-re-run={summary['rerun_then_passed']} run-no-tests={summary['run_no_tests']} "
          f"(skip-listed, not run: {len(skips)})")
    if summary["test_cases"]:
        print("  test cases: " + " ".join(f"{k}={v}" for k, v in summary["test_cases"].items()))
    if failed:
        print("  FAILED: " + " ".join(failed))
    if summary["env_changed"]:
        print("  env changed: " + " ".join(parsed["lists"].get("env_changed", [])))
    if rerun_passed:
        print("  failed first, passed on re-run (flaky?): " + " ".join(rerun_passed))
    print(f"  summary: {summary_path.relative_to(HERE.parent.parent)} "
          f"(and {scoped_summary_path.name})  log: {summary['log']}")

    if failed:
        return 1
    if parsed["result"] is None or "INTERRUPTED" in (parsed["result"] or ""):
        print("  regrtest did not finish normally; see the log", file=sys.stderr)
        return proc.returncode or 1
    if proc.returncode not in (0,) and not failed:
        # e.g. NO TESTS RAN, or a worker bug: regrtest's own verdict stands.
        return proc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
