//! Full-text search (F32): relevance in English, Italian and Spanish (stemming, accent
//! folding), phrases, prefixes, `from:` and `label:`, the list filters, permissions inside the
//! query (totals included), snippets, paging, and the index following the event log.

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use serde_json::{Value, json};

/// A hand-off into `inbox` with a contact and one customer message.
async fn handoff(h: &Harness, d: &Desk, inbox: &str, contact: Value, text: &str) -> String {
    let body = json!({
        "inbox_id": inbox, "contact": contact, "subject": "",
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": text}]}
    });
    let a = h.post("/api/v1/conversations", &d.admin, body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    cid(&a.body)
}

/// The ids found by `q` (with extra query parameters) for `token`, and the total.
async fn find(h: &Harness, token: &str, q: &str, extra: &str) -> (Vec<String>, u64) {
    let a = h.get(&format!("/api/v1/search?q={}{extra}", enc(q)), token).await;
    assert_eq!(a.status, 200, "{q}: {}", a.text);
    let ids = a.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["conversation"]["id"].as_str().expect("id").to_string())
        .collect();
    (ids, a.body["total"].as_u64().expect("total"))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.*".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

struct World {
    d: Desk,
    it: String,
    es: String,
    en: String,
}

/// Italian (Web, taken by Ana, with her reply and a note), Spanish (Web, taken by Marco),
/// English (inbox Other, queued, served by nobody).
async fn world(h: &Harness) -> World {
    let d = Desk::new(h).await;
    let it = handoff(
        h,
        &d,
        &d.web,
        json!({"name": "Mario Rossi", "email": "mario.rossi@example.net", "phone": "+39 333 123 4567"}),
        "Buongiorno, non riesco a scaricare le fatture di marzo",
    )
    .await;
    let es = handoff(
        h,
        &d,
        &d.web,
        json!({"name": "Lucía Gómez", "email": "lucia.gomez@example.org"}),
        "Hola, olvidé mi contraseña y necesito información sobre la factura",
    )
    .await;
    let en =
        handoff(h, &d, &d.other, json!({"name": "John Smith"}), "Hello, I cannot download my invoices from the portal")
            .await;
    assert_eq!(h.post(&format!("/api/v1/conversations/{it}/assign"), &d.ana, json!({})).await.status, 200);
    let reply = h
        .post(
            &format!("/api/v1/conversations/{it}/messages"),
            &d.ana,
            json!({"text": "Le ho inviato la fattura <b>aggiornata</b> via email"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let note = h
        .post(
            &format!("/api/v1/conversations/{it}/messages"),
            &d.ana,
            json!({"kind": "note", "text": "Cliente storico: offrire uno sconto"}),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(h.post(&format!("/api/v1/conversations/{es}/assign"), &d.marco, json!({})).await.status, 200);
    h.desk.index_now().expect("indexed");
    World { d, it, es, en }
}

#[tokio::test]
async fn stemming_and_accent_folding_in_three_languages() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let sup = &w.d.sup;
    assert_eq!(find(&h, sup, "fattura", "").await, (vec![w.it.clone()], 1), "Italian plural and singular");
    assert_eq!(find(&h, sup, "contraseñas", "").await, (vec![w.es.clone()], 1), "Spanish plural");
    assert_eq!(find(&h, sup, "informacion", "").await, (vec![w.es.clone()], 1), "without the accent");
    assert_eq!(find(&h, sup, "CONTRASENA", "").await, (vec![w.es.clone()], 1), "upper case, unaccented");
    assert_eq!(find(&h, sup, "invoice", "").await, (vec![w.en.clone()], 1), "English plural");
    assert_eq!(find(&h, sup, "download invoice", "").await, (vec![w.en.clone()], 1), "two words: both must match");
    assert_eq!(find(&h, sup, "download fattura", "").await.1, 0, "words of two conversations match neither");
    assert_eq!(find(&h, sup, "fattura OR invoice", "").await.1, 2);
}

#[tokio::test]
async fn phrases_prefixes_authors_and_labels() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let sup = &w.d.sup;
    assert_eq!(find(&h, sup, "\"scaricare le fatture\"", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, sup, "\"fatture le scaricare\"", "").await.1, 0, "a phrase keeps its order");
    // Two-word phrases are word-pair lookups; longer ones also check positions.
    assert_eq!(find(&h, sup, "\"le fatture\"", "").await.0, vec![w.it.clone()], "neighbours, stemmed");
    assert_eq!(find(&h, sup, "\"riesco scaricare\"", "").await.1, 0, "both words, not neighbours");
    assert_eq!(find(&h, sup, "\"fatture scaricare\"", "").await.1, 0, "a pair keeps its order");
    assert_eq!(
        find(&h, sup, "\"ho inviato la fattura\"", "").await.0,
        vec![w.it.clone()],
        "four words in the agent's reply"
    );
    assert_eq!(find(&h, sup, "\"la fattura di marzo\"", "").await.1, 0, "every pair is there, the phrase is not");
    assert_eq!(find(&h, sup, "\"ho inviato\" from:contact", "").await.1, 0, "the customer wrote neither word");
    assert_eq!(find(&h, sup, "\"ho inviato\" from:agent", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, sup, "factur*", "").await.0, vec![w.es.clone()]);
    assert_eq!(find(&h, sup, "fattur*", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, sup, "aggiornata from:contact", "").await.1, 0, "the word is in the agent's reply");
    assert_eq!(find(&h, sup, "aggiornata from:agent", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, sup, "sconto", "").await.0, vec![w.it.clone()], "staff find notes");
    assert_eq!(find(&h, sup, "sconto from:contact", "").await.1, 0);
    assert_eq!(find(&h, sup, "sconto from:note", "").await.0, vec![w.it.clone()]);
    let vip = h
        .call(
            poem::http::Method::PATCH,
            &format!("/api/v1/conversations/{}", w.en),
            Some(sup),
            Some(json!({"labels": [w.d.vip]})),
        )
        .await;
    assert_eq!(vip.status, 200, "{}", vip.text);
    h.desk.index_now().expect("indexed");
    assert_eq!(find(&h, sup, "label:vip", "").await.0, vec![w.en.clone()]);
    assert_eq!(find(&h, sup, "invoices label:vip", "").await.0, vec![w.en.clone()]);
    assert_eq!(find(&h, sup, "fattura label:vip", "").await.1, 0);
    // A renamed label re-indexes the conversations carrying it (read from the store's list index).
    let renamed = h
        .call(
            poem::http::Method::PATCH,
            &format!("/api/v1/labels/{}", w.d.vip),
            Some(&w.d.admin),
            Some(json!({"name": "premium"})),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    h.desk.index_now().expect("indexed");
    assert_eq!(find(&h, sup, "label:premium", "").await.0, vec![w.en.clone()]);
    assert_eq!(find(&h, sup, "label:vip", "").await.1, 0, "the old name is gone");
    assert_eq!(find(&h, sup, "invoice", "&label_id=").await.1, 0, "an empty label filter matches no label");
}

#[tokio::test]
async fn contacts_numbers_and_list_filters() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let sup = &w.d.sup;
    assert_eq!(find(&h, sup, "mario.rossi@example.net", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, sup, "Gomez", "").await.0, vec![w.es.clone()], "names fold accents too");
    assert_eq!(find(&h, sup, "1234567", "").await.0, vec![w.it.clone()], "a phone fragment");
    assert_eq!(find(&h, sup, "333 123", "").await.0, vec![w.it.clone()], "a fragment typed with spaces");
    assert_eq!(find(&h, sup, "+39 333 123 4567", "").await.0, vec![w.it.clone()], "the whole number as written");
    let number = h.get(&format!("/api/v1/conversations/{}", w.en), sup).await.body["number"].as_u64().expect("number");
    assert_eq!(find(&h, sup, &format!("#{number}"), "").await.0, vec![w.en.clone()]);
    assert_eq!(find(&h, sup, "invoice", &format!("&inbox_id={}", w.d.other)).await.1, 1);
    assert_eq!(find(&h, sup, "invoice", &format!("&inbox_id={}", w.d.web)).await.1, 0);
    assert_eq!(find(&h, sup, "fattura", "&status=open&status=pending").await.1, 1, "answered: pending");
    assert_eq!(find(&h, sup, "fattura", "&status=open").await.1, 0);
    assert_eq!(find(&h, sup, "fattura", "&status=queued&status=closed").await.1, 0);
    assert_eq!(find(&h, sup, "fattura", &format!("&assignee_id={}", w.d.ana_id)).await.1, 1);
    assert_eq!(find(&h, sup, "fattura", &format!("&assignee_id={}", w.d.marco_id)).await.1, 0);
    assert_eq!(find(&h, sup, "fattura", "&contact=Rossi").await.1, 1);
    assert_eq!(find(&h, sup, "fattura", "&contact=Smith").await.1, 0);
    assert_eq!(find(&h, sup, "fattura", "&created_from=2030-01-01T00:00:00Z").await.1, 0);
    assert_eq!(find(&h, sup, "fattura", "&created_to=2030-01-01T00:00:00Z").await.1, 1);
}

#[tokio::test]
async fn nobody_finds_what_they_may_not_see() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let d = &w.d;
    // Ana handles the Italian one; Marco the Spanish one; the English one waits in an inbox
    // nobody serves.
    assert_eq!(find(&h, &d.ana, "fattura", "").await.0, vec![w.it.clone()]);
    assert_eq!(find(&h, &d.ana, "factura", "").await.1, 0, "Marco's conversation is hidden from Ana");
    assert_eq!(find(&h, &d.marco, "factura", "").await.0, vec![w.es.clone()]);
    assert_eq!(find(&h, &d.ana, "invoice", "").await.1, 0, "inbox Other is not Ana's");
    assert_eq!(
        find(&h, &d.lucia, "fattura OR factura OR invoice OR sconto", "").await,
        (vec![], 0),
        "Lucía is in no team"
    );
    assert_eq!(find(&h, &d.sup, "fattura OR factura OR invoice", "").await.1, 3);
    assert_eq!(find(&h, &d.marco, "sconto", "").await.1, 0, "notes only where the conversation is visible");
    // A queued conversation is found by the agents of its inbox.
    let queued = handoff(&h, d, &d.web, json!({"name": "Paolo"}), "vorrei un rimborso").await;
    h.desk.index_now().expect("indexed");
    assert_eq!(find(&h, &d.marco, "rimborso", "").await.0, vec![queued.clone()]);
    assert_eq!(find(&h, &d.lucia, "rimborso", "").await.1, 0);
    // Once Ana takes it, Marco no longer finds it.
    assert_eq!(h.post(&format!("/api/v1/conversations/{queued}/assign"), &d.ana, json!({})).await.status, 200);
    h.desk.index_now().expect("indexed");
    assert_eq!(find(&h, &d.marco, "rimborso", "").await.1, 0);
    assert_eq!(find(&h, &d.ana, "rimborso", "").await.1, 1);
    assert_eq!(h.get("/api/v1/search?q=fattura", "").await.status, 401);
}

#[tokio::test]
async fn snippets_mark_matches_in_escaped_text() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let a = h.get("/api/v1/search?q=aggiornata%20fattura", &w.d.sup).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let messages = a.body["items"][0]["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["kind"], "agent", "the reply matches both words: best first");
    assert_eq!(
        messages[0]["html"],
        "Le ho inviato la <mark>fattura</mark> &lt;b&gt;<mark>aggiornata</mark>&lt;/b&gt; via email"
    );
    assert_eq!(messages[0]["fragment"], "Le ho inviato la fattura <b>aggiornata</b> via email");
    assert_eq!(messages[0]["highlights"], json!([{"start": 17, "end": 24}, {"start": 28, "end": 38}]));
    assert_eq!(messages[1]["kind"], "customer");
    assert_eq!(messages[1]["html"], "Buongiorno, non riesco a scaricare le <mark>fatture</mark> di marzo");
    assert!(a.body["items"][0]["score"].as_f64().expect("score") > 0.0);
}

#[tokio::test]
async fn pages_follow_cursors_in_relevance_and_date_order() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        h.clock.advance_secs(60);
        ids.push(
            handoff(
                &h,
                &d,
                &d.web,
                json!({"name": format!("Cliente {i}")}),
                &format!("richiesta di rimborso numero {i}"),
            )
            .await,
        );
    }
    h.desk.index_now().expect("indexed");
    for order in ["relevance", "newest"] {
        let mut seen = Vec::new();
        let mut cursor = String::new();
        let mut pages = 0;
        loop {
            let a = h.get(&format!("/api/v1/search?q=rimborso&limit=2&order={order}{cursor}"), &d.sup).await;
            assert_eq!(a.status, 200, "{}", a.text);
            assert_eq!(a.body["total"], 5);
            seen.extend(
                a.body["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|i| i["conversation"]["id"].as_str().expect("id").to_string()),
            );
            pages += 1;
            match a.body["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{order}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5, "{order}: every conversation once");
        if order == "newest" {
            assert_eq!(seen, ids.iter().rev().cloned().collect::<Vec<_>>(), "most recently updated first");
        }
    }
    assert_eq!(h.get("/api/v1/search?q=%20", &d.sup).await.status, 422);
    let bad = h.get("/api/v1/search?q=rimborso&cursor=bogus", &d.sup).await;
    assert_eq!((bad.status, bad.header("content-type")), (422, Some("application/problem+json")), "{}", bad.text);
    assert_eq!(h.get("/api/v1/search?q=rimborso&limit=0", &d.sup).await.status, 422);
}

#[tokio::test]
async fn the_index_follows_the_event_log_and_catches_up_after_a_restart() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let c = handoff(&h, &d, &d.web, json!({"name": "Anna"}), "la stampante non funziona").await;
    h.desk.index_now().expect("indexed");
    assert_eq!(find(&h, &d.sup, "stampante", "").await.1, 1);
    let m = h
        .post(
            &format!("/api/v1/conversations/{c}/messages"),
            &d.sup,
            json!({"kind": "note", "text": "sostituire il toner"}),
        )
        .await;
    assert_eq!(m.status, 201);
    assert_eq!(find(&h, &d.sup, "toner", "").await.1, 0, "not yet indexed");
    let before = h.desk.search_index().expect("index").indexed_seq();
    // Close without indexing: the next start must catch up from the remembered position.
    let dir = h.dir;
    drop(h.client);
    drop(h.desk);
    let h = Harness::open(dir, false).await;
    assert_eq!(
        h.desk.search_index().expect("index").indexed_seq(),
        before,
        "the position was committed with the index"
    );
    assert_eq!(h.desk.index_now().expect("caught up"), 1, "only the changed conversation");
    let sup = h.login("supervisor@example.com", "demo").await;
    assert_eq!(find(&h, &sup, "toner", "").await.0, vec![c]);
    assert_eq!(find(&h, &sup, "stampante", "").await.1, 1, "nothing duplicated");
    assert_eq!(h.desk.index_now().expect("nothing to do"), 0);
}

/// Issue 16, item 1: an unquoted `word*` is a prefix, as `"word"*` always was; the prefixes
/// here are not the stems of the words they find, and some are longer than the stem
/// (`informaci*` of "información", whose Spanish stem is "inform"): typed prefixes are also
/// looked up in the text's unstemmed words, and highlighted there.
#[tokio::test]
async fn unquoted_prefixes_find_words_names_and_emails() {
    let h = Harness::new().await;
    let w = world(&h).await;
    let sup = &w.d.sup;
    for (q, want, why) in [
        ("downl*", &w.en, "an English word (stem download)"),
        ("porta*", &w.en, "portal"),
        ("scarica*", &w.it, "an Italian verb (stem scaric)"),
        ("olvid*", &w.es, "a Spanish verb"),
        ("Smi*", &w.en, "a contact's name"),
        ("lucia.gom*", &w.es, "an email"),
        ("informaci*", &w.es, "longer than the Spanish stem, unaccented"),
        ("Informació*", &w.es, "longer than the stem, accented and capitalised"),
        ("downloa*", &w.en, "longer than nothing: the English stem is download"),
        ("fattur*", &w.it, "an Italian noun"),
    ] {
        assert_eq!(find(&h, sup, q, "").await.0, vec![want.clone()], "{q}: {why}");
        let quoted = format!("\"{}\"*", q.trim_end_matches('*'));
        assert_eq!(find(&h, sup, &quoted, "").await.0, vec![want.clone()], "{quoted}: the same prefix quoted");
    }
    assert_eq!(find(&h, sup, "zzq*", "").await.1, 0, "a prefix of nothing finds nothing");
    let a = h.get("/api/v1/search?q=informaci*", sup).await;
    let message = &a.body["items"][0]["messages"][0];
    assert_eq!(
        message["html"], "Hola, olvidé mi contraseña y necesito <mark>informaci</mark>ón sobre la factura",
        "the typed part"
    );
}

/// An idle server closes the index writer (the indexer does after a few quiet seconds); the
/// next change opens it again, and what it indexes is found.
#[tokio::test]
async fn a_writer_closed_while_idle_opens_again_for_the_next_change() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    h.desk.index_now().expect("caught up");
    let index = h.desk.search_index().expect("index");
    assert!(index.holds_writer(), "opened by the first catch-up");
    assert!(h.desk.release_search_writer().expect("closed"), "it was open");
    assert!(!index.holds_writer());
    assert!(!h.desk.release_search_writer().expect("nothing to close"), "already closed");
    assert_eq!(h.desk.index_now().expect("nothing new"), 0, "no change, no writer");
    assert!(!index.holds_writer(), "a catch-up with nothing to do leaves it closed");

    let id = handoff(&h, &d, &d.web, json!({"name": "Ida Idle"}), "quiescenza ritrovata").await;
    assert_eq!(h.desk.index_now().expect("indexed"), 1);
    assert!(index.holds_writer(), "opened again for the change");
    assert_eq!(find(&h, &d.admin, "quiescenza", "").await, (vec![id], 1));
}
