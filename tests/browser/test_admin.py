"""The admin pages in a real browser: a user invited with a one-time password who then signs
in, a team with that user, an inbox served by the team and a canned response, all used from
the agent workspace; field errors next to their fields; refusals in words; markup as text;
supervisors refused; Italian and Spanish."""

import re

from playwright.sync_api import expect

from conftest import shot, sign_in, sign_in_any_language

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
