//! Workspace configuration: teams, inboxes, labels, canned responses, wrap-up reasons and
//! settings (F15, F25), with the validation rules an admin's input must meet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::validation::{Checks, check_name};
use super::{FieldError, Timestamp};

/// A group of agents (department). Inboxes are served by teams.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// Opaque id (`team_…`).
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Optional description.
    #[serde(default)]
    pub description: String,
    /// Member user ids, without duplicates.
    pub members: Vec<String>,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// The channel an inbox receives conversations from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The website live-chat widget.
    Livechat,
    /// Integrations pushing messages through the API channel.
    Api,
}

impl Channel {
    /// The channel's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Livechat => "livechat",
            Channel::Api => "api",
        }
    }
}

/// How queued conversations of an inbox find an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMode {
    /// Agents take conversations from Unassigned.
    Manual,
    /// Offers go to eligible agents in turn.
    RoundRobin,
    /// Offers go to the eligible agent with the fewest active conversations.
    LeastBusy,
}

/// Default offer timeout, seconds.
pub const DEFAULT_OFFER_TIMEOUT_SECS: u32 = 30;
/// Default idle time before auto-close, seconds (24 h).
pub const DEFAULT_AUTO_CLOSE_SECS: u32 = 86_400;
/// Default wait after which the monitor shows a conversation amber, seconds.
pub const DEFAULT_WAIT_AMBER_SECS: u32 = 120;
/// Default wait after which the monitor shows a conversation red, seconds.
pub const DEFAULT_WAIT_RED_SECS: u32 = 300;

fn default_wait_amber() -> u32 {
    DEFAULT_WAIT_AMBER_SECS
}
fn default_wait_red() -> u32 {
    DEFAULT_WAIT_RED_SECS
}

/// A mailbox / queue / channel that conversations arrive in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Opaque id (`inb_…`).
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Where conversations come from.
    pub channel: Channel,
    /// How conversations are assigned.
    pub assignment: AssignmentMode,
    /// Seconds an offer waits for an answer.
    pub offer_timeout_secs: u32,
    /// Seconds of silence after which an open or pending conversation closes (0 = never).
    pub auto_close_secs: u32,
    /// Whether closing needs a wrap-up reason.
    pub wrap_up_required: bool,
    /// Teams whose members serve this inbox.
    pub team_ids: Vec<String>,
    /// A wait this long turns the conversation amber in the monitor (seconds).
    #[serde(default = "default_wait_amber")]
    pub wait_amber_secs: u32,
    /// A wait this long turns it red (seconds; more than `wait_amber_secs`).
    #[serde(default = "default_wait_red")]
    pub wait_red_secs: u32,
    /// The live-chat widget's settings (live-chat inboxes).
    #[serde(default)]
    pub widget: super::widget::WidgetSettings,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A tag on conversations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Opaque id (`lbl_…`).
    pub id: String,
    /// Unique name (case-insensitive).
    pub name: String,
    /// Display colour, `#rrggbb`.
    pub color: String,
}

/// Who can use a canned response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CannedScope {
    /// Everyone.
    Global,
    /// Members of one team.
    Team {
        /// The team.
        team_id: String,
    },
    /// Only its owner.
    Personal {
        /// The owner.
        user_id: String,
    },
}

/// A reply template inserted with `/shortcut`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    /// Opaque id (`can_…`).
    pub id: String,
    /// Who can use it.
    pub scope: CannedScope,
    /// Shortcut code typed after `/`: letters, digits, `-` and `_`.
    pub shortcut: String,
    /// Human title.
    pub title: String,
    /// Body with `{{placeholders}}`.
    pub body: String,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

/// A reason chosen when closing a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrapUpReason {
    /// Opaque id (`wru_…`).
    pub id: String,
    /// Name shown in the close dialog and reports.
    pub name: String,
    /// Archived reasons stay on closed conversations but cannot be chosen any more.
    pub archived: bool,
}

