//! Imports of history: the keys of what was imported (so nothing is imported twice) and the
//! jobs run through the API.

use super::StoreError;
use super::changes::Changes;
use super::reader::Reader;
use super::tables::Tbl;
use crate::domain::import::ImportJob;

/// Reads of import keys and jobs, for any [`Reader`].
pub trait ImportReads: Reader + Sized {
    /// The id an earlier import made of the source's `key`.
    fn imported(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.get_json(Tbl::ImportKeys, key)
    }
    /// An import job.
    fn import_job(&self, id: &str) -> Result<Option<ImportJob>, StoreError> {
        self.get_json(Tbl::ImportJobs, id)
    }
    /// Import jobs, newest first.
    fn import_jobs(&self, limit: usize) -> Result<Vec<ImportJob>, StoreError> {
        let rows = self.scan_raw(Tbl::ImportJobs, "", None, usize::MAX)?;
        let mut jobs: Vec<ImportJob> =
            rows.into_iter().map(|(_, v)| super::reader::decode(&v)).collect::<Result<_, _>>()?;
        jobs.reverse();
        jobs.truncate(limit);
        Ok(jobs)
    }
}

impl<R: Reader> ImportReads for R {}

/// Writes of import keys and jobs.
pub trait ImportChanges {
    /// Records that the source's `key` became `id`.
    fn put_imported(&mut self, key: &str, id: &str) -> Result<(), StoreError>;
    /// Stores an import job.
    fn put_import_job(&mut self, job: &ImportJob) -> Result<(), StoreError>;
}

impl ImportChanges for Changes {
    fn put_imported(&mut self, key: &str, id: &str) -> Result<(), StoreError> {
        self.put_json(Tbl::ImportKeys, key, &id)
    }
    fn put_import_job(&mut self, job: &ImportJob) -> Result<(), StoreError> {
        self.put_json(Tbl::ImportJobs, &job.id, job)
    }
}
