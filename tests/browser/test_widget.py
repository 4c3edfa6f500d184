"""The live-chat widget (issue 19) in a real browser. The customer's side runs on a HOSTILE
host page served from a second local origin (its CSS resets buttons, recolours everything,
shrinks rem, transforms the body), the way a customer's web site would carry the widget's
tag; the agent answers from /agent/ in a second browser context.

Covered: the widget's CSS and the host's do not touch each other, one global name and no
cookies; pre-chat, an offer accepted, the reply and the typing hint live, files both ways
(and a refusal in words), closing, stars, the rating in the timeline, markup shown as text
on both sides; a reload and a new tab keep the conversation, unread replies on the shut
launcher, a new message after rating starts a new conversation; the email form when nobody
is available, or no launcher at all; a signed-in customer's HMAC identity (and a refusal
that never falls back to someone else); the keyboard alone. Screenshots of both sides, at
1280 px and at a phone's 390 px, in English, Italian and Spanish, go to target/screenshots/.

The servers here (the desk and the host site) take ports 18700-18799."""

import hashlib
import hmac
import re
import socket
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

import conftest
from conftest import AGENT_PASSWORD, ROOT, Server, sign_in_any_language

SHOTS = ROOT / "target" / "screenshots"
XSS = "<img src=x onerror=alert(1)>"
PORTS = range(18700, 18800)


def port_in_range():
    """A free loopback port among the ones this test may use."""
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18700-18799")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def png(width, height):
    """A small PNG photo stand-in: a warm gradient with a darker band, like a parcel label."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def pixel(x, y):
        band = height // 3 <= y < 2 * height // 3
        return bytes([200 + x * 50 // width, 120 + y * 80 // height, 40]) if not band else bytes([60, 40, 30])

    rows = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


HOSTILE_CSS = """
html { font-size: 62.5%; }
* { color: red !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: 2px !important;
    box-sizing: content-box !important; line-height: 3 !important; }
