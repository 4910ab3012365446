//! The functions and layers of a Serverless Framework service (`serverless.yml`): `functions.<name>`
//! with its `runtime` (or `provider.runtime`), `handler` and `reservedConcurrency`, and
//! `layers.<name>.compatibleRuntimes`. `${self:…}` variables are followed to the value they name;
//! other variables (`${opt:…}`, `${env:…}`, `${ssm:…}`) are known only when the service deploys.
//!
//! The framework gives the role it makes (`IamRoleLambdaExecution`) what an `onError` topic and
//! `sqs` events need, and a role the service names itself is not followed: the IAM rules judge
//! nothing of a service's functions. Its raw CloudFormation (`resources: Resources:`) is judged
//! as a template's.

use super::document::{Entry, Value};
use super::Template;
use crate::cloud::{
    DeadLetter, FunctionRole, HandlerPlace, LambdaFunction, LambdaLayer, Multiplicity, Reservation, RuntimeValue,
    Written,
};

impl Template<'_> {
    /// The service's functions, numbered after the resources of its raw CloudFormation.
    pub(super) fn service_functions(&self) -> Vec<LambdaFunction> {
        let first_id = self.resources().count();
        self.service_section("functions")
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let function = &entry.value;
                let function_key = &entry.key_range;
                let own = |key: &str| function.as_map().and_then(|map| map.entry(key));
                let runtime = own("runtime").map(|entry| (entry, true)).or_else(|| {
                    let provider = self.root.get("provider")?.as_map()?;
                    provider.entry("runtime").map(|entry| (entry, false))
                });
                let handler = own("handler").and_then(|handler| {
                    let value = self.followed(&handler.value);
                    Some((handler, value, value.text()?.to_owned()))
                });
                let handler_place = match &handler {
                    Some((handler, value, text)) => HandlerPlace::Written(vec![(
                        Written {
                            value: text.clone(),
                            at: self.site(value.range.clone()),
                        },
                        std::ptr::eq(*value, &handler.value),
                    )]),
                    None => HandlerPlace::OutOfReach,
                };
                let runtimes = runtime
                    .into_iter()
                    .filter_map(|(entry, own)| {
                        let value = self.followed(&entry.value);
                        let written = self.site(value.range.clone());
                        Some(RuntimeValue {
                            id: value.text()?.to_owned(),
                            // A runtime the provider gives is reported at each function it serves.
                            at: match own {
                                true => self.site(entry.value.range.clone()),
                                false => self.site(function_key.clone()),
                            },
                            shared: written.clone(),
                            written,
                            read_at: None,
                            handler: Some(handler_place.clone()),
                            overridable: false,
                        })
                    })
                    .collect();
                let reservations = own("reservedConcurrency")
                    .map(|reserved| {
                        let value = self.followed(&reserved.value);
                        Reservation {
                            value: value.text().and_then(|text| text.parse().ok()).map(|number| Written {
                                value: number,
                                at: self.site(value.range.clone()),
                            }),
                            instances: Multiplicity::Exactly(1),
                            per_element: false,
                        }
                    })
                    .into_iter()
                    .collect();
                LambdaFunction {
                    resource: first_id + index,
                    name: format!("`functions.{}`", entry.key),
                    at: self.site(entry.key_range.clone()),
                    declared: self.site(entry.range.clone()),
                    takes_handler: true,
                    instances: Multiplicity::Exactly(1),
                    branches: Vec::new(),
                    reservations,
                    runtimes,
                    handler: handler.map(|(_, _, text)| text),
                    code: None,
                    role: Some(FunctionRole::Unknown),
                    dead_letter: DeadLetter::Unknown,
                    depends_on: None,
                }
            })
            .collect()
    }

    /// `layers.<name>.compatibleRuntimes`.
    pub(super) fn service_layers(&self) -> Vec<LambdaLayer> {
        self.service_section("layers")
            .iter()
            .filter_map(|layer| {
                let list = layer.value.get("compatibleRuntimes")?.as_list()?;
                Some(LambdaLayer {
                    compatible_runtimes: list.items.iter().map(|item| self.list_entry(item)).collect(),
                })
            })
            .collect()
    }

    /// The entries of a top-level map of a Serverless service (`functions`, `layers`); none in a
    /// template.
    fn service_section(&self, key: &str) -> &[Entry] {
        if !self.serverless || !self.is_template() {
            return &[];
        }
        self.root
            .get(key)
            .and_then(Value::as_map)
            .map(|map| map.entries.as_slice())
            .unwrap_or_default()
    }

    /// The value a `${self:a.b}` variable names, followed; any other value as it is.
    fn followed<'v>(&'v self, value: &'v Value) -> &'v Value {
        let mut current = value;
        for _ in 0..8 {
            let Some(path) = current
                .text()
                .and_then(|text| text.strip_prefix("${self:"))
                .and_then(|rest| rest.strip_suffix('}'))
                .filter(|path| !path.contains([',', '$', ' ']))
            else {
                return current;
            };
            let found = path.split('.').try_fold(&self.root, |value, key| value.get(key));
            match found {
                Some(next) => current = next,
                None => return current,
            }
        }
        current
    }
}
