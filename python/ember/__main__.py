"""``python -m ember run prog.py [args]``: run a program with the JIT on, like -X jit."""
from __future__ import annotations

import runpy
import sys

USAGE = "usage: python -m ember run PROGRAM.py [ARGS...] | python -m ember run -m MODULE [ARGS...]"


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "run":
        print(USAGE, file=sys.stderr)
        return 2
    from . import _boot, _flags
    opts = _flags.read()
    opts["jit"] = True
    _boot._activate_jit(opts)
    _boot._activate_loaders(opts)
    if argv[1] == "-m":
        if len(argv) < 3:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[2:]
        runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv[1:]
        runpy.run_path(argv[1], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
