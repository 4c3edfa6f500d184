"""The agent workspace in a real browser: signing in, offers and RONA, replies and notes,
markup shown as text, transfers seen live in a second browser, closing with a required
wrap-up reason, search highlights, three languages, a restart under an open page, the
keyboard alone and a phone's width (typing and ratings live: test_agent_live.py)."""

import re
import time

from playwright.sync_api import expect

from conftest import AGENT_PASSWORD, ROOT, Server, handoff, shot, sign_in

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold?</b>"]


def take(server, c, email):
    """The agent `email` takes conversation `c` through the API."""
    token = server.login(email, AGENT_PASSWORD)
    server.call("POST", f"/api/v1/conversations/{c['id']}/assign", {}, token=token)


def olga_opens(server, team, new_page, name, text):
    """A conversation from `name` in the desk inbox, taken by Olga and open in her page."""
    c = handoff(server, team["desk"], name, text)
    take(server, c, "olga@example.com")
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("option", name=re.compile(name)).click()
    return c, page


def test_each_role_signs_in_to_the_workspace(server, new_page):
    for email, name in [("admin@example.com", "Alex Admin"), ("supervisor@example.com", "Sofia Supervisor"),
                        ("ana@example.com", "Ana Ruiz")]:
        page = new_page()
        sign_in(page, server, email)
        expect(page.get_by_role("banner")).to_contain_text(name)
        expect(page.get_by_role("button", name=re.compile("^Mine"))).to_be_visible()
        shot(page, f"agent-signed-in-{email.split('@')[0]}")
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("status")).to_contain_text("You have signed out.")


def test_a_reload_asks_the_api_for_nothing_twice(server, new_page):
    """boot.js starts the desk's first requests while the page's code loads; the desk takes
    those answers instead of asking again, so each path is requested once."""
    page = new_page()
    sign_in(page, server, "ana@example.com")
    asked = []
    page.on("request", lambda r: "/api/v1/" in r.url and asked.append(r.url.split("/api/v1/")[1]))
    page.reload()
    expect(page.get_by_role("listbox").get_by_role("option").first).to_be_visible()
    page.wait_for_timeout(1000)
    firsts = [a for a in asked if not a.startswith("events") and not re.search(r"/timeline\?limit=6$", a)]
    assert len(firsts) == len(set(firsts)), f"asked twice: {sorted(a for a in firsts if firsts.count(a) > 1)}"
    # Exactly what boot.js prefetches: a path the desk asks for differently would show here.
    boot = re.findall(r"'/api/v1/([^']+)'", (ROOT / "static" / "agent" / "boot.js").read_text())
    assert sorted(firsts) == sorted(boot), (firsts, boot)


def test_an_offer_times_out_to_rona_then_is_accepted_after_going_available(server, team, new_page):
    page = new_page()
    sign_in(page, server, "olga@example.com")
    handoff(server, team["offers"], "Rona Tester", "Hello, is anyone there?")
    offer = page.get_by_role("alertdialog", name="New conversation with Rona Tester")
    expect(offer).to_be_visible(timeout=10_000)
    shot(page, "agent-offer")
    # Nobody answers for 6 s: the offer goes, and Olga is in RONA.
    expect(offer).to_be_hidden(timeout=15_000)
    expect(page.get_by_role("banner")).to_contain_text("No answer", timeout=10_000)
    shot(page, "agent-rona")
    page.get_by_role("button", name="Back to available").click()
    expect(offer).to_be_visible(timeout=15_000)
    offer.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("region", name="Conversation").get_by_role("heading", name=re.compile("Rona Tester"))).to_be_visible()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Hello, is anyone there?")


def test_replies_notes_and_markup_are_text(server, team, new_page):
    page = new_page()
    sign_in(page, server, "olga@example.com")
    c = handoff(server, team["desk"], XSS[1], XSS[0] + " " + XSS[2])
    take(server, c, "olga@example.com")
    page.get_by_role("button", name=re.compile("^Mine")).click()
    page.get_by_role("option", name=re.compile(re.escape(XSS[1]))).click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text(XSS[0] + " " + XSS[2])
    expect(page.get_by_role("complementary")).to_contain_text(XSS[1])
    box = page.get_by_label("Reply to the customer")
    box.fill("We are on it " + XSS[1])
    box.press("Enter")
    expect(timeline).to_contain_text("We are on it " + XSS[1])
    expect(page.get_by_role("option", name=re.compile(re.escape(XSS[1])))).to_contain_text("Reply: We are on it " + XSS[1])
    page.get_by_role("radio", name="Internal note").click()
    page.get_by_label("Internal note, seen by staff only").fill("Check the refund " + XSS[0])
    page.get_by_role("button", name="Add note").click()
    note = timeline.get_by_role("listitem").filter(has_text="Check the refund")
    expect(note).to_contain_text("Internal note")
    assert page.locator("img[src=x], script:not([src]):not([type=importmap]), b").count() == 0
    shot(page, "agent-reply-note-xss")


