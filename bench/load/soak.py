"""Soak (issue 20): resident memory of the server over a long steady load, to show it does not
grow.

Against a fresh `switchboard serve --demo --demo-customers-every-secs 0` (release binary, on a
free loopback port), for SOAK_SECS (3600) seconds: WRITERS (4) threads each push RATE (60)
customer messages a second through the API channel (POST /api/v1/channels/api/{inbox}/messages,
2,000 contacts, keep-alive connections), one reader lists the newest conversations and searches
twice a second, and 50 event streams stay open and are read.

The desk is a steady one: a conversation is closed once it holds CONV_LEN messages (drawn
between half and one and a half times the mean, 30 by default), as agents close what they have
answered, and the customer's next message opens a new one. CONV_LEN=0 never closes, so the
2,000 conversations grow without end (about 430 messages each after an hour): a search
document is a whole conversation, so each message then costs the indexer in proportion to its
conversation's length (see bench/load/README.md). Every 10 s it samples VmRSS and RssAnon
of the server (/proc/PID/status), the messages acknowledged so far, the data folder's bytes and
how many events the search index trails the log by (from /metrics).

Prints the curve (one line a minute) and a summary: the mean RSS of the first and the last tenth
of the run after a warm-up of 5 minutes, their difference, and the least-squares slope in MB per
hour; writes target/figures/soak.csv and target/figures/soak.json (SOAK_NAME changes the name).
Never builds: SWITCHBOARD_BINARY or target/release/switchboard.

Run: `python3 bench/load/soak.py` (SOAK_SECS=600 for a 10-minute look).
"""

import http.client
import json
import os
import random
import shutil
import socket
import statistics
import threading
import time
from pathlib import Path

from common import FIGURES, du_bytes, make_text
from server import Server, pick_binary, proc_status_kb

