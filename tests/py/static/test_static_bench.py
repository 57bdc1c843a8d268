"""The static benchmark variants print exactly what the untyped programs print,
both compiled statically and run as plain Python with the stand-ins."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CASES = [("richards", "1"), ("nbody", "500")]


def run(args):
    env = dict(os.environ)
    env.pop("PYTHONJIT", None)
    r = subprocess.run([sys.executable] + args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("name,n", CASES)
def test_static_variant_matches_untyped(name, n):
    untyped = os.path.join(ROOT, "bench", f"{name}.py")
    static = os.path.join(ROOT, "bench", "static", f"{name}_static.py")
    if not os.path.exists(untyped):
        pytest.skip(f"bench/{name}.py not present")
    expected = run([untyped, n])
    assert expected.startswith(f"{name} n={n}: ")
    assert run(["-m", "__static__", static, n]) == expected
    assert run([static, n]) == expected


@pytest.mark.parametrize("name", ["richards", "nbody"])
def test_static_variant_type_checks_clean(name):
    out = run(["-m", "ember.static", "check", os.path.join(ROOT, "bench", "static", f"{name}_static.py")])
    assert out == ""
