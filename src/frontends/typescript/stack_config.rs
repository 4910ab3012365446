//! Values a Pulumi program reads from its stack's configuration with a default in code
//! (`config.get("runtime") ?? "go1.x"`, `config.getNumber("reserved") ?? 500`): the default runs
//! only where no stack sets the key, and the stack files (`Pulumi.<stack>.yaml` beside
//! `Pulumi.yaml`) say which keys they set.

use std::path::Path;

use super::values::is_fallback;
use super::{Located, Package, Program};
use crate::syntax::{kind_of, Fields};

/// The keys a project's stack files set, as far as their text shows.
#[derive(Debug, Default, Clone)]
pub struct StackConfig {
    /// The text of every stack file; a key is taken as set when any of them writes it.
    texts: Vec<String>,
    /// A stack file that could not be read may set anything.
    unreadable: bool,
}

impl StackConfig {
    /// The stack files of the project (`Pulumi.dev.yaml`, `Pulumi.prod.yml`, in its folder or in
    /// the folder `stackConfigDir` names), and the `config` Pulumi.yaml sets for every stack.
    pub fn of_project(root: &Path) -> Self {
        let mut config = Self::default();
        let project_file = ["Pulumi.yaml", "Pulumi.yml"]
            .iter()
            .find_map(|name| std::fs::read_to_string(root.join(name)).ok())
            .unwrap_or_default();
        let project_file = without_comments(&project_file);
        config.texts.push(top_level_section(&project_file, "config"));
        let folder = top_level_value(&project_file, "stackConfigDir").map_or(root.to_path_buf(), |dir| root.join(dir));
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return config;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_stack_file = name.starts_with("Pulumi.")
                && (name.ends_with(".yaml") || name.ends_with(".yml"))
                && !matches!(name.as_ref(), "Pulumi.yaml" | "Pulumi.yml");
            if !is_stack_file {
                continue;
            }
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => config.texts.push(without_comments(&text)),
                Err(_) => config.unreadable = true,
            }
        }
        config
    }

    /// Whether some stack may set `key` (`runtime` for `config.get("runtime")`, whatever the
    /// namespace): a line of a stack file names it as `<namespace>:runtime:`. `None` (a key not
    /// written out) may be any.
    fn may_set(&self, key: Option<&str>) -> bool {
        let Some(key) = key else {
            return self.unreadable || self.texts.iter().any(|text| !text.trim().is_empty());
        };
        self.unreadable
            || self.texts.iter().any(|text| {
                text.lines().any(|line| {
                    let line = line.trim_start().trim_start_matches(['"', '\'']);
                    // `<namespace>:key:`, or a key Pulumi.yaml declares for the project (`key:`).
                    let name = line.split_once(':').map(|(first, rest)| match rest.split_once(':') {
                        Some((second, _)) if !second.is_empty() && !second.starts_with(' ') => second,
                        _ => first,
                    });
                    name.is_some_and(|name| name.trim_end_matches(['"', '\'']) == key)
                })
            })
    }
}

/// The value `read ?? default` (or `read || default`) falls back from.
fn fallback_read(fallback: Located) -> Option<Located> {
    is_fallback(fallback.node)
        .then(|| fallback.node.field("left"))
        .flatten()
        .map(|left| fallback.with(left))
}

/// The text with YAML comments left out (`# …` at a line's start or after a space).
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find(" #") {
            _ if line.trim_start().starts_with('#') => "",
            Some(comment) => &line[..comment],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines under a top-level key of a YAML document (`config:`), up to the next top-level key.
fn top_level_section(text: &str, key: &str) -> String {
    let mut lines = text.lines().skip_while(|line| line.trim_end() != format!("{key}:"));
    lines.next();
    lines
        .take_while(|line| line.is_empty() || line.starts_with([' ', '\t']))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The value a top-level key of a YAML document is set to on its own line (`stackConfigDir: config`).
fn top_level_value<'text>(text: &'text str, key: &str) -> Option<&'text str> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
        Some(value.trim_matches(['"', '\''])).filter(|value| !value.is_empty())
    })
}

