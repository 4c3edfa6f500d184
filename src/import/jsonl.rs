//! The JSON Lines import format: `conversations.jsonl`, one conversation per line with its
//! contact and messages (documented in `docs/import.md`).
//!
//! A line that is not JSON, not UTF-8 or not a conversation is left out and reported with its
//! number; the other lines are imported. Attachment `path`s are read relative to the folder.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Deserialize;

use super::{Sink, cut_text};
use crate::domain::Timestamp;
use crate::domain::import::{Entry, ImportStatus, NewContact, NewFile, Thread, Writer};

/// One line of `conversations.jsonl`.
#[derive(Deserialize)]
struct Line {
    #[serde(rename = "ref")]
    key: String,
    #[serde(default)]
    inbox: Option<String>,
    #[serde(default)]
    contact: LineContact,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    closed_at: Option<String>,
    messages: Vec<LineMessage>,
}

#[derive(Deserialize, Default)]
struct LineContact {
    #[serde(rename = "ref", default)]
    key: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

#[derive(Deserialize)]
struct LineMessage {
    author: String,
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    text: String,
    at: String,
    #[serde(default)]
    attachments: Vec<LineFile>,
}

#[derive(Deserialize)]
struct LineFile {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    data_base64: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
}

/// Reads `path` (a folder holding `conversations.jsonl`, or the file itself) into `sink`.
pub fn read(path: &Path, source_name: Option<&str>, sink: &mut Sink<'_>) -> Result<(), String> {
    let (file, dir) = if path.is_dir() {
        (path.join("conversations.jsonl"), path.to_path_buf())
    } else {
        (path.to_path_buf(), path.parent().map(Path::to_path_buf).unwrap_or_default())
    };
    let name = source_name
        .map(str::to_string)
        .unwrap_or_else(|| file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    let f = std::fs::File::open(&file).map_err(|e| format!("cannot open {}: {e}", file.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, f);
    let (mut buf, mut number, mut read) = (Vec::new(), 0usize, 0u64);
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if n == 0 {
            break;
        }
        number += 1;
        read += n as u64;
        let at = format!("{name}:{number}");
        let Ok(text) = std::str::from_utf8(&buf) else {
            sink.skip(at, "the line is not UTF-8; left out".into());
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match thread_of(text, &at, &dir) {
            Ok((t, notes)) => {
                for n in notes {
                    sink.skip(at.clone(), n);
                }
                sink.push(t, read).map_err(|e| format!("the import stopped at {at}: {e}"))?;
            }
            Err(reason) => sink.skip(at, format!("{reason}; the line is left out")),
        }
    }
    Ok(())
}

/// Parses an RFC 3339 time.
fn time(s: &str, what: &str) -> Result<Timestamp, String> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("{what} \"{s}\" is not an RFC 3339 time such as 2025-03-01T09:00:00Z"))?;
    Ok(Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64))
}

/// One line as a thread, with notes on what was changed to import it.
fn thread_of(text: &str, at: &str, dir: &Path) -> Result<(Thread, Vec<String>), String> {
    let line: Line = serde_json::from_str(text).map_err(|e| format!("not a conversation: {e}"))?;
    let status = match line.status.as_deref() {
        None => ImportStatus::Closed,
        Some(s) => ImportStatus::parse(s)
            .ok_or_else(|| format!("status \"{s}\" is none of closed, resolved, open, pending, snoozed"))?,
    };
    if line.key.trim().is_empty() {
        return Err("\"ref\" is empty".into());
    }
    let mut notes = Vec::new();
    let mut messages = Vec::with_capacity(line.messages.len());
    for (i, m) in line.messages.into_iter().enumerate() {
        let what = format!("messages[{i}]");
        let writer = match (m.author.as_str(), m.agent) {
            ("customer" | "contact", _) => Writer::Customer,
            ("agent", who) => Writer::Agent(who.unwrap_or_else(|| "Imported".into())),
            ("note", who) => Writer::Note(who.unwrap_or_else(|| "Imported".into())),
            (other, _) => return Err(format!("{what}.author \"{other}\" is none of customer, agent, note")),
        };
        let (text, cut) = cut_text(m.text);
        notes.extend(cut.map(|c| format!("{what}: {c}")));
        let mut files = Vec::new();
        for (j, f) in m.attachments.into_iter().enumerate() {
            match file_of(f, dir) {
                Ok(file) => files.push(file),
                Err(e) => notes.push(format!("{what}.attachments[{j}]: {e}; imported without it")),
            }
        }
        if text.trim().is_empty() && files.is_empty() {
            notes.push(format!("{what} has no text and no files; left out"));
            continue;
        }
        messages.push(Entry { key: None, writer, text, at: time(&m.at, &format!("{what}.at"))?, files });
    }
    messages.sort_by_key(|m| m.at);
    let c = line.contact;
    let thread = Thread {
        key: format!("jsonl:{}", line.key),
        source: at.to_string(),
        inbox: line.inbox,
        contact: NewContact {
            key: c.key.map(|k| format!("jsonl:contact:{k}")),
            name: c.name,
            email: c.email,
            phone: c.phone,
        },
        subject: line.subject,
        status,
        assignee: line.assignee.map(|a| a.trim().to_lowercase()),
        labels: line.labels,
        created_at: line.created_at.as_deref().map(|s| time(s, "created_at")).transpose()?,
        closed_at: line.closed_at.as_deref().map(|s| time(s, "closed_at")).transpose()?,
        messages,
    };
    Ok((thread, notes))
}

fn file_of(f: LineFile, dir: &Path) -> Result<NewFile, String> {
    let (bytes, fallback) = match (f.path, f.data_base64) {
        (Some(p), _) => {
            let rel = PathBuf::from(&p);
            if rel.is_absolute() || rel.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
                return Err(format!("path \"{p}\" must stay inside the import folder"));
            }
            let bytes = std::fs::read(dir.join(&rel)).map_err(|e| format!("cannot read \"{p}\": {e}"))?;
            (bytes, rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(p))
        }
        (None, Some(b64)) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| format!("data_base64 is not base64: {e}"))?;
            (bytes, "file".to_string())
        }
        (None, None) => return Err("neither \"path\" nor \"data_base64\" is given".into()),
    };
    Ok(NewFile { name: f.name.unwrap_or(fallback), content_type: f.content_type, bytes })
}
