"""Resources the JIT holds: machine code freed with its code object, native
stack for deep recursion, and the hand-over to sys.monitoring."""
import gc
import sys
import threading

import ember.jit
from ember import _jit

from harness import DEPTH_SOURCE, DOWN_SOURCE, check, recursion_limit

SOURCE = """
def f(x):
    s = 0
    for i in range(x):
        s += i * K
    return s
"""


def _compile_fresh(k):
    ns = {"K": k}
    exec(compile(SOURCE, "<churn>", "exec"), ns)
    fn = ns["f"]
    assert ember.jit.force_compile(fn), ember.jit.stats()["failure_examples"]
    return fn(10)


def test_code_memory_is_reused_when_code_objects_die():
    _jit.configure(mode="all")
    # Warm up, then measure: 3000 more functions, each dropped after one call,
    # must not grow live code by more than a few functions' worth.
    for k in range(50):
        assert _compile_fresh(k) == 45 * k
    gc.collect()  # each function and its namespace form a cycle
    before = ember.jit.stats()["code_bytes"]
    compiled_before = ember.jit.stats()["compiled"]
    for k in range(3000):
        assert _compile_fresh(k) == 45 * k
    gc.collect()
    after = ember.jit.stats()["code_bytes"]
    assert ember.jit.stats()["compiled"] - compiled_before >= 3000
    assert after - before < 20_000, (before, after)


def test_deep_recursion_beyond_the_native_stack():
    with recursion_limit(400_000):
        got = check(DEPTH_SOURCE, "depth", [(300_000,), (10,)])
        assert got[0] == ("ok", 300_000)


def test_deep_recursion_in_a_thread_with_a_small_stack():
    ns = {}
    exec("def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\n", ns)
    _jit.configure(mode="all")
    assert ember.jit.force_compile(ns["depth"])
    result = []
    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size(256 * 1024)
    sys.setrecursionlimit(100_000)
    try:
        t = threading.Thread(target=lambda: result.append(ns["depth"](50_000)))
        t.start()
        t.join()
    finally:
        threading.stack_size(old_size)
        sys.setrecursionlimit(old_limit)
    assert result == [50_000]


def test_recursion_limit_still_applies_after_stack_switch():
    with recursion_limit(200_000):
        got = check(DOWN_SOURCE, "down", [(0,)])
        assert got[0][1] == "builtins.RecursionError"


MONITORED = """
import sys

def callee(x):
    return len([x]) + x

def run(events_on, tool):
    mon = sys.monitoring
    log.clear()
    mon.set_events(tool, events_on)
    try:
        r = callee(1)
        r += callee(2)
    finally:
        mon.set_events(tool, 0)
    return r
"""


def test_monitoring_events_match_the_interpreter():
    mon = sys.monitoring
    tool = 4
    E = mon.events
    events = E.CALL | E.C_RETURN | E.C_RAISE | E.PY_START | E.PY_RETURN | E.LINE
    results = []
    for compiled in (False, True):
        ns = {"log": []}
        exec(compile(MONITORED, "<monitored>", "exec"), ns)
        log = ns["log"]

        def record(name):
            return lambda code, *rest: log.append((name, code.co_name))

        mon.use_tool_id(tool, "ember-test")
        try:
            for ev, name in ((E.CALL, "call"), (E.C_RETURN, "c_return"), (E.PY_START, "start"),
                             (E.PY_RETURN, "return"), (E.LINE, "line")):
                mon.register_callback(tool, ev, record(name))
            if compiled:
                _jit.configure(mode="all")
                assert ember.jit.force_compile(ns["run"])
                assert ember.jit.force_compile(ns["callee"])
            value = ns["run"](events, tool)
            _jit.configure(mode="off")
        finally:
            for ev in (E.CALL, E.C_RETURN, E.PY_START, E.PY_RETURN, E.LINE):
                mon.register_callback(tool, ev, None)
            mon.free_tool_id(tool)
        results.append((value, list(log)))
    assert results[0] == results[1]
    assert ("start", "callee") in results[0][1]
