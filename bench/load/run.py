"""Load benchmark (issue 20): one command that measures Switchboard under load, end to end over
HTTP, and PostgreSQL doing the same work beside it (bench/load/pg.py).

What it measures, against a fresh `switchboard serve --demo --demo-customers-every-secs 0` on
loopback (ports 18900-18999), with `wrk` as the load generator (Lua scripts written at run time
into a temporary folder; each prints its figures as JSON from wrk's `done()` hook):

1. Durable ingest: POST /api/v1/channels/api/{inbox_id}/messages (operationId
   pushChannelMessage; body `{"contact": {"external_id", "name"}, "text"}`, an API token from
   POST /api/v1/tokens) into the demo desk's `api` inbox ("WhatsApp España"), at 1, 8 and 64
   connections (wrk threads = min(connections, 2)), STEP_SECS each. Each request picks one of
   CONTACTS (2,000) external ids and a text of 10-40 words drawn from the corpus below. A 201
   means the message is stored durably; only 2xx answers count as acknowledged (a `response()`
   hook counts every status), the others are reported. Figures: messages/s, p50, p99.
2. GET /healthz at 64 connections (no Lua `response()` hook, so wrk stays cheap; non-2xx come
   from wrk's own status-error count), and ingest@64 / healthz@64.
3. List views as the admin at 8 connections: GET /api/v1/conversations?sort=updated&limit=25
   and the same with status=open (a filtered view).
4. Search mix at 8 connections: GET /api/v1/search?q=...&limit=25 over one word, two words, a
   rare word and a phrase (round robin), ordered by relevance (the default) and by newest
   (order=newest, what the PostgreSQL query does). Before it, the script waits until a marker
   message posted after the ingest is searchable (reported as the index's catch-up time).
5. Event-stream delivery to SSE_SUBSCRIBERS (1,000) subscribers of GET /api/v1/events. The
   server allows 10 streams per token and 30 per user, so the script creates admin users
   (POST /api/v1/users) and gives each a session and two API tokens. A separate process holds
   the streams with `selectors` (epoll), stamps every recv() with time.monotonic() (a clock
   shared with this process) and decodes the chunked SSE later, noting per stream when each
   `message.created` first arrived. Then SSE_MESSAGES (50) customer messages are pushed one at a time every
   SSE_PACE_MS (20) ms; for every (stream, message) pair, delay = arrival - the POST's answer
   (0 when the event came first; counted as "early"), and also arrival - just before sending.
6. Resident memory (VmRSS from /proc/PID/status): idle IDLE_WAIT_SECS (35) after the start and
   a sign-in (the search writer closes 30 s after the last change), peak sampled every 100 ms
   during the ingest steps, and after them.
7. Then, with the server stopped (SIGTERM, timed): bytes on disk (du) of the data folder, time
   from spawning `switchboard serve` (no --demo) until GET /readyz answers 200, RSS idle after
   that start, and `switchboard reindex` time, on that benchmark folder. And the same on a big
   folder of BIG_MESSAGES (1,000,000) messages (100,000 conversations of 10 messages, 20,000
   contacts) built with `switchboard import jsonl DIR --data DATA` into a folder where
   `serve --demo` ran once: import time (messages/s), start-to-ready, time until the last
   imported conversation is searchable, RSS idle, bytes on disk, reindex time, start-to-ready
   after the reindex. Skipped, saying so, when the binary has no `import` command.
8. Binary size.

PostgreSQL (unless PG=0): bench/load/pg.py starts a private PostgreSQL 15 (fsync and
synchronous_commit on), loads a Chatwoot-like schema with the demo desk's numbers of contacts,
conversations (per status) and messages (generated texts from the same corpus), runs the same
ingest as one transaction per message with pgbench at 1, 8, 64 clients, tops the data up to what
Switchboard holds at its list step, then runs the same list and search queries at 8 clients. See
its docstring. pgbench talks to PostgreSQL directly: no HTTP, no JSON, no auth, no app server,
so its figures are a lower bound of what a stack built on it costs.

The corpus: about 300 words of a helpdesk's English, the first ones more frequent (index
floor(n * r^2)), each word replaced by one of 12 rare words with probability 1/3000; "tracking
number" is one entry so it occurs as a phrase. Search queries: "refund", "package damaged",
"zeppelin" (rare), "\"tracking number\"" (PostgreSQL: plainto_tsquery, phraseto_tsquery).

Machine rules: the binary is never built (SWITCHBOARD_BINARY, else target/release/switchboard).
Everything started is stopped in `finally` blocks (also on Ctrl-C or SIGTERM); temporary
folders are under /tmp and removed.

Run: `python3 bench/load/run.py` (about 8 minutes). Knobs: QUICK=1 (2 s steps, 20,000 messages
in the big folder, 200 subscribers, 10 SSE messages), STEP_SECS, CONTACTS, SSE_SUBSCRIBERS,
SSE_MESSAGES, SSE_PACE_MS, BIG_MESSAGES, BIG=0 (skip the big folder), PG=0 (skip PostgreSQL).
Prints a table and writes target/figures/load.json and bench/load/REPORT.md.

The code: this file runs the steps in order (switchboard_side, then the big folder, then
PostgreSQL) and writes the results; common.py holds the knobs, the corpus and small helpers;
server.py starts and stops the binary (Server, RssSampler); wrkload.py the wrk scripts;
sse.py the event-stream step; bigfolder.py the 1M-message folder; report.py the table and
REPORT.md; pg.py the PostgreSQL side.
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bigfolder import big_folder_step
from common import (BIG, BIG_MESSAGES, CONNECTIONS, CONTACTS, FIGURES, IDLE_WAIT_SECS, PG, QUICK, REPORT, ROOT,
                    SEARCH_QUERIES, SSE_MESSAGES, SSE_PACE_MS, SSE_SUBSCRIBERS, STEP_SECS, WRK, du_bytes,
                    make_texts, raise_fd_limit, wait_until)
from report import machine, markdown, print_table, table_rows
from server import RssSampler, Server, pick_binary
from sse import sse_step
from wrkload import lua_get, lua_ingest, run_wrk


# --- the run ------------------------------------------------------------------------------------

def switchboard_side(binary, tmp, log):
    r = {}
    data = Path(tmp) / "data"
    workdir = Path(tmp) / "wrk"
    workdir.mkdir()
    server_log = Path(tmp) / "server.log"
    srv = Server(binary, data, demo=True, log_path=server_log)
    sampler = None
    try:
        r["first_start_ready_secs"] = srv.wait_ready(120)
        srv.admin = srv.login("admin@example.com")
        api_token = srv.call("POST", "/api/v1/tokens", {"name": "bench"})["token"]
        inbox = next(i for i in srv.call("GET", "/api/v1/inboxes?limit=100")["items"] if i["channel"] == "api")
        r["api_inbox"] = {"id": inbox["id"], "name": inbox["name"]}
        r["demo_counts"] = srv.counts()
        # The demo's own numbers (its log line): message_count leaves notes and events out.
        demo_line = re.search(r"demo workspace created\s+contacts=(\d+)\s+conversations=(\d+)\s+messages=(\d+)",
                              re.sub(r"\x1b\[[0-9;]*m", "", server_log.read_text(errors="replace")))
        if demo_line:
            r["demo_log"] = dict(zip(("contacts", "conversations", "messages"), map(int, demo_line.groups())))
        # Idle: the sign-in's 19 MiB password block is given back after 2 idle seconds, the search
        # index's writer is closed after 30 s without a change (the demo desk's seeding is one),
        # and the allocator's free pages go back 3 s after start, then every 30 s: wait for all.
        time.sleep(IDLE_WAIT_SECS)
        r["rss_idle_mb"] = srv.rss_kb() / 1024
        r["idle_wait_secs"] = IDLE_WAIT_SECS
        log(f"  ready in {r['first_start_ready_secs']:.2f} s; idle RSS {r['rss_idle_mb']:.1f} MB; "
            f"demo desk {r['demo_counts']['conversations']} conversations, {r['demo_counts']['messages']} messages")

        # 1. Ingest.
        ingest_path = f"/api/v1/channels/api/{inbox['id']}/messages"
        sampler = RssSampler(srv.rss_kb)
        sampler.start()
        r["ingest"] = {}
        for c in CONNECTIONS:
            res = run_wrk(workdir, f"ingest{c}", srv.url, lua_ingest(ingest_path, api_token), c, STEP_SECS)
            r["ingest"][str(c)] = res
            log(f"  ingest @{c}: {res['rate_per_sec']:,.0f} msg/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms, non-2xx {res['not_2xx']}")
            srv.check_alive()
        r["rss_ingest"] = sampler.stop()
        sampler = None
        time.sleep(2)
        r["rss_after_ingest_mb"] = srv.rss_kb() / 1024

        # 2. /healthz.
        r["healthz"] = run_wrk(workdir, "healthz", srv.url, lua_get(["/healthz"]), 64, STEP_SECS)
        log(f"  healthz @64: {r['healthz']['rate_per_sec']:,.0f} req/s")

        # Counts for PostgreSQL, then 3. list views.
        r["counts_at_list"] = srv.counts()
        lists = {"latest": "/api/v1/conversations?sort=updated&limit=25",
                 "open": "/api/v1/conversations?status=open&sort=updated&limit=25"}
        r["list"] = {}
        for name, path in lists.items():
            res = run_wrk(workdir, f"list_{name}", srv.url, lua_get([path], srv.admin), 8, STEP_SECS)
            res["path"] = path
            r["list"][name] = res
            log(f"  list {name} @8: {res['rate_per_sec']:,.0f} req/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms")

        # 4. Search, once the index has caught up with the ingest.
        marker = f"indexmarker{random.randrange(10**8)}"
        t0 = time.monotonic()
        srv.call("POST", ingest_path, {"contact": {"external_id": "bench-marker", "name": "Marker"},
                                       "text": f"marker {marker}"}, token=api_token, want=201)
        wait_until(lambda: srv.call("GET", f"/api/v1/search?q={marker}&limit=1")["total"] >= 1, 300,
                   "the index to catch up", every=0.05)
        r["index_catch_up_secs"] = time.monotonic() - t0
        r["search_hits"] = {label: srv.call("GET", f"/api/v1/search?q={urllib.parse.quote(q)}&limit=1")["total"]
                            for label, q, _, _ in SEARCH_QUERIES}
        r["search"] = {}
        for order in ("relevance", "newest"):
            suffix = "&order=newest" if order == "newest" else ""
            paths = [f"/api/v1/search?q={urllib.parse.quote(q)}&limit=25{suffix}" for _, q, _, _ in SEARCH_QUERIES]
            res = run_wrk(workdir, f"search_{order}", srv.url, lua_get(paths, srv.admin), 8, STEP_SECS)
            res["paths"] = paths
            r["search"][order] = res
            log(f"  search ({order}) @8: {res['rate_per_sec']:,.0f} req/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms")

        # 5. Event streams.
        r["sse"] = sse_step(srv, inbox["id"], api_token, log)
        s = r["sse"]
        log(f"  SSE: {s['streams_open']} streams, delay median {s['delay_from_answer_ms'].get('median', 0):.1f} ms, "
            f"p99 {s['delay_from_answer_ms'].get('p99', 0):.1f} ms, {s['streams_with_every_message']} complete")
        time.sleep(0.5)
        r["rss_end_mb"] = srv.rss_kb() / 1024
    finally:
        if sampler is not None:
            sampler.stop()
        r["stop_secs"] = srv.stop()
        r["server_exit_code"] = srv.proc.returncode
    try:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", server_log.read_text(errors="replace")).splitlines()
        r["server_log_warn_error"] = [ln for ln in lines if re.search(r"\s(WARN|ERROR)\s", ln)][:30]
    except OSError:
        r["server_log_warn_error"] = []

    # 7a. The benchmark folder, server stopped.
    r["disk_bytes"] = du_bytes(data)
    srv = Server(binary, data, demo=False, log_path=server_log)
    try:
        r["restart_ready_secs"] = srv.wait_ready(300)
        time.sleep(2)
        r["restart_rss_idle_mb"] = srv.rss_kb() / 1024
    finally:
        srv.stop()
    t0 = time.monotonic()
    out = subprocess.run([str(binary), "reindex", "--data", str(data)], capture_output=True, text=True)
    r["reindex_secs"] = time.monotonic() - t0
    r["reindex_exit_code"] = out.returncode
    log(f"  restart ready in {r['restart_ready_secs']:.2f} s; reindex {r['reindex_secs']:.2f} s; "
        f"{r['disk_bytes'] / 1e6:.1f} MB on disk")
    shutil.rmtree(data, ignore_errors=True)
    return r


def pg_sizes(sb):
    """PostgreSQL's data before the ingest (the demo desk) and at the list step (what
    Switchboard held then). Contacts and messages follow the demo's log line when there is one
    (the list's message_count leaves notes out; contacts without conversations are not listed)."""
    base, target = dict(sb["demo_counts"]), dict(sb["counts_at_list"])
    demo = sb.get("demo_log")
    if demo:
        extra_msgs = max(0, demo["messages"] - base["messages"])
        extra_contacts = max(0, demo["contacts"] - base["contacts"])
        base["messages"] += extra_msgs
        target["messages"] += extra_msgs
        base["contacts"] += extra_contacts
        target["contacts"] += extra_contacts
    return base, target


def main():
    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    binary = pick_binary()
    if not Path(WRK).exists():
        raise SystemExit("wrk is not installed")
    FIGURES.mkdir(parents=True, exist_ok=True)
    fds = raise_fd_limit()
    if fds < SSE_SUBSCRIBERS + 200:
        raise SystemExit(f"the open-file limit ({fds}) is too low for {SSE_SUBSCRIBERS} streams")
    result = {"quick": QUICK, "machine": machine(), "binary": str(binary), "binary_bytes": binary.stat().st_size,
              "binary_mtime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(binary.stat().st_mtime)),
              "settings": {"step_secs": STEP_SECS, "connections": CONNECTIONS, "contacts": CONTACTS,
                           "sse_subscribers": SSE_SUBSCRIBERS, "sse_messages": SSE_MESSAGES,
                           "sse_pace_ms": SSE_PACE_MS, "big_messages": BIG_MESSAGES, "pg": PG, "big": BIG,
                           "search_queries": [q for _, q, _, _ in SEARCH_QUERIES]}}
    started = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - started:6.1f}s] {msg}", flush=True)

    tmp = tempfile.mkdtemp(prefix="sb-load-")
    try:
        log(f"Switchboard ({binary}), {STEP_SECS:g} s per step")
        result["switchboard"] = switchboard_side(binary, tmp, log)
        if BIG:
            log(f"big folder: {BIG_MESSAGES:,} messages")
            result["big"] = big_folder_step(binary, tmp, log)
            if "skipped" in result["big"]:
                log("  SKIPPED: " + result["big"]["skipped"])
        else:
            result["big"] = {"skipped": "BIG=0"}
        if PG:
            import pg
            log("PostgreSQL")
            base, target = pg_sizes(result["switchboard"])
            result["postgres"] = pg.run_side(
                tmp, log, step_secs=STEP_SECS, connections=CONNECTIONS, contacts=CONTACTS,
                base=base, target=target, texts=make_texts(10_000), search_queries=SEARCH_QUERIES)
        else:
            result["postgres"] = {"skipped": "PG=0"}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["total_secs"] = time.monotonic() - started
    result["machine"]["load_average_at_end"] = os.getloadavg()
    rows = table_rows(result)
    result["table"] = [dict(zip(("figure", "switchboard", "postgres", "ratio", "note"), row)) for row in rows]
    (FIGURES / "load.json").write_text(json.dumps(result, indent=2) + "\n")
    print_table(rows)
    REPORT.write_text(markdown(result, rows))
    print(f"wrote {FIGURES / 'load.json'} and {REPORT.relative_to(ROOT)} in {result['total_secs']:.0f} s")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; everything started was stopped", file=sys.stderr)
        sys.exit(130)
