//! How a new resource is written beside an existing one: its class spelled through the file's own
//! imports, a logical name derived from its neighbour's (so that every instance of a component or
//! helper gets its own URN), and the neighbour's `provider` and `parent` options; beside a CDK
//! construct, the L1 class in the neighbour's scope, with an id derived from the neighbour's.

use super::{cdk, name_from_logical_name, named_children, Located, Package, PackageMember, Program, ResourceDecl};
use crate::style::template::Code;
use crate::syntax::{kind_of, Fields};

/// A resource to insert, rendered and ready for [`Program::insert_statement_after`].
pub struct NewResource {
    pub code: Code,
    /// The `const` it is bound to: derived from its logical name, clashing with nothing.
    pub binding: String,
}

impl<'tree> Program<'tree> {
    /// `new <class>(<neighbour's name>-<suffix>, args, <neighbour's provider and parent>)`, or
    /// beside a CDK construct `new <L1 class>(<its scope>, "<its id><Suffix>", props)`; `class` is
    /// the Pulumi type, and `args` are named as Pulumi names them.
    pub fn new_resource_beside(
        &self,
        neighbour: &ResourceDecl<'tree>,
        class: &[&str],
        suffix: &str,
        args: Code,
    ) -> Result<NewResource, String> {
        if neighbour.class.package == Package::Cdk {
            return self.new_construct_beside(neighbour, class, suffix, args);
        }
        let member = PackageMember {
            package: Package::Aws,
            path: class.iter().map(|part| part.to_string()).collect(),
        };
        let spelled = self
            .spelling_of(neighbour.file, &member)
            .ok_or_else(|| format!("the file imports nothing that reaches aws.{}", class.join(".")))?;
        let logical_name = neighbour
            .logical_name
            .map(|node| Located {
                file: neighbour.file,
                node,
            })
            .ok_or("the neighbour has no logical name")?;
        // A name spelt over several lines cannot be extended on one (found by the fuzzer).
        if self.text(logical_name).contains(['\n', '\r']) {
            return Err("the neighbour's logical name spans lines".to_owned());
        }
        let name = self.derived_logical_name(logical_name, "-", suffix);
        let base = name_from_logical_name(&name).unwrap_or_else(|| "resource".to_owned());
        let mut arguments = vec![Code::verbatim(name), args];
        arguments.extend(self.inherited_options(neighbour));
        Ok(NewResource {
            code: Code::New {
                class: spelled,
                arguments,
            },
            binding: self.fresh_name(neighbour.file, &base),
        })
    }

    /// The CDK form of `new_resource_beside`.
    fn new_construct_beside(
        &self,
        neighbour: &ResourceDecl<'tree>,
        class: &[&str],
        suffix: &str,
        args: Code,
    ) -> Result<NewResource, String> {
        let member = cdk::l1_class_for(class)
            .ok_or_else(|| format!("infrafix knows no CDK class for aws.{}", class.join(".")))?;
        let spelled = self.spelling_of(neighbour.file, &member).ok_or_else(|| {
            format!(
                "the file imports nothing that reaches the CDK's {}",
                member.path.join(".")
            )
        })?;
        let here = |node| Located {
            file: neighbour.file,
            node,
        };
        let scope = self
            .call_arguments(here(neighbour.expression))
            .first()
            .map(|scope| self.text(*scope).to_owned())
            .ok_or("the neighbour has no scope")?;
        let id = neighbour.logical_name.map(here).ok_or("the neighbour has no id")?;
        if self.text(id).contains(['\n', '\r']) {
            return Err("the neighbour's id spans lines".to_owned());
        }
        let pascal: String = suffix
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let id = self.derived_logical_name(id, "", &pascal);
        let base = name_from_logical_name(&id).unwrap_or_else(|| "construct".to_owned());
        let props = match args {
            Code::Object(entries) => Code::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (cdk::prop_name(&member, &key).to_owned(), value))
                    .collect(),
            ),
            other => other,
        };
        Ok(NewResource {
            code: Code::New {
                class: spelled,
                arguments: vec![Code::verbatim(scope), Code::verbatim(id), props],
            },
            binding: self.fresh_name(neighbour.file, &base),
        })
    }

    /// The neighbour's logical name with a suffix after `separator` (`-` in Pulumi's names, none
    /// in the CDK's ids), as the same kind of expression, numbered where the program or another
    /// fix of this pass already uses it (two resources of one name in a stack fail the deploy
    /// with a duplicate URN, two constructs of one id in a scope fail the synth).
    fn derived_logical_name(&self, logical_name: Located<'tree>, separator: &str, suffix: &str) -> String {
        let text = self.text(logical_name);
        let with_suffix = |suffix: &str| match kind_of(logical_name.node) {
            "string" | "template_string" if text.len() >= 2 => {
                let (body, quote) = text.split_at(text.len() - 1);
                format!("{body}{separator}{suffix}{quote}")
            }
            _ => format!("`${{{text}}}{separator}{suffix}`"),
        };
        // Asked once per resource a fix creates, and a dense project declares hundreds.
        let declared = self.memo.declared_logical_names.get_or_init(|| {
            self.resources()
                .iter()
                .filter_map(|resource| {
                    resource.logical_name.map(|node| Located {
                        file: resource.file,
                        node,
                    })
                })
                .map(|at| unquoted(self.text(at)).to_owned())
                .collect()
        });
        let mut handed_out = self.memo.handed_out_logical_names.borrow_mut();
        let name = std::iter::once(suffix.to_owned())
            .chain((2..100).map(|n| format!("{suffix}{separator}{n}")))
            .map(|suffix| with_suffix(&suffix))
            .find(|name| {
                let name = unquoted(name);
                if declared.contains(name) || handed_out.contains(name) {
                    return false;
                }
                // A plain name can only equal another plain name spelt the same, or a template:
                // the few templates are kept apart, so the common case is two look-ups.
                let others: Box<dyn Iterator<Item = &String>> = match name.contains("${") {
                    true => Box::new(declared.iter().chain(handed_out.iter())),
                    false => Box::new(
                        self.declared_logical_templates(declared)
                            .iter()
                            .chain(handed_out.iter().filter(|other| other.contains("${"))),
                    ),
                };
                !others.into_iter().any(|other| may_equal(name, other))
            })
            .unwrap_or_else(|| with_suffix(suffix));
        if handed_out.insert(unquoted(&name).to_owned()) {
            self.log_taken(super::edits::TakenName::LogicalName(unquoted(&name).to_owned()));
        }
        name
    }

    /// The declared logical names that are templates (`${name}-role`), found once.
    fn declared_logical_templates(&self, declared: &foldhash::HashSet<String>) -> &[String] {
        self.memo
            .declared_logical_templates
            .get_or_init(|| declared.iter().filter(|name| name.contains("${")).cloned().collect())
    }

    /// `provider` and `parent` of a resource's options, for a resource created beside it.
    fn inherited_options(&self, resource: &ResourceDecl<'tree>) -> Option<Code> {
        let options = resource.options()?;
        let inherited: Vec<(&str, Code)> = match self.object_literal(options) {
            Some(object) => ["provider", "parent"]
                .into_iter()
                .filter_map(|key| {
                    self.property(object, key)
                        .map(|found| (key, Code::verbatim(self.text(found.value))))
                })
                .collect(),
            None => {
                // An optional parameter (`opts?: CustomResourceOptions`) may be undefined.
                let read = match self.may_be_undefined(options) {
                    true => "?.",
                    false => ".",
                };
                let options = self.text(options);
                vec![
                    ("provider", Code::verbatim(format!("{options}{read}provider"))),
                    ("parent", Code::verbatim(format!("{options}{read}parent"))),
                ]
            }
        };
        (!inherited.is_empty()).then(|| Code::object(inherited))
    }
}

