"""gunicorn integration: a real gunicorn (from PyPI) on 127.0.0.1 with two
sync workers, the application preloaded in the master, ember.prefork's hooks
in the config (the documented integration, docs/immortal.md). The test sends
requests, checks in the workers that the preloaded state is immortal and the
collector is on, and reads the workers' memory with memory_report().

The server is always shut down: SIGTERM to the master, then SIGKILL to the
master and to every worker pid the test has seen if it does not exit.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from immortal_support import python_env

import gunicorn  # noqa: F401  (installed into .venv by the Makefile)
from ember import prefork

APP = r'''
import gc, json, os
import ember

STATE = {"rows": [{"id": i, "name": "row number %d" % i, "tags": [i % 7, "t%d" % (i % 13)]}
                  for i in range(60000)]}

def app(environ, start_response):
    total = 0
    for row in STATE["rows"]:            # read every shared row
        total += len(row["name"]) + len(row["tags"])
    body = json.dumps({
        "pid": os.getpid(),
        "state_immortal": ember.is_immortal(STATE),
        "row_immortal": ember.is_immortal(STATE["rows"][4321]),
        "name_immortal": ember.is_immortal(STATE["rows"][4321]["name"]),
        "gc_enabled": gc.isenabled(),
        "frozen": gc.get_freeze_count(),
        "total": total,
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
'''

CONFIG = r'''
# The documented integration (docs/immortal.md), plus a line that tells the
# test which port the kernel picked.
import json, os
from ember import prefork

bind = "127.0.0.1:0"
workers = 2
worker_class = "sync"
preload_app = True
timeout = 120
graceful_timeout = 5
post_fork = prefork.gunicorn_post_fork

def when_ready(server):
    prefork.gunicorn_when_ready(server)
    port = server.LISTENERS[0].sock.getsockname()[1]
    path = os.environ["EMBER_TEST_PORT_FILE"]
    with open(path + ".tmp", "w") as f:
        json.dump({"port": port, "master": os.getpid()}, f)
    os.replace(path + ".tmp", path)
'''


def _wait_for_port(proc, port_file, limit_s=90.0):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate(timeout=10)
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{err}")
        if os.path.exists(port_file):
            with open(port_file) as f:
                return json.load(f)
        time.sleep(0.1)
    pytest.fail("gunicorn did not become ready")


def _stop(proc, pids):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    for pid in pids:  # workers of a master that had to be killed
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@pytest.mark.skipif(not os.path.exists("/proc/self/smaps_rollup"), reason="needs /proc/PID/smaps_rollup")
def test_gunicorn_workers_share_an_immortal_heap(tmp_path):
    (tmp_path / "prefork_app.py").write_text(APP)
    (tmp_path / "gunicorn_conf.py").write_text(CONFIG)
    port_file = str(tmp_path / "port.json")
    log_path = tmp_path / "gunicorn.log"
    env = python_env({"EMBER_TEST_PORT_FILE": port_file})
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn_conf.py", "--chdir", str(tmp_path), "prefork_app:app"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    seen = {}
    try:
        ready = _wait_for_port(proc, port_file)
        url = "http://127.0.0.1:%d/" % ready["port"]
        for _ in range(40):  # bounded: stop once both workers have answered
            with urllib.request.urlopen(url, timeout=60) as resp:
                assert resp.status == 200
                info = json.loads(resp.read())
            seen[info["pid"]] = info
            if len(seen) == 2:
                break
        assert seen, "no response"
        for pid, info in seen.items():
            assert pid != ready["master"]
            assert info["state_immortal"] and info["row_immortal"] and info["name_immortal"], info
            assert info["gc_enabled"] and info["frozen"] > 60000, info
            assert info["total"] > 0
            mem = prefork.memory_report(pid)
            shared = mem["Shared_Clean"] + mem["Shared_Dirty"]
            # The workers have read every row of the ~20 MB preloaded state:
            # with an immortal heap those pages are still shared with the
            # master, and the worker's own dirty memory stays well below them.
            assert shared > 20 * 1024 * 1024, mem
            assert mem["Private_Dirty"] < shared / 2, mem
        master_mem = prefork.memory_report(ready["master"])
        assert master_mem["Shared_Dirty"] > 0
    finally:
        _stop(proc, list(seen))
    log_text = log_path.read_text()
    assert "ember.prefork:" in log_text and "objects made immortal" in log_text, log_text
    assert "Traceback" not in log_text, log_text
