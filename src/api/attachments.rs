//! `/api/v1/attachments` and `/api/v1/library`: uploads, permission-checked downloads, the
//! library of pre-uploaded files and stickers, and a contact's files.

use poem::Body;
use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Enum, Multipart, Object, OpenApi};
use time::OffsetDateTime;

use super::common::to_time;
use super::error::ApiResult;
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{Desk, NewUpload};
use crate::domain::attachment::{Attachment, inline_type};
use crate::domain::media::AttachmentKind;

/// What a file is meant to be.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum KindDto {
    /// A document (PDF, office file, text, CSV, ZIP).
    Document,
    /// An audio file.
    Audio,
    /// A video.
    Video,
    /// A picture.
    Image,
    /// A sticker: PNG or WebP, exactly 512×512, transparent background, under 100 KB.
    Sticker,
    /// A voice message.
    Voice,
}

impl From<KindDto> for AttachmentKind {
    fn from(k: KindDto) -> Self {
        match k {
            KindDto::Document => AttachmentKind::Document,
            KindDto::Audio => AttachmentKind::Audio,
            KindDto::Video => AttachmentKind::Video,
            KindDto::Image => AttachmentKind::Image,
            KindDto::Sticker => AttachmentKind::Sticker,
            KindDto::Voice => AttachmentKind::Voice,
        }
    }
}

impl From<AttachmentKind> for KindDto {
    fn from(k: AttachmentKind) -> Self {
        match k {
            AttachmentKind::Document => KindDto::Document,
            AttachmentKind::Audio => KindDto::Audio,
            AttachmentKind::Video => KindDto::Video,
            AttachmentKind::Image => KindDto::Image,
            AttachmentKind::Sticker => KindDto::Sticker,
            AttachmentKind::Voice => KindDto::Voice,
        }
    }
}

/// A stored file.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AttachmentDto {
    /// Opaque id; send it in a message's `attachments`.
    pub id: String,
    /// Kind.
    pub kind: KindDto,
    /// File name.
    pub filename: String,
    /// MIME type, taken from the content where it can be recognised.
    pub mime: String,
    /// Size in bytes.
    pub size: u64,
    /// Pixel width (PNG, WebP).
    pub width: Option<u32>,
    /// Pixel height (PNG, WebP).
    pub height: Option<u32>,
    /// SHA-256 of the content.
    pub sha256: String,
    /// A library item.
    pub library: bool,
    /// The conversation it was sent in.
    pub conversation_id: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub created_at: OffsetDateTime,
}

impl From<Attachment> for AttachmentDto {
    fn from(a: Attachment) -> Self {
        AttachmentDto {
            id: a.id,
            kind: a.kind.into(),
            filename: a.filename,
            mime: a.mime,
            size: a.size,
            width: a.width,
            height: a.height,
            sha256: a.sha256,
            library: a.library,
            conversation_id: a.conversation_id,
            uploaded_by: a.uploaded_by,
            created_at: to_time(a.created_at),
        }
    }
}

/// A file to upload.
#[derive(Multipart)]
#[oai(deny_unknown_fields)]
pub struct UploadForm {
    /// The file.
    pub file: Upload,
    /// What it is meant to be.
    pub kind: KindDto,
}

/// A list of files.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AttachmentList {
    /// Files, newest first.
    pub items: Vec<AttachmentDto>,
    /// Always absent.
    pub next_cursor: Option<String>,
}

/// Answer to an upload.
#[derive(ApiResponse)]
pub enum Uploaded {
    /// Stored.
    #[oai(status = 201)]
    Created(Json<AttachmentDto>),
}

