//! `GET /api/v1/backup`: an online backup for admins, streamed as a tar archive (F40).

use poem::Body;
use poem::web::Data;
use poem_openapi::payload::Binary;
use poem_openapi::{ApiResponse, OpenApi};

use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;

/// A backup archive.
#[derive(ApiResponse)]
pub enum BackupArchive {
    /// A tar archive (sent as `application/octet-stream`): `manifest.json`, the database and
    /// the attachment files. Restore it with
    /// `switchboard restore FILE --data DIR`.
    #[oai(status = 200, content_type = "application/octet-stream")]
    Ok(
        Binary<Body>,
        /// `attachment` with a file name holding the date and time.
        #[oai(header = "Content-Disposition")]
        String,
        /// The archive's size, bytes.
        #[oai(header = "Content-Length")]
        u64,
        /// The newest event the backup holds.
        #[oai(header = "X-Switchboard-Last-Seq")]
        u64,
    ),
}

/// Backups.
#[derive(Default)]
pub struct BackupApi;

#[OpenApi(tag = "ApiTags::Settings")]
impl BackupApi {
    /// Take a backup (admins)
    ///
    /// A consistent copy of the desk as of one moment, taken while it keeps serving: every
    /// table of the database, the attachment files it names and a manifest with checksums.
    /// The search index is not included; a restore rebuilds it. `switchboard backup` calls this.
    #[oai(path = "/backup", method = "get", operation_id = "takeBackup")]
    async fn backup(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<BackupArchive> {
        let b = desk.backup(&auth.0).await?;
        let at = time::OffsetDateTime::now_utc();
        let name = format!(
            "switchboard-backup-{:04}{:02}{:02}-{:02}{:02}{:02}.tar",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
        let body = Body::from_async_read(tokio::fs::File::from_std(b.file));
        Ok(BackupArchive::Ok(Binary(body), format!("attachment; filename=\"{name}\""), b.size, b.last_seq))
    }
}
