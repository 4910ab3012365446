//! Following a template's values to where they are written: through `Ref` to a parameter's
//! `Default`, through `Fn::FindInMap` into `Mappings`, and into both arms of `Fn::If`. Intrinsics are
//! read in their short form (`!Ref Name`) and their long form (`Ref: Name`, `{"Ref": "Name"}`).

use super::Template;
use crate::frontends::document::{Scalar, Value, ValueKind};

/// A scalar a value may come to, and how it gets there.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'t> {
    pub scalar: &'t Scalar,
    /// The value holding the scalar: where it is written.
    pub value: &'t Value,
    /// A parameter's default, which the deployment may override.
    pub overridable: bool,
    /// Written in place, not reached through a parameter or a mapping.
    pub in_place: bool,
}

/// The scalars a value may come to.
#[derive(Debug, Clone, Default)]
pub struct Candidates<'t> {
    pub found: Vec<Candidate<'t>>,
    /// Every way the value may go was followed: no parameter without a default, no pseudo
    /// parameter, no other intrinsic.
    pub complete: bool,
}

impl<'t> Candidates<'t> {
    /// The one scalar the value surely is.
    pub fn sole(&self) -> Option<Candidate<'t>> {
        match (self.complete, self.found.as_slice()) {
            (true, [only]) => Some(*only),
            _ => None,
        }
    }
}

/// The intrinsic function a value calls, by its long name (`Ref`, `Fn::GetAtt`), and its argument.
pub fn intrinsic(value: &Value) -> Option<(String, &Value)> {
    match &value.kind {
        ValueKind::Tagged { tag, value } => {
            let name = tag.strip_prefix('!')?;
            let long = match name {
                "Ref" | "Condition" => name.to_owned(),
                _ => format!("Fn::{name}"),
            };
            Some((long, value))
        }
        ValueKind::Map(map) => match map.entries.as_slice() {
            [only] if only.key == "Ref" || only.key.starts_with("Fn::") => Some((only.key.clone(), &only.value)),
            _ => None,
        },
        _ => None,
    }
}

impl<'t> Template<'t> {
    /// The scalars `value` may come to.
    pub fn candidates(&'t self, value: &'t Value) -> Candidates<'t> {
        let mut candidates = Candidates {
            found: Vec::new(),
            complete: true,
        };
        self.collect(value, false, true, &mut candidates, 0);
        candidates
    }

    fn collect(&'t self, value: &'t Value, overridable: bool, in_place: bool, into: &mut Candidates<'t>, depth: usize) {
        // Parameters never refer to each other, and mappings hold no intrinsics: a chain this long
        // is not a template's.
        if depth > 8 {
            into.complete = false;
            return;
        }
        if let ValueKind::Scalar(scalar) = &value.kind {
            into.found.push(Candidate {
                scalar,
                value,
                overridable,
                in_place,
            });
            return;
        }
        let Some((name, argument)) = intrinsic(value) else {
            into.complete = false;
            return;
        };
        match name.as_str() {
            "Ref" => match argument.text() {
                Some(name) => self.collect_parameter(name, into, depth),
                None => into.complete = false,
            },
            "Fn::If" => match argument.as_list().map(|list| list.items.as_slice()) {
                Some([_, when_true, when_false]) => {
                    self.collect(when_true, overridable, in_place, into, depth + 1);
                    self.collect(when_false, overridable, in_place, into, depth + 1);
                }
                _ => into.complete = false,
            },
            "Fn::FindInMap" => {
                let values = self.mapped_values(argument);
                if values.is_empty() {
                    into.complete = false;
                }
                for mapped in values {
                    self.collect(mapped, overridable, false, into, depth + 1);
                }
            }
            _ => into.complete = false,
        }
    }

    /// The values a `Ref` to `name` may come to: a parameter's `Default`, which a deployment may
    /// override; for a parameter without one, each of its `AllowedValues`, since every deployment
    /// must choose one of them (a template offering only retired runtimes there cannot deploy).
    /// A pseudo parameter (`AWS::Region`), a resource or an unconstrained parameter is unknown.
    fn collect_parameter(&'t self, name: &str, into: &mut Candidates<'t>, depth: usize) {
        let Some(parameter) = self.root.get("Parameters").and_then(|parameters| parameters.get(name)) else {
            into.complete = false;
            return;
        };
        if let Some(default) = parameter.get("Default") {
            return self.collect(default, true, false, into, depth + 1);
        }
        match parameter.get("AllowedValues").and_then(Value::as_list) {
            Some(allowed) if !allowed.items.is_empty() => {
                for value in &allowed.items {
                    self.collect(value, false, false, into, depth + 1);
                }
            }
            _ => into.complete = false,
        }
    }

    /// The values a `Fn::FindInMap` may read: the one its keys name, or, for a key chosen when the
    /// stack deploys (`!Ref AWS::Region`), the value under every key of that level.
    fn mapped_values(&'t self, argument: &'t Value) -> Vec<&'t Value> {
        let Some([map_name, top, second]) = argument.as_list().map(|list| list.items.as_slice()) else {
            return Vec::new();
        };
        let Some(mapping) = map_name.text().and_then(|name| self.root.get("Mappings")?.get(name)) else {
            return Vec::new();
        };
        let tops: Vec<&Value> = match top.text() {
            Some(key) => mapping.get(key).into_iter().collect(),
            None => mapping
                .as_map()
                .map(|map| map.entries.iter().map(|entry| &entry.value).collect())
                .unwrap_or_default(),
        };
        tops.into_iter()
            .flat_map(|level| match second.text() {
                Some(key) => level.get(key).into_iter().collect::<Vec<_>>(),
                None => level
                    .as_map()
                    .map(|map| map.entries.iter().map(|entry| &entry.value).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }
}