/// A file's bytes.
#[derive(ApiResponse)]
pub enum Download {
    /// The content, with its type; pictures, audio and video inline, everything else as a download.
    #[oai(status = 200)]
    Ok(
        Binary<Body>,
        /// The file's MIME type.
        #[oai(header = "Content-Type")]
        String,
        /// `inline` or `attachment`, with the file name.
        #[oai(header = "Content-Disposition")]
        String,
        /// Always `nosniff`.
        #[oai(header = "X-Content-Type-Options")]
        String,
        /// Private, may be cached by the browser.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

async fn read_form(form: UploadForm, library: bool) -> Result<NewUpload, ApiError> {
    let filename = form.file.file_name().unwrap_or("file").to_string();
    let declared_mime = form.file.content_type().map(str::to_string);
    // poem-openapi received the file into an unnamed temporary file; it is read from there a
    // block at a time.
    let content = form.file.into_file().into_std().await;
    Ok(NewUpload { kind: form.kind.into(), filename, declared_mime, content, library })
}

impl Download {
    /// A stored file as its download: its type, inline or as a file, never sniffed, cached
    /// privately for an hour.
    pub(super) fn of(att: &Attachment, file: std::fs::File) -> Download {
        let body = Body::from_async_read(tokio::fs::File::from_std(file));
        Download::Ok(Binary(body), att.mime.clone(), disposition(att), "nosniff".into(), "private, max-age=3600".into())
    }
}

fn disposition(a: &Attachment) -> String {
    let kind = if inline_type(&a.mime) { "inline" } else { "attachment" };
    let ascii: String = a
        .filename
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = a
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Files.
#[derive(Default)]
pub struct AttachmentsApi;

#[OpenApi(tag = "ApiTags::Attachments")]
impl AttachmentsApi {
    /// Upload a file
    ///
    /// Multipart with `file` and `kind`. The content is checked (type, size limit of the
    /// workspace, and for stickers: PNG or WebP, 512×512, transparent, under 100 KB); a refusal
    /// names the rule. Send the returned id in a message's `attachments`.
    #[oai(path = "/attachments", method = "post", operation_id = "uploadAttachment")]
    async fn upload(&self, auth: BearerAuth, desk: Data<&Desk>, form: UploadForm) -> ApiResult<Uploaded> {
        let up = read_form(form, false).await?;
        Ok(Uploaded::Created(Json(desk.upload(&auth.0, up).await?.into())))
    }

    /// Download a file
    ///
    /// Library items, your own uploads, and files of conversations you may see; anything else is 404.
    #[oai(path = "/attachments/:id", method = "get", operation_id = "downloadAttachment")]
    async fn download(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Download> {
        let (att, file) = desk.open_attachment(&auth.0, &id.0)?;
        Ok(Download::of(&att, file))
    }

    /// List the library
    ///
    /// Pre-uploaded files and stickers any agent may send.
    #[oai(path = "/library", method = "get", operation_id = "listLibrary")]
    async fn library(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<AttachmentList>> {
        Ok(Json(AttachmentList {
            items: desk.list_library(&auth.0)?.into_iter().map(Into::into).collect(),
            next_cursor: None,
        }))
    }

    /// Add to the library
    ///
    /// Supervisors and admins. Same rules as an upload.
    #[oai(path = "/library", method = "post", operation_id = "addToLibrary")]
    async fn add_to_library(&self, auth: BearerAuth, desk: Data<&Desk>, form: UploadForm) -> ApiResult<Uploaded> {
        let up = read_form(form, true).await?;
        Ok(Uploaded::Created(Json(desk.upload(&auth.0, up).await?.into())))
    }

    /// A contact's files
    ///
    /// Files exchanged with the contact in conversations you may see, newest first.
    #[oai(
        path = "/contacts/:id/attachments",
        method = "get",
        operation_id = "listContactAttachments",
        tag = "ApiTags::Contacts"
    )]
    async fn contact_files(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<AttachmentList>> {
        Ok(Json(AttachmentList {
            items: desk.contact_files(&auth.0, &id.0)?.into_iter().map(Into::into).collect(),
            next_cursor: None,
        }))
    }
}
