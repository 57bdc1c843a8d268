"""``python -m ember.strict``: the strict-module checker for CI and pre-commit.

  python -m ember.strict check [--all] [--allowlist NAMES] [--no-cache] PATH...
  python -m ember.strict rules

``check`` analyses files and packages without running them: every ``.py``
file under each PATH that opts in (``import __strict__``/``import __static__``
first), or every file with ``--all``. Errors are printed one a line,
``file:line:col: CODE message``; a misplaced ``import __strict__`` is ST111.
Module names come from the package layout (directories with ``__init__.py``);
the directory above the top package is put first on the search path so
imports between the checked modules resolve. Exit status: 0 clean, 1 errors,
2 usage errors (unknown option, missing path).
"""
from __future__ import annotations

import argparse
import ast
import os
import sys

from .errors import RULES, make_error
from .modules import marker_of_tree, misplaced_marker, read_source


def module_name_for(path: str) -> tuple[str, str]:
    """(dotted module name, search root) for a .py file, from its package layout."""
    path = os.path.abspath(path)
    directory, base = os.path.split(path)
    parts = [] if base == "__init__.py" else [base[:-3]]
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        directory, pkg = os.path.split(directory)
        parts.insert(0, pkg)
    return ".".join(parts) or base[:-3], directory


def iter_files(paths: list[str]):
    for path in paths:
        if os.path.isdir(path):
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
                for name in sorted(filenames):
                    if name.endswith(".py"):
                        yield os.path.join(dirpath, name)
        else:
            yield path


def check(paths: list[str], analyse_all: bool, allowlist: tuple[str, ...], use_cache: bool,
          out=None, err=None) -> int:
    from . import config
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    from .cache import analyze_cached
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        for p in missing:
            err.write(f"ember.strict: no such file or directory: {p}\n")
        return 2
    n_files = n_checked = n_errors = 0
    for path in iter_files(paths):
        n_files += 1
        try:
            source = read_source(path)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as exc:
            out.write(make_error("ST001", f"Cannot read source: {exc}", path, 1, 1).format() + "\n")
            n_errors += 1
            continue
        try:
            tree = ast.parse(source, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        if tree is not None and not analyse_all and marker_of_tree(tree) is None:
            stmt = misplaced_marker(tree)
            if stmt is not None:
                out.write(make_error("ST111", "'import __strict__' is not the first statement, so this "
                                     "module is not strict", path, stmt.lineno, stmt.col_offset + 1).format() + "\n")
                n_errors += 1
            continue
        if tree is None and not analyse_all and b"__strict__" not in source.encode("utf-8", "replace"):
            continue
        modname, root = module_name_for(path)
        names = config.allowlist_for(path, allowlist)
        kwargs = dict(is_package=os.path.basename(path) == "__init__.py",
                      search_path=[root] + sys.path, allowlist=names)
        if use_cache:
            errors = analyze_cached(source, path, modname, **kwargs).errors
        else:
            from .analyzer import analyze
            errors = analyze(source, path, modname, **kwargs).errors
        n_checked += 1
        for e in errors:
            out.write(e.format() + "\n")
        n_errors += len(errors)
    err.write(f"ember.strict: {n_checked} module(s) checked in {n_files} file(s), {n_errors} error(s)\n")
    return 1 if n_errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ember.strict",
                                     description="Strict-module checker (analysis without running code).")
    sub = parser.add_subparsers(dest="command")
    p_check = sub.add_parser("check", help="analyse files and packages")
    p_check.add_argument("paths", nargs="+", metavar="PATH")
    p_check.add_argument("--all", action="store_true", help="analyse every file, strict or not")
    p_check.add_argument("--allowlist", default="", help="extra side-effect-free names, comma-separated")
    p_check.add_argument("--no-cache", action="store_true", help="do not read or write the analysis cache")
    sub.add_parser("rules", help="list the error codes")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.command == "rules":
        for rule in RULES.values():
            print(f"{rule.code}  {rule.title}: {rule.rule}")
        return 0
    if args.command != "check":
        parser.print_usage(sys.stderr)
        return 2
    from .config import split_names
    extra = tuple(split_names(args.allowlist, "--allowlist"))
    return check(args.paths, args.all, extra, not args.no_cache)


if __name__ == "__main__":
    sys.exit(main())
