//! The pure heart of Switchboard: types and rules with no I/O, no async and no clock reads.
//!
//! Everything here is decided from its inputs alone (the current time is always passed in), so
//! every rule can be unit-tested exhaustively. `desk/` asks these functions what to do and
//! `store/` writes what they decided.

pub mod attachment;
pub mod contact;
pub mod conversation;
pub mod credential;
pub mod event;
pub mod handover;
pub mod id;
pub mod import;
pub mod lifecycle;
pub mod media;
pub mod metrics;
pub mod monitor;
pub mod report;
pub mod routing;
pub mod says;
pub mod throttle;
pub mod time;
pub mod user;
pub mod validation;
pub mod visibility;
pub mod webhook;
pub mod widget;
pub mod workspace;

pub use credential::{Credential, CredentialKind};
pub use event::{Actor, Event, EventKind, OfferOutcome};
pub use time::Timestamp;
pub use user::{AgentStatus, Role, User};
pub use validation::FieldError;
