"""Pre-fork server support: share the parent's heap with every worker.

A pre-fork server (gunicorn, uWSGI, a hand-written ``os.fork()`` loop) loads
its application once in a parent and forks workers. The workers start out
sharing every page with the parent, but CPython writes to objects it only
reads (refcounts, GC headers, lazily cached hashes and version tags), so each
worker slowly copies the parent's heap. This module is the three calls a
server needs:

``prepare()``
    In the parent, after the application is loaded and before the first
    fork. Compiles the JIT list with ember's JIT when it is available (so the
    machine code is shared too), then :func:`ember.immortal.immortalize_heap`:
    collect, ``gc.freeze()``, make the frozen heap immortal.
``after_fork()``
    First thing in each worker. Re-enables the collector if the parent had
    disabled it, and leaves the parent's objects frozen (``gc.unfreeze()``
    would make the next full collection write every GC header again).
``memory_report(pid=None)``
    Private/shared, clean/dirty, Pss and Rss of a process from
    ``/proc/PID/smaps_rollup``, in bytes, to measure what a worker has copied.

gunicorn: ``preload_app = True`` plus the two hooks of this module (see
:func:`gunicorn_when_ready` and docs/immortal.md).

Invariants: ``prepare()`` may be called more than once (each call only adds
newly created objects); everything made immortal stays allocated for the
life of the process, which is the point and the price.
"""
from __future__ import annotations

import gc
import os
import sys

from ember import immortal

__all__ = [
    "prepare",
    "after_fork",
    "memory_report",
    "MEMORY_FIELDS",
    "gunicorn_when_ready",
    "gunicorn_post_fork",
]

#: The fields returned by :func:`memory_report`, all in bytes.
MEMORY_FIELDS = ("Private_Dirty", "Private_Clean", "Shared_Dirty", "Shared_Clean", "Pss", "Rss")

# --- JIT ---------------------------------------------------------------------

def _resolve_qualname(module_name: str, qualname: str):
    """The function named ``qualname`` in the already-imported module, or None.

    Only ``sys.modules`` is consulted: prepare() must not import anything the
    application did not import itself.
    """
    obj = sys.modules.get(module_name)
    if obj is None:
        return None
    for part in qualname.split("."):
        if part == "<locals>":
            return None
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    obj = getattr(obj, "__func__", obj)  # classmethod/staticmethod/bound method
    return obj if hasattr(obj, "__code__") else None


def _jit_list_functions(entries) -> list:
    """Function objects for JIT list entries.

    Accepts the shapes a JIT list may come in: ``"module:qualname"`` strings,
    ``(module, qualname)`` pairs, a ``{module: [qualname, ...]}`` mapping, or
    function objects themselves.
    """
    if isinstance(entries, dict):
        entries = [(mod, q) for mod, quals in entries.items() for q in quals]
    functions = []
    for entry in entries or ():
        func = None
        if hasattr(entry, "__code__"):
            func = entry
        elif isinstance(entry, str) and ":" in entry:
            mod, _, qual = entry.partition(":")
            func = _resolve_qualname(mod.strip(), qual.strip())
        elif isinstance(entry, (tuple, list)) and len(entry) == 2:
            func = _resolve_qualname(str(entry[0]), str(entry[1]))
        if func is not None:
            functions.append(func)
    return functions


def _compile_before_fork(jit_list) -> dict:
    """Compile the JIT list in the parent, if ember's JIT is there and on.

    ``jit_list`` (a path) is loaded with ``ember.jit.read_jit_list`` first,
    which also switches the JIT to list mode. Returns ``{"jit": state,
    "jit_compiled": n, "jit_failed": n, "jit_already_compiled": n}`` where
    state is "unavailable" (no JIT, or an incomplete API), "disabled" or
    "enabled". A missing or partial JIT API is never an error.
    """
    report = {"jit": "unavailable", "jit_compiled": 0, "jit_failed": 0, "jit_already_compiled": 0}
    try:
        from ember import jit
        force_compile = jit.force_compile
        if jit_list is not None:
            jit.read_jit_list(os.fspath(jit_list))
        enabled = jit.is_enabled()
    except (ImportError, AttributeError):
        return report
    if not enabled:
        report["jit"] = "disabled"
        return report
    report["jit"] = "enabled"
    get_list = getattr(jit, "get_jit_list", None)
    targets = _jit_list_functions(get_list()) if get_list is not None else []
    get_compiled = getattr(jit, "get_compiled_functions", None)
    compiled = list(get_compiled()) if get_compiled is not None else []
    report["jit_already_compiled"] = len(compiled)
    already = {id(f) for f in compiled}
    for func in targets:
        if id(func) in already:
            continue
        if force_compile(func):
            report["jit_compiled"] += 1
            already.add(id(func))
        else:
            report["jit_failed"] += 1
    return report


