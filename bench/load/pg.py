"""PostgreSQL side of the load benchmark (issue 20): the same work as bench/load/run.py asks of
Switchboard, done by a private PostgreSQL 15 driven by pgbench. Imported by run.py; also runs
alone (`python3 bench/load/pg.py`, a demo-sized data set, writes target/figures/load_pg.json).

What it does:

- Starts PostgreSQL in a temporary folder under /tmp: `initdb -U bench --auth=trust`, then
  `pg_ctl start` with `-p PORT -k DIR -c listen_addresses=127.0.0.1 -c synchronous_commit=on
  -c fsync=on -c shared_buffers=128MB` (port in 18900-18999). As root, initdb refuses to run, so
  the server commands run as `nobody` (runuser, else setpriv) in a folder owned by it; the
  clients (psql, pgbench) connect over TCP to 127.0.0.1, as HTTP clients do.
  `pg_ctl stop -m fast` at the end, whatever happens (then SIGKILL of the postmaster it started).
- A schema like the rivals ship (Chatwoot-like, reduced to the columns the work touches):
  inboxes, contacts (unique `identifier`, the external id), conversations (inbox_id,
  contact_id, status, assignee_id, priority, timestamps; b-tree indexes on (updated_at, id),
  (status, updated_at, id) for the list views and (contact_id, inbox_id) for the channel's
  lookup), messages (conversation_id, content, message_type, sender, timestamps, a generated
  `content_tsv tsvector` = to_tsvector('simple', content) with a GIN index, b-trees on
  (conversation_id, id) and created_at). No foreign keys (Rails apps mostly declare none), which
  only makes PostgreSQL's work lighter.
- Loads the demo desk's numbers (contacts, conversations per status, messages; texts from the
  benchmark's corpus through a `bench_texts` table of 10,000 texts), VACUUM ANALYZE.
- Ingest, one message per transaction (synchronous_commit=on), the API channel's work, as a
  pgbench script (`-M prepared`, `\\set` random contact and text):
  insert the contact by identifier ON CONFLICT DO NOTHING; select it FOR UPDATE (so one
  contact's messages are serialised, as Switchboard does); find its conversation in the inbox
  that is not closed, or insert one (queued, as Switchboard opens them); insert the message;
  update the conversation's updated_at and last_activity_at; commit. At 1, 8 and 64 clients
  (threads = min(clients, 2)), STEP_SECS each; the sum of VmRSS (and PSS) of the postmaster and
  its children is sampled every 100 ms during the 64-client step. p50/p99 come from pgbench's
  per-transaction logs (`-l`), the rate from its tps (without connection time).
- Tops the data up to what Switchboard held at its list step (contacts, conversations per
  status, messages), VACUUM ANALYZE, then at 8 clients: the latest 25 conversations (join the
  contact and, through a LATERAL, the last message) ordered by updated_at, the same with
  status = 'open', and the search mix: `content_tsv @@ plainto_tsquery('simple', q)`
  (phraseto_tsquery for the phrase) ORDER BY created_at DESC LIMIT 25, one pgbench script per
  query chosen at random with equal weights.
- Bytes on disk: du of the data folder (WAL included) and pg_database_size() (without
  bench_texts, dropped first).

pgbench talks to PostgreSQL directly (no HTTP, no JSON, no auth, no app server): the figures are
the lower bound of what a stack built on PostgreSQL costs.
"""

import glob
import os
import pwd
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PGBIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PSQL = shutil.which("psql") or str(PGBIN / "psql")
PGBENCH = str(PGBIN / "pgbench") if (PGBIN / "pgbench").exists() else (shutil.which("pgbench") or "pgbench")
API_INBOX = 3
STATUSES = ("queued", "offered", "open", "pending", "closed")

