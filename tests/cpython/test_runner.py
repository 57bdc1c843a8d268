"""Checks of tests/cpython/run.py's own logic (pytest; runs no regression tests).

What: the skip list parses and every entry has a reason, every name in
quick.txt and the skip list exists in this interpreter's ``test`` package, a
skip-list entry without a reason is rejected, and regrtest's final summary is
parsed into the right counts (including the re-run case, where regrtest prints
its result block twice).

Why: the CPython-suite runner is only trustworthy if a typo in quick.txt
cannot silently shrink the subset and a skip without a reason cannot slip in.
Run with ``.venv/bin/python -m pytest -q tests/cpython``.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def _exists(name: str) -> bool:
    return importlib.util.find_spec(f"test.{name.split('.')[0]}") is not None


def test_skiplist_parses_and_names_exist():
    entries = run.read_skiplist(run.SKIPLIST)
    for name, reason in entries.items():
        assert reason, name
        assert _exists(name), f"skip list names unknown test {name}"


def test_quicklist_names_exist_and_are_unique():
    names = run.read_quicklist(run.QUICKLIST)
    assert len(names) == len(set(names)), "duplicate names in quick.txt"
    missing = [n for n in names if not _exists(n)]
    assert not missing, f"quick.txt names unknown tests: {missing}"


def test_entry_without_reason_is_rejected(tmp_path):
    path = tmp_path / "skip.txt"
    path.write_text("# comment\ntest_a  # has a reason\ntest_b\ntest_c  #\n")
    with pytest.raises(run.SkipListError) as info:
        run.read_skiplist(path)
    assert "test_b" in str(info.value) and "test_c" in str(info.value)


def test_duplicate_entry_is_rejected(tmp_path):
    path = tmp_path / "skip.txt"
    path.write_text("test_a  # one\ntest_a  # two\n")
    with pytest.raises(run.SkipListError):
        run.read_skiplist(path)


SUMMARY = """\
0:00:01 [1/4/1] test_b failed (1 failure)

== Tests result: FAILURE ==

2 tests failed:
    test_b test_c

Re-running 2 failed tests in verbose mode in subprocesses

1 test failed again:
    test_c

== Tests result: FAILURE then FAILURE ==

1 test skipped:
    test_d

1 test altered the execution environment (env changed):
    test_e

1 re-run test:
    test_b

1 test failed:
    test_c

2 tests OK.

Total duration: 5 sec
Total tests: run=1,234 failures=2 skipped=7
Total test files: run=5/5 failed=1 skipped=1 rerun=1
Result: FAILURE then FAILURE
"""


def test_parse_final_summary():
    parsed = run.parse_regrtest(SUMMARY)
    assert parsed["lists"]["failed"] == ["test_c"]
    assert parsed["lists"]["rerun"] == ["test_b"]
    assert parsed["lists"]["env_changed"] == ["test_e"]
    assert parsed["counts"]["passed"] == 2
    assert parsed["counts"]["skipped"] == 1
    assert parsed["test_cases"] == {"run": 1234, "failures": 2, "skipped": 7}
    assert parsed["result"] == "FAILURE then FAILURE"


def test_parse_all_ok():
    parsed = run.parse_regrtest("== Tests result: SUCCESS ==\n\nAll 88 tests OK.\n\n"
                                "Total tests: run=7,734 skipped=69\nResult: SUCCESS\n")
    assert parsed["counts"] == {"passed": 88}
    assert parsed["lists"] == {}
    assert parsed["result"] == "SUCCESS"


def test_jit_environment_is_explicit(monkeypatch):
    monkeypatch.setenv("PYTHONJIT", "1")
    monkeypatch.setenv("PYTHONJITFILTER", "x*")
    assert "PYTHONJIT" not in run.jit_environment(False)
    assert "PYTHONJITALL" not in run.jit_environment(False)
    assert "PYTHONJITFILTER" not in run.jit_environment(False)
    env = run.jit_environment(True)
    assert env["PYTHONJITALL"] == "1" and "PYTHONJIT" not in env
    assert env["PYTHONJITFILTER"] == "x*"  # tuning variables pass through


def test_behaviour_variables_are_dropped(monkeypatch):
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    for use_jit in (False, True):
        env = run.jit_environment(use_jit)
        assert "PYTHONUNBUFFERED" not in env and env["PYTHONPATH"] == "/somewhere"
