"""Compiled frames look like interpreted ones to introspection."""
import inspect
import logging
import sys
import warnings

from harness import check


def test_getframe_lineno_locals_back():
    src = """
import sys

def f(a):
    b = a + 1
    fr = sys._getframe()
    info = (fr.f_code.co_name, fr.f_lineno, sorted(fr.f_locals.items(), key=repr)[:2],
            fr.f_back.f_code.co_name)
    return info

def caller(a):
    return f(a)
"""
    check(src, "caller", [(1,)])
    check(src, "f", [(1,)])


def test_inspect_stack_and_warnings():
    src = """
import inspect, warnings

def g():
    return [(s.function, s.lineno) for s in inspect.stack()[:3]]

def f():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warnings.warn("careful", stacklevel=2)
    return g(), [(x.lineno, str(x.message)) for x in w]

def outer():
    return f()
"""
    got = check(src, "outer", [()])
    assert got[0][0] == "ok"


def test_logging_caller_info():
    src = """
import logging

def f(handler_records):
    logger = logging.getLogger("ember.test.frames")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    class H(logging.Handler):
        def emit(self, record):
            handler_records.append((record.funcName, record.lineno))
    h = H()
    logger.addHandler(h)
    try:
        logger.info("hello")
    finally:
        logger.removeHandler(h)
    return handler_records
"""
    check(src, "f", [([],)])


def test_frame_escapes_after_return():
    src = """
import sys

def f(x):
    y = x * 3
    return sys._getframe()

def g(x):
    fr = f(x)
    return fr.f_locals["y"], fr.f_lineno, fr.f_code.co_name, fr.f_back is not None
"""
    check(src, "g", [(2,)])


def test_settrace_runs_interpreter():
    # A traced code object runs in the interpreter, so the trace sees its lines.
    src = """
import sys

def body(n):
    t = 0
    for i in range(n):
        t += i
    return t

def f(n):
    seen = []
    def tracer(frame, event, arg):
        if frame.f_code.co_name == "body":
            seen.append(event)
        return tracer
    sys.settrace(tracer)
    try:
        r = body(n)
    finally:
        sys.settrace(None)
    return r, seen.count("line") > 0, seen[0], seen[-1]
"""
    check(src, "f", [(3,)])
