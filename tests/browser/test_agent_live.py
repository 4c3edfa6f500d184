"""The agent workspace live, with a widget customer: "is typing" both ways, a rating's stars,
and reloads that overlap on a busy server applied in the order they were asked for."""

import json
import re
import time
from contextlib import contextmanager

from playwright.sync_api import expect

from conftest import AGENT_PASSWORD, customer, handoff, shot, sign_in
from test_agent import take


def widget_customer(server, inbox, name, text):
    """A customer of the live-chat widget who wrote `text`: their token and conversation id."""
    token = customer(server, "/sessions", {"inbox_id": inbox, "name": name})["token"]
    sent = customer(server, "/messages", {"text": text}, token=token)
    return token, sent["conversation"]["id"]


def test_typing_shows_both_ways_and_a_rating_shows_its_stars(server, team, new_page):
    token, cid = widget_customer(server, team["desk"], "Tina Typing", "Hello, is my parcel lost?")
    take(server, {"id": cid}, "olga@example.com")
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("option", name=re.compile("Tina Typing")).click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("Hello, is my parcel lost?")
    # A message that arrives live: the page's event stream is open (typing signals are not
    # replayed to a stream that connects later).
    customer(server, "/messages", {"text": "Order 4417."}, token=token)
    expect(timeline).to_contain_text("Order 4417.")
    hint = page.locator(".typing-hint")
    # The customer types: the hint shows; it goes when they stop.
    customer(server, f"/conversations/{cid}/typing", {"active": True}, token=token)
    expect(hint).to_have_text("Tina Typing is typing…")
    shot(page, "agent-customer-typing")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "agent-customer-typing-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    languages = page.locator(".lang-switch")  # its name changes with the language
    for lang, words in [("IT", "Tina Typing sta scrivendo…"), ("ES", "Tina Typing está escribiendo…")]:
        page.wait_for_timeout(1100)
        customer(server, f"/conversations/{cid}/typing", {"active": True}, token=token)
        languages.get_by_role("button", name=lang).click()
        expect(hint).to_have_text(words)
        shot(page, f"agent-customer-typing-{lang.lower()}")
    languages.get_by_role("button", name="EN").click()
    customer(server, f"/conversations/{cid}/typing", {"active": False}, token=token)
    expect(hint).to_have_text("")
    # ... when their message arrives ... (the server drops a signal within a second of the last)
    page.wait_for_timeout(1100)
    customer(server, f"/conversations/{cid}/typing", {"active": True}, token=token)
    expect(hint).to_have_text("Tina Typing is typing…")
    customer(server, "/messages", {"text": "It has been two weeks."}, token=token)
    expect(timeline).to_contain_text("It has been two weeks.")
    expect(hint).to_have_text("")
    # ... and 6 s after the last sign of typing, without a word from the server.
    page.wait_for_timeout(1100)
    customer(server, f"/conversations/{cid}/typing", {"active": True}, token=token)
    expect(hint).to_have_text("Tina Typing is typing…")
    started = time.monotonic()
    expect(hint).to_have_text("", timeout=10_000)
    assert time.monotonic() - started > 4.5

    # The agent's typing: a reply says so at most every 3 s, and stops when sent; a note never.
    said = []
    page.on("request", lambda r: r.url.endswith(f"/conversations/{cid}/typing") and said.append(json.loads(r.post_data)["active"]))
    box = page.get_by_label("Reply to the customer")
    box.press_sequentially("We are looking", delay=60)
    page.wait_for_timeout(300)
    assert said == [True], said
    box.press("Enter")
    expect(timeline).to_contain_text("We are looking")
    page.wait_for_timeout(300)
    assert said == [True, False], said
    page.get_by_role("radio", name="Internal note").click()
    page.get_by_label("Internal note, seen by staff only").press_sequentially("check the carrier", delay=20)
    page.wait_for_timeout(300)
    assert said == [True, False], said

    # Closed, then rated by the customer: stars in the timeline and in the header.
    reason = next(w for w in server.call("GET", "/api/v1/wrap-up-reasons")["items"] if not w["archived"])
    server.call("POST", f"/api/v1/conversations/{cid}/close", {"wrap_up_reason_id": reason["id"]},
                token=server.login("olga@example.com", AGENT_PASSWORD))
    customer(server, f"/conversations/{cid}/rating", {"score": 4, "comment": "Quick and kind <b>thanks</b>"}, token=token)
    rating = timeline.get_by_role("listitem").filter(has_text="Customer rating")
    expect(rating.get_by_role("img", name="Rated 4 out of 5")).to_have_text("★★★★☆")
    expect(rating).to_contain_text("Quick and kind <b>thanks</b>")
    shot(page, "agent-rating")
    page.set_viewport_size({"width": 390, "height": 844})
    rating.scroll_into_view_if_needed()
    shot(page, "agent-rating-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    for lang, label in [("IT", "Valutata 4 su 5"), ("ES", "Valorada con 4 de 5")]:
        languages.get_by_role("button", name=lang).click()
        expect(page.locator(".timeline").get_by_role("img", name=label)).to_be_visible()
        shot(page, f"agent-rating-{lang.lower()}")
    languages.get_by_role("button", name="EN").click()
    # The conversation's own rating, compact in its header.
    expect(page.locator(".conversation-title").get_by_role("img", name="Rated 4 out of 5")).to_be_visible()


@contextmanager
def first_read_held(page, pattern, start, why):
    """Runs `start()` and holds back the answer to the first read (GET) of a URL matching
    `pattern` that follows: read from the server at once, delivered to the page only when the
    `with` block ends (whatever happens in it). On success, waits for the page to apply it."""
    claimed, held = [], []

    def hold(route):
        # The slot is claimed before fetching: other handlers run while a fetch waits.
        if route.request.method == "GET" and not claimed:
            claimed.append(route)
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(re.compile(pattern), hold)
    start()
    for _ in range(300):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, why
    route, answer = held[0]
    try:
        yield
    finally:
        with page.expect_event("requestfinished", lambda r: r == route.request):
            route.fulfill(response=answer)
    page.wait_for_timeout(300)


def test_an_older_reload_answering_last_does_not_hide_a_rating(server, team, new_page):
    """Two live events in a row (closed, then rated) each reload the open conversation. On a
    busy server the first reload can answer after the second; its older answer must not take
    the rating off the screen."""
    token, cid = widget_customer(server, team["desk"], "Rita Race", "Where is my refund?")
    take(server, {"id": cid}, "olga@example.com")
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("option", name=re.compile("Rita Race")).click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("Where is my refund?")
    reason = next(w for w in server.call("GET", "/api/v1/wrap-up-reasons")["items"] if not w["archived"])
    olga = server.login("olga@example.com", AGENT_PASSWORD)
    header = page.locator(".conversation-title")

    def close():
        server.call("POST", f"/api/v1/conversations/{cid}/close", {"wrap_up_reason_id": reason["id"]}, token=olga)

    # The close's reload (closed, not yet rated) answers only after the rating's reload ...
    with first_read_held(page, rf"/api/v1/conversations/{cid}$", close, "the close did not reload the conversation"):
        customer(server, f"/conversations/{cid}/rating", {"score": 5}, token=token)
        expect(timeline.get_by_role("img", name="Rated 5 out of 5")).to_be_visible()
        expect(header.get_by_role("img", name="Rated 5 out of 5")).to_be_visible()
        expect(header).to_contain_text("Closed")
    # ... and the stars stay.
    expect(timeline.get_by_role("img", name="Rated 5 out of 5")).to_be_visible()
    expect(header.get_by_role("img", name="Rated 5 out of 5")).to_be_visible()


def test_a_message_while_a_conversation_opens_shows_its_whole_timeline(server, team, new_page):
    """Olga leaves a long conversation (its latest 100 entries shown) for a short one; the
    short one's customer writes while it is still opening. The reload for that message must
    read the short conversation's own latest entries, not the long one's window."""
    olga = server.login("olga@example.com", AGENT_PASSWORD)
    long = handoff(server, team["desk"], "Lou Longer", "the first line")
    server.call("POST", f"/api/v1/conversations/{long['id']}/assign", {}, token=olga)
    for i in range(130):
        server.call("POST", f"/api/v1/conversations/{long['id']}/messages", {"kind": "note", "text": f"lou {i}"}, token=olga)
    token, cid = widget_customer(server, team["desk"], "Sam Short", "My order is late.")
    take(server, {"id": cid}, "olga@example.com")
    page = new_page()
    sign_in(page, server, "olga@example.com")
    page.get_by_role("option", name=re.compile("Lou Longer")).click()
    timeline = page.get_by_role("list", name="Messages")
    expect(timeline).to_contain_text("lou 129")

    # Opening Sam's conversation waits on its first timeline read until the test lets it go.
    def open_sam():
        page.get_by_role("option", name=re.compile("Sam Short")).click()

    with first_read_held(page, rf"/api/v1/conversations/{cid}/timeline", open_sam, "opening did not read the timeline"):
        customer(server, "/messages", {"text": "It was due on Monday."}, token=token)
        expect(timeline).to_contain_text("It was due on Monday.")
        expect(timeline).to_contain_text("My order is late.")
    expect(timeline).to_contain_text("My order is late.")
    expect(timeline).to_contain_text("It was due on Monday.")
    expect(timeline).not_to_contain_text("lou")
