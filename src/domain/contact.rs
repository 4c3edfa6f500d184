//! Contacts (customers, F17–F18): identity fields normalised for matching, custom attributes,
//! and a link to an external CRM record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validation::{Checks, check_email, normalize_email};
use super::{FieldError, Timestamp};

/// A custom attribute value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
}

/// A customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Opaque id (`ct_…`).
    pub id: String,
    /// Display name (may be empty when only an email or phone is known).
    pub name: String,
    /// Email as entered (trimmed).
    pub email: Option<String>,
    /// Phone as entered (trimmed).
    pub phone: Option<String>,
    /// Id in an external system (bot, WhatsApp bridge), unique.
    pub external_id: Option<String>,
    /// Custom attributes, e.g. what a bot collected.
    pub attributes: BTreeMap<String, AttrValue>,
    /// Link to the contact's record in a CRM.
    pub crm_url: Option<String>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

impl Contact {
    /// A contact with nothing filled in yet.
    pub fn blank(id: String, now: Timestamp) -> Self {
        Contact {
            id,
            name: String::new(),
            email: None,
            phone: None,
            external_id: None,
            attributes: BTreeMap::new(),
            crm_url: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// The email normalised for matching.
    pub fn email_key(&self) -> Option<String> {
        self.email.as_deref().map(normalize_email).filter(|e| !e.is_empty())
    }

    /// The phone normalised for matching.
    pub fn phone_key(&self) -> Option<String> {
        self.phone.as_deref().and_then(normalize_phone)
    }

    /// The name for display: the name, else the email, else the phone.
    pub fn display_name(&self) -> String {
        if !self.name.trim().is_empty() {
            self.name.clone()
        } else {
            self.email.clone().or_else(|| self.phone.clone()).unwrap_or_else(|| "Unknown".into())
        }
    }
}

/// A phone number reduced to `+` and digits for matching: spaces, dots, dashes and brackets
/// dropped, a leading `00` read as `+`. `None` when fewer than 5 digits remain.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    if trimmed.chars().count() > MAX_PHONE_CHARS {
        return None;
    }
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let (plus, digits) = match digits.strip_prefix("00") {
        Some(rest) if !plus && rest.len() >= 5 => (true, rest.to_string()),
        _ => (plus, digits),
    };
    if digits.len() < 5 || digits.len() > MAX_PHONE_DIGITS {
        return None;
    }
    Some(if plus { format!("+{digits}") } else { digits })
}

/// Lower-cases and strips the accents of Latin letters, for name matching ("Lucía" → "lucia").
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

/// The words of a name, folded, for prefix matching.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> =
        fold(name).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    words.sort();
    words.dedup();
    words
}

/// Most digits a phone number may hold: E.164 allows 15; the rest is room for an extension
/// or a trunk prefix. Every run of a phone's digits is indexed, so this also bounds the index.
pub const MAX_PHONE_DIGITS: usize = 20;
/// Longest phone number as entered, formatting characters included.
pub const MAX_PHONE_CHARS: usize = 40;

/// Longest attribute key; most attributes per contact.
pub const MAX_ATTR_KEY: usize = 64;
/// Most attributes per contact.
pub const MAX_ATTRS: usize = 100;

/// Checks a contact's fields.
pub fn check_contact(c: &Contact) -> Result<(), Vec<FieldError>> {
    let mut checks = Checks::new();
    checks.require(c.name.chars().count() <= 200, "name", "must be at most 200 characters");
    if let Some(e) = c.email_key() {
        checks.add(check_email("email", &e));
    }
    if let Some(p) = &c.phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let why = if p.trim().chars().count() > MAX_PHONE_CHARS {
            format!("must be at most {MAX_PHONE_CHARS} characters, e.g. +39 02 1234 5678")
        } else if digits > MAX_PHONE_DIGITS {
            format!("has {digits} digits; a phone number has at most {MAX_PHONE_DIGITS} (E.164 allows 15)")
        } else {
            "must hold at least 5 digits, e.g. +39 02 1234 5678".to_string()
        };
        checks.require(normalize_phone(p).is_some(), "phone", why);
    }
    checks.require(
        c.name.trim().len()
            + c.email_key().map_or(0, |e| e.len())
            + c.phone_key().map_or(0, |p| p.len())
            + c.external_id.as_ref().map_or(0, String::len)
            > 0,
        "name",
        "a contact needs at least a name, an email, a phone or an external id",
    );
    if let Some(x) = &c.external_id {
        checks.require(!x.trim().is_empty() && x.chars().count() <= 200, "external_id", "must be 1 to 200 characters");
    }
    if let Some(url) = &c.crm_url {
        checks.require(
            (url.starts_with("https://") || url.starts_with("http://"))
                && url.chars().count() <= 2000
                && !url.contains(char::is_whitespace),
            "crm_url",
            "must be an http(s) URL",
        );
    }
    checks.require(c.attributes.len() <= MAX_ATTRS, "attributes", format!("at most {MAX_ATTRS} attributes"));
    for (k, v) in &c.attributes {
        let ok_key =
            !k.is_empty() && k.len() <= MAX_ATTR_KEY && k.chars().all(|ch| ch.is_alphanumeric() || "_-.".contains(ch));
        checks.require(
            ok_key,
            "attributes",
            format!("attribute name {k:?} must be 1 to {MAX_ATTR_KEY} letters, digits, _, - or ."),
        );
        if let AttrValue::Text(t) = v {
            checks.require(
                t.chars().count() <= 2000,
                "attributes",
                format!("attribute {k} is longer than 2000 characters"),
            );
        }
        if let AttrValue::Number(n) = v {
            checks.require(n.is_finite(), "attributes", format!("attribute {k} must be a finite number"));
        }
    }
    checks.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_for_matching() {
        assert_eq!(normalize_phone("+39 (02) 1234-5678").as_deref(), Some("+390212345678"));
        assert_eq!(normalize_phone("0039 02 1234 5678").as_deref(), Some("+390212345678"));
        assert_eq!(normalize_phone("612 34 56 78").as_deref(), Some("612345678"));
        assert_eq!(normalize_phone("12-34"), None);
        assert_eq!(normalize_phone("call me"), None);
    }

    #[test]
    fn names_fold_accents() {
        assert_eq!(fold("Lucía FERNÁNDEZ Ñoño"), "lucia fernandez nono");
        assert_eq!(name_words("José-María  de la Cruz"), ["cruz", "de", "jose", "la", "maria"]);
    }

    #[test]
    fn contacts_need_some_identity_and_valid_fields() {
        let base = Contact::blank("ct_1".into(), Timestamp(0));
        assert!(check_contact(&base).is_err());
        let ok = Contact { email: Some("A@B.co".into()), ..base.clone() };
        assert!(check_contact(&ok).is_ok());
        assert_eq!(ok.email_key().as_deref(), Some("a@b.co"));
        let mut attrs = BTreeMap::new();
        attrs.insert("bad key".to_string(), AttrValue::Bool(true));
        let bad = Contact {
            phone: Some("12".into()),
            crm_url: Some("ftp://x".into()),
            attributes: attrs,
            name: "X".into(),
            ..base
        };
        let fields: Vec<_> = check_contact(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["phone", "crm_url", "attributes"]);
    }
}
