#!/usr/bin/env python3
"""Browser test of the agent page (/agent/): sign in, desk, sign out, errors, languages.

Drives Chromium through chromedriver's W3C WebDriver HTTP protocol with urllib only
(Python 3.11 standard library, no pip packages). Point it at a running server:

    SWITCHBOARD_URL=http://127.0.0.1:8099 python3 tests/browser/run.py

Environment:
    SWITCHBOARD_URL        base URL of the server (default http://127.0.0.1:8099)
    SCREENSHOT_DIR         where PNG screenshots go (default /tmp/switchboard-shots)
    SWITCHBOARD_PASSWORD   password of the demo accounts (default "demo")
    SWITCHBOARD_CHANGE_PASSWORD_ACCOUNT
                           optional "email:password" of an account that must change its
                           password; when set, the change-password flow is tested too
                           (it really changes that password, so it is opt-in)
    CHROMEDRIVER, CHROMIUM paths of the binaries (default /usr/bin/chromedriver, /usr/bin/chromium)

Prints one line per check and ends with "N passed, M failed"; exits 1 if any failed.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BASE = os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8099").rstrip("/")
SHOTS = os.environ.get("SCREENSHOT_DIR", "/tmp/switchboard-shots")
PASSWORD = os.environ.get("SWITCHBOARD_PASSWORD", "demo")
CHANGE_ACCOUNT = os.environ.get("SWITCHBOARD_CHANGE_PASSWORD_ACCOUNT", "")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ACCOUNTS = [
    ("admin@example.com", "admin"),
    ("supervisor@example.com", "supervisor"),
    ("ana@example.com", "agent"),
    ("marco@example.com", "agent"),
    ("lucia@example.com", "agent"),
]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
ENTER = "\ue007"
TIMEOUT = 10.0


class WebDriverError(Exception):
    pass


def http_json(method, url, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        try:
            value = json.loads(err.read()).get("value", {})
            raise WebDriverError(f"{value.get('error')}: {value.get('message', '')[:300]}") from None
        except (ValueError, AttributeError):
            raise WebDriverError(f"HTTP {err.code} from {url}") from None


class Browser:
    """One WebDriver session: a fresh Chromium profile."""

    def __init__(self, driver_url, lang="en-US"):
        self.driver_url = driver_url
        self.profile = tempfile.mkdtemp(prefix="switchboard-chrome-")
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--window-size=1280,800", f"--user-data-dir={self.profile}",
                f"--lang={lang.split(',')[0]}", f"--accept-lang={lang}"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM, "args": args, "prefs": {"intl.accept_languages": lang}},
            "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.id = http_json("POST", f"{driver_url}/session", caps)["value"]["sessionId"]

    def cmd(self, method, path, body=None):
        if method == "POST" and body is None:
            body = {}
        return http_json(method, f"{self.driver_url}/session/{self.id}{path}", body)["value"]

    def get(self, path):
        self.cmd("POST", "/url", {"url": BASE + path})

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, element_id):
        found = self.cmd("POST", "/element", {"using": "css selector", "value": f"#{element_id}"})
        return found[ELEMENT]

    def type(self, element_id, text):
        el = self.find(element_id)
        self.cmd("POST", f"/element/{el}/clear")
        self.cmd("POST", f"/element/{el}/value", {"text": text})

    def click(self, element_id):
        self.cmd("POST", f"/element/{self.find(element_id)}/click")

    def text(self, element_id):
        return self.js("const e = document.getElementById(arguments[0]);"
                       "return e ? e.textContent.trim() : null;", element_id)

    def visible(self, element_id):
        return self.js("const e = document.getElementById(arguments[0]);"
                       "return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;", element_id)

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, f"{name}.png")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(self.cmd("GET", "/screenshot")))
        return path

    def quit(self):
        try:
            self.cmd("DELETE", "")
        except Exception:  # noqa: BLE001 - best effort at the end
            pass
        shutil.rmtree(self.profile, ignore_errors=True)


def wait_for(predicate, what, timeout=TIMEOUT):
    """Poll `predicate` until truthy; raise AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except WebDriverError as err:
            last_error = err
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}"
                         + (f" ({last_error})" if last_error else ""))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


