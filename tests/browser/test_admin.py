"""The admin pages in a real browser: a user invited with a one-time password who then signs
in, a team with that user, an inbox served by the team and a canned response, all used from
the agent workspace; field errors next to their fields; refusals in words; markup as text;
supervisors refused; Italian and Spanish; a live-chat inbox's widget settings, identity secret
and snippet; webhooks with their secret shown once, their state and their delivery log."""

import hashlib
import hmac
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from conftest import customer, shot, sign_in, sign_in_any_language

XSS = "<img src=x onerror=alert(1)> Team"


def open_admin(page, server, section="users", email="admin@example.com"):
    sign_in(page, server, email)
    page.goto(f"{server.url}/admin/?s={section}")


def test_a_new_desk_is_set_up_without_the_api_and_used_from_the_workspace(server, new_page):
    page = new_page(width=1280, height=1000)
    open_admin(page, server)
    # A user, invited with a one-time password.
    page.get_by_role("button", name="Invite a user").click()
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Name", exact=True).fill("Nadia New")
    page.get_by_label("Capacity").fill("4")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text("Created.")
    secret = page.locator(".secret-value").inner_text()
    assert len(secret) == 16
    expect(page.get_by_role("row", name=re.compile("Nadia New"))).to_contain_text("Agent")
    shot(page, "admin-users")
    # A team with her (and a name that looks like markup).
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Teams").click()
    page.get_by_role("button", name="New team").click()
    page.get_by_label("Name", exact=True).fill(XSS)
    page.get_by_label("Nadia New").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("row", name=re.compile("Nadia New"))).to_contain_text(XSS)
    # An inbox the team serves, with offers.
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Inboxes").click()
    page.get_by_role("button", name="New inbox").click()
    page.get_by_label("Name", exact=True).fill("Nadia's inbox")
    page.get_by_label("Assignment").select_option("least_busy")
    page.get_by_label(XSS).check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("row", name=re.compile("Nadia's inbox"))).to_contain_text(XSS)
    shot(page, "admin-inboxes")
    # A canned response, previewed with its placeholders filled.
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Canned responses").click()
    page.get_by_role("button", name="New canned response").click()
    page.get_by_label("Shortcut").fill("nadia")
    page.get_by_label("Title").fill("Nadia's greeting")
    page.get_by_label("Text").fill("Hello {{contact.name}}, this is {{agent.name}} about {{conversation.number}} {{oops}}")
    expect(page.locator(".preview-body")).to_have_text("Hello María López, this is Alex Admin about #1042 {{oops}}")
    expect(page.locator(".preview")).to_contain_text("Not filled by any conversation: {{oops}}")
    shot(page, "admin-canned")
    # The server refuses the unknown placeholder, under the text's field; fixed, it is saved.
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#canned-body-error")).to_contain_text("oops")
    page.get_by_label("Text").fill("Hello {{contact.name}}, this is {{agent.name}} about {{conversation.number}}")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("row", name=re.compile("Nadia's greeting"))).to_be_visible()

    # Nadia signs in with the one-time password, chooses her own, and gets the inbox's work.
    inbox = next(i for i in server.call("GET", "/api/v1/inboxes")["items"] if i["name"] == "Nadia's inbox")
    nadia = new_page()
    nadia.goto(server.url + "/agent/")
    nadia.get_by_label("Email").fill("nadia@example.com")
    nadia.get_by_label("Password", exact=True).fill(secret)
    nadia.get_by_role("button", name="Sign in").click()
    nadia.get_by_label("New password", exact=True).fill("nadia-pass-123")
    nadia.get_by_label("Confirm new password").fill("nadia-pass-123")
    nadia.get_by_role("button", name="Save and continue").click()
    expect(nadia.get_by_role("navigation", name="Conversation views")).to_be_visible()
    expect(nadia.get_by_role("banner")).to_contain_text("Nadia New")
    server.call("POST", "/api/v1/conversations", {
        "inbox_id": inbox["id"], "contact": {"name": "Olivia Offer"},
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "hi"}]},
    })
    offer = nadia.get_by_role("alertdialog", name="New conversation with Olivia Offer")
    expect(offer).to_be_visible(timeout=15_000)
    offer.get_by_role("button", name="Accept").click()
    # Her canned response, from the composer.
    nadia.get_by_label("Reply to the customer").fill("/nadia")
    expect(nadia.get_by_role("option", name=re.compile("Nadia's greeting"))).to_be_visible()