SCHEMA = """
CREATE TABLE inboxes (
  id bigserial PRIMARY KEY, name text NOT NULL, channel_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE contacts (
  id bigserial PRIMARY KEY, name text, email text, phone_number text, identifier text,
  additional_attributes jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL);
CREATE UNIQUE INDEX contacts_identifier ON contacts (identifier);
CREATE UNIQUE INDEX contacts_email ON contacts (email);
CREATE TABLE conversations (
  id bigserial PRIMARY KEY, inbox_id bigint NOT NULL, contact_id bigint NOT NULL,
  status text NOT NULL, assignee_id bigint, team_id bigint, priority int NOT NULL DEFAULT 0,
  additional_attributes jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL, last_activity_at timestamptz, waiting_since timestamptz);
CREATE INDEX conversations_updated ON conversations (updated_at DESC, id DESC);
CREATE INDEX conversations_status_updated ON conversations (status, updated_at DESC, id DESC);
CREATE INDEX conversations_contact_inbox ON conversations (contact_id, inbox_id);
CREATE TABLE messages (
  id bigserial PRIMARY KEY, conversation_id bigint NOT NULL, inbox_id bigint NOT NULL,
  content text, message_type int NOT NULL, sender_type text, sender_id bigint,
  content_attributes jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(content, ''))) STORED);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_created ON messages (created_at DESC);
CREATE INDEX messages_content_tsv ON messages USING gin (content_tsv);
CREATE TABLE bench_texts (id int PRIMARY KEY, body text NOT NULL);
INSERT INTO inboxes (id, name, channel_type) VALUES
  (1, 'Web chat', 'web_widget'), (2, 'Chat Italia', 'web_widget'), (3, 'WhatsApp España', 'api');
"""

INGEST = r"""
\set c random(0, {last_contact})
\set t random(1, {ntexts})
BEGIN;
INSERT INTO contacts (name, identifier, created_at, updated_at) VALUES ('Customer ' || :c::text, 'bench-' || :c::text, now(), now()) ON CONFLICT (identifier) DO NOTHING;
SELECT id AS cid FROM contacts WHERE identifier = 'bench-' || :c::text FOR UPDATE \gset
SELECT coalesce(max(id), 0) AS conv FROM conversations WHERE contact_id = :cid AND inbox_id = {inbox} AND status <> 'closed' \gset
\if :conv = 0
INSERT INTO conversations (inbox_id, contact_id, status, priority, created_at, updated_at, last_activity_at, waiting_since) VALUES ({inbox}, :cid, 'queued', 0, now(), now(), now(), now()) RETURNING id AS conv \gset
\endif
INSERT INTO messages (conversation_id, inbox_id, content, message_type, sender_type, sender_id, created_at, updated_at) SELECT :conv, {inbox}, body, 0, 'Contact', :cid, now(), now() FROM bench_texts WHERE id = :t;
UPDATE conversations SET updated_at = now(), last_activity_at = now() WHERE id = :conv;
COMMIT;
"""

LIST = """
SELECT c.id, c.status, c.assignee_id, c.priority, c.created_at, c.updated_at, ct.name, ct.email, ct.phone_number,
       lm.content, lm.created_at
FROM conversations c
JOIN contacts ct ON ct.id = c.contact_id
LEFT JOIN LATERAL (SELECT m.content, m.created_at FROM messages m WHERE m.conversation_id = c.id
                   ORDER BY m.id DESC LIMIT 1) lm ON true
{where}ORDER BY c.updated_at DESC, c.id DESC LIMIT 25;
"""

SEARCH = """
SELECT m.id, m.conversation_id, m.created_at, m.content FROM messages m
WHERE m.content_tsv @@ {fn}('simple', '{arg}') ORDER BY m.created_at DESC LIMIT 25;
"""


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(k) - 1]


def du_bytes(path):
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True)
    try:
        return int(out.stdout.split()[0])
    except (IndexError, ValueError):
        return None


