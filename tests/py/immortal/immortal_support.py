"""Helpers for the immortal-heap tests.

Every test that calls immortalize_heap() runs it in a fresh interpreter:
making pytest's own heap immortal would leak it and change refcount-based
behaviour for every other test in the session. run_python() runs a snippet
with the checkout's ember on the path and insists on a clean exit: return
code 0 and nothing at all on stderr (interpreter shutdown must be silent).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PYTHON_DIR = os.path.join(ROOT, "python")


def python_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHON_DIR + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("PYTHONJIT", None)
    if extra:
        env.update(extra)
    return env


def run_python(code: str, *, args=(), script_args=(), timeout: float = 120, check_clean: bool = True, env=None,
               cwd=None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, *args, "-c", textwrap.dedent(code), *script_args],
        capture_output=True, text=True, timeout=timeout, env=python_env(env), cwd=cwd,
    )
    if check_clean:
        assert proc.returncode == 0, f"rc={proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        assert proc.stderr == "", f"unexpected stderr:\n{proc.stderr}"
    return proc