def test_field_errors_and_refusals_are_said_where_they_belong(server, new_page):
    page = new_page()
    open_admin(page, server)
    page.get_by_role("button", name="Invite a user").click()
    page.get_by_label("Email").fill("ana@example.com")  # taken
    page.get_by_label("Name", exact=True).fill("Another Ana")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".record-form")).to_contain_text(re.compile("already|in use|exists", re.I))
    shot(page, "admin-field-error")
    # An inbox with conversations cannot be deleted: the server says why, nothing changes.
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Inboxes").click()
    row = page.get_by_role("row", name=re.compile("Web chat"))
    row.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("conversation", re.I))
    expect(page.get_by_role("row", name=re.compile("Web chat"))).to_be_visible()
    # Settings: a time zone that does not exist is refused under its field.
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="Workspace settings").click()
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#settings-time_zone-error")).to_be_visible()
    assert server.call("GET", "/api/v1/settings")["time_zone"] != "Mars/Olympus"


def test_tokens_show_their_secret_once_and_can_be_revoked(server, new_page):
    page = new_page()
    open_admin(page, server, "tokens")
    page.get_by_role("button", name="New token").click()
    page.get_by_label("Token name").fill("CRM bridge")
    page.get_by_role("button", name="Create").click()
    token = page.locator(".secret-value").inner_text()
    assert server.call("GET", "/api/v1/me", token=token)["email"] == "admin@example.com"
    page.get_by_role("button", name="Revoke: CRM bridge").click()
    expect(page.get_by_role("status")).to_contain_text("CRM bridge revoked.")
    shot(page, "admin-tokens")


def test_supervisors_are_refused_and_italian_has_no_english(server, new_page):
    page = new_page()
    open_admin(page, server, email="supervisor@example.com")
    expect(page.get_by_role("heading", name="This page is for administrators")).to_be_visible()
    page = new_page(locale="it")
    sign_in_any_language(page, server, "admin@example.com")
    page.goto(server.url + "/admin/?s=inboxes")
    expect(page.get_by_role("heading", name="Caselle")).to_be_visible()
    ui = " ".join(page.locator("header, .admin-nav, .section-head, thead").all_inner_texts())
    for word in ["Users", "Inboxes", "Teams", "Settings", "New inbox", "Name", "Assignment", "Actions"]:
        assert not re.search(rf"\b{re.escape(word)}\b", ui), f"{word!r} left in {ui!r}"
    shot(page, "admin-it")
    page = new_page(locale="es")
    sign_in_any_language(page, server, "admin@example.com")
    page.goto(server.url + "/admin/?s=users")
    page.get_by_role("button", name="Invitar a un usuario").click()
    ui = " ".join(page.locator("header, .admin-nav, .section-head, thead, .record-form").all_inner_texts())
    for word in ["Users", "Invite", "Name", "Role", "Capacity", "Create", "Cancel", "Actions"]:
        assert not re.search(rf"\b{re.escape(word)}\b", ui), f"{word!r} left in {ui!r}"
    shot(page, "admin-es")


def edit_inbox(page, server, name, signed_in=False):
    """Opens the admin's inboxes and the form of inbox `name`; returns the form's widget part."""
    if signed_in:
        page.goto(f"{server.url}/admin/?s=inboxes")
    else:
        open_admin(page, server, "inboxes")
    page.get_by_role("button", name=f"Edit {name}").click()
    return page.get_by_role("group", name="Widget")


