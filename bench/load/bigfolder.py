"""The big folder of the load benchmark (bench/load/run.py): BIG_MESSAGES (1,000,000) messages
built with `switchboard import jsonl`, then what a restart and a reindex cost on it.

- has_import: whether the binary has the `import jsonl` command (else the step is skipped,
  saying so).
- write_jsonl: conversations.jsonl with BIG_MESSAGES / 10 closed conversations of
  MESSAGES_PER_CONVERSATION (10) messages each (customer, agent, one note), over the last 365
  days, 20 % as many contacts, texts from the corpus; the last conversation holds a marker word.
- big_folder_step: `serve --demo` once on a fresh folder (for its inboxes and agents), writes the
  JSONL, `switchboard import jsonl DIR --data DATA` (timed: messages/s, what it says it imported
  and left out), then start-to-ready (GET /readyz), time until the marker is searchable (at most
  SEARCHABLE_TIMEOUT_SECS), RSS idle, `switchboard reindex` time, start-to-ready after the
  reindex, and bytes on disk (all, and the search index).
"""

import json
import random
import re
import shutil
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from common import BIG_MESSAGES, SEARCHABLE_TIMEOUT_SECS, STEP_SECS, du_bytes, make_text, wait_until
from server import RssSampler, Server
from wrkload import lua_ingest, run_wrk

MESSAGES_PER_CONVERSATION = 10


def has_import(binary):
    out = subprocess.run([str(binary), "import", "jsonl", "--help"], capture_output=True, text=True)
    return out.returncode == 0, (out.stderr or out.stdout).strip().splitlines()[:1]


