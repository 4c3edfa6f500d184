//! Switchboard: a self-hosted contact-center and helpdesk server in one executable.
pub mod domain;
pub mod store;
pub mod clock;
pub mod desk;
pub mod api;
