"""Run CPython regression-test modules on an immortal heap.

    python tests/py/immortal/regrtest_immortal.py [--baseline] [--full] [test_name ...]

Imports the named ``test.*`` modules first, so their classes, functions and
module globals are part of the heap, then calls ember.immortalize_heap()
(unless --baseline) and runs them with unittest. Prints one JSON line:
``{"immortalized": n, "modules": {name: {"run", "skipped", "failed": [ids]}}}``.

test_immortal_regrtest.py runs QUICK under pytest; --full runs FULL (about a
minute; the result is recorded in docs/immortal.md).
"""
from __future__ import annotations

import importlib
import io
import json
import sys
import unittest

QUICK = [
    "test_list", "test_dict", "test_class", "test_descr", "test_gc", "test_tuple", "test_int",
    "test_functools", "test_collections", "test_enum", "test_dataclasses", "test_re", "test_copy",
    "test_generators", "test_scope", "test_contextlib", "test_abc", "test_property", "test_super",
    "test_dictviews", "test_types", "test_sys", "test_finalization", "test_typing",
]
FULL = QUICK + [
    "test_weakref", "test_set", "test_string", "test_unicode", "test_bytes", "test_float", "test_json",
    "test_pickle", "test_itertools", "test_sort", "test_exceptions",
]


def main(argv: list[str]) -> int:
    baseline = "--baseline" in argv
    names = [a for a in argv if not a.startswith("--")] or (FULL if "--full" in argv else QUICK)
    modules = [importlib.import_module("test." + name) for name in names]
    immortalized = 0
    if not baseline:
        import ember

        immortalized = ember.immortalize_heap()
    results = {}
    for module in modules:
        suite = unittest.defaultTestLoader.loadTestsFromModule(module)
        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
        results[module.__name__] = {
            "run": result.testsRun,
            "skipped": len(result.skipped),
            "failed": sorted(test.id() for test, _ in result.failures + result.errors),
        }
    sys.stdout.flush()
    print("\n" + json.dumps({"immortalized": immortalized, "modules": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
