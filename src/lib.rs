//! infrafix: finds deployment-blocking mistakes in infrastructure code and fixes them with minimal,
//! reviewable edits. The library knows nothing of the command line; `main.rs` is a thin shell.

pub mod allocation;
pub mod aws;
pub mod calendar;
pub mod cloud;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod frontends;
pub mod packaging;
pub mod pipeline;
pub mod prefilter;
pub mod promises;
pub mod release_version;
pub mod reparse;
pub mod report;
pub mod rules;
pub mod source;
pub mod style;
pub mod suppression;
pub mod syntax;
pub mod workspace;
pub mod write;
