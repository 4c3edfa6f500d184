"""Webhook figures (issue 19, F35): throughput and lag of `message.created` deliveries under a
burst of 10,000 customer messages, to a receiver that fails one request in ten.

What it does, against a fresh `--demo` server (demo customers off) on loopback:

- starts a receiver in a process of its own (so the load generator does not share its
  interpreter lock): a ThreadingHTTPServer speaking HTTP/1.1 keep-alive that answers 500 to
  every 10th request it gets and 204 to the others, checks each X-Switchboard-Signature
  (`t=UNIX,v1=HEX`, HMAC-SHA256 of "{t}.{body}" under the secret POST /api/v1/webhooks
  returned once; and `t` within 300 s of now) and records, per request, the receive time
  (time.time() once the body is read) and the body's id, data.message.id,
  data.message.created_at and data.conversation.id;
- subscribes it to ["message.created"] (POST /api/v1/webhooks) and makes an API token
  (POST /api/v1/tokens {"name": "bench"});
- pushes 10,000 customer messages into the demo desk's `api` inbox through the API channel
  (POST /api/v1/channels/api/{inbox_id}/messages, contacts c-0 … c-199 so 200 conversations),
  from CONCURRENCY (default 32) threads, each with its own keep-alive connection;
- meanwhile, every 200 ms, times GET /healthz and GET /api/v1/conversations?limit=20 (as the
  admin), also for 3 s before the burst (idle), until every message has been delivered;
- waits (polling, with deadlines) until every acknowledged message id has been received with
  a good signature and answered 204, then until the subscription has nothing pending, and
  reads the server's delivery log to compare its attempts with what the receiver saw.

Figures: ingest rate (messages acknowledged per second), time until all are delivered,
delivery throughput, lag per message (receive time − data.message.created_at; the server and
this script read the same system clock), failed attempts and their retries, duplicates,
deliveries out of order within a conversation, and the desk's answer times during the burst.

The binary: SWITCHBOARD_BINARY if set, else target/release/switchboard when it exists and is
newer than target/debug/switchboard, else target/debug/switchboard. Ports 18800-18899.

Run: `target/ci/venv/bin/python scripts/measure_webhooks.py` (after a build; never builds).
MESSAGES, CONTACTS and CONCURRENCY override 10000, 200 and 32. Prints a table and writes
target/figures/webhooks_burst.json (and the server's log as target/figures/webhooks_server.log).
"""