def write_jsonl(folder, messages, inboxes, agents, marker):
    """conversations.jsonl with messages/10 closed conversations of 10 messages each, over the
    last 365 days, 20 % as many contacts; the last conversation's text holds `marker`."""
    rng = random.Random(7)
    frags = [json.dumps(make_text(rng, 5, 20), ensure_ascii=False)[1:-1] for _ in range(8192)]
    conversations = max(1, messages // MESSAGES_PER_CONVERSATION)
    contacts = max(1, conversations // 5)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=365)
    span = 364 * 86400
    path = Path(folder) / "conversations.jsonl"
    written = 0
    with open(path, "w", encoding="utf-8") as f:
        for i in range(conversations):
            c = rng.randrange(contacts)
            t = start + timedelta(seconds=span * i // conversations)
            msgs = []
            for k in range(MESSAGES_PER_CONVERSATION):
                at = (t + timedelta(minutes=5 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")
                text = frags[rng.randrange(8192)] + " " + frags[rng.randrange(8192)]
                if i == conversations - 1 and k == 0:
                    text += " " + marker
                if k % 2 == 0:
                    msgs.append(f'{{"ref":"m-{i}-{k}","author":"customer","text":"{text}","at":"{at}"}}')
                elif k == 5:
                    msgs.append(f'{{"ref":"m-{i}-{k}","author":"note","agent":"{agents[i % len(agents)]}",'
                                f'"text":"{text}","at":"{at}"}}')
                else:
                    msgs.append(f'{{"ref":"m-{i}-{k}","author":"agent","agent":"{agents[i % len(agents)]}",'
                                f'"text":"{text}","at":"{at}"}}')
            written += len(msgs)
            created = t.strftime("%Y-%m-%dT%H:%M:%SZ")
            closed = (t + timedelta(minutes=5 * MESSAGES_PER_CONVERSATION)).strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write(f'{{"ref":"t-{i}","inbox":{json.dumps(inboxes[i % len(inboxes)], ensure_ascii=False)},'
                    f'"contact":{{"ref":"c-{c}","name":"Customer {c}","email":"customer{c}@example.com"}},'
                    f'"subject":"Conversation {i}","status":"closed","created_at":"{created}",'
                    f'"closed_at":"{closed}","labels":[],"messages":[{",".join(msgs)}]}}\n')
    return {"conversations": conversations, "contacts": contacts, "messages": written,
            "jsonl_bytes": path.stat().st_size}


def big_folder_step(binary, tmp, log):
    ok, why = has_import(binary)
    if not ok:
        return {"skipped": "this binary has no `switchboard import jsonl` command (" + " ".join(why)
                + "); rebuild it to measure the 1,000,000-message folder"}
    r = {"target_messages": BIG_MESSAGES}
    data, src = Path(tmp) / "big-data", Path(tmp) / "big-jsonl"
    src.mkdir()
    srv = Server(binary, data, demo=True, log_path=Path(tmp) / "big-server.log")
    try:
        srv.wait_ready(120)
        srv.admin = srv.login("admin@example.com")
        inboxes = [i["name"] for i in srv.call("GET", "/api/v1/inboxes?limit=100")["items"]]
    finally:
        srv.stop()
    marker = f"bigmarker{random.randrange(10**8)}"
    t0 = time.monotonic()
    r["generated"] = write_jsonl(src, BIG_MESSAGES, inboxes,
                                 ["ana@example.com", "marco@example.com", "lucia@example.com"], marker)
    r["generate_secs"] = time.monotonic() - t0
    log(f"  wrote {r['generated']['messages']:,} messages ({r['generated']['jsonl_bytes'] / 1e6:.0f} MB JSONL) "
        f"in {r['generate_secs']:.1f} s; importing")
    t0 = time.monotonic()
    out = subprocess.run([str(binary), "import", "jsonl", str(src), "--data", str(data)],
                         capture_output=True, text=True)
    r["import_secs"] = time.monotonic() - t0
    r["import_exit_code"] = out.returncode
    r["import_output_tail"] = (out.stdout + out.stderr).strip().splitlines()[-5:]
    said = re.search(r"imported (\d+) conversations, (\d+) messages", out.stdout)
    if said:
        r["import_said"] = {"conversations": int(said.group(1)), "messages": int(said.group(2))}
    left_out = re.search(r"left out or changed \((\d+)\)", out.stdout)
    r["import_left_out_or_changed"] = int(left_out.group(1)) if left_out else 0
    if out.returncode != 0:
        r["error"] = "import failed"
        return r
    r["import_messages_per_sec"] = r["generated"]["messages"] / r["import_secs"]
    shutil.rmtree(src, ignore_errors=True)
    r["disk_bytes_after_import"] = du_bytes(data)

    def start_measure(label):
        srv = Server(binary, data, demo=False, log_path=Path(tmp) / "big-server.log")
        try:
            ready = srv.wait_ready(600)
            srv.admin = srv.login("admin@example.com")
            t_search = None
            if label == "after_import":
                try:
                    wait_until(lambda: srv.call("GET", f"/api/v1/search?q={marker}&limit=1")["total"] >= 1,
                               SEARCHABLE_TIMEOUT_SECS, "the last imported conversation in search", every=0.25)
                    t_search = time.monotonic() - srv.spawned
                except RuntimeError as e:
                    log(f"  {e}")
            time.sleep(2)
            rss = srv.rss_kb()
            ingest = None
            if label == "after_reindex":
                # Memory while ingesting at full speed with the million messages stored.
                token = srv.call("POST", "/api/v1/tokens", {"name": "bench"})["token"]
                inbox = next(i for i in srv.call("GET", "/api/v1/inboxes?limit=100")["items"] if i["channel"] == "api")
                workdir = Path(tmp) / "big-wrk"
                workdir.mkdir(exist_ok=True)
                sampler = RssSampler(srv.rss_kb)
                sampler.start()
                try:
                    path = f"/api/v1/channels/api/{inbox['id']}/messages"
                    ingest = run_wrk(workdir, "big-ingest64", srv.url, lua_ingest(path, token), 64, STEP_SECS)
                finally:
                    ingest_rss = sampler.stop()
                ingest["rss"] = ingest_rss
                log(f"  ingest @64 on the big folder: {ingest['rate_per_sec']:,.0f} msg/s, "
                    f"peak RSS {ingest_rss['peak_mb']:.0f} MB")
        finally:
            stop = srv.stop()
        return {"ready_secs": ready, "searchable_secs": t_search, "rss_idle_mb": rss / 1024 if rss else None,
                "stop_secs": stop, "ingest64": ingest}

    r["start_after_import"] = start_measure("after_import")
    log(f"  ready in {r['start_after_import']['ready_secs']:.2f} s; reindexing")
    t0 = time.monotonic()
    out = subprocess.run([str(binary), "reindex", "--data", str(data)], capture_output=True, text=True)
    r["reindex_secs"] = time.monotonic() - t0
    r["reindex_exit_code"] = out.returncode
    r["start_after_reindex"] = start_measure("after_reindex")
    r["disk_bytes"] = du_bytes(data)
    r["disk_bytes_search_index"] = du_bytes(data / "search") if (data / "search").exists() else None
    shutil.rmtree(data, ignore_errors=True)
    return r
