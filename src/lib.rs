//! Switchboard: a self-hosted contact-center and helpdesk server in one executable.
//!
//! The crate is layered as DESIGN.md describes: `api` (HTTP operations) and `web` (pages) call
//! `desk` (use cases), which asks `domain` (pure rules) and writes through `store` (redb and the
//! event log). `http` assembles the routes; `config` and `telemetry` serve the command line.

pub mod api;
pub mod clock;
pub mod config;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod http;
pub mod import;
pub mod jobs;
pub mod metrics;
pub mod realtime;
pub mod search;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod webhooks;

pub use http::{AppState, app, bind, serve};
