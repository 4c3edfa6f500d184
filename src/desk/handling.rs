//! Handling a conversation (F3, F5, F8, F10): assign, unassign, close, bulk close, reopen,
//! labels/subject/priority, and per-user read marks. Each step is decided by
//! `domain::lifecycle` inside the write, appends its system entry to the timeline and emits
//! one event.

use super::conversations::{ConversationView, append_entries, check_labels, refused, viewer, visible};
use super::{Desk, DeskError, Principal};
use crate::domain::conversation::{Conversation, Priority};
use crate::domain::lifecycle::{self, Entry, Viewer};
use crate::domain::says::Says;
use crate::domain::{EventKind, Role};
use crate::store::{
    Changes, ConversationReads, ReadMark, Staged, UserReads, WorkspaceReads, put_conversation, put_read_mark,
};

/// A close request.
#[derive(Clone, Debug, Default)]
pub struct CloseRequest {
    /// Wrap-up reason id.
    pub wrap_up_reason_id: Option<String>,
    /// Why, when closing someone else's conversation.
    pub justification: Option<String>,
}

/// Changes to labels, subject and priority; `None` keeps the value.
#[derive(Clone, Debug, Default)]
pub struct ConversationPatch {
    /// Label ids (replaces the list).
    pub labels: Option<Vec<String>>,
    /// Subject.
    pub subject: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
}

/// What bulk close did with one id.
#[derive(Clone, Debug)]
pub struct BulkOutcome {
    /// The conversation id as given.
    pub id: String,
    /// `None` when closed; otherwise why not.
    pub error: Option<DeskError>,
}