button { all: unset; background: yellow !important; }
div, section { padding: 24px !important; border: 3px dashed lime !important; }
svg { width: 300px !important; height: 300px !important; }
input, textarea { font-size: 40px !important; }
p { margin: 40px !important; }
body { transform: translateZ(0); }
:root { --sb-accent: #ff0000; }
[hidden] { display: block !important; }
"""


class HostSite:
    """The customer's web site: another origin, pages registered by the tests."""

    def __init__(self):
        self.pages = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                if body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.port = port_in_range()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def page(self, path, desk, inbox, **attrs):
        """A hostile shop page carrying the widget's tag; returns its URL."""
        extra = " ".join(f'data-{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.pages[path] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hostile shop</title>
<script>window.__names = Object.getOwnPropertyNames(window);</script>
<style>{HOSTILE_CSS}</style></head>
<body>
<h1>Hostile shop</h1>
<p class="title">Our shop's CSS is rude to everything it can reach.</p>
<div class="panel" id="host-panel">A host element named like the widget's parts.</div>
<button class="launcher" id="host-button" type="button">Host button</button>
<script src="{desk}/widget/widget.js" data-inbox="{inbox}" {extra} async></script>
</body></html>"""
        return self.origin + path

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def desk():
    """A desk of its own (demo customers off) on a port of this test's range, an agent in a
    team serving a live-chat inbox that offers each conversation, a second origin for the
    host pages (allowed by the inbox), and the host site itself."""
    real = conftest.free_port
    conftest.free_port = port_in_range
    try:
        server = Server()
    finally:
        conftest.free_port = real
    host = HostSite()
    user = server.call("POST", "/api/v1/users", {
        "email": "wendy@example.com", "name": "Wendy Widget", "role": "agent", "password": AGENT_PASSWORD,
        "must_change_password": False, "capacity": 30,
    })
    team = server.call("POST", "/api/v1/teams", {"name": "Widget team", "members": [user["id"]]})
    inbox = server.call("POST", "/api/v1/inboxes", {
        "name": "Brightwater help", "channel": "livechat", "team_ids": [team["id"]], "assignment": "least_busy",
        "offer_timeout_secs": 120, "wrap_up_required": False,
        "widget": {"color": "#0e7490", "greeting": "Hi! Ask us about beans, orders or subscriptions.",
                   "allowed_origins": [host.origin], "prechat_name": "optional", "prechat_email": "optional",
                   "offline": "email_form"},
    })
    yield {"server": server, "host": host, "inbox": inbox["id"], "agent": user["id"], "team": team["id"]}
    host.stop()
    server.stop()


@pytest.fixture(autouse=True)
def tidy(desk):
    """Each test leaves no conversation open: offers left unanswered would keep the agent's
    next offers waiting."""
    yield
    server = desk["server"]
    for c in server.call("GET", f"/api/v1/conversations?inbox_id={desk['inbox']}&limit=100")["items"]:
        if c["status"] != "closed":
            server.call("POST", f"/api/v1/conversations/{c['id']}/close", {"justification": "end of a browser test"})


def set_status(desk, status):
    desk["server"].call("PUT", f"/api/v1/users/{desk['agent']}/status", {"status": status})


def agent_page(desk, new_page, **kw):
    page = new_page(**kw)
    sign_in_any_language(page, desk["server"], "wendy@example.com", AGENT_PASSWORD)
    set_status(desk, "available")
    return page


def widget(page):
    """The widget's dialog (inside its shadow root; Playwright's locators pierce open roots)."""
    return page.get_by_role("dialog")


def open_chat(page, name="Chat with us"):
    page.get_by_role("button", name=re.compile(f"^{re.escape(name)}")).click()
    expect(widget(page)).to_be_visible()


def stored_token(page, inbox):
    return page.evaluate(f"JSON.parse(localStorage.getItem('switchboard.widget.{inbox}') || '{{}}').token || null")


def conversation_of(desk, name):
    """The desk's newest conversation whose contact is `name`."""
    items = desk["server"].call("GET", f"/api/v1/conversations?inbox_id={desk['inbox']}&limit=50")["items"]
    return next(c for c in items if c["contact"]["name"] == name)


def test_a_customer_on_a_hostile_site_chats_with_an_agent_live(desk, new_page):
    server, inbox = desk["server"], desk["inbox"]
    agent = agent_page(desk, new_page)
    customer = new_page()
    customer.goto(desk["host"].page("/shop.html", server.url, inbox))
    launcher = customer.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()

    # One global name, no cookies, and the two sides' CSS keep to themselves.
    added = customer.evaluate("Object.getOwnPropertyNames(window).filter(n => !window.__names.includes(n) && n !== '__names')")
    assert added == ["SwitchboardWidget"], added
    box = launcher.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (56, 56), box
    assert box["x"] + box["width"] == pytest.approx(1280 - 20, abs=1) and box["y"] + box["height"] == pytest.approx(800 - 20, abs=1)
    host_panel = customer.evaluate("getComputedStyle(document.getElementById('host-panel')).position")
    host_button = customer.evaluate("getComputedStyle(document.getElementById('host-button')).borderRadius")
    assert (host_panel, host_button) == ("static", "0px"), "the widget's CSS reached the host page"

    open_chat(customer)
    dialog = widget(customer)
    expect(dialog).to_have_accessible_name("Brightwater help")
    expect(dialog).to_contain_text("Hi! Ask us about beans, orders or subscriptions.")
    styles = dialog.get_by_label("Name").evaluate("""el => {
        const title = el.getRootNode().querySelector('.title');
        const s = getComputedStyle(el), t = getComputedStyle(title);
        return [s.fontSize, s.boxSizing, t.color, t.fontFamily.includes('Comic'), t.letterSpacing];
    }""")
    assert styles == ["14px", "border-box", "rgb(255, 255, 255)", False, "normal"], styles
    shot(customer, "widget-hostile-prechat-1280-en")

    # The pre-chat form: a name (markup, shown as text) and the first message.
    dialog.get_by_label("Name").fill("Carla " + XSS)
    dialog.get_by_label("Message").fill("My order has not arrived " + XSS)
    dialog.get_by_role("button", name="Start the chat").click()
    log = customer.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("My order has not arrived " + XSS)
    assert stored_token(customer, inbox).startswith("wt_")
    assert customer.context.cookies() == [], "the widget sets no cookies"

    # The agent is offered the conversation, accepts, sees the markup as text and replies.
    offer = agent.get_by_role("alertdialog", name=re.compile("Carla"))
    expect(offer).to_be_visible(timeout=15_000)
    offer.get_by_role("button", name="Accept").click()
    timeline = agent.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("My order has not arrived " + XSS)
    c = conversation_of(desk, "Carla " + XSS)

    # "Wendy is typing…" shows live, then the reply; the hint goes with it.
    agent_token = server.login("wendy@example.com", AGENT_PASSWORD)
    server.call("POST", f"/api/v1/conversations/{c['id']}/typing", {"active": True}, token=agent_token)
    expect(dialog.get_by_role("status").filter(has_text="is typing")).to_contain_text("Wendy is typing…")
    expect(dialog).to_contain_text("Wendy is helping you")
    shot(customer, "widget-typing-1280-en")
    reply = agent.get_by_label("Reply to the customer")
    reply.fill("Sorry about that! Let me check " + XSS)
    reply.press("Enter")
    expect(log).to_contain_text("Sorry about that! Let me check " + XSS)
    expect(dialog.get_by_text("Wendy is typing…")).to_be_hidden()

    # Files both ways: the customer's image, the agent's document; a refused file in words.
    customer.locator("switchboard-widget input[type=file]").set_input_files(
        files=[{"name": "parcel.png", "mimeType": "image/png", "buffer": png(240, 160)}])
    expect(dialog.get_by_role("list", name="Files to send")).to_contain_text("parcel.png")
    dialog.get_by_label("Message").fill("Here is the label on the box")
    dialog.get_by_role("button", name="Send").click()
    image = log.get_by_role("img", name="parcel.png", exact=True)
    expect(image).to_have_attribute("src", re.compile("^blob:"))
    expect(timeline).to_contain_text("Here is the label on the box")
    customer.locator("switchboard-widget input[type=file]").set_input_files(
        files=[{"name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" + b"\0" * 64}])
    expect(dialog.get_by_role("alert")).to_contain_text("tool.exe was not attached")
    agent.locator("label.attach", has_text="Attach").locator("input").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}])
    files = agent.get_by_role("list", name="Files for this message")
    expect(files).to_contain_text("invoice.pdf")
    # Uploaded, not "Uploading invoice.pdf…": the agent's Send does nothing while a file is on its way.
    expect(files).not_to_contain_text("Uploading")
    agent.get_by_role("button", name="Send").click()
    save = dialog.get_by_role("button", name="Download invoice.pdf")
    expect(save).to_be_visible()
    with customer.expect_download() as got:
        save.click()
    assert got.value.suggested_filename == "invoice.pdf"
    shot(customer, "widget-files-1280-en")
    shot(agent, "widget-agent-side-1280-en")

    # Nothing the customer or the agent wrote became markup on either side.
    for page in (customer, agent):
        assert page.locator("img[src=x]").count() == 0

    # The agent closes; the customer rates; the rating is in the desk's timeline.
    agent.get_by_role("button", name="Close", exact=True).click()
    if agent.get_by_role("button", name="Close conversation").count():
        agent.get_by_role("button", name="Close conversation").click()
    rating = dialog.get_by_role("group", name="How did we do?")
    expect(rating).to_be_visible(timeout=10_000)
    shot(customer, "widget-rating-1280-en")
    rating.get_by_role("radio", name="4 stars").check()
    dialog.get_by_label("Tell us more (optional)").fill("Quick and kind " + XSS)
    dialog.get_by_role("button", name="Send rating").click()
    expect(log).to_contain_text("You rated this conversation 4 out of 5. Thank you!")
    entries = server.call("GET", f"/api/v1/conversations/{c['id']}/timeline?limit=100")["items"]
    rated = [e for e in entries if (e.get("says") or {}).get("key") == "rated"]
    assert rated and rated[0]["says"]["parts"]["score"] == "4", entries[-3:]

    # Writing again starts a new conversation.
    dialog.get_by_label("Message").fill("One more thing: can I change the address?")
    dialog.get_by_role("button", name="Send").click()
    expect(log).to_contain_text("One more thing")
    expect(log).not_to_contain_text("My order has not arrived")
    assert conversation_of(desk, "Carla " + XSS)["id"] != c["id"]
    shot(customer, "widget-new-conversation-1280-en")


