//! Mail archives (mbox files and Maildir folders), parsed with `mail-parser`.
//!
//! Two passes over the archive keep memory to the threads still open: the first reads only
//! headers and groups mails into threads (`In-Reply-To` / `References`, the subject as a
//! fallback; see [`threads`]); the second parses each mail whole and imports a thread as soon
//! as its last mail has been read. A mail from the desk (a user's address or one of
//! `--desk-address`) is an agent reply; any other is the customer's. The text part is taken
//! (HTML turned into text when there is no text part), files are kept, and a mail that cannot
//! be parsed, or whose text is in an unknown encoding, is reported.

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::Path;

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use super::{Format, Options, Sink, cut_text};
use crate::domain::Timestamp;
use crate::domain::import::{
    Entry, ImportStatus, MailHead, NewContact, NewFile, Thread, Writer, base_subject, threads,
};

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Calls `each(index, bytes read so far, raw mail)` for every mail of the archive.
fn each_mail(path: &Path, format: Format, mut each: impl FnMut(usize, u64, Vec<u8>)) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    match format {
        Format::Maildir => {
            let (mut i, mut read) = (0, 0u64);
            let it = mail_parser::mailbox::maildir::MessageIterator::new(path).map_err(cannot)?;
            for m in it {
                let raw = m.map_err(cannot)?.unwrap_contents();
                read += raw.len() as u64;
                each(i, read, raw);
                i += 1;
            }
        }
        _ => {
            let f = std::fs::File::open(path).map_err(cannot)?;
            let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counting = Counting { inner: f, read: read.clone() };
            let it = mail_parser::mailbox::mbox::MessageIterator::new(BufReader::with_capacity(1 << 20, counting));
            for (i, m) in it.enumerate() {
                let raw = m.map_err(cannot)?.unwrap_contents();
                each(i, read.load(std::sync::atomic::Ordering::Relaxed), raw);
            }
        }
    }
    Ok(())
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().rev().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn first_address(a: Option<&Address<'_>>) -> (String, String) {
    let addr = a.and_then(Address::first);
    let email = addr.and_then(|x| x.address.as_deref()).unwrap_or("").trim().to_lowercase();
    let name = addr.and_then(|x| x.name.as_deref()).unwrap_or("").trim().to_string();
    (email, name)
}

/// What the first pass keeps of a mail.
struct Head {
    head: MailHead,
    key: String,
    duplicate_of: Option<usize>,
}

fn key_of(m: &Message<'_>, raw: &[u8]) -> String {
    match m.message_id() {
        Some(id) if !id.trim().is_empty() => format!("mail:msg:{}", id.trim()),
        _ => format!("mail:sha256:{}", crate::desk::hex(&Sha256::digest(raw))),
    }
}

fn at_of(m: &Message<'_>) -> Option<Timestamp> {
    m.date().map(|d| Timestamp(d.to_timestamp().saturating_mul(1000)))
}

/// Reads a mail archive into `sink`.
pub fn read(path: &Path, format: Format, opts: &Options, sink: &mut Sink<'_>) -> Result<(), String> {
    let name = opts
        .source_name
        .clone()
        .unwrap_or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    let users: HashSet<String> = sink.user_emails().map_err(|e| e.to_string())?.into_iter().collect();
    let mut desk = users.clone();
    desk.extend(opts.desk_addresses.iter().map(|a| a.trim().to_lowercase()));
    let parser = MessageParser::default();
    // Pass 1: headers.
    let mut heads: Vec<Option<Head>> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    each_mail(path, format, |i, _, raw| {
        let Some(m) = parser.parse_headers(&raw) else {
            heads.push(None);
            return;
        };
        let key = key_of(&m, &raw);
        let (from, _) = first_address(m.from());
        let customer = if desk.contains(&from) { first_address(m.to()).0 } else { from };
        let mut parents = ids(m.in_reply_to());
        parents.extend(ids(m.references()));
        let head = MailHead {
            id: m.message_id().map(|s| s.trim().to_string()),
            parents,
            subject: base_subject(m.subject().unwrap_or("")),
            customer,
            at: at_of(&m).unwrap_or(Timestamp(0)),
        };
        let duplicate_of = seen.get(&key).copied();
        seen.entry(key.clone()).or_insert(i);
        heads.push(Some(Head { head, key, duplicate_of }));
    })?;
    let usable: Vec<usize> =
        (0..heads.len()).filter(|&i| heads[i].as_ref().is_some_and(|h| h.duplicate_of.is_none())).collect();
    let list: Vec<MailHead> = usable.iter().filter_map(|&i| heads[i].as_ref().map(|h| h.head.clone())).collect();
    let mut thread_of: Vec<Option<usize>> = vec![None; heads.len()];
    let mut remaining = Vec::new();
    let groups = threads(&list);
    for (g, members) in groups.iter().enumerate() {
        for &k in members {
            thread_of[usable[k]] = Some(g);
        }
        remaining.push(members.len());
    }
    for (i, h) in heads.iter().enumerate() {
        match h {
            None => {
                sink.skip(format!("{name}: mail {}", i + 1), "not a mail (no headers could be read); left out".into())
            }
            Some(Head { duplicate_of: Some(d), .. }) => sink.skip(
                format!("{name}: mail {}", i + 1),
                format!("a copy of mail {} (the same Message-ID); left out", d + 1),
            ),
            Some(_) => {}
        }
    }
    // Pass 2: whole mails, a thread imported once its last mail is read.
    let mut open: HashMap<usize, Vec<Parsed>> = HashMap::new();
    let mut failed: Option<String> = None;
    each_mail(path, format, |i, read, raw| {
        if failed.is_some() {
            return;
        }
        let (Some(g), Some(Some(h))) = (thread_of.get(i).copied().flatten(), heads.get(i)) else { return };
        let at = format!("{name}: mail {}", i + 1);
        match parser.parse(&raw) {
            Some(m) => match parsed(&m, i, h, &desk, &users) {
                Ok((p, notes)) => {
                    for n in notes {
                        sink.skip(at.clone(), n);
                    }
                    open.entry(g).or_default().push(p);
                }
                Err(reason) => sink.skip(at.clone(), reason),
            },
            None => sink.skip(at.clone(), "not a mail (it could not be parsed); left out".into()),
        }
        remaining[g] -= 1;
        if remaining[g] == 0
            && let Some(mails) = open.remove(&g)
            && let Some(t) = thread(mails, &name, &heads)
            && let Err(e) = sink.push(t, read)
        {
            failed = Some(format!("the import stopped at {at}: {e}"));
        }
    })?;
    failed.map_or(Ok(()), Err)
}