SOAK_SECS = int(os.environ.get("SOAK_SECS", "3600"))
NAME = os.environ.get("SOAK_NAME", "soak")
WRITERS = int(os.environ.get("WRITERS", "4"))
RATE = float(os.environ.get("RATE", "60"))
CONV_LEN = int(os.environ.get("CONV_LEN", "30"))
STREAMS = 50
WARMUP_SECS = min(300, SOAK_SECS // 6)


def writer(srv, token, path, stop, counts, closes, close_failures, errors, i):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    rng = random.Random(i)
    period, nxt = 1.0 / RATE, time.monotonic()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    held = {}  # conversation id -> [messages so far, messages at which it closes]
    while not stop.is_set():
        # Writer i owns the contacts c with c % WRITERS == i, so it alone counts their messages.
        c = rng.randrange(2000 // WRITERS) * WRITERS + i
        body = json.dumps({"contact": {"external_id": f"soak-{c}", "name": f"Soak {c}"}, "text": make_text(rng)})
        try:
            conn.request("POST", path, body, headers)
            r = conn.getresponse()
            answer = r.read()
            counts[i] += r.status == 201
            if r.status == 201 and CONV_LEN > 0:
                cid = json.loads(answer)["conversation_id"]
                if cid not in held:
                    held[cid] = [0, rng.randint(CONV_LEN // 2, CONV_LEN * 3 // 2)]
                n = held[cid]
                n[0] += 1
                if n[0] >= n[1]:
                    conn.request("POST", f"/api/v1/conversations/{cid}/close", "{}", headers)
                    closed = conn.getresponse()
                    closed.read()
                    if closed.status == 200:
                        closes[i] += 1
                        del held[cid]
                    else:
                        # Counted, and tried again after the conversation's next message.
                        close_failures[i] += 1
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        except Exception as e:  # noqa: BLE001 - a writer must not die unnoticed
            errors.append(f"writer {i}: {e!r}")
            return
        nxt += period
        time.sleep(max(0.0, nxt - time.monotonic()))


def reader(srv, token, stop):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    paths = ["/api/v1/conversations?sort=updated&limit=25", "/api/v1/search?q=refund&limit=25"]
    while not stop.is_set():
        for p in paths:
            try:
                conn.request("GET", p, headers={"Authorization": f"Bearer {token}"})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        time.sleep(1.0)


def streams(srv, token, stop):
    socks = []
    for _ in range(STREAMS):
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n".encode())
        s.setblocking(False)
        socks.append(s)
    while not stop.is_set():
        for s in socks:
            try:
                while s.recv(65536):
                    pass
            except BlockingIOError:
                pass
            except OSError:
                pass
        time.sleep(0.2)
    for s in socks:
        s.close()


def index_lag(srv):
    """`switchboard_search_index_lag_events` from /metrics (-1 when unreadable)."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        line = next(ln for ln in text.splitlines() if ln.startswith("switchboard_search_index_lag_events "))
        return int(float(line.split()[1]))
    except (OSError, http.client.HTTPException, StopIteration, ValueError):
        return -1


def main():
    binary = pick_binary()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"soak-{os.getpid()}"
    tmp.mkdir(parents=True)
    srv = Server(binary, tmp / "data", demo=True, log_path=tmp / "server.log")
    stop = threading.Event()
    rows = []
    try:
        srv.wait_ready(120)
        srv.admin = srv.login("admin@example.com")
        tokens = [srv.call("POST", "/api/v1/tokens", {"name": f"soak {i}"})["token"] for i in range(6)]
        inbox = next(i for i in srv.call("GET", "/api/v1/inboxes?limit=100")["items"] if i["channel"] == "api")
        path = f"/api/v1/channels/api/{inbox['id']}/messages"
        counts, closes, close_failures, errors = [0] * WRITERS, [0] * WRITERS, [0] * WRITERS, []
        threads = [threading.Thread(target=writer, daemon=True,
                                    args=(srv, tokens[0], path, stop, counts, closes, close_failures, errors, i))
                   for i in range(WRITERS)]
        threads.append(threading.Thread(target=reader, args=(srv, tokens[1], stop), daemon=True))
        for k in range(STREAMS // 10):
            threads.append(threading.Thread(target=streams, args=(srv, tokens[1 + k], stop), daemon=True))
        for t in threads:
            t.start()
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < SOAK_SECS:
            rss = proc_status_kb(srv.proc.pid, "VmRSS") or 0
            anon = proc_status_kb(srv.proc.pid, "RssAnon") or 0
            disk = du_bytes(tmp / "data") / 1e6
            lag = index_lag(srv)
            rows.append((round(elapsed), rss / 1024, anon / 1024, sum(counts), disk, lag))
            if len(rows) % 6 == 1:
                print(f"{elapsed / 60:5.1f} min  RSS {rss / 1024:6.1f} MB  anon {anon / 1024:6.1f} MB  "
                      f"{sum(counts):,} messages  disk {disk:,.0f} MB  index lag {lag:,} events", flush=True)
            srv.check_alive()
            if errors:
                print(f"stopping early: {errors[0]}", flush=True)
                break
            time.sleep(10)
    finally:
        stop.set()
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / f"{NAME}.csv").write_text("secs,rss_mb,anon_mb,messages,disk_mb,index_lag_events\n"
                                      + "".join(f"{s},{r:.1f},{a:.1f},{m},{d:.0f},{g}\n" for s, r, a, m, d, g in rows))
    steady = [r for r in rows if r[0] >= WARMUP_SECS]
    tenth = max(1, len(steady) // 10)
    first, last = steady[:tenth], steady[-tenth:]
    xs, ys = [r[0] / 3600 for r in steady], [r[1] for r in steady]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(1e-9, sum((x - mx) ** 2 for x in xs))
    summary = {
        "secs": SOAK_SECS, "messages": rows[-1][3], "rate_per_sec": rows[-1][3] / max(1, rows[-1][0]),
        "conversation_length_mean": CONV_LEN, "conversations_closed": sum(closes),
        "close_failures": sum(close_failures), "errors": errors[:5],
        "rss_first_tenth_mb": statistics.mean(r[1] for r in first),
        "rss_last_tenth_mb": statistics.mean(r[1] for r in last),
        "anon_first_tenth_mb": statistics.mean(r[2] for r in first),
        "anon_last_tenth_mb": statistics.mean(r[2] for r in last),
        "rss_max_mb": max(r[1] for r in rows), "slope_mb_per_hour": slope, "warmup_secs": WARMUP_SECS,
        "disk_mb_end": rows[-1][4], "index_lag_events_end": rows[-1][5],
        "index_lag_events_max": max(r[5] for r in rows),
    }
    (FIGURES / f"{NAME}.json").write_text(json.dumps({"summary": summary, "samples": rows}, indent=1))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