def test_a_reload_and_a_new_tab_keep_the_conversation_and_unread_replies_show(desk, new_page):
    server, inbox = desk["server"], desk["inbox"]
    agent = agent_page(desk, new_page)
    customer = new_page()
    url = desk["host"].page("/reload.html", server.url, inbox)
    customer.goto(url)
    open_chat(customer)
    dialog = widget(customer)
    dialog.get_by_label("Name").fill("Rita Reload")
    dialog.get_by_label("Message").fill("Do you ship to Malta?")
    dialog.get_by_role("button", name="Start the chat").click()
    offer = agent.get_by_role("alertdialog", name=re.compile("Rita Reload"))
    expect(offer).to_be_visible(timeout=15_000)
    offer.get_by_role("button", name="Accept").click()
    agent.get_by_label("Reply to the customer").fill("We do, in three days.")
    agent.get_by_label("Reply to the customer").press("Enter")
    log = customer.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("We do, in three days.")

    # A reload: the panel was open, so it opens again on the same conversation.
    customer.reload()
    expect(customer.get_by_role("log", name="Conversation")).to_contain_text("We do, in three days.")
    # A new tab of the same browser: the same conversation, live in both.
    tab = customer.context.new_page()
    tab.goto(url)
    open_chat(tab)
    expect(tab.get_by_role("log", name="Conversation")).to_contain_text("Do you ship to Malta?")
    widget(tab).get_by_label("Message").fill("Great, thanks!")
    widget(tab).get_by_role("button", name="Send").click()
    expect(customer.get_by_role("log", name="Conversation")).to_contain_text("Great, thanks!")

    # Shut, the launcher counts the replies the customer has not seen.
    widget(customer).get_by_role("button", name="Close the chat").click()
    expect(widget(customer)).to_be_hidden()
    tab.close()
    agent.get_by_label("Reply to the customer").fill("Anything else?")
    agent.get_by_label("Reply to the customer").press("Enter")
    launcher = customer.get_by_role("button", name="Chat with us (1 new message)")
    expect(launcher).to_be_visible(timeout=10_000)
    shot(customer, "widget-unread-1280-en")
    launcher.click()
    expect(customer.get_by_role("log", name="Conversation")).to_contain_text("Anything else?")
    expect(customer.get_by_role("button", name="Close the chat", exact=True).last).to_be_visible()


