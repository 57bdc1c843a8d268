"""Running a program as __main__ with the static loader on
(``python -m __static__ prog.py``)."""
from __future__ import annotations

import os
import runpy
import sys
import types

from .compiler import compile_static
from .loader import install, is_static_file


def run_path(path: str, argv: list | None = None) -> None:
    install()
    sys.argv = [path] + list(argv or [])
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    if not is_static_file(path):
        runpy.run_path(path, run_name="__main__")
        return
    with open(path, "rb") as f:
        data = f.read()
    from .errors import TypedSyntaxError
    try:
        result = compile_static(data, path, "__main__")
    except TypedSyntaxError as exc:
        print(exc.format(), file=sys.stderr)
        raise SystemExit(1)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = __builtins__
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = main
    try:
        exec(result.code, main.__dict__)
    finally:
        if saved is not None and sys.modules.get("__main__") is main:
            pass