/// Workspace-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Workspace name shown on the pages.
    pub name: String,
    /// Default interface language: `en`, `it` or `es`.
    pub language: String,
    /// IANA time zone used by reports, e.g. `Europe/Rome`.
    pub time_zone: String,
    /// Longest message text, in characters.
    pub max_message_chars: u32,
    /// Largest attachment, in bytes.
    pub max_upload_bytes: u64,
    /// MIME types agents may upload (`image/png`, or `image/*` for a whole family).
    #[serde(default = "default_upload_types")]
    pub allowed_upload_types: Vec<String>,
    /// Default capacity of new agents.
    pub default_capacity: u32,
    /// Seconds without a sign of life after which an available agent turns away (F20).
    #[serde(default = "default_presence_timeout")]
    pub presence_timeout_secs: u32,
}

/// Default presence timeout: 2 minutes (F20).
pub const DEFAULT_PRESENCE_TIMEOUT_SECS: u32 = 120;

fn default_presence_timeout() -> u32 {
    DEFAULT_PRESENCE_TIMEOUT_SECS
}

fn default_upload_types() -> Vec<String> {
    super::media::DEFAULT_ALLOWED_TYPES.iter().map(|t| t.to_string()).collect()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: "Switchboard".into(),
            language: "en".into(),
            time_zone: "UTC".into(),
            max_message_chars: 10_000,
            max_upload_bytes: 25 * 1024 * 1024,
            allowed_upload_types: default_upload_types(),
            default_capacity: super::user::DEFAULT_CAPACITY,
            presence_timeout_secs: DEFAULT_PRESENCE_TIMEOUT_SECS,
        }
    }
}

/// Checks settings an admin submitted.
pub fn check_settings(s: &Settings) -> Result<(), Vec<FieldError>> {
    let mut c = Checks::new();
    c.add(check_name("name", &s.name));
    c.require(["en", "it", "es"].contains(&s.language.as_str()), "language", "must be en, it or es");
    c.require(
        super::report::time_zone(&s.time_zone).is_some(),
        "time_zone",
        "must be an IANA time zone such as Europe/Rome or UTC",
    );
    c.require((100..=100_000).contains(&s.max_message_chars), "max_message_chars", "must be between 100 and 100000");
    c.require(
        (1024..=1024 * 1024 * 1024).contains(&s.max_upload_bytes),
        "max_upload_bytes",
        "must be between 1 KiB and 1 GiB",
    );
    c.require(
        (1..=super::user::MAX_CAPACITY).contains(&s.default_capacity),
        "default_capacity",
        "must be between 1 and 100",
    );
    c.require(
        (30..=3600).contains(&s.presence_timeout_secs),
        "presence_timeout_secs",
        "must be between 30 and 3600 seconds",
    );
    let bad: Vec<&String> = s.allowed_upload_types.iter().filter(|t| !looks_like_mime(t)).collect();
    c.require(
        bad.is_empty() && !s.allowed_upload_types.is_empty() && s.allowed_upload_types.len() <= 200,
        "allowed_upload_types",
        format!(
            "must be 1 to 200 MIME types like image/png or image/*; not valid: {}",
            bad.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", ")
        ),
    );
    c.finish()
}

