//! The parts of the cloud graph a Terraform project gives: `aws_lambda_function` and
//! `aws_lambda_layer_version` resources, in the root module and in the local modules it calls.
//! A value a called module writes for itself is that module's own finding (reported when its
//! folder is checked); what the root passes in is reported and fixed where the root writes it.
//! What a function runs as, sends failed events to and waits for is read for the root module's
//! functions (see `iam`).

use std::collections::HashMap;

use super::map_paths::{Picks, Place};
use super::modules::ResourceInstance;
use super::values::{unwrapped, Elements, Origin, Scope};
use super::{Located, TerraformProject};
use crate::cloud::{
    DeadLetter, HandlerPlace, LambdaFunction, LambdaLayer, ListEntry, Multiplicity, Reservation, RuntimeValue, Site,
    StackFilter, Written,
};

impl<'a> TerraformProject<'a> {
    pub(super) fn graph_functions(&self) -> Vec<LambdaFunction> {
        let instances = self.resource_instances();
        let functions: Vec<(usize, &ResourceInstance)> = instances
            .iter()
            .enumerate()
            .filter(|(_, instance)| instance.resource.kind == "aws_lambda_function")
            .collect();
        // Who reads each written handler: one a fix changes must serve one runtime alone.
        let mut handler_readers = HandlerReaders::default();
        for (_, instance) in functions.iter().filter(|(_, instance)| self.runs_zip_package(instance)) {
            let (body, scope) = (instance.resource.body, instance.scope());
            let Some(handler) = self.argument(body, "handler") else {
                continue;
            };
            let runtime = self.argument(body, "runtime");
            let pairs: Vec<(Origin, Option<Site>)> = match self.per_element(handler, body, scope) {
                Some(handlers) => {
                    // A runtime pairs with a handler read from the same element of one collection.
                    let runtimes = runtime
                        .and_then(|runtime| self.per_element(runtime, body, scope))
                        .filter(|runtimes| runtimes.collection == handlers.collection);
                    handlers
                        .origins
                        .into_iter()
                        .enumerate()
                        .filter_map(|(index, handler)| {
                            let runtime = runtimes
                                .as_ref()
                                .and_then(|runtimes| runtimes.origins.get(index).copied().flatten());
                            Some((handler?, runtime.map(|runtime| runtime.written.site())))
                        })
                        .collect()
                }
                None => {
                    // The handler's value is followed once, for both readings below.
                    let handlers = self.places(handler, scope);
                    let entries = runtime
                        .zip(handlers.as_deref())
                        .and_then(|(runtime, handlers)| self.entry_handlers(runtime, handlers, scope));
                    match entries {
                        // Each handler an entry may pick is read beside the runtime that entry picks.
                        Some(entries) => entries
                            .into_iter()
                            .flat_map(|entry| {
                                let runtime = entry.runtime.written.site();
                                entry
                                    .handlers
                                    .into_iter()
                                    .map(move |(handler, _)| (handler, Some(runtime.clone())))
                            })
                            .collect(),
                        None => Vec::from_iter(sole_origin(handlers.as_deref()).map(|handler| {
                            let runtime = runtime.and_then(|runtime| self.origin(runtime, scope));
                            (handler, runtime.map(|runtime| runtime.written.site()))
                        })),
                    }
                }
            };
            for (handler, runtime) in pairs {
                handler_readers
                    .by_handler
                    .entry(handler.written.site())
                    .or_default()
                    .push(runtime);
            }
        }
        functions
            .into_iter()
            .map(|(index, instance)| self.lambda_function(index, instance, &handler_readers))
            .collect()
    }

