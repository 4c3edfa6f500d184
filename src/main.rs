//! The `switchboard` executable: `serve`, `user add`, `reindex`, `compact`, `backup`, `restore`,
//! `import` and `export-openapi`.
//!
//! Console messages meant for the operator at start-up (the first admin's one-time password,
//! the demo accounts) are written to standard error once; everything else is logged.

use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use switchboard::clock::SystemClock;
use switchboard::config::{
    BackupArgs, Cli, Command, CompactArgs, Config, ImportArgs, ImportFormat, ReindexArgs, RestoreArgs, UserAddArgs,
    UserCommand,
};
use switchboard::desk::{DEMO_ACCOUNTS, DEMO_PASSWORD, Desk, DeskConfig, DeskError, NewUser};
use switchboard::domain::{Actor, Role};
use switchboard::store::{Store, StoreError};
use switchboard::{AppState, api, telemetry};

fn main() -> ExitCode {
    switchboard::jobs::memory::return_large_blocks();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => Config::resolve(&args).and_then(|config| {
            if args.print_config {
                print!("{}", config.to_toml());
                Ok(())
            } else {
                serve(config)
            }
        }),
        Command::User { command: UserCommand::Add(args) } => user_add(args),
        Command::Reindex(args) => reindex(args),
        Command::Compact(args) => compact(args),
        Command::Backup(args) => backup(args),
        Command::Restore(args) => restore(args),
        Command::Import(args) => import(args),
        Command::ExportOpenapi { output } => export_openapi(output),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("switchboard: {message}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

fn open_store(dir: &std::path::Path) -> Result<Store, String> {
    Store::open(dir).map_err(|e| opening(dir, e))
}

fn opening(dir: &std::path::Path, e: StoreError) -> String {
    match e {
        StoreError::InUse(_) => format!("{e}: stop it first, or use the REST API of the running server"),
        other => format!("cannot open the data folder {}: {other}", dir.display()),
    }
}

fn describe(e: DeskError) -> String {
    match e {
        DeskError::Invalid(fields) => {
            fields.iter().map(|f| format!("{} {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

fn serve(config: Config) -> Result<(), String> {
    telemetry::init(config.log_format, &config.log_level)?;
    let rt = runtime()?;
    rt.block_on(async move {
        let store = Store::open_with_cache(&config.data, config.cache_mb << 20).map_err(|e| opening(&config.data, e))?;
        tracing::info!(data = %config.data.display(), "data folder open");
        let desk_config = DeskConfig {
            session_ttl_secs: i64::from(config.session_ttl_hours) * 3600,
            search_heap_bytes: config.search_heap_mb << 20,
        };
        let desk = Desk::new(store, Arc::new(SystemClock), desk_config);
        match desk.fail_interrupted_imports().await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(imports = n, "imports were running when the server stopped; marked failed (send the files again to finish them)"),
            Err(e) => tracing::warn!(error = %e, "cannot check for interrupted imports"),
        }
        if config.demo {
            let created = desk.seed_demo_accounts().await.map_err(describe)?;
            if let Some(r) = desk.seed_demo_workspace().await.map_err(describe)? {
                tracing::info!(contacts = r.contacts, conversations = r.conversations, messages = r.messages, "demo workspace created");
            }
            eprintln!("\nDemo workspace ({created} accounts created now). Sign in at http://{}/ with password \"{DEMO_PASSWORD}\" as:", config.bind);
            for (email, name, role) in DEMO_ACCOUNTS {
                eprintln!("  {email:<24} {name} ({})", role.as_str());
            }
            eprintln!();
            if config.demo_customers_every_secs > 0 {
                let every = std::time::Duration::from_secs(config.demo_customers_every_secs);
                switchboard::jobs::customers::spawn(desk.clone(), every);
            }
        } else if let Some(admin) = desk.ensure_first_admin().await.map_err(describe)? {
            eprintln!("\nFirst run: created an admin account. Sign in at http://{}/ with", config.bind);
            eprintln!("  email:    {}", admin.email);
            eprintln!("  password: {}   (one-time: you will choose a new one at first sign-in)\n", admin.password);
        }
        let acceptor = switchboard::bind(&config.bind).await.map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
        let mut state = AppState::new(desk);
        state.max_body_bytes = config.max_body_bytes;
        state.trusted_proxies = switchboard::http::TrustedProxies::parse(&config.trusted_proxies)?;
        state.metrics_token = config.metrics_token.clone();
        state.limits = switchboard::http::Limits {
            header_read: std::time::Duration::from_secs(config.header_timeout_secs),
            idle: std::time::Duration::from_secs(config.idle_timeout_secs),
            max_connections: config.max_connections,
            max_per_address: config.max_connections_per_address,
        };
        switchboard::serve(state, acceptor, shutdown_signal()).await.map_err(|e| format!("server failed: {e}"))?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Registers the SIGINT/SIGTERM handlers at once (before the server starts, so a signal that
/// arrives during start-up is not lost to the default action) and resolves on the first one.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        #[cfg(unix)]
        {
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = term => {},
                () = int => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")
        .map_err(|e| format!("cannot prompt for a password ({e}); use --password-stdin"))?;
    let again =
        rpassword::prompt_password("Password again: ").map_err(|e| format!("cannot prompt for a password: {e}"))?;
    if first != again {
        return Err("the passwords differ".into());
    }
    Ok(first)
}

fn user_add(args: UserAddArgs) -> Result<(), String> {
    let file = args.common.file()?;
    let dir = args.common.data_dir(&file);
    let role = Role::parse(&args.role).ok_or("role must be admin, supervisor or agent")?;
    let password = read_password(args.password_stdin)?;
    runtime()?.block_on(async move {
        let desk = Desk::new(open_store(&dir)?, Arc::new(SystemClock), DeskConfig::default());
        let new =
            NewUser { email: args.email, name: args.name, role, password, capacity: None, must_change_password: false };
        let user = desk.insert_user(Actor::Cli, new, true).await.map_err(describe)?;
        println!("created {} {} ({}) with id {}", user.role.as_str(), user.email, user.name, user.id);
        Ok(())
    })
}

fn reindex(args: ReindexArgs) -> Result<(), String> {
    let file = args.common.file()?;
    let dir = args.common.data_dir(&file);
    reindex_folder(&dir)
}

/// A progress bar for a terminal (hidden when standard error is not one).
fn bar(template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn backup(args: BackupArgs) -> Result<(), String> {
    use std::io::Write;
    let url = format!("{}/api/v1/backup", args.url.trim_end_matches('/'));
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.output)
        .map_err(|e| format!("cannot create {}: {e}", args.output.display()))?;
    let started = std::time::Instant::now();
    let written = runtime()?.block_on(async {
        switchboard::webhooks::install_tls();
        let client = reqwest::Client::new();
        let mut resp =
            client.get(&url).bearer_auth(&args.token).send().await.map_err(|e| format!("cannot reach {url}: {e}"))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let body = resp.text().await.unwrap_or_default();
            let detail = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_string))
                .unwrap_or(body);
            return Err(format!("the server refused the backup ({status}): {detail}"));
        }
        let bar = bar("backing up [{bar:40}] {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left");
        bar.set_length(resp.content_length().unwrap_or(0));
        let mut n = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(|e| format!("the download broke off: {e}"))? {
            out.write_all(&chunk).map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
            n += chunk.len() as u64;
            bar.set_position(n);
        }
        bar.finish_and_clear();
        out.sync_all().map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
        Ok::<_, String>(n)
    });
    let written = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&args.output);
            return Err(e);
        }
    };
    println!(
        "wrote {} ({:.1} MB) in {:.1} s",
        args.output.display(),
        written as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn restore(args: RestoreArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let bar = bar("restoring {spinner} {msg}");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_message(format!("unpacking and checking {}", args.file.display()));
    let manifest = switchboard::store::restore_archive(&args.file, &args.data).map_err(|e| {
        let why = match e {
            StoreError::Unavailable(m) => m,
            other => other.to_string(),
        };
        format!("restore refused, and {} was left as it was: {why}", args.data.display())
    })?;
    bar.finish_and_clear();
    println!(
        "restored {} rows, {} files and events up to {} into {} ({:.1} s); rebuilding the search index",
        manifest.rows,
        manifest.files.len(),
        manifest.last_seq,
        args.data.display(),
        started.elapsed().as_secs_f64()
    );
    reindex_folder(&args.data)
}

fn reindex_folder(dir: &std::path::Path) -> Result<(), String> {
    let store = open_store(dir)?;
    let index = switchboard::search::SearchIndex::open(dir).map_err(|e| e.to_string())?;
    let bar = bar("reindexing [{bar:40}] {pos}/{len} conversations, {per_sec}, {eta} left");
    let started = std::time::Instant::now();
    let done = index
        .rebuild(&store, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .map_err(|e| format!("reindexing failed (the previous index is unchanged): {e}"))?;
    bar.finish_and_clear();
    let mb = index.disk_bytes() as f64 / 1_048_576.0;
    println!("reindexed {done} conversations in {:.1} s; the index takes {mb:.1} MB", started.elapsed().as_secs_f64());
    Ok(())
}

fn import(args: ImportArgs) -> Result<(), String> {
    use switchboard::import::{Format, Options, run, size_of};
    let file = args.common.file()?;
    let dir = args.common.data_dir(&file);
    let format = match args.format {
        ImportFormat::Jsonl => Format::Jsonl,
        ImportFormat::Mbox => Format::Mbox,
        ImportFormat::Maildir => Format::Maildir,
    };
    if !args.source.exists() {
        return Err(format!("{} does not exist", args.source.display()));
    }
    let rt = runtime()?;
    let _entered = rt.enter();
    let store = open_store(&dir)?;
    let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
    let opts = Options {
        inbox: args.inbox,
        desk_addresses: args.desk_addresses,
        uploaded_by: "import".into(),
        source_name: None,
    };
    let total = size_of(&args.source);
    let shown = bar("importing [{bar:40}] {bytes}/{total_bytes}, {eta} left, {msg}");
    shown.set_length(total);
    let job = switchboard::domain::import::ImportJob {
        format: format.as_str().into(),
        bytes_total: total,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let done = run(&desk, rt.handle(), format, &args.source, &opts, job, &mut |j| {
        shown.set_position(j.bytes_read);
        shown.set_message(format!("{} conversations, {} messages", j.conversations, j.messages));
    })?;
    shown.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "imported {} conversations, {} messages and {} files in {secs:.1} s ({:.0} messages/s); {} conversations were imported before",
        done.conversations,
        done.messages,
        done.files,
        done.messages as f64 / secs.max(0.001),
        done.already_imported
    );
    if done.skipped > 0 {
        println!("left out or changed ({}):", done.skipped);
        for s in &done.skips {
            println!("  {}: {}", s.at, s.reason);
        }
        if done.skipped > done.skips.len() as u64 {
            println!("  … and {} more", done.skipped - done.skips.len() as u64);
        }
    }
    let index = switchboard::search::SearchIndex::open(&dir).map_err(|e| e.to_string())?;
    let spinner = bar("indexing for search {spinner} {elapsed}");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let indexed =
        index.catch_up(&store).map_err(|e| format!("indexing failed (the server catches up on start): {e}"))?;
    spinner.finish_and_clear();
    println!("indexed {indexed} changes for search");
    Ok(())
}

fn compact(args: CompactArgs) -> Result<(), String> {
    let file = args.common.file()?;
    let dir = args.common.data_dir(&file);
    let mb = |b: u64| b as f64 / 1_000_000.0;
    let started = std::time::Instant::now();
    let report = switchboard::store::compact_folder(&dir).map_err(|e| match e {
        StoreError::InUse(_) => format!("{e}: stop the server first, then compact"),
        other => format!("cannot compact the data folder {}: {other}", dir.display()),
    })?;
    for t in &report.tables {
        println!("rewrote {} in key order: {} rows, {:.1} MB → {:.1} MB", t.table, t.rows, mb(t.before), mb(t.after));
    }
    println!(
        "database file: {:.1} MB on disk before, {:.1} MB after (file length {:.1} MB → {:.1} MB) ({:.1} s)",
        mb(report.disk_before),
        mb(report.disk_after),
        mb(report.file_before),
        mb(report.file_after),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn export_openapi(output: Option<std::path::PathBuf>) -> Result<(), String> {
    let spec = api::spec_json();
    match output {
        Some(path) => std::fs::write(&path, spec).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            print!("{spec}");
            Ok(())
        }
    }
}
