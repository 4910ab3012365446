//! Functions and layers: `AWS::Lambda::Function` and `AWS::Serverless::Function` (whose settings
//! SAM's `Globals` may give), `AWS::Lambda::LayerVersion` and `AWS::Serverless::LayerVersion`.
//! What a function runs as, sends failed events to and waits for is read in `iam`.

use super::values::{intrinsic, Candidate};
use super::{Resource, Template};
use crate::cloud::{
    Branch, CodePackage, DeployTarget, HandlerPlace, LambdaFunction, LambdaLayer, ListEntry, Multiplicity, Reservation,
    RuntimeValue, StackFilter, Written,
};
use crate::frontends::document::{Entry, Value};

const FUNCTION_TYPES: [&str; 2] = ["AWS::Lambda::Function", "AWS::Serverless::Function"];
const LAYER_TYPES: [&str; 2] = ["AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion"];

/// A function's setting, and whether the function writes it or SAM's `Globals` give it.
struct Setting<'t> {
    entry: &'t Entry,
    own: bool,
}

impl<'a> Template<'a> {
    pub(super) fn graph_functions(&self) -> Vec<LambdaFunction> {
        let compiled = self.compiled_function_ids();
        let mut functions: Vec<LambdaFunction> = self
            .resources()
            .enumerate()
            .filter(|(_, resource)| FUNCTION_TYPES.contains(&resource.kind))
            // The framework merges a service's resource named as a function it compiles into that
            // function: judged as a function of its own, its settings would be reported twice.
            .filter(|(_, resource)| !compiled.iter().any(|(logical_id, _)| logical_id == resource.logical_id))
            .map(|(index, resource)| self.lambda_function(index, &resource))
            .collect();
        functions.extend(self.service_functions());
        functions
    }

    fn lambda_function(&self, index: usize, resource: &Resource) -> LambdaFunction {
        LambdaFunction {
            resource: index,
            name: self.function_name(resource),
            at: self.site(resource.entry.key_range.clone()),
            declared: self.site(resource.entry.range.clone()),
            takes_handler: true,
            hands_a_callback: false,
            instances: self.instances(resource),
            branches: self.branches(resource),
            stacks: StackFilter::default(),
            reservations: self.reservations(resource),
            runtimes: self.function_runtimes(resource),
            handler: self
                .setting(resource, "Handler")
                .and_then(|handler| self.candidates(&handler.entry.value).sole())
                .map(|handler| handler.scalar.text.clone()),
            code: self
                .sam_build(resource)
                .or_else(|| self.inline_code(resource))
                .or_else(|| self.local_code(resource)),
            role: self.function_role(index, resource),
            role_per_call: Vec::new(),
            dead_letter: self.dead_letter(resource),
            depends_on: Some(self.waits_for(resource).into_iter().collect()),
        }
    }

    /// How messages name a function: by its logical id, and for one a `Fn::ForEach` loop makes,
    /// the logical ids of its copies and the loop.
    fn function_name(&self, resource: &Resource) -> String {
        match self.made_by_loop(resource) {
            Some(made) => format!(
                "`{}` (`{}`, made by `{}`)",
                resource.logical_id,
                made.logical_ids.join("`, `"),
                made.loops.iter().rev().cloned().collect::<Vec<_>>().join("` in `"),
            ),
            None => format!("`{}`", resource.logical_id),
        }
    }

    /// How many copies of a resource the template makes: one per element of the `Fn::ForEach`
    /// loops around it, each with the settings written once for all.
    fn instances(&self, resource: &Resource) -> Multiplicity {
        let copies = self.made_by_loop(resource).map_or(1, |made| made.logical_ids.len());
        Multiplicity::Exactly(u64::try_from(copies).unwrap_or(u64::MAX))
    }

    /// The choice a resource's `Condition` makes: resources under one condition are one arm of it,
    /// and those under its negation (`IsDev: !Not [!Condition IsProd]`) the other, so they never
    /// exist together. Other conditions are independent of each other: what they guard may exist.
    fn branches(&self, resource: &Resource) -> Vec<Branch> {
        let Some(name) = resource.condition() else {
            return Vec::new();
        };
        let (base, arm) = match self.negated_condition(name) {
            Some(base) => (base, 1),
            None => (name, 0),
        };
        let conditions = self.root.get("Conditions").and_then(Value::as_map);
        let Some(choice) = conditions.and_then(|map| map.entries.iter().position(|entry| entry.key == base)) else {
            return Vec::new();
        };
        vec![Branch {
            choice: (self.file, choice),
            arm,
        }]
    }

