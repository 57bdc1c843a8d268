"""``python -m __static__ prog.py [args]``: run prog with the static loader on."""
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print("usage: python -m __static__ PROGRAM.py [ARGS...]", file=sys.stderr)
        return 2
    from ember.static import run_path
    run_path(sys.argv[1], sys.argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