def test_a_transfer_reaches_a_colleague_live_and_closing_needs_a_reason(server, team, new_page):
    olga, pia = new_page(), new_page()
    sign_in(olga, server, "olga@example.com")
    sign_in(pia, server, "pia@example.com")
    c = handoff(server, team["desk"], "Tom Transfer", "I need a hand with my invoice")
    take(server, c, "olga@example.com")
    olga.get_by_role("button", name=re.compile("^Mine")).click()
    olga.get_by_role("option", name=re.compile("Tom Transfer")).click()
    olga.get_by_role("button", name="Transfer").click()
    olga.get_by_label("Transfer to").select_option(value=f"agent:{team['pia']}")
    olga.get_by_label("Note for them (optional)").fill("Invoice question, VIP")
    olga.get_by_role("form", name="Transfer").get_by_role("button", name="Transfer").click()
    # Pia's browser hears of it without a reload.
    offer = pia.get_by_role("alertdialog", name="New conversation with Tom Transfer")
    expect(offer).to_be_visible(timeout=10_000)
    expect(offer).to_contain_text("Invoice question, VIP")
    shot(pia, "agent-transfer-received")
    offer.get_by_role("button", name="Accept").click()
    expect(pia.get_by_role("list", name="Messages")).to_contain_text("I need a hand with my invoice")
    pia.get_by_role("button", name="Close", exact=True).click()
    pia.get_by_role("button", name="Close conversation").click()
    expect(pia.get_by_role("alert")).to_contain_text("needs a wrap-up reason")
    pia.get_by_label("Find a reason…").fill("solv")
    expect(pia.get_by_label("Wrap-up reason (required in this inbox)").locator("option")).to_have_count(2)
    pia.get_by_label("Wrap-up reason (required in this inbox)").select_option(label="Solved")
    pia.get_by_role("button", name="Close conversation").click()
    conversation = pia.get_by_role("region", name="Conversation")
    expect(conversation.get_by_role("heading", name=re.compile("Tom Transfer"))).to_be_visible()
    expect(conversation).to_contain_text("Closed")
    pia.get_by_role("button", name="Reopen").click()
    expect(conversation).to_contain_text("Open")
    shot(pia, "agent-reopened")


def test_search_marks_what_matched(server, new_page):
    page = new_page()
    sign_in(page, server, "ana@example.com")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Search conversations").fill("rimbors*")
    page.get_by_label("Search conversations").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("found")
    first = page.locator("mark").first
    expect(first).to_have_text(re.compile("^rimbors$", re.I))
    shot(page, "agent-search")


def test_italian_and_spanish_leave_no_english_on_screen(server, new_page):
    english = ["Mine", "Unassigned", "Sign out", "Longest waiting", "Pick a conversation", "Search"]
    for lang, mine, signout in [("it", "Mie", "Esci"), ("es", "Mías", "Cerrar sesión")]:
        page = new_page(locale=lang)
        page.goto(server.url + "/agent/")
        page.locator("#login-email").fill("ana@example.com")
        page.locator("#login-password").fill("demo")
        page.locator("form button[type=submit]").click()
        expect(page.get_by_role("button", name=re.compile(f"^{mine}"))).to_be_visible()
        page.get_by_role("listbox").get_by_role("option").first.click()
        page.wait_for_timeout(500)
        ui = " ".join(page.locator("nav, header, .list-head, .composer, .actions, .pane-contact h3, .entry-system > span")
                      .all_inner_texts())
        said = page.locator(".entry-system > span").all_inner_texts()
        assert said and all(("conversa" in x or "Offert" in x or "Ofrecid" in x) for x in said), said
        for sentence in ["took the conversation", "handed the conversation", "Offered to", "closed the conversation"]:
            assert sentence not in ui, f"{lang}: a system entry left in English: {ui!r}"
        for word in english:
            assert not re.search(rf"\b{re.escape(word)}\b", ui), f"{lang}: {word!r} left in {ui!r}"
        expect(page.get_by_role("button", name=signout)).to_be_visible()
        shot(page, f"agent-desk-{lang}")
        page.set_viewport_size({"width": 400, "height": 800})
        shot(page, f"agent-phone-{lang}")


