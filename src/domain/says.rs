//! What a system entry says, kept as the key of a sentence and its parts (who, to whom, the
//! note …) rather than only as English words, so that every page says it in its own language.
//!
//! The sentences are the pages' own: the `system.*` strings of `static/i18n/en.json`, read at
//! compile time, so the English text stored with an entry (which search indexes and exports
//! print) and the English a page shows cannot drift apart. A part named `priority` or `status`
//! holds a code that is said through the `priority.*` or `status.*` strings. The parts `reason`
//! and `note`, when present, follow the sentence as " (reason)" and ": note".

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The English strings of the pages, compiled in.
const EN: &str = include_str!("../../static/i18n/en.json");

/// A system entry's sentence: its key (after `system.`) and its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Says {
    /// The sentence, e.g. `took` for "{who} took the conversation".
    pub key: String,
    /// The parts the sentence names, e.g. `who` → "Ana Ruiz".
    pub parts: BTreeMap<String, String>,
}

impl Says {
    /// A sentence with no parts yet.
    pub fn new(key: &str) -> Self {
        Says { key: key.to_string(), parts: BTreeMap::new() }
    }

    /// Adds a part.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.parts.insert(name.to_string(), value.into());
        self
    }

    /// Adds a part when there is one.
    pub fn with_some(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// The sentence in English, as the pages write it.
    pub fn english(&self) -> String {
        let strings = english_strings();
        let template = strings.get(&format!("system.{}", self.key)).map(String::as_str).unwrap_or(self.key.as_str());
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let name = &after[..close];
                    match self.parts.get(name) {
                        Some(value) => out.push_str(&said_part(strings, name, value)),
                        None => out.push_str(&rest[open..open + close + 2]),
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        if let Some(reason) = self.parts.get("reason") {
            out.push_str(&format!(" ({reason})"));
        }
        if let Some(note) = self.parts.get("note") {
            out.push_str(&format!(": {note}"));
        }
        out
    }
}

/// A part as said: codes of priorities and statuses through their strings.
fn said_part(strings: &BTreeMap<String, String>, name: &str, value: &str) -> String {
    match name {
        "priority" | "status" => strings.get(&format!("{name}.{value}")).cloned().unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

fn english_strings() -> &'static BTreeMap<String, String> {
    static STRINGS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    // The file is part of the source tree and checked by the pages' tests; a broken one gives
    // no strings, and sentences then fall back to their keys rather than failing a change.
    STRINGS.get_or_init(|| serde_json::from_str(EN).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_the_pages_english_with_their_parts() {
        assert_eq!(Says::new("took").with("who", "Ana Ruiz").english(), "Ana Ruiz took the conversation");
        assert_eq!(
            Says::new("closed").with("who", "Ana").with("reason", "Solved").with("note", "all good").english(),
            "Ana closed the conversation (Solved): all good"
        );
        assert_eq!(
            Says::new("priority_set").with("who", "Ana").with("priority", "high").english(),
            "Ana set the priority to High"
        );
        // A name with braces stays as written.
        assert_eq!(Says::new("joined").with("who", "{who}").english(), "{who} joined the conversation");
    }

    #[test]
    fn every_sentence_the_server_writes_has_its_string() {
        for key in KEYS {
            assert!(english_strings().contains_key(&format!("system.{key}")), "system.{key} is missing from en.json");
        }
    }

    /// Every key the domain and the desk write.
    const KEYS: &[&str] = &[
        "took",
        "assigned",
        "unassigned",
        "auto_closed",
        "closed",
        "reopened",
        "transferred",
        "transferred_team",
        "invited",
        "joined",
        "conference_ended",
        "offered",
        "accepted",
        "accepted_transfer",
        "declined",
        "rona",
        "withdrawn_away",
        "withdrawn_offline",
        "withdrawn_rona",
        "withdrawn_deactivated",
        "withdrawn_gone",
        "handed_off",
        "started",
        "labels_set",
        "labels_removed",
        "subject_changed",
        "priority_set",
    ];
}
