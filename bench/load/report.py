"""The load benchmark's table and report (bench/load/run.py): the machine it ran on, the rows
(figure, Switchboard, PostgreSQL, ratio, note), the table printed on the terminal and
bench/load/REPORT.md.

The ratio is always oriented so that above 1 means Switchboard is better: Switchboard/PostgreSQL
for rates, PostgreSQL/Switchboard for latencies, memory and bytes. PostgreSQL's memory ratio uses
PSS (the RSS sum counts shared buffers once per process).
"""

import os
import platform
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from common import CONNECTIONS, ROOT, WRK


def machine():
    def read(path):
        try:
            return Path(path).read_text()
        except OSError:
            return ""
    cpu = re.search(r"^model name\s*:\s*(.+)$", read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", read("/proc/meminfo"), re.M)

    def run(*cmd, cwd=None):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    wrk_version = run(WRK, "--version").splitlines()
    return {
        "nproc": int(run("nproc") or os.cpu_count() or 0),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "kernel": platform.release(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git_commit": run("git", "rev-parse", "--short", "HEAD", cwd=ROOT),
        "git_dirty": bool(run("git", "status", "--porcelain", "--untracked-files=no", cwd=ROOT)),
        "load_average_at_start": os.getloadavg(),
        "wrk": (re.search(r"wrk \S+", wrk_version[0]) or re.search(".*", wrk_version[0])).group(0)
        if wrk_version else "",
        "python": platform.python_version(),
    }


def f(x, nd=1, unit=""):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:,.{nd}f}{unit}"


def ratio(sb, pg, higher_is_better):
    if sb in (None, 0) or pg in (None, 0):
        return "—"
    return f"{(sb / pg if higher_is_better else pg / sb):.2f}×"


def table_rows(r):
    """(figure, Switchboard, PostgreSQL, ratio, note) rows. The ratio is always oriented so
    that above 1 means Switchboard is better: SB/PG for rates, PG/SB for latencies, memory and
    bytes."""
    sb, pg = r["switchboard"], r.get("postgres") or {}
    have_pg = "skipped" not in pg and pg
    rows = []

    def trio(label, s, p, note=""):
        s, p = s or {}, p or {}
        rows.append((f"{label}: per second", f(s.get("rate_per_sec"), 0), f(p.get("rate_per_sec"), 0) if p else "—",
                     ratio(s.get("rate_per_sec"), p.get("rate_per_sec"), True) if p else "—", note))
        for key, name in (("p50_ms", "p50"), ("p99_ms", "p99")):
            rows.append((f"{label}: {name} ms", f(s.get(key), 2), f(p.get(key), 2) if p else "—",
                         ratio(s.get(key), p.get(key), False) if p else "—", ""))

    for c in CONNECTIONS:
        s = sb["ingest"][str(c)]
        note = f"non-2xx: SB {s['not_2xx']}" + (f", PG failed {pg['ingest'][str(c)]['failed']}" if have_pg else "")
        trio(f"ingest @{c} conn", s, pg["ingest"][str(c)] if have_pg else None, note)
    trio("list latest 25 @8", sb["list"]["latest"], pg["list"]["latest"] if have_pg else None)
    trio("list status=open @8", sb["list"]["open"], pg["list"]["open"] if have_pg else None)
    trio("search mix, newest @8", sb["search"]["newest"], pg["search"] if have_pg else None,
         "PG: ORDER BY created_at DESC LIMIT 25 over messages")
    def mem(label, sb_mb, rss, pss, note):
        cell = f"{f(pss)} PSS ({f(rss)} RSS sum)" if have_pg and pss else "—"
        rows.append((label, f(sb_mb), cell, ratio(sb_mb, pss, False) if have_pg else "—", note))
    mem("RSS idle, MB", sb["rss_idle_mb"], pg.get("rss_idle_mb"), pg.get("pss_idle_mb"),
        f"SB: {sb.get('idle_wait_secs', 5):.0f} s after the start and a sign-in; PG: postmaster and children; "
        "the ratio uses PSS (RSS counts shared buffers once per process)")
    mem("RSS peak under ingest, MB", sb["rss_ingest"]["peak_mb"], pg.get("rss_load_peak_mb"),
        pg.get("pss_load_peak_mb"), "sampled every 100 ms; PG's peak is at 64 clients")
    db = pg.get("database_bytes") if have_pg else None
    rows.append(("data on disk after the run, MB", f(sb["disk_bytes"] / 1e6 if sb.get("disk_bytes") else None),
                 f"{f(db / 1e6)} ({f(pg['disk_bytes'] / 1e6)} with WAL)" if db else "—",
                 ratio(sb.get("disk_bytes"), db, False) if db else "—",
                 "SB: du of the data folder; PG: pg_database_size (the ratio), and du of the cluster"
                 if have_pg else "du of the data folder"))
    # Switchboard only.
    h = sb["healthz"]
    rows.append(("GET /healthz @64: per second", f(h["rate_per_sec"], 0), "", "",
                 f"p50 {f(h['p50_ms'], 2)} ms, p99 {f(h['p99_ms'], 2)} ms, non-2xx {h['not_2xx']}"))
    rows.append(("ingest@64 / healthz@64", f(sb["ingest"]["64"]["rate_per_sec"] / h["rate_per_sec"], 3)
                 if h["rate_per_sec"] else "—", "", "", "share of the bare HTTP ceiling"))
    s = sb["search"]["relevance"]
    rows.append(("search mix, relevance @8: per second", f(s["rate_per_sec"], 0), "", "",
                 f"p50 {f(s['p50_ms'], 2)} ms, p99 {f(s['p99_ms'], 2)} ms"))
    rows.append(("search index catch-up after ingest, s", f(sb["index_catch_up_secs"], 2), "", "",
                 "marker message posted → found by search"))
    e = sb["sse"]
    rows.append((f"SSE delay, {e['subscribers']} streams: median ms", f(e["delay_from_answer_ms"].get("median"), 1),
                 "", "", f"from the POST's answer; from before sending: {f(e['delay_from_send_ms'].get('median'), 1)}"))
    rows.append(("SSE delay: p99 ms", f(e["delay_from_answer_ms"].get("p99"), 1), "", "",
                 f"from before sending: {f(e['delay_from_send_ms'].get('p99'), 1)}; "
                 f"{e['early_before_answer']} of {e['pairs']} arrived before the answer"))
    rows.append(("SSE streams with every message", f"{e['streams_with_every_message']}/{e['subscribers']}", "", "",
                 f"{e['messages']} messages, one every {e['pace_ms']} ms; missing pairs {e['missing']}"))
    rows.append(("RSS after ingest / at the end, MB", f"{f(sb['rss_after_ingest_mb'])} / {f(sb['rss_end_mb'])}",
                 "", "", "end: with the streams open"))
    rows.append(("start-to-ready, bench folder, s", f(sb["restart_ready_secs"], 3), "", "",
                 f"{sb['counts_at_list']['messages']:,} messages; RSS idle {f(sb['restart_rss_idle_mb'])} MB"))
    rows.append(("reindex, bench folder, s", f(sb["reindex_secs"], 2), "", "", ""))
    b = r.get("big") or {}
    if "skipped" in b:
        rows.append(("1M-message folder", "skipped", "", "", b["skipped"]))
    elif "error" in b:
        rows.append(("1M-message folder", "FAILED", "", "", "; ".join(b.get("import_output_tail", []))[:200]))
    else:
        n = b["generated"]["messages"]
        said = b.get("import_said") or {}
        rows.append((f"import {n:,} messages: per second", f(b["import_messages_per_sec"], 0), "", "",
                     f"{f(b['import_secs'], 1)} s; it says {said.get('messages', '?'):,} messages imported, "
                     f"{b['import_left_out_or_changed']} left out or changed"
                     if said else f"{f(b['import_secs'], 1)} s"))
        a = b["start_after_import"]
        rows.append(("start-to-ready after import, s", f(a["ready_secs"], 2), "", "",
                     f"searchable (last conversation) after {f(a['searchable_secs'], 1)} s"))
        rows.append(("start-to-ready after reindex, s", f(b["start_after_reindex"]["ready_secs"], 2), "", "", ""))
        rows.append(("RSS idle on the big folder, MB", f(b["start_after_reindex"]["rss_idle_mb"]), "", "", ""))
        big_ingest = b["start_after_reindex"].get("ingest64")
        if big_ingest:
            rows.append(("RSS peak ingesting @64 on the big folder, MB", f(big_ingest["rss"]["peak_mb"]), "", "",
                         f"{f(big_ingest['rate_per_sec'], 0)} msg/s, p99 {f(big_ingest['p99_ms'])} ms, "
                         f"with {n:,} messages stored"))
        rows.append(("bytes on disk, big folder, MB", f(b["disk_bytes"] / 1e6 if b.get("disk_bytes") else None),
                     "", "", f"search index {f((b.get('disk_bytes_search_index') or 0) / 1e6)} MB"))
        rows.append(("reindex, big folder, s", f(b["reindex_secs"], 1), "", "", ""))
    rows.append(("binary size, MB", f(r["binary_bytes"] / 1e6, 1), "", "", f"{r['binary_bytes']:,} bytes"))
    return rows


def print_table(rows):
    head = ("figure", "Switchboard", "PostgreSQL", "ratio", "note")
    widths = [max(len(str(x[i])) for x in rows + [head]) for i in range(4)]
    print()
    cells = (f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w) in enumerate(zip(head[:4], widths)))
    print("  ".join(cells) + "  note")
    for row in rows:
        print("  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(row[:4], widths)))
              + "  " + row[4])
    print()