def test_a_restart_under_an_open_page_shows_what_was_missed_once(new_page):
    server = Server()
    try:
        page = new_page()
        sign_in(page, server, "ana@example.com")
        mine = server.call("GET", "/api/v1/conversations?view=mine&limit=1", token=server.login("ana@example.com"))
        c = mine["items"][0]
        page.get_by_role("option", name=re.compile(re.escape(c["contact"]["name"]))).first.click()
        timeline = page.get_by_role("list", name="Messages")
        expect(timeline).to_be_visible()
        server.stop()
        expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible(timeout=10_000)
        shot(page, "agent-reconnecting")
        server.start()
        server.admin = server.login("admin@example.com")
        server.call("POST", f"/api/v1/conversations/{c['id']}/messages", {"kind": "note", "text": "Missed while away"})
        expect(timeline.get_by_text("Missed while away")).to_have_count(1, timeout=20_000)
        expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_hidden()
        time.sleep(1)
        expect(timeline.get_by_text("Missed while away")).to_have_count(1)
    finally:
        server.stop()


def test_a_whole_flow_by_keyboard(server, team, new_page):
    # An inbox of its own whose offers wait two minutes: the shared one times offers out after
    # 6 s (for the RONA test), less than a loaded machine may take to open the page and sign in.
    pia_alone = server.call("POST", "/api/v1/teams", {"name": "Keyboard team", "members": [team["pia"]]})
    inbox = server.call("POST", "/api/v1/inboxes", {
        "name": "Keyboard offers", "team_ids": [pia_alone["id"]], "assignment": "least_busy",
        "offer_timeout_secs": 120, "wrap_up_required": True,
    })
    server.call("PUT", f"/api/v1/users/{team['pia']}/status", {"status": "available"})
    handoff(server, inbox["id"], "Kim Keys", "Can I do this without a mouse?")
    page = new_page()
    # A slow device (its CPU ten times slower) until the offer is accepted: the shortcuts must
    # work from the first paint, not some time after it.
    cpu = page.context.new_cdp_session(page)
    cpu.send("Emulation.setCPUThrottlingRate", {"rate": 10})
    page.goto(server.url + "/agent/")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("pia@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(AGENT_PASSWORD)
    page.keyboard.press("Enter")
    offer = page.get_by_role("alertdialog", name="New conversation with Kim Keys")
    expect(offer).to_be_visible(timeout=10_000)
    page.keyboard.press("a")  # accept the offer
    box = page.get_by_label("Reply to the customer")
    expect(page.get_by_role("region", name="Conversation").get_by_role("heading", name=re.compile("Kim Keys"))).to_be_visible(timeout=15_000)
    cpu.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.keyboard.press("r")  # to the composer
    expect(box).to_be_focused()
    page.keyboard.type("Yes: Enter sends")
    page.keyboard.press("Control+Enter")
    page.keyboard.type("and Ctrl+Enter adds a line.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Yes: Enter sends\nand Ctrl+Enter adds a line.")
    # The composer keeps the focus for the next message.
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    # Escape leaves the composer; c opens the close form with the reason in focus.
    page.keyboard.press("Escape")
    page.keyboard.press("c")
    reason = page.get_by_label("Wrap-up reason (required in this inbox)")
    expect(reason).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name="Conversation")).to_contain_text("Closed")
    shot(page, "agent-keyboard")


def test_the_phone_width_alternates_list_and_conversation(server, new_page):
    page = new_page(width=400, height=800)
    sign_in(page, server, "ana@example.com")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    shot(page, "agent-phone-list")
    listbox.get_by_role("option").first.click()
    expect(page.get_by_label("Reply to the customer")).to_be_visible()
    expect(listbox).to_be_hidden()
    shot(page, "agent-phone-conversation")
    page.get_by_role("button", name="← Back to the list").click()
    expect(listbox).to_be_visible()


def test_the_demo_customers_bring_offers_within_a_minute(new_page):
    server = Server(customers_every=2)
    try:
        newest = lambda: server.call("GET", "/api/v1/conversations?view=all&sort=created&limit=1")["items"][0]["number"]
        before = newest()
        page = new_page()
        sign_in(page, server, "ana@example.com")
        expect(page.get_by_role("alertdialog").first).to_be_visible(timeout=60_000)
        time.sleep(6)
        assert newest() > before, "new customers opened conversations"
        shot(page, "agent-demo-offers")
    finally:
        server.stop()