    /// The condition `name` is the negation of, when it is defined as one.
    fn negated_condition<'t>(&'t self, name: &str) -> Option<&'t str> {
        let definition = self.root.get("Conditions")?.get(name)?;
        let (function, argument) = intrinsic(definition)?;
        let [negated] = argument.as_list().filter(|_| function == "Fn::Not")?.items.as_slice() else {
            return None;
        };
        let base = match intrinsic(negated) {
            Some((function, base)) if function == "Condition" => base.text(),
            _ => negated.get("Condition").and_then(Value::text),
        }?;
        self.root.get("Conditions")?.get(base).map(|_| base)
    }

    /// How `sam build` makes a SAM function's package from its local `CodeUri`: with `BuildMethod:
    /// go1.x` it builds the Go binary under the handler's name; without a `BuildMethod` it builds
    /// a go1.x function by its runtime, but a function of an OS-only runtime not at all; with any
    /// other (a Makefile's target) it builds what infrafix does not read.
    fn sam_build(&self, resource: &Resource) -> Option<CodePackage> {
        if resource.kind != "AWS::Serverless::Function" {
            return None;
        }
        let code_uri = self.setting(resource, "CodeUri")?.entry.value.text()?;
        if code_uri.starts_with("s3://") {
            return None;
        }
        let by = "`sam build`".to_owned();
        match resource
            .entry
            .value
            .get("Metadata")
            .and_then(|metadata| metadata.get("BuildMethod"))
        {
            // The binary is the handler's name: the rule knows whether its fix makes that `bootstrap`.
            Some(method) if method.text() == Some("go1.x") => Some(CodePackage::NamedAfterHandler {
                by: format!("{by} (`BuildMethod: go1.x`)"),
            }),
            // A Makefile's or another builder's output is not read: it must change with the runtime.
            Some(method) => Some(CodePackage::Unjudged {
                reason: match method.text() {
                    Some("makefile") => format!(
                        "{by} makes the package with the `build-{}` target of the Makefile in its `CodeUri` (`BuildMethod: makefile`), which infrafix does not read",
                        resource.logical_id
                    ),
                    Some(other) => format!("{by} makes the package with `BuildMethod: {other}`, which infrafix does not judge"),
                    None => format!("{by} makes the package with a `BuildMethod` infrafix cannot read"),
                },
            }),
            None => Some(CodePackage::BuildNeeds {
                by,
                setting: "`Metadata: BuildMethod: go1.x` on the function".to_owned(),
                source: Box::new(CodePackage::FileArchive {
                    path: code_uri.to_owned(),
                    folder: Some(self.folder.to_path_buf()),
                }),
            }),
        }
    }

    /// The entry of a function's setting, its own or the one SAM's `Globals` give.
    pub(super) fn function_setting<'t>(&'t self, resource: &Resource<'t>, key: &str) -> Option<&'t Entry> {
        self.setting(resource, key).map(|setting| setting.entry)
    }

    /// A setting of a function: its own, or for a SAM function without it, the one `Globals` give.
    fn setting<'t>(&'t self, resource: &Resource<'t>, key: &str) -> Option<Setting<'t>> {
        let own = resource
            .properties
            .and_then(Value::as_map)
            .and_then(|properties| properties.entry(key));
        if let Some(entry) = own {
            return Some(Setting { entry, own: true });
        }
        if resource.kind != "AWS::Serverless::Function" {
            return None;
        }
        let entry = self.function_globals()?.as_map()?.entry(key)?;
        Some(Setting { entry, own: false })
    }

    fn function_runtimes(&self, resource: &Resource) -> Vec<RuntimeValue> {
        let Some(runtime) = self.setting(resource, "Runtime") else {
            return Vec::new();
        };
        let handler = self.handler_place(resource, &runtime);
        let candidates = self.candidates(&runtime.entry.value).found;
        let several = candidates.len() > 1;
        candidates
            .into_iter()
            .map(|candidate| {
                let written = self.site(candidate.value.range.clone());
                // Where findings point: the function's runtime setting; the function itself when
                // `Globals` give the runtime (so that a suppression above it covers it); each of
                // several values (the arms of an `!If`, the values of a mapping) where it is written.
                let at = match (runtime.own, several) {
                    (false, _) => self.site(resource.entry.key_range.clone()),
                    (true, false) => self.site(runtime.entry.value.range.clone()),
                    (true, true) => written.clone(),
                };
                RuntimeValue {
                    id: candidate.scalar.text.clone(),
                    at,
                    shared: written.clone(),
                    written,
                    read_at: None,
                    handler: Some(handler.clone()),
                    overridable: candidate.overridable,
                    kept: None,
                    set_in: Vec::new(),
                }
            })
            .collect()
    }

    /// Where the function's handler is written. A fix may change it where the function's own
    /// properties write it in place, or in `Globals` when every function reading it there also
    /// reads the runtime there; a parameter or other `Globals` serve others too.
    fn handler_place(&self, resource: &Resource, runtime: &Setting) -> HandlerPlace {
        let Some(handler) = self.setting(resource, "Handler") else {
            return match runtime.own {
                true => HandlerPlace::Missing {
                    beside: self.site(runtime.entry.range.clone()),
                },
                false => HandlerPlace::OutOfReach,
            };
        };
        let candidates = self.candidates(&handler.entry.value);
        if !candidates.complete {
            return HandlerPlace::OutOfReach;
        }
        HandlerPlace::Written(
            candidates
                .found
                .iter()
                .map(|candidate: &Candidate| {
                    (
                        Written {
                            value: candidate.scalar.text.clone(),
                            at: self.site(candidate.value.range.clone()),
                        },
                        candidate.in_place && (handler.own || self.globals_serve_alike()),
                    )
                })
                .collect(),
        )
    }

    /// Whether every SAM function that takes its handler from `Globals` takes its runtime from
    /// there too: a runtime fix there then moves them all, and their one handler with them.
    fn globals_serve_alike(&self) -> bool {
        let own =
            |resource: &Resource, key: &str| resource.properties.and_then(|properties| properties.get(key)).is_some();
        self.resources()
            .filter(|resource| resource.kind == "AWS::Serverless::Function")
            .all(|function| own(&function, "Handler") || !own(&function, "Runtime"))
    }

    fn reservations(&self, resource: &Resource) -> Vec<Reservation> {
        let Some(reserved) = self.setting(resource, "ReservedConcurrentExecutions") else {
            return Vec::new();
        };
        // A number a loop picks per element (`!FindInMap [Reserved, !Ref Kind, Workers]`) is not
        // one number its copies share: it is not counted as one.
        if self
            .made_by_loop(resource)
            .is_some_and(|made| made.varies(&reserved.entry.value))
        {
            return vec![Reservation {
                value: None,
                instances: self.instances(resource),
                element_read_at: None,
                kept: true,
                configured: None,
                target: DeployTarget::default(),
            }];
        }
        // Of a choice (`!If`, a `!FindInMap` entry per stage, a parameter's allowed values), the
        // largest: the sum must fit whichever way the template deploys.
        let candidates = self.candidates(&reserved.entry.value);
        let numbers = candidates
            .found
            .iter()
            .map(|candidate| Some((candidate.scalar.text.parse::<i64>().ok()?, candidate)))
            .collect::<Option<Vec<_>>>()
            .filter(|_| candidates.complete);
        let value = numbers
            .and_then(|numbers| numbers.into_iter().max_by_key(|(number, _)| *number))
            .map(|(number, candidate)| Written {
                value: number,
                at: self.site(candidate.value.range.clone()),
            });
        vec![Reservation {
            value,
            instances: self.instances(resource),
            element_read_at: None,
            kept: false,
            configured: None,
            target: DeployTarget::default(),
        }]
    }

    pub(super) fn graph_layers(&self) -> Vec<LambdaLayer> {
        self.resources()
            .filter(|resource| LAYER_TYPES.contains(&resource.kind))
            .filter_map(|resource| {
                let list = resource.properties?.get("CompatibleRuntimes")?.as_list()?;
                Some(LambdaLayer {
                    compatible_runtimes: list.items.iter().map(|item| self.list_entry(item)).collect(),
                })
            })
            .chain(self.service_layers())
            .collect()
    }

    pub(super) fn list_entry(&self, item: &Value) -> ListEntry {
        let at = self.site(item.range.clone());
        let candidates = self.candidates(item);
        let text = self.written(&item.range).lines().next().unwrap_or("").to_owned();
        ListEntry {
            // A Serverless variable (`${self:…}`) may hold any runtime.
            sole_id: candidates
                .sole()
                .filter(|candidate| candidate.in_place && !candidate.scalar.text.contains("${"))
                .map(|candidate| candidate.scalar.text.clone()),
            text,
            runtimes: candidates
                .found
                .iter()
                .map(|candidate| {
                    let written = self.site(candidate.value.range.clone());
                    RuntimeValue {
                        id: candidate.scalar.text.clone(),
                        at: at.clone(),
                        shared: written.clone(),
                        written,
                        read_at: None,
                        handler: None,
                        overridable: candidate.overridable,
                        kept: None,
                        set_in: Vec::new(),
                    }
                })
                .collect(),
            at,
        }
    }
}