class Runner:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def run(self, name, fn, *args):
        try:
            fn(*args)
        except Exception as err:  # noqa: BLE001 - every failure is reported, none stops the run
            self.failed += 1
            print(f"FAIL  {name}: {err}", flush=True)
        else:
            self.passed += 1
            print(f"ok    {name}", flush=True)


def fetch_strings(lang):
    with urllib.request.urlopen(f"{BASE}/i18n/{lang}.json", timeout=10) as resp:
        return json.loads(resp.read())


# ---- the checks ---------------------------------------------------------------

def open_login(b):
    b.get("/agent/")
    wait_for(lambda: b.visible("login-form"), "the login form")


def login_form_shown(b, en):
    open_login(b)
    check(b.js("return document.documentElement.lang") == "en", "<html lang> is not en")
    check(b.text("login-submit") == en["login.submit"], f"button says {b.text('login-submit')!r}")
    check(b.js("return document.querySelector('label[for=login-email]').textContent.trim()") == en["login.email"],
          "email field has no label")
    b.screenshot("01-login")


def sign_in(b, email, password, use_enter):
    b.type("login-email", email)
    if use_enter:
        b.type("login-password", password + ENTER)
    else:
        b.type("login-password", password)
        b.click("login-submit")


def account_round_trip(b, en, email, role, index):
    open_login(b)
    sign_in(b, email, PASSWORD, use_enter=index % 2 == 0)
    wait_for(lambda: b.visible("view-desk") and b.text("profile-email") == email,
             f"the desk showing {email}")
    shown = b.js("const e = document.getElementById('desk-user-role');"
                 "return [e.dataset.role, e.textContent.trim()]")
    check(shown == [role, en[f"role.{role}"]], f"role shown is {shown}, expected {role}")
    check(b.text("profile-role") == en[f"role.{role}"], "profile card role differs")
    check(b.text("desk-user-name"), "no user name in the top bar")
    check(b.js("return localStorage.getItem('switchboard.token')"), "no token stored")
    b.screenshot(f"02-desk-{email.split('@')[0]}")
    if index == 0:  # a reload keeps the session (GET /api/v1/me)
        b.get("/agent/")
        wait_for(lambda: b.visible("view-desk") and b.text("profile-email") == email, "the desk after reload")
    b.click("signout-button")
    wait_for(lambda: b.visible("login-form"), "the login form after sign out")
    check(b.js("return localStorage.getItem('switchboard.token')") is None, "token still stored after sign out")


def wrong_password(b):
    open_login(b)
    sign_in(b, "admin@example.com", "not-the-password", use_enter=True)
    message = wait_for(lambda: b.visible("login-error") and b.text("login-error"), "an error message")
    check(not b.visible("view-desk"), "desk shown after a wrong password")
    check(b.js("return localStorage.getItem('switchboard.token')") is None, "token stored after a failure")
    b.screenshot("03-login-error")
    print(f"      error shown: {message!r}")


def stale_token(b):
    b.get("/agent/")
    b.js("localStorage.setItem('switchboard.token', 'sbs_not_a_real_token')")
    b.get("/agent/")
    wait_for(lambda: b.visible("login-form"), "the login form for a stale token")
    check(b.js("return localStorage.getItem('switchboard.token')") is None, "stale token was kept")


def italian_preference(b, it):
    open_login(b)
    check(b.js("return document.documentElement.lang") == "it", "<html lang> is not it")
    check(b.text("login-submit") == it["login.submit"],
          f"button says {b.text('login-submit')!r}, expected {it['login.submit']!r}")
    b.screenshot("04-login-it")


