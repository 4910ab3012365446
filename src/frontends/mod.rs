//! The front ends: one per language infrafix reads. Each is the only place that knows how its
//! language writes infrastructure (imports, references, loops, how to edit a value); it builds the
//! cloud graph the rules judge, and renders their fix intents as edits in the file's own style.

pub mod cloudformation;
mod document;
pub mod terraform;
pub mod typescript;
