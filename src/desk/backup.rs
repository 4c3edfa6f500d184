//! Online backup (F40): an admin takes a consistent archive of the desk while it keeps serving
//! (`store::backup`); the archive is built in a temporary file and handed back to stream.

use super::{Desk, DeskError, Principal};
use crate::domain::Role;
use crate::store::StoreError;

/// A finished backup, ready to stream: its open file (already unlinked from the disk) and size.
#[derive(Debug)]
pub struct BackupFile {
    /// The archive, positioned at its start.
    pub file: std::fs::File,
    /// Its size, bytes.
    pub size: u64,
    /// The newest event it holds.
    pub last_seq: u64,
}

impl Desk {
    /// Takes a backup (admins): the database as of one moment, the attachment files it names,
    /// and a manifest; the search index is rebuilt on restore.
    pub async fn backup(&self, who: &Principal) -> Result<BackupFile, DeskError> {
        who.require(Role::Admin, "take backups")?;
        let store = self.store.clone();
        let unavailable =
            |e: std::io::Error| DeskError::Storage(StoreError::Unavailable(format!("cannot write the backup: {e}")));
        tokio::task::spawn_blocking(move || {
            let mut tmp = tempfile::NamedTempFile::new().map_err(unavailable)?;
            let manifest = store.backup_to(tmp.as_file_mut(), &mut |_| {})?;
            let file = tmp.reopen().map_err(unavailable)?;
            let size = file.metadata().map_err(unavailable)?.len();
            // The open file keeps its bytes; the name goes away now.
            drop(tmp);
            Ok(BackupFile { file, size, last_seq: manifest.last_seq })
        })
        .await
        .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("the backup task failed: {e}"))))?
    }
}
