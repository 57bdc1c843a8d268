"""A sample of real stdlib modules: the analyser gives clean verdicts, never crashes.

The full sweep over the whole stdlib is tools/strict_stdlib_sweep.py (too slow
for the test suite); this sample covers varied constructs quickly.
"""
from __future__ import annotations

import os
import sysconfig

import pytest

from ember.strict.analyzer import analyze
from ember.strict.modules import read_source

SAMPLE = ["abc", "bisect", "colorsys", "dataclasses", "enum", "functools", "heapq", "keyword",
          "operator", "string", "textwrap", "typing", "ipaddress", "json/__init__", "email/utils",
          "collections/__init__", "argparse", "fractions", "pathlib", "unittest/case"]


@pytest.mark.parametrize("name", SAMPLE)
def test_stdlib_module_gets_a_clean_verdict(name):
    path = os.path.join(sysconfig.get_paths()["stdlib"], name + ".py")
    if not os.path.exists(path):
        pytest.skip(f"{path} not present")
    modname = name.replace("/__init__", "").replace("/", ".")
    result = analyze(read_source(path), path, modname, allowlist=())
    assert not [e for e in result.errors if e.code == "ST000"], [e.format() for e in result.errors][:3]
    for e in result.errors:
        assert e.code in ("ST002",) or e.code.startswith("ST1"), e.format()
        assert e.lineno >= 1 and e.col >= 1


def test_known_pure_stdlib_modules_are_accepted():
    # modules whose top level only defines things: accepted as if strict
    for name in ("colorsys", "keyword", "copyreg", "dataclasses", "fnmatch", "graphlib", "shlex",
                 "string", "textwrap", "reprlib"):
        path = os.path.join(sysconfig.get_paths()["stdlib"], name + ".py")
        errors = analyze(read_source(path), path, name, allowlist=()).errors
        assert errors == [], (name, [e.format() for e in errors][:3])
