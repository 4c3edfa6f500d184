"""Figures of the agent page (issue 17), measured in Debian's Chromium against a fresh
`--demo` server from the release binary (or SWITCHBOARD_BINARY):

- bytes transferred for a cold load of /agent/ (compressed, from the network log), and the
  number of requests;
- time from navigation to a usable desk (the conversation list shown), signed in;
- API requests made when opening a conversation;
- the list with 500 conversations loaded, and opening a 2,000-entry conversation.

Run: `cargo build --release && target/ci/venv/bin/python scripts/measure_pages.py`
(after `.ci/run` made the venv, or `pip install -r tests/browser/requirements.txt`).
Prints a table; medians of 5 runs where it says so.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
import conftest  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

binary = Path(os.environ.get("SWITCHBOARD_BINARY", conftest.ROOT / "target" / "release" / "switchboard"))
conftest.BINARY = binary


def main():
    server = conftest.Server()
    try:
        token = server.login("ana@example.com")
        # A conversation of 2,000 entries for Ana.
        c = conftest.handoff(server, next(i["id"] for i in server.call("GET", "/api/v1/inboxes")["items"]
                                        if i["name"] == "Chat Italia"), "Lunga Conversazione", "inizio")
        server.call("POST", f"/api/v1/conversations/{c['id']}/assign", {}, token=token)
        for i in range(2000 - 3):
            server.call("POST", f"/api/v1/conversations/{c['id']}/messages",
                        {"kind": "note", "text": f"nota numero {i}: tutto procede come previsto"}, token=token)
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=conftest.CHROMIUM_ARGS)
            loads, readies, opens = [], [], []
            for _ in range(5):
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.add_init_script(f"localStorage.setItem('switchboard.token', {json.dumps(token)})")
                page = ctx.new_page()
                cdp = ctx.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                sizes, urls = {}, {}
                cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
                cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
                page.goto(server.url + "/agent/")
                # Measured in the page: from the start of navigation to the mark the list sets
                # once its first rows are on screen (an effect, which runs after they are painted).
                ready = page.wait_for_function(
                    "() => performance.getEntriesByName('switchboard:list-shown')[0]?.startTime")
                readies.append(ready.json_value())
                # The event stream never ends, so "network idle" never comes: let stragglers land.
                page.wait_for_timeout(1500)
                static = {k: v for k, v in sizes.items() if "/api/" not in urls.get(k, "")}
                loads.append((sum(static.values()), len(static), sum(sizes.values()) - sum(static.values()), len(sizes) - len(static)))
                # Opening a conversation: the API requests it makes.
                api = []
                page.on("request", lambda r: "/api/v1/" in r.url and api.append(r.url))
                page.get_by_role("listbox").get_by_role("option").nth(1).click()
                page.get_by_label("Reply to the customer").wait_for()
                page.wait_for_timeout(1000)
                opens.append(len([u for u in api if "/events" not in u]))
                if os.environ.get("SHOW_REQUESTS"):
                    print("opening:", [u.split("/api/v1/")[1] for u in api])
                ctx.close()
            rows.append(("cold load of /agent/: page files on the wire (gzip)", f"{statistics.median(x[0] for x in loads) / 1024:.1f} KB",
                         f"{loads[0][1]} files"))
            rows.append(("  and the API answers the desk loads", f"{statistics.median(x[2] for x in loads) / 1024:.1f} KB",
                         f"{loads[0][3]} requests"))
            rows.append(("navigation to a usable desk (list shown), median of 5", f"{statistics.median(readies):.0f} ms",
                         "with the network log on and the cache disabled"))
            # The same in a fresh context (an empty cache) without the browser's tools attached,
            # which slow every request: what an agent opening the page meets.
            plain = []
            for _ in range(9):
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                ctx.add_init_script(f"localStorage.setItem('switchboard.token', {json.dumps(token)})")
                page = ctx.new_page()
                page.goto(server.url + "/agent/")
                plain.append(page.wait_for_function(
                    "() => performance.getEntriesByName('switchboard:list-shown')[0]?.startTime").json_value())
                ctx.close()
            rows.append(("  the same, fresh context, no tools attached, median of 9", f"{statistics.median(plain):.0f} ms",
                         f"min {min(plain):.0f}, max {max(plain):.0f}"))
            rows.append(("API requests when opening a conversation from the list", str(max(opens)),
                         "timeline + contact card, + the read mark when it had unread messages"))
            # The list with 500 conversations; the 2,000-entry conversation.
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.add_init_script(f"localStorage.setItem('switchboard.token', {json.dumps(server.login('supervisor@example.com'))})")
            page = ctx.new_page()
            page.goto(server.url + "/agent/")
            page.get_by_role("button", name="All").click()
            rows_ = page.locator(".conv-list > li")
            rows_.first.wait_for()
            start = time.perf_counter()
            while rows_.count() < 500 and time.perf_counter() - start < 60:
                page.locator(".more").scroll_into_view_if_needed()
                page.wait_for_timeout(20)
            rows.append(("All (a supervisor), scrolled to 500 conversations (10 pages)",
                         f"{(time.perf_counter() - start) * 1000:.0f} ms", f"{rows_.count()} rows"))
            ctx.close()
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.add_init_script(f"localStorage.setItem('switchboard.token', {json.dumps(token)})")
            page = ctx.new_page()
            page.goto(server.url + "/agent/")
            page.get_by_role("button", name=__import__("re").compile("^Mine")).click()
            start = time.perf_counter()
            page.get_by_role("option", name=__import__("re").compile("Lunga Conversazione")).click()
            timeline = page.get_by_role("list", name="Messages")
            timeline.get_by_text("nota numero 1996:").wait_for()
            rows.append(("opening a 2,000-entry conversation (its latest 100 entries)",
                         f"{(time.perf_counter() - start) * 1000:.0f} ms", f"{page.locator('.timeline > li').count()} items rendered"))
            start = time.perf_counter()
            while page.locator(".earlier").count() and time.perf_counter() - start < 60:
                page.evaluate("document.querySelector('.timeline').scrollTop = 0")
                page.wait_for_timeout(20)
            first = timeline.get_by_text("nota numero 0:").count()
            assert first == 1, f"the first note is shown ({first}; {page.locator('.earlier').count()} more to load)"
            rows.append(("  scrolled back to its first entry (19 more pages of 100)",
                         f"{(time.perf_counter() - start) * 1000:.0f} ms", f"{page.locator('.timeline > li').count()} items rendered"))
            ctx.close()
            browser.close()
        width = max(len(r[0]) for r in rows)
        for name, value, note in rows:
            print(f"{name:<{width}}  {value:>10}  {note}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
