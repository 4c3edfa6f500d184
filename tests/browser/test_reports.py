"""The reports page in a real browser: agents refused; the page's totals equal the API's for
the demo data; the charts with their tables; CSV and xlsx downloads with the same numbers;
the period and grouping kept in the URL; Italian and Spanish; customers' ratings as the
satisfaction tile and columns."""

import csv
import datetime
import io
import re
import zipfile

from playwright.sync_api import expect

from conftest import customer, shot, sign_in, sign_in_any_language

WEEK = (datetime.date.today() - datetime.timedelta(days=6)).isoformat(), datetime.date.today().isoformat()


def open_reports(page, server, email="supervisor@example.com", query=""):
    sign_in(page, server, email)
    page.goto(server.url + "/reports/" + query)


def tile(page, label):
    return page.locator(".tile", has=page.get_by_text(label, exact=True)).locator(".tile-value")


def test_an_agent_is_sent_back(server, new_page):
    page = new_page()
    open_reports(page, server, "ana@example.com")
    expect(page.get_by_role("heading", name="This page is for supervisors")).to_be_visible()


def test_the_page_says_what_the_api_says_and_the_files_agree(server, new_page):
    token = server.login("supervisor@example.com")
    api = server.call("GET", f"/api/v1/reports/conversations?from={WEEK[0]}&to={WEEK[1]}&group_by=agent", token=token)
    assert api["total"]["created"] > 0, "the demo desk has conversations this week"
    page = new_page(width=1280, height=1000)
    open_reports(page, server)
    expect(tile(page, "Created")).to_have_text(str(api["total"]["created"]))
    expect(tile(page, "Closed")).to_have_text(str(api["total"]["closed"]))
    expect(tile(page, "Transferred")).to_have_text(str(api["total"]["transferred"]))
    # The charts, each with the same numbers in a table.
    per_day = page.get_by_role("figure", name="Conversations per day")
    expect(per_day.locator("rect")).to_have_count(2 * len(api["days"]))
    per_day.get_by_text("The numbers").click()
    last = api["days"][-1]
    expect(per_day.get_by_role("row", name=re.compile(last["date"][5:]))).to_contain_text(str(last["created"]))
    expect(page.get_by_role("figure", name="How long the first response took")).to_be_visible()
    expect(page.get_by_role("figure", name="Time per status, per agent (hours)")).to_be_visible()
    # The table: one row per group, the total last.
    table = page.locator(".report-table")
    for row in api["rows"][:3]:
        expect(table.get_by_role("row", name=re.compile(re.escape(row["name"])))).to_contain_text(str(row["created"]))
    expect(table.locator("tfoot")).to_contain_text("Total")
    shot(page, "reports")
    page.get_by_role("figure", name="Time per status, per agent (hours)").scroll_into_view_if_needed()
    shot(page, "reports-status-time")
    table.scroll_into_view_if_needed()
    shot(page, "reports-table")
    # CSV: the total line holds the API's counts.
    with page.expect_download() as got:
        page.get_by_role("button", name="Download CSV").click()
    lines = list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    head, total = lines[0], lines[-1]
    assert got.value.suggested_filename == f"conversations-by-agent-{WEEK[0]}-to-{WEEK[1]}.csv"
    assert (total[head.index("created")], total[head.index("closed")]) == (str(api["total"]["created"]), str(api["total"]["closed"]))
    # xlsx: a workbook holding the same header.
    with page.expect_download() as got:
        page.get_by_role("button", name="Download xlsx").click()
    assert got.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(got.value.path()) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert "first_response_median_secs" in text and "created" in text


def test_the_period_and_grouping_stay_in_the_url(server, new_page):
    page = new_page()
    open_reports(page, server)
    page.get_by_label("Group by").select_option("inbox")
    expect(page.locator(".report-table thead")).to_contain_text("Inbox")
    expect(page).to_have_url(re.compile("group_by=inbox"))
    page.reload()
    expect(page.get_by_label("Group by")).to_have_value("inbox")
    # A bad period is refused in words, and the page stays usable.
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).dispatch_event("change")
    expect(page.get_by_role("alert")).to_contain_text("must be on or after")


def test_italian_and_spanish(server, new_page):
    for lang, created in [("it", "Create"), ("es", "Creadas")]:
        page = new_page(locale=lang)
        sign_in_any_language(page, server, "supervisor@example.com")
        page.goto(server.url + "/reports/")
        expect(page.locator(".tiles")).to_contain_text(created)
        ui = " ".join(page.locator("header, .filters-bar, .tiles, figcaption, .report-table thead, .report-table tfoot").all_inner_texts())
        for word in ["Created", "Closed", "Conversations per day", "Group by", "Download", "median", "Time to close"]:
            assert not re.search(rf"\b{re.escape(word)}\b", ui), f"{lang}: {word!r} left in {ui!r}"
        shot(page, f"reports-{lang}")


def test_satisfaction_is_the_share_of_four_and_five_stars(server, new_page):
    inbox = server.call("POST", "/api/v1/inboxes", {"name": "Rated inbox", "channel": "livechat"})
    # Closing needs the admin on duty; an earlier test may have left them offline.
    server.call("PUT", "/api/v1/me/status", {"status": "available"})
    for i, score in enumerate([5, 4, 2]):
        token = customer(server, "/sessions", {"inbox_id": inbox["id"], "name": f"Rater {i}"})["token"]
        cid = customer(server, "/messages", {"text": "Thanks for the help"}, token=token)["conversation"]["id"]
        server.call("POST", f"/api/v1/conversations/{cid}/close", {"justification": "Answered"})
        customer(server, f"/conversations/{cid}/rating", {"score": score}, token=token)
    api = server.call("GET", f"/api/v1/reports/conversations?from={WEEK[0]}&to={WEEK[1]}&group_by=inbox",
                      token=server.login("supervisor@example.com"))
    total = api["total"]
    assert total["ratings"] >= 3, total
    row = next(r for r in api["rows"] if r.get("id") == inbox["id"])
    assert (row["ratings"], round(row["rating_mean"], 2), round(row["rating_good_share"], 2)) == (3, 3.67, 0.67), row
    page = new_page(width=1280, height=1000)
    open_reports(page, server, query=f"?from={WEEK[0]}&to={WEEK[1]}&group_by=inbox")
    sat = page.locator(".tile", has=page.get_by_text("Satisfaction (4–5 stars)", exact=True))
    expect(sat.locator(".tile-value")).to_have_text(f"{round(total['rating_good_share'] * 100)}%")
    expect(sat).to_contain_text(f"mean {total['rating_mean']:.1f} · {total['ratings']} ratings")
    table = page.locator(".report-table")
    expect(table.get_by_role("row", name=re.compile("Rated inbox"))).to_contain_text("3.7")
    expect(table.get_by_role("row", name=re.compile("Rated inbox"))).to_contain_text("67%")
    expect(table.locator("thead")).to_contain_text("Satisfaction")
    assert "NaN" not in table.inner_text()
    shot(page, "reports-satisfaction")
    page.set_viewport_size({"width": 390, "height": 844})
    sat.scroll_into_view_if_needed()
    shot(page, "reports-satisfaction-390")
    for lang, label in [("it", "Soddisfazione (4–5 stelle)"), ("es", "Satisfacción (4–5 estrellas)")]:
        page = new_page(locale=lang)
        sign_in_any_language(page, server, "supervisor@example.com")
        page.goto(server.url + "/reports/?group_by=inbox")
        expect(page.locator(".tiles")).to_contain_text(label)
        shot(page, f"reports-satisfaction-{lang}")
