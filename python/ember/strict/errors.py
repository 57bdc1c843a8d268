"""The strict-module error codes and the StrictError record.

Every pattern the analyser rejects has one stable code here, with the rule it
breaks and how to fix or allowlist it. Codes never change meaning once
published: tools (CI filters, editor integrations) match on them. The message
of a StrictError is the specific finding followed by the rule and the hint, so
one line of `python -m ember.strict check` output is self-explanatory.

Columns are 1-based (compiler style), lines 1-based.
"""
from __future__ import annotations

from dataclasses import dataclass

ALLOWLIST_HOW = ("-X strict-allowlist=NAME, EMBERSTRICTALLOWLIST=NAME or "
                 "[tool.ember] strict-allowlist = [\"NAME\"] in pyproject.toml")


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    rule: str   # why it is rejected
    hint: str   # how to fix it (may contain {name})


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("ST000", "internal analyser error",
         "the analyser failed on this module; this is a bug in ember",
         "please report it with the module source; the module was not imported"),
    Rule("ST001", "syntax error",
         "the module does not parse, so it cannot be analysed",
         "fix the syntax error"),
    Rule("ST002", "analysis limit exceeded",
         "the module is too deeply nested or calls too deep a chain of functions at "
         "import time for the analyser to follow",
         "simplify the import-time code or move it into a function called explicitly"),
    Rule("ST101", "call of non-strict value",
         "a strict module may call at import time only functions whose effects are "
         "known: functions of this module or of other strict modules, and allowlisted "
         "builtins and stdlib functions",
         "move the call into a function, or if '{name}' is side-effect free, allowlist "
         "it with " + ALLOWLIST_HOW),
    Rule("ST102", "mutation of a value owned by another module",
         "a value may be mutated only by the module that created it; changing another "
         "module's value at import time is a side effect visible outside this module",
         "copy the value into a new one owned by this module, or do the change in a "
         "function called explicitly"),
    Rule("ST103", "I/O at module level",
         "input/output at import time (printing, opening files, reading input, "
         "processes) is a side effect",
         "do the I/O in a function called explicitly (e.g. main()), or if this call "
         "is acceptable at import time, allowlist '{name}' with " + ALLOWLIST_HOW),
    Rule("ST104", "dynamic change of the module namespace",
         "writing the namespace through globals()/locals()/vars() hides which names "
         "the module defines, so it cannot be proven side-effect free",
         "assign the names directly"),
    Rule("ST105", "star import of a non-strict module",
         "'from m import *' binds names the analyser cannot know unless m is strict",
         "import the names you need explicitly, or make m strict"),
    Rule("ST106", "rebinding outside the module",
         "'global'/'del' that reaches into another module's namespace, or rebinding "
         "special module names such as __builtins__, changes code outside this module",
         "keep the module's own names; do not rebind another module's globals"),
    Rule("ST107", "modification of builtins",
         "builtins are shared by every module; changing them at import time affects "
         "all code in the process",
         "define the name in this module instead"),
    Rule("ST108", "assignment to an attribute of an imported module or class",
         "setting or deleting attributes of another module or of its classes and "
         "functions (monkeypatching) is a side effect visible outside this module",
         "patch in a function called explicitly, or in tests with ember.strict.patch()"),
    Rule("ST109", "dynamic code execution",
         "exec/eval/__import__/importlib.import_module run code the analyser cannot see",
         "import modules statically and write the code directly, or if '{name}' is "
         "acceptable here, allowlist it with " + ALLOWLIST_HOW),
    Rule("ST110", "change of interpreter or process state",
         "functions such as sys.exit, atexit.register, warnings.filterwarnings, "
         "signal.signal or the random module's global generator change process-wide "
         "state",
         "call them from a function called explicitly, or if '{name}' is harmless, "
         "allowlist it with " + ALLOWLIST_HOW),
    Rule("ST111", "misplaced 'import __strict__'",
         "'import __strict__' makes a module strict only as its first statement (after "
         "the docstring and 'from __future__' imports); elsewhere it does nothing",
         "move 'import __strict__' to the top of the module"),
)}


@dataclass(frozen=True)
class StrictError:
    """One finding: where, which rule, and the full explanatory message."""
    code: str
    lineno: int
    col: int          # 1-based
    message: str
    filename: str

    def format(self) -> str:
        return f"{self.filename}:{self.lineno}:{self.col}: {self.code} {self.message}"

    def __str__(self) -> str:
        return self.format()

    def to_json(self) -> list:
        return [self.code, self.lineno, self.col, self.message, self.filename]

    @classmethod
    def from_json(cls, data: list) -> "StrictError":
        code, lineno, col, message, filename = data
        return cls(str(code), int(lineno), int(col), str(message), str(filename))


def make_error(code: str, finding: str, filename: str, lineno: int, col: int,
               name: str = "", via: str = "") -> StrictError:
    """Builds the message: finding; rule; hint (with the allowlist name filled in)."""
    rule = RULES[code]
    hint = rule.hint.replace("{name}", name or "the callee")
    text = f"{finding}{via}: {rule.rule}. Fix: {hint}."
    return StrictError(code, lineno, col, text, filename)


class StrictModuleError(ImportError):
    """Raised by the strict loader when a module fails analysis."""

    def __init__(self, modname: str, errors: list[StrictError]):
        self.errors = list(errors)
        lines = [f"strict module '{modname}' was not imported: {len(errors)} error(s)"]
        lines += ["  " + e.format() for e in errors]
        super().__init__("\n".join(lines), name=modname)