def free_port():
    import socket
    for port in range(18999, 18899, -1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18900-18999")


class Postgres:
    """A private PostgreSQL in a temporary folder. `stop()` is safe to call at any point."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="sb-load-pg-"))
        self.data = self.dir / "pg"
        self.port = free_port()
        self.started = False
        self.as_user = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("nobody")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            if shutil.which("runuser"):
                self.as_user = ["runuser", "-u", "nobody", "--"]
            else:
                self.as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]

    def _run(self, args, **kw):
        out = subprocess.run(self.as_user + [str(a) for a in args], capture_output=True, text=True,
                             cwd=self.dir, **kw)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, args[:2]))} failed ({out.returncode}): {out.stderr[-2000:]}")
        return out.stdout

    def start(self):
        self._run([PGBIN / "initdb", "-D", self.data, "-U", "bench", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8"])
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c synchronous_commit=on "
                f"-c fsync=on -c shared_buffers=128MB")
        self.started = True
        t0 = time.monotonic()
        self._run([PGBIN / "pg_ctl", "-D", self.data, "-l", self.dir / "pg.log", "-o", opts, "-w", "-t", "120",
                   "start"])
        self.start_secs = time.monotonic() - t0
        self.psql("CREATE DATABASE bench", db="postgres")
        return self

    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self):
        if self.started:
            pid = self.postmaster_pid()
            try:
                self._run([PGBIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"])
            except (RuntimeError, OSError):
                if pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, db="bench", stdin=None):
        out = subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                              str(self.port), "-U", "bench", "-d", db, "-c", sql],
                             input=stdin, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr[-2000:]}\n{sql[:500]}")
        return out.stdout.strip()

    def psql_file(self, sql, db="bench"):
        out = subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                              str(self.port), "-U", "bench", "-d", db, "-f", "-"],
                             input=sql, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr[-2000:]}")
        return out.stdout.strip()

    def memory(self):
        """(sum of VmRSS, sum of Pss) in kB over the postmaster and its children."""
        root = self.postmaster_pid()
        if not root:
            return None, None
        pids = [root]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == root:
                    pids.append(int(stat.split("/")[2]))
            except (OSError, IndexError, ValueError):
                continue
        rss = pss = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue
        return rss, pss

    def counts(self):
        row = self.psql("SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM conversations), "
                        "(SELECT count(*) FROM messages)")
        contacts, conversations, messages = (int(x) for x in row.split("|"))
        by_status = dict(line.split("|") for line in
                         self.psql("SELECT status, count(*) FROM conversations GROUP BY 1").splitlines() if line)
        return {"contacts": contacts, "conversations": conversations, "messages": messages,
                "by_status": {k: int(v) for k, v in by_status.items()}}

    def ensure_counts(self, contacts, by_status, messages, ntexts):
        """Adds contacts, conversations (per status) and messages up to these numbers (never
        removes any), with texts from bench_texts; then VACUUM ANALYZE."""
        values = ", ".join(f"('{s}', {int(n)})" for s, n in by_status.items() if s in STATUSES) or "('closed', 0)"
        self.psql_file(f"""
INSERT INTO contacts (name, email, identifier, created_at, updated_at)
SELECT 'Contact ' || g, 'contact-' || g || '@example.com', 'seed-' || g, now() - interval '60 days',
       now() - interval '60 days'
FROM generate_series((SELECT count(*) FROM contacts) + 1, {int(contacts)}) g;

INSERT INTO conversations (inbox_id, contact_id, status, assignee_id, priority, created_at, updated_at,
                           last_activity_at, waiting_since)
SELECT inbox_id, contact_id, status, assignee, 0, t, t + interval '20 minutes', t + interval '20 minutes',
       CASE WHEN status IN ('queued', 'offered') THEN t END
FROM (SELECT 1 + floor(random() * 3)::int AS inbox_id,
             c.ids[1 + floor(random() * cardinality(c.ids))::int] AS contact_id, s.status,
             CASE WHEN s.status IN ('open', 'pending', 'closed') THEN 1 + floor(random() * 5)::int END AS assignee,
             now() - random() * interval '60 days' AS t
      FROM (SELECT array_agg(id) AS ids FROM contacts) c,
           (VALUES {values}) s(status, n),
           LATERAL generate_series(1, s.n - (SELECT count(*) FROM conversations WHERE status = s.status)) g) x;

INSERT INTO messages (conversation_id, inbox_id, content, message_type, sender_type, sender_id, created_at,
                      updated_at)
SELECT cv.id, cv.inbox_id, t.body, g % 2, CASE WHEN g % 2 = 0 THEN 'Contact' ELSE 'User' END,
       CASE WHEN g % 2 = 0 THEN cv.contact_id ELSE 1 END, cv.created_at + (g % 20) * interval '1 minute',
       cv.created_at + (g % 20) * interval '1 minute'
FROM (SELECT array_agg(id ORDER BY id) AS ids FROM conversations) a
CROSS JOIN generate_series(1, {int(messages)} - (SELECT count(*) FROM messages)) g
JOIN conversations cv ON cv.id = a.ids[1 + g % cardinality(a.ids)]
JOIN bench_texts t ON t.id = 1 + (g * 7919) % {int(ntexts)};
""")
        self.psql("VACUUM ANALYZE")

    def pgbench(self, workdir, name, scripts, clients, secs, sampler=None):
        """Runs pgbench with these scripts (equal weights); returns rate and latency figures."""
        files = []
        for i, text in enumerate(scripts):
            p = Path(workdir) / f"{name}-{i}.sql"
            p.write_text(text)
            files += ["-f", str(p)]
        prefix = Path(workdir) / f"log-{name}"
        for old in glob.glob(f"{prefix}.*"):
            os.remove(old)
        cmd = [PGBENCH, "-h", "127.0.0.1", "-p", str(self.port), "-U", "bench", "-n", "-M", "prepared",
               "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(max(1, round(secs))),
               "-l", f"--log-prefix={prefix}", *files, "bench"]
        if sampler:
            sampler.start()
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir, timeout=secs + 180)
        finally:
            peaks = sampler.stop() if sampler else None
        if out.returncode != 0:
            raise RuntimeError(f"pgbench {name} failed ({out.returncode}): {out.stderr[-2000:]}")
        text = out.stdout + out.stderr

        def grab(pattern, cast=float):
            m = re.search(pattern, text)
            return cast(m.group(1)) if m else None
        lat, failed_lines = [], 0
        for path in glob.glob(f"{prefix}.*"):
            with open(path) as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) < 3:
                        continue
                    try:
                        lat.append(int(parts[2]) / 1000)
                    except ValueError:
                        failed_lines += 1
        lat.sort()
        processed = grab(r"number of transactions actually processed: (\d+)", int)
        return {
            "clients": clients, "threads": min(clients, 2), "seconds": secs,
            "transactions": processed, "failed": (grab(r"number of failed transactions: (\d+)", int) or 0),
            "rate_per_sec": grab(r"tps = ([\d.]+) \(without initial connection time\)"),
            "latency_average_ms": grab(r"latency average = ([\d.]+) ms"),
            "p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90), "p99_ms": percentile(lat, 99),
            "max_ms": lat[-1] if lat else None, "logged": len(lat), "log_failed": failed_lines,
            "memory": peaks,
        }


class MemorySampler(threading.Thread):
    def __init__(self, pg, every=0.1):
        super().__init__(daemon=True)
        self.pg, self.every, self.rss, self.pss = pg, every, [], []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            rss, pss = self.pg.memory()
            if rss:
                self.rss.append(rss)
                self.pss.append(pss)
            self.stopping.wait(self.every)  # the sampling period

    def stop(self):
        self.stopping.set()
        self.join(timeout=5)
        return {"rss_peak_mb": max(self.rss) / 1024 if self.rss else None,
                "pss_peak_mb": max(self.pss) / 1024 if self.pss else None,
                "rss_median_mb": statistics.median(self.rss) / 1024 if self.rss else None,
                "samples": len(self.rss)}


def run_side(tmp, log, step_secs, connections, contacts, base, target, texts, search_queries):
    """The whole PostgreSQL side; `base` and `target` are Switchboard's counts before the ingest
    and at its list step ({contacts, conversations, by_status, messages}); target may be None."""
    r = {"settings": {"step_secs": step_secs, "clients": list(connections), "contacts": contacts,
                      "shared_buffers": "128MB", "synchronous_commit": "on", "fsync": "on"}}
    workdir = Path(tmp) / "pgbench"
    workdir.mkdir(exist_ok=True)
    pg = Postgres()
    try:
        pg.start()
        r["version"] = pg.psql("SHOW server_version")
        r["start_secs"] = pg.start_secs
        pg.psql_file(SCHEMA)
        t0 = time.monotonic()
        data = "".join(f"{i}\t{t}\n" for i, t in enumerate(texts, 1))
        pg.psql("COPY bench_texts (id, body) FROM STDIN", stdin=data)
        pg.ensure_counts(base["contacts"], base["by_status"], base["messages"], len(texts))
        r["load_secs"] = time.monotonic() - t0
        r["counts_before_ingest"] = pg.counts()
        time.sleep(1)
        rss, pss = pg.memory()
        r["rss_idle_mb"], r["pss_idle_mb"] = rss / 1024, pss / 1024
        log(f"  PostgreSQL {r['version']} on port {pg.port}: {r['counts_before_ingest']['conversations']} "
            f"conversations, {r['counts_before_ingest']['messages']} messages; idle RSS {r['rss_idle_mb']:.1f} MB "
            f"(PSS {r['pss_idle_mb']:.1f})")

        ingest = INGEST.format(last_contact=contacts - 1, ntexts=len(texts), inbox=API_INBOX)
        r["ingest"] = {}
        for c in connections:
            sampler = MemorySampler(pg)
            res = pg.pgbench(workdir, f"ingest{c}", [ingest], c, step_secs, sampler=sampler)
            r["ingest"][str(c)] = res
            log(f"  ingest @{c}: {res['rate_per_sec']:,.0f} tx/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms, failed {res['failed']}")
        peaks = [v["memory"] for v in r["ingest"].values() if v.get("memory")]
        r["rss_load_peak_mb"] = max((p["rss_peak_mb"] or 0) for p in peaks) if peaks else None
        r["pss_load_peak_mb"] = max((p["pss_peak_mb"] or 0) for p in peaks) if peaks else None
        r["counts_after_ingest"] = pg.counts()

        if target:
            by_status = dict(target["by_status"])
            pg.ensure_counts(target["contacts"], by_status, target["messages"], len(texts))
        else:
            pg.psql("VACUUM ANALYZE")
        r["counts_at_list"] = pg.counts()
        r["list"] = {}
        for name, where in (("latest", ""), ("open", "WHERE c.status = 'open'\n")):
            res = pg.pgbench(workdir, f"list_{name}", [LIST.format(where=where)], 8, step_secs)
            r["list"][name] = res
            log(f"  list {name} @8: {res['rate_per_sec']:,.0f} q/s, p50 {res['p50_ms']:.2f} ms, "
                f"p99 {res['p99_ms']:.2f} ms")
        queries = [SEARCH.format(fn=fn, arg=arg.replace("'", "''")) for _, _, fn, arg in search_queries]
        r["search_hits"] = {label: int(pg.psql(f"SELECT count(*) FROM messages WHERE content_tsv @@ "
                                               f"{fn}('simple', '{arg}')"))
                            for label, _, fn, arg in search_queries}
        r["search"] = pg.pgbench(workdir, "search", queries, 8, step_secs)
        res = r["search"]
        log(f"  search mix @8: {res['rate_per_sec']:,.0f} q/s, p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms")

        pg.psql("DROP TABLE bench_texts")
        pg.psql("CHECKPOINT")
        r["database_bytes"] = int(pg.psql("SELECT pg_database_size('bench')"))
        r["disk_bytes"] = du_bytes(pg.data)
        r["table_bytes"] = dict(line.split("|") for line in pg.psql(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
            "('contacts', 'conversations', 'messages')").splitlines())
    finally:
        pg.stop()
    return r


def main():
    """Alone: a demo-sized data set (the demo desk's 200 contacts, 500 conversations, 2,867
    messages), the same steps, a short table; target/figures/load_pg.json."""
    import json
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import CONNECTIONS, CONTACTS, FIGURES, SEARCH_QUERIES, STEP_SECS, make_texts

    base = {"contacts": 200, "conversations": 500, "messages": 2867,
            "by_status": {"queued": 76, "open": 50, "pending": 50, "closed": 324}}
    started = time.monotonic()

    def log(msg):
        print(f"[{time.monotonic() - started:6.1f}s] {msg}", flush=True)

    tmp = tempfile.mkdtemp(prefix="sb-load-pgonly-")
    try:
        r = run_side(tmp, log, STEP_SECS, CONNECTIONS, CONTACTS, base, None, make_texts(10_000), SEARCH_QUERIES)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / "load_pg.json").write_text(json.dumps(r, indent=2) + "\n")
    print(f"{'step':<22}{'per second':>12}{'p50 ms':>10}{'p99 ms':>10}")
    for name, res in [*((f"ingest @{c}", r["ingest"][str(c)]) for c in CONNECTIONS),
                      ("list latest @8", r["list"]["latest"]), ("list open @8", r["list"]["open"]),
                      ("search mix @8", r["search"])]:
        print(f"{name:<22}{res['rate_per_sec']:>12,.0f}{res['p50_ms']:>10.2f}{res['p99_ms']:>10.2f}")
    print(f"RSS idle {r['rss_idle_mb']:.1f} MB (PSS {r['pss_idle_mb']:.1f}); peak under ingest "
          f"{r['rss_load_peak_mb']:.1f} MB (PSS {r['pss_load_peak_mb']:.1f}); on disk {r['disk_bytes'] / 1e6:.1f} MB")
    print(f"wrote {FIGURES / 'load_pg.json'}")


if __name__ == "__main__":
    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; PostgreSQL was stopped", file=sys.stderr)
        sys.exit(130)