    fn lambda_function(
        &self,
        index: usize,
        instance: &ResourceInstance<'_, 'a>,
        handler_readers: &HandlerReaders,
    ) -> LambdaFunction {
        let body = instance.resource.body;
        let scope = instance.scope();
        let instances = match (self.copies(scope), self.instances(body, scope)) {
            (Multiplicity::Exactly(copies), Multiplicity::Exactly(each)) => copies
                .checked_mul(each)
                .map_or(Multiplicity::Unknown, Multiplicity::Exactly),
            _ => Multiplicity::Unknown,
        };
        // A called module's function is created by the root's call of it; findings about it point
        // at the call's argument that passes it its role, which tells apart two functions of one
        // call that run as different roles.
        let declared = instance.created_at();
        let role_passed_at = self
            .argument(body, "role")
            .and_then(|role| self.origin(role, scope))
            .and_then(|origin| origin.passed_at)
            .filter(|_| !scope.is_empty());
        let at = role_passed_at.map_or_else(|| declared.clone(), |passed| passed.site());
        // A function made zero times (`count = 0`) runs as nothing and sends nowhere.
        let exists = instances != Multiplicity::Exactly(0);
        let made_by_registry_module = instance.resource.registry_call.is_some();
        // An image function's call may still write a runtime and a handler the module drops.
        let zip = self.runs_zip_package(instance);
        let role = match made_by_registry_module {
            true => self.registry_function_role(index, instance),
            false => self.function_role(body, scope),
        }
        .filter(|_| exists);
        let dead_letter = match (exists, made_by_registry_module) {
            (false, _) => DeadLetter::None,
            (true, true) => self.registry_dead_letter(body, scope),
            (true, false) => self.dead_letter(body, scope),
        };
        // Running as its module's own role (or as the role a registry module called inside it
        // makes), a function is judged here for the target the root hands it: one the module
        // makes itself is the module's own finding.
        let own_role = role
            .and_then(|(_, resource)| resource)
            .is_some_and(|role| self.own_module_role(role, scope))
            || (made_by_registry_module && !scope.is_empty());
        let dead_letter = match dead_letter {
            DeadLetter::Resource(target) if own_role && !self.in_root(target.resource) => DeadLetter::Unknown,
            other => other,
        };
        LambdaFunction {
            resource: index,
            name: format!("`{}`", instance.address()),
            at,
            declared,
            takes_handler: true,
            hands_a_callback: false,
            instances,
            branches: Vec::new(),
            stacks: StackFilter::default(),
            reservations: self.reservations(body, scope, instances),
            runtimes: match zip {
                true => self.function_runtimes(body, scope, handler_readers),
                false => Vec::new(),
            },
            handler: self
                .argument(body, "handler")
                .filter(|_| zip)
                .and_then(|handler| self.string_value(handler, scope))
                .map(|(handler, _)| handler),
            code: self.code_package(body, scope),
            // Only what the root module passes in is judged here (see `iam`).
            role: role.map(|(role, _)| role),
            role_per_call: Vec::new(),
            dead_letter,
            depends_on: match instance.calls.first() {
                None => self.listed_dependencies(body),
                // The root waits for a module's resources through the call's `depends_on`.
                Some(call) => self.listed_dependencies(call.body),
            },
        }
    }

