//! The redb tables: names, key and value types, and the schema version they make up.
//!
//! Entity tables map a string key to a JSON value, except the high-volume ones: conversations,
//! the event log ([`EVENTS`]) and the [`Bin`] tables (the timeline and the message index) hold
//! binary rows (`store::codec`, one format byte and postcard). Index tables map a derived key
//! to the entity's id; every key is spelled in `store::keys`. New optional fields of JSON rows
//! arrive without a migration (`#[serde(default)]`); a new binary row shape or a change of
//! meaning bumps [`SCHEMA_VERSION`] and adds a step to `store::migrations`.

use redb::TableDefinition;

/// The schema this build writes. Bumped with a step in `store::migrations` whenever stored
/// meaning changes.
///
/// 1: the layout of the first release. (Nine development schemas came before it; no
/// installation holds their data, so their migrations are gone.)
pub const SCHEMA_VERSION: u64 = 1;

/// `seq → Event` (a compact row, see `store::codec`): the event log.
pub const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");

/// The string-keyed tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tbl {
    /// Workspace-wide values: schema version, flags.
    Meta,
    /// `user id → User`.
    Users,
    /// `normalised email → user id`.
    UserEmails,
    /// `credential id → Credential`.
    Credentials,
    /// `secret hash → credential id`.
    CredentialHashes,
    /// `user id/credential id → ""`: a user's credentials, for listing and revoking.
    UserCredentials,
    /// `team id → Team`.
    Teams,
    /// `inbox id → Inbox`.
    Inboxes,
    /// `label id → Label`.
    Labels,
    /// `canned response id → CannedResponse`.
    Canned,
    /// `wrap-up reason id → WrapUpReason`.
    WrapUps,
    /// `contact id → Contact`.
    Contacts,
    /// Contact lookup keys (see `store::keys`).
    ContactIndex,
    /// `conversation id → Conversation` as a binary row (`store::codec`).
    Conversations,
    /// Sorted secondary index of conversations: `{partition code}{sort}{sort key} → ""`, the
    /// sort key ending with the human number (see `store::keys` for the partitions and
    /// key shapes).
    ConvIndex,
    /// `partition (such as i:{inbox id}) → its short code` in the conversation index (see
    /// `store::partition_codes`).
    PartitionCodes,
    /// `human number (ascending digits) → conversation id` (a compact row): leads from the
    /// conversation index back to the conversation (see `store::keys`).
    ConvNumbers,
    /// `user id/conversation id → ReadMark`.
    ReadMarks,
    /// `{credential scope}/{idempotency key} → IdempotencyRecord`, the scope being the first 32
    /// hex digits of the SHA-256 of the caller's `Authorization` header, so keys are per token
    /// (see `http::idempotency`).
    Idempotency,
    /// `attachment id → Attachment`.
    Attachments,
    /// `contact id/attachment id → ""`: files exchanged with a contact.
    ContactFiles,
    /// `attachment id → ""`: the library.
    Library,
    /// Routing and timer keys, all derived from conversations and users (see
    /// `store::routing`): offer deadlines, offers held per agent, idle conversations per inbox,
    /// last sign of life of available agents.
    Routing,
    /// `user id/{at}/{seq}` (times and seqs as 16 hex digits) → the agent status (JSON) the
    /// user moved to: every `AgentStatusChanged` event, derived in the event's transaction,
    /// so time per status is a range read per agent (see `store::status_log`).
    StatusLog,
    /// `SHA-256 of a customer token (hex) → CustomerSession`: the widget's sessions.
    CustomerSessions,
    /// `conversation id → Rating`: satisfaction ratings (F31).
    Ratings,
    /// `webhook id → Webhook`: webhook subscriptions (F35).
    Webhooks,
    /// `webhook id/delivery id → WebhookDelivery`: every delivery and its log, delivery ids
    /// sorting in the order of the events they carry.
    WebhookDeliveries,
    /// `webhook id/delivery id → ""`: the deliveries still to make, oldest first.
    WebhookQueue,
    /// `{source key} → id`: what an import of history made of each thread, contact and
    /// message it read (`mail:<root@example.com>` → `cv_…`), so importing again, or resuming
    /// an interrupted import, makes nothing twice.
    ImportKeys,
    /// `import job id → ImportJob`: imports run through the API, with their progress.
    ImportJobs,
}