import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = int(os.environ.get("MESSAGES", "10000"))
CONTACTS = int(os.environ.get("CONTACTS", "200"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "32"))
FAIL_EVERY = 10
PORTS = range(18800, 18900)
FIGURES = ROOT / "target" / "figures"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Give up when no new message has been delivered for this long (the server's backoff after
#: repeated failures is 5, 10, 20, 40 … s).
STALL_SECS = 300
#: And in any case after this long.
DELIVERY_DEADLINE_SECS = 3600


def pick_binary():
    if os.environ.get("SWITCHBOARD_BINARY"):
        return Path(os.environ["SWITCHBOARD_BINARY"])
    release, debug = ROOT / "target" / "release" / "switchboard", ROOT / "target" / "debug" / "switchboard"
    if release.exists() and (not debug.exists() or release.stat().st_mtime > debug.stat().st_mtime):
        return release
    if debug.exists():
        return debug
    raise SystemExit("no binary: neither target/release/switchboard nor target/debug/switchboard exists")


def free_port():
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18800-18899")


def wait_until(check, timeout, what, every=0.1):
    """Polls `check()` until it returns something truthy, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(k) - 1]


def summary(values):
    v = sorted(values)
    if not v:
        return {"n": 0}
    return {"n": len(v), "median": statistics.median(v), "p90": percentile(v, 90), "p99": percentile(v, 99),
            "max": v[-1], "min": v[0], "mean": statistics.fmean(v)}


def rfc3339(text):
    return datetime.fromisoformat(text).timestamp()


# --- the receiver (runs in its own process) -------------------------------------------------

def receiver_main(conn):
    """Binds a port of the range, sends it on `conn`, waits for the secret, then serves:
    POST /hook (the deliveries), GET /stats (counts) and GET /records (everything)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"requests": 0, "failed": [], "acked": [], "bad": [], "unique": set(), "secret": b""}
    lock = threading.Lock()

    def verify(header, body, now):
        try:
            parts = dict(p.split("=", 1) for p in header.split(","))
            expected = hmac.new(state["secret"], parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, parts["v1"]) and abs(now - int(parts["t"])) <= 300
        except (KeyError, ValueError):
            return False

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, code, body=b""):
            self.send_response(code)
            if code != 204:
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            now = time.time()
            good = verify(self.headers.get("X-Switchboard-Signature", ""), body, now)
            try:
                doc = json.loads(body)
                msg = (doc.get("data") or {}).get("message") or {}
                conv = (doc.get("data") or {}).get("conversation") or {}
                rec = [msg.get("id"), msg.get("created_at"), now, doc.get("id"), conv.get("id"),
                       self.headers.get("X-Switchboard-Delivery"), doc.get("event")]
            except ValueError:
                rec = [None, None, now, None, None, self.headers.get("X-Switchboard-Delivery"), None]
            with lock:
                state["requests"] += 1
                fail = state["requests"] % FAIL_EVERY == 0
                if not good:
                    state["bad"].append(rec)
                elif fail:
                    state["failed"].append(rec)
                else:
                    state["acked"].append(rec)
                    state["unique"].add(rec[0])
            self.answer(500 if fail else 204)

        def do_GET(self):
            with lock:
                if self.path == "/stats":
                    out = {"requests": state["requests"], "acked": len(state["acked"]), "unique": len(state["unique"]),
                           "failed": len(state["failed"]), "bad": len(state["bad"])}
                else:
                    out = {k: state[k] for k in ("requests", "failed", "acked", "bad")}
            self.answer(200, json.dumps(out).encode())

    # socketserver's default listen backlog is 5: the desk opens up to 64 connections at once,
    # and connections past the backlog would wait a SYN retransmit (1 s) to get in.
    ThreadingHTTPServer.request_queue_size = 256
    httpd = None
    for port in PORTS:
        try:
            httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    if httpd is None:
        conn.send(None)
        return
    httpd.daemon_threads = True
    httpd.request_queue_size = 128
    conn.send(httpd.server_address[1])
    state["secret"] = conn.recv().encode()
    httpd.serve_forever(poll_interval=0.2)


# --- the desk ---------------------------------------------------------------------------------

class Server:
    """`switchboard serve --demo` on a fresh data folder, demo customers off, with a small API
    client. Stopped (SIGTERM, then SIGKILL) by `stop()`, which is safe to call at any point."""

    def __init__(self, binary):
        self.binary = binary
        self.data = tempfile.mkdtemp(prefix="sb-measure-webhooks-")
        self.log_path = Path(self.data) / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin = None
        env = dict(os.environ, SWITCHBOARD_DEMO_CUSTOMERS_EVERY_SECS="0")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(binary), "serve", "--demo", "--data", self.data, "--bind", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=log, env=env)

    def ready(self, timeout=60):
        def up():
            self.check_alive()
            try:
                return urllib.request.urlopen(self.url + "/readyz", timeout=1).status == 200
            except OSError:
                return False
        wait_until(up, timeout, "/readyz")
        self.admin = self.login("admin@example.com")

    def check_alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"the server exited with {self.proc.returncode}; see {FIGURES}/webhooks_server.log")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token or self.admin:
            req.add_header("Authorization", "Bearer " + (token or self.admin))
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                text = r.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.code} {e.read().decode()}") from None

    def login(self, email, password="demo"):
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]

    def usage(self):
        """The server's CPU seconds so far and its peak resident memory (MB), from /proc."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            hwm = next(int(line.split()[1]) for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
                       if line.startswith("VmHWM:"))
            return {"cpu_secs": cpu, "peak_rss_mb": hwm / 1024}
        except (OSError, StopIteration, IndexError, ValueError):
            return {}

    def log_problems(self):
        """The server log's WARN and ERROR lines (colours stripped)."""
        try:
            lines = ANSI.sub("", self.log_path.read_text(errors="replace")).splitlines()
        except OSError:
            return []
        return [line for line in lines if re.search(r"\s(WARN|ERROR)\s", line)]