    fn function_runtimes(
        &self,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
        handler_readers: &HandlerReaders,
    ) -> Vec<RuntimeValue> {
        let Some(runtime) = self.argument(body, "runtime") else {
            return Vec::new();
        };
        if let Some(elements) = self.per_element(runtime, body, scope) {
            return self.element_runtimes(runtime, elements, body, scope, handler_readers);
        }
        // A key known only at deploy (`local.runtimes[terraform.workspace]`) may pick any of
        // several entries: the function is judged only when every one of them can be read, since
        // an entry that cannot may hold anything.
        let Some(values) = self.origins(runtime, scope).and_then(|origins| {
            origins
                .into_iter()
                .map(|origin| Some((self.string_literal(origin.written)?, origin)))
                .collect::<Option<Vec<_>>>()
        }) else {
            return Vec::new();
        };
        let several = values.len() > 1;
        let handler = self.handler_place(body, scope, handler_readers);
        // Entries picked at deploy may each write their own handler (`local.api[terraform.workspace]`
        // holding both, or two maps keyed alike): listed in the order of the runtime's places.
        let entry_handlers = self.argument(body, "handler").filter(|_| several).and_then(|handler| {
            let entries = self.entry_handlers(runtime, &self.places(handler, scope)?, scope)?;
            Some((entries, self.handler_read_elsewhere(handler, body, scope)))
        });
        values
            .into_iter()
            .enumerate()
            .map(|(index, (id, origin))| {
                let read = self.reported_at(runtime, &origin, scope)?;
                let written = origin.written.site();
                // Of several, each is reported where it is written (one place has one finding,
                // and the entries may name different runtimes); those naming one runtime move in
                // one fix, each runtime's on its own, and a suppression where the function reads
                // them covers them.
                let (at, shared, read_at) = match several {
                    true => (written.clone(), read.clone(), Some(read)),
                    false => (read, written.clone(), None),
                };
                let handler = match &entry_handlers {
                    Some((entries, read_elsewhere)) => entries.get(index).map_or(HandlerPlace::OutOfReach, |entry| {
                        self.entry_handler(entry, *read_elsewhere, handler_readers)
                    }),
                    None => handler.clone(),
                };
                Some(RuntimeValue {
                    id,
                    at,
                    written,
                    shared,
                    read_at,
                    handler: Some(handler),
                    overridable: origin.overridable,
                    kept: None,
                    set_in: Vec::new(),
                })
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default()
    }

    /// The runtimes of a function made per element of a `for_each` collection, read from the
    /// element (`runtime = each.value.runtime`, in the function's block or in the call of the
    /// module holding it): one per element that writes one out, reported where the root module
    /// writes it. Its handler is the element's when read from it too; else the block's one
    /// handler serves every element, and stays as it is.
    fn element_runtimes(
        &self,
        runtime: Located<'a>,
        elements: Elements<'a>,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
        handler_readers: &HandlerReaders,
    ) -> Vec<RuntimeValue> {
        let handler = self.argument(body, "handler");
        let handlers = handler.and_then(|handler| self.per_element(handler, body, scope));
        let handler_read_elsewhere = handler.is_some_and(|handler| self.handler_read_elsewhere(handler, body, scope));
        let collection = elements.collection.clone();
        let shared_handler = || match self.handler_place(body, scope, handler_readers) {
            HandlerPlace::Written(literals) => {
                HandlerPlace::Written(literals.into_iter().map(|(written, _)| (written, false)).collect())
            }
            place => place,
        };
        elements
            .origins
            .into_iter()
            .enumerate()
            .filter_map(|(index, origin)| {
                let origin = origin?;
                let id = self.string_literal(origin.written)?;
                let at = self.written_in_root(&origin)?;
                let handler = match &handlers {
                    Some(handlers) if handlers.collection == collection => self.element_handler(
                        handlers.origins.get(index).copied().flatten(),
                        handlers.kept.is_none(),
                        handler_read_elsewhere,
                        handler_readers,
                    ),
                    // Read per element of another collection: each handler serves several runtimes.
                    Some(_) => HandlerPlace::OutOfReach,
                    None => shared_handler(),
                };
                // The element is where the value is reported, written and shared: by the
                // instances made from it, and by no one else (unless `kept` says otherwise).
                Some(RuntimeValue {
                    id,
                    at: at.clone(),
                    written: at.clone(),
                    shared: at,
                    read_at: Some(runtime.site()),
                    handler: Some(handler),
                    overridable: origin.overridable,
                    kept: elements.kept,
                    set_in: Vec::new(),
                })
            })
            .collect()
    }

    /// The handler one element of a `for_each` collection writes: a fix may change it when the
    /// collection's values may be changed (`Elements::kept`), the root module writes it, every
    /// function reading it reads one runtime, and nothing but handlers reads it.
    fn element_handler(
        &self,
        origin: Option<Origin<'a>>,
        collection_changeable: bool,
        read_elsewhere: bool,
        handler_readers: &HandlerReaders,
    ) -> HandlerPlace {
        let Some((value, origin)) = origin.and_then(|origin| Some((self.string_literal(origin.written)?, origin)))
        else {
            return HandlerPlace::OutOfReach;
        };
        let at = origin.written.site();
        let reachable = collection_changeable && self.written_in_root(&origin).is_some();
        if reachable && read_elsewhere {
            return HandlerPlace::ReadElsewhere { value };
        }
        if reachable && !handler_readers.serve_one_runtime(&at) {
            return HandlerPlace::SharedWithOtherRuntimes { value };
        }
        HandlerPlace::Written(vec![(Written { value, at }, reachable)])
    }

    /// The handlers a function may run with beside each place its runtime may be written, when a
    /// key known only at deploy picks the handler too: from the runtime's entry
    /// (`local.api[terraform.workspace].runtime` and `.handler`), from a map keyed alike
    /// (`local.handlers[terraform.workspace]`), or from somewhere every entry shares. In the
    /// order of the runtime's places; `None` when no such key picks the handler.
    /// `handlers` are the places the handler may be written.
    fn entry_handlers(
        &self,
        runtime: Located<'a>,
        handlers: &[Place<'a>],
        scope: &Scope<'_, 'a>,
    ) -> Option<Vec<EntryHandlers<'a>>> {
        if handlers.iter().all(|handler| handler.ways.iter().all(Vec::is_empty)) {
            return None;
        }
        let runtimes = self.places(runtime, scope)?;
        Some(
            runtimes
                .into_iter()
                .map(|runtime| EntryHandlers {
                    runtime: runtime.origin,
                    handlers: handlers
                        .iter()
                        .filter_map(|handler| {
                            let together: Vec<(&Picks, &Picks)> = runtime
                                .ways
                                .iter()
                                .flat_map(|picks| {
                                    handler
                                        .ways
                                        .iter()
                                        .filter(|other| may_pick_together(picks, other))
                                        .map(move |other| (picks, other))
                                })
                                .collect();
                            let picked_by_the_entry = !together.is_empty()
                                && together.iter().all(|(runtime, handler)| picks_alike(runtime, handler));
                            (!together.is_empty()).then_some((handler.origin, picked_by_the_entry))
                        })
                        .collect(),
                })
                .collect(),
        )
    }

    /// The handler beside one runtime entry: the entry's own, which a fix may change as an
    /// element's (see `element_handler`), or what every entry shares or several places may give,
    /// which it leaves.
    fn entry_handler(
        &self,
        entry: &EntryHandlers<'a>,
        read_elsewhere: bool,
        handler_readers: &HandlerReaders,
    ) -> HandlerPlace {
        match entry.handlers.as_slice() {
            [(origin, true)] => self.element_handler(Some(*origin), true, read_elsewhere, handler_readers),
            [] => HandlerPlace::OutOfReach,
            handlers => handlers
                .iter()
                .map(|(origin, _)| {
                    let value = self.string_literal(origin.written)?;
                    Some((
                        Written {
                            value,
                            at: origin.written.site(),
                        },
                        false,
                    ))
                })
                .collect::<Option<Vec<_>>>()
                .map_or(HandlerPlace::OutOfReach, HandlerPlace::Written),
        }
    }

    /// Where a value is written, when the root module writes it: a value a called module writes
    /// for itself is that module's own finding.
    fn written_in_root(&self, origin: &Origin<'a>) -> Option<Site> {
        (self.folder_of_file[origin.written.file] == 0).then(|| origin.written.site())
    }

    /// Where the handler is written. A fix may change it where the root module writes it for this
    /// function, in its own block or as the argument of the module call, when every function
    /// reading it reads one runtime (`HandlerReaders`) and nothing but handlers reads it.
    fn handler_place(
        &self,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
        handler_readers: &HandlerReaders,
    ) -> HandlerPlace {
        let Some(handler) = self.argument(body, "handler") else {
            return match self.attribute(body, "runtime") {
                Some(runtime) if scope.is_empty() => HandlerPlace::Missing { beside: runtime.site() },
                _ => HandlerPlace::OutOfReach,
            };
        };
        match self.string_value(handler, scope) {
            Some((value, origin)) => {
                let written_here = origin.in_place || origin.passed_at.map(unwrapped) == Some(origin.written);
                let reachable = written_here && self.reported_at(handler, &origin, scope).is_some();
                if reachable && self.handler_read_elsewhere(handler, body, scope) {
                    return HandlerPlace::ReadElsewhere { value };
                }
                if reachable && !handler_readers.serve_one_runtime(&origin.written.site()) {
                    return HandlerPlace::SharedWithOtherRuntimes { value };
                }
                HandlerPlace::Written(vec![(
                    Written {
                        value,
                        at: origin.written.site(),
                    },
                    reachable,
                )])
            }
            None => HandlerPlace::OutOfReach,
        }
    }

    /// `reserved_concurrent_executions`, reserved by each instance the calls and `count` or
    /// `for_each` make.
    fn reservations(&self, body: Located<'a>, scope: &Scope<'_, 'a>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(reserved) = self.argument(body, "reserved_concurrent_executions") else {
            return Vec::new();
        };
        // Each element's number is reserved once per copy of the module that makes it; through a
        // module called per element (`reserved = each.value.reserved` in the call), once per copy
        // of the one module instance it feeds.
        let target = self.deploy_target(body, scope);
        let per_element = match self.element_origins(reserved, body, scope) {
            Some(elements) => Some((elements, self.copies(scope))),
            None => self.per_element(reserved, body, scope).and_then(|elements| {
                let call = self.origin(reserved, scope)?.depth;
                Some((elements, self.copies_per_element(body, scope, call)))
            }),
        };
        if let Some((elements, copies)) = per_element {
            return elements
                .origins
                .into_iter()
                .map(|origin| Reservation {
                    value: origin.and_then(|origin| {
                        Some(Written {
                            value: self.number_literal(origin.written)?,
                            at: origin.written.site(),
                        })
                    }),
                    instances: copies,
                    element_read_at: Some(reserved.site()),
                    kept: elements.kept.is_some(),
                    configured: None,
                    target: target.clone(),
                })
                .collect();
        }
        vec![Reservation {
            value: self.number_value(reserved, scope).map(|(value, origin)| Written {
                value,
                at: origin.written.site(),
            }),
            instances,
            element_read_at: None,
            kept: false,
            configured: None,
            target,
        }]
    }

    /// How many copies of a block a module made per element of the call at `call` deploys for
    /// each element: what the other calls and the block's own `count` or `for_each` make.
    fn copies_per_element(&self, body: Located<'a>, scope: &Scope<'_, 'a>, call: usize) -> Multiplicity {
        let others = scope
            .iter()
            .enumerate()
            .filter(|(depth, _)| *depth != call)
            .map(|(depth, other)| self.instances(other.body, &scope[..depth]).known());
        std::iter::once(self.instances(body, scope).known())
            .chain(others)
            .try_fold(1u64, |copies, each| copies.checked_mul(each?))
            .into()
    }

    /// Where findings about a value read at `read` point: the reading itself in the root module;
    /// for a called module, the root's argument that passes the value in. `None` when a called
    /// module writes the value itself: that is its own finding, reported when its folder is
    /// checked.
    fn reported_at(&self, read: Located<'a>, origin: &Origin<'a>, scope: &Scope<'_, 'a>) -> Option<Site> {
        if scope.is_empty() {
            return Some(read.site());
        }
        let passed = origin.passed_at?;
        (self.folder_of_file[passed.file] == 0 && self.folder_of_file[origin.written.file] == 0).then(|| passed.site())
    }

    pub(super) fn graph_layers(&self) -> Vec<LambdaLayer> {
        self.resource_instances()
            .iter()
            .filter(|instance| instance.resource.kind == "aws_lambda_layer_version")
            .filter_map(|instance| {
                let list = self.argument(instance.resource.body, "compatible_runtimes")?;
                let (entries, origin) = self.list_elements(list, instance.scope())?;
                self.reported_at(list, &origin, instance.scope())?;
                Some(LambdaLayer {
                    compatible_runtimes: entries
                        .into_iter()
                        .map(|entry| self.list_entry(entry, &origin))
                        .collect(),
                })
            })
            .collect()
    }

    /// An entry of a list the root module writes (see `reported_at`), read there.
    fn list_entry(&self, entry: Located<'a>, list: &Origin<'a>) -> ListEntry {
        let text = self.text(entry).lines().next().unwrap_or_default().to_owned();
        let Some((id, origin)) = self.string_value(entry, &[]) else {
            return ListEntry {
                at: entry.site(),
                sole_id: None,
                text,
                runtimes: Vec::new(),
            };
        };
        ListEntry {
            at: entry.site(),
            sole_id: Some(id.clone()),
            text,
            runtimes: vec![RuntimeValue {
                id,
                at: entry.site(),
                written: origin.written.site(),
                shared: origin.written.site(),
                read_at: None,
                handler: None,
                overridable: list.overridable || origin.overridable,
                kept: None,
                set_in: Vec::new(),
            }],
        }
    }
}

/// A place a function's runtime may be written, picked by a key known only at deploy, and each
/// handler the function may have beside it, with whether the runtime's entry alone picks it.
struct EntryHandlers<'a> {
    runtime: Origin<'a>,
    handlers: Vec<(Origin<'a>, bool)>,
}

/// Whether two ways may be taken in one deployment: no key picks a different entry on each.
fn may_pick_together(first: &Picks, second: &Picks) -> bool {
    !first.iter().any(|(key, name)| {
        key.is_some()
            && second
                .iter()
                .any(|(other_key, other_name)| other_key == key && other_name != name)
    })
}

/// Whether the way to a handler is picked by keys the way to the runtime beside it picked alike,
/// by at least one: the runtime's entry, and nothing else, decides the handler.
fn picks_alike(runtime: &Picks, handler: &Picks) -> bool {
    !handler.is_empty() && handler.iter().all(|pick| pick.0.is_some() && runtime.contains(pick))
}

/// Who reads each written handler: per reading function, where the runtime it reads beside it is
/// written (`None` when that is not one place).
#[derive(Default)]
struct HandlerReaders {
    by_handler: HashMap<Site, Vec<Option<Site>>>,
}

impl HandlerReaders {
    /// Whether the functions reading the handler at `at` all read one runtime, written in one
    /// place (an element read for both by two blocks): a fix that moves it moves them all, and
    /// the new handler serves each.
    fn serve_one_runtime(&self, at: &Site) -> bool {
        match self.by_handler.get(at).map(Vec::as_slice) {
            Some([_]) => true,
            Some([Some(first), rest @ ..]) => rest.iter().all(|runtime| runtime.as_ref() == Some(first)),
            _ => false,
        }
    }
}

/// The one place a value is written, when it is written in one place only (`Reached::single`).
fn sole_origin<'a>(places: Option<&[Place<'a>]>) -> Option<Origin<'a>> {
    match places? {
        [only] => Some(only.origin),
        _ => None,
    }
}
