//! The executable: `--help` everywhere, `user add`, `compact`, configuration precedence, the
//! first-run admin, and refusing a data folder another process holds.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn run(args: &[&str], envs: &[(&str, &str)], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    for var in ["SWITCHBOARD_DATA", "SWITCHBOARD_BIND", "SWITCHBOARD_CONFIG", "SWITCHBOARD_DEMO"] {
        if !envs.iter().any(|(k, _)| *k == var) {
            cmd.env_remove(var);
        }
    }
    let mut child = cmd.spawn().expect("starts");
    if let Some(input) = stdin {
        // A command refused on its arguments exits without reading stdin: a broken pipe then
        // is expected, and the exit code tells the rest.
        let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    }
    let out = child.wait_with_output().expect("finishes");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["user", "add", "--help"],
        &["reindex", "--help"],
        &["compact", "--help"],
        &["export-openapi", "--help"],
    ] {
        let (code, out, _) = run(args, &[], None);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
    let (_, out, _) = run(&["serve", "--help"], &[], None);
    for flag in ["--data", "--bind", "--config", "--demo", "--log-format", "SWITCHBOARD_BIND"] {
        assert!(out.contains(flag), "serve --help lacks {flag}");
    }
}

#[test]
fn flags_win_over_environment_which_wins_over_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("switchboard.toml");
    std::fs::write(&file, "bind = \"127.0.0.1:7001\"\ndata = \"/from/file\"\n").expect("writes");
    let file = file.to_str().expect("utf-8");
    let bind_of = |out: &str| out.lines().find(|l| l.starts_with("bind")).unwrap_or("").to_string();

    let (code, out, err) = run(&["serve", "--config", file, "--print-config"], &[], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(bind_of(&out), "bind = \"127.0.0.1:7001\"");
    assert!(out.contains("data = \"/from/file\""), "{out}");
    let (_, out, _) =
        run(&["serve", "--config", file, "--print-config"], &[("SWITCHBOARD_BIND", "127.0.0.1:7002")], None);
    assert_eq!(bind_of(&out), "bind = \"127.0.0.1:7002\"");
    let env = [("SWITCHBOARD_BIND", "127.0.0.1:7002"), ("SWITCHBOARD_CONFIG", file)];
    let (_, out, _) = run(&["serve", "--bind", "127.0.0.1:7003", "--print-config"], &env, None);
    assert_eq!(bind_of(&out), "bind = \"127.0.0.1:7003\"");
    assert!(out.contains("data = \"/from/file\""), "the config file also comes from the environment: {out}");
    for (value, expected) in [("1", "demo = true"), ("true", "demo = true"), ("off", "demo = false")] {
        let (code, out, err) = run(&["serve", "--print-config"], &[("SWITCHBOARD_DEMO", value)], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.lines().any(|l| l == expected), "SWITCHBOARD_DEMO={value}: {out}");
    }
}

#[tokio::test]
async fn user_add_creates_a_user_who_can_sign_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_string();
    let args = [
        "user",
        "add",
        "--data",
        &data,
        "--email",
        "Ops@Example.com",
        "--name",
        "Ops Person",
        "--role",
        "supervisor",
        "--password-stdin",
    ];
    let (code, out, err) = run(&args, &[], Some("a strong password\n"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("created supervisor ops@example.com"), "{out}");

    let (code, _, err) = run(&args, &[], Some("a strong password\n"));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let short = [
        "user",
        "add",
        "--data",
        &data,
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "agent",
        "--password-stdin",
    ];
    let (code, _, err) = run(&short, &[], Some("short\n"));
    assert_eq!(code, 2);
    assert!(err.contains("password must be at least 8 characters"), "{err}");
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--data",
            &data,
            "--email",
            "y@example.com",
            "--name",
            "Y",
            "--role",
            "root",
            "--password-stdin",
        ],
        &[],
        Some("long enough\n"),
    );
    assert_eq!(code, 2, "{err}");

    let (code, out, err) = run(&["compact", "--data", &data], &[], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("database file:") && out.contains("MB on disk before") && out.contains("MB after (file length"),
        "{out}"
    );

    let h = crate::common::Harness::open(dir, false).await;
    let a = h.try_login("ops@example.com", "a strong password").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["user"]["role"], "supervisor");
    assert_eq!(h.try_login("x@example.com", "short").await.status, 401, "the refused user was not created");
}

#[tokio::test]
async fn first_run_prints_a_one_time_admin_password_and_locks_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_string();
    let mut child = Command::new(BIN)
        .args(["serve", "--data", &data, "--bind", "127.0.0.1:0"])
        .env_remove("SWITCHBOARD_DEMO")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut email = None;
    let mut password = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(v) = line.trim().strip_prefix("email:") {
            email = Some(v.trim().to_string());
        }
        if let Some(v) = line.trim().strip_prefix("password:") {
            password = v.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    // Wait until it listens, then check that the folder is refused to a second process.
    for line in lines.by_ref() {
        if line.expect("line").contains("server started") {
            break;
        }
    }
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--data",
            &data,
            "--email",
            "z@example.com",
            "--name",
            "Z",
            "--role",
            "agent",
            "--password-stdin",
        ],
        &[],
        Some("long enough\n"),
    );
    assert_eq!(code, 2);
    assert!(err.contains("in use"), "{err}");
    let (code, _, err) = run(&["compact", "--data", &data], &[], None);
    assert_eq!(code, 2);
    assert!(err.contains("in use") && err.contains("stop the server first"), "{err}");
    let _ = child.kill();
    let _ = child.wait();

    let (email, password) = (email.expect("email printed"), password.expect("password printed"));
    assert_eq!(email, "admin@localhost");
    assert_eq!(password.len(), 16);
    let h = crate::common::Harness::open(dir, false).await;
    let a = h.try_login(&email, &password).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["user"]["must_change_password"], true);
    assert_eq!(a.body["user"]["role"], "admin");
}

#[test]
fn export_openapi_prints_the_committed_spec() {
    let (code, out, _) = run(&["export-openapi"], &[], None);
    assert_eq!(code, 0);
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).expect("committed");
    assert_eq!(out, committed);
}

#[test]
fn sigterm_stops_the_server_gracefully_with_json_logs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_string();
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--data", &data, "--bind", "127.0.0.1:0", "--log-format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut json_lines = 0;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&line).expect("each log line is JSON");
            assert!(v["timestamp"].is_string() && v["level"].is_string(), "{line}");
            json_lines += 1;
        }
        if line.contains("server started") {
            break;
        }
    }
    assert!(json_lines >= 2);
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("exits");
    assert!(status.success(), "exit status {status:?}; log: {rest:?}");
    assert!(rest.iter().any(|l| l.contains("\"stopped\"")), "{rest:?}");
}
