//! The use cases: everything a person can do, each one checking permission, asking the domain
//! and writing through the store in one transaction. The HTTP layer and the CLI call only this.

mod attachments;
mod auth;
mod backup;
mod catalog;
mod channels;
mod contacts;
mod conversations;
mod exports;
mod gauges;
mod handling;
mod handover;
mod history;
mod idempotency;
mod import;
mod import_jobs;
mod messages;
mod monitor;
mod password;
mod presence;
mod reports;
mod routing;
mod search;
mod setup;
mod streams;
mod targets;
mod teams;
mod throttle;
mod users;
mod webhooks;
pub mod widget;

use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::domain::{self, Credential, FieldError, Role, Timestamp, User};
use crate::store::{Store, StoreError};

pub use attachments::NewUpload;
pub use auth::{ClientInfo, LoginOutcome, NewToken};
pub use backup::BackupFile;
pub use catalog::CannedInput;
pub use channels::Inbound;
pub use contacts::ContactInput;
pub use conversations::{ConversationView, ListQuery, NewConversation, TranscriptLine, View};
pub use exports::{
    COLUMNS, CsvExport, EXPORT_PAGE, ExportFile, ExportRow, Transcript, TranscriptEntry, Zone, report_csv,
    report_file_name, report_xlsx,
};
pub use gauges::Gauges;
pub use handling::{BulkOutcome, CloseRequest, ConversationPatch};
pub use handover::{MAX_NOTE_CHARS, TransferTarget};
pub use history::ImportBatch;
pub use idempotency::{IdempotencyRecord, Purged};
pub use import::ImportReport;
pub use messages::OutgoingMessage;
pub use monitor::{MonitorAgent, MonitorConversation, MonitorFilter, Named};
pub use password::{hex, new_one_time_password};
pub use reports::{Report, ReportQuery, ReportRow};
pub use routing::Settled;
pub use search::{MessageHit, Order as SearchOrder, SearchHit, SearchPage, SearchQuery};
pub use setup::{DEMO_ACCOUNTS, DEMO_PASSWORD, FirstAdmin};
pub use streams::{MAX_STREAMS_PER_CREDENTIAL, MAX_STREAMS_PER_USER, StreamSlot};
pub use targets::{TargetAgent, TargetTeam, Targets};
pub use teams::{InboxInput, TeamInput};
pub use throttle::address_group;
pub use users::{NewUser, UserPatch};
pub use webhooks::WebhookInput;

/// Why a use case refused or failed. Each maps to one HTTP status.
#[derive(Clone, Debug, thiserror::Error)]
pub enum DeskError {
    /// Fields are invalid (422), each with a message.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// No valid credentials (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in but not allowed (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such thing, or not visible to the caller (404).
    #[error("{0}")]
    NotFound(String),
    /// Not allowed in the current state (409), saying why.
    #[error("{0}")]
    Conflict(String),
    /// The upload is larger than allowed (413).
    #[error("{0}")]
    TooLarge(String),
    /// The upload's type is not one the workspace takes (415).
    #[error("{0}")]
    UnsupportedType(String),
    /// Too many attempts (429); retry after this many seconds.
    #[error("{detail}")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after_secs: i64,
        /// What happened, for a person.
        detail: String,
    },
    /// Storage failed (503); nothing was changed.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl DeskError {
    /// A single-field validation error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        DeskError::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Tunable behaviour of the desk.
#[derive(Clone, Debug)]
pub struct DeskConfig {
    /// How long a session token lives after sign-in, in seconds.
    pub session_ttl_secs: i64,
    /// The search index's indexing buffer, bytes.
    pub search_heap_bytes: usize,
}

impl Default for DeskConfig {
    fn default() -> Self {
        DeskConfig { session_ttl_secs: 12 * 3600, search_heap_bytes: crate::search::DEFAULT_WRITER_HEAP }
    }
}

/// The authenticated caller of a use case.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The user, as stored when the request was authenticated.
    pub user: User,
    /// The token they presented.
    pub credential: Credential,
}

impl Principal {
    /// Refuses callers who must first replace a one-time password.
    pub fn ready(&self) -> Result<&Self, DeskError> {
        if self.user.must_change_password {
            Err(DeskError::Forbidden(
                "choose a new password first (PUT /api/v1/me/password); your current one was a one-time password"
                    .into(),
            ))
        } else {
            Ok(self)
        }
    }

