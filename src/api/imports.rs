//! `/api/v1/imports`: importing history (JSON Lines or an mbox archive) as a background job,
//! with its progress and what it left out (admins).

use poem::Body;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Binary, Json};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::common::to_time;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::import::ImportJob;
use crate::import::{Format, Options};

/// What an import reads.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum ImportFormatDto {
    /// `conversations.jsonl`: one conversation per line (docs/import.md); files as
    /// `data_base64`.
    Jsonl,
    /// An mbox mail archive: threads from Message-ID, In-Reply-To and References.
    Mbox,
}

/// Where an import stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum ImportStateDto {
    /// Still importing.
    Running,
    /// Finished.
    Done,
    /// Stopped by an error (`error` says which); sending the file again resumes it.
    Failed,
}

/// Something an import left out or changed, and why.
#[derive(Object)]
pub struct ImportSkipDto {
    /// Where: the line or the mail (`conversations.jsonl:12`, `upload: mail 7`).
    pub at: String,
    /// Why, in words.
    pub reason: String,
}

/// An import of history and its progress.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ImportJobDto {
    /// Opaque id.
    pub id: String,
    /// What it reads.
    pub format: String,
    /// Where it stands.
    pub state: ImportStateDto,
    /// Why it failed.
    pub error: Option<String>,
    /// Who started it.
    pub created_by: String,
    /// Started.
    pub created_at: OffsetDateTime,
    /// Finished.
    pub finished_at: Option<OffsetDateTime>,
    /// Bytes of the file read so far.
    pub bytes_read: u64,
    /// The file's size.
    pub bytes_total: u64,
    /// Conversations imported.
    pub conversations: u64,
    /// Messages imported.
    pub messages: u64,
    /// Files imported.
    pub files: u64,
    /// Conversations left alone because an earlier import made them.
    pub already_imported: u64,
    /// How many things were left out or changed (`skips` lists the first 1,000).
    pub skipped: u64,
    /// What was left out or changed, and why.
    pub skips: Vec<ImportSkipDto>,
}

impl From<ImportJob> for ImportJobDto {
    fn from(j: ImportJob) -> Self {
        ImportJobDto {
            id: j.id,
            format: j.format,
            state: match j.state.as_str() {
                "done" => ImportStateDto::Done,
                "failed" => ImportStateDto::Failed,
                _ => ImportStateDto::Running,
            },
            error: j.error,
            created_by: j.created_by,
            created_at: to_time(j.created_at),
            finished_at: j.finished_at.map(to_time),
            bytes_read: j.bytes_read,
            bytes_total: j.bytes_total,
            conversations: j.conversations,
            messages: j.messages,
            files: j.files,
            already_imported: j.already_imported,
            skipped: j.skipped,
            skips: j.skips.into_iter().map(|s| ImportSkipDto { at: s.at, reason: s.reason }).collect(),
        }
    }
}

/// The imports, newest first.
#[derive(Object)]
pub struct ImportJobList {
    /// Imports (the 100 newest).
    pub items: Vec<ImportJobDto>,
}

/// An import accepted.
#[derive(ApiResponse)]
pub enum ImportStarted {
    /// Accepted: it runs in the background; follow it with `GET /imports/{id}`.
    #[oai(status = 202)]
    Accepted(Json<ImportJobDto>),
}

/// Imports.
#[derive(Default)]
pub struct ImportsApi;

#[OpenApi(tag = "ApiTags::Settings")]
impl ImportsApi {
    /// Import history (admins)
    ///
    /// Send the file as the body: an mbox archive, or a `conversations.jsonl`. It is imported
    /// in the background; `GET /imports/{id}` shows the progress and what was left out, with
    /// line or mail numbers. Sending the same file again imports nothing twice, so it also
    /// resumes an import that was interrupted. The command line (`switchboard import`) reads
    /// Maildir folders and attachment paths too.
    #[oai(path = "/imports", method = "post", operation_id = "startImport")]
    async fn start(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// What the body is.
        format: Query<ImportFormatDto>,
        /// The inbox (name or id) for conversations that name none; every mail thread goes
        /// there. Required for mbox unless the desk has one inbox.
        inbox: Query<Option<String>>,
        /// Mail from these addresses (comma-separated) is the desk's reply, not the customer's;
        /// mail from a user's address always is.
        desk_addresses: Query<Option<String>>,
        body: Binary<Body>,
    ) -> ApiResult<ImportStarted> {
        let format = match format.0 {
            ImportFormatDto::Jsonl => Format::Jsonl,
            ImportFormatDto::Mbox => Format::Mbox,
        };
        let inbox = match inbox.0 {
            Some(i) => Some(i),
            None => desk.sole_inbox()?,
        };
        let opts = Options {
            inbox,
            desk_addresses: desk_addresses
                .0
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            uploaded_by: String::new(),
            source_name: Some("upload".into()),
        };
        let job = crate::import::job::start(&desk, &auth.0, format, opts, body.0.into_async_read()).await?;
        Ok(ImportStarted::Accepted(Json(job.into())))
    }

    /// List imports (admins)
    ///
    /// The 100 newest imports, newest first, each with its progress and what it left out.
    #[oai(path = "/imports", method = "get", operation_id = "listImports")]
    async fn list(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<ImportJobList>> {
        let items = desk.import_jobs(&auth.0)?.into_iter().map(Into::into).collect();
        Ok(Json(ImportJobList { items }))
    }

    /// Get an import and its progress (admins)
    ///
    /// Bytes read of the file, conversations, messages and files imported, those an earlier
    /// import had made, and what was left out or changed, with the line or mail number.
    #[oai(path = "/imports/:id", method = "get", operation_id = "getImport")]
    async fn get(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ImportJobDto>> {
        Ok(Json(desk.import_job(&auth.0, &id.0)?.into()))
    }
}
