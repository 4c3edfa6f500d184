//! The live-chat widget's rules (F33): an inbox's widget settings and their checks, which web
//! sites may talk to it, the customer identity signature, customer sessions and what a customer
//! may see of their conversation. Pure: no I/O, no clock.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::conversation::{Author, Message, MessageKind};
use super::{FieldError, Timestamp};

/// Whether a pre-chat field is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRule {
    /// Not asked.
    Off,
    /// Asked, may be left empty.
    #[default]
    Optional,
    /// Must be filled in before the chat starts.
    Required,
}

/// What the widget does when no agent is available.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineMode {
    /// Show the launcher with a "we'll reply by email" form.
    #[default]
    EmailForm,
    /// Hide the launcher altogether.
    Hide,
}

/// Default accent colour of the widget.
pub const DEFAULT_COLOR: &str = "#2563eb";
/// Longest greeting, in characters.
pub const MAX_GREETING_CHARS: usize = 500;
/// Most allowed origins per inbox.
pub const MAX_ORIGINS: usize = 50;

/// A live-chat inbox's widget settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WidgetSettings {
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The first words a customer reads in the open panel (empty: the widget's own).
    pub greeting: String,
    /// Web sites (`https://shop.example.com`) whose pages may carry the widget, besides this
    /// server's own pages.
    pub allowed_origins: Vec<String>,
    /// Whether the pre-chat form asks for a name.
    pub prechat_name: FieldRule,
    /// Whether the pre-chat form asks for an email.
    pub prechat_email: FieldRule,
    /// What happens when nobody is available.
    pub offline: OfflineMode,
    /// Secret (hex) that host sites sign customer ids with; empty when none was made.
    pub identity_secret: String,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        WidgetSettings {
            color: DEFAULT_COLOR.into(),
            greeting: String::new(),
            allowed_origins: Vec::new(),
            prechat_name: FieldRule::Optional,
            prechat_email: FieldRule::Optional,
            offline: OfflineMode::EmailForm,
            identity_secret: String::new(),
        }
    }
}

/// Whether `s` is a colour `#rrggbb`.
pub fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// An origin as browsers send it: `http(s)://host[:port]`, lower-cased, no path. `None` when
/// `s` is not one.
pub fn normalize_origin(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || rest.starts_with('[') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    (host_ok && port_ok).then_some(s)
}

/// Checks widget settings; the origins are normalised in place.
pub fn check_widget(w: &mut WidgetSettings) -> Vec<FieldError> {
    let mut out = Vec::new();
    if !is_hex_color(&w.color) {
        out.push(FieldError::new("widget.color", "must be a colour like #2563eb"));
    }
    if w.greeting.chars().count() > MAX_GREETING_CHARS {
        out.push(FieldError::new("widget.greeting", format!("must be at most {MAX_GREETING_CHARS} characters")));
    }
    if w.allowed_origins.len() > MAX_ORIGINS {
        out.push(FieldError::new("widget.allowed_origins", format!("may hold at most {MAX_ORIGINS} origins")));
    }
    let mut clean = Vec::new();
    for o in &w.allowed_origins {
        match normalize_origin(o) {
            Some(n) if !clean.contains(&n) => clean.push(n),
            Some(_) => {}
            None => out.push(FieldError::new(
                "widget.allowed_origins",
                format!("{o:?} is not an origin: write the site's scheme and host, like https://shop.example.com"),
            )),
        }
    }
    w.allowed_origins = clean;
    out
}

/// Whether a browser page at `origin` may use an inbox's widget API: no `Origin` (not a
/// browser's cross-site request), a page of this server itself (the origin's host is the
/// request's `Host`), or a site the admin allowed.
pub fn origin_allowed(w: &WidgetSettings, origin: Option<&str>, own_host: Option<&str>) -> bool {
    let Some(origin) = origin else { return true };
    let Some(origin) = normalize_origin(origin) else { return false };
    let host = origin.split_once("://").map_or("", |(_, h)| h);
    own_host.is_some_and(|own| own.trim().eq_ignore_ascii_case(host)) || w.allowed_origins.contains(&origin)
}