    /// Refuses callers below `role`.
    pub fn require(&self, role: Role, action: &str) -> Result<&Self, DeskError> {
        self.ready()?;
        if self.user.role >= role {
            Ok(self)
        } else {
            Err(DeskError::Forbidden(format!("only {}s may {action}", role.as_str())))
        }
    }

    /// The actor recorded in events caused by this caller.
    pub fn actor(&self) -> domain::Actor {
        domain::Actor::User { id: self.user.id.clone() }
    }
}

/// Makes ids that sort in creation order; cheap to clone into write closures.
#[derive(Clone)]
pub(crate) struct IdGen(Arc<Mutex<domain::id::IdState>>);

impl IdGen {
    /// A new id with `prefix`, made at `now`.
    pub(crate) fn next(&self, prefix: &str, now: Timestamp) -> String {
        let fresh = password::random_bytes::<10>();
        match self.0.lock() {
            Ok(mut state) => state.next(prefix, now, fresh),
            Err(_) => domain::id::new_id(prefix, now, fresh),
        }
    }
}

/// The desk: shared by every request; cheap to clone.
#[derive(Clone)]
pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    config: DeskConfig,
    throttle: Arc<throttle::LoginThrottle>,
    /// Passwords checked since start (sign-ins and password changes).
    password_checks: Arc<std::sync::atomic::AtomicU64>,
    /// Open event streams.
    streams: Arc<streams::Streams>,
    ids: Arc<Mutex<domain::id::IdState>>,
    hub: Arc<std::sync::OnceLock<crate::realtime::Hub>>,
    search: Arc<std::sync::OnceLock<Result<crate::search::SearchIndex, String>>>,
    closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// Rate limits of the customer API.
    widget_limits: Arc<widget::limits::Limits>,
    /// Wakes the webhook worker when a subscription changes.
    webhook_wake: Arc<tokio::sync::Notify>,
    /// The last event the webhook worker has read (`u64::MAX` before it runs).
    webhook_read: Arc<std::sync::atomic::AtomicU64>,
}

impl Desk {
    /// A desk over an open store.
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: DeskConfig) -> Self {
        Desk {
            store,
            clock,
            config,
            throttle: Arc::default(),
            password_checks: Arc::default(),
            streams: Arc::default(),
            ids: Arc::default(),
            hub: Arc::default(),
            search: Arc::default(),
            closing: Arc::new(tokio::sync::watch::channel(false).0),
            widget_limits: Arc::default(),
            webhook_wake: Arc::default(),
            webhook_read: Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX)),
        }
    }

    /// The real-time hub, started on first use (it tails the event log only while somebody
    /// may listen). Call it from inside the tokio runtime.
    pub fn hub(&self) -> &crate::realtime::Hub {
        self.hub.get_or_init(|| crate::realtime::Hub::start(&self.store))
    }

    /// How many passwords were checked since start (sign-ins and password changes): what the
    /// throttle lets through.
    pub fn password_checks(&self) -> u64 {
        self.password_checks.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Open live-event streams (0 before the hub starts).
    pub fn live_subscribers(&self) -> usize {
        self.hub.get().map_or(0, crate::realtime::Hub::subscribers)
    }

    /// Asks long-lived streams to end (the server is shutting down).
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when [`Desk::close_streams`] was called.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The rules' view of a live subscriber, read afresh (teams, inboxes and status change).
    pub fn live_viewer(&self, who: &Principal) -> Result<domain::lifecycle::Viewer, DeskError> {
        use crate::store::UserReads;
        let snap = self.store.snapshot()?;
        let user = snap
            .user(&who.user.id)?
            .filter(|u| u.active)
            .ok_or_else(|| DeskError::Unauthorized("the account is deactivated".into()))?;
        conversations::viewer(&snap, &Principal { user, credential: who.credential.clone() })
    }

    /// The store (for operations endpoints and tools that read it directly).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The current time from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A new id with the given prefix, created now; ids sort in creation order.
    fn new_id(&self, prefix: &str) -> String {
        self.id_gen().next(prefix, self.now())
    }

    /// An id generator to move into write closures.
    fn id_gen(&self) -> IdGen {
        IdGen(self.ids.clone())
    }

    /// Whether storage answers reads (readiness).
    pub fn is_ready(&self) -> bool {
        self.store.snapshot().is_ok()
    }
}
