//! One configuration from three sources: command-line flags win over `SWITCHBOARD_*`
//! environment variables (clap reads both into the same fields), which win over keys of an
//! optional TOML file, which win over the defaults.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

/// Default data folder.
pub const DEFAULT_DATA: &str = "./switchboard-data";
/// Default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Switchboard: a self-hosted contact center and helpdesk in one executable.
#[derive(Parser, Debug)]
#[command(name = "switchboard", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (creates the data folder and a first admin if needed).
    Serve(ServeArgs),
    /// Manage users from the command line (the server must not be running on the same data folder).
    User {
        /// The user command.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Rebuild the search index from the database (the server must not be running on the same
    /// data folder). Needed only if the index folder was lost or damaged: the server keeps the
    /// index up to date by itself and catches up on start.
    Reindex(ReindexArgs),
    /// Shrink the database file (the server must be stopped): rewrite the fragmented tables in
    /// key order and give the freed space back. Prints the file size before and after.
    Compact(CompactArgs),
    /// Take an online backup from a running server (`GET /api/v1/backup` with an admin's API
    /// token) and write it to a file, with a progress bar.
    Backup(BackupArgs),
    /// Rebuild a data folder from a backup, search index included. The folder must not exist
    /// or be empty; a damaged or foreign archive is refused and the folder left untouched.
    Restore(RestoreArgs),
    /// Import history (the server must not be running on the same data folder; while it runs,
    /// use `POST /api/v1/imports`): `jsonl` reads a folder with `conversations.jsonl` (see
    /// docs/import.md), `mbox` a mail archive file, `maildir` a Maildir folder. Importing again
    /// (or after an interruption) makes nothing twice; what is left out is listed with the
    /// reason.
    Import(ImportArgs),
    /// Print the OpenAPI spec of the REST API as JSON.
    ExportOpenapi {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// User commands.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. The password is asked for at a prompt, or read from standard input.
    Add(UserAddArgs),
}

/// Log output formats.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Where the data lives and where more configuration comes from (shared by every command).
#[derive(Args, Debug, Default, Clone)]
pub struct DataArgs {
    /// Data folder [default: ./switchboard-data].
    #[arg(long, env = "SWITCHBOARD_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// TOML configuration file; its keys are the long flag names with `_` for `-`.
    #[arg(long, env = "SWITCHBOARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Flags of `serve`.
#[derive(Args, Debug, Default, Clone)]
pub struct ServeArgs {
    /// Data folder and config file.
    #[command(flatten)]
    pub common: DataArgs,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SWITCHBOARD_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// Create the demo accounts (and demo data) so a newcomer sees a working desk.
    #[arg(long, env = "SWITCHBOARD_DEMO", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub demo: bool,
    /// With `--demo`: seconds between two messages of the demo's customers on average, 0 for
    /// none [default: 8].
    #[arg(long, env = "SWITCHBOARD_DEMO_CUSTOMERS_EVERY_SECS", value_name = "SECS")]
    pub demo_customers_every_secs: Option<u64>,
    /// Log format [default: text].
    #[arg(long, env = "SWITCHBOARD_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `switchboard=debug` [default: info].
    #[arg(long, env = "SWITCHBOARD_LOG_LEVEL", value_name = "FILTER")]
    pub log_level: Option<String>,
    /// Hours a session token lives after sign-in [default: 12].
    #[arg(long, env = "SWITCHBOARD_SESSION_TTL_HOURS", value_name = "HOURS")]
    pub session_ttl_hours: Option<u32>,
    /// Largest accepted request body in bytes [default: 1048576].
    #[arg(long, env = "SWITCHBOARD_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Reverse proxies (addresses or CIDR ranges, comma-separated) whose `X-Forwarded-For`
    /// names the client, for the sign-in throttle and `/metrics` [default: none].
    #[arg(long, env = "SWITCHBOARD_TRUSTED_PROXIES", value_name = "ADDRS", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Token that `/metrics` asks for (`Authorization: Bearer …`); without one, `/metrics`
    /// answers only to callers on this machine [default: none].
    #[arg(long, env = "SWITCHBOARD_METRICS_TOKEN", value_name = "TOKEN")]
    pub metrics_token: Option<String>,
    /// Seconds a client may take to send a request's headers, and may stay idle between
    /// requests on a kept-alive connection [default: 10].
    #[arg(long, env = "SWITCHBOARD_HEADER_TIMEOUT_SECS", value_name = "SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Seconds a connection may go without any byte moving before it is closed [default: 60].
    #[arg(long, env = "SWITCHBOARD_IDLE_TIMEOUT_SECS", value_name = "SECS")]
    pub idle_timeout_secs: Option<u64>,
    /// Most connections served at once [default: 4096, lowered to fit the descriptor limit].
    #[arg(long, env = "SWITCHBOARD_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Most connections from one client address; loopback and trusted proxies are exempt
    /// [default: 256].
    #[arg(long, env = "SWITCHBOARD_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    pub max_connections_per_address: Option<usize>,
    /// Megabytes of the database's page cache (memory for pages read and written; more keeps
    /// more of a large desk in memory) [default: 32].
    #[arg(long, env = "SWITCHBOARD_CACHE_MB", value_name = "MB")]
    pub cache_mb: Option<usize>,
    /// Megabytes the search index may buffer before writing a segment [default: 64, at least
    /// 32].
    #[arg(long, env = "SWITCHBOARD_SEARCH_HEAP_MB", value_name = "MB")]
    pub search_heap_mb: Option<usize>,
    /// Print the effective configuration as TOML and exit.
    #[arg(long)]
    pub print_config: bool,
}

/// Flags of `user add`.
#[derive(Args, Debug)]
pub struct UserAddArgs {
    /// Data folder and config file.
    #[command(flatten)]
    pub common: DataArgs,
    /// The user's email.
    #[arg(long)]
    pub email: String,
    /// The user's display name.
    #[arg(long)]
    pub name: String,
    /// The user's role.
    #[arg(long, value_parser = ["admin", "supervisor", "agent"])]
    pub role: String,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Flags of `reindex`.
#[derive(Args, Debug)]
pub struct ReindexArgs {
    /// Data folder and config file.
    #[command(flatten)]
    pub common: DataArgs,
}

/// Flags of `backup`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The server's base URL.
    #[arg(long, env = "SWITCHBOARD_URL", default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// An admin's API token (`POST /api/v1/tokens`).
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The file to write (it must not exist).
    #[arg(long, short)]
    pub output: PathBuf,
}

/// Flags of `restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup archive.
    pub file: PathBuf,
    /// The data folder to create (it must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
}

/// The formats `import` reads.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// A folder with `conversations.jsonl`.
    Jsonl,
    /// An mbox file.
    Mbox,
    /// A Maildir folder.
    Maildir,
}

