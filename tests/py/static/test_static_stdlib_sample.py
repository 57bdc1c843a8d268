"""A sample of the stdlib sweep (tools/static_stdlib_sweep.py runs all of it):
checking odd, real-world modules as if static gives a clean result or a
TypedSyntaxError with a location -- never another exception -- and the
lowered code compiles."""
import os
import sysconfig

import pytest

from ember.static.__main__ import check_file
from ember.static.declarations import ModuleTable
from ember.static.errors import TypedSyntaxError

STDLIB = sysconfig.get_paths()["stdlib"]
SAMPLE = ["argparse.py", "dataclasses.py", "enum.py", "typing.py", "asyncio/tasks.py", "json/decoder.py",
          "collections/__init__.py", "fractions.py", "pathlib.py", "re/_parser.py", "email/message.py",
          "test/test_grammar.py", "test/test_patma.py", "test/test_type_params.py", "test/test_coroutines.py",
          "contextlib.py", "functools.py", "string.py"]


@pytest.mark.parametrize("rel", SAMPLE)
def test_checker_never_crashes(rel):
    path = os.path.join(STDLIB, rel)
    if not os.path.exists(path):
        pytest.skip(f"{rel} not in this stdlib")
    err = check_file(path, ModuleTable(), force=True, internal_errors=False, compile_code=True)
    if err is not None:
        assert isinstance(err, TypedSyntaxError)
        assert err.filename == path and err.lineno >= 1 and err.msg
