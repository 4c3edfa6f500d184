//! Bulk import of generated data (demo workspace, benchmarks): contacts and conversations
//! with their timelines, written in batches, each batch one transaction with its events, so
//! everything that tails the event log sees imported data like any other.

use super::{Desk, DeskError};
use crate::demo::Generated;
use crate::domain::{Actor, EventKind};
use crate::store::{Changes, put_contact, put_conversation, put_message, take_numbers};

/// Contacts per transaction.
const CONTACT_BATCH: usize = 1_000;
/// Conversations per transaction.
const CONVERSATION_BATCH: usize = 200;

/// What an import wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Contacts written.
    pub contacts: usize,
    /// Conversations written.
    pub conversations: usize,
    /// Timeline entries written.
    pub messages: usize,
}

impl Desk {
    /// Writes generated contacts and conversations (numbers are given in creation order).
    pub async fn import(&self, g: Generated) -> Result<ImportReport, DeskError> {
        let mut report = ImportReport::default();
        let mut contacts = g.contacts.into_iter().peekable();
        while contacts.peek().is_some() {
            let batch: Vec<_> = contacts.by_ref().take(CONTACT_BATCH).collect();
            report.contacts += batch.len();
            let now = self.now();
            self.store
                .write(move |_| {
                    let mut c = Changes::new(now, Actor::System);
                    for contact in &batch {
                        put_contact(&mut c, contact, None)?;
                        c.event(EventKind::ContactCreated { contact_id: contact.id.clone() });
                    }
                    Ok::<_, DeskError>((c, ()))
                })
                .await?;
        }
        let mut convs = g.conversations.into_iter().peekable();
        while convs.peek().is_some() {
            let batch: Vec<_> = convs.by_ref().take(CONVERSATION_BATCH).collect();
            report.conversations += batch.len();
            report.messages += batch.iter().map(|(_, m)| m.len()).sum::<usize>();
            let now = self.now();
            self.store
                .write(move |s| {
                    let mut c = Changes::new(now, Actor::System);
                    let first = take_numbers(&mut c, s, batch.len() as u64)?;
                    for (n, (mut conv, messages)) in batch.into_iter().enumerate() {
                        conv.number = first + n as u64;
                        put_conversation(&mut c, &conv, None)?;
                        c.event(EventKind::ConversationCreated {
                            conversation_id: conv.id.clone(),
                            inbox_id: conv.inbox_id.clone(),
                            contact_id: conv.contact_id.clone(),
                        });
                        for m in &messages {
                            put_message(&mut c, m)?;
                            c.event(EventKind::MessageCreated {
                                conversation_id: conv.id.clone(),
                                message_id: m.id.clone(),
                                kind: m.kind,
                            });
                        }
                    }
                    Ok::<_, DeskError>((c, ()))
                })
                .await?;
        }
        Ok(report)
    }
}