def markdown(r, rows):
    m, sb, pg = r["machine"], r["switchboard"], r.get("postgres") or {}
    out = ["# Load benchmark: Switchboard and PostgreSQL side by side", ""]
    if r["quick"]:
        out += ["**QUICK run (short steps, small data): these figures only show that the script works.**", ""]
    out += [
        f"Made by `python3 bench/load/run.py` on {m['date']}, commit `{m['git_commit']}`"
        + (" (with local changes)" if m["git_dirty"] else "") + f", binary built {r['binary_mtime']}.", "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, Linux {m['kernel']}; load average "
        f"at start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in m['load_average_at_end'])}. The load generators ({m['wrk']}, pgbench) "
        "run on the same machine as the server.", "",
        f"Each step runs {r['settings']['step_secs']:g} s. Ratio: above 1 means Switchboard is better "
        "(Switchboard/PostgreSQL for rates; PostgreSQL/Switchboard for latencies, memory and bytes).", "",
        "| figure | Switchboard | PostgreSQL | ratio | note |", "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    out += ["", "## How to read it", "",
            "- **Switchboard** figures are over HTTP/1.1 on loopback: wrk → the server's HTTP stack, bearer-token "
            "auth, JSON parsing and validation against the spec, the domain logic, redb (one durable commit per "
            "message), JSON answers.",
            "- **PostgreSQL** figures are pgbench talking to PostgreSQL directly over TCP on loopback: no HTTP, no "
            "JSON, no auth, no application server (Rails, Django, Node …) and no job queue. They are the *lower "
            "bound* of what a rival's stack built on PostgreSQL costs; its real figures add all of those.",
            "- Ingest on both sides is one durable commit per customer message (PostgreSQL: synchronous_commit=on, "
            "fsync=on) doing the API channel's work: find or create the contact by external id, find its "
            "conversation that is not closed in the inbox or open one, insert the message, update the "
            "conversation's updated_at. Switchboard also appends to its event log and indexes for search.",
            "- PostgreSQL's data: the same numbers of contacts, conversations per status and messages as the demo "
            "desk before the ingest, then topped up to what Switchboard held at its list step "
            f"({sb['counts_at_list']['conversations']:,} conversations, {sb['counts_at_list']['messages']:,} "
            "messages), with generated texts from the same corpus instead of the demo's real texts"
            + (f"; it held {pg['counts_at_list']['conversations']:,} conversations and "
               f"{pg['counts_at_list']['messages']:,} messages at its list step." if pg.get("counts_at_list") else "."),
            "- Search: Switchboard ranks conversations (stemming in three languages, phrase and prefix support, "
            "highlighted fragments); PostgreSQL runs `content_tsv @@ plainto_tsquery('simple', …)` "
            "(`phraseto_tsquery` for the phrase) over messages ordered by created_at, limit 25, with a GIN index "
            "and no highlighting: less work than Switchboard's answer.",
            "- Memory: Switchboard is one process (VmRSS). PostgreSQL is the postmaster and its children; the sum of "
            "their VmRSS counts shared memory once per process that touched it, so PSS (proportional) is given too.",
            "- The SSE delay runs only on Switchboard: from the moment the POST's answer arrived to the moment a "
            "stream's bytes were read (recv() after epoll, in a Python process of its own; 0 when the event came "
            "first), so it includes the reader's own time to go round the sockets.",
            "", "Raw figures: `target/figures/load.json`.", ""]
    return "\n".join(out)
