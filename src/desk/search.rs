//! Searching ticket history (F32): the caller's permissions and the list filters become part
//! of the index query (so totals and pages are exact), then each conversation found is shown
//! with its best matching messages.

use std::collections::BTreeSet;

use super::conversations::{ConversationView, ListQuery, contact_filter, view_of, viewer};
use super::{Desk, DeskError, Principal};
use crate::domain::conversation::{Message, MessageKind};
use crate::domain::visibility;
/// How search results are ordered (relevance or newest first).
pub use crate::search::Order;
use crate::search::highlight::Snippet;
use crate::search::query::{Filters, Scope};
use crate::search::{Request, SearchError, SearchIndex};
use crate::store::{ConversationReads, StoreError, WorkspaceReads};

/// Matching messages shown per conversation.
const MESSAGES_PER_HIT: usize = 3;
/// Candidate messages asked of the index per conversation: a candidate holds a stem of the
/// query's words, which is not always a word the highlighter marks (a prefix's stem can be
/// another word's).
const CANDIDATES: usize = 2 * MESSAGES_PER_HIT;

/// A search request.
#[derive(Clone, Debug)]
pub struct SearchQuery {
    /// What the person typed.
    pub text: String,
    /// The list filters (view, sort and cursor are not used).
    pub filters: ListQuery,
    /// Relevance or newest first.
    pub order: Order,
    /// Cursor of the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: usize,
}

/// A message that matched, with its marked fragment.
#[derive(Clone, Debug)]
pub struct MessageHit {
    /// The message.
    pub message: Message,
    /// The fragment and its highlights.
    pub snippet: Snippet,
}

/// A conversation found.
#[derive(Clone, Debug)]
pub struct SearchHit {
    /// The conversation as lists show it.
    pub conversation: ConversationView,
    /// Relevance score (relevance order only).
    pub score: Option<f32>,
    /// Its best matching messages, best first.
    pub messages: Vec<MessageHit>,
}

/// One page of search results.
#[derive(Clone, Debug)]
pub struct SearchPage {
    /// Every conversation matching, not only this page.
    pub total: usize,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// Cursor of the next page.
    pub next_cursor: Option<String>,
}

impl From<SearchError> for DeskError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Store(s) => DeskError::Storage(s),
            SearchError::Index(m) => DeskError::Storage(StoreError::Unavailable(m)),
        }
    }
}

fn parse_cursor(c: Option<&str>) -> Result<usize, DeskError> {
    match c {
        None => Ok(0),
        Some(c) => c.strip_prefix('s').and_then(|n| n.parse().ok()).ok_or_else(|| {
            DeskError::field("cursor", "is not a cursor of this search; pass the next_cursor of the previous page")
        }),
    }
}

impl Desk {
    /// The search index of this data folder, opened on first use.
    pub fn search_index(&self) -> Result<&SearchIndex, DeskError> {
        let opened = self.search.get_or_init(|| {
            SearchIndex::open_with_heap(self.store.dir(), self.config.search_heap_bytes).map_err(|e| e.to_string())
        });
        opened.as_ref().map_err(|e| DeskError::Storage(StoreError::Unavailable(e.clone())))
    }

    /// Brings the index up to the last committed change and makes it searchable now; returns
    /// how many conversations were re-indexed. Blocking: call from a blocking context.
    pub fn index_now(&self) -> Result<usize, DeskError> {
        Ok(self.search_index()?.catch_up(&self.store)?)
    }

    /// Closes the search index's writer and says whether it was open; the next change opens it
    /// again. Call it after a catch-up ([`SearchIndex::release_writer`]). Blocking.
    pub fn release_search_writer(&self) -> Result<bool, DeskError> {
        match self.search.get() {
            Some(Ok(index)) => Ok(index.release_writer()?),
            _ => Ok(false),
        }
    }

    /// Searches what the caller may see.
    pub fn search(&self, who: &Principal, q: &SearchQuery) -> Result<SearchPage, DeskError> {
        who.ready()?;
        let text = q.text.trim();
        if text.is_empty() || text.chars().count() > 500 {
            return Err(DeskError::field("q", "type 1 to 500 characters to search for"));
        }
        let offset = parse_cursor(q.cursor.as_deref())?;
        let index = self.search_index()?;
        let snap = self.store.snapshot()?;
        let v = viewer(&snap, who)?;
        let scope = if visibility::sees_everything(&v) {
            Scope::Everything
        } else {
            Scope::Keys(visibility::viewer_keys(&v).iter().map(|k| k.term()).collect())
        };
        let filters = self.filters(&snap, &q.filters)?;
        let found = index.search(&Request {
            text: text.to_string(),
            filters,
            scope,
            order: q.order,
            offset,
            limit: q.limit,
            messages: CANDIDATES,
        })?;
        let mut hits = Vec::with_capacity(found.conversations.len());
        for f in &found.conversations {
            // The index trails redb by up to a second: a conversation deleted meanwhile is skipped.
            let Some(c) = snap.conversation(&f.id)? else { continue };
            // Only the messages the index says hold the query's words are read.
            let mut messages = Vec::with_capacity(MESSAGES_PER_HIT);
            for spot in &f.messages {
                if messages.len() == MESSAGES_PER_HIT {
                    break;
                }
                let Some(m) = snap.timeline(&c.id, spot.index, 1)?.pop().filter(|m| m.index == spot.index) else {
                    continue;
                };
                if m.kind == MessageKind::System {
                    continue;
                }
                if let Some(snippet) = found.highlighter.snippet(f.lang, &m.text) {
                    messages.push(MessageHit { message: m, snippet });
                }
            }
            messages.sort_by(|a, b| b.snippet.score.cmp(&a.snippet.score).then(b.message.index.cmp(&a.message.index)));
            messages.truncate(MESSAGES_PER_HIT);
            hits.push(SearchHit { conversation: view_of(&snap, who, c, self.now())?, score: f.score, messages });
        }
        let next = offset + found.conversations.len();
        let next_cursor = (next < found.total && !found.conversations.is_empty()).then(|| format!("s{next}"));
        Ok(SearchPage { total: found.total, hits, next_cursor })
    }

    /// The list filters as index terms.
    fn filters(&self, snap: &impl ConversationReads, q: &ListQuery) -> Result<Filters, DeskError> {
        let team = match &q.team {
            Some(t) => {
                let inboxes = snap.inboxes()?.into_iter().filter(|i| i.team_ids.contains(t)).map(|i| i.id).collect();
                Some((t.clone(), inboxes))
            }
            None => None,
        };
        let mut contact_ids = contact_filter(snap, q)?;
        if let Some(id) = &q.contact_id {
            let set = contact_ids.get_or_insert_with(|| BTreeSet::from([id.clone()]));
            set.retain(|c| c == id);
        }
        Ok(Filters {
            statuses: q.statuses.iter().map(|s| s.as_str().to_string()).collect(),
            detailed: q.detailed.map(|d| d.as_str().to_string()),
            assignee: q.assignee.clone(),
            team,
            inbox: q.inbox.clone(),
            channel: q.channel.map(|c| c.as_str().to_string()),
            label_id: q.label.clone(),
            created: (q.created_from.map(|t| t.millis()), q.created_to.map(|t| t.millis())),
            updated: (q.updated_from.map(|t| t.millis()), q.updated_to.map(|t| t.millis())),
            contact_ids: contact_ids.map(|s| s.into_iter().collect()),
        })
    }
}