def test_nobody_available_shows_the_email_form_or_no_launcher(desk, new_page):
    server, inbox = desk["server"], desk["inbox"]
    set_status(desk, "offline")
    try:
        customer = new_page()
        customer.goto(desk["host"].page("/away.html", server.url, inbox))
        open_chat(customer)
        dialog = widget(customer)
        expect(dialog.get_by_role("heading", name="We're away right now")).to_be_visible()
        dialog.get_by_role("button", name="Send message").click()
        expect(dialog).to_contain_text("Please enter your name.")
        expect(dialog).to_contain_text("Please enter your email address.")
        dialog.get_by_label("Name").fill("Olivia Offline")
        dialog.get_by_label("Email").fill("olivia@example.net")
        dialog.get_by_label("Message").fill("Please call me back about a wholesale order.")
        shot(customer, "widget-away-form-1280-en")
        dialog.get_by_role("button", name="Send message").click()
        expect(dialog).to_contain_text("Thanks! We'll reply to olivia@example.net by email.")
        c = conversation_of(desk, "Olivia Offline")
        assert c["contact"].get("email") == "olivia@example.net"

        server.call("PATCH", f"/api/v1/inboxes/{inbox}", {"widget": {"offline": "hide"}})
        stranger = new_page()
        stranger.goto(desk["host"].page("/hidden.html", server.url, inbox))
        stranger.wait_for_load_state("networkidle")
        expect(stranger.get_by_role("button", name="Chat with us")).to_have_count(0)
    finally:
        server.call("PATCH", f"/api/v1/inboxes/{inbox}", {"widget": {"offline": "email_form"}})
        set_status(desk, "available")