/// Flags of `import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// What the source is.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file or folder to import.
    pub source: PathBuf,
    /// Data folder and config file.
    #[command(flatten)]
    pub common: DataArgs,
    /// The inbox (name or id) for conversations that name none: every mail thread goes there.
    #[arg(long)]
    pub inbox: Option<String>,
    /// Mail from this address is the desk's reply rather than the customer's (repeatable);
    /// mail from a user's address always is.
    #[arg(long = "desk-address", value_name = "EMAIL")]
    pub desk_addresses: Vec<String>,
}

/// Flags of `compact`.
#[derive(Args, Debug)]
pub struct CompactArgs {
    /// Data folder and config file.
    #[command(flatten)]
    pub common: DataArgs,
}

/// The keys a configuration file may hold; unknown keys are refused so typos are caught.
#[derive(Deserialize, Serialize, Debug, Default, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Data folder.
    pub data: Option<PathBuf>,
    /// Listen address.
    pub bind: Option<String>,
    /// Demo accounts and data.
    pub demo: Option<bool>,
    /// Seconds between the demo customers' messages (0: none).
    pub demo_customers_every_secs: Option<u64>,
    /// Log format.
    pub log_format: Option<LogFormat>,
    /// Log filter.
    pub log_level: Option<String>,
    /// Session lifetime in hours.
    pub session_ttl_hours: Option<u32>,
    /// Largest request body.
    pub max_body_bytes: Option<usize>,
    /// Trusted reverse proxies.
    pub trusted_proxies: Option<Vec<String>>,
    /// Token for `/metrics`.
    pub metrics_token: Option<String>,
    /// Header-read deadline in seconds.
    pub header_timeout_secs: Option<u64>,
    /// Idle timeout in seconds.
    pub idle_timeout_secs: Option<u64>,
    /// Connection cap.
    pub max_connections: Option<usize>,
    /// Connection cap per client address.
    pub max_connections_per_address: Option<usize>,
    /// Database page cache, MB.
    pub cache_mb: Option<usize>,
    /// Search indexing buffer, MB.
    pub search_heap_mb: Option<usize>,
}

/// The effective configuration of `serve`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Config {
    /// Data folder.
    pub data: PathBuf,
    /// Listen address.
    pub bind: String,
    /// Demo accounts and data.
    pub demo: bool,
    /// Seconds between the demo customers' messages (0: none).
    pub demo_customers_every_secs: u64,
    /// Log format.
    pub log_format: LogFormat,
    /// Log filter.
    pub log_level: String,
    /// Session lifetime in hours.
    pub session_ttl_hours: u32,
    /// Largest request body.
    pub max_body_bytes: usize,
    /// Trusted reverse proxies.
    pub trusted_proxies: Vec<String>,
    /// Token for `/metrics` (never printed).
    #[serde(skip_serializing)]
    pub metrics_token: Option<String>,
    /// Header-read deadline in seconds.
    pub header_timeout_secs: u64,
    /// Idle timeout in seconds.
    pub idle_timeout_secs: u64,
    /// Connection cap.
    pub max_connections: usize,
    /// Connection cap per client address.
    pub max_connections_per_address: usize,
    /// Database page cache, MB.
    pub cache_mb: usize,
    /// Search indexing buffer, MB.
    pub search_heap_mb: usize,
}

/// Reads a configuration file, with errors that name the file and the problem.
pub fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("config file {} is not valid: {e}", path.display()))
}

