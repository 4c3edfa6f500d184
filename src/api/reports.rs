//! `/api/v1/reports`: conversation reports over a period (F30), as JSON or as a CSV download
//! of the same table. Supervisors and admins only.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::{Date, OffsetDateTime};

use super::common::to_time;
use super::error::{ApiResult, Problem};
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{Desk, Report, ReportQuery, ReportRow};
use crate::domain::metrics::Summary;
use crate::domain::report::{GroupBy, StatusTime};

/// How the rows of a report are grouped.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum GroupByDto {
    /// By the agent a conversation is assigned to (its last assignee once closed).
    Agent,
    /// By the teams serving a conversation's inbox, plus the team it was transferred to; a
    /// conversation counts once in each of its teams.
    Team,
    /// By inbox.
    Inbox,
}

/// Count, mean, median and 90th percentile of one metric over the individual conversations
/// of a row (never averages of averages), in seconds. Percentiles interpolate between the two
/// nearest values (rank = p/100 × (count − 1), as Excel's `PERCENTILE.INC`).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MetricStatsDto {
    /// Conversations with a value.
    pub count: u64,
    /// Arithmetic mean; absent when `count` is 0.
    pub mean_secs: Option<f64>,
    /// Median (50th percentile).
    pub median_secs: Option<f64>,
    /// 90th percentile.
    pub p90_secs: Option<f64>,
}

impl From<&Summary> for MetricStatsDto {
    fn from(s: &Summary) -> Self {
        MetricStatsDto { count: s.count as u64, mean_secs: s.mean, median_secs: s.median, p90_secs: s.p90 }
    }
}

/// Conversations closed with one wrap-up reason.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WrapUpCountDto {
    /// The reason; absent for conversations closed without one.
    pub wrap_up_reason_id: Option<String>,
    /// Its name (`No reason` when absent).
    pub name: String,
    /// How many.
    pub count: u32,
}

/// Whole seconds an agent spent in each status within the period, up to now.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StatusTimeDto {
    /// Available (receiving offers).
    pub available_secs: i64,
    /// Away.
    pub away_secs: i64,
    /// Offline.
    pub offline_secs: i64,
    /// RONA (after a missed offer, until available again).
    pub rona_secs: i64,
}

impl From<StatusTime> for StatusTimeDto {
    fn from(t: StatusTime) -> Self {
        StatusTimeDto {
            available_secs: t.available_secs,
            away_secs: t.away_secs,
            offline_secs: t.offline_secs,
            rona_secs: t.rona_secs,
        }
    }
}

/// One row of a report. Volumes, transfers, RONAs, reopens and the accept, first response and
/// duration statistics count the conversations *created* in the period; closed counts, wrap-up
/// reasons and time to close count those *closed* in it (and still closed).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReportRowDto {
    /// The agent, team or inbox; absent for unassigned conversations (agent), conversations
    /// no team serves (team) and the total row.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Conversations created in the period.
    pub created: u32,
    /// Conversations closed in the period.
    pub closed: u32,
    /// The closed ones per wrap-up reason.
    pub closed_by_wrap_up: Vec<WrapUpCountDto>,
    /// Created in the period and transferred at least once.
    pub transferred: u32,
    /// Created in the period with at least one offer that timed out (RONA).
    pub with_rona: u32,
    /// Created in the period and reopened at least once.
    pub reopened: u32,
    /// Accept time (first accept or take − created).
    pub accept: MetricStatsDto,
    /// First response time (first agent reply − created).
    pub first_response: MetricStatsDto,
    /// Duration (last customer or agent message − created).
    pub duration: MetricStatsDto,
    /// Time to close (closed − created).
    pub time_to_close: MetricStatsDto,
    /// For `group_by=agent`: the agent's time per status (the total row sums the agents).
    pub status_time: Option<StatusTimeDto>,
}

