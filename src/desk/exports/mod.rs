//! Exports (F11): the filtered conversation list as CSV or xlsx, one row per conversation
//! the caller may see, and a conversation's transcript as text or a printable page.
//!
//! Exports read the desk one page at a time through the list's own selection
//! (`conversations::select`), each page in its own short snapshot, so neither a file of
//! 100,000 rows nor a read transaction is ever held for the whole export. A conversation
//! that moves in the chosen order while the export runs may therefore be written twice or
//! missed; `sort=created` never moves.
//!
//! Times are written in the workspace's time zone (the settings' IANA name, as reports use):
//! ISO 8601 with the offset in CSV, wall-clock date-times in xlsx (a spreadsheet's times carry
//! no zone), the zone's abbreviation in transcripts.

mod report_file;
mod table;
mod transcript;
mod transcript_render;

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::conversations::select;
use super::{Desk, DeskError, ListQuery, Principal};
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, Status};
use crate::domain::metrics::ConversationMetrics;
use crate::domain::report;
use crate::store::{ContactReads, Reader, UserReads, WorkspaceReads};

pub use report_file::{report_csv, report_file_name, report_xlsx};
pub use table::{COLUMNS, CsvExport, ExportFile};
pub use transcript::{Transcript, TranscriptEntry};

/// Conversations read per page while exporting.
pub const EXPORT_PAGE: usize = 500;

/// One exported conversation, with every id resolved to a name.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRow {
    /// Human number.
    pub number: u64,
    /// Opaque id.
    pub id: String,
    /// Subject.
    pub subject: String,
    /// Status (`queued` …).
    pub status: &'static str,
    /// Detailed status (`customer_waiting` …).
    pub detailed_status: &'static str,
    /// Priority (`normal` …).
    pub priority: &'static str,
    /// The inbox's channel (`livechat`, `api`), empty when the inbox is gone.
    pub channel: &'static str,
    /// The inbox's name.
    pub inbox: String,
    /// The contact's display name.
    pub contact_name: String,
    /// The contact's email.
    pub contact_email: String,
    /// The contact's phone.
    pub contact_phone: String,
    /// The assignee's name.
    pub assignee: String,
    /// The team it was transferred to, else the teams serving its inbox (`, `-separated).
    pub team: String,
    /// Label names, `, `-separated.
    pub labels: String,
    /// Created.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
    /// Closed (only while closed).
    pub closed_at: Option<Timestamp>,
    /// The wrap-up reason's name.
    pub wrap_up_reason: String,
    /// Customer and agent messages and notes.
    pub messages: u32,
    /// The metrics at the moment of the export.
    pub metrics: ConversationMetrics,
}

/// Id → name lookups for one page, read from the same snapshot as the page.
struct Names {
    inboxes: HashMap<String, (String, &'static str, Vec<String>)>,
    teams: HashMap<String, String>,
    labels: HashMap<String, String>,
    wrap_ups: HashMap<String, String>,
    users: HashMap<String, String>,
}

impl Names {
    fn read(s: &impl Reader) -> Result<Names, DeskError> {
        Ok(Names {
            inboxes: s.inboxes()?.into_iter().map(|i| (i.id, (i.name, i.channel.as_str(), i.team_ids))).collect(),
            teams: s.teams()?.into_iter().map(|t| (t.id, t.name)).collect(),
            labels: s.labels()?.into_iter().map(|l| (l.id, l.name)).collect(),
            wrap_ups: s.wrap_ups()?.into_iter().map(|w| (w.id, w.name)).collect(),
            users: HashMap::new(),
        })
    }

    fn user(&mut self, s: &impl Reader, id: &str) -> Result<String, DeskError> {
        if let Some(name) = self.users.get(id) {
            return Ok(name.clone());
        }
        let name = s.user(id)?.map(|u| u.name).unwrap_or_default();
        self.users.insert(id.to_string(), name.clone());
        Ok(name)
    }

    fn team_names<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> String {
        ids.into_iter().filter_map(|t| self.teams.get(t).cloned()).collect::<Vec<_>>().join(", ")
    }

    fn row(&mut self, s: &impl Reader, c: Conversation, now: Timestamp) -> Result<ExportRow, DeskError> {
        let contact = s.contact(&c.contact_id)?;
        let (inbox, channel, inbox_teams) = self.inboxes.get(&c.inbox_id).cloned().unwrap_or_default();
        let team = match &c.team_id {
            Some(t) => self.team_names([t]),
            None => self.team_names(&inbox_teams),
        };
        let closed = c.status == Status::Closed;
        Ok(ExportRow {
            metrics: ConversationMetrics::of(&c, now),
            number: c.number,
            subject: c.subject,
            status: c.status.as_str(),
            detailed_status: c.detailed.as_str(),
            priority: c.priority.as_str(),
            channel,
            inbox,
            contact_name: contact.as_ref().map(|k| k.display_name()).unwrap_or_default(),
            contact_email: contact.as_ref().and_then(|k| k.email.clone()).unwrap_or_default(),
            contact_phone: contact.and_then(|k| k.phone).unwrap_or_default(),
            assignee: match &c.assignee {
                Some(a) => self.user(s, a)?,
                None => String::new(),
            },
            team,
            labels: c.labels.iter().filter_map(|l| self.labels.get(l).cloned()).collect::<Vec<_>>().join(", "),
            created_at: c.created_at,
            updated_at: c.updated_at,
            closed_at: c.closed_at.filter(|_| closed),
            wrap_up_reason: c
                .wrap_up_id
                .as_ref()
                .filter(|_| closed)
                .and_then(|w| self.wrap_ups.get(w).cloned())
                .unwrap_or_default(),
            messages: c.message_count,
            id: c.id,
        })
    }
}

impl Desk {
    /// One page of the list `q` as export rows (permissions exactly as the list), with the
    /// metrics as of `now`, and the cursor of the next page. One short snapshot per call.
    pub fn export_page(
        &self,
        who: &Principal,
        q: &ListQuery,
        now: Timestamp,
    ) -> Result<(Vec<ExportRow>, Option<String>), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let (convs, next) = select(&snap, who, q)?;
        let mut names = Names::read(&snap)?;
        let rows = convs.into_iter().map(|c| names.row(&snap, c, now)).collect::<Result<Vec<_>, _>>()?;
        Ok((rows, next))
    }
}

