//! Values a Pulumi program reads from its stack's configuration (`config.require("runtime")`,
//! `config.get("runtime") ?? "go1.x"`, a field of `config.getObject("fn")`): what each stack
//! sets (`stack_files`) deploys there, and a default written in code deploys only where no stack
//! sets the key.

use super::iteration::Step;
use super::stack_files::{ConfiguredValue, Namespace, Setting};
use super::values::is_fallback;
use super::{Located, Package, Program};
use crate::cloud::{StackNumber, StackNumberSource, StackNumbers};
use crate::syntax::{kind_of, Fields};

/// A read of the stack's configuration, as far as the code writes it out.
pub(super) struct ConfigRead<'tree> {
    /// The expression read, past the consts that hold it: where findings about it point.
    pub at: Located<'tree>,
    pub namespace: Namespace<'tree>,
    /// The method of `pulumi.Config` called (`getObject`).
    pub method: &'tree str,
    /// The key; `None` when computed.
    pub key: Option<&'tree str>,
    /// The fields read of an object value, outermost first (`["runtime"]` for
    /// `config.getObject("build")?.runtime` and for `const { runtime } = config.getObject("build")`).
    pub fields: Vec<String>,
}

/// The value `read ?? default` (or `read || default`) falls back from.
fn fallback_read(fallback: Located) -> Option<Located> {
    is_fallback(fallback.node)
        .then(|| fallback.node.field("left"))
        .flatten()
        .map(|left| fallback.with(left))
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
        self.config_read(fallback_read(fallback)?).map(|read| read.key)
    }

    /// Each stack's value for a read of its configuration (`config.require("runtime")`,
    /// `build.runtime` of `const build = config.getObject("build")`), by the stack's name (see
    /// `StackConfig::value_per_stack`); empty for anything else.
    pub(super) fn configured_values(&self, read: Located<'tree>) -> Vec<(Option<String>, ConfiguredValue)> {
        self.config_read(read)
            .map(|read| self.stack_settings(&read))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(stack, setting)| Some((stack, setting.value()?)))
            .collect()
    }

    /// Each stack's number for a reservation read from the stack's configuration
    /// (`config.requireNumber("reserved")`, where the code reads it), and for
    /// `config.getNumber("reserved") ?? 100` the default in the stacks that set none.
    /// A string read converted (`Number(config.require("reserved"))`, `parseInt(…, 10)`, `+…`)
    /// counts as the number the stack's text gives.
    pub(super) fn configured_numbers(&self, read: Located<'tree>) -> Option<StackNumbers> {
        let (value, converted) = self.converted_to_number(self.written_value(read));
        let (read, default) = match fallback_read(value) {
            Some(left) => {
                let default = value.node.field("right").map(|right| value.with(right));
                let number_default = default.and_then(|right| self.largest_number_value(right));
                // `Number(config.get("reserved") ?? "500")`.
                let text_default = || {
                    let right = default.filter(|_| converted)?;
                    let written = (kind_of(right.node) == "string").then(|| self.string_value(right))??;
                    Some((number(&written)?, right))
                };
                (self.converted_to_number(left).0, number_default.or_else(text_default))
            }
            None => (value, None),
        };
        let read = self.config_read(read)?;
        let per_stack: Vec<StackNumber> = self
            .stack_settings(&read)
            .into_iter()
            .filter_map(|(stack, setting)| {
                let (value, source) = match (setting, &default) {
                    (Setting::Value(configured), _) => (
                        number(&configured.text)?,
                        StackNumberSource::Settings(configured.set_in),
                    ),
                    (Setting::Unset, Some((default, _))) => (*default, StackNumberSource::CodeDefault),
                    (Setting::Unset | Setting::Opaque, _) => return None,
                };
                Some(StackNumber { stack, value, source })
            })
            .collect();
        (!per_stack.is_empty()).then(|| StackNumbers {
            read_at: read.at.into(),
            per_stack,
        })
    }

    /// How many items a list read from the stack's configuration holds
    /// (`config.requireObject<string[]>("tenants")`, or a field of an object read so): the number
    /// every stack's configuration agrees on; `None` where stacks differ or one's is unknown.
    pub(super) fn configured_list_length(&self, read: Located<'tree>) -> Option<u64> {
        let read = self.config_read(read)?;
        // `config.require("names")` is a string, whose loop runs over its characters.
        if !matches!(read.method, "getObject" | "requireObject") {
            return None;
        }
        let fields: Vec<&str> = read.fields.iter().map(String::as_str).collect();
        let lengths = self
            .stack_config
            .list_length_per_stack(read.namespace, read.key?, &fields);
        let (_, first) = lengths.first()?;
        let length = (*first)?;
        lengths
            .iter()
            .all(|(_, other)| *other == Some(length))
            .then(|| u64::try_from(length).ok())
            .flatten()
    }

    /// Each stack's number where the code picks it by the stack's name from a record
    /// (`perStack[pulumi.getStack()]` of `const perStack = { prod: 450, dev: 5 }`): a stack the
    /// record leaves out gets `undefined`, no reservation.
    pub(super) fn numbers_chosen_by_stack(&self, read: Located<'tree>) -> Option<StackNumbers> {
        let lookup = self.written_value(read);
        if kind_of(lookup.node) != "subscript_expression" {
            return None;
        }
        let name = self.written_value(lookup.with(lookup.node.field("index")?));
        if !self.calls_pulumi(name, "getStack") {
            return None;
        }
        let per_stack = self
            .record_values(lookup.with(lookup.node.field("object")?))?
            .into_iter()
            .map(|(stack, value)| {
                Some(StackNumber {
                    stack: Some(stack),
                    value: self.largest_number_value(value)?.0,
                    source: StackNumberSource::ChosenInCode,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        (!per_stack.is_empty()).then(|| StackNumbers {
            read_at: lookup.into(),
            per_stack,
        })
    }

    /// What a conversion of text to a number converts (`x` of `Number(x)`, `parseInt(x)`,
    /// `parseInt(x, 10)`, `parseFloat(x)` and `+x`), and whether there was one; else the value.
    fn converted_to_number(&self, value: Located<'tree>) -> (Located<'tree>, bool) {
        let converted = match kind_of(value.node) {
            "unary_expression" => value
                .node
                .field("operator")
                .filter(|operator| kind_of(*operator) == "+")
                .and_then(|_| value.node.field("argument"))
                .map(|argument| value.with(argument)),
            "call_expression" => {
                let arguments = self.call_arguments(value);
                let decimal = |radix: &Located<'tree>| self.text(*radix) == "10";
                value
                    .node
                    .field("function")
                    .map(|callee| value.with(callee))
                    .filter(|callee| match arguments.as_slice() {
                        [_] => ["Number", "parseInt", "parseFloat"]
                            .iter()
                            .any(|name| self.names_global(*callee, name)),
                        [_, radix] => decimal(radix) && self.names_global(*callee, "parseInt"),
                        _ => false,
                    })
                    .and_then(|_| arguments.first().copied())
            }
            _ => None,
        };
        match converted {
            Some(argument) => (self.written_value(argument), true),
            None => (value, false),
        }
    }

    fn stack_settings(&self, read: &ConfigRead) -> Vec<(Option<String>, Setting)> {
        let Some(key) = read.key else {
            return Vec::new();
        };
        let fields: Vec<&str> = read.fields.iter().map(String::as_str).collect();
        self.stack_config.value_per_stack(read.namespace, key, &fields)
    }

    /// For a condition that reads a boolean from the stack's configuration
    /// (`config.getBoolean("backfill")`, `!config.getBoolean(…)`), the stacks where it holds and
    /// those where it does not; `None` where some stack's value cannot be read.
    pub(super) fn stacks_enabling(&self, condition: Located<'tree>) -> Option<(Vec<String>, Vec<String>)> {
        let condition = self.unwrapped(condition);
        if kind_of(condition.node) == "unary_expression"
            && condition
                .node
                .field("operator")
                .is_some_and(|operator| kind_of(operator) == "!")
        {
            let (holding, failing) = self.stacks_enabling(condition.with(condition.node.field("argument")?))?;
            return Some((failing, holding));
        }
        let read = self.written_value(condition);
        let (_, method) = self.method_call(read)?;
        // `getBoolean` is undefined, so false, where no stack sets the key.
        let unset_holds = match method {
            "getBoolean" => Some(false),
            "requireBoolean" => None,
            _ => return None,
        };
        let mut holding = Vec::new();
        let mut failing = Vec::new();
        for (stack, setting) in self.stack_settings(&self.config_read(read)?) {
            let holds = match setting {
                Setting::Value(value) => match value.text.trim() {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                },
                Setting::Unset => unset_holds?,
                Setting::Opaque => return None,
            };
            // What every stack gets, where the project has no stack file, names no stack.
            let stack = stack?;
            if holds {
                holding.push(stack);
            } else {
                failing.push(stack);
            }
        }
        Some((holding, failing))
    }

    /// Whether an expression calls a function of `@pulumi/pulumi` (`pulumi.getStack()`), under
    /// any import of it.
    pub(super) fn calls_pulumi(&self, at: Located<'tree>, function: &str) -> bool {
        kind_of(at.node) == "call_expression"
            && at
                .node
                .field("function")
                .and_then(|callee| self.package_member(at.with(callee)))
                .is_some_and(|member| member.is(Package::Pulumi, &[function]))
    }

    /// For a read of the stack's configuration (`config.get("runtime")`, `getNumber`, `getSecret`,
    /// `require…`, on a `pulumi.Config` held by a const or made in place, and the fields of an
    /// object read so), what it reads.
    pub(super) fn config_read(&self, read: Located<'tree>) -> Option<ConfigRead<'tree>> {
        // Innermost first while reading outward.
        let mut fields = Vec::new();
        let at = self.written_value(read);
        let mut read = at;
        loop {
            match kind_of(read.node) {
                // `settings?.runtime` of `const settings = config.getObject("settings")`: a
                // field of the object's key.
                "member_expression" => {
                    fields.push(self.text(read.with(read.node.field("property")?)).to_owned());
                    read = self.written_value(read.with(read.node.field("object")?));
                }
                // `const { runtime } = config.requireObject("fn")`.
                "identifier" | "shorthand_property_identifier" => {
                    let (value, path) = self.destructured_from(read, true)?;
                    for step in path.into_iter().rev() {
                        match step {
                            Step::Property(name) => fields.push(name),
                            Step::Position(_) => return None,
                        }
                    }
                    read = self.written_value(value);
                }
                _ => break,
            }
        }
        fields.reverse();
        let (config, method) = self.method_call(read)?;
        if !method.starts_with("get") && !method.starts_with("require") {
            return None;
        }
        let config = self.written_value(config);
        let class = config.with(config.node.field("constructor")?);
        if kind_of(config.node) != "new_expression" || !self.package_member(class)?.is(Package::Pulumi, &["Config"]) {
            return None;
        }
        let literal =
            |at: Located<'tree>| (kind_of(at.node) == "string").then(|| self.text(at).trim_matches(['"', '\'']));
        let namespace = match self.call_arguments(config).first() {
            None => Namespace::Project,
            // `new pulumi.Config(pulumi.getProject())` is the project's own.
            Some(name) if self.calls_pulumi(*name, "getProject") => Namespace::Project,
            Some(name) => literal(*name).map_or(Namespace::Unknown, Namespace::Named),
        };
        let key = self.call_arguments(read).first().and_then(|key| literal(*key));
        Some(ConfigRead {
            at,
            namespace,
            method,
            key,
            fields,
        })
    }
}

/// A number as the stack's configuration holds it: `requireNumber` reads `800` and `800.0` alike;
/// a reservation is a whole number.
fn number(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse().ok().or_else(|| {
        let value: f64 = text.parse().ok()?;
        (value.fract() == 0.0 && value.abs() < 1e15).then_some(value as i64)
    })
}
