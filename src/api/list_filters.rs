//! The view, filters and sort of the conversation list, shared by the list and the export so
//! both read the query parameters the same way.
//!
//! poem-openapi documents one parameter per handler argument, so each operation still names
//! the parameters in its signature; what they mean and how they become a desk
//! [`ListQuery`] is written once, here.

use poem_openapi::Enum;
use time::OffsetDateTime;

use super::conversation_dto::{ConversationStatusDto, DetailedStatusDto};
use super::inboxes::ChannelDto;
use crate::desk::{ListQuery, View};
use crate::domain::Timestamp;
use crate::domain::conversation::Sort;

/// Which list.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ViewDto {
    /// Assigned to me and not closed.
    Mine,
    /// Queued in the inboxes my teams serve, or transferred to my teams.
    Unassigned,
    /// Offered to me (or transferred to me), waiting for my answer.
    Offered,
    /// Everything I may see (closed ones included).
    All,
}

impl From<ViewDto> for View {
    fn from(v: ViewDto) -> Self {
        match v {
            ViewDto::Mine => View::Mine,
            ViewDto::Unassigned => View::Unassigned,
            ViewDto::Offered => View::Offered,
            ViewDto::All => View::All,
        }
    }
}

/// List order.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SortDto {
    /// Longest waiting first: a conversation whose last message is an unanswered customer
    /// message waits since that message; the others follow, most recently updated first.
    Waiting,
    /// Most recently updated first.
    Updated,
    /// Newest first.
    Created,
}

impl From<SortDto> for Sort {
    fn from(s: SortDto) -> Self {
        match s {
            SortDto::Waiting => Sort::Waiting,
            SortDto::Updated => Sort::Updated,
            SortDto::Created => Sort::Created,
        }
    }
}

/// The list's view, filters and sort as they arrived in the query string.
#[derive(Debug, Default)]
pub struct ListFilters {
    /// View (default `all`).
    pub view: Option<ViewDto>,
    /// Any of these statuses.
    pub status: Vec<ConversationStatusDto>,
    /// This detailed status.
    pub detailed_status: Option<DetailedStatusDto>,
    /// Assigned to this user.
    pub assignee_id: Option<String>,
    /// Queued for, or in an inbox served by, this team.
    pub team_id: Option<String>,
    /// In this inbox.
    pub inbox_id: Option<String>,
    /// From inboxes of this channel type.
    pub channel: Option<ChannelDto>,
    /// Carrying this label.
    pub label_id: Option<String>,
    /// Created at or after.
    pub created_from: Option<OffsetDateTime>,
    /// Created before.
    pub created_to: Option<OffsetDateTime>,
    /// Updated at or after.
    pub updated_from: Option<OffsetDateTime>,
    /// Updated before.
    pub updated_to: Option<OffsetDateTime>,
    /// The contact's name, email or phone.
    pub contact: Option<String>,
    /// This contact.
    pub contact_id: Option<String>,
    /// Order (default `waiting`).
    pub sort: Option<SortDto>,
}

fn ts(t: Option<OffsetDateTime>) -> Option<Timestamp> {
    t.map(|t| Timestamp((t.unix_timestamp_nanos() / 1_000_000) as i64))
}

impl ListFilters {
    /// The desk's query for one page of `limit` after `cursor`.
    pub fn into_query(self, cursor: Option<String>, limit: usize) -> ListQuery {
        ListQuery {
            view: self.view.unwrap_or(ViewDto::All).into(),
            statuses: self.status.into_iter().map(Into::into).collect(),
            detailed: self.detailed_status.map(Into::into),
            assignee: self.assignee_id,
            team: self.team_id,
            inbox: self.inbox_id,
            channel: self.channel.map(Into::into),
            label: self.label_id,
            created_from: ts(self.created_from),
            created_to: ts(self.created_to),
            updated_from: ts(self.updated_from),
            updated_to: ts(self.updated_to),
            contact: self.contact,
            contact_id: self.contact_id,
            sort: self.sort.unwrap_or(SortDto::Waiting).into(),
            cursor,
            limit,
        }
    }
}