fn looks_like_mime(t: &str) -> bool {
    let mut parts = t.split('/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty() && p.len() <= 100 && p.chars().all(|c| c.is_ascii_alphanumeric() || "+-.*_".contains(c))
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// Checks a `#rrggbb` colour.
pub fn check_color(field: &str, color: &str) -> Result<(), FieldError> {
    let ok = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok { Ok(()) } else { Err(FieldError::new(field, "must be a colour like #3b82f6")) }
}

/// Checks a canned-response shortcut code.
pub fn check_shortcut(field: &str, code: &str) -> Result<(), FieldError> {
    let ok = (1..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be 1 to 32 letters, digits, - or _ (no spaces, no leading /)"))
    }
}

/// Checks inbox numbers: offer timeout 5 s – 10 min; auto-close 0 (never) or 5 min – 30 days.
pub fn check_inbox_times(c: &mut Checks, i: &Inbox) {
    let (offer_timeout_secs, auto_close_secs) = (i.offer_timeout_secs, i.auto_close_secs);
    c.require((5..=600).contains(&offer_timeout_secs), "offer_timeout_secs", "must be between 5 and 600 seconds");
    c.require((10..=86_400).contains(&i.wait_amber_secs), "wait_amber_secs", "must be between 10 seconds and a day");
    c.require(
        i.wait_red_secs > i.wait_amber_secs && i.wait_red_secs <= 86_400,
        "wait_red_secs",
        "must be longer than the amber wait and at most a day",
    );
    c.require(
        auto_close_secs == 0 || (300..=30 * 86_400).contains(&auto_close_secs),
        "auto_close_secs",
        "must be 0 (never) or between 300 seconds and 30 days",
    );
}

/// Values a canned response's placeholders are filled with.
#[derive(Clone, Debug, Default)]
pub struct PlaceholderValues {
    /// `{{contact.name}}`.
    pub contact_name: String,
    /// `{{contact.email}}`.
    pub contact_email: String,
    /// `{{agent.name}}`.
    pub agent_name: String,
    /// `{{conversation.number}}`, without the `#`.
    pub conversation_number: u64,
}

/// The placeholders a body may use.
pub const PLACEHOLDERS: [&str; 4] = ["contact.name", "contact.email", "agent.name", "conversation.number"];

/// Fills `{{placeholders}}` (spaces inside the braces allowed). Unknown ones stay as written.
pub fn expand_placeholders(body: &str, v: &PlaceholderValues) -> String {
    let values: BTreeMap<&str, String> = [
        ("contact.name", v.contact_name.clone()),
        ("contact.email", v.contact_email.clone()),
        ("agent.name", v.agent_name.clone()),
        ("conversation.number", v.conversation_number.to_string()),
    ]
    .into_iter()
    .collect();
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                match values.get(key) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Placeholders in `body` that are not known (so an admin learns of a typo when saving).
pub fn unknown_placeholders(body: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let key = after[..end].trim();
        if !PLACEHOLDERS.contains(&key) {
            unknown.push(key.to_string());
        }
        rest = &after[end + 2..];
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand_and_unknown_ones_are_reported() {
        let v = PlaceholderValues {
            contact_name: "María <VIP>".into(),
            contact_email: "maria@example.com".into(),
            agent_name: "Ana".into(),
            conversation_number: 1042,
        };
        let body = "Hola {{contact.name}}, soy {{ agent.name }}. Ticket #{{conversation.number}} ({{contact.email}}) {{oops}} {{";
        assert_eq!(
            expand_placeholders(body, &v),
            "Hola María <VIP>, soy Ana. Ticket #1042 (maria@example.com) {{oops}} {{"
        );
        assert_eq!(unknown_placeholders(body), ["oops"]);
        assert!(unknown_placeholders("{{contact.name}} {{agent.name}}").is_empty());
    }

    #[test]
    fn shapes_are_checked() {
        assert!(check_color("color", "#3B82f6").is_ok());
        assert!(check_color("color", "blue").is_err());
        assert!(check_shortcut("shortcut", "hello_1-x").is_ok());
        assert!(check_shortcut("shortcut", "/hello").is_err());
        assert!(check_shortcut("shortcut", "two words").is_err());
        assert!(check_settings(&Settings::default()).is_ok());
        let bad =
            Settings { language: "fr".into(), time_zone: "Mars".into(), max_message_chars: 5, ..Settings::default() };
        let fields: Vec<_> = check_settings(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["language", "time_zone", "max_message_chars"]);
        // Names are checked against the time zone database, not only their shape.
        for (tz, ok) in [("Europe/Rome", true), ("America/Argentina/Buenos_Aires", true), ("Europe/Atlantis", false)] {
            assert_eq!(check_settings(&Settings { time_zone: tz.into(), ..Settings::default() }).is_ok(), ok, "{tz}");
        }
        let inbox = Inbox {
            id: "inb_1".into(),
            name: "Web".into(),
            channel: Channel::Livechat,
            assignment: AssignmentMode::Manual,
            offer_timeout_secs: 4,
            auto_close_secs: 60,
            wrap_up_required: false,
            team_ids: vec![],
            wait_amber_secs: 300,
            wait_red_secs: 300,
            widget: Default::default(),
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        };
        let mut c = Checks::new();
        check_inbox_times(&mut c, &inbox);
        let fields: Vec<_> = c.finish().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["offer_timeout_secs", "wait_red_secs", "auto_close_secs"]);
        let mut c = Checks::new();
        check_inbox_times(&mut c, &Inbox { offer_timeout_secs: 30, auto_close_secs: 0, wait_red_secs: 301, ..inbox });
        assert!(c.finish().is_ok());
    }
}
