//! A conversation report as a file (F30): one table, the same numbers as the API's report,
//! written as CSV or as an xlsx workbook. Header: the group, its id, the counts, each time's
//! count, mean, median and 90th percentile in seconds, for agents their time per status, and
//! the closed count per wrap-up reason; one line per group, the total last.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::table::neutralise;
use crate::desk::DeskError;
use crate::desk::reports::Report;
use crate::domain::report::GroupBy;
use crate::store::StoreError;

/// The times of each row, in the order of their columns.
const METRICS: [&str; 4] = ["accept", "first_response", "duration", "time_to_close"];

/// One cell of the report table.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Text(String),
    Count(i64),
    /// Seconds, absent when no conversation has the time.
    Secs(Option<f64>),
}

/// The header and the rows (the total last).
fn table(r: &Report) -> (Vec<String>, Vec<Vec<Value>>) {
    let agents = r.group_by == GroupBy::Agent;
    let mut header: Vec<String> =
        [r.group_by.as_str(), "id", "created", "closed", "transferred", "with_rona", "reopened"]
            .map(String::from)
            .to_vec();
    for m in METRICS {
        header.extend(["count", "mean_secs", "median_secs", "p90_secs"].map(|s| format!("{m}_{s}")));
    }
    header.extend(["ratings", "rating_mean", "rating_good_share"].map(String::from));
    if agents {
        header.extend(["available_secs", "away_secs", "offline_secs", "rona_secs"].map(String::from));
    }
    header.extend(r.wrap_ups.iter().map(|(_, name)| format!("closed: {name}")));
    let mut rows = Vec::with_capacity(r.rows.len() + 1);
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        let s = &row.stats;
        let mut line = vec![Value::Text(row.name.clone()), Value::Text(row.id.clone().unwrap_or_default())];
        line.extend([s.created, s.closed, s.transferred, s.with_rona, s.reopened].map(|n| Value::Count(n.into())));
        for m in [&s.accept, &s.first_response, &s.duration, &s.time_to_close] {
            line.extend([Value::Count(m.count as i64), Value::Secs(m.mean), Value::Secs(m.median), Value::Secs(m.p90)]);
        }
        // Plain numbers, written like the seconds: at most two decimals, empty without ratings.
        line.extend([
            Value::Count(s.ratings.count.into()),
            Value::Secs(s.ratings.mean()),
            Value::Secs(s.ratings.good_share()),
        ]);
        if agents {
            let t = row.status_time.unwrap_or_default();
            line.extend([t.available_secs, t.away_secs, t.offline_secs, t.rona_secs].map(Value::Count));
        }
        for (id, _) in &r.wrap_ups {
            let n = s.closed_by_wrap_up.iter().find(|(w, _)| w == id).map_or(0, |(_, n)| *n);
            line.push(Value::Count(n.into()));
        }
        rows.push(line);
    }
    (header, rows)
}

/// A number of seconds with at most two decimals.
fn secs_text(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> DeskError {
    DeskError::Storage(StoreError::Unavailable(format!("cannot write the report as {what}: {e}")))
}

/// The report as CSV (UTF-8, one header line); text a spreadsheet would run is neutralised.
pub fn report_csv(r: &Report) -> Result<Vec<u8>, DeskError> {
    let (header, rows) = table(r);
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(|e| unavailable("CSV", e))?;
    for line in rows {
        let cells = line.iter().map(|v| match v {
            Value::Text(t) => neutralise(t).into_owned(),
            Value::Count(n) => n.to_string(),
            Value::Secs(s) => s.map(secs_text).unwrap_or_default(),
        });
        w.write_record(cells).map_err(|e| unavailable("CSV", e))?;
    }
    w.into_inner().map_err(|e| unavailable("CSV", e.into_error()))
}

/// The report as an xlsx workbook: a bold, frozen header, numbers as numbers.
pub fn report_xlsx(r: &Report) -> Result<Vec<u8>, DeskError> {
    let (header, rows) = table(r);
    let xlsx = |e: XlsxError| unavailable("xlsx", e);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Report").map_err(xlsx)?;
    for (col, name) in header.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, name, &bold).map_err(xlsx)?;
        sheet.set_column_width(col as u16, if col == 0 { 24 } else { 12 }).map_err(xlsx)?;
    }
    sheet.set_freeze_panes(1, 1).map_err(xlsx)?;
    for (i, line) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, v) in line.iter().enumerate() {
            let col = col as u16;
            match v {
                Value::Text(t) => sheet.write_string(row, col, t.as_str()).map(|_| ()),
                Value::Count(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
                Value::Secs(Some(s)) => sheet.write_number(row, col, *s).map(|_| ()),
                Value::Secs(None) => Ok(()),
            }
            .map_err(xlsx)?;
        }
    }
    book.save_to_buffer().map_err(xlsx)
}

/// The file name of a report: `conversations-by-agent-2026-01-01-to-2026-01-31.csv`.
pub fn report_file_name(r: &Report, extension: &str) -> String {
    format!("conversations-by-{}-{}-to-{}.{extension}", r.group_by.as_str(), r.period.from, r.period.to)
}
