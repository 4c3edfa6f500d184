"""The Switchboard process under test, for the load benchmark (bench/load/run.py).

- pick_binary: SWITCHBOARD_BINARY, else target/release/switchboard (never builds).
- Server: one `switchboard serve --data DIR --bind 127.0.0.1:PORT` (with `--demo
  --demo-customers-every-secs 0` on demand) on a free port in 18900-18999, its output appended to
  a log file. wait_ready() polls GET /readyz and keeps the start-to-ready time; stop() sends
  SIGTERM (SIGKILL after 40 s), returns how long it took and is safe to call at any point.
  A small JSON client: call() (bearer token: the given one, else the admin's session), login()
  (POST /api/v1/auth/login, a session token), counts() (pages through GET
  /api/v1/conversations), rss_kb() (VmRSS from /proc/PID/status).
- RssSampler: a thread sampling a kB figure every 100 ms, keeping the peak and median.
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

from common import ROOT, wait_until

PORTS = range(18900, 19000)


def free_port(taken=()):
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18900-18999")


def proc_status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def pick_binary():
    if os.environ.get("SWITCHBOARD_BINARY"):
        return Path(os.environ["SWITCHBOARD_BINARY"])
    release = ROOT / "target" / "release" / "switchboard"
    if release.exists():
        return release
    raise SystemExit("no binary: target/release/switchboard does not exist (set SWITCHBOARD_BINARY)")


# --- the server ---------------------------------------------------------------------------------

class Server:
    """One `switchboard serve` process on a data folder, with a small HTTP client. `stop()` sends
    SIGTERM (then SIGKILL after 40 s) and is safe to call at any point."""

    def __init__(self, binary, data, demo, log_path):
        self.binary, self.data = binary, Path(data)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin = None
        args = [str(binary), "serve", "--data", str(data), "--bind", f"127.0.0.1:{self.port}"]
        if demo:
            args += ["--demo", "--demo-customers-every-secs", "0"]
        self.log = open(log_path, "ab")
        self.spawned = time.monotonic()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        self.ready_secs = None

    def check_alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"the server exited with {self.proc.returncode} (log: {self.log.name})")

    def wait_ready(self, timeout=600):
        def up():
            self.check_alive()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/readyz")
                ok = conn.getresponse().status == 200
                conn.close()
                return ok
            except (OSError, http.client.HTTPException):
                return False
        wait_until(up, timeout, "/readyz", every=0.01)
        self.ready_secs = time.monotonic() - self.spawned
        return self.ready_secs

    def stop(self):
        """Stops the server; returns the seconds SIGTERM took, None if it was not running."""
        took = None
        if self.proc.poll() is None:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            took = time.monotonic() - t0
        self.log.close()
        return took

    def rss_kb(self):
        return proc_status_kb(self.proc.pid, "VmRSS")

    def call(self, method, path, body=None, token=None, want=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Content-Type": "application/json"}
        tok = token or self.admin
        if tok:
            headers["Authorization"] = "Bearer " + tok
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            r = conn.getresponse()
            text = r.read().decode()
        finally:
            conn.close()
        if want is not None and r.status != want or want is None and not 200 <= r.status < 300:
            raise RuntimeError(f"{method} {path}: {r.status} {text[:400]}")
        return json.loads(text) if text else None

    def login(self, email, password="demo"):
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]

    def counts(self):
        """Conversations (total and per status), messages (sum of message_count) and distinct
        contacts, paging through GET /api/v1/conversations as the admin."""
        by_status, messages, contacts, cursor, n = {}, 0, set(), None, 0
        while True:
            page = self.call("GET", "/api/v1/conversations?view=all&limit=500"
                             + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
            for c in page["items"]:
                n += 1
                by_status[c["status"]] = by_status.get(c["status"], 0) + 1
                messages += c.get("message_count", 0)
                contacts.add((c.get("contact") or {}).get("id"))
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return {"conversations": n, "by_status": by_status, "messages": messages, "contacts": len(contacts)}


class RssSampler(threading.Thread):
    """Samples a function returning kB every 100 ms until stopped; keeps the peak and samples."""

    def __init__(self, fn, every=0.1):
        super().__init__(daemon=True)
        self.fn, self.every = fn, every
        self.samples, self.stopping = [], threading.Event()

    def run(self):
        while not self.stopping.is_set():
            v = self.fn()
            if v:
                self.samples.append(v)
            self.stopping.wait(self.every)  # the sampling period

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)
        return {"peak_mb": max(self.samples) / 1024 if self.samples else None,
                "median_mb": statistics.median(self.samples) / 1024 if self.samples else None,
                "samples": len(self.samples)}