/// The signature a host site gives with a customer id: lower-case hex HMAC-SHA256 of the id
/// under the inbox's identity secret.
pub fn sign_customer(secret: &str, customer_id: &str) -> String {
    let Ok(mut mac) = hmac::Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(customer_id.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` signs `customer_id` under `secret`, compared in constant time.
pub fn signature_ok(secret: &str, customer_id: &str, signature: &str) -> bool {
    if secret.is_empty() {
        return false;
    }
    let want = sign_customer(secret, customer_id);
    let got = signature.trim().to_ascii_lowercase();
    want.len() == got.len() && want.bytes().zip(got.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A customer's session with one live-chat inbox: what a customer token stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSession {
    /// Opaque id (`cs_…`).
    pub id: String,
    /// The inbox.
    pub inbox_id: String,
    /// The contact the customer is.
    pub contact_id: String,
    /// Created.
    pub created_at: Timestamp,
    /// Whether the contact's identity was signed by the host site.
    #[serde(default)]
    pub verified: bool,
}

/// Lowest and highest satisfaction score.
pub const SCORES: std::ops::RangeInclusive<u8> = 1..=5;
/// Longest rating comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A customer's satisfaction rating of a closed conversation (F31).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// The conversation.
    pub conversation_id: String,
    /// 1 to 5.
    pub score: u8,
    /// Optional words.
    pub comment: String,
    /// When it was given.
    pub created_at: Timestamp,
    /// The inbox, agent and team the conversation had when it closed (for reports).
    pub inbox_id: String,
    /// The agent.
    pub agent_id: Option<String>,
    /// The team.
    pub team_id: Option<String>,
}

/// Checks a score and comment.
pub fn check_rating(score: u8, comment: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    if !SCORES.contains(&score) {
        out.push(FieldError::new("score", "must be 1, 2, 3, 4 or 5"));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        out.push(FieldError::new("comment", format!("must be at most {MAX_COMMENT_CHARS} characters")));
    }
    out
}

/// Who wrote an entry, as the customer is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerSide {
    /// The customer.
    Customer,
    /// An agent.
    Agent,
    /// A bot (before a hand-off).
    Bot,
}

/// How a timeline entry shows to the customer, or `None` when it never does: internal notes
/// and system entries are for agents only.
pub fn customer_side(m: &Message) -> Option<CustomerSide> {
    match (m.kind, &m.author) {
        (MessageKind::Customer, Author::Bot { .. }) => Some(CustomerSide::Bot),
        (MessageKind::Customer, _) => Some(CustomerSide::Customer),
        (MessageKind::Agent, Author::Bot { .. }) => Some(CustomerSide::Bot),
        (MessageKind::Agent, _) => Some(CustomerSide::Agent),
        (MessageKind::Note | MessageKind::System, _) => None,
    }
}

/// The name a customer sees for an agent: the first word of their name.
pub fn agent_first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(normalize_origin("HTTPS://Shop.Example.com/").as_deref(), Some("https://shop.example.com"));
        assert_eq!(normalize_origin("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(normalize_origin("ftp://x"), None);
        assert_eq!(normalize_origin("https://a.com/path"), None);
        assert_eq!(normalize_origin("https://a.com:99999"), None);
        let mut w = WidgetSettings {
            allowed_origins: vec!["https://A.com".into(), "https://a.com/".into(), "nope".into()],
            ..WidgetSettings::default()
        };
        let errs = check_widget(&mut w);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(w.allowed_origins, vec!["https://a.com".to_string()]);
    }

    #[test]
    fn origin_rules() {
        let w = WidgetSettings { allowed_origins: vec!["https://shop.example.com".into()], ..Default::default() };
        assert!(origin_allowed(&w, None, None));
        assert!(origin_allowed(&w, Some("https://shop.example.com"), None));
        assert!(origin_allowed(&w, Some("http://desk:8080"), Some("desk:8080")));
        assert!(!origin_allowed(&w, Some("https://evil.example"), Some("desk:8080")));
        assert!(!origin_allowed(&w, Some("null"), None));
    }

    #[test]
    fn signatures_match_rfc_4231_and_refuse_tampering() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign_customer("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let sig = sign_customer("s3cret", "cust-42");
        assert!(signature_ok("s3cret", "cust-42", &sig));
        assert!(signature_ok("s3cret", "cust-42", &sig.to_uppercase()));
        assert!(!signature_ok("s3cret", "cust-43", &sig));
        assert!(!signature_ok("other", "cust-42", &sig));
        assert!(!signature_ok("", "cust-42", &sign_customer("", "cust-42")));
        assert!(!signature_ok("s3cret", "cust-42", ""));
    }

    #[test]
    fn ratings_are_checked() {
        assert!(check_rating(5, "great").is_empty());
        assert_eq!(check_rating(0, "")[0].field, "score");
        assert_eq!(check_rating(6, &"x".repeat(MAX_COMMENT_CHARS + 1)).len(), 2);
    }

    #[test]
    fn notes_and_system_entries_never_reach_customers() {
        let m = |kind, author| Message {
            id: "m".into(),
            conversation_id: "c".into(),
            index: 0,
            kind,
            author,
            text: String::new(),
            event: None,
            says: None,
            reply_to: None,
            attachments: vec![],
            reactions: Default::default(),
            created_at: Timestamp(0),
        };
        let user = || Author::User { id: "u".into() };
        assert_eq!(customer_side(&m(MessageKind::Note, user())), None);
        assert_eq!(customer_side(&m(MessageKind::System, Author::System)), None);
        assert_eq!(customer_side(&m(MessageKind::Agent, user())), Some(CustomerSide::Agent));
        assert_eq!(
            customer_side(&m(MessageKind::Customer, Author::Contact { id: "c".into() })),
            Some(CustomerSide::Customer)
        );
        assert_eq!(agent_first_name("Olga Rossi"), "Olga");
    }
}
