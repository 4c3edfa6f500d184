"""Figures of the live-chat widget (issue 19), measured in Debian's Chromium against a fresh
`--demo` server (demo customers off) on loopback:

- the time from an agent's reply to its text in the widget: the customer starts a chat
  through the widget's own form on /widget/demo.html?inbox=ID (the demo desk's first manual
  live-chat inbox, else its first live-chat inbox, with one of the inbox's agents set
  available so the widget offers a chat, not the away form), the admin takes the
  conversation (POST /api/v1/conversations/{id}/assign {}) and sends N=100 replies one at a
  time (POST /api/v1/conversations/{id}/messages {"text": "reply K"}), each after the
  previous one showed; one unmeasured reply first makes sure the event stream is up;
- the widget's bytes as served gzip-compressed (Accept-Encoding: gzip): the loader
  (/widget/widget.js) and every file the page loads from /widget/, /vendor/ and /common/
  once the panel opens (the host page's own demo.css and demo.js are not the widget's).

How a delay is measured: a MutationObserver installed in the widget's shadow root records,
for each "reply K" bubble, `performance.timeOrigin + performance.now()` when the text is
first in the DOM (and again at the next animation frame, the latest it can be painted).
Python takes `time.time()` just before each POST. The two clocks are tied together by
calibration: the page's clock is read (page.evaluate) between two `time.time()` readings,
30 times before and 30 times after the run; the reading with the shortest round trip gives
the offset between the clocks to within half that round trip (both bounds are printed).
The delay is then page time − offset − time before the POST, so neither Playwright's
polling nor its round trips are counted.

The binary: SWITCHBOARD_BINARY if set, else target/release/switchboard when it exists and is
newer than target/debug/switchboard, else target/debug/switchboard. Ports 18800-18899.

Run: `target/ci/venv/bin/python scripts/measure_widget.py` (after a build; never builds).
Prints the figures and writes target/figures/widget_latency.json (and the server's log as
target/figures/widget_server.log).
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from conftest import CHROMIUM_ARGS
from playwright.sync_api import sync_playwright

N = int(os.environ.get("REPLIES", "100"))
PORTS = range(18800, 18900)
FIGURES = ROOT / "target" / "figures"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def pick_binary():
    if os.environ.get("SWITCHBOARD_BINARY"):
        return Path(os.environ["SWITCHBOARD_BINARY"])
    release, debug = ROOT / "target" / "release" / "switchboard", ROOT / "target" / "debug" / "switchboard"
    if release.exists() and (not debug.exists() or release.stat().st_mtime > debug.stat().st_mtime):
        return release
    if debug.exists():
        return debug
    raise SystemExit("no binary: neither target/release/switchboard nor target/debug/switchboard exists")


def free_port(skip=()):
    for port in PORTS:
        if port in skip:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18800-18899")


def wait_until(check, timeout, what, every=0.05):
    """Polls `check()` until it returns something truthy, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


class Server:
    """`switchboard serve --demo` on a fresh data folder, demo customers off, with a small API
    client. Stopped (SIGTERM, then SIGKILL) by `stop()`, which is safe to call at any point."""

    def __init__(self, binary):
        self.binary = binary
        self.data = tempfile.mkdtemp(prefix="sb-measure-widget-")
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
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {FIGURES}/widget_server.log")
            try:
                return urllib.request.urlopen(self.url + "/readyz", timeout=1).status == 200
            except OSError:
                return False
        wait_until(up, timeout, "/readyz", every=0.1)
        self.admin = self.login("admin@example.com")

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
            with urllib.request.urlopen(req, timeout=30) as r:
                text = r.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.code} {e.read().decode()}") from None

    def login(self, email, password="demo"):
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]

    def log_problems(self):
        """The server log's WARN and ERROR lines (colours stripped)."""
        try:
            lines = ANSI.sub("", self.log_path.read_text(errors="replace")).splitlines()
        except OSError:
            return []
        return [line for line in lines if re.search(r"\s(WARN|ERROR)\s", line)]


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[int(k) - 1]


def summary(values):
    v = sorted(values)
    return {"n": len(v), "median": statistics.median(v), "p90": percentile(v, 90), "p99": percentile(v, 99),
            "max": v[-1], "min": v[0], "mean": statistics.fmean(v)}


def calibrate(page, samples=30):
    """Offset (ms) of the page's clock (timeOrigin + now) from Python's time.time(), from the
    reading with the shortest round trip; returns (offset, half round trip)."""
    best = None
    for _ in range(samples):
        a = time.time()
        p = page.evaluate("performance.timeOrigin + performance.now()")
        b = time.time()
        rtt = (b - a) * 1000
        if best is None or rtt < best[1]:
            best = (p - (a + b) / 2 * 1000, rtt)
    return best[0], best[1] / 2


