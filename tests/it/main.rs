//! The HTTP integration tests, one binary with a module per area: each area links the whole
//! crate once instead of once per file, which a 2-core machine feels.

mod common;

mod attachments;
mod auth;
mod backup;
mod cli;
mod compact;
mod contacts;
mod conversations;
mod crash;
mod demo;
mod errors;
mod events;
mod exports;
mod handover;
mod hardening;
mod idempotency;
mod import;
mod layers;
mod limits;
mod monitor;
mod ops;
mod pages;
mod permissions;
mod reports;
mod restart;
mod revocation;
mod routing;
mod search;
mod search_rank;
mod search_recovery;
mod search_reference;
mod snapshots;
mod spec;
mod users;
mod visibility;
mod webhooks;
mod widget;
mod widget_live;
mod workspace;