def language_switcher(b, es):
    b.click("lang-es")
    wait_for(lambda: b.text("login-submit") == es["login.submit"], "the Spanish button text")
    check(b.js("return localStorage.getItem('switchboard.lang')") == "es", "choice not remembered")
    b.get("/agent/")
    wait_for(lambda: b.visible("login-form") and b.text("login-submit") == es["login.submit"],
             "Spanish after reload")
    check(b.js("return document.documentElement.lang") == "es", "<html lang> is not es")


def clean_console(b):
    """No script errors or CSP violations (the expected 401s of failed sign-ins aside)."""
    entries = b.cmd("POST", "/se/log", {"type": "browser"})  # chromedriver's log endpoint
    bad = [e["message"] for e in entries if e.get("level") == "SEVERE"
           and not ("Failed to load resource" in e["message"] and "status of 401" in e["message"])]
    check(not bad, "console errors: " + " | ".join(m[:200] for m in bad))


def change_password(b, en, account):
    email, _, password = account.partition(":")
    open_login(b)
    sign_in(b, email, password, use_enter=True)
    wait_for(lambda: b.visible("password-form"), "the change-password form")
    check(not b.visible("password-current"), "current password asked again right after sign-in")
    b.type("password-new", "short")
    b.type("password-confirm", "short")
    b.click("password-submit")
    wait_for(lambda: b.text("password-new-error") == en["password.too_short"], "the too-short message")
    b.type("password-new", "a-much-longer-pass")
    b.type("password-confirm", "a-different-pass")
    b.click("password-submit")
    wait_for(lambda: b.text("password-confirm-error") == en["password.mismatch"], "the mismatch message")
    b.screenshot("05-change-password")
    b.type("password-new", "a-much-longer-pass")
    b.type("password-confirm", "a-much-longer-pass" + ENTER)
    wait_for(lambda: b.visible("view-desk") and b.text("profile-email") == email, "the desk after the change")
    b.click("signout-button")
    wait_for(lambda: b.visible("login-form"), "the login form after sign out")


# ---- chromedriver ---------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chromedriver(log):
    port = free_port()
    proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if http_json("GET", f"{url}/status", timeout=2)["value"].get("ready"):
                return proc, url
        except (OSError, WebDriverError, ValueError):
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"chromedriver did not start on port {port}")


def stop_chromedriver(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    try:  # any browser left behind in chromedriver's own process group
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def main():
    runner = Runner()
    proc = None
    browsers = []
    log = tempfile.TemporaryFile()
    try:
        en, it, es = fetch_strings("en"), fetch_strings("it"), fetch_strings("es")
        proc, driver_url = start_chromedriver(log)
        b = Browser(driver_url, "en-US")
        browsers.append(b)
        runner.run("login form is shown in English", login_form_shown, b, en)
        for index, (email, role) in enumerate(ACCOUNTS):
            runner.run(f"{email} signs in as {role} and signs out", account_round_trip, b, en, email, role, index)
        runner.run("wrong password shows an error", wrong_password, b)
        runner.run("stale token falls back to the login form", stale_token, b)
        if CHANGE_ACCOUNT:
            runner.run("first sign-in asks for a new password", change_password, b, en, CHANGE_ACCOUNT)
        runner.run("no script errors or CSP violations in the console", clean_console, b)
        b_it = Browser(driver_url, "it-IT,it")
        browsers.append(b_it)
        runner.run("Italian browser gets the Italian sign-in button", italian_preference, b_it, it)
        runner.run("language switcher picks Spanish and remembers it", language_switcher, b_it, es)
    except Exception as err:  # noqa: BLE001 - setup failure counts as one failed check
        runner.failed += 1
        print(f"FAIL  setup: {err}", flush=True)
        log.seek(0)
        tail = log.read()[-2000:].decode(errors="replace")
        if tail:
            print(tail)
    finally:
        for browser in browsers:
            browser.quit()
        stop_chromedriver(proc)
        log.close()
    print(f"screenshots in {SHOTS}")
    print(f"{runner.passed} passed, {runner.failed} failed")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
