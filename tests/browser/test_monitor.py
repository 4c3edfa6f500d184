"""The supervisor's live monitor in a real browser: agents refused, a status change seen
live, search by a phone fragment, filters kept in the URL, ending with a justification, the
bulk end refusing conversations in progress, Italian and Spanish, and the wallboard."""

import re

from playwright.sync_api import expect

from conftest import AGENT_PASSWORD, handoff, shot, sign_in, sign_in_any_language


def open_monitor(page, server, email="supervisor@example.com", query=""):
    sign_in(page, server, email)
    page.goto(server.url + "/monitor/" + query)


def test_an_agent_is_sent_back_to_the_workspace(server, new_page):
    page = new_page()
    open_monitor(page, server, "ana@example.com")
    expect(page.get_by_role("heading", name="This page is for supervisors")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the workspace")).to_have_attribute("href", "/agent/")
    expect(page.get_by_role("table")).to_have_count(0)
    shot(page, "monitor-refused")


def test_an_agents_status_change_shows_live(server, team, new_page):
    page = new_page()
    open_monitor(page, server, query="?tab=agents")
    row = page.get_by_role("row", name=re.compile("Olga"))
    expect(row).to_be_visible()
    token = server.login("olga@example.com", AGENT_PASSWORD)
    server.call("PUT", "/api/v1/me/status", {"status": "away"}, token=token)
    expect(row).to_contain_text("Away")
    server.call("PUT", "/api/v1/me/status", {"status": "available"}, token=token)
    expect(row).to_contain_text("Available")
    shot(page, "monitor-agents")


def test_search_by_phone_fragment_and_filters_survive_a_reload(server, team, new_page):
    c = handoff(server, team["desk"], "Zelda Phoneton", "ciao")
    server.call("PATCH", f"/api/v1/contacts/{c['contact']['id']}", {"phone": "+39 347 918 2736"})
    page = new_page()
    open_monitor(page, server)
    page.get_by_label("Search").fill("918 27")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("row", name=re.compile("Zelda Phoneton"))).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_label("Status").select_option("queued")
    expect(page).to_have_url(re.compile(r"q=918\+27.*status=queued|status=queued.*q=918\+27"))
    page.reload()
    expect(page.get_by_label("Search")).to_have_value("918 27")
    expect(page.get_by_label("Status")).to_have_value("queued")
    expect(page.get_by_role("row", name=re.compile("Zelda Phoneton"))).to_be_visible()
    shot(page, "monitor-search")
    # By a part of an email, ignoring case.
    handoff(server, team["desk"], "Emil Mailer", "hi", email="emil.mailer@example.org")
    page.get_by_label("Status").select_option("")
    page.get_by_label("Search").fill("MAILER@EXAMPLE")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("row", name=re.compile("Emil Mailer"))).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)


def test_a_transfer_from_a_row_shows_in_the_row(server, team, new_page):
    waiting = handoff(server, team["desk"], "Wanda Waiting", "hello")
    c = handoff(server, team["desk"], "Tomas Transferred", "hello")
    server.call("POST", f"/api/v1/conversations/{c['id']}/assign", {},
                token=server.login("olga@example.com", AGENT_PASSWORD))
    page = new_page()
    open_monitor(page, server)
    row = page.get_by_role("row", name=re.compile("Tomas Transferred"))
    row.get_by_role("button", name="Transfer the conversation with Tomas Transferred").click()
    row.get_by_label("Transfer to").select_option(label="Browser team")
    row.get_by_label("Note for them (optional)").fill("VIP, <b>handle</b> today")
    row.get_by_role("button", name="Transfer", exact=True).click()
    expect(row).to_contain_text("Transferred.")
    expect(row).to_contain_text("Browser team")
    got = server.call("GET", f"/api/v1/conversations/{c['id']}")
    assert (got["team_id"], got["transfer_count"]) == (team["team"], 1)
    expect(row.locator("td").nth(10)).to_have_text("1")
    # A refusal is said in the server's words, in the row, and changes nothing.
    other = page.get_by_role("row", name=re.compile("Wanda Waiting"))
    other.get_by_role("button", name="Transfer the conversation with Wanda Waiting").click()
    other.get_by_label("Transfer to").select_option(label="Browser team")
    other.get_by_role("button", name="Transfer", exact=True).click()
    expect(other.get_by_role("alert")).to_contain_text("must be accepted before you transfer it")
    assert server.call("GET", f"/api/v1/conversations/{waiting['id']}")["transfer_count"] == 0
    shot(page, "monitor-transfer")


