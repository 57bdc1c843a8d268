"""Start-up activation, run from ember-autoload.pth when any ember option is set.

The .pth line only checks whether an option is present (no import happens
otherwise); this module then reads the flags table and switches on what was
asked for. Each subsystem that has a loader registers it in ``_ACTIVATORS``.
"""
from __future__ import annotations

import sys

from . import _flags


def _activate_jit(opts: dict) -> None:
    from . import jit
    jit._activate_from_options(opts)


def _activate_loaders(opts: dict) -> None:
    # Static Python and strict-module loaders, when those packages are present.
    for name in ("ember.strict", "ember.static"):
        try:
            module = __import__(name, fromlist=["install"])
        except ImportError:
            continue
        install = getattr(module, "install", None)
        if install is not None:
            install()


def jit_requested(opts: dict) -> bool:
    return bool(opts["jit"] or opts["jit-all"] or opts["jit-list-file"]
                or {"jit-auto"} & opts["_set"])


_booted = False


def _boot() -> None:
    # A venv's lib64 -> lib symlink makes site process the same .pth twice.
    global _booted
    if _booted:
        return
    _booted = True
    opts = _flags.read()
    if opts["jit-help"]:
        # Start-up cannot be stopped with SystemExit from a .pth file.
        sys.stdout.write(_flags.help_text() + "\n")
        sys.stdout.flush()
        import os
        os._exit(0)
    if jit_requested(opts):
        try:
            _activate_jit(opts)
        except ImportError as exc:
            # Sub-interpreters run site too; ember's modules load only in the
            # main interpreter, which is where the JIT works. Stay quiet there.
            if "subinterpreter" not in str(exc):
                sys.stderr.write(f"ember: JIT not activated: {exc}\n")
            return
        except Exception as exc:  # never stop the user's program at start-up
            sys.stderr.write(f"ember: JIT not activated: {exc}\n")
        _activate_loaders(opts)
    elif opts["_set"] & {"strict-allowlist", "strict-patching"}:
        _activate_loaders(opts)
