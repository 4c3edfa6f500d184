//! `/api/v1/reports`: conversation reports over a period (F30), as JSON or as a CSV download
//! of the same table. Supervisors and admins only.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::{Date, OffsetDateTime};

use super::common::to_time;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, Report, ReportQuery, ReportRow, report_csv, report_file_name, report_xlsx};
use crate::domain::metrics::Summary;
use crate::domain::report::daily::FIRST_RESPONSE_BOUNDS_SECS;
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
    /// First response times per range of the report's `first_response_bounds_secs`: one
    /// count more than bounds, the last for times at or past the last bound.
    pub first_response_ranges: Vec<u32>,
    /// Satisfaction ratings customers gave in the period (F31), for the conversation's agent,
    /// team or inbox.
    pub ratings: u32,
    /// Their mean score, 1–5 (absent without ratings).
    pub rating_mean: Option<f64>,
    /// The share of 4s and 5s, 0–1 (absent without ratings).
    pub rating_good_share: Option<f64>,
}

/// Conversations created and closed on one day of the period.
#[derive(Object)]
pub struct ReportDayDto {
    /// The day in the workspace time zone, `YYYY-MM-DD`.
    pub date: String,
    /// Conversations created that day.
    pub created: u32,
    /// Conversations closed that day (and still closed).
    pub closed: u32,
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
    /// Every day of the period, in order.
    pub days: Vec<ReportDayDto>,
    /// Upper bounds (exclusive, seconds) of the rows' `first_response_ranges`.
    pub first_response_bounds_secs: Vec<i64>,
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
        first_response_ranges: s.first_response_ranges.clone(),
        ratings: s.ratings.count,
        rating_mean: s.ratings.mean().map(|m| (m * 100.0).round() / 100.0),
        rating_good_share: s.ratings.good_share().map(|g| (g * 1000.0).round() / 1000.0),
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
            days: r
                .days
                .iter()
                .map(|d| ReportDayDto { date: d.date.clone(), created: d.created, closed: d.closed })
                .collect(),
            first_response_bounds_secs: FIRST_RESPONSE_BOUNDS_SECS.to_vec(),
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
/// An xlsx download.
#[derive(ApiResponse)]
pub enum XlsxDownload {
    /// The report table as an xlsx workbook.
    #[oai(status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Ok(
        Binary<Vec<u8>>,
        /// `attachment; filename="conversations-by-agent-2026-01-01-to-2026-01-31.xlsx"`.
        #[oai(header = "Content-Disposition")]
        String,
    ),
}

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
        let name = report_file_name(&report, "csv");
        let bytes = report_csv(&report)?;
        Ok(CsvDownload::Ok(Binary(bytes), format!("attachment; filename=\"{name}\"")))
    }

    /// Conversation report as xlsx
    ///
    /// The same table as the CSV, as a workbook: a bold, frozen header, the counts and the
    /// seconds as numbers, the total last.
    #[oai(path = "/reports/conversations.xlsx", method = "get", operation_id = "downloadConversationReportXlsx")]
    async fn report_xlsx(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// First day, `YYYY-MM-DD`, in the workspace time zone.
        from: Query<Date>,
        /// Last day (included).
        to: Query<Date>,
        /// Rows per agent (default), team or inbox.
        group_by: Query<Option<GroupByDto>>,
    ) -> ApiResult<XlsxDownload> {
        let q = query(from.0, to.0, group_by.0);
        let report = desk.conversation_report(&auth.0, &q)?;
        let name = report_file_name(&report, "xlsx");
        let bytes = report_xlsx(&report)?;
        Ok(XlsxDownload::Ok(Binary(bytes), format!("attachment; filename=\"{name}\"")))
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
