"""Pending work (signal handlers, pending calls) runs where the interpreter
runs it: at function entry and after calls, with the compiled frame current."""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import os, signal, sys, io

    def handler(signum, frame):
        print("handler sees", frame.f_code.co_name, frame.f_lineno)
        1/0

    signal.signal(signal.SIGALRM, handler)
    r, w = os.pipe()
    os.set_blocking(r, False)
    signal.set_wakeup_fd(r)          # read end: writing the wakeup byte fails

    def run():
        saved, sys.stderr = sys.stderr, io.StringIO()
        try:
            signal.raise_signal(signal.SIGALRM)
        except ZeroDivisionError:
            report = sys.stderr.getvalue()
        finally:
            sys.stderr = saved
        return report

    report = run()
    print(report.replace(os.getcwd(), "."))
    signal.set_wakeup_fd(-1)
""")


def _run(*options):
    out = subprocess.run([sys.executable, *options, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_pending_call_and_signal_handler_see_the_same_frames():
    stock = _run()
    assert "Exception ignored when trying to write to the signal wakeup fd" in stock
    assert _run("-X", "jit-all") == stock
