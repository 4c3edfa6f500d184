//! Imports run through the API: their job records (started, progress, end), reading them for
//! admins, the desk's only inbox as the default for mail, and marking the imports a stopped
//! server left running as failed.

use super::{Desk, DeskError};
use crate::domain::Actor;
use crate::store::{Changes, ImportChanges, ImportReads, WorkspaceReads};

impl Desk {
    /// Starts recording an import job for an admin: its first record, state `running`.
    pub async fn begin_import_job(
        &self,
        who: &super::Principal,
        format: &str,
        bytes_total: u64,
    ) -> Result<crate::domain::import::ImportJob, DeskError> {
        who.ready()?.require(crate::domain::Role::Admin, "import history")?;
        let job = crate::domain::import::ImportJob {
            id: self.new_id("imp"),
            format: format.to_string(),
            state: "running".into(),
            created_by: who.user.id.clone(),
            created_at: self.now(),
            bytes_total,
            ..Default::default()
        };
        self.save_import_job(job.clone()).await?;
        Ok(job)
    }

    /// Stores an import job's progress (or its end, with `finished_at` set now when it ended).
    pub async fn save_import_job(&self, mut job: crate::domain::import::ImportJob) -> Result<(), DeskError> {
        let now = self.now();
        if job.state != "running" && job.finished_at.is_none() {
            job.finished_at = Some(now);
        }
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::Import);
                c.put_import_job(&job)?;
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// An import job (admins).
    pub fn import_job(&self, who: &super::Principal, id: &str) -> Result<crate::domain::import::ImportJob, DeskError> {
        who.require(crate::domain::Role::Admin, "see imports")?;
        self.store.snapshot()?.import_job(id)?.ok_or_else(|| DeskError::NotFound(format!("no import has the id {id}")))
    }

    /// The id of the desk's only inbox, if it has exactly one (where mail goes by default).
    pub fn sole_inbox(&self) -> Result<Option<String>, DeskError> {
        let inboxes = self.store.snapshot()?.inboxes()?;
        Ok(if inboxes.len() == 1 { inboxes.into_iter().next().map(|b| b.id) } else { None })
    }

    /// Import jobs, newest first (admins).
    pub fn import_jobs(&self, who: &super::Principal) -> Result<Vec<crate::domain::import::ImportJob>, DeskError> {
        who.require(crate::domain::Role::Admin, "see imports")?;
        Ok(self.store.snapshot()?.import_jobs(100)?)
    }

    /// Marks imports that were running when the server stopped as failed (at start-up):
    /// importing the file again resumes them, as nothing is imported twice.
    pub async fn fail_interrupted_imports(&self) -> Result<usize, DeskError> {
        let jobs = self.store.snapshot()?.import_jobs(usize::MAX)?;
        let mut n = 0;
        for mut job in jobs.into_iter().filter(|j| j.state == "running") {
            job.state = "failed".into();
            job.error = Some(
                "the server stopped during the import; send the file again to finish it (nothing is imported twice)"
                    .into(),
            );
            self.save_import_job(job).await?;
            n += 1;
        }
        Ok(n)
    }
}
