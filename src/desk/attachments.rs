//! Attachments (F14): uploads checked against the media rules and the workspace's limits,
//! stored content-addressed (bytes first, fsynced, then the metadata, so no record ever
//! points at a missing file), permission-checked downloads, the library, and the files
//! exchanged with a contact.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use super::conversations::{viewer, visible};
use super::{Desk, DeskError, Principal};
use crate::domain::attachment::Attachment;
use crate::domain::media::{AttachmentKind, HEAD_BYTES, MediaError, MediaLimits, check_file, clean_filename};
use crate::domain::{EventKind, Role};
use crate::store::{
    Changes, ContactReads, ConversationReads, Reader, RecordChanges, RecordReads, StoreError, WorkspaceReads,
};

/// A file to store.
#[derive(Debug)]
pub struct NewUpload {
    /// What it is meant to be.
    pub kind: AttachmentKind,
    /// The name the client gave.
    pub filename: String,
    /// The type the client declared.
    pub declared_mime: Option<String>,
    /// The content: a file positioned at its start (the upload as received), read a block at a
    /// time so no upload is held in memory whole.
    pub content: File,
    /// Add to the library (supervisors and admins).
    pub library: bool,
}

fn unreadable(e: &dyn std::fmt::Display) -> DeskError {
    DeskError::field("file", format!("cannot read the uploaded file: {e}"))
}

/// Reads an attachment's metadata.
pub(super) fn attachment(s: &impl Reader, id: &str) -> Result<Option<Attachment>, DeskError> {
    Ok(s.attachment(id)?)
}

impl Desk {
    /// Checks and stores a file; returns its metadata.
    pub async fn upload(&self, who: &Principal, up: NewUpload) -> Result<Attachment, DeskError> {
        who.ready()?;
        if up.library {
            who.require(Role::Supervisor, "add files to the library")?;
        }
        self.store_upload(who.user.id.clone(), who.actor(), up, false).await
    }

    /// Checks and stores a file for `uploaded_by`. For customers (`customer`), a type the
    /// workspace does not take is a `415` rather than a field error.
    pub(super) async fn store_upload(
        &self,
        uploaded_by: String,
        actor: crate::domain::Actor,
        up: NewUpload,
        customer: bool,
    ) -> Result<Attachment, DeskError> {
        let settings = self.store.snapshot()?.settings()?;
        let limits =
            MediaLimits { max_bytes: settings.max_upload_bytes, allowed_types: settings.allowed_upload_types.clone() };
        let filename = clean_filename(&up.filename);
        let files = self.store.files().clone();
        let (kind, declared, name) = (up.kind, up.declared_mime.clone(), filename.clone());
        let mut content = up.content;
        let stored = tokio::task::spawn_blocking(move || -> Result<_, DeskError> {
            let size = content.metadata().map_err(|e| unreadable(&e))?.len();
            content.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&e))?;
            let mut head = Vec::with_capacity(HEAD_BYTES.min(usize::try_from(size).unwrap_or(HEAD_BYTES)));
            (&mut content).take(HEAD_BYTES as u64).read_to_end(&mut head).map_err(|e| unreadable(&e))?;
            let checked = check_file(kind, declared.as_deref(), &name, size, &head, &limits).map_err(|e| match e {
                MediaError::TooLarge { .. } => DeskError::TooLarge(e.to_string()),
                MediaError::TypeNotAllowed { .. } | MediaError::UnknownType { .. } if customer => {
                    DeskError::UnsupportedType(format!("{e} (rule: {})", e.rule()))
                }
                other => DeskError::field("file", format!("{other} (rule: {})", other.rule())),
            })?;
            drop(head);
            content.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&e))?;
            let (sha, size) = files.put_reader(&mut content)?;
            Ok((checked, sha, size))
        });
        let (checked, sha, size) = stored
            .await
            .map_err(|e| DeskError::Storage(StoreError::Unavailable(format!("upload task failed: {e}"))))??;
        let now = self.now();
        let att = Attachment {
            id: self.new_id("att"),
            sha256: sha,
            kind: up.kind,
            filename,
            mime: checked.mime,
            size,
            width: checked.width,
            height: checked.height,
            uploaded_by,
            created_at: now,
            library: up.library,
            conversation_id: None,
        };
        let record = att.clone();
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, actor);
                c.put_attachment(&record)?;
                if record.library {
                    c.add_to_library(&record.id);
                }
                c.event(EventKind::AttachmentUploaded { attachment_id: record.id.clone(), library: record.library });
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(att)
    }

    /// The workspace's largest upload, in bytes (the transport refuses bigger bodies while
    /// they arrive); the default when the settings cannot be read.
    pub fn max_upload_bytes(&self) -> u64 {
        self.store
            .snapshot()
            .and_then(|s| s.settings())
            .map_or(crate::domain::workspace::Settings::default().max_upload_bytes, |s| s.max_upload_bytes)
    }

    /// An attachment the caller may download, with its open file: library items (anyone),
    /// their own uploads, and files of conversations they may see. Others are 404.
    pub fn open_attachment(&self, who: &Principal, id: &str) -> Result<(Attachment, File), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let not_found = || DeskError::NotFound(format!("no attachment with id {id}"));
        let att = attachment(&snap, id)?.ok_or_else(not_found)?;
        let allowed = att.library
            || att.uploaded_by == who.user.id
            || match &att.conversation_id {
                Some(cid) => visible(&snap, &viewer(&snap, who)?, cid).is_ok(),
                None => false,
            };
        if !allowed {
            return Err(not_found());
        }
        let file = self.store.files().open_blob(&att.sha256)?.ok_or_else(|| {
            DeskError::Storage(StoreError::Corrupt(format!("the file of attachment {id} is missing")))
        })?;
        Ok((att, file))
    }

    /// The library, newest first.
    pub fn list_library(&self, who: &Principal) -> Result<Vec<Attachment>, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let mut out = Vec::new();
        for id in snap.library_ids()? {
            if let Some(a) = attachment(&snap, &id)? {
                out.push(a);
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Files exchanged with a contact in conversations the caller may see, newest first.
    pub fn contact_files(&self, who: &Principal, contact_id: &str) -> Result<Vec<Attachment>, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        snap.contact(contact_id)?.ok_or_else(|| DeskError::NotFound(format!("no contact with id {contact_id}")))?;
        let v = viewer(&snap, who)?;
        let mut out = Vec::new();
        for (att_id, conv_id) in snap.contact_files(contact_id)? {
            let seen = snap.conversation(&conv_id)?.is_some_and(|c| crate::domain::lifecycle::can_see(&v, &c));
            if seen && let Some(a) = attachment(&snap, &att_id)? {
                out.push(a);
            }
        }
        out.reverse();
        Ok(out)
    }
}
