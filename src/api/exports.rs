//! `/api/v1/conversations/export` and `/api/v1/conversations/{id}/transcript` (F11): the
//! filtered list as CSV (streamed page by page) or xlsx (written to a temporary file, then
//! streamed), and one conversation's transcript as text or a printable HTML page.

use poem::Body;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Enum, OpenApi};
use time::OffsetDateTime;

use super::conversation_dto::{ConversationStatusDto, DetailedStatusDto};
use super::error::{ApiResult, Problem};
use super::inboxes::ChannelDto;
use super::list_filters::{ListFilters, SortDto, ViewDto};
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{CsvExport, Desk, DeskError, EXPORT_PAGE};

/// The CSV media type.
const CSV: &str = "text/csv; charset=utf-8";
/// The xlsx media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// What a transcript page may load: its own inline style, nothing else.
const PAGE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// A file to save or show.
#[derive(ApiResponse)]
pub enum FileDownload {
    /// The file, with its type and name.
    #[oai(status = 200)]
    Ok(
        Binary<Body>,
        /// `text/csv; charset=utf-8`, the xlsx type, `text/plain; charset=utf-8` or `text/html; charset=utf-8`.
        #[oai(header = "Content-Type")]
        String,
        /// `attachment` (or `inline` for the HTML transcript) with the file name.
        #[oai(header = "Content-Disposition")]
        String,
        /// Always `nosniff`.
        #[oai(header = "X-Content-Type-Options")]
        String,
        /// Never stored by shared caches.
        #[oai(header = "Cache-Control")]
        String,
        /// Nothing but inline styles may load.
        #[oai(header = "Content-Security-Policy")]
        String,
    ),
}

impl FileDownload {
    fn new(body: Body, content_type: &str, disposition: &str, file_name: &str) -> Self {
        let disposition = format!("{disposition}; filename=\"{file_name}\"");
        FileDownload::Ok(
            Binary(body),
            content_type.into(),
            disposition,
            "nosniff".into(),
            "private, no-store".into(),
            PAGE_POLICY.into(),
        )
    }
}

/// Runs desk work that reads many pages off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, DeskError> + Send + 'static) -> ApiResult<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(e) => {
            tracing::error!(error = %e, "export task failed");
            Err(ApiError::Unavailable(Json(Problem::new(
                503,
                "The export stopped unexpectedly; nothing was changed. Try again.",
            ))))
        }
    }
}

/// The rest of a CSV export as a body: each page is read off the async threads when the
/// client is ready for it.
fn csv_body(export: CsvExport) -> Body {
    let pages = futures_util::stream::try_unfold(export, |mut export| async move {
        let (export, chunk) = tokio::task::spawn_blocking(move || {
            let chunk = export.next_chunk();
            (export, chunk)
        })
        .await
        .map_err(std::io::Error::other)?;
        match chunk {
            Ok(Some(bytes)) => Ok(Some((bytes, export))),
            Ok(None) => Ok(None),
            Err(e) => {
                tracing::error!(error = %e, "CSV export stopped");
                Err(std::io::Error::other(e.to_string()))
            }
        }
    });
    Body::from_bytes_stream(pages)
}

/// The file type of an export.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Comma-separated values, UTF-8, streamed.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The form of a transcript.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum TranscriptFormat {
    /// A plain-text file to download.
    Text,
    /// A self-contained page made for printing.
    Html,
}

/// Exports and transcripts.
#[derive(Default)]
pub struct ExportsApi;

