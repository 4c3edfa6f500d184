//! Imports through the API: the uploaded file is kept in a temporary file and imported on a
//! blocking thread, the job's record updated after every batch; the file is removed at the end.

use std::path::PathBuf;

use super::{Format, Options, run};
use crate::desk::{Desk, DeskError, Principal};
use crate::domain::import::ImportJob;

/// Receives `body` into a temporary file, records the job and starts it; returns its first
/// record (state `running`).
pub async fn start(
    desk: &Desk,
    who: &Principal,
    format: Format,
    opts: Options,
    body: impl tokio::io::AsyncRead + Unpin,
) -> Result<ImportJob, DeskError> {
    who.ready()?.require(crate::domain::Role::Admin, "import history")?;
    let unavailable = |e: std::io::Error| {
        DeskError::Storage(crate::store::StoreError::Unavailable(format!("cannot keep the uploaded file: {e}")))
    };
    let tmp = tempfile::NamedTempFile::new().map_err(unavailable)?;
    let (file, path) = tmp.into_parts();
    let mut out = tokio::fs::File::from_std(file);
    let mut body = body;
    let copied = tokio::io::copy(&mut body, &mut out).await;
    let size = match copied {
        Ok(n) => n,
        Err(e) => return Err(DeskError::field("body", format!("the upload did not arrive whole: {e}"))),
    };
    drop(out);
    if size == 0 {
        return Err(DeskError::field("body", "the body is empty: send the file to import"));
    }
    let job = desk.begin_import_job(who, format.as_str(), size).await?;
    let (desk, first) = (desk.clone(), job.clone());
    let rt = tokio::runtime::Handle::current();
    let opts = Options { uploaded_by: who.user.id.clone(), ..opts };
    tokio::task::spawn_blocking(move || {
        let file: PathBuf = path.to_path_buf();
        let saver = desk.clone();
        let handle = rt.clone();
        let mut progress = move |j: &ImportJob| {
            if let Err(e) = handle.block_on(saver.save_import_job(j.clone())) {
                tracing::warn!(error = %e, "cannot record an import's progress");
            }
        };
        let result = run(&desk, &rt, format, &file, &opts, job.clone(), &mut progress);
        let end = match result {
            Ok(mut done) => {
                done.state = "done".into();
                done.bytes_read = done.bytes_total;
                done
            }
            Err(e) => {
                let mut failed = desk.store().snapshot().ok().and_then(|s| {
                    use crate::store::ImportReads;
                    s.import_job(&job.id).ok().flatten()
                });
                let mut j = failed.take().unwrap_or(job);
                j.state = "failed".into();
                j.error = Some(e);
                j
            }
        };
        tracing::info!(import = %end.id, state = %end.state, conversations = end.conversations, messages = end.messages, skipped = end.skipped, "import finished");
        if let Err(e) = rt.block_on(desk.save_import_job(end)) {
            tracing::warn!(error = %e, "cannot record an import's end");
        }
        drop(path);
    });
    Ok(first)
}