def test_ending_needs_a_justification_and_bulk_end_refuses_work_in_progress(server, team, new_page):
    queued = handoff(server, team["desk"], "Quentin Queue", "hello")
    busy = handoff(server, team["desk"], "Ines Inprogress", "hello")
    server.call("POST", f"/api/v1/conversations/{busy['id']}/assign", {},
                token=server.login("olga@example.com", AGENT_PASSWORD))
    lone = handoff(server, team["desk"], "Luca Lone", "hello")
    page = new_page()
    open_monitor(page, server)
    # One by one: a justification is required.
    page.get_by_role("button", name="End the conversation with Luca Lone").click()
    page.get_by_role("button", name="End", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the conversation is ended.")
    page.get_by_label("Why it is ended (required)").fill("Duplicate of another request")
    page.get_by_label("Wrap-up reason").select_option(index=1)  # this inbox requires one
    page.get_by_role("button", name="End", exact=True).click()
    expect(page.get_by_role("row", name=re.compile("Luca Lone"))).to_have_count(0)
    assert server.call("GET", f"/api/v1/conversations/{lone['id']}")["status"] == "closed"
    # Together: the one in progress is refused, in its row, with the reason.
    page.get_by_label("Select the conversation with Quentin Queue").check()
    page.get_by_label("Select the conversation with Ines Inprogress").check()
    page.get_by_placeholder("Why it is ended (required)").fill("Cleaning up")
    page.get_by_label("Wrap-up reason").select_option(index=1)
    page.get_by_role("button", name="End the selected").click()
    expect(page.get_by_text("1 ended, 1 refused")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ines Inprogress"))).to_contain_text("in progress")
    assert server.call("GET", f"/api/v1/conversations/{queued['id']}")["status"] == "closed"
    assert server.call("GET", f"/api/v1/conversations/{busy['id']}")["status"] == "open"
    shot(page, "monitor-bulk-end")


def test_italian_spanish_and_the_wallboard(server, new_page):
    for lang, waiting in [("it", "In attesa"), ("es", "En espera")]:
        page = new_page(locale=lang)
        sign_in_any_language(page, server, "supervisor@example.com")
        page.goto(server.url + "/monitor/")
        expect(page.locator(".counts")).to_contain_text(waiting)
        ui = " ".join(page.locator("header, .counts, .tabs, .filters-bar, thead").all_inner_texts())
        for word in ["Waiting", "In progress", "Longest wait", "Conversations", "Search", "Customer", "Duration"]:
            assert not re.search(rf"\b{re.escape(word)}\b", ui), f"{lang}: {word!r} left in {ui!r}"
        shot(page, f"monitor-{lang}")
    page = new_page(width=1920, height=1080)
    open_monitor(page, server)
    page.get_by_role("button", name="Wallboard").click()
    wall = page.get_by_role("region", name="Wallboard")
    expect(wall).to_contain_text("Waiting")
    expect(page).to_have_url(re.compile("wall=1"))
    size = page.locator(".wall-value").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 96, f"wallboard numbers are {size}px"
    shot(page, "monitor-wallboard")


def test_each_inbox_sets_when_a_wait_turns_amber_and_red(server, new_page):
    # The demo's waiting conversations have waited for hours. Chat Italia turns amber after a
    # minute and red after a day; Web chat keeps the defaults, 2 and 5 minutes.
    inboxes = {i["name"]: i["id"] for i in server.call("GET", "/api/v1/inboxes")["items"]}
    server.call("PATCH", f"/api/v1/inboxes/{inboxes['Chat Italia']}", {"wait_amber_secs": 60, "wait_red_secs": 86400})
    token = server.login("supervisor@example.com")
    rows = server.call("GET", "/api/v1/monitor/conversations?limit=500", token=token)["items"]
    waiting = lambda name: next(r for r in rows if r["inbox"]["name"] == name and r.get("waiting_since")
                                and r["customer"]["name"] not in {x["customer"]["name"] for x in rows if x["id"] != r["id"]})
    italian, web = waiting("Chat Italia"), waiting("Web chat")
    page = new_page()
    open_monitor(page, server)
    expect(page.get_by_role("row", name=re.compile(re.escape(italian["customer"]["name"])))).to_have_class("wait-amber")
    expect(page.get_by_role("row", name=re.compile(re.escape(web["customer"]["name"])))).to_have_class("wait-red")
    shot(page, "monitor-thresholds")


def test_an_ended_session_signs_in_again_to_the_same_view(server, new_page):
    page = new_page()
    open_monitor(page, server, query="?tab=agents&status=offline")
    expect(page.get_by_role("tab", name="Agents")).to_have_attribute("aria-selected", "true")
    token = page.evaluate("localStorage.getItem('switchboard.token')")
    server.call("POST", "/api/v1/auth/logout", token=token)
    expect(page.get_by_role("status")).to_contain_text("Your session has ended", timeout=20_000)
    page.get_by_label("Email").fill("supervisor@example.com")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("tab", name="Agents")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Status")).to_have_value("offline")
    expect(page).to_have_url(re.compile(r"tab=agents.*status=offline|status=offline.*tab=agents"))
