"""The one table of ember's start-up options.

Every knob is one row here. From the row come: parsing of ``-X NAME[=VALUE]``
and of the environment variable, the text of ``-X jit-help``, and the dict
``read()`` returns (ember._boot activates from it). Adding an option means
adding a row, nothing else.

Precedence: an ``-X`` option wins over the environment variable, which wins
over the default. A value that does not parse is reported once on stderr and
the default is kept (bad input never stops the program).
"""
from __future__ import annotations

import os
import sys


class Flag:
    """One option. (A plain class: this module is imported at start-up, where
    dataclasses and typing would cost tens of milliseconds.)"""
    __slots__ = ("name", "env", "kind", "default", "help")

    def __init__(self, name: str, env: str, kind: type, default: object, help: str) -> None:
        self.name = name        # the -X name
        self.env = env          # the environment variable
        self.kind = kind        # bool, int or str
        self.default = default
        self.help = help

    def __repr__(self) -> str:
        return f"Flag({self.name!r}, {self.env!r})"


FLAGS: tuple[Flag, ...] = (
    Flag("jit", "PYTHONJIT", bool, False,
         "enable the JIT in auto mode: compile a function after jit-auto calls"),
    Flag("jit-all", "PYTHONJITALL", bool, False,
         "compile every function at its first call"),
    Flag("jit-auto", "PYTHONJITAUTO", int, 1000,
         "calls before a function is compiled in auto mode (implies jit)"),
    Flag("jit-list-file", "PYTHONJITLISTFILE", str, "",
         "compile only the functions listed in this file (module:qualname per line)"),
    Flag("jit-help", "PYTHONJITHELP", bool, False,
         "print this list of options and exit"),
    Flag("jit-dump", "PYTHONJITDUMP", str, "",
         "comma-separated stages to print to stderr for each compiled function "
         "(bytecode,hir,hir-passes,hir-final,lir,regalloc,asm)"),
    Flag("jit-filter", "PYTHONJITFILTER", str, "",
         "only compile functions whose module:qualname matches this glob"),
    Flag("jit-disable-pass", "PYTHONJITDISABLEPASS", str, "",
         "comma-separated HIR passes to skip"),
    Flag("jit-verify", "PYTHONJITVERIFY", bool, False,
         "run the HIR verifier after every pass"),
    Flag("jit-log-file", "PYTHONJITLOGFILE", str, "",
         "write dumps and compile failures to this file instead of stderr"),
    Flag("jit-time-passes", "PYTHONJITTIMEPASSES", bool, False,
         "record per-pass compile time in ember.jit.stats()"),
    Flag("jit-perf-map", "PYTHONJITPERFMAP", bool, False,
         "write /tmp/perf-PID.map entries for compiled code"),
    Flag("strict-allowlist", "EMBERSTRICTALLOWLIST", str, "",
         "extra names treated as side-effect free by the strict-module analyser"),
    Flag("strict-patching", "EMBERSTRICTPATCHING", bool, False,
         "allow ember.strict.patch() to modify strict modules (tests only)"),
)

_BY_NAME = {f.name: f for f in FLAGS}
_TRUE = {"1", "true", "yes", "on", ""}
_FALSE = {"0", "false", "no", "off"}


def _convert(flag: Flag, raw: object, source: str) -> object:
    if flag.kind is bool:
        if raw is True:
            return True
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    elif flag.kind is int:
        try:
            value = int(str(raw))
            if value >= 0:
                return value
        except ValueError:
            pass
    else:
        return "" if raw is True else str(raw)
    sys.stderr.write(f"ember: ignoring {source}={raw!r}: expected a {flag.kind.__name__}\n")
    return flag.default


def read(xoptions: dict | None = None, environ: dict | None = None) -> dict:
    """Returns {name: value} for every flag, plus '_set' naming those given."""
    xoptions = sys._xoptions if xoptions is None else xoptions
    environ = os.environ if environ is None else environ
    values: dict = {}
    given: set[str] = set()
    for flag in FLAGS:
        value = flag.default
        if flag.env in environ and environ[flag.env] != "":
            value = _convert(flag, environ[flag.env], flag.env)
            given.add(flag.name)
        if flag.name in xoptions:
            value = _convert(flag, xoptions[flag.name], f"-X {flag.name}")
            given.add(flag.name)
        values[flag.name] = value
    values["_set"] = frozenset(given)
    return values


def help_text() -> str:
    lines = ["ember options (-X NAME[=VALUE] or the environment variable).",
             "The jit-* tuning options take effect with a mode option (jit, jit-all,",
             "jit-auto, jit-list-file).", ""]
    for flag in FLAGS:
        form = flag.name if flag.kind is bool else f"{flag.name}=<{flag.kind.__name__}>"
        lines.append(f"  -X {form:<28} {flag.env}")
        lines.append(f"      {flag.help} (default: {flag.default!r})")
    return "\n".join(lines)
