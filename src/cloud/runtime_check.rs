//! The check a deployment tool makes of a Lambda runtime before anything deploys. The Terraform
//! AWS provider holds `runtime` and a layer's `compatible_runtimes` to the runtimes of the AWS SDK
//! it was built with, and the Pulumi AWS provider, bridged from it, does the same at preview: a
//! release older than a runtime answers `expected runtime to be one of [...]`. CloudFormation
//! leaves the check to AWS, which knows every runtime it runs.

use std::fmt;

use crate::release_version::NewestRelease;

/// A provider that holds runtimes to a list of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckingProvider {
    /// `hashicorp/aws`, the Terraform AWS provider.
    TerraformAws,
    /// `@pulumi/aws`, bridged from the Terraform AWS provider.
    PulumiAws,
}

impl fmt::Display for CheckingProvider {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::TerraformAws => "hashicorp/aws",
            Self::PulumiAws => "@pulumi/aws",
        })
    }
}

/// The provider that checks a project's runtimes, and the newest release of it the project may
/// install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeCheck {
    pub provider: CheckingProvider,
    pub newest: NewestRelease,
    /// The file that says so, as a message names it (`.terraform.lock.hcl`).
    pub source: String,
}

impl RuntimeCheck {
    /// What holds the provider to its releases, as a message says it after naming the provider:
    /// "`.terraform.lock.hcl` holds it to 5.31.0", "`versions.tf` holds it below 5.0.0".
    pub fn holding(&self) -> String {
        match self.newest {
            NewestRelease::Exactly(release) => format!("`{}` holds it to {release}", self.source),
            NewestRelease::Below(bound) => format!("`{}` holds it below {bound}", self.source),
        }
    }
}
