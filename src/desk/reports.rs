//! Conversation reports (F30): volumes and metric statistics over a period of days in the
//! workspace time zone, grouped by agent, team or inbox, with each agent's time per status.
//!
//! One snapshot answers the whole report. Conversations are streamed in update order and the
//! read stops at the first one last updated before the period (nothing created or closed in
//! the period can be older); status times come from the status log, one range read per agent.

use std::collections::{BTreeMap, BTreeSet};

use super::{Desk, DeskError, Principal};
use crate::domain::conversation::Conversation;
use crate::domain::metrics::ConversationMetrics;
use crate::domain::report::daily::{Day, Days};
use crate::domain::report::{self, GroupBy, GroupStats, Period, RatingStats, StatusTime, Tally, counts_in};
use crate::domain::{FieldError, Role, Timestamp};
use crate::store::{ConversationReads, StatusLogReads, UserReads, WidgetReads, WorkspaceReads};

/// What a report is asked for, as given (validated here).
#[derive(Clone, Debug)]
pub struct ReportQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (included), `YYYY-MM-DD`.
    pub to: String,
    /// `agent`, `team` or `inbox`.
    pub group_by: String,
}

/// One row of a report: a group and what its conversations add up to.
#[derive(Clone, Debug)]
pub struct ReportRow {
    /// The agent, team or inbox (`None`: unassigned, or served by no team).
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Counts and statistics.
    pub stats: GroupStats,
    /// For agents: time per status in the period (up to now).
    pub status_time: Option<StatusTime>,
}

/// A conversation report.
#[derive(Clone, Debug)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// The IANA time zone the days were read in.
    pub time_zone: String,
    /// How rows are grouped.
    pub group_by: GroupBy,
    /// One row per group, by name (the row without a group last).
    pub rows: Vec<ReportRow>,
    /// Every conversation once.
    pub total: ReportRow,
    /// The wrap-up reasons conversations were closed with in the period, as (id, name), in
    /// the workspace's order; `None` is "closed without a reason".
    pub wrap_ups: Vec<(Option<String>, String)>,
    /// Conversations created and closed per day of the period.
    pub days: Vec<Day>,
    /// When it was computed.
    pub generated_at: Timestamp,
}

/// The groups a conversation belongs to.
fn groups_of(c: &Conversation, by: GroupBy, inbox_teams: &BTreeMap<String, Vec<String>>) -> Vec<Option<String>> {
    match by {
        GroupBy::Agent => vec![c.assignee.clone()],
        GroupBy::Inbox => vec![Some(c.inbox_id.clone())],
        GroupBy::Team => {
            let mut teams: BTreeSet<String> = inbox_teams.get(&c.inbox_id).into_iter().flatten().cloned().collect();
            teams.extend(c.team_id.clone());
            if teams.is_empty() { vec![None] } else { teams.into_iter().map(Some).collect() }
        }
    }
}