def test_a_temporary_password_is_changed_at_first_sign_in(server, new_page):
    server.call("POST", "/api/v1/users", {"email": "newhire@example.com", "name": "New Hire", "role": "agent",
                                          "password": "one-time-123", "must_change_password": True})
    page = new_page()
    page.goto(server.url + "/agent/")
    page.get_by_label("Email").fill("newhire@example.com")
    page.get_by_label("Password", exact=True).fill("one-time-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 8 characters")
    shot(page, "agent-change-password")
    page.get_by_label("New password", exact=True).fill("a-good-new-password")
    page.get_by_label("Confirm new password").fill("a-good-new-password")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("banner")).to_contain_text("New Hire")


def test_a_contact_edit_is_seen_live_by_another_agent(server, team, new_page):
    handoff(server, team["desk"], "Carla Card", "Please update my phone number", email="carla.card@example.org")
    olga, pia = new_page(), new_page()
    for page, email in [(olga, "olga@example.com"), (pia, "pia@example.com")]:
        sign_in(page, server, email)
        page.get_by_role("button", name=re.compile("^Unassigned")).click()
        page.get_by_role("option", name=re.compile("Carla Card")).click()
        expect(page.get_by_role("complementary")).to_contain_text("carla.card@example.org")
    olga.get_by_role("complementary").get_by_role("button", name="Edit").click()
    card = olga.get_by_role("complementary")
    card.get_by_label("Phone").fill("+39 333 123 9999")
    card.get_by_role("button", name="+ Add an attribute").click()
    card.get_by_label("Attribute name").fill("plan")
    card.get_by_label("Value of plan").fill("gold")
    card.get_by_label("CRM link").fill("https://crm.example.com/contacts/42")
    olga.get_by_role("button", name="Save").click()
    expect(pia.get_by_role("complementary")).to_contain_text("+39 333 123 9999", timeout=10_000)
    expect(pia.get_by_role("complementary")).to_contain_text("gold")
    expect(pia.get_by_role("complementary").get_by_role("link", name="Open in the CRM")).to_have_attribute(
        "href", "https://crm.example.com/contacts/42")
    shot(pia, "agent-contact-live")