impl<'tree> Program<'tree> {
    /// Whether a parameter read as a whole may be `undefined`: declared optional without a
    /// default, or with `undefined` in its type.
    fn may_be_undefined(&self, value: Located<'tree>) -> bool {
        if kind_of(value.node) != "identifier" {
            return false;
        }
        let Some(function) = self.function_declaring_parameter(value) else {
            return false;
        };
        let name = self.text(value);
        let parameter = function.field("parameters").and_then(|parameters| {
            named_children(parameters).find(|parameter| {
                parameter
                    .field("pattern")
                    .is_some_and(|p| self.text(value.with(p)) == name)
            })
        });
        parameter.is_some_and(|parameter| {
            let without_default = parameter.field("value").is_none();
            let optional = kind_of(parameter) == "optional_parameter";
            let typed_undefined = parameter
                .field("type")
                .is_some_and(|annotation| self.text(value.with(annotation)).contains("undefined"));
            without_default && (optional || typed_undefined)
        })
    }
}

/// Whether two logical names, either of them a template (`${name}-dlq-send`), may be the same
/// string when the program runs: Pulumi then fails on a duplicate URN. A name with no text of its
/// own (`${name}`, or a variable) says nothing, like a name infrafix cannot read.
fn may_equal(one: &str, other: &str) -> bool {
    let says_nothing = |name: &str| name.contains("${") && static_parts(name).iter().all(|part| part.is_empty());
    if says_nothing(one) || says_nothing(other) {
        return one == other;
    }
    match (one.contains("${"), other.contains("${")) {
        (false, false) => one == other,
        (true, false) => fits_template(one, other),
        (false, true) => fits_template(other, one),
        (true, true) => {
            let (one, other) = (static_parts(one), static_parts(other));
            let (Some(first), Some(other_first)) = (one.first(), other.first()) else {
                return true;
            };
            let (Some(last), Some(other_last)) = (one.last(), other.last()) else {
                return true;
            };
            (first.starts_with(other_first) || other_first.starts_with(first))
                && (last.ends_with(other_last) || other_last.ends_with(last))
        }
    }
}

/// The text of a template around its substitutions: `a-${x}-b` gives `["a-", "-b"]`.
fn static_parts(template: &str) -> Vec<&str> {
    let mut pieces = template.split("${");
    let first = pieces.next().unwrap_or("");
    std::iter::once(first)
        .chain(pieces.map(|piece| piece.split_once('}').map_or("", |(_, rest)| rest)))
        .collect()
}

/// Whether a plain name is one a template can produce.
fn fits_template(template: &str, name: &str) -> bool {
    let parts = static_parts(template);
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return true;
    };
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// A logical name's text without its quotes, so that `"a"` and `'a'` compare equal.
fn unquoted(text: &str) -> &str {
    let inner = text
        .strip_prefix(['"', '\'', '`'])
        .and_then(|rest| rest.strip_suffix(['"', '\'', '`']));
    inner.unwrap_or(text)
}