# --- the three calls ----------------------------------------------------------

def prepare(*, jit_list: str | os.PathLike | None = None, jit: bool = True) -> dict:
    """Call in the parent after loading the application, before forking.

    1. When ``jit`` and ember's JIT is available and enabled: load
       ``jit_list`` (if given) and compile every function of the JIT list, so
       workers share the machine code. This runs first so that what the
       compiler creates is made immortal as well.
    2. :func:`ember.immortal.immortalize_heap` (collect, freeze, immortalize).

    Returns a report: ``immortalized`` (objects made immortal by this call),
    the JIT counters of step 1, and the walk counters of
    :func:`ember.immortal.last_report`.
    """
    report = _compile_before_fork(jit_list) if jit else {"jit": "skipped"}
    report["immortalized"] = immortal.immortalize_heap()
    report.update(immortal.last_report() or {})
    return report


def after_fork(*, enable_gc: bool = True) -> None:
    """Call first thing in a forked worker.

    Enables the collector (the ``gc.freeze()`` recipe disables it in the
    parent to avoid fragmentation and re-enables it in each child; pass
    ``enable_gc=False`` to leave it as inherited). The parent's objects stay
    in the permanent generation: do not ``gc.unfreeze()`` in a worker, or the
    next full collection writes every inherited GC header and copies the
    pages back.
    """
    if enable_gc:
        gc.enable()


def _parse_smaps(text: str, totals: dict) -> None:
    for line in text.splitlines():
        key, sep, rest = line.partition(":")
        if not sep or key not in totals:
            continue
        fields = rest.split()
        if len(fields) == 2 and fields[1] == "kB":
            totals[key] += int(fields[0]) * 1024


def memory_report(pid: int | None = None) -> dict:
    """Memory of process ``pid`` (default: this process), in bytes.

    Keys: Private_Dirty, Private_Clean, Shared_Dirty, Shared_Clean, Pss, Rss,
    summed over the whole address space from ``/proc/PID/smaps_rollup`` (or
    ``/proc/PID/smaps`` on kernels older than 4.14). Private_Dirty is what a
    worker has copied or allocated for itself; Pss charges shared pages
    fractionally to each process sharing them.

    Raises ProcessLookupError when the process does not exist and OSError
    when the kernel does not provide smaps (not Linux).
    """
    target = "self" if pid is None else str(int(pid))
    totals = dict.fromkeys(MEMORY_FIELDS, 0)
    for name in ("smaps_rollup", "smaps"):
        path = f"/proc/{target}/{name}"
        try:
            with open(path, encoding="ascii", errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{target}"):
                raise ProcessLookupError(f"no process {target}: {path} does not exist") from None
            continue
        _parse_smaps(text, totals)
        return totals
    raise OSError(f"/proc/{target} has neither smaps_rollup nor smaps: memory_report() needs Linux")


# --- gunicorn ------------------------------------------------------------------

def gunicorn_when_ready(server) -> None:
    """gunicorn ``when_ready`` hook: ``prepare()`` once the app is preloaded.

    gunicorn calls ``when_ready`` in the master after loading the application
    (with ``preload_app = True``) and before spawning the first worker.
    """
    report = prepare()
    log = getattr(server, "log", None)
    if log is not None:
        log.info("ember.prefork: %d objects made immortal (jit: %s)", report["immortalized"], report["jit"])


def gunicorn_post_fork(server, worker) -> None:
    """gunicorn ``post_fork`` hook: ``after_fork()`` in each new worker."""
    after_fork()
