"""ember.prefork: memory_report(), prepare() (with and without a JIT),
after_fork(), and the memory effect itself on a real fork."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from immortal_support import run_python

from ember import prefork

linux_only = pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup") and
                                not os.path.exists("/proc/self/smaps"), reason="needs /proc/PID/smaps")


@linux_only
def test_memory_report_self_has_all_fields_in_bytes():
    rep = prefork.memory_report()
    assert set(rep) == set(prefork.MEMORY_FIELDS)
    assert all(isinstance(v, int) and v >= 0 for v in rep.values())
    assert rep["Rss"] > 1024 * 1024
    assert rep["Pss"] <= rep["Rss"]
    parts = rep["Private_Dirty"] + rep["Private_Clean"] + rep["Shared_Dirty"] + rep["Shared_Clean"]
    # Rss is the sum of the four classes (allowing for pages that change
    # between the kernel's two passes over the mappings: none here).
    assert abs(parts - rep["Rss"]) <= 64 * 1024


@linux_only
def test_memory_report_other_process_and_missing_process():
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        rep = prefork.memory_report(child.pid)
        assert rep["Rss"] > 0 and rep["Private_Dirty"] > 0
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    with pytest.raises(ProcessLookupError):
        prefork.memory_report(child.pid)  # reaped: the pid is gone


def test_prepare_without_jit_immortalizes():
    proc = run_python(r'''
import sys, json
sys.modules["ember.jit"] = None            # no JIT in this build
from ember import prefork
import ember
STATE = {"users": [str(i) * 3 for i in range(1000)]}
rep = prefork.prepare()
assert rep["jit"] == "unavailable", rep
assert rep["immortalized"] > 1000, rep
assert ember.is_immortal(STATE) and ember.is_immortal(STATE["users"][10])
again = prefork.prepare()
assert again["immortalized"] < 100, again
print(json.dumps(rep))
''')
    rep = json.loads(proc.stdout)
    assert rep["made_immortal"] == rep["immortalized"]


def test_prepare_with_partial_jit_api_is_skipped():
    run_python(r'''
import sys, types
import ember
fake = types.ModuleType("ember.jit")      # no force_compile / is_enabled
sys.modules["ember.jit"] = fake
ember.jit = fake
from ember import prefork
rep = prefork.prepare()
assert rep["jit"] == "unavailable", rep
assert rep["immortalized"] > 0
''')


def test_prepare_compiles_jit_list_before_immortalizing():
    run_python(r'''
import sys, types
import ember
from ember import prefork

calls = []
def force_compile(func):
    # compiled before the heap is immortalized, so its products can be too
    calls.append(("compile", func.__qualname__, ember.is_immortal(func)))
    return func.__qualname__ != "Cls.meth"

def hot(): return 1
def already(): return 2
class Cls:
    def meth(self): return 3
    @staticmethod
    def smeth(): return 4

fake = types.ModuleType("ember.jit")
fake.is_enabled = lambda: True
fake.force_compile = force_compile
fake.read_jit_list = lambda path: calls.append(("read", path))
fake.get_jit_list = lambda: ["__main__:hot", "__main__:Cls.meth", "__main__:Cls.smeth",
                             "__main__:already", "__main__:missing", "not_imported_module:f"]
fake.get_compiled_functions = lambda: [already]
sys.modules["ember.jit"] = fake
ember.jit = fake

rep = prefork.prepare(jit_list="/tmp/some-jit-list.txt")
assert rep["jit"] == "enabled", rep
assert (rep["jit_compiled"], rep["jit_failed"], rep["jit_already_compiled"]) == (2, 1, 1), rep
assert calls == [("read", "/tmp/some-jit-list.txt"),
                 ("compile", "hot", False), ("compile", "Cls.meth", False),
                 ("compile", "Cls.smeth", False)], calls
assert "not_imported_module" not in sys.modules
assert ember.is_immortal(hot)

fake.is_enabled = lambda: False
calls.clear()
rep = prefork.prepare()
assert rep["jit"] == "disabled" and calls == [], (rep, calls)
def broken():
    raise AttributeError("module 'ember._jit' has no attribute 'mode'")
fake.is_enabled = broken                 # a half-built JIT: skipped cleanly
rep = prefork.prepare()
assert rep["jit"] == "unavailable" and rep["immortalized"] >= 0, rep
rep = prefork.prepare(jit=False)
assert rep["jit"] == "skipped"
''')


def test_prepare_with_the_real_jit(tmp_path):
    """With ember's own JIT (when it is functional in this build): the JIT
    list is loaded and its functions compiled before the heap is frozen."""
    jit_list = tmp_path / "jit_list.txt"
    jit_list.write_text("__main__:hot\n__main__:Shape.area\n")
    # The JIT is developed alongside: first check, without ember.prefork, that
    # its list API works at all in this build, so that this test reports on
    # the integration and not on the JIT itself.
    probe = run_python(r'''
import sys
import ember.jit as jit
jit.read_jit_list(sys.argv[1])
def f():
    return 1
jit.force_compile(f)
assert f() == 1 and jit.is_enabled()
''', script_args=(str(jit_list),), check_clean=False)
    if probe.returncode != 0:
        pytest.skip(f"ember.jit is not functional in this build (probe rc={probe.returncode}): "
                    + (probe.stderr.strip().splitlines() or [""])[-1])
    proc = run_python(r'''
import sys
import ember.jit as jit
from ember import prefork
import ember

def hot(n):
    total = 0
    for i in range(n):
        total += i
    return total

class Shape:
    def area(self):
        return 3 * 4

rep = prefork.prepare(jit_list=sys.argv[1])
assert rep["jit"] == "enabled", rep
assert rep["jit_compiled"] + rep["jit_failed"] == 2, rep
if rep["jit_compiled"]:
    assert jit.is_jit_compiled(hot) or jit.is_jit_compiled(Shape.area)
assert hot(10) == 45 and Shape().area() == 12
assert ember.is_immortal(hot)
print("OK", rep["jit_compiled"])
''', script_args=(str(jit_list),), check_clean=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK"), proc.stdout


def test_after_fork_enables_gc_unless_told_not_to():
    run_python(r'''
import gc, os
from ember import prefork
gc.disable()
prefork.prepare()
freeze = gc.get_freeze_count()
prefork.after_fork(enable_gc=False)
assert not gc.isenabled()
prefork.after_fork()
assert gc.isenabled()
assert gc.get_freeze_count() == freeze     # the parent's objects stay frozen
''')


FORK_MEMORY = r'''
import gc, json, os
from ember import prefork

class Rec:
    def __init__(self, i):
        self.i = i
        self.name = "record number %d" % i
        self.tags = [i, str(i)]

DATA = [Rec(i) for i in range(120000)]
INDEX = {r.name: r for r in DATA}

def touch():
    total = 0
    for r in DATA:
        total += len(r.name) + len(r.tags) + (INDEX[r.name] is r)
    return total

def fork_and_measure():
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(rd)
            prefork.after_fork()
            touch(); touch()
            gc.collect()
            os.write(wr, json.dumps(prefork.memory_report()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(wr)
    data = b""
    while True:
        chunk = os.read(rd, 65536)
        if not chunk:
            break
        data += chunk
    os.close(rd)
    _, status = os.waitpid(pid, 0)
    assert status == 0, status
    return json.loads(data)

gc.collect()
gc.freeze()
frozen_only = fork_and_measure()
prefork.prepare()
immortal = fork_and_measure()
print(json.dumps({"b": frozen_only, "c": immortal}))
'''


@linux_only
def test_immortal_heap_halves_private_dirty_memory_of_a_forked_worker():
    proc = run_python(FORK_MEMORY, timeout=180)
    rep = json.loads(proc.stdout)
    b, c = rep["b"]["Private_Dirty"], rep["c"]["Private_Dirty"]
    mb = 1024 * 1024
    # The heap is ~40 MB; reading it all with only gc.freeze() copies most of it.
    assert b > 15 * mb, rep
    assert c < b / 2, f"gc.freeze only: {b / mb:.1f} MB, prepare(): {c / mb:.1f} MB"
