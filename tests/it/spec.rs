//! The OpenAPI contract: the committed `openapi/openapi.json` equals the generated spec, the
//! served spec equals it too, and every operation is fully documented.

use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

#[test]
fn committed_spec_equals_the_generated_one() {
    let generated = switchboard::api::spec_json();
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    if generated != committed {
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(COMMITTED, &generated).expect("writes the spec");
            return;
        }
        panic!(
            "openapi/openapi.json differs from the spec the code generates.\n\
             Regenerate it and commit the result:\n    cargo run -- export-openapi -o openapi/openapi.json\n\
             (or: UPDATE_OPENAPI=1 cargo test --test spec)"
        );
    }
}

#[test]
fn every_operation_has_an_id_summary_tag_and_error_responses() {
    let spec: Value = serde_json::from_str(&switchboard::api::spec_json()).expect("valid JSON");
    let mut ids = std::collections::HashSet::new();
    let mut count = 0;
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        assert!(
            path.starts_with("/api/v1/") || path.starts_with("/api/widget/v1/"),
            "{path} lacks the /api/v1 (or the customer API's /api/widget/v1) prefix"
        );
        for (method, op) in ops.as_object().expect("operations") {
            count += 1;
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_string()), "duplicate operationId {id}");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{id} has no summary");
            assert!(op["description"].as_str().is_some_and(|s| !s.is_empty()), "{id} has no description");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id} has no tag");
            let responses = op["responses"].as_object().expect("responses");
            for code in ["400", "401", "503"] {
                let r = responses.get(code).unwrap_or_else(|| panic!("{id} does not document {code}"));
                assert!(r["content"]["application/problem+json"].is_object(), "{id} {code} is not problem+json");
            }
            let secured = op.get("security").is_some();
            // Open: signing in, and the two calls a customer makes before having a token.
            let open = ["login", "getWidgetInbox", "startWidgetSession"].contains(&id);
            assert_eq!(secured, !open, "{id}: only sign-in and the start of a chat are open");
            if path.starts_with("/api/widget/v1/") && secured {
                assert_eq!(op["security"], serde_json::json!([{"CustomerToken": []}]), "{id} takes a customer token");
            }
        }
    }
    assert_eq!(count, 110, "operations in the spec");
}

#[tokio::test]
async fn the_served_spec_equals_the_committed_one() {
    let h = crate::common::Harness::new().await;
    let resp = h.client.get("/api/openapi.json").send().await;
    resp.assert_status_is_ok();
    let served: Value = serde_json::from_str(&resp.0.into_body().into_string().await.expect("body")).expect("JSON");
    let committed: Value =
        serde_json::from_str(&std::fs::read_to_string(COMMITTED).expect("committed spec")).expect("JSON");
    assert_eq!(served, committed);
}

#[test]
fn search_requires_only_its_query() {
    let spec: Value = serde_json::from_str(&switchboard::api::spec_json()).expect("valid JSON");
    let required: Vec<&str> = spec["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["required"] == true)
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(required, ["q"], "the filters, order, cursor and limit are optional, as the server treats them");
}
