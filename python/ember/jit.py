"""ember.jit: the method JIT's Python API.

    import ember.jit
    ember.jit.enable()                 # auto mode: compile after 1000 calls
    ember.jit.force_compile(f)         # compile now; True on success
    ember.jit.is_jit_compiled(f)
    ember.jit.stats()                  # compiled count, failures by reason, times, code bytes
    ember.jit.dump(f, "hir")           # bytecode, hir, hir-passes, hir-final, lir, regalloc, asm

A function the JIT cannot compile stays in the interpreter; the reason is
counted in stats()["compile_failures"]. Nothing here raises for a function the
JIT does not support.
"""
from __future__ import annotations

import sys
import warnings
# No typing import: it costs ~20 ms at start-up, and with postponed
# annotations the names below (Any, Callable, Iterable) are never evaluated.

from . import _jit

_jit_list: list[str] = []

DUMP_STAGES = ("bytecode", "hir", "hir-passes", "hir-final", "lir", "regalloc", "asm")


def enable() -> None:
    """Turn the JIT on in auto mode (keeps the current threshold)."""
    _jit.configure(mode="auto", threshold=_jit.threshold())


def disable() -> None:
    """Stop compiling. Functions already compiled keep their machine code;
    functions still warming up go back to the interpreter."""
    _jit.configure(mode="off")


def is_enabled() -> bool:
    return _jit.mode() != "off"


def auto(threshold: int = 1000) -> None:
    """Auto mode: compile a function after `threshold` calls."""
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError("threshold must be a positive int")
    _jit.configure(mode="auto", threshold=threshold)


def compile_all() -> None:
    """jit-all mode: compile every function at its first call."""
    _jit.configure(mode="all")


def force_compile(func: Callable) -> bool:
    """Compile `func` now. Returns False (never raises) when it cannot be
    compiled; stats() says why."""
    func = getattr(func, "__func__", func)
    if not hasattr(func, "__code__"):
        raise TypeError(f"force_compile() expects a Python function, got {type(func).__name__}")
    return _jit.force_compile(func)


def is_jit_compiled(func: Callable) -> bool:
    func = getattr(func, "__func__", func)
    if not hasattr(func, "__code__"):
        return False
    return _jit.is_jit_compiled(func)


def get_compiled_functions() -> list:
    return _jit.get_compiled_functions()


def jit_suppress(func: Callable) -> Callable:
    """Decorator: never compile this function."""
    target = getattr(func, "__func__", func)
    if hasattr(target, "__code__"):
        _jit.suppress(target)
    return func


def _parse_jit_list(lines: Iterable[str], path: str) -> list[str]:
    entries = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        module, sep, qualname = line.partition(":")
        ok = (sep and module and qualname and " " not in line
              and all(part.isidentifier() for part in module.split("."))
              and all(part.isidentifier() or part == "<locals>" for part in qualname.split(".")))
        if not ok:
            warnings.warn(f"{path}:{lineno}: ignoring malformed JIT list entry {raw.rstrip()!r} "
                          "(expected module:qualname)", RuntimeWarning, stacklevel=3)
            continue
        entries.append(f"{module}:{qualname}")
    return entries


def read_jit_list(path: str) -> list[str]:
    """Read a JIT list file (module:qualname per line, # comments) and use it:
    the JIT then compiles only the listed functions, at their first call.
    Malformed lines are warnings naming file and line; an unreadable file is a
    warning too. Returns the entries read."""
    try:
        with open(path, encoding="utf-8") as fh:
            entries = _parse_jit_list(fh, path)
    except OSError as exc:
        warnings.warn(f"{path}: cannot read JIT list: {exc.strerror}", RuntimeWarning, stacklevel=2)
        entries = []
    _jit_list[:] = entries
    _jit.set_jit_list(entries)
    _jit.configure(mode="list")
    return list(entries)


def get_jit_list() -> list[str]:
    return list(_jit_list)


def dump(func: Callable, stage: str) -> str:
    """Text of one compiler stage for func, compiled afresh (not installed)."""
    if stage not in DUMP_STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(DUMP_STAGES)}")
    func = getattr(func, "__func__", func)
    return _jit.dump(func, stage)


def stats() -> dict[str, Any]:
    return _jit.stats()


def _activate_from_options(opts: dict) -> None:
    """Called at start-up by ember._boot with the parsed flags table."""
    kwargs = dict(
        filter=opts["jit-filter"], dump=opts["jit-dump"], disabled_passes=opts["jit-disable-pass"],
        verify=opts["jit-verify"], time_passes=opts["jit-time-passes"], perf_map=opts["jit-perf-map"],
        log_file=opts["jit-log-file"] or None,
    )
    if opts["jit-list-file"]:
        _jit.configure(**kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            read_jit_list(opts["jit-list-file"])
    elif opts["jit-all"]:
        _jit.configure(mode="all", **kwargs)
    else:
        _jit.configure(mode="auto", threshold=opts["jit-auto"], **kwargs)


def _watch_monitoring() -> None:
    """Wrap sys.monitoring.set_events and set_local_events.

    The interpreter reports a call to sys.monitoring as a Python call only
    when the callee's vectorcall is CPython's own; a function carrying ember's
    entry would be reported as a C call (with C_RETURN/C_RAISE events). So the
    moment any monitoring event is switched on, every managed function is
    handed back to the interpreter's entry; they get ember's entry back when
    events are switched off (set_events(tool, 0)) or compiled code finds
    monitoring off again. sys.settrace and
    sys.setprofile need nothing: their events do not depend on the callee's
    entry, and compiled frames notice them at the next call or loop check.
    """
    global _monitoring_watched
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None or _monitoring_watched:
        return
    _monitoring_watched = True
    monitoring.set_events = _jit.wrap_monitoring_setter(monitoring.set_events)
    monitoring.set_local_events = _jit.wrap_monitoring_setter(monitoring.set_local_events)


_monitoring_watched = False
_watch_monitoring()
