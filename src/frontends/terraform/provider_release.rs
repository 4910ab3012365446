//! Which release of the AWS provider a root module plans with, as far as its files say: the one
//! `.terraform.lock.hcl` pins, else the newest that the `required_providers` constraints of the
//! root module and the modules it calls admit (Terraform installs one release that satisfies them
//! all, for every module of the configuration). The provider holds a function's runtime to a list
//! of its own at plan (see `cloud::RuntimeCheck`), so a fix must not name a runtime newer than
//! that release knows, in the root module or in any module it calls.

use std::path::{Path, PathBuf};

use tree_sitter::Tree;

use super::{
    block_body, block_type, named_children, values, version_constraints, Located, TerraformInput, TerraformProject,
};
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

/// How hashicorp/aws checks runtimes in the configuration of the root module `root`, whose `.tf`
/// files (its own and its local modules') are `files`, with the files that say so named as seen
/// from `folder`, a module the configuration calls: the root's lock file or constraints hold the
/// one release Terraform installs for that module too. `None` when nothing bounds the release.
pub fn configuration_runtime_check(root: &Path, files: &[PathBuf], folder: &Path) -> Option<RuntimeCheck> {
    // Only a `terraform` block bounds the release: the other files are not parsed.
    let sources: Vec<(&Path, String, Tree)> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            if !text.contains("required_providers") {
                return None;
            }
            let tree = parse(&text, Dialect::Hcl).ok()?;
            Some((path.as_path(), text, tree))
        })
        .collect();
    let inputs = sources
        .iter()
        .map(|(path, text, tree)| TerraformInput { path, text, tree })
        .collect();
    TerraformProject::build(root, inputs).aws_runtime_check_seen_from(locked_aws_release(root), folder)
}

/// `path` as written from `folder`: `versions.tf` beside it, `modules/fn/versions.tf` below it,
/// `../../versions.tf` in the root module that calls the module `folder` holds.
fn seen_from(path: &Path, folder: &Path) -> String {
    let Some(common) = folder.ancestors().find(|ancestor| path.starts_with(ancestor)) else {
        return path.display().to_string();
    };
    let mut seen = PathBuf::new();
    for _ in folder.strip_prefix(common).map(Path::components).into_iter().flatten() {
        seen.push("..");
    }
    seen.push(path.strip_prefix(common).unwrap_or(path));
    seen.display().to_string()
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
        self.aws_runtime_check_seen_from(locked, &self.folders[0].path)
    }

    /// `aws_runtime_check`, naming the file that bounds the release as seen from `folder`.
    fn aws_runtime_check_seen_from(&self, locked: Option<ReleaseVersion>, folder: &Path) -> Option<RuntimeCheck> {
        let check = |newest, source: &Path| RuntimeCheck {
            provider: CheckingProvider::TerraformAws,
            newest,
            source: seen_from(source, folder),
        };
        if let Some(locked) = locked {
            return Some(check(
                NewestRelease::Exactly(locked),
                &self.folders[0].path.join(LOCK_FILE),
            ));
        }
        self.folders
            .iter()
            .flat_map(|folder| &folder.aws_provider_versions)
            .filter_map(|constraint| {
                let text = self.string_literal(values::unwrapped(*constraint))?;
                let newest = version_constraints::newest_admitted(&text)?;
                Some(check(newest, self.files[constraint.file].path))
            })
            .min_by_key(|check| check.newest)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{with_called_module, with_module};
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

    #[test]
    fn a_module_is_held_to_the_release_of_the_configuration_calling_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("live");
        let module = dir.path().join("live/modules/fn");
        std::fs::create_dir_all(&module).expect("mkdir");
        let versions = "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.80\"\n    }\n  }\n}\n";
        let files = [
            (root.join("versions.tf"), versions),
            (
                root.join("main.tf"),
                "module \"fn\" {\n  source = \"./modules/fn\"\n}\n",
            ),
            (module.join("main.tf"), "resource \"aws_sqs_queue\" \"jobs\" {}\n"),
        ];
        for (path, text) in &files {
            std::fs::write(path, text).expect("write");
        }
        let paths: Vec<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
        let check = configuration_runtime_check(&root, &paths, &module).expect("bounded");
        assert_eq!(check.newest, NewestRelease::Below(ReleaseVersion::new(6, 0, 0)));
        assert_eq!(check.source, "../../versions.tf");
        // The root's lock file names the release installed, whatever the constraints admit.
        std::fs::write(root.join(LOCK_FILE), LOCK).expect("write");
        let check = configuration_runtime_check(&root, &paths, &module).expect("bounded");
        assert_eq!(check.newest, NewestRelease::Exactly(ReleaseVersion::new(5, 31, 0)));
        assert_eq!(check.source, "../../.terraform.lock.hcl");
    }

    #[test]
    fn a_called_module_takes_the_most_restrictive_of_its_own_and_its_callers_releases() {
        let caller = |newest, source: &str| RuntimeCheck {
            provider: CheckingProvider::TerraformAws,
            newest,
            source: source.to_owned(),
        };
        let prod = caller(
            NewestRelease::Exactly(ReleaseVersion::new(5, 31, 0)),
            "../../envs/prod/.terraform.lock.hcl",
        );
        let staging = caller(
            NewestRelease::Below(ReleaseVersion::new(7, 0, 0)),
            "../../envs/staging/versions.tf",
        );
        let main = "resource \"aws_sqs_queue\" \"jobs\" {}\n";
        with_called_module(&[("main.tf", main)], vec![staging.clone(), prod.clone()], |front_end| {
            assert_eq!(front_end.runtime_check().as_ref(), Some(&prod));
        });
        with_called_module(&[("main.tf", main)], Vec::new(), |front_end| {
            assert_eq!(front_end.runtime_check(), None);
        });
        let own = "terraform {\n  required_providers {\n    aws = \"< 5.20\"\n  }\n}\n";
        with_called_module(&[("versions.tf", own)], vec![staging, prod], |front_end| {
            let check = front_end.runtime_check().expect("bounded");
            assert_eq!(check.newest, NewestRelease::Below(ReleaseVersion::new(5, 20, 0)));
            assert_eq!(check.source, "versions.tf");
        });
    }

    #[test]
    fn files_are_named_as_seen_from_a_folder() {
        let seen = |path: &str, folder: &str| seen_from(Path::new(path), Path::new(folder));
        assert_eq!(seen("/live/versions.tf", "/live"), "versions.tf");
        assert_eq!(seen("/live/modules/fn/versions.tf", "/live"), "modules/fn/versions.tf");
        assert_eq!(seen("/live/versions.tf", "/live/modules/fn"), "../../versions.tf");
        assert_eq!(
            seen("/repo/envs/prod/.terraform.lock.hcl", "/repo/modules/reports"),
            "../../envs/prod/.terraform.lock.hcl"
        );
    }
}
