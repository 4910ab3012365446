//! Facts about AWS that rules rest on, kept as data where AWS changes them.

pub mod managed_policies;
pub mod runtimes;
pub mod sam_policy_templates;
