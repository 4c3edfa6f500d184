//! The `pattern`s the spec declares for text fields and query parameters.
//!
//! They are written into the generated spec here rather than as poem-openapi `pattern`
//! validators, because poem-openapi compiles a validator's regex on every request: with four
//! patterns on a channel message that was a third of the server's CPU under load. The strict
//! middleware (`http::strict`) checks every request against the spec before a handler runs,
//! with each regex compiled once, so the rules are enforced exactly as declared.

use serde_json::{Value, json};

/// Not blank.
const NOT_BLANK: &str = r"\S";
/// An email address.
const EMAIL: &str = r"^[^@\s]+@[^@\s.](?:[^@\s]*[^@\s.])?$";
/// A colour.
const COLOUR: &str = "^#[0-9a-fA-F]{6}$";
/// A canned response's shortcut.
const SHORTCUT: &str = "^/*[A-Za-z0-9_-]{1,32}$";
/// A webhook's URL.
const HTTP_URL: &str = r"^https?://[^\s/?#]+\S*$";

/// `(schema, property, pattern)`; a property ending in `[]` puts it on the array's items.
const FIELDS: &[(&str, &str, &str)] = &[
    ("ChannelMessage", "text", NOT_BLANK),
    ("ContactBody", "email", r"^\s*(?:[^@\s]+@[^@\s.](?:[^@\s]*[^@\s.])?)?\s*$"),
    ("ContactBody", "phone", r"^\s*$|^[^0-9]*(?:[0-9][^0-9]*){5,20}$"),
    ("ContactBody", "crm_url", r"^\s*(?:https?://\S*)?\s*$"),
    ("CreateCanned", "shortcut", SHORTCUT),
    ("CreateCanned", "title", NOT_BLANK),
    ("CreateCanned", "body", NOT_BLANK),
    ("CreateInbox", "name", NOT_BLANK),
    ("CreateLabel", "name", NOT_BLANK),
    ("CreateLabel", "color", COLOUR),
    ("CreateTeam", "name", NOT_BLANK),
    ("CreateToken", "name", NOT_BLANK),
    ("CreateUser", "email", EMAIL),
    ("CreateUser", "name", NOT_BLANK),
    ("CreateWebhook", "url", HTTP_URL),
    ("CreateWrapUp", "name", NOT_BLANK),
    ("HandoffBody", "bot_name", NOT_BLANK),
    ("SettingsBody", "name", NOT_BLANK),
    ("SettingsBody", "language", "^(en|it|es)$"),
    ("SettingsBody", "allowed_upload_types[]", "^[A-Za-z0-9+.*_-]{1,100}/[A-Za-z0-9+.*_-]{1,100}$"),
    ("TranscriptLineBody", "from", "^(customer|bot)$"),
    ("TranscriptLineBody", "text", NOT_BLANK),
    ("UpdateCanned", "shortcut", SHORTCUT),
    ("UpdateCanned", "title", NOT_BLANK),
    ("UpdateCanned", "body", NOT_BLANK),
    ("UpdateInbox", "name", NOT_BLANK),
    ("UpdateLabel", "name", NOT_BLANK),
    ("UpdateLabel", "color", COLOUR),
    ("UpdateTeam", "name", NOT_BLANK),
    ("UpdateUser", "email", EMAIL),
    ("UpdateUser", "name", NOT_BLANK),
    ("UpdateWebhook", "url", HTTP_URL),
    ("UpdateWrapUp", "name", NOT_BLANK),
    ("WidgetSettingsPatch", "color", COLOUR),
];

/// `(path, method, query parameter, pattern)`.
const PARAMS: &[(&str, &str, &str, &str)] = &[
    ("/api/v1/search", "get", "q", NOT_BLANK),
    ("/api/v1/webhooks/{id}/deliveries", "get", "cursor", "^[0-9a-f]{16}$"),
    ("/api/widget/v1/conversations/{id}/messages", "get", "cursor", "^[0-9]{1,10}$"),
];

/// Writes the patterns into `spec`.
pub fn declare(spec: &mut Value) {
    for (schema, property, pattern) in FIELDS {
        let (property, items) = match property.strip_suffix("[]") {
            Some(p) => (p, "/items"),
            None => (*property, ""),
        };
        if let Some(p) = spec.pointer_mut(&format!("/components/schemas/{schema}/properties/{property}{items}")) {
            p["pattern"] = json!(pattern);
        }
    }
    for (path, method, name, pattern) in PARAMS {
        let at = format!("/paths/{}/{method}/parameters", path.replace('/', "~1"));
        let params = spec.pointer_mut(&at).and_then(Value::as_array_mut);
        for p in params.into_iter().flatten().filter(|p| p["name"] == *name) {
            p["schema"]["pattern"] = json!(pattern);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_lands_on_a_field_or_parameter_of_the_spec() {
        let spec: Value = serde_json::from_str(&crate::api::spec_json()).expect("spec");
        for (schema, property, pattern) in FIELDS {
            let (property, items) = property.strip_suffix("[]").map_or((*property, ""), |p| (p, "/items"));
            let at = format!("/components/schemas/{schema}/properties/{property}{items}/pattern");
            assert_eq!(spec.pointer(&at).and_then(Value::as_str), Some(*pattern), "{at}");
        }
        for (path, method, name, pattern) in PARAMS {
            let at = format!("/paths/{}/{method}/parameters", path.replace('/', "~1"));
            let params = spec.pointer(&at).and_then(Value::as_array).expect("parameters");
            let p = params.iter().find(|p| p["name"] == *name).expect("the parameter");
            assert_eq!(p["schema"]["pattern"].as_str(), Some(*pattern), "{path} {name}");
        }
    }
}
