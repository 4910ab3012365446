//! Values a Pulumi program reads from its stack's configuration with a default in code
//! (`config.get("runtime") ?? "go1.x"`, `config.getNumber("reserved") ?? 500`): the default runs
//! only where no stack sets the key, and the stack files (`Pulumi.<stack>.yaml` beside
//! `Pulumi.yaml`) say which keys they set.

use std::path::Path;

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
    /// The stack files in the project's folder (`Pulumi.dev.yaml`, `Pulumi.prod.yml`).
    pub fn of_project(root: &Path) -> Self {
        let mut config = Self::default();
        let Ok(entries) = std::fs::read_dir(root) else {
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
                Ok(text) => config.texts.push(text),
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
            return self.unreadable || !self.texts.is_empty();
        };
        self.unreadable
            || self.texts.iter().any(|text| {
                [format!(":{key}:"), format!(":{key}\":"), format!(":{key}':")]
                    .iter()
                    .any(|written| text.contains(written.as_str()))
            })
    }
}

impl<'tree> Program<'tree> {
    /// Whether a value is the default of a stack configuration read that some stack may set
    /// (`"go1.x"` in `config.get("runtime") ?? "go1.x"` or `|| "go1.x"`): what deploys there is
    /// the stack's value, not this one.
    pub(super) fn stack_may_override(&self, value: Located<'tree>) -> bool {
        let mut current = value;
        while let Some(parent) = current.node.parent() {
            match kind_of(parent) {
                "parenthesized_expression" | "as_expression" | "satisfies_expression" => current = current.with(parent),
                "binary_expression" => {
                    return parent.field("right") == Some(current.node)
                        && self
                            .config_fallback(current.with(parent))
                            .is_some_and(|key| self.stack_config.may_set(key));
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

    /// For `config.get…(key) ?? default` (or `||`), the key read, when written out.
    fn config_fallback(&self, fallback: Located<'tree>) -> Option<Option<&'tree str>> {
        let operator = fallback.node.field("operator").map(kind_of);
        if !matches!(operator, Some("??" | "||")) {
            return None;
        }
        self.config_key_read(fallback.with(fallback.node.field("left")?))
    }

    /// For a read of the stack's configuration (`config.get("runtime")`, `getNumber`, `getSecret`,
    /// on a `pulumi.Config` held by a const or made in place), the key it reads when written out.
    fn config_key_read(&self, read: Located<'tree>) -> Option<Option<&'tree str>> {
        let read = self.unwrapped(read);
        if kind_of(read.node) != "call_expression" {
            return None;
        }
        let callee = read
            .node
            .field("function")
            .filter(|callee| kind_of(*callee) == "member_expression")?;
        let method = self.text(read.with(callee.field("property")?));
        if !method.starts_with("get") {
            return None;
        }
        let mut config = self.unwrapped(read.with(callee.field("object")?));
        if kind_of(config.node) == "identifier" {
            config = self.const_value(config)?;
        }
        let class = read.with(config.node.field("constructor")?);
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
