"""Browser tests of the pages (issue 17): the real server, driven in Debian's Chromium by
Playwright, elements found by role and accessible name the way a person finds them.

Run by `.ci/run` (never by `cargo test`): `pytest tests/browser` with the binary at
`target/debug/switchboard`. Each test gets fresh browser contexts; servers start from the
debug binary on a free loopback port with `--demo`, the demo's simulated customers off
unless a test turns them on. Screenshots go to `$SCREENSHOT_DIR` (default `target/shots`).
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "target" / "debug" / "switchboard"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "target" / "shots"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # A fake microphone that needs no prompt, for voice messages.
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
]
PASSWORD = "demo"
#: The password of the agents the tests create (the demo's accounts use `PASSWORD`).
AGENT_PASSWORD = "browser-pass-1"


DEMO = {"admin", "supervisor", "ana", "marco", "lucia"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `switchboard serve --demo` process on loopback, with a small API client."""

    def __init__(self, customers_every=0):
        self.data = tempfile.mkdtemp(prefix="sb-browser-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.customers_every = customers_every
        self.proc = None
        self.start()
        self.admin = self.login("admin@example.com")

    def start(self):
        env = dict(os.environ, SWITCHBOARD_DEMO_CUSTOMERS_EVERY_SECS=str(self.customers_every))
        log = open(Path(self.data) / "server.log", "ab")
        self.proc = subprocess.Popen(
            [str(BINARY), "serve", "--demo", "--data", self.data, "--bind", f"127.0.0.1:{self.port}"],
            stdout=log, stderr=log, env=env,
        )
        for _ in range(300):
            try:
                if urllib.request.urlopen(self.url + "/readyz", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not become ready")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token or self.__dict__.get("admin"):
            req.add_header("Authorization", "Bearer " + (token or self.admin))
        try:
            with urllib.request.urlopen(req) as r:
                text = r.read().decode()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()}") from None

    def login(self, email, password=PASSWORD):
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def team(server):
    """Two fresh agents (no history) in a team serving two inboxes that require a wrap-up
    reason: `offers` routes with offers timed out after 6 s, `desk` waits for agents to take
    its conversations."""
    ids = {}
    for email, name in [("olga@example.com", "Olga Offers"), ("pia@example.com", "Pia Transfers")]:
        u = server.call("POST", "/api/v1/users", {
            "email": email, "name": name, "role": "agent", "password": AGENT_PASSWORD,
            "must_change_password": False, "capacity": 3,
        })
        ids[email] = u["id"]
    t = server.call("POST", "/api/v1/teams", {"name": "Browser team", "members": list(ids.values())})
    offers = server.call("POST", "/api/v1/inboxes", {
        "name": "Browser offers", "team_ids": [t["id"]], "assignment": "least_busy",
        "offer_timeout_secs": 6, "wrap_up_required": True,
    })
    desk = server.call("POST", "/api/v1/inboxes", {
        "name": "Browser desk", "team_ids": [t["id"]], "assignment": "manual", "wrap_up_required": True,
    })
    return {"offers": offers["id"], "desk": desk["id"], "team": t["id"],
            "olga": ids["olga@example.com"], "pia": ids["pia@example.com"]}


def handoff(server, inbox, name, text, email=None):
    """A bot hand-off with one customer line; returns the conversation."""
    contact = {"name": name}
    if email:
        contact["email"] = email
    return server.call("POST", "/api/v1/conversations", {
        "inbox_id": inbox, "subject": "", "contact": contact,
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": text}]},
    })


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh contexts (each its own storage, like a second browser); fails the
    test if any page raises a script error or a dialog."""
    contexts, problems = [], []

    def make(width=1280, height=800, locale="en-US"):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                  permissions=["microphone"])
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    assert not problems, problems


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def sign_in_any_language(page, server, email, password="demo"):
    """Signs in through the form by its fields' ids, whatever language the page speaks."""
    page.goto(server.url + "/agent/")
    page.locator("#login-email").fill(email)
    page.locator("#login-password").fill(password)
    page.locator("form button[type=submit]").click()
    page.get_by_role("navigation").first.wait_for()


def sign_in(page, server, email, password=None):
    password = password or (PASSWORD if email.endswith("@example.com") and email.split("@")[0] in DEMO else AGENT_PASSWORD)
    page.goto(server.url + "/agent/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Conversation views").wait_for()


def customer(server, path, body=None, token=None, method="POST"):
    """The widget's customer API (`/api/widget/v1`) as a customer's browser calls it: JSON, and
    the customer's token in `X-Customer-Token` (never a bearer token)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.url + "/api/widget/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Origin", server.url)
    if token:
        req.add_header("X-Customer-Token", token)
    try:
        with urllib.request.urlopen(req) as r:
            text = r.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{method} {path}: {e.code} {e.read().decode()}") from None
