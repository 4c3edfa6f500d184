//! Online backup and restore (F40): a backup taken while messages keep arriving holds
//! everything acknowledged before it began, restores into a working desk, and a restore never
//! touches a folder it refuses.

use serde_json::json;

use crate::common::Harness;
use crate::common::desk::{Desk, cid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_everything_acknowledged_before_it() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let conv = cid(&d.handoff(&h, &d.web, "Lena Load", "first words").await);
    let path = format!("/api/v1/conversations/{conv}/messages");
    let before: Vec<String> = {
        let mut ids = Vec::new();
        for i in 0..30 {
            let a = h.post(&path, &d.admin, json!({"kind": "note", "text": format!("before {i}")})).await;
            assert_eq!(a.status, 201, "{}", a.text);
            ids.push(a.body["id"].as_str().expect("id").to_string());
        }
        ids
    };
    // Messages keep arriving while the backup is taken.
    let writing = async {
        for i in 0..60 {
            let a = h.post(&path, &d.admin, json!({"kind": "note", "text": format!("during {i}")})).await;
            assert_eq!(a.status, 201, "{}", a.text);
        }
    };
    let (_, file) = tokio::join!(writing, h.download("/api/v1/backup", &d.admin));
    assert_eq!(file.status, 200);
    assert_eq!(file.content_type, "application/octet-stream");
    assert!(file.disposition.starts_with("attachment; filename=\"switchboard-backup-"), "{}", file.disposition);
    assert_eq!(h.download("/api/v1/backup", &d.ana).await.status, 403, "admins only");

    let work = tempfile::tempdir().expect("tempdir");
    let archive = work.path().join("b.tar");
    std::fs::write(&archive, &file.bytes).expect("write");
    let target = tempfile::tempdir().expect("tempdir");
    let manifest = switchboard::store::restore_archive(&archive, target.path()).expect("restores");
    assert!(manifest.rows > 0);
    let restored = Harness::open(target, false).await;
    let admin = restored.login("admin@example.com", "demo").await;
    let page = restored.get(&format!("{path}?limit=500"), &admin).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let ids: Vec<&str> =
        page.body["items"].as_array().expect("items").iter().filter_map(|m| m["id"].as_str()).collect();
    for id in &before {
        assert!(ids.contains(&id.as_str()), "{id} was acknowledged before the backup began");
    }
    // What the backup holds is whole: every message it has is in order, none half-written.
    let texts: Vec<&str> =
        page.body["items"].as_array().expect("items").iter().filter_map(|m| m["text"].as_str()).collect();
    let during: Vec<&str> = texts.iter().copied().filter(|t| t.starts_with("during ")).collect();
    let expected: Vec<String> = (0..during.len()).map(|i| format!("during {i}")).collect();
    assert_eq!(during, expected, "a prefix of the messages sent meanwhile");
}

#[tokio::test]
async fn a_restore_refuses_a_folder_in_use_and_a_damaged_archive_leaving_the_folder_as_it_was() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let file = h.download("/api/v1/backup", &d.admin).await;
    assert_eq!(file.status, 200);
    let work = tempfile::tempdir().expect("tempdir");
    let good = work.path().join("good.tar");
    std::fs::write(&good, &file.bytes).expect("write");

    let busy = work.path().join("busy");
    std::fs::create_dir_all(&busy).expect("mkdir");
    std::fs::write(busy.join("keep.txt"), "mine").expect("write");
    let e = switchboard::store::restore_archive(&good, &busy).expect_err("refused");
    assert!(e.to_string().contains("is not empty"), "{e}");
    assert_eq!(std::fs::read_to_string(busy.join("keep.txt")).expect("kept"), "mine");

    let cut = work.path().join("cut.tar");
    std::fs::write(&cut, &file.bytes[..file.bytes.len() / 2]).expect("write");
    let fresh = work.path().join("fresh");
    let e = switchboard::store::restore_archive(&cut, &fresh).expect_err("refused");
    assert!(e.to_string().contains("not a complete Switchboard backup"), "{e}");
    assert!(!fresh.exists(), "nothing written");

    let foreign = work.path().join("foreign.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&foreign).expect("create"));
        let mut header = tar::Header::new_gnu();
        header.set_size(5);
        header.set_cksum();
        b.append_data(&mut header, "notes.txt", &b"hello"[..]).expect("append");
        b.finish().expect("finish");
    }
    let e = switchboard::store::restore_archive(&foreign, &fresh).expect_err("refused");
    assert!(e.to_string().contains("not manifest.json"), "{e}");
    assert!(!fresh.exists());
    // No work folder is left beside the target either.
    let left: Vec<_> =
        std::fs::read_dir(work.path()).expect("list").filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert!(left.iter().all(|n| !n.to_string_lossy().starts_with(".switchboard-restore-")), "{left:?}");
}
