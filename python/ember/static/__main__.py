"""``python -m ember.static check [--all] PATH...``: type-check without running.

Checks every static ``.py`` file given (directories are walked). Errors print
compiler-style, ``file:line:col: message``; the exit status is 1 if any file
has an error, 2 on bad usage. ``--all`` checks every file as if it started
with ``import __static__`` (how tools/static_stdlib_sweep.py exercises the
checker on arbitrary code).
"""
from __future__ import annotations

import ast
import os
import sys

from .compiler import compile_static
from .declarations import ModuleTable, looks_static
from .errors import TypedSyntaxError

USAGE = "usage: python -m ember.static check [--all] PATH..."


def iter_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                for f in sorted(files):
                    if f.endswith(".py"):
                        yield os.path.join(root, f)
        else:
            yield p


def module_name(path: str) -> str:
    path = os.path.abspath(path)
    parts = [os.path.splitext(os.path.basename(path))[0]]
    d = os.path.dirname(path)
    while os.path.isfile(os.path.join(d, "__init__.py")):
        parts.insert(0, os.path.basename(d))
        d = os.path.dirname(d)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def force_static(tree: ast.Module) -> ast.Module:
    """Insert `import __static__` where it makes a module static."""
    i = 0
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        i = 1
    while i < len(body) and isinstance(body[i], ast.ImportFrom) and body[i].module == "__future__":
        i += 1
    line = body[i].lineno if i < len(body) else 1
    node = ast.Import([ast.alias("__static__")], lineno=line, col_offset=0, end_lineno=line, end_col_offset=0)
    body.insert(i, node)
    return tree


def check_file(path: str, table: ModuleTable, force: bool = False, internal_errors: bool = True,
               compile_code: bool = False, all_errors: list | None = None):
    """None if fine or not static; the (first) TypedSyntaxError otherwise.
    `all_errors`, if given, receives every error found (one per top-level
    statement at most)."""
    with open(path, "rb") as f:
        data = f.read()
    if not force and not looks_static(data):
        return None
    try:
        import importlib.util
        source = importlib.util.decode_source(data)
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, SyntaxError):
            return TypedSyntaxError(f"syntax error: {exc.msg}", path, exc.lineno or 1, (exc.offset or 1) - 1)
        return TypedSyntaxError(f"cannot read source: {exc}", path, 1, 0)
    if force:
        tree = force_static(tree)
    try:
        compile_static(source, path, module_name(path), table, tree=tree, internal_errors=internal_errors,
                       compile_code=compile_code, errors=all_errors)
    except TypedSyntaxError as exc:
        return exc
    return None


def main(argv: list) -> int:
    if not argv or argv[0] != "check":
        print(USAGE, file=sys.stderr)
        return 2
    args = argv[1:]
    force = "--all" in args
    paths = [a for a in args if a != "--all"]
    if not paths:
        print(USAGE, file=sys.stderr)
        return 2
    files = list(iter_files(paths))
    sources = {}
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                sources[module_name(f)] = (f, fh.read())
        except (OSError, UnicodeDecodeError):
            pass
    table = ModuleTable(sources)
    errors = 0
    for f in files:
        found: list = []
        try:
            err = check_file(f, table, force, all_errors=found)
        except SyntaxError as exc:  # only CPython's compiler rejects it
            err = TypedSyntaxError(f"syntax error: {exc.msg}", f, exc.lineno or 1, (exc.offset or 1) - 1)
        if err is not None:
            errors += 1
            for e in (found or [err]):
                print(e.format())
    if errors:
        print(f"{errors} file{'s' if errors != 1 else ''} with errors", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