def test_signed_in_customers_are_who_the_host_says_or_are_refused(desk, new_page):
    server, inbox = desk["server"], desk["inbox"]
    set_status(desk, "available")
    secret = server.call("POST", f"/api/v1/inboxes/{inbox}/widget_secret")["secret"]
    good = hmac.new(secret.encode(), b"cust-4242", hashlib.sha256).hexdigest()

    refused = new_page()
    refused.goto(desk["host"].page("/forged.html", server.url, inbox, customer_id="cust-4242", customer_signature="00" * 32))
    open_chat(refused)
    expect(widget(refused).get_by_role("alert")).to_contain_text("We could not confirm who you are")
    expect(widget(refused).get_by_label("Message")).to_have_count(0)
    assert stored_token(refused, inbox) is None
    shot(refused, "widget-identity-refused-1280-en")

    signed = new_page()
    signed.goto(desk["host"].page("/signed.html", server.url, inbox, customer_id="cust-4242", customer_signature=good))
    open_chat(signed)
    dialog = widget(signed)
    dialog.get_by_label("Message").fill("Signed in and asking")
    dialog.get_by_role("button", name="Send").click()
    expect(signed.get_by_role("log", name="Conversation")).to_contain_text("Signed in and asking")
    assert stored_token(signed, inbox).startswith("wt_")


def test_the_widget_by_keyboard_alone(desk, new_page):
    server, inbox = desk["server"], desk["inbox"]
    set_status(desk, "available")
    customer = new_page()
    customer.goto(desk["host"].page("/keys.html", server.url, inbox))
    launcher = customer.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    # The host's own button first, then the launcher.
    customer.keyboard.press("Tab")
    customer.keyboard.press("Tab")
    expect(launcher).to_be_focused()
    customer.keyboard.press("Enter")
    name = widget(customer).get_by_label("Name")
    expect(name).to_be_focused()
    customer.keyboard.type("Kim Keys")
    customer.keyboard.press("Tab")
    customer.keyboard.type("kim@example.net")
    customer.keyboard.press("Tab")
    customer.keyboard.type("Typed without a mouse")
    customer.keyboard.press("Tab")
    customer.keyboard.press("Enter")
    expect(customer.get_by_role("log", name="Conversation")).to_contain_text("Typed without a mouse")
    box = widget(customer).get_by_label("Message")
    box.focus()
    customer.keyboard.type("And an emoji ")
    customer.keyboard.press("Tab")  # the clip
    customer.keyboard.press("Tab")  # the emoji button
    customer.keyboard.press("Enter")
    picker = widget(customer).get_by_role("group", name="Emoji")
    expect(picker).to_be_visible()
    customer.keyboard.press("ArrowRight")
    customer.keyboard.press("Enter")
    expect(box).to_have_value("And an emoji 😄")
    customer.keyboard.press("Enter")
    expect(customer.get_by_role("log", name="Conversation")).to_contain_text("And an emoji 😄")
    customer.keyboard.press("Escape")
    expect(widget(customer)).to_be_hidden()
    expect(customer.get_by_role("button", name=re.compile("^Chat with us"))).to_be_focused()


