//! The spine's guarantees: refused commands write nothing, events get consecutive numbers,
//! decisions see earlier commands of the same batch, and the schema version is enforced.

use super::*;
use crate::domain::{Actor, EventKind, Role, Timestamp};

fn event(n: u32) -> EventKind {
    EventKind::UserUpdated { user_id: format!("usr_{n}"), fields: vec!["name".into()] }
}

#[derive(Debug, PartialEq)]
enum E {
    Refused(&'static str),
    Store,
}

impl From<StoreError> for E {
    fn from(_: StoreError) -> Self {
        E::Store
    }
}

#[tokio::test]
async fn a_refused_command_writes_nothing_and_uses_no_sequence_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let refused = store
        .write(|_| {
            let mut c = Changes::new(Timestamp(1), Actor::System);
            c.put_str(Tbl::Meta, "half", "written");
            c.event(event(1));
            // Decided "no" after preparing changes: none of them may land.
            if c.is_empty() { Ok((c, ())) } else { Err(E::Refused("no")) }
        })
        .await;
    assert_eq!(refused, Err(E::Refused("no")));
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.get_str(Tbl::Meta, "half").expect("reads"), None);
    assert_eq!(snap.last_seq().expect("seq"), 0);

    let (_, seq) = store
        .write(|_| {
            let mut c = Changes::new(Timestamp(2), Actor::System);
            c.event(event(2));
            Ok::<_, E>((c, ()))
        })
        .await
        .expect("accepted");
    assert_eq!(seq, 1, "the refused command consumed no number");
    assert_eq!(*store.watch_seq().borrow(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commands_get_consecutive_numbers_and_all_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let tasks: Vec<_> = (0..200u32)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(move |_| {
                        let mut c = Changes::new(Timestamp(i64::from(n)), Actor::System);
                        c.put_str(Tbl::Meta, &format!("k{n:03}"), "v");
                        c.event(event(n));
                        c.event(event(n));
                        Ok::<_, E>((c, n))
                    })
                    .await
            })
        })
        .collect();
    let mut last_seqs = Vec::new();
    for t in tasks {
        let (_, seq) = t.await.expect("task").expect("accepted");
        last_seqs.push(seq);
    }
    last_seqs.sort_unstable();
    last_seqs.dedup();
    assert_eq!(last_seqs.len(), 200, "each command has its own last seq");
    let snap = store.snapshot().expect("snapshot");
    let events = snap.events_after(0, 1_000).expect("events");
    assert_eq!(events.len(), 400);
    assert!(events.iter().enumerate().all(|(i, e)| e.seq == i as u64 + 1), "strictly increasing, no gaps");
    assert_eq!(snap.scan_raw(Tbl::Meta, "k", None, 1_000).expect("scan").len(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_see_earlier_commands_so_exactly_one_claim_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let tasks: Vec<_> = (0..50u32)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(move |s| {
                        if s.get_str(Tbl::UserEmails, "same@example.com")?.is_some() {
                            return Err(E::Refused("taken"));
                        }
                        let mut c = Changes::new(Timestamp(0), Actor::System);
                        c.put_str(Tbl::UserEmails, "same@example.com", &format!("usr_{n}"));
                        c.event(EventKind::UserCreated {
                            user_id: format!("usr_{n}"),
                            email: "same@example.com".into(),
                            role: Role::Agent,
                        });
                        Ok((c, n))
                    })
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e, E::Refused("taken")),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.snapshot().expect("snapshot").last_seq().expect("seq"), 1);
}

#[tokio::test]
async fn a_second_open_is_refused_and_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    assert!(matches!(Store::open(dir.path()), Err(StoreError::InUse(_))));
    store
        .write(|_| {
            let mut c = Changes::new(Timestamp(0), Actor::System);
            c.put_json(Tbl::Meta, tables::META_SCHEMA_VERSION, &(SCHEMA_VERSION + 1))?;
            Ok::<_, E>((c, ()))
        })
        .await
        .expect("written");
    drop(store);
    match Store::open(dir.path()) {
        Err(StoreError::TooNew { found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("expected TooNew, but it opened"),
    }
}

#[tokio::test]
async fn a_fresh_folder_records_the_schema_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let v: Option<u64> =
        store.snapshot().expect("snapshot").get_json(Tbl::Meta, tables::META_SCHEMA_VERSION).expect("reads");
    assert_eq!(v, Some(SCHEMA_VERSION));
    assert!(!store.is_demo().expect("reads"));
}

#[tokio::test]
async fn status_changes_are_logged_with_their_event() {
    use crate::domain::{AgentStatus, User};
    let dir = tempfile::tempdir().expect("tempdir");
    let changed = |at: i64, from: AgentStatus, to: AgentStatus| {
        move |_: &Staged<'_>| {
            let mut ch = Changes::new(Timestamp(at), Actor::System);
            ch.event(EventKind::AgentStatusChanged { user_id: "usr_1".into(), from, to });
            Ok::<_, StoreError>((ch, ()))
        }
    };
    let store = Store::open(dir.path()).expect("opens");
    let user: User = serde_json::from_str(
        r#"{"id":"usr_1","email":"a@b.c","name":"A","role":"agent","active":true,
        "capacity":5,"status":"away","password_hash":"","created_at":0,"updated_at":0}"#,
    )
    .expect("user");
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(0), Actor::System);
            ch.put_json(Tbl::Users, &user.id, &user)?;
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
    store.write(changed(10_000, AgentStatus::Offline, AgentStatus::Available)).await.expect("writes");
    store.write(changed(70_000, AgentStatus::Available, AgentStatus::Away)).await.expect("writes");
    let snap = store.snapshot().expect("snapshot");
    let all = snap.status_changes("usr_1", Timestamp(0), Timestamp(100_000)).expect("reads");
    assert_eq!(all, [(Timestamp(10_000), AgentStatus::Available), (Timestamp(70_000), AgentStatus::Away)]);
    let in_range = snap.status_changes("usr_1", Timestamp(10_000), Timestamp(70_000)).expect("reads");
    assert_eq!(in_range, [(Timestamp(10_000), AgentStatus::Available)], "from inclusive, to exclusive");
    assert_eq!(snap.status_before("usr_1", Timestamp(10_000)).expect("reads"), None);
    assert_eq!(snap.status_before("usr_1", Timestamp(10_001)).expect("reads"), Some(AgentStatus::Available));
    assert_eq!(snap.status_before("usr_1", Timestamp(900_000)).expect("reads"), Some(AgentStatus::Away));
    assert_eq!(snap.status_before("usr_10", Timestamp(900_000)).expect("reads"), None, "another user's prefix");
}
