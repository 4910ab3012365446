//! What common AWS managed policies allow (`codemods/aws-managed-policies.toml`).

use std::sync::OnceLock;

use anyhow::{Context, Result};
use serde::Deserialize;

const TABLE_SOURCE: &str = include_str!("../../codemods/aws-managed-policies.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    /// The name `aws.iam.ManagedPolicy` uses, e.g. `AWSLambdaSQSQueueExecutionRole`.
    pub name: String,
    pub arn: String,
    /// The actions it allows, on every resource and unconditionally; patterns (`sqs:*`, `s3:Get*`)
    /// as a document writes them.
    pub actions: Vec<String>,
    /// The actions it allows on some resources only, or under a Condition, neither of which the
    /// table lists: whether it allows one of them on a program's resource is not known.
    #[serde(default)]
    pub scoped_actions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    policies: Vec<ManagedPolicy>,
}

pub fn bundled() -> &'static [ManagedPolicy] {
    static TABLE: OnceLock<Vec<ManagedPolicy>> = OnceLock::new();
    // The table is part of the program, and a unit test parses it.
    TABLE.get_or_init(|| parse(TABLE_SOURCE).expect("codemods/aws-managed-policies.toml is valid"))
}

fn parse(source: &str) -> Result<Vec<ManagedPolicy>> {
    let table: Table = toml::from_str(source).context("reading the managed policy table")?;
    Ok(table.policies)
}

/// A managed policy by its ARN or its `aws.iam.ManagedPolicy` member name.
pub fn find(arn_or_name: &str) -> Option<&'static ManagedPolicy> {
    bundled()
        .iter()
        .find(|policy| policy.arn == arn_or_name || policy.name == arn_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_parses_and_names_match_arns() {
        for policy in bundled() {
            assert!(policy.arn.ends_with(&format!("/{}", policy.name)), "{}", policy.name);
        }
        let sqs = find("AWSLambdaSQSQueueExecutionRole").expect("listed");
        assert!(sqs.actions.iter().any(|action| action == "sqs:GetQueueAttributes"));
        for (index, policy) in bundled().iter().enumerate() {
            let later = &bundled()[index + 1..];
            assert!(
                later.iter().all(|other| other.name != policy.name),
                "{} twice",
                policy.name
            );
        }
    }
}