def test_the_demo_page_carries_the_widget_under_the_desks_own_policy(desk, new_page):
    """/widget/demo.html is served like the desk's pages (script-src 'self', Trusted Types):
    without ?inbox= it explains itself, and lists the live-chat inboxes to a signed-in admin."""
    server = desk["server"]
    set_status(desk, "available")
    page = new_page()
    page.goto(server.url + "/widget/demo.html")
    expect(page.locator("#demo-status")).to_contain_text("add ?inbox=INBOX_ID")
    expect(page.get_by_role("button", name="Chat with us")).to_have_count(0)
    page.evaluate("t => localStorage.setItem('switchboard.token', t)", server.admin)
    page.reload()
    page.get_by_role("link", name="Brightwater help").click()
    open_chat(page)
    expect(widget(page)).to_contain_text("Hi! Ask us about beans, orders or subscriptions.")
    shot(page, "widget-demo-page-1280-en")


@pytest.mark.parametrize("lang", ["en", "it", "es"])
def test_screenshots_in_three_languages_at_two_widths(desk, new_page, lang):
    """One customer per language (the desk allows ten new chats a minute from one address),
    seen at 1280 px and at a phone's 390 px at each step; the agent's side at both widths."""
    server, inbox = desk["server"], desk["inbox"]
    words = {
        "en": ("Chat with us", "Start the chat", "Name", "Message"),
        "it": ("Chatta con noi", "Inizia la chat", "Nome", "Messaggio"),
        "es": ("Chatea con nosotros", "Empezar el chat", "Nombre", "Mensaje"),
    }[lang]
    wide, phone = {"width": 1280, "height": 800}, {"width": 390, "height": 844}

    def both(page, name):
        for size in (wide, phone):
            page.set_viewport_size(size)
            dialog = widget(page)
            if dialog.is_visible():
                box = dialog.evaluate("el => [el.offsetWidth, el.offsetHeight]")
                assert box == ([390, 844] if size is phone else [360, 560]), (name, box)
            shot(page, f"widget-{name}-{size['width']}-{lang}")
        page.set_viewport_size(wide)

    agent = agent_page(desk, new_page, locale=lang)
    customer = new_page(locale=lang)
    customer.goto(desk["host"].page(f"/{lang}.html", server.url, inbox, lang=lang))
    expect(customer.get_by_role("button", name=words[0])).to_be_visible()
    both(customer, "launcher")
    open_chat(customer, words[0])
    dialog = widget(customer)
    expect(dialog.get_by_label(words[2])).to_be_visible()
    both(customer, "prechat")
    who = f"Ines {lang.upper()}"
    dialog.get_by_label(words[2]).fill(who)
    dialog.get_by_label(words[3]).fill({"en": "Hello! Is the Huila still in stock?",
                                       "it": "Ciao! L'Huila è ancora disponibile?",
                                       "es": "¡Hola! ¿Todavía tenéis el Huila?"}[lang])
    dialog.get_by_role("button", name=words[1]).click()
    offer = agent.get_by_role("alertdialog").filter(has_text=who)
    expect(offer).to_be_visible(timeout=15_000)
    offer.get_by_role("button").first.click()
    reply = agent.locator("textarea").first
    reply.fill({"en": "Yes, we roasted a fresh batch this morning. Would you like it whole or ground?",
                "it": "Sì, ne abbiamo tostato un lotto stamattina. Lo preferisci in grani o macinato?",
                "es": "Sí, tostamos un lote esta mañana. ¿Lo quieres en grano o molido?"}[lang])
    reply.press("Enter")
    expect(customer.get_by_role("log").locator(".theirs")).to_have_count(1, timeout=10_000)
    both(customer, "chat")
    both(agent, "agent")
    c = conversation_of(desk, who)
    agent_token = server.login("wendy@example.com", AGENT_PASSWORD)
    server.call("POST", f"/api/v1/conversations/{c['id']}/close", {}, token=agent_token)
    expect(dialog.get_by_role("radio")).to_have_count(5, timeout=10_000)
    dialog.get_by_role("radio").nth(4).check()
    both(customer, "rating")
    # Nothing of the panel left in English in another language.
    if lang != "en":
        text = dialog.inner_text()
        for english in ["How did we do?", "Write a message", "Not now", "Send rating", "Conversation", "Excellent"]:
            assert english not in text, f"{lang}: {english!r} left in {text!r}"
