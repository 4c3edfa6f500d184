//! The export's table: its columns, and the two files written from it. CSV is produced a
//! page at a time as chunks of the response; xlsx goes row by row into a constant-memory
//! worksheet whose rows the writer keeps in a temporary file, then the workbook into an
//! anonymous temporary file that the caller streams back.

use std::io::{Seek, SeekFrom};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::{EXPORT_PAGE, ExportRow, Zone};
use crate::desk::{Desk, DeskError, ListQuery, Principal};
use crate::domain::Timestamp;
use crate::store::StoreError;

/// The header row, in column order. Times are in the workspace's zone; `*_secs` are whole
/// seconds.
pub const COLUMNS: [&str; 27] = [
    "number",
    "id",
    "subject",
    "status",
    "detailed_status",
    "priority",
    "channel",
    "inbox",
    "contact_name",
    "contact_email",
    "contact_phone",
    "assignee",
    "team",
    "labels",
    "created_at",
    "updated_at",
    "closed_at",
    "wrap_up_reason",
    "messages",
    "accept_secs",
    "first_response_secs",
    "duration_secs",
    "time_to_close_secs",
    "time_in_status_secs",
    "transfers",
    "ronas",
    "reopens",
];

/// One cell of a row, typed so each file can write it natively.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cell<'a> {
    Text(&'a str),
    Number(i64),
    Time(Timestamp),
    Empty,
}

impl ExportRow {
    /// The row's cells, in the order of [`COLUMNS`].
    fn cells(&self) -> [Cell<'_>; 27] {
        let time = |t: Option<Timestamp>| t.map_or(Cell::Empty, Cell::Time);
        let secs = |s: Option<i64>| s.map_or(Cell::Empty, Cell::Number);
        let m = &self.metrics;
        [
            Cell::Number(self.number as i64),
            Cell::Text(&self.id),
            Cell::Text(&self.subject),
            Cell::Text(self.status),
            Cell::Text(self.detailed_status),
            Cell::Text(self.priority),
            Cell::Text(self.channel),
            Cell::Text(&self.inbox),
            Cell::Text(&self.contact_name),
            Cell::Text(&self.contact_email),
            Cell::Text(&self.contact_phone),
            Cell::Text(&self.assignee),
            Cell::Text(&self.team),
            Cell::Text(&self.labels),
            Cell::Time(self.created_at),
            Cell::Time(self.updated_at),
            time(self.closed_at),
            Cell::Text(&self.wrap_up_reason),
            Cell::Number(i64::from(self.messages)),
            secs(m.accept_secs),
            secs(m.first_response_secs),
            secs(m.duration_secs),
            secs(m.time_to_close_secs),
            Cell::Number(m.time_in_status_secs),
            Cell::Number(i64::from(m.transfers)),
            Cell::Number(i64::from(m.ronas)),
            Cell::Number(i64::from(m.reopens)),
        ]
    }
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or
/// carriage return before one) gets a leading `'`, so customer-written subjects and names
/// stay text when the CSV is opened.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}").into() } else { text.into() }
}

fn csv_error(e: impl std::fmt::Display) -> DeskError {
    DeskError::Storage(StoreError::Unavailable(format!("cannot write the CSV: {e}")))
}

/// CSV lines (header first when `header`), each record ended by CRLF as RFC 4180 says.
fn csv_chunk(rows: &[ExportRow], header: bool, zone: &Zone) -> Result<Vec<u8>, DeskError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 300 + 400));
    if header {
        w.write_record(COLUMNS).map_err(csv_error)?;
    }
    for row in rows {
        let record = row.cells().map(|c| match c {
            Cell::Text(t) => neutralise(t).into_owned(),
            Cell::Number(n) => n.to_string(),
            Cell::Time(t) => zone.iso(t),
            Cell::Empty => String::new(),
        });
        w.write_record(&record).map_err(csv_error)?;
    }
    w.into_inner().map_err(csv_error)
}

/// A CSV export under way: the file comes out one page at a time.
pub struct CsvExport {
    desk: Desk,
    who: Principal,
    query: ListQuery,
    now: Timestamp,
    zone: Zone,
    first: Option<Vec<u8>>,
    done: bool,
}

impl CsvExport {
    /// `conversations-YYYYMMDD.csv`, dated when the export started.
    pub fn file_name(&self) -> String {
        format!("conversations-{}.csv", self.zone.file_date(self.now))
    }

    /// The next part of the file (the header and first page first), `None` after the last.
    /// Reads one page of the desk: call it off the async threads.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, DeskError> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        if self.done {
            return Ok(None);
        }
        let (rows, next) = self.desk.export_page(&self.who, &self.query, self.now)?;
        self.done = next.is_none();
        self.query.cursor = next;
        csv_chunk(&rows, false, &self.zone).map(Some)
    }
}