impl Tbl {
    /// Every string-keyed table, created at start-up.
    pub const ALL: [Tbl; 31] = [
        Tbl::Meta,
        Tbl::Users,
        Tbl::UserEmails,
        Tbl::Credentials,
        Tbl::CredentialHashes,
        Tbl::UserCredentials,
        Tbl::Teams,
        Tbl::Inboxes,
        Tbl::Labels,
        Tbl::Canned,
        Tbl::WrapUps,
        Tbl::Contacts,
        Tbl::ContactIndex,
        Tbl::Conversations,
        Tbl::ConvIndex,
        Tbl::PartitionCodes,
        Tbl::ConvNumbers,
        Tbl::ReadMarks,
        Tbl::Idempotency,
        Tbl::Attachments,
        Tbl::ContactFiles,
        Tbl::Library,
        Tbl::Routing,
        Tbl::StatusLog,
        Tbl::CustomerSessions,
        Tbl::Ratings,
        Tbl::Webhooks,
        Tbl::WebhookDeliveries,
        Tbl::WebhookQueue,
        Tbl::ImportKeys,
        Tbl::ImportJobs,
    ];

    /// The redb definition of this table.
    pub fn def(self) -> TableDefinition<'static, &'static str, &'static [u8]> {
        TableDefinition::new(match self {
            Tbl::Meta => "meta",
            Tbl::Users => "users",
            Tbl::UserEmails => "user_emails",
            Tbl::Credentials => "credentials",
            Tbl::CredentialHashes => "credential_hashes",
            Tbl::UserCredentials => "user_credentials",
            Tbl::Teams => "teams",
            Tbl::Inboxes => "inboxes",
            Tbl::Labels => "labels",
            Tbl::Canned => "canned_responses",
            Tbl::WrapUps => "wrap_up_reasons",
            Tbl::Contacts => "contacts",
            Tbl::ContactIndex => "contact_index",
            Tbl::Conversations => "conversations",
            Tbl::ConvIndex => "conversation_index",
            Tbl::PartitionCodes => "partition_codes",
            Tbl::ConvNumbers => "conversation_numbers",
            Tbl::ReadMarks => "read_marks",
            Tbl::Idempotency => "idempotency",
            Tbl::Attachments => "attachments",
            Tbl::ContactFiles => "contact_files",
            Tbl::Library => "library",
            Tbl::Routing => "routing_index",
            Tbl::StatusLog => "status_log",
            Tbl::CustomerSessions => "customer_sessions",
            Tbl::Ratings => "ratings",
            Tbl::Webhooks => "webhooks",
            Tbl::WebhookDeliveries => "webhook_deliveries",
            Tbl::WebhookQueue => "webhook_queue",
            Tbl::ImportKeys => "import_keys",
            Tbl::ImportJobs => "import_jobs",
        })
    }
}

/// The binary-keyed tables, with compact rows (see `store::codec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bin {
    /// `conversation id + chunk number (u32, big-endian) → a chunk of entries`: the timelines
    /// (see `store::codec::chunk`).
    Timeline,
    /// `message id → index in its conversation's timeline`.
    MessageIndex,
}

impl Bin {
    /// Every binary-keyed table, created at start-up.
    pub const ALL: [Bin; 2] = [Bin::Timeline, Bin::MessageIndex];

    /// The redb definition of this table.
    pub fn def(self) -> TableDefinition<'static, &'static [u8], &'static [u8]> {
        TableDefinition::new(match self {
            Bin::Timeline => "timeline_chunks",
            Bin::MessageIndex => "message_index",
        })
    }
}

/// Meta key holding the schema version (`u64`, JSON).
pub const META_SCHEMA_VERSION: &str = "schema_version";
/// Meta key holding the workspace settings.
pub const META_SETTINGS: &str = "settings";
/// Meta key holding the next human conversation number.
pub const META_NEXT_NUMBER: &str = "next_conversation_number";
/// Meta key holding the next partition code to hand out (see `store::partition_codes`).
pub const META_NEXT_PARTITION_CODE: &str = "next_partition_code";
/// Meta key holding the last event the webhook dispatcher has turned into deliveries (`u64`).
pub const META_WEBHOOK_SEQ: &str = "webhook_seq";
/// Meta key set when the data folder was created with `--demo`.
pub const META_DEMO: &str = "demo";