/// A conversation report.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationReportDto {
    /// First day of the period.
    pub from: String,
    /// Last day of the period (included).
    pub to: String,
    /// The workspace time zone the days are read in (settings).
    pub time_zone: String,
    /// How rows are grouped.
    pub group_by: GroupByDto,
    /// The first moment of `from` in the time zone.
    pub period_start: OffsetDateTime,
    /// The first moment after `to` (excluded).
    pub period_end: OffsetDateTime,
    /// When the report was computed; open conversations' metrics are as of then.
    pub generated_at: OffsetDateTime,
    /// One row per agent, team or inbox, by name; every team and inbox is listed, and every
    /// active agent, with or without conversations.
    pub rows: Vec<ReportRowDto>,
    /// Every conversation counted once.
    pub total: ReportRowDto,
}

fn row_dto(r: &ReportRow, report: &Report) -> ReportRowDto {
    let s = &r.stats;
    let name_of = |id: &Option<String>| {
        report.wrap_ups.iter().find(|(w, _)| w == id).map_or_else(|| "No reason".to_string(), |(_, n)| n.clone())
    };
    ReportRowDto {
        id: r.id.clone(),
        name: r.name.clone(),
        created: s.created,
        closed: s.closed,
        closed_by_wrap_up: s
            .closed_by_wrap_up
            .iter()
            .map(|(id, n)| WrapUpCountDto { name: name_of(id), wrap_up_reason_id: id.clone(), count: *n })
            .collect(),
        transferred: s.transferred,
        with_rona: s.with_rona,
        reopened: s.reopened,
        accept: (&s.accept).into(),
        first_response: (&s.first_response).into(),
        duration: (&s.duration).into(),
        time_to_close: (&s.time_to_close).into(),
        status_time: r.status_time.map(Into::into),
    }
}

impl From<Report> for ConversationReportDto {
    fn from(r: Report) -> Self {
        ConversationReportDto {
            from: r.period.from.clone(),
            to: r.period.to.clone(),
            time_zone: r.time_zone.clone(),
            group_by: match r.group_by {
                GroupBy::Agent => GroupByDto::Agent,
                GroupBy::Team => GroupByDto::Team,
                GroupBy::Inbox => GroupByDto::Inbox,
            },
            period_start: to_time(r.period.start),
            period_end: to_time(r.period.end),
            generated_at: to_time(r.generated_at),
            rows: r.rows.iter().map(|row| row_dto(row, &r)).collect(),
            total: row_dto(&r.total, &r),
        }
    }
}