def png(width, height):
    """A small opaque PNG (a sticker must be 512×512 and transparent)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_canned_responses_attachments_reactions_and_replies(server, team, new_page):
    c, page = olga_opens(server, team, new_page, "Ada Attach", "Here is my question about the invoice")
    timeline = page.get_by_role("list", name="Messages")
    box = page.get_by_label("Reply to the customer")
    # A canned response: / opens the list, Enter picks, Enter sends; the server fills it.
    box.fill("/hel")
    expect(page.get_by_role("listbox", name="Canned responses")).to_contain_text("/hello")
    box.press("Enter")
    box.press("Enter")
    expect(timeline).to_contain_text("Hi Ada Attach, I'm Olga Offers.")
    # A file, and a sticker the server refuses with its reason.
    page.locator("label.attach", has_text="Attach").locator("input").set_input_files(
        files=[{"name": "receipt.txt", "mimeType": "text/plain", "buffer": b"Receipt 42"}])
    expect(page.get_by_role("list", name="Files for this message")).to_contain_text("receipt.txt")
    page.locator("label.attach", has_text="Sticker").locator("input").set_input_files(
        files=[{"name": "tiny.png", "mimeType": "image/png", "buffer": png(10, 10)}])
    expect(page.get_by_role("alert")).to_contain_text("tiny.png was not attached")
    expect(page.get_by_role("alert")).to_contain_text("512")
    page.get_by_role("button", name="Send").click()
    expect(timeline.get_by_role("link", name="receipt.txt")).to_be_visible()
    # A reaction on the customer's message, then a reply quoting it.
    question = timeline.get_by_role("listitem").filter(has_text="Here is my question about the invoice").first
    question.hover()
    question.get_by_role("button", name="Add a reaction").click()
    expect(question.get_by_role("group", name="Add a reaction")).to_be_visible()
    question.get_by_role("button", name="👍").click()
    expect(question.get_by_role("button", name=re.compile("^👍 1"))).to_have_attribute("aria-pressed", "true")
    question.get_by_role("button", name="Reply to this").click()
    expect(page.get_by_role("status").filter(has_text="Replying to")).to_contain_text("Here is my question")
    box.fill("About that invoice: it is on its way.")
    box.press("Enter")
    answer = timeline.get_by_role("listitem").filter(has_text="About that invoice")
    expect(answer.get_by_role("button", name=re.compile("Here is my question"))).to_be_visible()
    shot(page, "agent-canned-files-reactions")


def test_a_conference_invites_joins_and_ends(server, team, new_page):
    c = handoff(server, team["desk"], "Cora Conference", "Two of you, please")
    take(server, c, "olga@example.com")
    olga, pia = new_page(), new_page()
    sign_in(olga, server, "olga@example.com")
    sign_in(pia, server, "pia@example.com")
    olga.get_by_role("option", name=re.compile("Cora Conference")).click()
    olga.get_by_role("button", name="Invite").click()
    olga.get_by_label("Invite a colleague to help").select_option(value=team["pia"])
    olga.get_by_role("form", name="Invite").get_by_role("button", name="Invite").click()
    invitation = pia.get_by_role("alertdialog", name="Invited to the conversation with Cora Conference")
    expect(invitation).to_be_visible(timeout=10_000)
    invitation.get_by_role("button", name="Open").click()
    pia.get_by_role("button", name="Join the conversation").click()
    timeline = pia.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("joined")
    expect(invitation).to_be_hidden()
    pia.get_by_role("radio", name="Internal note").click()
    pia.get_by_label("Internal note, seen by staff only").fill("I know this customer")
    pia.get_by_role("button", name="Add note").click()
    expect(olga.get_by_role("list", name="Messages")).to_contain_text("I know this customer", timeout=10_000)
    olga.get_by_role("button", name="End conference").click()
    expect(olga.get_by_role("button", name="End conference")).to_be_hidden()
    shot(olga, "agent-conference")


def test_an_outbound_conversation_to_a_new_contact(server, team, new_page):
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("button", name="New conversation").click()
    dialog = page.get_by_role("dialog", name="Start a conversation")
    dialog.get_by_role("button", name="Start").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Choose the inbox")
    dialog.get_by_label("Inbox").select_option(label="Browser desk")
    dialog.get_by_label("Name").fill("Olivia Outbound")
    dialog.get_by_label("Email").fill("olivia.outbound@example.org")
    dialog.get_by_label("Subject").fill("Your order has shipped")
    dialog.get_by_label("First message (optional)").fill("Good news: your parcel left today.")
    shot(page, "agent-new-conversation")
    dialog.get_by_role("button", name="Start").click()
    conversation = page.get_by_role("region", name="Conversation")
    expect(conversation.get_by_role("heading", name=re.compile("Olivia Outbound"))).to_be_visible()
    expect(conversation).to_contain_text("Your order has shipped")
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Good news: your parcel left today.")


def test_shortcuts_move_through_the_list_and_question_mark_lists_them(server, new_page):
    page = new_page()
    sign_in(page, server, "ana@example.com")
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    page.keyboard.press("j")
    expect(listbox.get_by_role("option").nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("j")
    expect(listbox.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("k")
    expect(listbox.get_by_role("option").nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("r")
    expect(page.get_by_label("Reply to the customer")).to_be_focused()
    page.keyboard.press("Escape")
    page.get_by_label("Reply to the customer").blur()
    page.keyboard.press("?")
    help_ = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text("Next conversation")
    shot(page, "agent-shortcuts")
    help_.get_by_role("button", name="Got it").click()
    expect(help_).to_be_hidden()


def test_the_table_view_has_chosen_columns_and_exports_a_spreadsheet(server, new_page):
    import zipfile

    page = new_page()
    sign_in(page, server, "supervisor@example.com")
    page.get_by_role("button", name=re.compile("^Closed")).click()
    page.get_by_role("radio", name="Table").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Customer")).to_be_visible()
    expect(table.get_by_role("columnheader", name="First response")).to_have_count(0)
    page.locator("summary", has_text="Columns").click()
    page.get_by_role("checkbox", name="First response").check()
    expect(table.get_by_role("columnheader", name="First response")).to_be_visible()
    expect(table.get_by_role("row").nth(1)).to_contain_text("Closed")
    page.locator("summary", has_text="Columns").click()
    shot(page, "agent-table")
    # The choice is remembered.
    page.reload()
    page.get_by_role("button", name=re.compile("^Closed")).click()
    page.get_by_role("radio", name="Table").click()
    expect(page.get_by_role("table").get_by_role("columnheader", name="First response")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export xlsx").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "xl/workbook.xml" in names and any(n.startswith("xl/worksheets/") for n in names)
        text = "".join(z.read(n).decode("utf-8", "replace") for n in names if n.endswith(".xml"))
    assert "Closed" in text or "closed" in text


def test_an_ended_session_signs_in_again_to_the_same_conversation(server, team, new_page):
    c, page = olga_opens(server, team, new_page, "Sally Session", "Still there?")
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Still there?")
    token = page.evaluate("localStorage.getItem('switchboard.token')")
    server.call("POST", "/api/v1/auth/logout", token=token)
    expect(page.get_by_role("status")).to_contain_text("Your session has ended", timeout=20_000)
    page.get_by_label("Email").fill("olga@example.com")
    page.get_by_label("Password", exact=True).fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("list", name="Messages")).to_contain_text("Still there?")
    expect(page.get_by_role("region", name="Conversation").get_by_role("heading", name=re.compile("Sally Session"))).to_be_visible()


def test_a_voice_message_is_recorded_heard_and_sent(server, team, new_page):
    c, page = olga_opens(server, team, new_page, "Vera Voice", "Can you send me a voice note?")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").filter(has_text="Recording")).to_be_visible()
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_label("Your voice message")).to_be_visible()
    page.get_by_role("button", name="Add to the message").click()
    expect(page.get_by_role("list", name="Files for this message")).to_contain_text("voice-message")
    page.get_by_role("button", name="Send").click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline.locator("audio")).to_have_count(1)
    shot(page, "agent-voice")


def test_filters_narrow_the_list(server, new_page):
    page = new_page()
    sign_in(page, server, "supervisor@example.com")
    page.get_by_role("button", name=re.compile("^All")).click()
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    page.get_by_label("Inbox").select_option(label="Chat Italia")
    expect(listbox.get_by_role("option").first).to_contain_text("Chat Italia")
    for row in listbox.get_by_role("option").all()[:10]:
        expect(row).to_contain_text("Chat Italia")
    page.get_by_label("Detailed status").select_option(label="Closed by the agent")
    for row in listbox.get_by_role("option").all()[:10]:
        expect(row).to_contain_text("Closed")
    shot(page, "agent-filters")
    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_role("button", name="Clear filters")).to_be_hidden()


def test_a_library_file_is_sent_and_listed_on_the_contact_card(server, team, new_page):
    import urllib.request
    import uuid

    # A supervisor puts a file in the library (multipart, as the API documents).
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"price-list.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nPrices 2026\r\n--{boundary}--\r\n").encode()
    req = urllib.request.Request(server.url + "/api/v1/library", data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    req.add_header("Authorization", "Bearer " + server.login("supervisor@example.com"))
    assert urllib.request.urlopen(req).status == 201
    c, page = olga_opens(server, team, new_page, "Lia Library", "Can I have your prices?")
    page.get_by_role("button", name="Library").click()
    page.get_by_role("group", name="Library").get_by_role("button", name=re.compile("price-list.txt")).click()
    expect(page.get_by_role("list", name="Files for this message")).to_contain_text("price-list.txt")
    page.get_by_label("Reply to the customer").fill("Here they are")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Messages").get_by_role("link", name="price-list.txt")).to_be_visible()
    card = page.get_by_role("complementary")
    card.get_by_text("Files exchanged").click()
    expect(card.get_by_role("button", name="price-list.txt")).to_be_visible()
    shot(page, "agent-library")


def test_a_long_conversation_opens_at_its_end_and_loads_earlier_entries_on_scroll(server, team, new_page):
    c = handoff(server, team["desk"], "Leo Longthread", "the very first line")
    token = server.login("olga@example.com", AGENT_PASSWORD)
    server.call("POST", f"/api/v1/conversations/{c['id']}/assign", {}, token=token)
    for i in range(230):
        server.call("POST", f"/api/v1/conversations/{c['id']}/messages", {"kind": "note", "text": f"note {i}"}, token=token)
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("option", name=re.compile("Leo Longthread")).click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("note 229")
    expect(timeline.get_by_text("the very first line")).to_have_count(0)
    expect(page.get_by_role("button", name="Earlier messages")).to_be_visible()
    for _ in range(5):
        if timeline.get_by_text("the very first line").count():
            break
        page.get_by_role("button", name="Earlier messages").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    expect(timeline.get_by_text("the very first line")).to_have_count(1)
    expect(timeline.get_by_text("note 100", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Earlier messages")).to_have_count(0)