/// A mail of the second pass.
struct Parsed {
    index: usize,
    entry: Entry,
    subject: String,
    customer: String,
    customer_name: String,
}

/// A whole mail as a message, with notes on what was changed to import it.
fn parsed(
    m: &Message<'_>,
    index: usize,
    h: &Head,
    desk: &HashSet<String>,
    users: &HashSet<String>,
) -> Result<(Parsed, Vec<String>), String> {
    let mut notes = Vec::new();
    let (from, from_name) = first_address(m.from());
    let (_, to_name) = first_address(m.to());
    let from_desk = desk.contains(&from);
    if from.is_empty() && h.head.customer.is_empty() {
        return Err("it has no sender address; left out".into());
    }
    let problem = m.text_bodies().chain(m.html_bodies()).any(|p| p.is_encoding_problem);
    if problem {
        notes.push("part of its text is in an encoding that could not be read; imported as far as it could be".into());
    }
    let text = m.body_text(0).map(|t| t.trim().to_string()).unwrap_or_default();
    let (text, cut) = cut_text(text);
    notes.extend(cut);
    let mut files = Vec::new();
    for part in m.attachments() {
        let name = part.attachment_name().unwrap_or("attachment").to_string();
        let content_type = part.content_type().map(|c| match c.subtype() {
            Some(sub) => format!("{}/{sub}", c.ctype()),
            None => c.ctype().to_string(),
        });
        files.push(NewFile { name, content_type, bytes: part.contents().to_vec() });
    }
    if text.is_empty() && files.is_empty() {
        return Err("it has no text and no files; left out".into());
    }
    let writer = if from_desk {
        Writer::Agent(if from_name.is_empty() || users.contains(&from) { from.clone() } else { from_name.clone() })
    } else {
        Writer::Customer
    };
    let entry = Entry { key: Some(h.key.clone()), writer, text, at: h.head.at, files };
    let customer_name = if from_desk { to_name } else { from_name };
    Ok((
        Parsed {
            index,
            entry,
            subject: m.subject().unwrap_or("").trim().to_string(),
            customer: h.head.customer.clone(),
            customer_name,
        },
        notes,
    ))
}

/// The thread made of a group's mails (in time order), or `None` when none was usable.
fn thread(mut mails: Vec<Parsed>, name: &str, heads: &[Option<Head>]) -> Option<Thread> {
    mails.sort_by_key(|p| (p.entry.at, p.index));
    let first = mails.first()?;
    let root = heads.get(first.index)?.as_ref()?;
    let customer_name = mails
        .iter()
        .find(|p| p.entry.writer == Writer::Customer)
        .map_or_else(|| first.customer_name.clone(), |p| p.customer_name.clone());
    let email = (!first.customer.is_empty()).then(|| first.customer.clone());
    Some(Thread {
        key: format!("mail:thread:{}", root.key),
        source: format!("{name}: mail {}", first.index + 1),
        inbox: None,
        contact: NewContact { key: None, name: customer_name, email, phone: None },
        subject: first.subject.clone(),
        status: ImportStatus::Closed,
        assignee: None,
        labels: Vec::new(),
        created_at: None,
        closed_at: None,
        messages: mails.into_iter().map(|p| p.entry).collect(),
    })
}
