//! Which release of the AWS provider a root module plans with, as far as its files say: the one
//! `.terraform.lock.hcl` pins, else the newest that the `required_providers` constraints of the
//! root module and the modules it calls admit (Terraform installs one release that satisfies them
//! all). The provider holds a function's runtime to a list of its own at plan (see
//! `cloud::RuntimeCheck`), so a fix must not name a runtime newer than that release knows.

use std::path::Path;

use super::{block_body, block_type, named_children, values, version_constraints, Located, TerraformProject};
use crate::cloud::{CheckingProvider, RuntimeCheck};
use crate::release_version::{NewestRelease, ReleaseVersion};
use crate::syntax::{kind_of, node_text, parse, Dialect};

/// The file `terraform init` writes the releases of the providers it installed to.
pub const LOCK_FILE: &str = ".terraform.lock.hcl";

/// The lock file's address of the AWS provider, and the short one `required_providers` writes.
const AWS_ADDRESS: &str = "registry.terraform.io/hashicorp/aws";
const AWS_SOURCE: &str = "hashicorp/aws";

/// The hashicorp/aws release the lock file in `root` pins; `None` when there is none, or it pins
/// no AWS provider.
pub fn locked_aws_release(root: &Path) -> Option<ReleaseVersion> {
    let lock = std::fs::read_to_string(root.join(LOCK_FILE)).ok()?;
    aws_release_in_lock(&lock)
}

/// `provider "registry.terraform.io/hashicorp/aws" { version = "5.31.0" … }` of a lock file.
fn aws_release_in_lock(lock: &str) -> Option<ReleaseVersion> {
    let tree = parse(lock, Dialect::Hcl).ok()?;
    let body = named_children(tree.root_node()).find(|node| kind_of(node) == "body")?;
    let release = named_children(body)
        .filter(|node| kind_of(node) == "block" && block_type(*node, lock) == Some("provider"))
        .find(|block| {
            named_children(*block)
                .any(|label| kind_of(label) == "string_lit" && node_text(label, lock).trim_matches('"') == AWS_ADDRESS)
        })
        .and_then(|block| {
            let body = named_children(block).find(|node| kind_of(node) == "body")?;
            named_children(body)
                .filter(|node| kind_of(node) == "attribute")
                .find_map(|attribute| {
                    let mut parts = named_children(attribute);
                    parts.next().filter(|name| node_text(*name, lock) == "version")?;
                    let value = parts.next()?;
                    node_text(value, lock).trim().trim_matches('"').parse().ok()
                })
        });
    release
}

impl<'a> TerraformProject<'a> {
    /// The `version` constraints a `terraform { required_providers { … } }` block sets on the
    /// AWS provider: `aws = { source = "hashicorp/aws", version = "~> 4.0" }`, or the older
    /// `aws = "~> 4.0"`.
    pub(super) fn aws_provider_constraints(&self, terraform_block: Located<'a>) -> Vec<Located<'a>> {
        let Some(required) = block_body(terraform_block)
            .and_then(|body| self.nested_block(body, "required_providers"))
            .and_then(block_body)
        else {
            return Vec::new();
        };
        self.arguments(required)
            .filter_map(|(name, requirement)| match values::object_node(requirement) {
                Some(object) => {
                    let fields = self.object_fields(object);
                    let field = |key: &str| fields.iter().find(|(field, _)| field == key).map(|(_, value)| *value);
                    let source = field("source").and_then(|source| self.string_literal(values::unwrapped(source)));
                    let is_aws = match source {
                        Some(source) => source == AWS_SOURCE || source == AWS_ADDRESS,
                        None => name == "aws",
                    };
                    field("version").filter(|_| is_aws)
                }
                None => (name == "aws").then_some(requirement),
            })
            .collect()
    }

    /// How hashicorp/aws checks this configuration's runtimes: `locked` is the release the root
    /// module's lock file pins, else the newest every `required_providers` constraint admits.
    /// `None` when neither bounds the release, which may then be the newest.
    pub fn aws_runtime_check(&self, locked: Option<ReleaseVersion>) -> Option<RuntimeCheck> {
        let check = |newest, source: &str| RuntimeCheck {
            provider: CheckingProvider::TerraformAws,
            newest,
            source: source.to_owned(),
        };
        if let Some(locked) = locked {
            return Some(check(NewestRelease::Exactly(locked), LOCK_FILE));
        }
        self.folders
            .iter()
            .flat_map(|folder| &folder.aws_provider_versions)
            .filter_map(|constraint| {
                let text = self.string_literal(values::unwrapped(*constraint))?;
                let newest = version_constraints::newest_admitted(&text)?;
                let file = self.files[constraint.file]
                    .path
                    .file_name()?
                    .to_string_lossy()
                    .into_owned();
                Some(check(newest, &file))
            })
            .min_by_key(|check| check.newest)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::with_module;
    use super::*;
    use crate::cloud::GraphSource;

    const LOCK: &str = r#"# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/archive" {
  version     = "2.4.2"
  constraints = "~> 2.4"
}

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:ltxyuBWIy9cq0kIKDJH1jeWJy/y7XJLjS4QrsQK4plA=",
  ]
}
"#;

    #[test]
    fn the_lock_file_names_the_aws_release() {
        assert_eq!(aws_release_in_lock(LOCK), Some(ReleaseVersion::new(5, 31, 0)));
        let without_aws = LOCK.replace("hashicorp/aws", "hashicorp/random");
        assert_eq!(aws_release_in_lock(&without_aws), None);
        assert_eq!(aws_release_in_lock("not { hcl"), None);
    }

    #[test]
    fn required_providers_bound_the_release_when_nothing_is_locked() {
        let versions = r#"terraform {
  required_version = ">= 1.3"
  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = "~> 9.0"
    }
    aws = {
      source  = "hashicorp/aws"
      version = "~> 4.0"
    }
  }
}
"#;
        with_module(&[("versions.tf", versions)], |front_end| {
            let check = front_end.runtime_check().expect("bounded");
            assert_eq!(check.newest, NewestRelease::Below(ReleaseVersion::new(5, 0, 0)));
            assert_eq!(check.source, "versions.tf");
        });
        let legacy = "terraform {\n  required_providers {\n    aws = \"< 5.0\"\n  }\n}\n";
        with_module(&[("main.tf", legacy)], |front_end| {
            let check = front_end.runtime_check().map(|check| check.newest);
            assert_eq!(check, Some(NewestRelease::Below(ReleaseVersion::new(5, 0, 0))));
        });
        let open = "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.32\"\n    }\n  }\n}\n";
        with_module(&[("main.tf", open)], |front_end| {
            assert_eq!(front_end.runtime_check(), None);
        });
    }
}
