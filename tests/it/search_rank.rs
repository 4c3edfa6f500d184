//! Issue 16: the relevance order (an exact word outranks a stem, neighbouring words outrank
//! scattered ones, the more recent wins a tie) and the matching messages of long
//! conversations, which the index names so that a page reads only those.

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use serde_json::{Value, json};

/// A hand-off into Web with one customer line per text.
async fn conversation(h: &Harness, d: &Desk, name: &str, texts: &[String]) -> String {
    let transcript: Vec<Value> = texts.iter().map(|t| json!({"from": "customer", "text": t})).collect();
    let body = json!({
        "inbox_id": d.web, "subject": "", "contact": {"name": name},
        "handoff": {"bot_name": "Helpbot", "transcript": transcript},
    });
    let a = h.post("/api/v1/conversations", &d.admin, body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    cid(&a.body)
}

/// The page of `q` in relevance order.
async fn ranked(h: &Harness, token: &str, q: &str) -> Value {
    let a = h.get(&format!("/api/v1/search?q={}", q.replace(' ', "%20")), token).await;
    assert_eq!(a.status, 200, "{q}: {}", a.text);
    a.body
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["conversation"]["id"].as_str().expect("id").into())
        .collect()
}

#[tokio::test]
async fn exact_words_phrases_and_recency_order_equal_matches() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let one = |s: &str| vec![s.to_string()];
    let singular = conversation(&h, &d, "Ann", &one("I need the invoice for March please")).await;
    let plural = conversation(&h, &d, "Bob", &one("I need the invoices for March please")).await;
    h.desk.index_now().expect("indexed");
    assert_eq!(ids(&ranked(&h, &d.sup, "invoices").await), [plural.clone(), singular.clone()], "the exact word first");
    assert_eq!(ids(&ranked(&h, &d.sup, "invoice").await), [singular.clone(), plural.clone()], "either way");

    // The neighbours were written first: only the phrase can put them first.
    let together = conversation(&h, &d, "Cy", &one("can you reset password for my account today")).await;
    h.clock.advance_secs(60);
    let apart = conversation(&h, &d, "Di", &one("can you reset my account password for today")).await;
    h.desk.index_now().expect("indexed");
    assert_eq!(ids(&ranked(&h, &d.sup, "reset password").await), [together.clone(), apart.clone()]);
    assert_eq!(ids(&ranked(&h, &d.sup, "password reset").await), [apart.clone(), together.clone()], "a tie: newest");

    // Equal texts: the most recently updated first, and after an update the other one.
    h.clock.advance_secs(60);
    let older = conversation(&h, &d, "Ed", &one("richiesta di rimborso")).await;
    h.clock.advance_secs(60);
    let newer = conversation(&h, &d, "Flo", &one("richiesta di rimborso")).await;
    h.desk.index_now().expect("indexed");
    let page = ranked(&h, &d.sup, "rimborso").await;
    assert_eq!(ids(&page), [newer.clone(), older.clone()]);
    assert_eq!(page["items"][0]["score"], page["items"][1]["score"], "a true tie");
    h.clock.advance_secs(60);
    let labelled = h
        .call(
            poem::http::Method::PATCH,
            &format!("/api/v1/conversations/{older}"),
            Some(&d.sup),
            Some(json!({"labels": [d.vip]})),
        )
        .await;
    assert_eq!(labelled.status, 200, "{}", labelled.text);
    h.desk.index_now().expect("indexed");
    assert_eq!(ids(&ranked(&h, &d.sup, "rimborso").await), [older, newer], "updated since");
}

#[tokio::test]
async fn the_matching_messages_of_a_long_conversation_come_from_the_index() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let lines: Vec<String> = (0..200)
        .map(|i| match i {
            3 => "riga 3: ho perso la chiave del portale".to_string(),
            150 => "riga 150: la chiave nuova non funziona, e il portale nemmeno".to_string(),
            190 => "riga 190: una chiave sola".to_string(),
            _ => format!("riga {i}: tutto bene, grazie"),
        })
        .collect();
    let long = conversation(&h, &d, "Gino", &lines).await;
    h.desk.index_now().expect("indexed");
    let page = ranked(&h, &d.sup, "chiave portale").await;
    assert_eq!(ids(&page), [long]);
    let fragments: Vec<&str> = page["items"][0]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["fragment"].as_str().expect("fragment"))
        .collect();
    assert_eq!(
        fragments,
        [
            "riga 150: la chiave nuova non funziona, e il portale nemmeno",
            "riga 3: ho perso la chiave del portale",
            "riga 190: una chiave sola"
        ],
        "both words first, then the latest"
    );
    let page = ranked(&h, &d.sup, "chiav*").await;
    let html: Vec<&str> = page["items"][0]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["html"].as_str().expect("html"))
        .collect();
    assert_eq!(
        html,
        [
            "riga 190: una <mark>chiav</mark>e sola",
            "riga 150: la <mark>chiav</mark>e nuova non funziona, e il portale nemmeno",
            "riga 3: ho perso la <mark>chiav</mark>e del portale"
        ]
    );
    let page = ranked(&h, &d.sup, "grazie").await;
    assert_eq!(page["items"][0]["messages"].as_array().expect("messages").len(), 3, "three of 197 lines");
    assert_eq!(ranked(&h, &d.sup, "Gino").await["items"][0]["messages"], json!([]), "only the contact matched");
}