OBSERVER = """() => {
  const root = document.querySelector('switchboard-widget').shadowRoot;
  window.__sbDom = {};
  window.__sbFrame = {};
  const scan = () => {
    const now = performance.timeOrigin + performance.now();
    for (const el of root.querySelectorAll('.msg.theirs .text')) {
      const t = el.textContent;
      if (!(t in window.__sbDom)) {
        window.__sbDom[t] = now;
        requestAnimationFrame(() => { window.__sbFrame[t] = performance.timeOrigin + performance.now(); });
      }
    }
  };
  scan();  // what is already there is not a new reply
  new MutationObserver(scan).observe(root, { childList: true, subtree: true, characterData: true });
}"""


def gzip_size(url):
    """The body's size as served to a client that accepts gzip, its encoding and its plain size."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        encoding = r.headers.get("Content-Encoding", "")
    plain = len(gzip.decompress(body)) if encoding == "gzip" else len(body)
    return len(body), encoding or "identity", plain


def main():
    # SIGTERM (and SIGINT, which a background job may have ignored) unwind through the
    # `finally` below, which stops the server and the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    binary = pick_binary()
    FIGURES.mkdir(parents=True, exist_ok=True)
    server = Server(binary)
    result = {"binary": str(binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary),
              "binary_mtime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(binary.stat().st_mtime)),
              "load_average_at_start": os.getloadavg()}
    try:
        server.ready()
        inboxes = [i for i in server.call("GET", "/api/v1/inboxes?limit=100")["items"] if i["channel"] == "livechat"]
        if not inboxes:
            raise RuntimeError("the demo desk has no live-chat inbox")
        inbox = next((i for i in inboxes if i["assignment"] == "manual"), inboxes[0])
        # Somebody must be available, or the widget offers the "we'll reply by email" form.
        team = server.call("GET", f"/api/v1/teams/{inbox['team_ids'][0]}")
        agent = team["members"][0]
        server.call("PUT", f"/api/v1/users/{agent}/status", {"status": "available"})
        result["inbox"] = {"id": inbox["id"], "name": inbox["name"], "assignment": inbox["assignment"]}

        # Leaving this block, even by an exception, closes the browser (Playwright stops it).
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
            page = ctx.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            requests = []  # (phase, url)
            phase = ["load"]
            page.on("request", lambda r: requests.append((phase[0], r.url)))

            page.goto(f"{server.url}/widget/demo.html?inbox={inbox['id']}")
            launcher = page.get_by_role("button", name=re.compile("^Chat with us"))
            launcher.wait_for(timeout=30_000)
            phase[0] = "panel"
            launcher.click()
            dialog = page.get_by_role("dialog")
            dialog.wait_for(timeout=30_000)
            who = f"Latency Bench {int(time.time())}"
            if dialog.get_by_label("Name").count():  # the inbox may not ask for a name
                dialog.get_by_label("Name").fill(who)
            dialog.get_by_label("Message").fill("Hello, I am measuring the widget.")
            dialog.get_by_role("button", name="Start the chat").click()
            page.wait_for_function(
                """() => [...document.querySelector('switchboard-widget').shadowRoot
                          .querySelectorAll('.msg.mine:not(.pending) .text')]
                          .some((el) => el.textContent.startsWith('Hello, I am measuring'))""", timeout=30_000)

            # The conversation, as the customer's own session sees it (its token in localStorage).
            token = page.evaluate(f"JSON.parse(localStorage.getItem('switchboard.widget.{inbox['id']}')).token")
            req = urllib.request.Request(server.url + "/api/widget/v1/session",
                                         headers={"X-Customer-Token": token, "Origin": server.url})
            with urllib.request.urlopen(req, timeout=30) as r:
                conv = json.loads(r.read())["conversation"]
            server.call("POST", f"/api/v1/conversations/{conv['id']}/assign", {})
            page.evaluate(OBSERVER)

            # One reply not measured: the event stream is up and the first render is done.
            server.call("POST", f"/api/v1/conversations/{conv['id']}/messages", {"text": "warm-up"})
            page.wait_for_function("() => 'warm-up' in window.__sbDom", timeout=30_000)

            offset_before, err_before = calibrate(page)
            sent, posted = {}, []
            for k in range(1, N + 1):
                text = f"reply {k}"
                t0 = time.time()
                server.call("POST", f"/api/v1/conversations/{conv['id']}/messages", {"text": text})
                posted.append((time.time() - t0) * 1000)
                sent[text] = t0 * 1000
                page.wait_for_function("(t) => t in window.__sbDom", arg=text, timeout=30_000)
            # The frame stamps come one frame after the DOM ones.
            page.wait_for_function(f"() => Object.keys(window.__sbFrame).length >= {N + 1}", timeout=30_000)
            offset_after, err_after = calibrate(page)
            dom = page.evaluate("window.__sbDom")
            frame = page.evaluate("window.__sbFrame")
            offset = (offset_before + offset_after) / 2
            delays = [dom[t] - offset - sent[t] for t in sent]
            painted = [frame[t] - offset - sent[t] for t in sent]
            shown = page.evaluate("""() => [...document.querySelector('switchboard-widget').shadowRoot
                                     .querySelectorAll('.msg.theirs .text')].map((el) => el.textContent)""")
            missing = [t for t in sent if t not in shown]
            doubled = [t for t in sent if shown.count(t) != 1]

            # Bytes: the loader, and what the widget fetched from its origin after opening.
            phase[0] = "done"
            # (The host page's own demo.html, demo.css and demo.js are not the widget's.)
            widget_paths = ("/widget/", "/vendor/", "/common/")
            loader = f"{server.url}/widget/widget.js"
            at_load, after_open = [loader], []
            for ph, url in requests:
                path = urlsplit(url).path
                if (url.startswith(server.url) and path.startswith(widget_paths)
                        and not path.startswith("/widget/demo.") and url not in at_load + after_open):
                    (at_load if ph == "load" else after_open).append(url)
            files = []
            for url in at_load + after_open:
                size, enc, plain = gzip_size(url)
                files.append({"path": urlsplit(url).path, "bytes": size, "encoding": enc, "plain_bytes": plain,
                              "loaded": "at page load" if url in at_load else "after the panel opened"})
            ctx.close()
            browser.close()

        lat = summary(delays)
        paint = summary(painted)
        rt = summary(posted)
        result.update({
            "replies": N,
            "clock": {"offset_ms_before": offset_before, "offset_ms_after": offset_after,
                      "uncertainty_ms_before": err_before, "uncertainty_ms_after": err_after},
            "reply_to_dom_ms": lat,
            "reply_to_next_frame_ms": paint,
            "post_round_trip_ms": rt,
            "delays_ms": delays,
            "missing": missing, "not_exactly_once": doubled, "page_errors": errors,
            "bytes": {"files": files,
                      "loader_gzip": sum(f["bytes"] for f in files if f["loaded"] == "at page load"),
                      "after_open_gzip": sum(f["bytes"] for f in files if f["loaded"] != "at page load"),
                      "total_gzip": sum(f["bytes"] for f in files),
                      "total_plain": sum(f["plain_bytes"] for f in files)},
        })
    finally:
        server.stop()
        problems = server.log_problems()
        result["server_log_warnings_and_errors"] = problems[:50]
        result["server_log_problem_lines"] = len(problems)
        result["server_exit_code"] = server.proc.returncode
        try:
            shutil.copy(server.log_path, FIGURES / "widget_server.log")
        except OSError:
            pass
        shutil.rmtree(server.data, ignore_errors=True)
    result["load_average_at_end"] = os.getloadavg()
    (FIGURES / "widget_latency.json").write_text(json.dumps(result, indent=2) + "\n")

    lat, paint, rt, b = result["reply_to_dom_ms"], result["reply_to_next_frame_ms"], result["post_round_trip_ms"], result["bytes"]
    c = result["clock"]
    print(f"binary: {result['binary']} (built {result['binary_mtime']}); inbox {inbox['name']} ({inbox['assignment']})")
    print(f"clock offset page−python: {c['offset_ms_before']:+.2f} ms (±{c['uncertainty_ms_before']:.2f}) before, "
          f"{c['offset_ms_after']:+.2f} ms (±{c['uncertainty_ms_after']:.2f}) after")
    print(f"{f'agent reply → text in the widget (N={N})':<44} median {lat['median']:6.1f}  p90 {lat['p90']:6.1f}  "
          f"p99 {lat['p99']:6.1f}  max {lat['max']:6.1f} ms")
    print(f"{'  … → next animation frame':<44} median {paint['median']:6.1f}  p90 {paint['p90']:6.1f}  "
          f"p99 {paint['p99']:6.1f}  max {paint['max']:6.1f} ms")
    print(f"{'  the POST itself (round trip)':<44} median {rt['median']:6.1f}  p90 {rt['p90']:6.1f}  "
          f"p99 {rt['p99']:6.1f}  max {rt['max']:6.1f} ms")
    if result["missing"] or result["not_exactly_once"] or result["page_errors"]:
        print(f"PROBLEMS: missing {result['missing']}, not exactly once {result['not_exactly_once']}, "
              f"page errors {result['page_errors']}")
    print("widget bytes as served with Accept-Encoding: gzip:")
    for f in b["files"]:
        print(f"  {f['path']:<32} {f['bytes']:>7} B  ({f['encoding']}, {f['plain_bytes']} B plain)  {f['loaded']}")
    n_load = sum(1 for f in b["files"] if f["loaded"] == "at page load")
    first, rest = f"at page load ({n_load} file{'' if n_load == 1 else 's'})", f"after the panel opens ({len(b['files']) - n_load} files)"
    print(f"  {first:<32} {b['loader_gzip']:>7} B")
    print(f"  {rest:<32} {b['after_open_gzip']:>7} B")
    print(f"  {'total':<32} {b['total_gzip']:>7} B  ({b['total_gzip'] / 1024:.1f} KiB; {b['total_plain'] / 1024:.1f} KiB plain)")
    print(f"server log: {result['server_log_problem_lines']} WARN/ERROR lines; exit code {result['server_exit_code']}")
    for line in result["server_log_warnings_and_errors"][:10]:
        print("  " + line[:220])
    print(f"wrote {FIGURES / 'widget_latency.json'}")


if __name__ == "__main__":
    main()
