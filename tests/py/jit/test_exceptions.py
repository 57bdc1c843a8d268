"""Exceptions in compiled code: raise, assert, try/except/else/finally, with,
tracebacks (same frames and lines), handlers and finally blocks."""
from harness import check


def test_raise_forms():
    src = """
class E(Exception):
    pass

def f(mode):
    log.append(("start", mode))
    if mode == 0:
        raise ValueError("v", 1)
    if mode == 1:
        raise E
    if mode == 2:
        raise KeyError("k") from OSError("cause")
    if mode == 3:
        raise 5
    if mode == 4:
        raise ValueError from 7
    if mode == 5:
        assert mode == 4, "assert message"
    if mode == 6:
        assert False
    return "no raise"
"""
    check(src, "f", [(m,) for m in range(8)])


def test_try_except_else_finally():
    src = """
def f(x):
    try:
        log.append("try")
        r = 10 / x
    except ZeroDivisionError as e:
        log.append(("zde", str(e)))
        r = "inf"
    except TypeError:
        log.append("type")
        raise
    else:
        log.append("else")
    finally:
        log.append("finally")
    return r
"""
    check(src, "f", [(1,), (0,), ("s",), (2.5,)])


def test_finally_on_return_and_break():
    src = """
def f(n):
    for i in range(n):
        try:
            if i == 2:
                break
            if i == 1:
                continue
        finally:
            log.append(("fin", i))
    try:
        return n
    finally:
        log.append("last")
"""
    check(src, "f", [(0,), (1,), (5,)])


def test_nested_handlers_and_reraise():
    src = """
def g(x):
    if x < 0:
        raise ValueError("negative")
    return x

def f(x):
    try:
        try:
            return g(x)
        except ValueError:
            log.append("inner")
            raise RuntimeError("wrapped")
    except RuntimeError as e:
        log.append(("outer", str(e), type(e.__context__).__name__))
        return -1
"""
    check(src, "f", [(1,), (-1,)])


def test_traceback_lines_through_compiled_frames():
    src = """
def a(x):
    return b(x) + 1

def b(x):
    y = x * 2
    return c(y)

def c(y):
    return 10 // (y - 4)

def top(x):
    return a(x)
"""
    check(src, "top", [(1,), (2,)])


def test_exception_in_loop_handler_continues():
    src = """
def f(items):
    out = []
    for it in items:
        try:
            out.append(1 / it)
        except ZeroDivisionError:
            out.append("z")
    return out
"""
    check(src, "f", [([1, 0, 2, 0],), ([],)])


def test_with_statement():
    src = """
class CM:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        log.append(("enter", self.name))
        return self.name
    def __exit__(self, t, v, tb):
        log.append(("exit", self.name, t.__name__ if t else None))
        return self.swallow

def f(mode):
    with CM("a") as a, CM("b", swallow=mode == 2) as b:
        log.append(("body", a, b))
        if mode:
            raise ValueError(mode)
    return "done"
"""
    check(src, "f", [(0,), (1,), (2,)])


def test_with_bad_manager():
    src = """
def f(m):
    with m:
        return 1
"""
    check(src, "f", [(None,), (5,)])


def test_exception_attributes_preserved():
    src = """
def f():
    try:
        {}["missing"]
    except KeyError as e:
        return (repr(e), e.__traceback__ is not None, e.__traceback__.tb_frame.f_code.co_name)
"""
    check(src, "f", [()])


def test_signal_raised_after_a_call_is_handled_inside_the_try():
    # The eval breaker runs after the call returns; its KeyboardInterrupt
    # belongs to the CALL instruction, inside the try block.
    src = """
import _thread

def f(n):
    log.append("start")
    try:
        r = _thread.interrupt_main()
        log.append("not reached")
        return r
    except KeyboardInterrupt:
        log.append("caught")
        return n
"""
    check(src, "f", [(1,), (2,)])
