//! Schema migrations: the one list of steps that bring a data folder from an older schema to
//! [`SCHEMA_VERSION`], run at start-up inside one write transaction (a failed step leaves the
//! folder as it was). Schema 1 is the first release's layout, so the list is empty; a change of
//! stored meaning adds a step here and bumps [`SCHEMA_VERSION`].

use redb::{Database, WriteTransaction};

use super::reader::Reader;
use super::tables::{self, META_SCHEMA_VERSION, SCHEMA_VERSION, Tbl};
use super::{StoreError, db_err};

/// One step: from schema `from` to `from + 1`. Returns whether it rewrote stored rows in bulk
/// (worth compacting the file afterwards).
pub(super) struct Step {
    /// The schema the step starts from.
    pub from: u64,
    /// What the step does, for the log.
    pub what: &'static str,
    /// The step itself, inside the migration's transaction.
    pub run: fn(&WriteTransaction) -> Result<bool, StoreError>,
}

/// Every step, oldest first.
pub(super) const STEPS: &[Step] = &[];

/// Creates missing tables and brings stored data up to [`SCHEMA_VERSION`]; says whether it
/// rewrote stored rows in bulk.
pub(super) fn migrate(db: &Database) -> Result<bool, StoreError> {
    migrate_to(db, STEPS, SCHEMA_VERSION)
}

/// [`migrate`] with the steps and target given (tests run a step list of their own).
pub(super) fn migrate_to(db: &Database, steps: &[Step], target: u64) -> Result<bool, StoreError> {
    let txn = db.begin_write().map_err(db_err)?;
    txn.open_table(tables::EVENTS).map_err(db_err)?;
    for t in Tbl::ALL {
        txn.open_table(t.def()).map_err(db_err)?;
    }
    for t in tables::Bin::ALL {
        txn.open_table(t.def()).map_err(db_err)?;
    }
    let found: Option<u64> = txn.get_json(Tbl::Meta, META_SCHEMA_VERSION)?;
    let mut rewrote = false;
    match found {
        Some(v) if v > target => return Err(StoreError::TooNew { found: v, supported: target }),
        Some(v) if v == target => {}
        // A fresh folder only needs the version recorded.
        None => record(&txn, target)?,
        Some(from) => {
            tracing::info!(from, to = target, "migrating the data folder");
            for step in steps.iter().filter(|s| s.from >= from && s.from < target) {
                tracing::info!(from = step.from, to = step.from + 1, what = step.what, "migration step");
                rewrote |= (step.run)(&txn)?;
            }
            record(&txn, target)?;
        }
    }
    txn.commit().map_err(db_err)?;
    Ok(rewrote)
}

fn record(txn: &WriteTransaction, version: u64) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(&version).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    txn.open_table(Tbl::Meta.def()).map_err(db_err)?.insert(META_SCHEMA_VERSION, bytes.as_slice()).map_err(db_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use redb::backends::InMemoryBackend;
    use redb::{ReadableDatabase, ReadableTable};

    use super::*;

    fn database() -> Database {
        Database::builder().create_with_backend(InMemoryBackend::new()).expect("in-memory database")
    }

    fn version(db: &Database) -> Option<u64> {
        db.begin_read().expect("read").get_json(Tbl::Meta, META_SCHEMA_VERSION).expect("reads")
    }

    /// A step 1 → 2 that renames every label to upper case.
    fn shout(txn: &WriteTransaction) -> Result<bool, StoreError> {
        let mut labels = txn.open_table(Tbl::Labels.def()).map_err(db_err)?;
        let rows: Vec<(String, String)> = labels
            .iter()
            .map_err(db_err)?
            .map(|r| r.map(|(k, v)| (k.value().to_string(), String::from_utf8_lossy(v.value()).to_uppercase())))
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        for (k, v) in &rows {
            labels.insert(k.as_str(), v.as_bytes()).map_err(db_err)?;
        }
        Ok(!rows.is_empty())
    }

    /// A step 2 → 3 that fails.
    fn broken(_: &WriteTransaction) -> Result<bool, StoreError> {
        Err(StoreError::Corrupt("step 2 → 3 cannot read row 7".into()))
    }

    const STEPS_1_TO_2: &[Step] = &[Step { from: 1, what: "labels in capitals", run: shout }];
    const STEPS_1_TO_3: &[Step] =
        &[Step { from: 1, what: "labels in capitals", run: shout }, Step { from: 2, what: "broken", run: broken }];

    fn schema_1_folder() -> Database {
        let db = database();
        migrate_to(&db, &[], 1).expect("creates schema 1");
        let txn = db.begin_write().expect("write");
        txn.open_table(Tbl::Labels.def()).expect("labels").insert("lbl_1", br#""vip""#.as_slice()).expect("insert");
        txn.commit().expect("commit");
        db
    }

    #[test]
    fn a_fresh_folder_is_recorded_at_the_current_schema_and_the_list_is_in_order() {
        let db = database();
        assert!(!migrate(&db).expect("migrates"));
        assert_eq!(version(&db), Some(SCHEMA_VERSION));
        assert!(STEPS.windows(2).all(|w| w[0].from + 1 == w[1].from), "steps follow each other");
        assert!(STEPS.last().is_none_or(|s| s.from + 1 == SCHEMA_VERSION), "the last step reaches SCHEMA_VERSION");
    }

    #[test]
    fn a_step_runs_once_and_moves_the_folder_on() {
        let db = schema_1_folder();
        assert!(migrate_to(&db, STEPS_1_TO_2, 2).expect("migrates"), "rows were rewritten");
        assert_eq!(version(&db), Some(2));
        let label: Option<String> = db.begin_read().expect("read").get_json(Tbl::Labels, "lbl_1").expect("reads");
        assert_eq!(label.as_deref(), Some("VIP"));
        assert!(!migrate_to(&db, STEPS_1_TO_2, 2).expect("nothing to do"), "a second start runs no step");
        assert!(matches!(migrate_to(&db, STEPS_1_TO_2, 1), Err(StoreError::TooNew { found: 2, supported: 1 })));
    }

    #[test]
    fn a_failed_step_leaves_the_folder_as_it_was() {
        let db = schema_1_folder();
        let err = migrate_to(&db, STEPS_1_TO_3, 3).expect_err("step 2 fails");
        assert!(err.to_string().contains("row 7"), "{err}");
        assert_eq!(version(&db), Some(1));
        let label: Option<String> = db.begin_read().expect("read").get_json(Tbl::Labels, "lbl_1").expect("reads");
        assert_eq!(label.as_deref(), Some("vip"), "step 1's change was rolled back with the rest");
    }
}