/// An export written to an anonymous temporary file, rewound and ready to read.
pub struct ExportFile {
    /// The file; the disk space is freed when it is closed.
    pub file: std::fs::File,
    /// `conversations-YYYYMMDD.xlsx`.
    pub file_name: String,
}

fn xlsx_error(e: XlsxError) -> DeskError {
    DeskError::Storage(StoreError::Unavailable(format!("cannot write the workbook: {e}")))
}

/// Most characters Excel keeps in a cell.
const XLSX_MAX_CHARS: usize = 32_767;
/// Rows of an xlsx sheet, the header included.
const XLSX_MAX_ROWS: u32 = 1_048_576;

impl Desk {
    /// Starts a CSV export of the list `q` (its cursor and limit are ignored: the export is
    /// every row). Reads the first page now, so a refused request fails before any byte is
    /// sent. Blocking: call it off the async threads.
    pub fn export_csv(&self, who: &Principal, mut q: ListQuery) -> Result<CsvExport, DeskError> {
        let now = self.now();
        q.cursor = None;
        q.limit = EXPORT_PAGE;
        let (rows, next) = self.export_page(who, &q, now)?;
        let zone = Zone::of_workspace(&self.store.snapshot()?)?;
        let first = csv_chunk(&rows, true, &zone)?;
        q.cursor = next.clone();
        Ok(CsvExport {
            desk: self.clone(),
            who: who.clone(),
            query: q,
            now,
            zone,
            first: Some(first),
            done: next.is_none(),
        })
    }

    /// The list `q` as an xlsx workbook: bold, frozen header with an autofilter, numbers as
    /// numbers, times as Excel date-times (wall-clock in the workspace's zone). Rows go to disk as they are written, so the
    /// memory used does not grow with the number of rows. Blocking: call it off the async
    /// threads.
    pub fn export_xlsx(&self, who: &Principal, mut q: ListQuery) -> Result<ExportFile, DeskError> {
        let now = self.now();
        q.cursor = None;
        q.limit = EXPORT_PAGE;
        let (mut rows, mut next) = self.export_page(who, &q, now)?;
        let zone = Zone::of_workspace(&self.store.snapshot()?)?;
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name("Conversations").map_err(xlsx_error)?;
        for (col, name) in COLUMNS.iter().enumerate() {
            let width = match *name {
                "subject" => 40,
                "id" | "contact_name" | "contact_email" | "inbox" | "assignee" | "team" | "labels"
                | "wrap_up_reason" => 22,
                n if n.ends_with("_at") => 19,
                _ => 12,
            };
            sheet.set_column_width(col as u16, width).map_err(xlsx_error)?;
            sheet.write_string_with_format(0, col as u16, *name, &bold).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        let mut row: u32 = 0;
        loop {
            for r in &rows {
                row += 1;
                if row >= XLSX_MAX_ROWS {
                    return Err(DeskError::field(
                        "format",
                        "more conversations match than an xlsx sheet holds (1,048,575); narrow the filters or export CSV",
                    ));
                }
                for (col, cell) in r.cells().into_iter().enumerate() {
                    let col = col as u16;
                    match cell {
                        Cell::Text(t) if t.chars().count() > XLSX_MAX_CHARS => {
                            sheet.write_string(row, col, t.chars().take(XLSX_MAX_CHARS).collect::<String>())
                        }
                        Cell::Text(t) => sheet.write_string(row, col, t),
                        Cell::Number(n) => sheet.write_number(row, col, n as f64),
                        Cell::Time(t) => {
                            let dt = ExcelDateTime::from_timestamp(zone.wall_clock_secs(t)).map_err(xlsx_error)?;
                            sheet.write_datetime_with_format(row, col, dt, &date)
                        }
                        Cell::Empty => continue,
                    }
                    .map_err(xlsx_error)?;
                }
            }
            let Some(cursor) = next.take() else { break };
            q.cursor = Some(cursor);
            (rows, next) = self.export_page(who, &q, now)?;
        }
        sheet.autofilter(0, 0, row, COLUMNS.len() as u16 - 1).map_err(xlsx_error)?;
        let mut file = tempfile::tempfile()
            .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("cannot create a temporary file: {e}"))))?;
        book.save_to_writer(&mut file).map_err(xlsx_error)?;
        file.seek(SeekFrom::Start(0))
            .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("cannot read the workbook back: {e}"))))?;
        Ok(ExportFile { file, file_name: format!("conversations-{}.xlsx", zone.file_date(now)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_kept() {
        for bad in ["=1+1", "+44 7700", "-2", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for ok in ["María", "1+1", "", " =x", "a=b"] {
            assert_eq!(neutralise(ok), ok);
        }
    }
}