def test_a_live_chat_inbox_keeps_its_widget_settings_and_gives_its_snippet_and_secret(server, new_page):
    inbox = server.call("POST", "/api/v1/inboxes", {"name": "Shop chat", "channel": "livechat"})
    page = new_page(width=1280, height=1100)
    widget = edit_inbox(page, server, "Shop chat")
    expect(widget).to_contain_text("The widget works only on these sites and on this server's own pages.")
    widget.get_by_label("Colour").fill("#0e9384")
    widget.get_by_label("Greeting").fill("Hi! Ask us about your order.")
    widget.get_by_label("Allowed websites").fill("https://shop.example.com\nhttps://www.example.org:8443/")
    widget.get_by_label("Ask for the name before the chat").select_option("required")
    widget.get_by_label("Ask for the email before the chat").select_option("off")
    widget.get_by_label("When nobody is available").select_option("hide")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    saved = server.call("GET", f"/api/v1/inboxes/{inbox['id']}")["widget"]
    assert saved == {
        "color": "#0e9384", "greeting": "Hi! Ask us about your order.",
        "allowed_origins": ["https://shop.example.com", "https://www.example.org:8443"],
        "prechat_name": "required", "prechat_email": "off", "offline": "hide", "identity_secret_set": False,
    }, saved
    # Read again from the server, the form shows what was saved.
    widget = edit_inbox(page, server, "Shop chat", signed_in=True)
    expect(widget.get_by_label("Colour")).to_have_value("#0e9384")
    expect(widget.get_by_label("Greeting")).to_have_value("Hi! Ask us about your order.")
    expect(widget.get_by_label("Allowed websites")).to_have_value("https://shop.example.com\nhttps://www.example.org:8443")
    expect(widget.get_by_label("Ask for the name before the chat")).to_have_value("required")
    expect(widget.get_by_label("When nobody is available")).to_have_value("hide")
    # The snippet names this inbox on this server, and the demo page tries it.
    snippet = f'<script src="{server.url}/widget/widget.js" data-inbox="{inbox["id"]}" async></script>'
    expect(widget.locator(".snippet code")).to_have_text(snippet)
    expect(widget.get_by_role("link", name="Try it as a customer")).to_have_attribute("href", f"/widget/demo.html?inbox={inbox['id']}")
    # The identity secret: none yet; a new one is shown once and signs customer ids.
    identity = widget.get_by_role("group", name=re.compile("^Identity secret"))
    expect(identity).to_contain_text("Not set")
    identity.get_by_role("button", name="New secret", exact=True).click()
    first = identity.locator(".secret-value").inner_text()
    expect(identity).to_contain_text("Set")
    shot(page, "admin-widget")
    signature = hmac.new(first.encode(), b"cust-42", hashlib.sha256).hexdigest()
    made = customer(server, "/sessions", {"inbox_id": inbox["id"], "name": "Signed Sam", "customer_id": "cust-42",
                                          "customer_signature": signature})
    assert made["token"].startswith("wt_")
    # Replacing it is asked first; the new one differs.
    identity.get_by_role("button", name="New secret", exact=True).click()
    identity.get_by_role("button", name="Replace it").click()
    expect(identity.locator(".secret-value")).not_to_have_text(first)
    assert server.call("GET", f"/api/v1/inboxes/{inbox['id']}")["widget"]["identity_secret_set"] is True
    # A site written without its scheme is refused under its field, in the server's words.
    widget.get_by_label("Allowed websites").fill("shop.example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#inboxes-allowed_origins-error")).to_contain_text("is not an origin")
    # An API inbox has no widget.
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Edit WhatsApp España").click()
    expect(page.get_by_label("Assignment")).to_be_visible()
    expect(page.get_by_role("group", name="Widget")).to_have_count(0)


def test_the_widget_settings_on_a_phone_and_in_italian_and_spanish(server, new_page):
    server.call("POST", "/api/v1/inboxes", {"name": "Phone chat", "channel": "livechat"})
    page = new_page(width=390, height=844)
    widget = edit_inbox(page, server, "Phone chat")
    widget.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "admin-widget-390")
    widget.locator(".snippet").scroll_into_view_if_needed()
    shot(page, "admin-widget-390-snippet")
    for lang, legend, words in [("it", "Widget", ["Allowed", "Greeting", "Snippet", "secret", "Try it"]),
                                ("es", "Widget", ["Allowed", "Greeting", "Snippet", "secret", "Try it"])]:
        page = new_page(width=1280, height=1100, locale=lang)
        sign_in_any_language(page, server, "admin@example.com")
        page.goto(server.url + "/admin/?s=inboxes")
        page.get_by_role("row", name=re.compile("Phone chat")).get_by_role("button").first.click()
        part = page.get_by_role("group", name=legend)
        part.scroll_into_view_if_needed()
        text = part.inner_text()
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"{lang}: {word!r} left in {text!r}"
        shot(page, f"admin-widget-{lang}")


class Receiver:
    """A webhook receiver on loopback that answers 200 and keeps what it was sent."""

    def __init__(self):
        got = self.got = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_port}/hooks/switchboard"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self):
        self.http.shutdown()


