//! `Fn::ForEach` in the resources section (the `AWS::LanguageExtensions` transform):
//! `'Fn::ForEach::Workers': [Name, [Orders, Invoices], {'${Name}Function': {…}}]` makes one
//! resource per element of the collection, each a copy of the fragment with `${Name}` (and
//! `&{Name}`, which keeps only the element's letters and digits) replaced by the element.
//!
//! A loop whose collection is known (a list written out, or a `Ref` to a `CommaDelimitedList`
//! parameter's `Default`) is read as the fragment's resources, each standing for as many
//! instances as the collection has elements: one resource of the graph, made that many times,
//! whose settings are written once for all of them. A loop whose collection cannot be known
//! (a parameter without a default, another intrinsic, a nested loop's collection that reads the
//! outer identifier) is not read: a notice says so, so that "No findings." is never a verdict on
//! resources nothing looked at.

use std::ops::Range;

use super::values::intrinsic;
use crate::frontends::document::{Entry, Value, ValueKind};

/// What a loop key starts with.
const LOOP_KEY: &str = "Fn::ForEach::";

/// A resource of the fragment of one or more nested loops, and the logical ids its copies get.
#[derive(Debug, Clone)]
pub struct LoopMade {
    /// The logical ids CloudFormation gives the copies, in the collection's order.
    pub logical_ids: Vec<String>,
    /// The loops that make it, outermost first, as the template names them (`Fn::ForEach::Workers`).
    pub loops: Vec<String>,
    /// Their identifiers (`Kind`).
    pub identifiers: Vec<String>,
    /// The bytes of the innermost loop, key and value: only what is written there may name the
    /// copies as the fragment does (`!GetAtt ${Kind}Queue.Arn`).
    pub within: Range<usize>,
}

impl LoopMade {
    /// Why a resource it makes cannot be named by its logical id as written from `at`, when it
    /// cannot: outside the loop, the identifier means nothing.
    pub fn named_from(&self, logical_id: &str, at: &Range<usize>) -> Result<(), String> {
        match self.within.start <= at.start && at.end <= self.within.end {
            true => Ok(()),
            false => Err(format!(
                "`{logical_id}` stands for the copies `{}` makes ({}), which cannot be named outside the loop; name them by hand",
                self.loops.last().map_or("", String::as_str),
                self.logical_ids.join(", ")
            )),
        }
    }

    /// Whether a value of the fragment differs from copy to copy: it names an identifier
    /// (`${Kind}`, `&{Kind}`, `!Ref Kind`), anywhere in it.
    pub fn varies(&self, value: &Value) -> bool {
        match &value.kind {
            ValueKind::Scalar(scalar) => self
                .identifiers
                .iter()
                .any(|identifier| mentions(&scalar.text, identifier) || scalar.text == *identifier),
            ValueKind::Map(map) => map.entries.iter().any(|entry| self.varies(&entry.value)),
            ValueKind::List(list) => list.items.iter().any(|item| self.varies(item)),
            ValueKind::Tagged { value, .. } => self.varies(value),
            ValueKind::Other => false,
        }
    }
}

/// A loop the front end could not read, and why.
#[derive(Debug, Clone)]
pub struct UnreadLoop {
    pub name: String,
    /// Where its key is written.
    pub at: Range<usize>,
    pub why: String,
}

/// The resources section with each loop replaced by the resources of its fragment: the entries
/// read, each with what made it when a loop did, and the loops that could not be read.
pub fn expand(entries: &[Entry], parameters: Option<&Value>) -> (Vec<(Entry, Option<LoopMade>)>, Vec<UnreadLoop>) {
    let mut expanded = Vec::new();
    let mut unread = Vec::new();
    for entry in entries {
        match entry.key.starts_with(LOOP_KEY) {
            true => expand_loop(entry, &Outer::default(), parameters, &mut expanded, &mut unread),
            false => expanded.push((entry.clone(), None)),
        }
    }
    (expanded, unread)
}

/// The loops around a fragment: for each copy, the identifiers' values, and the loops' names.
#[derive(Default, Clone)]
struct Outer {
    /// One per copy the outer loops make: each identifier and the element it stands for.
    copies: Vec<Vec<(String, String)>>,
    loops: Vec<String>,
    identifiers: Vec<String>,
}