class Probe(threading.Thread):
    """Times GET /healthz and GET /api/v1/conversations?limit=20 every 200 ms, each sample
    tagged with the phase it was taken in."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.phase, self.samples = server, "idle", []
        self.stopping = threading.Event()

    def run(self):
        host, port = "127.0.0.1", self.server.port
        conn = http.client.HTTPConnection(host, port, timeout=60)
        auth = {"Authorization": "Bearer " + self.server.admin}
        due = time.monotonic()
        while not self.stopping.is_set():
            row = {"phase": self.phase, "at": time.time()}
            for name, path, headers in (("healthz", "/healthz", {}),
                                        ("conversations", "/api/v1/conversations?limit=20", auth)):
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    row[name] = (time.perf_counter() - t0) * 1000
                    row[name + "_status"] = r.status
                except (OSError, http.client.HTTPException) as e:
                    row[name] = None
                    row[name + "_status"] = str(e)
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=60)
            self.samples.append(row)
            due = max(due + 0.2, time.monotonic())
            self.stopping.wait(max(0.0, due - time.monotonic()))  # the sampling period, not a wait for a condition
        conn.close()


def push_burst(server, inbox_id, token):
    """Sends MESSAGES customer messages from CONCURRENCY threads; returns the receipts and the
    failures, each with its start and end time."""
    jobs = queue.Queue()
    for i in range(MESSAGES):
        jobs.put(i)
    receipts, failures, lock = [], [], threading.Lock()
    path = f"/api/v1/channels/api/{inbox_id}/messages"
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        while True:
            try:
                i = jobs.get_nowait()
            except queue.Empty:
                break
            c = i % CONTACTS
            body = json.dumps({"contact": {"external_id": f"c-{c}", "name": f"C {c}"},
                               "text": f"message {i} from c-{c}: where is my order?"})
            for attempt in range(3):
                t0 = time.time()
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    t1 = time.time()
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                    with lock:
                        failures.append({"i": i, "error": str(e), "attempt": attempt})
                    continue
                with lock:
                    if r.status == 201:
                        receipts.append({"i": i, "start": t0, "end": t1, **json.loads(data)})
                    else:
                        failures.append({"i": i, "status": r.status, "body": data.decode()[:300], "attempt": attempt})
                break
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return receipts, failures


def receiver_get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as r:
        return json.loads(r.read())


def main():
    # SIGTERM (and SIGINT, which a background job may have ignored) unwind through the
    # `finally` below, which stops the server and the receiver.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    binary = pick_binary()
    FIGURES.mkdir(parents=True, exist_ok=True)
    result = {"binary": str(binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary),
              "binary_mtime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(binary.stat().st_mtime)),
              "messages": MESSAGES, "contacts": CONTACTS, "concurrency": CONCURRENCY, "fail_every": FAIL_EVERY,
              "load_average_at_start": os.getloadavg()}
    server = Server(binary)
    mp = multiprocessing.get_context("spawn")
    parent_end, child_end = mp.Pipe()
    receiver = mp.Process(target=receiver_main, args=(child_end,), daemon=True)
    probe = None
    try:
        server.ready()
        inbox = next(i for i in server.call("GET", "/api/v1/inboxes?limit=100")["items"] if i["channel"] == "api")
        receiver.start()
        if not parent_end.poll(30):
            raise RuntimeError("the receiver did not start")
        rport = parent_end.recv()
        if rport is None:
            raise RuntimeError("the receiver found no free port in 18800-18899")
        hook = server.call("POST", "/api/v1/webhooks", {
            "url": f"http://127.0.0.1:{rport}/hook", "events": ["message.created"],
            "description": "burst measurement"})
        parent_end.send(hook["secret"])
        token = server.call("POST", "/api/v1/tokens", {"name": "bench"})["token"]
        result.update({"inbox": {"id": inbox["id"], "name": inbox["name"]}, "receiver_port": rport,
                       "server_port": server.port})

        probe = Probe(server)
        probe.start()
        wait_until(lambda: len(probe.samples) >= 15, 30, "15 idle samples")
        usage_before = server.usage()
        client_cpu_before = sum(os.times()[:2])

        probe.phase = "ingest"
        ingest_start = time.time()
        receipts, failures = push_burst(server, inbox["id"], token)
        ingest_end = time.time()
        probe.phase = "delivery"
        expected = {r["message_id"] for r in receipts}

        # Every acknowledged message delivered (answered 204 with a good signature).
        last = (0, time.monotonic())
        deadline = time.monotonic() + DELIVERY_DEADLINE_SECS
        complete = False
        while time.monotonic() < deadline:
            server.check_alive()
            stats = receiver_get(rport, "/stats")
            if stats["unique"] >= len(expected):
                complete = True
                break
            if stats["unique"] > last[0]:
                last = (stats["unique"], time.monotonic())
            elif time.monotonic() - last[1] > STALL_SECS:
                break
            time.sleep(0.5)
        delivered_seen = time.time()
        probe.phase = "after"
        probe.stopping.set()
        probe.join(timeout=30)
        usage_after = server.usage()
        usage_after["load_generator_cpu_secs"] = sum(os.times()[:2]) - client_cpu_before

        # Nothing pending on the server any more: no more duplicates can come.
        def drained():
            w = server.call("GET", f"/api/v1/webhooks/{hook['id']}")
            return w if w["pending"] == 0 else None
        try:
            final_hook = wait_until(drained, 120, "the subscription's queue to empty", every=0.5)
        except RuntimeError:
            final_hook = server.call("GET", f"/api/v1/webhooks/{hook['id']}")
        records = receiver_get(rport, "/records")

        # The server's delivery log, 100 a page (at limit=200 the server has never answered a
        # next_cursor: checked here, and reported).
        first_page = server.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries?limit=200")
        cursor_at_200 = "next_cursor" in first_page
        log, cursor = [], None
        while True:
            page = server.call("GET", f"/api/v1/webhooks/{hook['id']}/deliveries?limit=100"
                               + (f"&cursor={cursor}" if cursor else ""))
            log.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                break

        # --- figures -------------------------------------------------------------------------
        acked, failed, bad = records["acked"], records["failed"], records["bad"]
        first_ack = {}
        ack_count = Counter()
        for mid, created, at, evt, conv, _dlv, _ev in acked:
            ack_count[mid] += 1
            if mid not in first_ack or at < first_ack[mid][1]:
                first_ack[mid] = (created, at, evt, conv)
        failed_ids = Counter(r[0] for r in failed)
        delivered = expected & first_ack.keys()
        unknown = set(first_ack) - expected
        dups = {m: n for m, n in ack_count.items() if n > 1}
        lags = {m: (first_ack[m][1] - rfc3339(first_ack[m][0])) * 1000 for m in delivered}
        retried = [lags[m] for m in delivered if failed_ids.get(m)]
        clean = [lags[m] for m in delivered if not failed_ids.get(m)]
        ack_times = sorted(first_ack[m][1] for m in delivered)
        all_times = sorted([r[2] for r in acked] + [r[2] for r in failed])
        # Order within each conversation: first acks in receive order must follow event order.
        per_conv = defaultdict(list)
        for m in delivered:
            created, at, evt, conv = first_ack[m]
            per_conv[conv].append((at, int(evt.split("_", 1)[1], 16)))
        out_of_order = sum(1 for items in per_conv.values()
                           for a, b in zip(sorted(items), sorted(items)[1:]) if b[1] < a[1])
        post_ms = [(r["end"] - r["start"]) * 1000 for r in receipts]
        ingest_secs = max(r["end"] for r in receipts) - min(r["start"] for r in receipts) if receipts else 0

        def probes(phase):
            rows = [s for s in probe.samples if s["phase"] == phase]
            return {name: summary([s[name] for s in rows if s[name] is not None])
                    | {"errors": sum(1 for s in rows if s[name] is None or s[name + "_status"] != 200)}
                    for name in ("healthz", "conversations")}

        status_counts = Counter(d["status"] for d in log)
        # Receiver requests per 5 s from the burst's start: answered 204, answered 500.
        buckets = defaultdict(lambda: [0, 0])
        for rec in acked:
            buckets[int((rec[2] - ingest_start) // 5)][0] += 1
        for rec in failed:
            buckets[int((rec[2] - ingest_start) // 5)][1] += 1
        timeline = [[k * 5, *buckets[k]] for k in range(max(buckets) + 1)] if buckets else []
        result.update({
            "ingest": {"acknowledged": len(receipts), "refused_or_failed": len(failures), "failures": failures[:20],
                       "seconds": ingest_secs, "rate_per_sec": len(receipts) / ingest_secs if ingest_secs else None,
                       "post_ms": summary(post_ms),
                       "conversations": len({r["conversation_id"] for r in receipts}),
                       "conversations_created": sum(1 for r in receipts if r["created_conversation"])},
            "delivery": {
                "complete": complete and delivered == expected,
                "delivered_unique": len(delivered), "expected": len(expected),
                "missing": len(expected - delivered),
                "seconds_from_burst_start_to_all_delivered": (ack_times[-1] - ingest_start) if ack_times else None,
                "seconds_after_ingest_end_to_all_delivered": (ack_times[-1] - ingest_end) if ack_times else None,
                "first_delivery_after_burst_start_secs": (ack_times[0] - ingest_start) if ack_times else None,
                "throughput_deliveries_per_sec": (len(ack_times) / (ack_times[-1] - ack_times[0])
                                                  if len(ack_times) > 1 else None),
                "throughput_requests_per_sec": (len(all_times) / (all_times[-1] - all_times[0])
                                                if len(all_times) > 1 else None),
                "receiver_requests": records["requests"], "answered_500": len(failed),
                "messages_that_needed_a_retry": len([m for m in delivered if failed_ids.get(m)]),
                "failed_attempts_later_delivered": sum(n for m, n in failed_ids.items() if m in delivered),
                "bad_signatures": len(bad),
                "duplicates": {"messages": len(dups), "extra_deliveries": sum(n - 1 for n in dups.values())},
                "unknown_message_ids": len(unknown),
                "out_of_order_within_a_conversation": out_of_order,
                "lag_ms": summary(list(lags.values())),
                "lag_ms_first_attempt": summary(clean),
                "lag_ms_after_a_retry": summary(retried),
            },
            "server_delivery_log": {"deliveries": len(log), "by_status": dict(status_counts),
                                    "attempts": sum(d["attempts"] for d in log),
                                    "retries": sum(max(0, d["attempts"] - 1) for d in log),
                                    "max_attempts": max((d["attempts"] for d in log), default=0),
                                    "webhook_after": final_hook,
                                    "next_cursor_given_at_limit_200": cursor_at_200,
                                    "first_page_at_limit_200": len(first_page["items"])},
            "receiver_requests_per_5s": {"columns": ["secs_from_burst_start", "answered_204", "answered_500"],
                                         "rows": timeline},
            "responsiveness_ms": {phase: probes(phase) for phase in ("idle", "ingest", "delivery")},
            "server_usage": {"before_burst": usage_before, "after_delivery": usage_after},
            "timeline": {"ingest_start": ingest_start, "ingest_end": ingest_end, "delivered_seen": delivered_seen},
        })
    finally:
        if probe is not None:
            probe.stopping.set()
            probe.join(timeout=30)
        if receiver.is_alive():
            receiver.terminate()
            receiver.join(timeout=10)
            if receiver.is_alive():
                receiver.kill()
                receiver.join()
        server.stop()
        problems = server.log_problems()
        result["server_log_problem_lines"] = len(problems)
        result["server_log_warnings_and_errors"] = problems[:50]
        result["server_exit_code"] = server.proc.returncode
        try:
            shutil.copy(server.log_path, FIGURES / "webhooks_server.log")
        except OSError:
            pass
        shutil.rmtree(server.data, ignore_errors=True)
    result["load_average_at_end"] = os.getloadavg()
    (FIGURES / "webhooks_burst.json").write_text(json.dumps(result, indent=2) + "\n")
    report(result)


def report(r):
    i, d, s = r["ingest"], r["delivery"], r["server_delivery_log"]

    def f(x, unit="", nd=1):
        return "—" if x is None else f"{x:,.{nd}f}{unit}"

    def ms(x):
        return f"median {f(x.get('median'))}  p99 {f(x.get('p99'))}  max {f(x.get('max'))} ms" if x.get("n") else "—"

    rows = [
        ("binary", r["binary"], f"built {r['binary_mtime']}"),
        ("burst", f"{r['messages']:,} messages", f"{r['contacts']} contacts, {r['concurrency']} client threads"),
        ("messages acknowledged (201)", f"{i['acknowledged']:,}",
         (f"{i['refused_or_failed']} refused or failed; {i['conversations']} conversations "
          f"({i['conversations_created']} opened by the burst)")),
        ("ingest rate", f(i["rate_per_sec"], " msg/s"), f"over {f(i['seconds'], ' s')}; POST {ms(i['post_ms'])}"),
        ("all delivered", "yes" if d["complete"] else f"NO ({d['missing']} missing)",
         f"{d['delivered_unique']:,} of {d['expected']:,} message ids received and answered 204"),
        ("time until all delivered", f(d["seconds_from_burst_start_to_all_delivered"], " s"),
         f"from the burst's first POST; {f(d['seconds_after_ingest_end_to_all_delivered'], ' s')} after its last"),
        ("delivery throughput", f(d["throughput_deliveries_per_sec"], " /s"),
         f"first deliveries; {f(d['throughput_requests_per_sec'], ' requests/s')} counting failed attempts"),
        ("lag (receive − created_at)", f(d["lag_ms"].get("median"), " ms"), ms(d["lag_ms"])),
        ("  delivered at the first attempt", f(d["lag_ms_first_attempt"].get("median"), " ms"), ms(d["lag_ms_first_attempt"])),
        ("  delivered after a failed attempt", f(d["lag_ms_after_a_retry"].get("median"), " ms"), ms(d["lag_ms_after_a_retry"])),
        ("receiver requests", f"{d['receiver_requests']:,}",
         (f"{d['answered_500']:,} answered 500, of which {d['failed_attempts_later_delivered']:,} were retried "
          f"until delivered ({d['messages_that_needed_a_retry']:,} messages)")),
        ("duplicates", f"{d['duplicates']['extra_deliveries']:,}", f"{d['duplicates']['messages']} message ids answered 204 more than once"),
        ("bad signatures / unknown ids", f"{d['bad_signatures']} / {d['unknown_message_ids']}", ""),
        ("out of order within a conversation", str(d["out_of_order_within_a_conversation"]), ""),
        ("server's delivery log", f"{s['deliveries']:,} deliveries",
         (f"{s['by_status']}; {s['attempts']:,} attempts, {s['retries']:,} retries, at most {s['max_attempts']} "
          f"for one; pending after: {s['webhook_after'].get('pending')}")),
        ("  next_cursor at limit=200", "yes" if s["next_cursor_given_at_limit_200"] else "NO",
         f"first page {s['first_page_at_limit_200']} items of {s['deliveries']:,}"),
        ("first delivery", f(d["first_delivery_after_burst_start_secs"], " s", 2), "after the burst's first POST"),
    ]
    for phase in ("idle", "ingest", "delivery"):
        p = r["responsiveness_ms"][phase]
        for name in ("healthz", "conversations"):
            rows.append((f"GET {'/healthz' if name == 'healthz' else '/api/v1/conversations?limit=20'} ({phase})",
                         f(p[name].get("median"), " ms"),
                         f"{ms(p[name])}; {p[name].get('n', 0)} samples, {p[name]['errors']} errors"))
    u = r["server_usage"]
    if u.get("after_delivery") and u.get("before_burst"):
        rows.append(("server CPU during burst and delivery",
                     f(u["after_delivery"]["cpu_secs"] - u["before_burst"]["cpu_secs"], " s"),
                     (f"peak RSS {f(u['after_delivery'].get('peak_rss_mb'), ' MB')}; this script's threads (client "
                      f"and probe, not the receiver): {f(u['after_delivery'].get('load_generator_cpu_secs'), ' s')} CPU")))
    rows.append(("server log", f"{r['server_log_problem_lines']} WARN/ERROR", f"exit code {r['server_exit_code']}"))
    width = max(len(x[0]) for x in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")
    for line in r["server_log_warnings_and_errors"][:10]:
        print("  " + line[:220])
    print(f"wrote {FIGURES / 'webhooks_burst.json'}")


if __name__ == "__main__":
    main()