def test_a_webhook_shows_its_secret_once_and_its_deliveries(server, new_page):
    receiver = Receiver()
    try:
        page = new_page(width=1280, height=1000)
        open_admin(page, server, "webhooks")
        expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("X-Switchboard-Signature")
        page.get_by_role("button", name="New webhook").click()
        page.get_by_label("Address (URL)").fill(receiver.url)
        page.get_by_label("Description").fill("Browser test receiver")
        page.get_by_label("Conversation created").uncheck()
        page.get_by_label("New message").check()
        page.get_by_role("button", name="Create").click()
        expect(page.get_by_role("status")).to_contain_text("Created.")
        secret = page.locator(".secret-value").inner_text()
        assert len(secret) >= 16
        # (.first: while its form is open, the form's row names the address too)
        row = page.get_by_role("row", name=receiver.url).first
        expect(row).to_contain_text("message.created")
        expect(row).not_to_contain_text("conversation.created")
        expect(row).to_contain_text("Active")
        shot(page, "admin-webhook-created")
        # Shown once: the list has no secret, and neither does the page after a reload.
        listed = server.call("GET", "/api/v1/webhooks")["items"]
        hook = next(w for w in listed if w["url"] == receiver.url)
        assert "secret" not in hook and hook["events"] == ["message.created"]
        page.reload()
        expect(row).to_be_visible()
        expect(page.locator(".secret-value")).to_have_count(0)

        # A message is delivered, signed; the log says so.
        server.call("POST", "/api/v1/conversations", {
            "inbox_id": server.call("GET", "/api/v1/inboxes")["items"][0]["id"], "contact": {"name": "Hook Harriet"},
            "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "for the webhook"}]},
        })
        for _ in range(100):
            if receiver.got:
                break
            page.wait_for_timeout(100)
        assert receiver.got, "nothing delivered"
        # Signed as the page says: t=TIME,v1=HMAC-SHA256(secret, "TIME." + body), with the secret shown once.
        headers, body = receiver.got[0]
        signed = dict(part.split("=", 1) for part in {k.lower(): v for k, v in headers.items()}["x-switchboard-signature"].split(","))
        assert signed["v1"] == hmac.new(secret.encode(), f"{signed['t']}.".encode() + body, hashlib.sha256).hexdigest()
        row.get_by_role("button", name=f"Deliveries: {receiver.url}").click()
        log = page.get_by_role("region", name=f"Deliveries to {receiver.url}")
        expect(log.get_by_role("row", name=re.compile("message.created")).first).to_contain_text("Delivered")
        expect(log.get_by_role("row", name=re.compile("message.created")).first).to_contain_text("200")
        shot(page, "admin-webhook-deliveries")

        # A new secret is asked for twice, then shown once.
        row.get_by_role("button", name=f"New secret: {receiver.url}").click()
        page.get_by_role("group", name=re.compile("Replace the signing secret")).get_by_role("button", name="New secret").click()
        expect(page.get_by_role("status")).to_contain_text("has a new signing secret")
        assert page.locator(".secret-value").inner_text() not in ("", secret)
        # Turned off from its form: disabled, with the server's reason and a Resume button.
        row.get_by_role("button", name=f"Edit: {receiver.url}").click()
        page.get_by_label("Deliveries on").uncheck()
        page.get_by_role("button", name="Save").click()
        expect(row).to_contain_text("Disabled")
        expect(row.locator(".wh-reason")).not_to_be_empty()
        shot(page, "admin-webhook-disabled")
        row.get_by_role("button", name=f"Resume: {receiver.url}").click()
        expect(row).to_contain_text("Active")
        expect(row.get_by_role("button", name=f"Resume: {receiver.url}")).to_have_count(0)
        # Removed after a second question.
        row.get_by_role("button", name=f"Delete: {receiver.url}").click()
        page.get_by_role("group", name=re.compile("Delete this webhook")).get_by_role("button", name="Delete").click()
        expect(row).to_have_count(0)
        assert all(w["url"] != receiver.url for w in server.call("GET", "/api/v1/webhooks")["items"])
    finally:
        receiver.close()


def test_webhooks_on_a_phone_and_in_italian_and_spanish(server, new_page):
    server.call("POST", "/api/v1/webhooks", {"url": "https://crm.example.com/hooks/switchboard/a-rather-long-path-that-must-wrap",
                                             "events": ["conversation.created", "conversation.closed", "rating.created"],
                                             "description": "CRM"})
    page = new_page(width=390, height=844)
    open_admin(page, server, "webhooks")
    expect(page.get_by_text("a-rather-long-path-that-must-wrap", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "admin-webhooks-390")
    for lang, heading, words in [("it", "Webhook", ["Events", "Inboxes", "Deliveries", "Actions", "Delete", "Edit"]),
                                 ("es", "Webhooks", ["Events", "Inboxes", "Deliveries", "Actions", "Delete", "Edit"])]:
        page = new_page(locale=lang)
        sign_in_any_language(page, server, "admin@example.com")
        page.goto(server.url + "/admin/?s=webhooks")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        text = page.locator(".admin-main").inner_text()
        for word in words:
            assert not re.search(rf"\b{re.escape(word)}\b", text), f"{lang}: {word!r} left in {text!r}"
        shot(page, f"admin-webhooks-{lang}")