impl DataArgs {
    /// The config file's contents, if one was given.
    pub fn file(&self) -> Result<FileConfig, String> {
        self.config.as_deref().map(read_file).transpose().map(Option::unwrap_or_default)
    }

    /// The data folder: flag or env, then file, then default.
    pub fn data_dir(&self, file: &FileConfig) -> PathBuf {
        self.data.clone().or_else(|| file.data.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA))
    }
}

impl Config {
    /// Merges flags/env with the config file and the defaults, and checks the values.
    pub fn resolve(args: &ServeArgs) -> Result<Config, String> {
        let file = args.common.file()?;
        let config = Config {
            data: args.common.data_dir(&file),
            bind: args.bind.clone().or(file.bind).unwrap_or_else(|| DEFAULT_BIND.to_string()),
            demo: args.demo || file.demo.unwrap_or(false),
            demo_customers_every_secs: args.demo_customers_every_secs.or(file.demo_customers_every_secs).unwrap_or(8),
            log_format: args.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            log_level: args.log_level.clone().or(file.log_level).unwrap_or_else(|| "info".to_string()),
            session_ttl_hours: args.session_ttl_hours.or(file.session_ttl_hours).unwrap_or(12),
            max_body_bytes: args.max_body_bytes.or(file.max_body_bytes).unwrap_or(crate::http::DEFAULT_MAX_BODY_BYTES),
            trusted_proxies: if args.trusted_proxies.is_empty() {
                file.trusted_proxies.unwrap_or_default()
            } else {
                args.trusted_proxies.clone()
            },
            metrics_token: args.metrics_token.clone().or(file.metrics_token).filter(|t| !t.trim().is_empty()),
            header_timeout_secs: args.header_timeout_secs.or(file.header_timeout_secs).unwrap_or(10),
            idle_timeout_secs: args.idle_timeout_secs.or(file.idle_timeout_secs).unwrap_or(60),
            max_connections: args.max_connections.or(file.max_connections).unwrap_or(4096),
            max_connections_per_address: args
                .max_connections_per_address
                .or(file.max_connections_per_address)
                .unwrap_or(256),
            cache_mb: args.cache_mb.or(file.cache_mb).unwrap_or(crate::store::DEFAULT_CACHE_BYTES >> 20),
            search_heap_mb: args
                .search_heap_mb
                .or(file.search_heap_mb)
                .unwrap_or(crate::search::DEFAULT_WRITER_HEAP >> 20),
        };
        if !(4..=65_536).contains(&config.cache_mb) || !(32..=4000).contains(&config.search_heap_mb) {
            return Err("cache_mb must be 4 to 65536 and search_heap_mb 32 to 4000".into());
        }
        crate::http::TrustedProxies::parse(&config.trusted_proxies).map_err(|e| format!("trusted_proxies: {e}"))?;
        if !(1..=3600).contains(&config.header_timeout_secs) || !(1..=86_400).contains(&config.idle_timeout_secs) {
            return Err("header_timeout_secs must be 1 to 3600 and idle_timeout_secs 1 to 86400".into());
        }
        if config.idle_timeout_secs <= 15 {
            return Err("idle_timeout_secs must exceed 15 (event streams write every 15 s)".into());
        }
        if config.max_connections < 16 || config.max_connections_per_address < 1 {
            return Err("max_connections must be at least 16 and max_connections_per_address at least 1".into());
        }
        if config.session_ttl_hours == 0 || config.session_ttl_hours > 24 * 365 {
            return Err("session_ttl_hours must be between 1 and 8760".into());
        }
        if config.max_body_bytes < 1024 {
            return Err("max_body_bytes must be at least 1024".into());
        }
        Ok(config)
    }

    /// The configuration as TOML (for `--print-config`).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> ServeArgs {
        match Cli::try_parse_from(args).expect("parses").command {
            Command::Serve(a) => a,
            other => panic!("expected serve, got {other:?}"),
        }
    }

    #[test]
    fn defaults_apply_without_flags_or_file() {
        let c = Config::resolve(&parse(&["switchboard", "serve"])).expect("resolves");
        assert_eq!(c.data, PathBuf::from(DEFAULT_DATA));
        assert_eq!(c.bind, DEFAULT_BIND);
        assert!(!c.demo);
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sb.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\ndata = \"/srv/sb\"\nlog_format = \"json\"\n").expect("write");
        let p = path.to_str().expect("utf-8 path");
        let c = Config::resolve(&parse(&["switchboard", "serve", "--config", p, "--bind", "127.0.0.1:1"]))
            .expect("resolves");
        assert_eq!(c.bind, "127.0.0.1:1");
        assert_eq!(c.data, PathBuf::from("/srv/sb"));
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn bad_files_are_reported_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "bnid = \"x\"\n").expect("write");
        let p = path.to_str().expect("utf-8 path");
        let err = Config::resolve(&parse(&["switchboard", "serve", "--config", p])).unwrap_err();
        assert!(err.contains("bad.toml") && err.contains("bnid"), "{err}");
        let err = Config::resolve(&parse(&["switchboard", "serve", "--config", "/nonexistent.toml"])).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }
}