fn expand_loop(
    entry: &Entry,
    outer: &Outer,
    parameters: Option<&Value>,
    expanded: &mut Vec<(Entry, Option<LoopMade>)>,
    unread: &mut Vec<UnreadLoop>,
) {
    let not_read = |why: String| UnreadLoop {
        name: entry.key.clone(),
        at: entry.key_range.clone(),
        why,
    };
    let Some([identifier, collection, fragment]) = entry.value.as_list().map(|list| list.items.as_slice()) else {
        unread.push(not_read(
            "it is not written as `[Identifier, Collection, Fragment]`".to_owned(),
        ));
        return;
    };
    let (Some(identifier), Some(fragment)) = (identifier.text(), fragment.as_map()) else {
        unread.push(not_read("its identifier or its fragment is not written out".to_owned()));
        return;
    };
    // Inside the fragment `!Ref Kind` is the element; infrafix follows a `Ref` to a parameter.
    if parameters.and_then(|parameters| parameters.get(identifier)).is_some() {
        unread.push(not_read(format!(
            "its identifier `{identifier}` is also a parameter's name, and infrafix would read a `Ref` to it in the fragment as the parameter"
        )));
        return;
    }
    let elements = match elements(collection, parameters) {
        Ok(elements) => elements,
        Err(why) => {
            unread.push(not_read(why));
            return;
        }
    };
    // An outer identifier in the collection gives each outer copy a collection of its own.
    if outer
        .copies
        .iter()
        .flatten()
        .any(|(outer_identifier, _)| elements.iter().any(|element| mentions(element, outer_identifier)))
    {
        unread.push(not_read(
            "its collection differs for each element of an outer loop".to_owned(),
        ));
        return;
    }
    let base = match outer.copies.is_empty() {
        true => vec![Vec::new()],
        false => outer.copies.clone(),
    };
    let inner = Outer {
        copies: base
            .iter()
            .flat_map(|copy| {
                elements.iter().map(move |element| {
                    let mut copy = copy.clone();
                    copy.push((identifier.to_owned(), element.clone()));
                    copy
                })
            })
            .collect(),
        loops: outer.loops.iter().cloned().chain([entry.key.clone()]).collect(),
        identifiers: outer
            .identifiers
            .iter()
            .cloned()
            .chain([identifier.to_owned()])
            .collect(),
    };
    for made in &fragment.entries {
        if made.key.starts_with(LOOP_KEY) {
            expand_loop(made, &inner, parameters, expanded, unread);
            continue;
        }
        let logical_ids = inner.copies.iter().map(|copy| substituted(&made.key, copy)).collect();
        expanded.push((
            made.clone(),
            Some(LoopMade {
                logical_ids,
                loops: inner.loops.clone(),
                identifiers: inner.identifiers.clone(),
                within: entry.range.clone(),
            }),
        ));
    }
}

/// The elements of a loop's collection, or why they cannot be known.
fn elements(collection: &Value, parameters: Option<&Value>) -> Result<Vec<String>, String> {
    if let Some(list) = collection.as_list() {
        return list
            .items
            .iter()
            .map(|item| item.text().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| "its collection holds values that are not written out".to_owned());
    }
    let name = match intrinsic(collection) {
        Some((function, argument)) if function == "Ref" => argument.text(),
        _ => None,
    }
    .ok_or_else(|| "its collection is computed in a way infrafix does not read".to_owned())?;
    let parameter = parameters
        .and_then(|parameters| parameters.get(name))
        .ok_or_else(|| format!("its collection is `{name}`, which is not a parameter of the template"))?;
    let default = parameter.get("Default").and_then(Value::text).ok_or_else(|| {
        format!("its collection is the parameter `{name}`, which has no `Default` (its elements are given when the stack deploys)")
    })?;
    Ok(default.split(',').map(|element| element.trim().to_owned()).collect())
}

/// Whether `text` holds `${identifier}` or `&{identifier}`.
fn mentions(text: &str, identifier: &str) -> bool {
    text.contains(&format!("${{{identifier}}}")) || text.contains(&format!("&{{{identifier}}}"))
}

/// `text` with each identifier replaced by its element: `${Name}` by the element, `&{Name}` by
/// its letters and digits.
pub fn substituted(text: &str, copy: &[(String, String)]) -> String {
    copy.iter().fold(text.to_owned(), |text, (identifier, element)| {
        let alphanumeric: String = element.chars().filter(char::is_ascii_alphanumeric).collect();
        text.replace(&format!("${{{identifier}}}"), element)
            .replace(&format!("&{{{identifier}}}"), &alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> Value {
        let tree = crate::syntax::parse(yaml, crate::syntax::Dialect::Yaml).expect("parses");
        crate::frontends::document::read(tree.root_node(), yaml).expect("a value")
    }

    #[test]
    fn nested_loops_make_every_combination_and_unknown_collections_are_not_read() {
        let template = read(
            "Parameters:\n  Kinds:\n    Type: CommaDelimitedList\n    Default: orders, invoices\n  Tenants:\n    Type: CommaDelimitedList\nResources:\n  Fn::ForEach::Regions:\n    - Region\n    - [eu-west-1, us-east-1]\n    - Fn::ForEach::Kinds:\n        - Kind\n        - !Ref Kinds\n        - '&{Region}${Kind}Queue':\n            Type: AWS::SQS::Queue\n  Fn::ForEach::Tenants:\n    - Tenant\n    - !Ref Tenants\n    - '${Tenant}Queue':\n        Type: AWS::SQS::Queue\n",
        );
        let resources = template.get("Resources").and_then(Value::as_map).expect("resources");
        let (expanded, unread) = expand(&resources.entries, template.get("Parameters"));
        let [(entry, Some(made))] = expanded.as_slice() else {
            panic!("one resource made by the nested loops: {expanded:?}");
        };
        assert_eq!(entry.key, "&{Region}${Kind}Queue");
        assert_eq!(
            made.logical_ids,
            [
                "euwest1ordersQueue",
                "euwest1invoicesQueue",
                "useast1ordersQueue",
                "useast1invoicesQueue"
            ]
        );
        assert_eq!(made.loops, ["Fn::ForEach::Regions", "Fn::ForEach::Kinds"]);
        let [unread] = unread.as_slice() else {
            panic!("one loop not read: {unread:?}");
        };
        assert_eq!(unread.name, "Fn::ForEach::Tenants");
        assert!(unread.why.contains("has no `Default`"), "{}", unread.why);
    }

    #[test]
    fn replaces_both_forms_of_the_identifier() {
        let copy = vec![("Name".to_owned(), "orders-eu".to_owned())];
        assert_eq!(substituted("${Name}Function", &copy), "orders-euFunction");
        assert_eq!(substituted("&{Name}Function", &copy), "orderseuFunction");
    }
}