/// The workspace's time zone, in which exports write times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    tz: TimeZone,
    utc: bool,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone { tz: TimeZone::UTC, utc: true }
    }

    /// The workspace's zone, read from its settings.
    pub fn of_workspace(s: &impl Reader) -> Result<Zone, DeskError> {
        Ok(Zone::named(&s.settings()?.time_zone))
    }

    /// The zone of this IANA name (UTC if unknown, which the settings' check prevents).
    pub fn named(name: &str) -> Zone {
        match report::time_zone(name) {
            Some(tz) => Zone { utc: name == "UTC", tz },
            None => Zone::utc(),
        }
    }

    fn zoned(&self, t: Timestamp) -> Option<jiff::Zoned> {
        jiff::Timestamp::from_millisecond(t.millis()).ok().map(|ts| ts.to_zoned(self.tz.clone()))
    }

    fn format(&self, t: Timestamp, pattern: &str) -> String {
        self.zoned(t).map(|z| z.strftime(pattern).to_string()).unwrap_or_default()
    }

    /// ISO 8601 to the second with the zone's offset: `2026-01-05T10:00:00+01:00`
    /// (`2026-01-05T09:00:00Z` in UTC).
    pub fn iso(&self, t: Timestamp) -> String {
        self.format(t, if self.utc { "%Y-%m-%dT%H:%M:%SZ" } else { "%Y-%m-%dT%H:%M:%S%:z" })
    }

    /// For people: `2026-01-05 10:00:00 CET` (`… UTC` in UTC).
    pub fn readable(&self, t: Timestamp) -> String {
        self.format(t, if self.utc { "%Y-%m-%d %H:%M:%S UTC" } else { "%Y-%m-%d %H:%M:%S %Z" })
    }

    /// `20260105`: the date in the zone, for file names.
    pub fn file_date(&self, t: Timestamp) -> String {
        self.format(t, "%Y%m%d")
    }

    /// Seconds since 1970 of the wall-clock time in the zone (for spreadsheets, whose date-times
    /// carry no zone).
    pub fn wall_clock_secs(&self, t: Timestamp) -> i64 {
        let secs = t.millis().div_euclid(1000);
        self.zoned(t).map_or(secs, |z| secs + i64::from(z.offset().seconds()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        assert!(report::time_zone(name).is_some(), "known zone {name}");
        Zone::named(name)
    }

    #[test]
    fn times_are_written_in_the_workspace_zone() {
        let t = Timestamp(1_767_603_600_999); // 2026-01-05 09:00:00.999 UTC
        assert_eq!(Zone::utc().iso(t), "2026-01-05T09:00:00Z");
        assert_eq!(Zone::utc().readable(t), "2026-01-05 09:00:00 UTC");
        assert_eq!(Zone::utc().file_date(t), "20260105");
        assert_eq!(Zone::utc().wall_clock_secs(t), 1_767_603_600);
        let rome = zone("Europe/Rome");
        assert_eq!(rome.iso(t), "2026-01-05T10:00:00+01:00");
        assert_eq!(rome.readable(t), "2026-01-05 10:00:00 CET");
        assert_eq!(rome.wall_clock_secs(t), 1_767_603_600 + 3_600);
        let summer = Timestamp(1_783_000_000_000); // 2026-07-02 13:46:40 UTC
        assert_eq!(rome.iso(summer), "2026-07-02T15:46:40+02:00", "daylight saving time");
        let la = zone("America/Los_Angeles");
        assert_eq!(la.iso(t), "2026-01-05T01:00:00-08:00");
        assert_eq!(la.file_date(Timestamp(1_767_571_200_000)), "20260104", "00:00 UTC is still the day before there");
    }

    #[test]
    fn names_match_the_api() {
        use crate::domain::conversation::{Detailed, Priority};
        use crate::domain::workspace::Channel;
        for d in [
            Detailed::CustomerWaiting,
            Detailed::AgentAnswered,
            Detailed::New,
            Detailed::ClosedByAgent,
            Detailed::ClosedBySupervisor,
            Detailed::ClosedAutomatically,
            Detailed::ClosedByCustomer,
        ] {
            assert_eq!(serde_json::to_value(d).ok(), Some(serde_json::Value::from(d.as_str())));
        }
        for p in [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent] {
            assert_eq!(serde_json::to_value(p).ok(), Some(serde_json::Value::from(p.as_str())));
        }
        for c in [Channel::Livechat, Channel::Api] {
            assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
        }
    }
}
