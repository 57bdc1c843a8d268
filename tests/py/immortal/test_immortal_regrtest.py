"""A subset of CPython's regression suite passes on an immortal heap.

regrtest_immortal.py imports the test modules, makes the heap immortal and
runs them. Any failure must also happen without immortalize_heap() (then it
is the environment's, not ours): in that case the baseline is run for the
failing modules and the failing test ids are compared.
"""
from __future__ import annotations

import json
import os
import sys

import pytest

from immortal_support import run_python

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "regrtest_immortal.py")

import ember._immortal  # noqa: F401,E402
try:
    import test.support  # noqa: F401  (CPython's test package is installed)
except ImportError:  # pragma: no cover - distro Pythons may strip it
    pytest.skip("CPython's test package is not installed", allow_module_level=True)


def _run(args, tmp_path):
    code = "import runpy, sys; sys.argv = %r; runpy.run_path(%r, run_name='__main__')" % (
        [SCRIPT, *args], SCRIPT)
    # Regression tests write scratch files into the current directory.
    proc = run_python(code, timeout=300, check_clean=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_regression_subset_passes_after_immortalize_heap(tmp_path):
    result = _run([], tmp_path)
    assert result["immortalized"] > 10000, result["immortalized"]
    total = sum(m["run"] for m in result["modules"].values())
    assert total > 2000, total
    failing = {name: m["failed"] for name, m in result["modules"].items() if m["failed"]}
    if failing:
        names = [name.partition(".")[2] for name in failing]
        baseline = _run(["--baseline", *names], tmp_path)
        for name, failed in failing.items():
            extra = set(failed) - set(baseline["modules"][name]["failed"])
            assert not extra, f"{name}: fails only on an immortal heap: {sorted(extra)}"