/// A CSV download.
#[derive(ApiResponse)]
pub enum CsvDownload {
    /// The report table as CSV (UTF-8, comma-separated, one header line).
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(
        Binary<Vec<u8>>,
        /// `attachment` with a file name naming the grouping and the period.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

/// Conversation reports.
#[derive(Default)]
pub struct ReportsApi;

#[OpenApi(tag = "ApiTags::Reports")]
impl ReportsApi {
    /// Conversation report
    ///
    /// Volumes and metrics of the conversations created or closed between `from` and `to`
    /// (whole days in the workspace time zone, `to` included, at most 366 days), grouped by
    /// agent, team or inbox, with a total row. Each metric gives count, mean, median and 90th
    /// percentile; with `group_by=agent`, each agent's time per status. Supervisors and admins.
    #[oai(path = "/reports/conversations", method = "get", operation_id = "getConversationReport")]
    async fn report(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// First day, `YYYY-MM-DD`.
        from: Query<Date>,
        /// Last day (included), `YYYY-MM-DD`: on or after `from`, at most 366 days in all.
        to: Query<Date>,
        /// Grouping (default `agent`).
        group_by: Query<Option<GroupByDto>>,
    ) -> ApiResult<Json<ConversationReportDto>> {
        let q = query(from.0, to.0, group_by.0);
        Ok(Json(desk.conversation_report(&auth.0, &q)?.into()))
    }

    /// Conversation report as CSV
    ///
    /// The table of `GET /reports/conversations` as a CSV download: one line per row, the
    /// total last; each metric as count, mean, median and p90 in seconds; agents' time per
    /// status (`group_by=agent`); one column per wrap-up reason used. Supervisors and admins.
    #[oai(path = "/reports/conversations.csv", method = "get", operation_id = "downloadConversationReportCsv")]
    async fn report_csv(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// First day, `YYYY-MM-DD`.
        from: Query<Date>,
        /// Last day (included), `YYYY-MM-DD`: on or after `from`, at most 366 days in all.
        to: Query<Date>,
        /// Grouping (default `agent`).
        group_by: Query<Option<GroupByDto>>,
    ) -> ApiResult<CsvDownload> {
        let q = query(from.0, to.0, group_by.0);
        let report = desk.conversation_report(&auth.0, &q)?;
        let name =
            format!("conversations-by-{}-{}-to-{}.csv", report.group_by.as_str(), report.period.from, report.period.to);
        let bytes = csv_of(&report).map_err(|e| {
            // Writing into memory does not fail in practice; say so plainly if it ever does.
            tracing::error!(error = %e, "cannot write a report as CSV");
            ApiError::Unavailable(Json(Problem::new(
                503,
                "The CSV could not be written; try again, or read the report as JSON.",
            )))
        })?;
        Ok(CsvDownload::Ok(Binary(bytes), format!("attachment; filename=\"{name}\"")))
    }
}

/// The desk's query for a period and a grouping.
fn query(from: Date, to: Date, group_by: Option<GroupByDto>) -> ReportQuery {
    let group_by = match group_by.unwrap_or(GroupByDto::Agent) {
        GroupByDto::Agent => "agent",
        GroupByDto::Team => "team",
        GroupByDto::Inbox => "inbox",
    };
    ReportQuery { from: from.to_string(), to: to.to_string(), group_by: group_by.to_string() }
}

/// A cell for text a person typed: spreadsheets would run a leading `=`, `+`, `-` or `@` as a
/// formula, so such text gets a leading `'`.
fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

/// A number of seconds with at most two decimals, or empty.
fn secs_cell(v: Option<f64>) -> String {
    v.map(|v| {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    })
    .unwrap_or_default()
}

const METRICS: [&str; 4] = ["accept", "first_response", "duration", "time_to_close"];

/// The report as CSV: a header line, one line per row, the total last.
fn csv_of(r: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let agents = r.group_by == GroupBy::Agent;
    let mut header: Vec<String> = vec![
        r.group_by.as_str().into(),
        "id".into(),
        "created".into(),
        "closed".into(),
        "transferred".into(),
        "with_rona".into(),
        "reopened".into(),
    ];
    for m in METRICS {
        header.extend(["count", "mean_secs", "median_secs", "p90_secs"].map(|s| format!("{m}_{s}")));
    }
    if agents {
        header.extend(["available_secs", "away_secs", "offline_secs", "rona_secs"].map(String::from));
    }
    header.extend(r.wrap_ups.iter().map(|(_, name)| format!("closed: {name}")));
    w.write_record(&header)?;
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        let s = &row.stats;
        let mut line: Vec<String> = vec![text_cell(&row.name), row.id.clone().unwrap_or_default()];
        line.extend([s.created, s.closed, s.transferred, s.with_rona, s.reopened].map(|n| n.to_string()));
        for m in [&s.accept, &s.first_response, &s.duration, &s.time_to_close] {
            line.extend([m.count.to_string(), secs_cell(m.mean), secs_cell(m.median), secs_cell(m.p90)]);
        }
        if agents {
            let t = row.status_time.unwrap_or_default();
            line.extend([t.available_secs, t.away_secs, t.offline_secs, t.rona_secs].map(|n| n.to_string()));
        }
        for (id, _) in &r.wrap_ups {
            let n = s.closed_by_wrap_up.iter().find(|(w, _)| w == id).map_or(0, |(_, n)| *n);
            line.push(n.to_string());
        }
        w.write_record(&line)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
