"""TypedSyntaxError: the one error the Static Python compiler reports.

It is a SyntaxError subclass so tools that already report syntax errors
(tracebacks, IDEs, py_compile) show it with file, line and column. ``offset``
follows SyntaxError's convention (1-based column); ``col`` is the 0-based
column of the AST node. ``format()`` gives the compiler-style one-liner
``file:line:col: message`` used by ``python -m ember.static check``.
"""
from __future__ import annotations

import ast


class TypedSyntaxError(SyntaxError):
    def __init__(self, msg: str, filename: str = "<unknown>", lineno: int = 1, col: int = 0,
                 text: str | None = None) -> None:
        super().__init__(msg, (filename, lineno, col + 1, text))
        self.col = col

    @classmethod
    def at(cls, node: ast.AST | None, msg: str, filename: str, source_lines: list[str] | None = None
           ) -> "TypedSyntaxError":
        line = getattr(node, "lineno", 1) or 1
        col = getattr(node, "col_offset", 0) or 0
        text = None
        if source_lines and 0 < line <= len(source_lines):
            text = source_lines[line - 1]
        return cls(msg, filename, line, col, text)

    def format(self) -> str:
        return f"{self.filename}:{self.lineno}:{(self.offset or 1)}: {self.msg}"
