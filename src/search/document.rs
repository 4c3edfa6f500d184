//! Turning a conversation, its timeline and its contact into the index's document.

use std::collections::HashMap;

use tantivy::TantivyDocument;

use super::SearchError;
use super::bylang::{mark, span};
use super::schema::{Fields, Lang, Role, detect};
use super::spots::Spans;
use crate::domain::conversation::{Conversation, Message, MessageKind};
use crate::store::{ContactReads, ConversationReads, Reader, WorkspaceReads};

/// What every document of a batch shares: label names, inbox channels, the fallback language.
pub struct Catalog {
    labels: HashMap<String, String>,
    channels: HashMap<String, String>,
    fallback: Lang,
}

impl Catalog {
    /// Reads the catalog from a snapshot.
    pub fn load(r: &impl Reader) -> Result<Catalog, SearchError> {
        let labels = r.labels()?.into_iter().map(|l| (l.id, l.name)).collect();
        let channels = r.inboxes()?.into_iter().map(|i| (i.id, i.channel.as_str().to_string())).collect();
        let fallback = Lang::from_code(&r.settings()?.language).unwrap_or(Lang::En);
        Ok(Catalog { labels, channels, fallback })
    }
}

/// Most timeline entries read into one document (very long conversations keep their start
/// and the text that fits).
const MAX_ENTRIES: usize = 5_000;

/// The permission keys of a conversation as search terms: who may find it
/// ([`crate::domain::visibility`]; the roles that see everything are not filtered at all).
pub fn see_keys(c: &Conversation) -> Vec<String> {
    crate::domain::visibility::conversation_keys(c).iter().map(|k| k.term()).collect()
}

/// The digits of a phone number and every suffix of at least three of them (of its last
/// `MAX_PHONE_DIGITS` digits: contacts never hold more, and the suffixes must stay few).
pub fn phone_suffixes(phone: &str) -> Vec<String> {
    let all: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let digits: String = all[all.len().saturating_sub(crate::domain::contact::MAX_PHONE_DIGITS)..].iter().collect();
    (0..digits.len().saturating_sub(2)).map(|i| digits[i..].to_string()).collect()
}

/// Builds the document of a conversation.
pub fn build(r: &impl Reader, f: &Fields, cat: &Catalog, c: Conversation) -> Result<TantivyDocument, SearchError> {
    let entries = r.timeline(&c.id, 0, MAX_ENTRIES)?;
    let texts: Vec<&Message> = entries.iter().filter(|m| m.kind != MessageKind::System && !m.text.is_empty()).collect();
    let lang = detect(
        std::iter::once(c.subject.as_str())
            .chain(texts.iter().filter(|m| m.kind != MessageKind::Note).map(|m| m.text.as_str())),
        cat.fallback,
    );
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &c.id);
    d.add_text(f.lang, lang.code());
    let mut spans = Spans::default();
    let mut add = |role: Role, index: u32, text: &str| {
        d.add_text(f.plain_text, text);
        let marked = mark(lang, text);
        spans.push(role, index, span(&marked));
        d.add_text(f.by_role(role), &marked);
        d.add_text(f.pairs, &marked);
        d.add_text(f.text, marked);
    };
    if !c.subject.is_empty() {
        add(Role::Subject, 0, &c.subject);
    }
    for m in texts {
        let role = match m.kind {
            MessageKind::Customer => Role::Customer,
            MessageKind::Agent => Role::Agent,
            _ => Role::Note,
        };
        add(role, m.index, &m.text);
    }
    d.add_bytes(f.spans, &spans.into_bytes());
    d.add_text(f.contact, format!("{} #{}", c.number, c.number));
    if let Some(contact) = r.contact(&c.contact_id)? {
        d.add_text(f.contact, &contact.name);
        if let Some(e) = &contact.email {
            d.add_text(f.contact, e);
        }
        if let Some(p) = &contact.phone {
            d.add_text(f.contact, p);
            for s in phone_suffixes(p) {
                d.add_text(f.phone, &s);
            }
        }
    }
    for l in &c.labels {
        d.add_text(f.label_id, l);
        if let Some(name) = cat.labels.get(l) {
            d.add_text(f.label, name);
        }
    }
    d.add_text(f.status, c.status.as_str());
    d.add_text(f.detailed, c.detailed.as_str());
    if let Some(a) = &c.assignee {
        d.add_text(f.assignee, a);
    }
    if let Some(t) = &c.team_id {
        d.add_text(f.team, t);
    }
    d.add_text(f.inbox, &c.inbox_id);
    if let Some(ch) = cat.channels.get(&c.inbox_id) {
        d.add_text(f.channel, ch);
    }
    d.add_text(f.contact_id, &c.contact_id);
    for k in see_keys(&c) {
        d.add_text(f.see, &k);
    }
    d.add_i64(f.created, c.created_at.millis());
    d.add_i64(f.updated, c.updated_at.millis());
    for term in super::newest::bucket_terms(c.updated_at.millis()) {
        d.add_text(f.bucket, &term);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::domain::conversation::{Origin, Status};

    #[test]
    fn phone_suffixes_cover_every_tail() {
        assert_eq!(phone_suffixes("+39 02-1234"), vec!["39021234", "9021234", "021234", "21234", "1234", "234"]);
        assert!(phone_suffixes("12").is_empty());
    }

    #[test]
    fn queued_conversations_are_seen_by_their_inbox_and_team() {
        let mut c = Conversation::new("cv_1".into(), 1001, "in_1".into(), "ct_1".into(), Origin::Inbound, Timestamp(0));
        c.team_id = Some("tm_1".into());
        c.participants = vec!["usr_a".into()];
        assert_eq!(see_keys(&c), vec!["u:usr_a", "q:in_1", "t:tm_1"]);
        c.status = Status::Open;
        c.assignee = Some("usr_a".into());
        assert_eq!(see_keys(&c), vec!["u:usr_a"]);
    }
}
