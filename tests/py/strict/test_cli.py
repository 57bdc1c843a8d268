"""python -m ember.strict check: output format and exit status."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap

from ember.strict.__main__ import main, module_name_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def write(root, rel, src):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(src))
    return path


def run_cli(args, monkeypatch, capsys):
    monkeypatch.delenv("EMBERSTRICTALLOWLIST", raising=False)
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_package_exits_zero(tmp_path, monkeypatch, capsys):
    write(tmp_path, "cli_ok/__init__.py", "import __strict__\nfrom .a import f\nX = f()\n")
    write(tmp_path, "cli_ok/a.py", "import __strict__\ndef f():\n    return 1\n")
    write(tmp_path, "cli_ok/loose.py", "print('not strict, not checked')\n")
    code, out, err = run_cli(["check", str(tmp_path / "cli_ok")], monkeypatch, capsys)
    assert code == 0 and out == ""
    assert "2 module(s) checked in 3 file(s), 0 error(s)" in err


def test_errors_are_printed_compiler_style_and_exit_one(tmp_path, monkeypatch, capsys):
    bad = write(tmp_path, "cli_bad.py", "import __strict__\nimport sys\nsys.path.append('x')\nprint(1)\n")
    code, out, err = run_cli(["check", "--no-cache", str(bad)], monkeypatch, capsys)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0].startswith(f"{bad}:3:1: ST102 Mutating 'sys.path'")
    assert lines[1].startswith(f"{bad}:4:1: ST103 Module-level I/O call 'print()'")


def test_misplaced_marker_is_st111(tmp_path, monkeypatch, capsys):
    f = write(tmp_path, "cli_late.py", "import os\nimport __strict__\n")
    code, out, err = run_cli(["check", str(f)], monkeypatch, capsys)
    assert code == 1 and out.startswith(f"{f}:2:1: ST111 ")


def test_all_flag_checks_non_strict_files(tmp_path, monkeypatch, capsys):
    f = write(tmp_path, "cli_loose.py", "print(1)\n")
    assert run_cli(["check", str(f)], monkeypatch, capsys)[0] == 0
    code, out, _ = run_cli(["check", "--all", str(f)], monkeypatch, capsys)
    assert code == 1 and ":1:1: ST103" in out


def test_allowlist_option(tmp_path, monkeypatch, capsys):
    f = write(tmp_path, "cli_al.py", "import __strict__\nimport mylib\nmylib.go()\n")
    assert run_cli(["check", "--no-cache", str(f)], monkeypatch, capsys)[0] == 1
    assert run_cli(["check", "--no-cache", "--allowlist", "mylib.go", str(f)], monkeypatch, capsys)[0] == 0


def test_usage_errors_exit_two(tmp_path, monkeypatch, capsys):
    assert run_cli([], monkeypatch, capsys)[0] == 2
    assert run_cli(["check"], monkeypatch, capsys)[0] == 2
    code, _, err = run_cli(["check", str(tmp_path / "missing.py")], monkeypatch, capsys)
    assert code == 2 and "no such file" in err
    assert run_cli(["bogus"], monkeypatch, capsys)[0] == 2


def test_rules_lists_every_code(monkeypatch, capsys):
    code, out, _ = run_cli(["rules"], monkeypatch, capsys)
    assert code == 0 and "ST101" in out and "ST111" in out


def test_syntax_error_in_strict_file(tmp_path, monkeypatch, capsys):
    f = write(tmp_path, "cli_syn.py", "import __strict__\ndef (:\n")
    code, out, _ = run_cli(["check", str(f)], monkeypatch, capsys)
    assert code == 1 and ":2:" in out and "ST001" in out


def test_module_names_follow_package_layout(tmp_path):
    write(tmp_path, "p/__init__.py", "")
    write(tmp_path, "p/q/__init__.py", "")
    mod = write(tmp_path, "p/q/r.py", "")
    assert module_name_for(str(mod)) == ("p.q.r", str(tmp_path))
    assert module_name_for(str(tmp_path / "p" / "q" / "__init__.py")) == ("p.q", str(tmp_path))


def test_does_not_run_the_code(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "ran"
    f = write(tmp_path, "cli_norun.py", f"import __strict__\nopen({str(marker)!r}, 'w')\n")
    code, out, _ = run_cli(["check", str(f)], monkeypatch, capsys)
    assert code == 1 and not marker.exists()


def test_module_entry_point_subprocess(tmp_path):
    f = write(tmp_path, "cli_sub.py", "import __strict__\nexec('1')\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMBER")}
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    r = subprocess.run([sys.executable, "-m", "ember.strict", "check", str(f)], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 1 and r.stdout.startswith(f"{f}:2:1: ST109 ")
