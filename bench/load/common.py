"""Settings, corpus and small helpers shared by the load benchmark's modules (run.py, server.py,
wrkload.py, sse.py, bigfolder.py, report.py; pg.py takes its settings and texts from here when it
runs alone).

- The environment knobs (QUICK, STEP_SECS, CONTACTS, SSE_SUBSCRIBERS, SSE_MESSAGES, SSE_PACE_MS,
  BIG_MESSAGES, BIG, PG, SEARCHABLE_TIMEOUT_SECS, IDLE_WAIT_SECS), read once at import, and the paths
  (target/figures, bench/load/REPORT.md, wrk).
- The corpus: about 300 words of a helpdesk's English, the first ones more frequent (index
  floor(n * r^2)), each word replaced by one of 12 rare words with probability 1/3000; "tracking
  number" is one entry so it occurs as a phrase. SEARCH_QUERIES: the search mix, with the
  PostgreSQL tsquery function and argument of each query.
- Helpers: wait_until (poll a check with a timeout), percentile (nearest rank), summary,
  du_bytes (bytes on disk), raise_fd_limit.
"""

import math
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))


def env_num(name, default, kind=int):
    value = os.environ.get(name)
    return kind(value) if value not in (None, "") else default


QUICK = os.environ.get("QUICK", "") not in ("", "0")
STEP_SECS = env_num("STEP_SECS", 2.0 if QUICK else 10.0, float)
CONNECTIONS = (1, 8, 64)
# How long the fresh demo server rests before its idle memory is read: the search index's writer
# closes 30 s after the last change (src/jobs/indexer.rs, WRITER_IDLE).
IDLE_WAIT_SECS = env_num("IDLE_WAIT_SECS", 35, float)
CONTACTS = env_num("CONTACTS", 2000)
SSE_SUBSCRIBERS = env_num("SSE_SUBSCRIBERS", 200 if QUICK else 1000)
SSE_MESSAGES = env_num("SSE_MESSAGES", 10 if QUICK else 50)
SSE_PACE_MS = env_num("SSE_PACE_MS", 20)
BIG_MESSAGES = env_num("BIG_MESSAGES", 20_000 if QUICK else 1_000_000)
BIG = os.environ.get("BIG", "1") != "0"
PG = os.environ.get("PG", "1") != "0"
SEARCHABLE_TIMEOUT_SECS = env_num("SEARCHABLE_TIMEOUT_SECS", 600.0, float)
FIGURES = ROOT / "target" / "figures"
REPORT = HERE / "REPORT.md"
WRK = shutil.which("wrk") or "/usr/bin/wrk"


# --- the corpus ---------------------------------------------------------------------------------

VOCAB = """
the to and a i my you is it for of on in your we order this please have not with can
was be that at me but are hello thanks thank hi from there an as just will what do if
when so still no get been need would any about our or has help by how could all up
refund delivery package invoice account payment password address shipping item card
received email number tracking number return price store app login error website support
customer service week today yesterday days time problem issue question update information
order status phone product size colour color exchange cancel cancelled subscription plan
charge charged twice bank transfer receipt discount code voucher coupon warranty repair
broken damaged package damaged missing wrong late delayed arrived box courier driver parcel
label reset change changed new old email address billing invoice copy pdf download link
sent send resend confirm confirmation booking reservation ticket seat flight hotel room
check available stock back online shop cart checkout basket price match offer sale black
friday weekend morning afternoon evening monday tuesday wednesday thursday friday saturday
sunday urgent asap quickly soon waiting hours minutes manager supervisor agent chat call
callback contact reply answer message write wrote tried trying again still nothing happened
works working does doesnt cant wont unable able login locked blocked verify verification
sms otp device laptop mobile android iphone browser update version install uninstall
settings notification notifications language english spanish italian address street city
postcode country europe spain italy uk france germany customs tax vat fee fees extra cost
shipping cost free express standard pickup point locker collect collected neighbour door
signature photo picture attached attachment screenshot file document form fill filled
name surname birthday gift wrap note message card balance credit debit paypal klarna
instalment instalments monthly yearly annual renew renewal expire expired expires trial
upgrade downgrade premium basic business team members invite user users permissions admin
report bug crash slow fast loading page blank screen button click clicked open opened
closed close account delete deleted data privacy gdpr request copy personal details
correct incorrect typo mistake sorry apologies understand frustrating disappointed happy
great perfect fine okay ok sure yes maybe later tomorrow next last first second third
""".split()
# Make "tracking number" one entry (a phrase), keeping its single words too.
VOCAB.insert(VOCAB.index("tracking"), "tracking number")
RARE_WORDS = ["zeppelin", "quixotic", "marmalade", "obsidian", "kaleidoscope", "fjord",
              "xylophone", "saffron", "labyrinth", "gondola", "tundra", "vermilion"]
RARE_EVERY = 3000
SEARCH_QUERIES = [
    # (label, Switchboard q, PostgreSQL tsquery function, its argument)
    ("one word", "refund", "plainto_tsquery", "refund"),
    ("two words", "package damaged", "plainto_tsquery", "package damaged"),
    ("rare word", "zeppelin", "plainto_tsquery", "zeppelin"),
    ("phrase", '"tracking number"', "phraseto_tsquery", "tracking number"),
]


def make_text(rng, low=10, high=40):
    """10-40 words from VOCAB, skewed to its first entries, with rare words now and then."""
    n, nv = rng.randint(low, high), len(VOCAB)
    words = []
    for _ in range(n):
        if rng.randrange(RARE_EVERY) == 0:
            words.append(RARE_WORDS[rng.randrange(len(RARE_WORDS))])
        else:
            r = rng.random()
            words.append(VOCAB[int(nv * r * r)])
    return " ".join(words)


def make_texts(count, seed=20):
    rng = random.Random(seed)
    return [make_text(rng) for _ in range(count)]


# --- small helpers ------------------------------------------------------------------------------

def wait_until(check, timeout, what, every=0.05):
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
    k = max(1, math.ceil(len(sorted_values) * p / 100))
    return sorted_values[k - 1]


def summary(values):
    v = sorted(values)
    if not v:
        return {"n": 0}
    return {"n": len(v), "median": statistics.median(v), "p90": percentile(v, 90), "p99": percentile(v, 99),
            "max": v[-1], "min": v[0], "mean": statistics.fmean(v)}


def du_bytes(path):
    """Bytes on disk (du -s --block-size=1), so sparse files count what they use."""
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True)
    try:
        return int(out.stdout.split()[0])
    except (IndexError, ValueError):
        return None


def raise_fd_limit(want=16384):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