impl<'tree> Program<'tree> {
    /// Whether a value is the default of a stack configuration read that some stack may set
    /// (`"go1.x"` in `config.get("runtime") ?? "go1.x"` or `|| "go1.x"`), or of an environment
    /// variable: what deploys there is that value, not this one.
    pub(super) fn stack_may_override(&self, value: Located<'tree>) -> bool {
        let mut current = value;
        while let Some(parent) = current.node.parent() {
            match kind_of(parent) {
                "parenthesized_expression" | "as_expression" | "satisfies_expression" => current = current.with(parent),
                "binary_expression" => {
                    return parent.field("right") == Some(current.node)
                        && (self
                            .config_fallback(current.with(parent))
                            .is_some_and(|key| self.stack_config.may_set(key))
                            || self.environment_fallback(current.with(parent)));
                }
                _ => return false,
            }
        }
        false
    }

    /// The default of `config.get…(key) ?? default` (or `||`) where no stack sets the key: the
    /// value every stack deploys.
    pub(super) fn stack_config_default(&self, fallback: Located<'tree>) -> Option<tree_sitter::Node<'tree>> {
        let key = self.config_fallback(fallback)?;
        (!self.stack_config.may_set(key)).then_some(fallback.node.field("right")?)
    }

    /// Whether a value is `process.env.NAME ?? default` (or `||`): the environment the deployment
    /// runs in may set it.
    fn environment_fallback(&self, fallback: Located<'tree>) -> bool {
        fallback_read(fallback).is_some_and(|left| {
            let read = self.written_value(left);
            matches!(kind_of(read.node), "member_expression" | "subscript_expression")
                && read
                    .node
                    .field("object")
                    .is_some_and(|object| self.text(read.with(object)) == "process.env")
        })
    }

    /// For `config.get…(key) ?? default` (or `||`), the key read, when written out.
    fn config_fallback(&self, fallback: Located<'tree>) -> Option<Option<&'tree str>> {
        self.config_key_read(fallback_read(fallback)?)
    }

    /// For a read of the stack's configuration (`config.get("runtime")`, `getNumber`, `getSecret`,
    /// on a `pulumi.Config` held by a const or made in place), the key it reads when written out.
    fn config_key_read(&self, read: Located<'tree>) -> Option<Option<&'tree str>> {
        let read = self.written_value(read);
        // `settings?.runtime` of `const settings = config.getObject("settings")`: the object's key.
        if kind_of(read.node) == "member_expression" {
            return self.config_key_read(read.with(read.node.field("object")?));
        }
        if kind_of(read.node) != "call_expression" {
            return None;
        }
        let callee = read
            .node
            .field("function")
            .filter(|callee| kind_of(*callee) == "member_expression")?;
        let method = self.text(read.with(callee.field("property")?));
        if !method.starts_with("get") && !method.starts_with("require") {
            return None;
        }
        let config = self.written_value(read.with(callee.field("object")?));
        let class = config.with(config.node.field("constructor")?);
        if kind_of(config.node) != "new_expression" || !self.package_member(class)?.is(Package::Pulumi, &["Config"]) {
            return None;
        }
        let key = self
            .call_arguments(read)
            .first()
            .filter(|key| kind_of(key.node) == "string")
            .map(|key| self.text(*key).trim_matches(['"', '\'']));
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_the_projects_own_config_are_read_as_yaml_would() {
        let project = without_comments(
            "name: p\nruntime: nodejs\nstackConfigDir: stacks # per env\nconfig:\n  # p:runtime: go1.x\n  handler:\n    default: main\nbackend:\n  url: s3://b\n",
        );
        assert_eq!(top_level_value(&project, "stackConfigDir"), Some("stacks"));
        let config = StackConfig {
            texts: vec![top_level_section(&project, "config")],
            unreadable: false,
        };
        assert!(config.may_set(Some("handler")));
        assert!(!config.may_set(Some("runtime")));
        assert!(!config.may_set(Some("url")));
    }

    #[test]
    fn a_key_is_set_where_a_stack_file_names_it() {
        let config = StackConfig {
            texts: vec!["config:\n  aws:region: us-east-1\n  payments:runtime: go1.x\n".to_owned()],
            unreadable: false,
        };
        assert!(config.may_set(Some("runtime")));
        assert!(!config.may_set(Some("handler")));
        assert!(config.may_set(None));
        assert!(!StackConfig::default().may_set(Some("runtime")));
        assert!(!StackConfig::default().may_set(None));
    }
}