impl Desk {
    /// A report of the conversations created or closed in a period (supervisors and admins).
    pub fn conversation_report(&self, who: &Principal, q: &ReportQuery) -> Result<Report, DeskError> {
        who.require(Role::Supervisor, "read reports")?;
        let snap = self.store.snapshot()?;
        let settings = snap.settings()?;
        let tz = report::time_zone(&settings.time_zone).ok_or_else(|| {
            DeskError::Conflict(format!(
                "the workspace time zone {:?} is not a known IANA time zone; an admin can set one in the settings",
                settings.time_zone
            ))
        })?;
        let by = GroupBy::parse(q.group_by.trim());
        let mut problems: Vec<FieldError> = Vec::new();
        let period = report::period(&q.from, &q.to, &tz).map_err(|e| problems.extend(e)).ok();
        if by.is_none() {
            problems.push(FieldError::new("group_by", format!("must be agent, team or inbox, not {:?}", q.group_by)));
        }
        let (Some(period), Some(by)) = (period, by) else { return Err(DeskError::Invalid(problems)) };

        let now = self.now();
        let inboxes = snap.inboxes()?;
        let inbox_teams: BTreeMap<String, Vec<String>> =
            inboxes.iter().map(|i| (i.id.clone(), i.team_ids.clone())).collect();
        let mut total = Tally::default();
        let mut days = Days::new(&period, &tz);
        let mut tallies: BTreeMap<Option<String>, Tally> = BTreeMap::new();
        snap.each_updated_since(period.start, |c| {
            if counts_in(&c, &period) == (false, false) {
                return Ok::<_, DeskError>(());
            }
            let m = ConversationMetrics::of(&c, now);
            total.add(&c, &m, &period);
            days.add(&c, &period);
            for g in groups_of(&c, by, &inbox_teams) {
                tallies.entry(g).or_default().add(&c, &m, &period);
            }
            Ok(())
        })?;

        // Ratings given in the period, counted for the group of the conversation they rate.
        let mut rated: BTreeMap<Option<String>, RatingStats> = BTreeMap::new();
        let mut total_rated = RatingStats::default();
        for r in snap.ratings()? {
            if r.created_at < period.start || r.created_at >= period.end {
                continue;
            }
            total_rated.add(r.score);
            let groups = match by {
                GroupBy::Agent => vec![r.agent_id.clone()],
                GroupBy::Inbox => vec![Some(r.inbox_id.clone())],
                GroupBy::Team => {
                    let mut teams: BTreeSet<String> =
                        inbox_teams.get(&r.inbox_id).into_iter().flatten().cloned().collect();
                    teams.extend(r.team_id.clone());
                    if teams.is_empty() { vec![None] } else { teams.into_iter().map(Some).collect() }
                }
            };
            for g in groups {
                rated.entry(g).or_default().add(r.score);
            }
        }
        // Every group is listed, with or without conversations; named from the snapshot.
        let mut names: BTreeMap<Option<String>, String> = BTreeMap::new();
        match by {
            GroupBy::Inbox => names.extend(inboxes.iter().map(|i| (Some(i.id.clone()), i.name.clone()))),
            GroupBy::Team => names.extend(snap.teams()?.into_iter().map(|t| (Some(t.id), t.name))),
            GroupBy::Agent => {
                let mut after: Option<String> = None;
                loop {
                    let page = snap.users_page(after.as_deref(), 500)?;
                    for u in &page {
                        let id = Some(u.id.clone());
                        if (u.active && u.role == Role::Agent) || tallies.contains_key(&id) || rated.contains_key(&id) {
                            names.insert(Some(u.id.clone()), u.name.clone());
                        }
                    }
                    match page.last() {
                        Some(u) if page.len() == 500 => after = Some(u.id.clone()),
                        _ => break,
                    }
                }
            }
        }
        for g in tallies.keys().chain(rated.keys()) {
            if !names.contains_key(g) {
                let fallback = match (g, by) {
                    (None, GroupBy::Agent) => "Unassigned".to_string(),
                    (None, _) => "No team".to_string(),
                    (Some(id), _) => id.clone(),
                };
                names.insert(g.clone(), fallback);
            }
        }

        let until = period.end.min(now);
        let mut rows = Vec::with_capacity(names.len());
        let mut all_status = StatusTime::default();
        for (id, name) in names {
            let status_time = match (&id, by) {
                (Some(user), GroupBy::Agent) => {
                    let t = report::status_time(
                        snap.status_before(user, period.start)?,
                        &snap.status_changes(user, period.start, until)?,
                        period.start,
                        until,
                    );
                    all_status.add(&t);
                    Some(t)
                }
                _ => None,
            };
            let mut stats = tallies.get(&id).map(Tally::finish).unwrap_or_default();
            stats.ratings = rated.get(&id).copied().unwrap_or_default();
            rows.push(ReportRow { id, name, stats, status_time });
        }
        rows.sort_by_cached_key(|r| (r.id.is_none(), r.name.to_lowercase(), r.id.clone()));

        let mut total = total.finish();
        total.ratings = total_rated;
        let closed_with: BTreeSet<Option<String>> = total.closed_by_wrap_up.iter().map(|(id, _)| id.clone()).collect();
        let mut wrap_ups: Vec<(Option<String>, String)> = snap
            .wrap_ups()?
            .into_iter()
            .filter(|w| closed_with.contains(&Some(w.id.clone())))
            .map(|w| (Some(w.id), w.name))
            .collect();
        for id in &closed_with {
            if !wrap_ups.iter().any(|(w, _)| w == id) {
                wrap_ups.push((id.clone(), id.clone().unwrap_or_else(|| "No reason".into())));
            }
        }
        let total_status = (by == GroupBy::Agent).then_some(all_status);
        Ok(Report {
            period,
            time_zone: settings.time_zone,
            group_by: by,
            rows,
            total: ReportRow { id: None, name: "Total".into(), stats: total, status_time: total_status },
            wrap_ups,
            days: days.finish(),
            generated_at: now,
        })
    }
}