#[OpenApi(tag = "ApiTags::Conversations")]
impl ExportsApi {
    /// Export conversations
    ///
    /// Every conversation of the list with the same view, filters and sort as
    /// `GET /conversations` (and the same permissions), as `csv` (default) or `xlsx`. One row
    /// per conversation after a header row: number, id, subject, status, detailed status,
    /// priority, channel, inbox, contact name, email and phone, assignee, team, labels,
    /// created/updated/closed times, wrap-up reason, messages, and the metrics accept,
    /// first response, duration, time to close and time in status (whole seconds), transfers,
    /// RONAs and reopens. Times are in the workspace's time zone: ISO 8601 with the offset in
    /// CSV, wall-clock date-times in xlsx, and the file is named by that zone's date. CSV cells that
    /// start with `=`, `+`, `-` or `@` get a leading `'` so spreadsheets do not run them.
    /// The CSV is streamed as it is read; the xlsx is built first, then sent.
    #[oai(path = "/conversations/export", method = "get", operation_id = "exportConversations")]
    #[allow(clippy::too_many_arguments)]
    async fn export(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// File type (default `csv`).
        format: Query<Option<ExportFormat>>,
        /// View (default `all`).
        view: Query<Option<ViewDto>>,
        /// Any of these statuses (repeat the parameter for several).
        #[oai(default)]
        status: Query<Vec<ConversationStatusDto>>,
        /// This detailed status.
        detailed_status: Query<Option<DetailedStatusDto>>,
        /// Assigned to this user.
        assignee_id: Query<Option<String>>,
        /// Queued for, or in an inbox served by, this team.
        team_id: Query<Option<String>>,
        /// In this inbox.
        inbox_id: Query<Option<String>>,
        /// From inboxes of this channel type.
        channel: Query<Option<ChannelDto>>,
        /// Carrying this label.
        label_id: Query<Option<String>>,
        /// Created at or after (RFC 3339).
        created_from: Query<Option<OffsetDateTime>>,
        /// Created before.
        created_to: Query<Option<OffsetDateTime>>,
        /// Updated at or after.
        updated_from: Query<Option<OffsetDateTime>>,
        /// Updated before.
        updated_to: Query<Option<OffsetDateTime>>,
        /// The contact's name, email or phone.
        contact: Query<Option<String>>,
        /// This contact.
        contact_id: Query<Option<String>>,
        /// Order (default `waiting`).
        sort: Query<Option<SortDto>>,
    ) -> ApiResult<FileDownload> {
        let xlsx = format.0 == Some(ExportFormat::Xlsx);
        let filters = ListFilters {
            view: view.0,
            status: status.0,
            detailed_status: detailed_status.0,
            assignee_id: assignee_id.0,
            team_id: team_id.0,
            inbox_id: inbox_id.0,
            channel: channel.0,
            label_id: label_id.0,
            created_from: created_from.0,
            created_to: created_to.0,
            updated_from: updated_from.0,
            updated_to: updated_to.0,
            contact: contact.0,
            contact_id: contact_id.0,
            sort: sort.0,
        };
        let (q, desk, who) = (filters.into_query(None, EXPORT_PAGE), desk.0.clone(), auth.0);
        if xlsx {
            let file = blocking(move || desk.export_xlsx(&who, q)).await?;
            let body = Body::from_async_read(tokio::fs::File::from_std(file.file));
            Ok(FileDownload::new(body, XLSX, "attachment", &file.file_name))
        } else {
            let export = blocking(move || desk.export_csv(&who, q)).await?;
            let name = export.file_name();
            Ok(FileDownload::new(csv_body(export), CSV, "attachment", &name))
        }
    }

    /// Get a conversation's transcript
    ///
    /// The header (number, subject, contact, inbox, status, dates) and every timeline entry
    /// with its time and author: customer messages, agent replies, internal notes (marked as
    /// such) and system events. `format=text` (default) downloads a plain-text file;
    /// `format=html` shows a self-contained page made for printing. Hidden conversations are
    /// 404, like unknown ones.
    #[oai(path = "/conversations/:id/transcript", method = "get", operation_id = "getConversationTranscript")]
    async fn transcript(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        /// Form (default `text`).
        format: Query<Option<TranscriptFormat>>,
    ) -> ApiResult<FileDownload> {
        let html = format.0 == Some(TranscriptFormat::Html);
        let t = desk.transcript(&auth.0, &id.0)?;
        Ok(if html {
            FileDownload::new(
                Body::from_string(t.to_html()),
                "text/html; charset=utf-8",
                "inline",
                &t.file_name("html"),
            )
        } else {
            FileDownload::new(
                Body::from_string(t.to_text()),
                "text/plain; charset=utf-8",
                "attachment",
                &t.file_name("txt"),
            )
        })
    }
}
