//! Ordered compaction of a closed data folder (`switchboard compact`) on a generated
//! workspace: every row is still there and reads the same (row counts, list pages in every
//! sort, the partitions the search index re-reads, a search rebuild), and the file ends up
//! smaller than redb's own compaction makes it.

use std::path::Path;
use std::sync::Arc;

use redb::Database;
use switchboard::clock::ManualClock;
use switchboard::demo::phrases::Lang;
use switchboard::demo::{Plan, PlanAgent, PlanInbox, generate};
use switchboard::desk::{Desk, DeskConfig};
use switchboard::domain::Timestamp;
use switchboard::domain::conversation::Sort;
use switchboard::domain::id::IdState;
use switchboard::store::{ConversationReads, DB_FILE, Partition, Reader, RecordReads, Store, compact_folder};

const NOW: Timestamp = Timestamp(1_767_603_600_000);

/// Everything the test compares before and after.
#[derive(Debug, PartialEq)]
struct Seen {
    counts: Vec<(String, u64)>,
    pages: Vec<(Partition, Sort, Vec<String>)>,
    partitions: Vec<(Partition, Vec<String>)>,
    messages: usize,
    reindexed: usize,
}

fn ids() -> impl FnMut(&str, Timestamp) -> String {
    let (mut state, mut n) = (IdState::default(), 0u64);
    move |p: &str, at: Timestamp| {
        n += 1;
        let mut fresh = [0u8; 10];
        fresh[..8].copy_from_slice(&n.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes());
        state.next(p, at, fresh)
    }
}

async fn load(dir: &Path) -> (Vec<Partition>, Vec<String>) {
    let store = Store::open(dir).expect("opens");
    let desk = Desk::new(store, Arc::new(ManualClock::new(NOW)), DeskConfig::default());
    let mut next = ids();
    let inboxes: Vec<PlanInbox> =
        (0..3).map(|i| PlanInbox { id: next("inb", NOW), lang: [Lang::En, Lang::It, Lang::Es][i] }).collect();
    let agents: Vec<PlanAgent> =
        (0..4).map(|i| PlanAgent { id: next("usr", NOW), name: format!("Agent {i}") }).collect();
    let labels: Vec<String> = (0..3).map(|_| next("lbl", NOW)).collect();
    let plan = Plan {
        contacts: 600,
        conversations: 4_000,
        extra_exchanges: 1,
        days: 90,
        now: NOW,
        inboxes: inboxes.clone(),
        agents: agents.clone(),
        labels: labels.clone(),
        wrap_ups: Vec::new(),
    };
    let generated = generate(&plan, 11, next);
    let contacts: Vec<String> = generated.contacts.iter().map(|c| c.id.clone()).collect();
    desk.import(generated).await.expect("imports");
    let mut partitions = vec![Partition::All];
    partitions
        .extend(inboxes.iter().flat_map(|i| [Partition::Inbox(i.id.clone()), Partition::InboxQueue(i.id.clone())]));
    partitions.extend(
        agents.iter().flat_map(|a| [Partition::AssignedTo(a.id.clone()), Partition::Participant(a.id.clone())]),
    );
    partitions.extend(labels.iter().cloned().map(Partition::Label));
    (partitions, contacts)
}

fn pages(snap: &impl Reader, partition: &Partition, sort: Sort) -> Vec<String> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let part = [partition.clone()];
        let (page, next) = snap.list_conversations(&part, sort, cursor.as_deref(), 97, |_| true).expect("lists");
        out.extend(page.into_iter().map(|c| c.id));
        match next {
            Some(n) => cursor = Some(n),
            None => return out,
        }
    }
}

fn seen(dir: &Path, partitions: &[Partition], contacts: &[String]) -> Seen {
    let store = Store::open(dir).expect("opens");
    let snap = store.snapshot().expect("snapshot");
    let counts = snap.table_counts().expect("counts");
    let mut pages_seen = Vec::new();
    for p in partitions {
        for sort in [Sort::Waiting, Sort::Updated, Sort::Created] {
            pages_seen.push((p.clone(), sort, pages(&snap, p, sort)));
        }
    }
    // What the search index re-reads when a contact changes.
    let reread = contacts.iter().cloned().map(Partition::Contact).map(|p| {
        let ids = snap.partition_ids(&p, Sort::Created, usize::MAX).expect("reads");
        (p, ids)
    });
    let all = snap.partition_ids(&Partition::All, Sort::Created, usize::MAX).expect("reads");
    let messages = all.iter().map(|id| snap.timeline(id, 0, usize::MAX).expect("timeline").len()).sum();
    let seen = Seen { counts, pages: pages_seen, partitions: reread.collect(), messages, reindexed: 0 };
    drop(snap);
    let index = switchboard::search::SearchIndex::open(dir).expect("index");
    let reindexed = index.rebuild(&store, &mut |_, _| {}).expect("rebuilds");
    Seen { reindexed, ..seen }
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).expect("size").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_keeps_every_row_and_shrinks_more_than_redb_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (partitions, contacts) = load(dir.path()).await;
    let before = seen(dir.path(), &partitions, &contacts);
    assert_eq!(before.pages[0].2.len(), 4_000);
    assert!(before.partitions.iter().any(|(_, ids)| ids.len() > 3), "contacts with several conversations");

    // The same file compacted by redb alone, for comparison.
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::copy(dir.path().join(DB_FILE), other.path().join(DB_FILE)).expect("copies");
    let mut db = Database::open(other.path().join(DB_FILE)).expect("opens");
    db.compact().expect("compacts");
    drop(db);
    let redb_only = size(&other.path().join(DB_FILE));

    let report = compact_folder(dir.path()).expect("compacts");
    eprintln!(
        "as written {} B, redb alone {redb_only} B, ordered {} B: {:?}",
        report.file_before, report.file_after, report.tables
    );
    let names: Vec<&str> = report.tables.iter().map(|t| t.table.as_str()).collect();
    assert!(names.contains(&"conversation_index") && names.contains(&"contact_index"), "{names:?}");
    assert!(report.tables.iter().all(|t| t.after < t.before), "{:?}", report.tables);
    assert_eq!(report.file_after, size(&dir.path().join(DB_FILE)));
    assert!(
        report.file_after * 100 < redb_only * 95,
        "ordered {} bytes, redb alone {redb_only}, as written {}",
        report.file_after,
        report.file_before
    );

    let after = seen(dir.path(), &partitions, &contacts);
    assert_eq!(after, before);
    assert_eq!(after.reindexed, 4_000);
}
