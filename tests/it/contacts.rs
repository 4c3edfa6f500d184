//! Contacts: normalised matching, uniqueness, attributes and search by name, email or phone.

use crate::common::Harness;
use poem::http::Method;
use serde_json::json;

#[tokio::test]
async fn contacts_are_created_found_and_kept_unique() {
    let h = Harness::new().await;
    let ana = h.demo("ana").await;
    let a = h
        .post(
            "/api/v1/contacts",
            &ana,
            json!({
                "name": "Lucía Fernández", "email": "Lucia@Example.es", "phone": "+34 612 34 56 78",
                "attributes": {"plan": "pro", "seats": 12, "vip": true}, "crm_url": "https://crm.example.com/c/42"
            }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.body["phone"], "+34 612 34 56 78", "stored as entered");
    assert_eq!(a.body["attributes"], json!({"plan": "pro", "seats": 12.0, "vip": true}));
    let id = a.body["id"].as_str().expect("id").to_string();

    for q in ["luc", "LUCIA", "fernandez", "lucia@exa", "+34612", "612 34", "5678"] {
        let found = h.get(&format!("/api/v1/contacts?q={}", q.replace('+', "%2B").replace(' ', "%20")), &ana).await;
        let ids: Vec<_> = found.body["items"].as_array().expect("items").iter().map(|c| c["id"].clone()).collect();
        assert_eq!(ids, [json!(id)], "q={q}");
    }
    assert_eq!(h.get("/api/v1/contacts?q=nobody", &ana).await.body["items"].as_array().map(Vec::len), Some(0));

    let dup = h.post("/api/v1/contacts", &ana, json!({"name": "Other", "phone": "0034-612-345-678"})).await;
    assert_eq!(dup.status, 409, "the same phone in another format");
    assert!(dup.detail().contains(&id), "{}", dup.detail());
    assert_eq!(h.post("/api/v1/contacts", &ana, json!({"email": "LUCIA@example.es"})).await.status, 409);
    assert_eq!(h.post("/api/v1/contacts", &ana, json!({})).await.status, 422);
    let bad = h.post("/api/v1/contacts", &ana, json!({"name": "X", "attributes": {"list": [1, 2]}})).await;
    assert_eq!(bad.status, 422);

    let path = format!("/api/v1/contacts/{id}");
    let patched = h
        .call(
            Method::PATCH,
            &path,
            Some(&ana),
            Some(json!({"attributes": {"vip": null, "tier": "gold"}, "crm_url": ""})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["attributes"], json!({"plan": "pro", "seats": 12.0, "tier": "gold"}));
    assert!(patched.body["crm_url"].is_null());
    // The old phone still finds her after a change of name.
    h.call(Method::PATCH, &path, Some(&ana), Some(json!({"name": "Lucía F."}))).await;
    assert_eq!(h.get("/api/v1/contacts?q=5678", &ana).await.body["items"][0]["name"], "Lucía F.");
    assert_eq!(h.get("/api/v1/contacts?q=fernandez", &ana).await.body["items"].as_array().map(Vec::len), Some(0));
    assert_eq!(h.get("/api/v1/contacts/ct_nope", &ana).await.status, 404);
}

#[tokio::test]
async fn contact_lists_page_in_creation_order() {
    let h = Harness::new().await;
    let ana = h.demo("ana").await;
    for i in 0..5 {
        assert_eq!(h.post("/api/v1/contacts", &ana, json!({"name": format!("Customer {i}")})).await.status, 201);
    }
    let mut names = Vec::new();
    let mut path = "/api/v1/contacts?limit=2".to_string();
    loop {
        let page = h.get(&path, &ana).await;
        names.extend(
            page.body["items"].as_array().expect("items").iter().map(|c| c["name"].as_str().unwrap_or("").to_string()),
        );
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/contacts?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(names, (0..5).map(|i| format!("Customer {i}")).collect::<Vec<_>>());
}
