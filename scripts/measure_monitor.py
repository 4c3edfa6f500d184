"""Figures of the supervisor's monitor (issue 18), measured in Debian's Chromium against a
fresh `--demo` server from the release binary (or SWITCHBOARD_BINARY):

- a desk of 200 agents and 2,000 open conversations, made through the API;
- the monitor's first load: time to its first rows and bytes on the wire (cold context);
- time from an agent's status change (the API call) to their row changing in the monitor,
  median and p99 over 100 changes half a second apart;
- the page's JavaScript heap while the desk stays busy (status changes and new
  conversations) for SOAK_SECS seconds (default 300), sampled each minute.

Run: `cargo build --release && target/ci/venv/bin/python scripts/measure_monitor.py`
(after `.ci/run` made the venv). Prints a table.
"""

import json
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
import conftest  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

conftest.BINARY = Path(os.environ.get("SWITCHBOARD_BINARY", conftest.ROOT / "target" / "release" / "switchboard"))
AGENTS, CONVERSATIONS, CHANGES = 200, 2000, 100
SOAK_SECS = int(os.environ.get("SOAK_SECS", "300"))
PASSWORD = "monitor-pass-1"


def build(server):
    """200 agents in one team serving one manual inbox; 2,000 conversations, 1,800 assigned."""
    pool = ThreadPoolExecutor(8)
    users = list(pool.map(lambda i: server.call("POST", "/api/v1/users", {
        "email": f"agent{i:03}@example.net", "name": f"Agent {i:03}", "role": "agent", "password": PASSWORD,
        "must_change_password": False, "capacity": 20}), range(AGENTS)))
    team = server.call("POST", "/api/v1/teams", {"name": "Floor", "members": [u["id"] for u in users]})
    inbox = server.call("POST", "/api/v1/inboxes", {"name": "Floor queue", "team_ids": [team["id"]]})
    body = lambda i: {"inbox_id": inbox["id"], "contact": {"name": f"Customer {i:04}", "phone": f"+39 333 {i:07}"},
                      "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "hello"}]}}
    convs = list(pool.map(lambda i: server.call("POST", "/api/v1/conversations", body(i)), range(CONVERSATIONS)))
    list(pool.map(lambda k: server.call("POST", f"/api/v1/conversations/{convs[k]['id']}/assign",
                                        {"user_id": users[k % AGENTS]["id"]}), range(1800)))
    return users, inbox


def main():
    server = conftest.Server()
    rows = []
    try:
        start = time.perf_counter()
        users, inbox = build(server)
        rows.append(("desk made through the API (200 agents, 2,000 conversations, 1,800 assigned)",
                     f"{time.perf_counter() - start:.1f} s", ""))
        sup = server.login("supervisor@example.com")
        agent_tokens = [server.login(f"agent{i:03}@example.net", PASSWORD) for i in range(5)]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=conftest.CHROMIUM_ARGS)
            # First load, cold context, conversations tab (500 rows of the 2,000).
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            ctx.add_init_script(f"localStorage.setItem('switchboard.token', {json.dumps(sup)})")
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            sizes = {}
            cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
            t0 = time.perf_counter()
            page.goto(server.url + "/monitor/")
            page.locator("tbody tr").first.wait_for()
            first = (time.perf_counter() - t0) * 1000
            page.wait_for_timeout(1000)
            rows.append(("monitor first load to its first rows (conversations tab)", f"{first:.0f} ms",
                         f"{page.locator('tbody tr').count()} rows drawn"))
            rows.append(("  bytes on the wire (page files and API, gzip)", f"{sum(sizes.values()) / 1024:.0f} KB",
                         f"{len(sizes)} requests"))
            # Status changes seen live on the agents tab.
            page.goto(server.url + "/monitor/?tab=agents")
            page.locator("tbody tr").first.wait_for()
            delays = []
            for k in range(CHANGES):
                time.sleep(0.5)  # changes half a second apart, as agents make them (not counted)
                i = k % len(agent_tokens)
                status = "away" if (k // len(agent_tokens)) % 2 == 0 else "available"
                word = "Away" if status == "away" else "Available"
                t0 = time.perf_counter()
                server.call("PUT", "/api/v1/me/status", {"status": status}, token=agent_tokens[i])
                page.wait_for_function(
                    """([name, word]) => [...document.querySelectorAll('tbody tr')]
                         .some((r) => r.textContent.includes(name) && r.children[1].textContent.includes(word))""",
                    arg=[f"Agent {i:03}", word], polling=5)
                delays.append((time.perf_counter() - t0) * 1000)
            delays.sort()
            rows.append(("status change → row changed, median of 100", f"{statistics.median(delays):.0f} ms",
                         f"p99 {delays[int(len(delays) * 0.99) - 1]:.0f} ms, max {delays[-1]:.0f} ms"))
            # A busy desk for SOAK_SECS: a status change and a new conversation every second.
            page.goto(server.url + "/monitor/")
            page.locator("tbody tr").first.wait_for()
            heap = lambda: cdp.send("Runtime.getHeapUsage")["usedSize"] / 1024 / 1024
            cdp.send("HeapProfiler.collectGarbage")
            samples = [heap()]
            end = time.time() + SOAK_SECS
            n = 0
            next_sample = time.time() + 60
            while time.time() < end:
                server.call("PUT", "/api/v1/me/status", {"status": "away" if n % 2 else "available"},
                            token=agent_tokens[n % len(agent_tokens)])
                server.call("POST", "/api/v1/conversations", {
                    "inbox_id": inbox["id"], "contact": {"name": f"Soak {n}"},
                    "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "hi"}]}})
                n += 1
                time.sleep(1)
                if time.time() >= next_sample:
                    cdp.send("HeapProfiler.collectGarbage")
                    samples.append(heap())
                    next_sample += 60
            cdp.send("HeapProfiler.collectGarbage")
            samples.append(heap())
            rows.append((f"page heap over {SOAK_SECS // 60} busy minutes ({n} changes and {n} new conversations)",
                         f"{samples[-1]:.1f} MB", "per minute: " + ", ".join(f"{x:.1f}" for x in samples)))
            browser.close()
    finally:
        server.stop()
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")


if __name__ == "__main__":
    main()