/// A lifecycle step decided inside the writer: it may read the transaction, add changes,
/// and changes the conversation, returning the timeline entries to record.
pub(super) trait StepFn:
    FnOnce(&Staged<'_>, &mut Changes, &Viewer, &mut Conversation) -> Result<Vec<Entry>, DeskError> + Send + 'static
{
}

impl<F> StepFn for F where
    F: FnOnce(&Staged<'_>, &mut Changes, &Viewer, &mut Conversation) -> Result<Vec<Entry>, DeskError> + Send + 'static
{
}

fn close_in(
    s: &Staged<'_>,
    v: &Viewer,
    c: &mut Conversation,
    req: &CloseRequest,
    bulk: bool,
    now: crate::domain::Timestamp,
) -> Result<Vec<Entry>, DeskError> {
    if bulk {
        lifecycle::bulk_closable(c).map_err(refused)?;
    }
    let inbox = s.inbox(&c.inbox_id)?;
    let reason = match &req.wrap_up_reason_id {
        Some(id) => {
            let r = s
                .wrap_up(id)?
                .ok_or_else(|| DeskError::field("wrap_up_reason_id", format!("no wrap-up reason with id {id}")))?;
            if r.archived {
                return Err(DeskError::field(
                    "wrap_up_reason_id",
                    format!("the wrap-up reason {:?} is archived", r.name),
                ));
            }
            Some(r)
        }
        None => None,
    };
    let required = inbox.is_some_and(|i| i.wrap_up_required);
    lifecycle::close(
        c,
        v,
        reason.as_ref().map(|r| (r.id.as_str(), r.name.as_str())),
        required,
        req.justification.as_deref(),
        now,
    )
    .map_err(refused)
}

impl Desk {
    /// Runs one lifecycle step on a visible conversation, records it, settles routing (the
    /// step may have freed capacity or queued the conversation) and returns the result.
    pub(super) async fn step(
        &self,
        who: &Principal,
        id: &str,
        action: &'static str,
        contested: bool,
        decide: impl StepFn,
    ) -> Result<ConversationView, DeskError> {
        self.apply_step(who, id, action, contested, decide).await?;
        self.get_conversation(who, id)
    }

    /// [`Desk::step`] without reading the result back (for steps after which the caller may
    /// no longer see the conversation).
    pub(super) async fn apply_step(
        &self,
        who: &Principal,
        id: &str,
        action: &'static str,
        contested: bool,
        decide: impl StepFn,
    ) -> Result<(), DeskError> {
        who.ready()?;
        let (id_owned, now, actor, caller) = (id.to_string(), self.now(), who.actor(), who.clone());
        self.store
            .write(move |s| {
                let v = viewer(s, &caller)?;
                let old = match visible(s, &v, &id_owned) {
                    // Someone else took it first: agents of its inbox saw it queued (it came
                    // in through the queue), so saying so leaks nothing and is what a race's
                    // loser needs to hear. A conversation they could never see (started by
                    // an agent, never queued) stays a 404 like any hidden one.
                    Err(DeskError::NotFound(m)) if contested => match s.conversation(&id_owned)? {
                        Some(c) if c.skipped.iter().any(|k| k.agent_id == v.id) => {
                            return Err(DeskError::Conflict(format!(
                                "your offer ended (declined or expired); the conversation went on (status {})",
                                c.status.as_str()
                            )));
                        }
                        Some(c)
                            if v.inbox_ids.contains(&c.inbox_id)
                                && c.origin != crate::domain::conversation::Origin::Outbound
                                && (c.assignee.is_some() || c.offer.is_some()) =>
                        {
                            return Err(DeskError::Conflict(format!(
                                "someone else took the conversation first (status {})",
                                c.status.as_str()
                            )));
                        }
                        _ => return Err(DeskError::NotFound(m)),
                    },
                    other => other?,
                };
                let mut c = old.clone();
                let mut ch = Changes::new(now, actor);
                let entries = decide(s, &mut ch, &v, &mut c)?;
                if c == old && entries.is_empty() {
                    return Ok((ch, ()));
                }
                append_entries(&mut ch, &mut c, entries, &caller.user.id, now)?;
                c.updated_at = now;
                put_conversation(&mut ch, &c, Some(&old))?;
                ch.event(EventKind::ConversationChanged {
                    conversation_id: c.id.clone(),
                    action: action.into(),
                    status: c.status,
                });
                Ok::<_, DeskError>((ch, ()))
            })
            .await?;
        self.resettle().await;
        Ok(())
    }

    /// Assigns to `to` (the caller when `None`): agents take queued conversations for
    /// themselves; supervisors assign or reassign to any active user.
    pub async fn assign(&self, who: &Principal, id: &str, to: Option<&str>) -> Result<ConversationView, DeskError> {
        let to = to.unwrap_or(&who.user.id).to_string();
        let now = self.now();
        self.step(who, id, "assigned", true, move |s, _, v, c| {
            let target = s
                .user(&to)?
                .filter(|u| u.active)
                .ok_or_else(|| DeskError::field("user_id", format!("no active user with id {to}")))?;
            if target.role == Role::Agent && !v.is_supervisor() && target.id != v.id {
                return Err(DeskError::Forbidden("agents may only assign conversations to themselves".into()));
            }
            lifecycle::assign(c, v, &target.id, &target.name, now).map_err(refused)
        })
        .await
    }

    /// Puts an assigned conversation back in its inbox's queue.
    pub async fn unassign(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "unassigned", false, move |_, _, v, c| lifecycle::unassign(c, v, now).map_err(refused)).await
    }

    /// Closes a conversation with a wrap-up reason (and a justification for someone else's).
    pub async fn close(&self, who: &Principal, id: &str, req: CloseRequest) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "closed", false, move |s, _, v, c| close_in(s, v, c, &req, false, now)).await
    }

    /// Reopens a closed conversation; the caller handles it.
    pub async fn reopen(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "reopened", false, move |_, _, v, c| lifecycle::reopen(c, v, now).map_err(refused)).await
    }

    /// Changes labels, subject or priority (anyone who sees the conversation).
    pub async fn update_conversation(
        &self,
        who: &Principal,
        id: &str,
        patch: ConversationPatch,
    ) -> Result<ConversationView, DeskError> {
        if patch.subject.as_ref().is_some_and(|s| s.chars().count() > 200) {
            return Err(DeskError::field("subject", "must be at most 200 characters"));
        }
        self.step(who, id, "updated", false, move |s, _, v, c| {
            // One entry per change, each a sentence of its own.
            let mut said = Vec::new();
            if let Some(labels) = patch.labels {
                let labels = check_labels(s, &labels)?;
                if labels != c.labels {
                    let names: Vec<String> =
                        labels.iter().filter_map(|l| s.label(l).ok().flatten().map(|l| l.name)).collect();
                    said.push(if names.is_empty() {
                        Says::new("labels_removed").with("who", &v.name)
                    } else {
                        Says::new("labels_set").with("who", &v.name).with("labels", names.join(", "))
                    });
                    c.labels = labels;
                }
            }
            if let Some(subject) = patch.subject.map(|s| s.trim().to_string()).filter(|s| *s != c.subject) {
                said.push(Says::new("subject_changed").with("who", &v.name).with("subject", &subject));
                c.subject = subject;
            }
            if let Some(p) = patch.priority.filter(|p| *p != c.priority) {
                said.push(Says::new("priority_set").with("who", &v.name).with("priority", p.as_str()));
                c.priority = p;
            }
            Ok(said.into_iter().map(|says| Entry { event: "updated", says }).collect())
        })
        .await
    }

    /// Closes many conversations at once; never those in progress (`open`). Reports, per id,
    /// what happened. Each close is its own change: one refusal does not stop the others.
    pub async fn bulk_close(
        &self,
        who: &Principal,
        ids: Vec<String>,
        req: CloseRequest,
    ) -> Result<Vec<BulkOutcome>, DeskError> {
        who.ready()?;
        if ids.is_empty() || ids.len() > 500 {
            return Err(DeskError::field("ids", "give 1 to 500 conversation ids"));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let req = req.clone();
            let now = self.now();
            let result =
                self.step(who, &id, "closed", false, move |s, _, v, c| close_in(s, v, c, &req, true, now)).await;
            out.push(BulkOutcome { id, error: result.err() });
        }
        Ok(out)
    }

    /// Marks a conversation read (`unread = false`) or unread for the caller (F5).
    pub async fn set_read(&self, who: &Principal, id: &str, unread: bool) -> Result<ConversationView, DeskError> {
        who.ready()?;
        let (id_owned, now, actor, caller) = (id.to_string(), self.now(), who.actor(), who.clone());
        self.store
            .write(move |s| {
                let v = viewer(s, &caller)?;
                let c = visible(s, &v, &id_owned)?;
                let mut ch = Changes::new(now, actor);
                let mark = if unread {
                    ReadMark { seen: s.read_mark(&caller.user.id, &c.id)?.seen, marked_unread: true }
                } else {
                    ReadMark { seen: c.message_count, marked_unread: false }
                };
                put_read_mark(&mut ch, &caller.user.id, &c.id, &mark)?;
                Ok::<_, DeskError>((ch, ()))
            })
            .await?;
        self.get_conversation(who, id)
    }
}
