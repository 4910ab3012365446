//! The functions and layers of a Serverless Framework service (`serverless.yml`): `functions.<name>`
//! with its `runtime` (or `provider.runtime`), `handler` and `reservedConcurrency`, and
//! `layers.<name>.compatibleRuntimes`. Functions declared in another file (`functions:` or an item
//! of its list as `${file(…)}`) are read there, that file being one of the service's project
//! (`includes`); an include whose file cannot be read is known by the provider's runtime alone,
//! which may serve its functions. `${self:…}` variables are followed to the value they name; other
//! variables (`${opt:…}`, `${env:…}`, `${ssm:…}`) are known only when the service deploys.
//!
//! The framework gives the role it makes (`IamRoleLambdaExecution`) what `sqs` events need, and
//! `sns:Publish` on an `onError` topic written as ARN text; a topic named by `Ref` or
//! `Fn::GetAtt` it passes on to the function untouched, so that one is judged against the
//! provider's statements, where its fix goes. A function
//! that runs as a role the service names itself (`role:` on the function, or `provider.iam.role`
//! / `provider.role` as a logical name, `Fn::GetAtt` or ARN) gets nothing from the framework, so
//! its `onError` topic and `sqs` events are judged against that role when the service declares
//! it in its raw CloudFormation (`resources: Resources:`), which is judged as a template's.

use std::ops::Range;

use super::includes::{function_includes, FileInclude};
use super::values::intrinsic;
use super::Template;
use crate::cloud::{
    CodePackage, DeadLetter, DeployTarget, FunctionRole, GrantDocument, HandlerPlace, IamRole, LambdaFunction,
    LambdaLayer, Multiplicity, Reservation, ResourceId, RoleGrants, RuntimeValue, Site, StackFilter, Written,
};
use crate::frontends::document::{Entry, Value};

/// A function of the service: the entries that declare it, each with the file of the project it
/// is written in, in the order the framework merges them.
#[derive(Clone)]
struct FunctionEntry<'t> {
    /// One entry, or one per item of a `functions` list naming the function, which the framework
    /// deep-merges into one function (lodash `_.merge`): a setting is the last one written.
    parts: Vec<(usize, &'t Entry)>,
    /// Where the service itself lists the function first: its key, or the include that declares it.
    listed: Range<usize>,
}

impl<'t> FunctionEntry<'t> {
    /// The first entry declaring the function, and its file: where findings about the function
    /// point.
    fn first(&self) -> (usize, &'t Entry) {
        self.parts[0]
    }

    /// A setting of the function and the file it is written in: the last entry's that writes it.
    fn setting(&self, key: &str) -> Option<(usize, &'t Entry)> {
        self.parts
            .iter()
            .rev()
            .find_map(|(file, entry)| Some((*file, entry.value.as_map()?.entry(key)?)))
    }

    /// The value at a path of keys into the function (`package.artifact`): the merge keeps the
    /// last entry's that writes it.
    fn get(&self, path: &[&str]) -> Option<&'t Value> {
        self.parts
            .iter()
            .rev()
            .find_map(|(_, entry)| path.iter().try_fold(&entry.value, |value, key| value.get(key)))
    }

    /// A list setting of the function (`events`), merged as the framework does: item by item,
    /// each place taken by the last entry whose list reaches it.
    fn merged_list(&self, key: &str) -> Vec<&'t Value> {
        let lists: Vec<&[Value]> = self
            .parts
            .iter()
            .filter_map(|(_, entry)| Some(entry.value.get(key)?.as_list()?.items.as_slice()))
            .collect();
        let longest = lists.iter().map(|list| list.len()).max().unwrap_or(0);
        (0..longest)
            .filter_map(|index| lists.iter().rev().find_map(|list| list.get(index)))
            .collect()
    }
}

/// Where a function's runtime is written: in its own settings, in the provider's (which serve
/// every function that sets none), or in the service's CloudFormation over the compiled function.
#[derive(Clone, Copy)]
enum RuntimeSource {
    Function,
    Provider,
    Override,
}

/// The logical name of the role the Serverless Framework makes for a service's functions.
const FRAMEWORK_ROLE: &str = "IamRoleLambdaExecution";

impl Template<'_> {
    /// The service's functions, numbered after the resources of its raw CloudFormation.
    pub(super) fn service_functions(&self) -> Vec<LambdaFunction> {
        let first_id = self.resources().count();
        let sharing = self.go_binaries_sharing_the_package();
        let mut functions: Vec<LambdaFunction> = self
            .service_function_entries()
            .into_iter()
            .enumerate()
            .map(|(index, function)| {
                let (file, entry) = function.first();
                let in_file = |file: usize, range: &Range<usize>| Site {
                    file,
                    range: range.clone(),
                };
                let compiled_id = compiled_logical_id(&entry.key);
                let overridden = |key: &str| self.compiled_function_override(&compiled_id, key);
                // A function deployed as a container image (`image:`) runs no managed runtime:
                // the framework sets `PackageType: Image` and leaves its runtime out.
                let image = function.get(&["image"]).is_some()
                    || overridden("PackageType").is_some_and(|kind| self.followed(&kind.value).text() == Some("Image"));
                let runtime = match (overridden("Runtime"), image) {
                    (Some(runtime), _) => Some(((self.file, runtime), RuntimeSource::Override)),
                    (None, true) => None,
                    (None, false) => function
                        .setting("runtime")
                        .map(|setting| (setting, RuntimeSource::Function))
                        .or_else(|| {
                            let provider = self.root.get("provider")?.as_map()?;
                            provider
                                .entry("runtime")
                                .map(|entry| ((self.file, entry), RuntimeSource::Provider))
                        }),
                };
                let handler = overridden("Handler")
                    .map(|handler| (self.file, handler))
                    .or_else(|| function.setting("handler"))
                    .and_then(|(file, handler)| {
                        let value = self.followed(&handler.value);
                        Some((file, handler, value, value.text()?.to_owned()))
                    });
                let handler_place = match &handler {
                    Some((file, handler, value, text)) => HandlerPlace::Written(vec![(
                        Written {
                            value: text.clone(),
                            at: self.site_of(*file, &handler.value, value),
                        },
                        std::ptr::eq(*value, &handler.value),
                    )]),
                    None => HandlerPlace::OutOfReach,
                };
                let runtimes: Vec<RuntimeValue> = runtime
                    .into_iter()
                    .filter_map(|((written_in, runtime), source)| {
                        // A runtime the provider gives is reported where the service lists each
                        // function it serves: in the service's own file, which is never left out
                        // of a run on it (another service including the same file, an editor's
                        // buffer).
                        let at = match source {
                            RuntimeSource::Function => in_file(written_in, &runtime.value.range),
                            RuntimeSource::Override => self.site(runtime.value.range.clone()),
                            RuntimeSource::Provider => self.site(function.listed.clone()),
                        };
                        self.runtime_value(runtime, written_in, at, &handler_place)
                    })
                    .collect();
                let names_a_binary = runtimes
                    .iter()
                    .any(|runtime| runtime.id == "go1.x" || runtime.id.starts_with("provided"));
                // A role or dead-letter target written in CloudFormation over the framework's is
                // not followed: the function's permissions are left unjudged.
                let role = match overridden("Role") {
                    Some(_) => FunctionRole::Unknown,
                    None => self.service_role(&function),
                };
                let dead_letter = match (&role, function.get(&["onError"])) {
                    _ if overridden("DeadLetterConfig").is_some() => DeadLetter::Unknown,
                    // The framework grants its own role the topic.
                    (FunctionRole::Unknown, _) => DeadLetter::Unknown,
                    (_, None) => DeadLetter::None,
                    (_, Some(target)) => match self.resource_ref(self.followed(target)) {
                        Some(reference) if reference.is_arn() => DeadLetter::Resource(reference),
                        _ => DeadLetter::Unknown,
                    },
                };
                let reservations = overridden("ReservedConcurrentExecutions")
                    .map(|reserved| (self.file, reserved))
                    .or_else(|| function.setting("reservedConcurrency"))
                    .map(|(file, reserved)| {
                        let value = self.followed(&reserved.value);
                        Reservation {
                            value: value.text().and_then(|text| text.parse().ok()).map(|number| Written {
                                value: number,
                                at: self.site_of(file, &reserved.value, value),
                            }),
                            instances: Multiplicity::Exactly(1),
                            element_read_at: None,
                            kept: false,
                            configured: None,
                            target: DeployTarget::default(),
                        }
                    })
                    .into_iter()
                    .collect();
                LambdaFunction {
                    resource: first_id + index,
                    name: format!("`functions.{}`", entry.key),
                    at: in_file(file, &entry.key_range),
                    declared: in_file(file, &entry.range),
                    takes_handler: true,
                    hands_a_callback: false,
                    instances: Multiplicity::Exactly(1),
                    branches: Vec::new(),
                    stacks: StackFilter::default(),
                    reservations,
                    runtimes,
                    // A Go or OS-only function's handler names a binary of the package, which
                    // moving it judges; another's names a module of the code.
                    code: match (names_a_binary, &handler) {
                        _ if overridden("Code").is_some() => Some(CodePackage::Unjudged {
                            reason: format!("the service's CloudFormation sets the code of `{compiled_id}` itself"),
                        }),
                        (true, Some((_, _, _, text))) => {
                            let sharing = match self.go_binary_in_the_service_package(&function) {
                                true => sharing,
                                false => 0,
                            };
                            packaged_in_a_folder(text, sharing)
                        }
                        _ => self.service_package(&function),
                    },
                    handler: handler.map(|(_, _, _, text)| text),
                    role: Some(role),
                    role_per_call: Vec::new(),
                    dead_letter,
                    depends_on: None,
                }
            })
            .collect();
        let unread = self.unread_includes_functions(first_id + functions.len());
        functions.extend(unread);
        functions
    }

    /// A runtime setting (`entry`, written in file number `written_in`), followed through
    /// `${self:…}` to the value it names, reported at `at`.
    fn runtime_value(
        &self,
        entry: &Entry,
        written_in: usize,
        at: Site,
        handler: &HandlerPlace,
    ) -> Option<RuntimeValue> {
        let value = self.followed(&entry.value);
        let written = self.site_of(written_in, &entry.value, value);
        Some(RuntimeValue {
            id: value.text()?.to_owned(),
            at,
            shared: written.clone(),
            written,
            read_at: None,
            handler: Some(handler.clone()),
            overridable: false,
            kept: None,
            set_in: Vec::new(),
        })
    }

    /// The functions of each include of the `functions` section whose file is not one of the
    /// project's (its path is made by a variable, or it is not on disk), numbered from
    /// `first_id`: as far as this file shows them, the provider's runtime, which serves every one
    /// of them that sets no runtime of its own.
    fn unread_includes_functions(&self, first_id: usize) -> Vec<LambdaFunction> {
        let Some(provider_runtime) = self
            .root
            .get("provider")
            .and_then(Value::as_map)
            .and_then(|provider| provider.entry("runtime"))
        else {
            return Vec::new();
        };
        self.unread_includes()
            .into_iter()
            .enumerate()
            .map(|(index, include)| self.unread_include_function(first_id + index, include.value, provider_runtime))
            .collect()
    }

    /// The includes of the `functions` section whose file is not one of the project's.
    fn unread_includes(&self) -> Vec<FileInclude<'_>> {
        self.service_value("functions")
            .map(|_| function_includes(&self.root))
            .unwrap_or_default()
            .into_iter()
            .filter(|include| !self.included.iter().any(|(written, _)| *written == include.value.range))
            .collect()
    }

    /// The functions one include (`${file(./functions.yml)}`) whose file cannot be read declares,
    /// as the function numbered `id`.
    fn unread_include_function(&self, id: usize, include: &Value, provider_runtime: &Entry) -> LambdaFunction {
        let include_text = self.text.get(include.range.clone()).unwrap_or_default();
        let at = self.site(include.range.clone());
        LambdaFunction {
            resource: id,
            name: format!("the functions `{include_text}` declares"),
            at: at.clone(),
            declared: at.clone(),
            takes_handler: true,
            hands_a_callback: false,
            instances: Multiplicity::Unknown,
            branches: Vec::new(),
            stacks: StackFilter::default(),
            reservations: Vec::new(),
            runtimes: self
                .runtime_value(provider_runtime, self.file, at, &HandlerPlace::OutOfReach)
                .into_iter()
                .collect(),
            handler: None,
            // A Go function's binary may lie anywhere in a package that file sets up.
            code: Some(CodePackage::Unjudged {
                reason: format!(
                    "the package of each function that `{include_text}` declares is set in that file, which infrafix cannot read (its path is made by a variable, or it is not on disk)"
                ),
            }),
            role: Some(FunctionRole::Unknown),
            role_per_call: Vec::new(),
            dead_letter: DeadLetter::Unknown,
            depends_on: None,
        }
    }

    /// How many Go functions (`go1.x`, their own or the provider's runtime) with a binary in a
    /// folder (`bin/hello`) go into the one package the framework zips for the service: without
    /// `package.individually` or a `package` of their own, they all get the same zip, whose root
    /// holds one `bootstrap` at most.
    fn go_binaries_sharing_the_package(&self) -> usize {
        let individually = self
            .root
            .get("package")
            .and_then(|package| package.get("individually"))
            .and_then(Value::text)
            .is_some_and(|text| text == "true");
        if individually {
            return 0;
        }
        self.service_function_entries()
            .into_iter()
            .filter(|function| self.go_binary_in_the_service_package(function))
            .count()
    }

    /// Whether a function is a Go one (`go1.x`, its own or the provider's runtime) whose binary
    /// lies in a folder (`bin/hello`) of the service's package, having no package of its own.
    fn go_binary_in_the_service_package(&self, function: &FunctionEntry) -> bool {
        let provider_runtime = self.root.get("provider").and_then(|provider| provider.get("runtime"));
        let runtime = function.get(&["runtime"]).or(provider_runtime);
        let go = runtime.and_then(|value| self.followed(value).text()) == Some("go1.x");
        let in_a_folder = function
            .get(&["handler"])
            .and_then(|handler| self.followed(handler).text())
            .is_some_and(|handler| handler.contains('/'));
        go && in_a_folder && function.get(&["package"]).is_none() && function.get(&["image"]).is_none()
    }

    /// The package the framework zips from the service's folder for a function with no artifact
    /// or image of its own (nor one the service's `package` names): the files as they lie, with
    /// the production dependencies of the service's `package.json` installed in `node_modules`.
    fn service_package(&self, function: &FunctionEntry) -> Option<CodePackage> {
        let service_artifact = self.root.get("package").and_then(|package| package.get("artifact"));
        if function.get(&["image"]).is_some()
            || function.get(&["package", "artifact"]).is_some()
            || service_artifact.is_some()
        {
            return None;
        }
        Some(CodePackage::FileArchive {
            path: ".".to_owned(),
            folder: Some(self.folder.to_path_buf()),
        })
    }

    /// The role a function runs as: its own `role` setting, else the provider's, else the
    /// framework's shared role. A role made for the function alone is not judged: the one a
    /// function with `iam` settings of its own, or every function under `provider.iam.role.mode:
    /// perFunction`, gets from the framework (v4), or the one a plugin
    /// (serverless-iam-roles-per-function) makes for a function with `iamRoleStatements`: each
    /// is given what the function's `onError` and `sqs` events need.
    fn service_role(&self, function: &FunctionEntry) -> FunctionRole {
        let provider = self.root.get("provider");
        let named = function
            .get(&["role"])
            .or_else(|| {
                provider?
                    .get("iam")?
                    .get("role")
                    // A map that is no intrinsic describes the framework's role.
                    .filter(|role| role.as_map().is_none() || intrinsic(role).is_some())
            })
            .or_else(|| provider?.get("role"));
        let Some(named) = named.map(|role| self.followed(role)) else {
            let per_function_mode = provider
                .and_then(|provider| provider.get("iam"))
                .and_then(|iam| iam.get("role"))
                .and_then(|role| role.get("mode"))
                .is_some_and(|mode| self.followed(mode).text() != Some("shared"));
            let own_role = function.get(&["iam"]).is_some() || function.get(&["iamRoleStatements"]).is_some();
            return match per_function_mode || own_role {
                true => FunctionRole::Unknown,
                false => FunctionRole::Declared(self.framework_role_number()),
            };
        };
        // A logical name stands for `Fn::GetAtt: [Name, Arn]`.
        match named.text().and_then(|name| self.resource_index(name)) {
            Some(resource) => self
                .role_number(resource)
                .map_or(FunctionRole::Unknown, FunctionRole::Declared),
            None => self.role_named(named),
        }
    }

    /// The functions of the service by the logical id the framework gives the
    /// `AWS::Lambda::Function` it compiles each to, numbered as `service_functions` numbers them.
    pub(super) fn compiled_function_ids(&self) -> Vec<(String, ResourceId)> {
        let first_id = self.resources().count();
        self.service_function_entries()
            .iter()
            .enumerate()
            .map(|(index, function)| (compiled_logical_id(&function.first().1.key), first_id + index))
            .collect()
    }

    /// Whether a resource number is a function the framework compiles from the service's
    /// `functions`.
    pub(super) fn is_compiled_function(&self, id: ResourceId) -> bool {
        self.resource(id).is_none() && self.logical_id(id).is_some()
    }

    /// The logical id of a resource: its own, or the one the framework gives a function it
    /// compiles.
    pub(super) fn logical_id(&self, id: ResourceId) -> Option<String> {
        if let Some(resource) = self.resource(id) {
            return Some(resource.logical_id.to_owned());
        }
        // Compiled functions are numbered after the template's resources, in the service's order.
        let index = id.checked_sub(self.resources().count())?;
        self.service_function_entries()
            .get(index)
            .map(|function| compiled_logical_id(&function.first().1.key))
    }

    /// The place of the framework's own role among the graph's roles: after the template's.
    pub(super) fn framework_role_number(&self) -> usize {
        self.role_ids().len()
    }

    /// The lists of statements the framework writes into its own role: `provider.iam.role.statements`
    /// and the older `provider.iamRoleStatements`.
    pub(super) fn framework_statement_lists(&self) -> Vec<&Value> {
        let Some(provider) = self.service_value("provider") else {
            return Vec::new();
        };
        let role = provider
            .get("iam")
            .and_then(|iam| iam.get("role"))
            .filter(|role| intrinsic(role).is_none());
        [
            role.and_then(|role| role.get("statements")),
            provider.get("iamRoleStatements"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The role the framework makes (`IamRoleLambdaExecution`) for the functions of a service that
    /// name none: it allows what the provider's statements and managed policies allow, and what
    /// the framework adds by itself, which is never judged (the queues of `sqs` events, which are
    /// not read for its functions, and a topic `onError` names by ARN text, which is not
    /// followed). A dead-letter target named by `Ref` or `Fn::GetAtt` the framework passes on to
    /// the function without granting it (`onError: !Ref AlertsTopic`), so that is judged.
    pub(super) fn framework_role(&self) -> Option<IamRole> {
        let provider = self
            .root
            .as_map()
            .and_then(|root| root.entry("provider"))
            .filter(|_| self.serverless)?;
        let mut grants = RoleGrants::default();
        let owner = self.resources().count() + self.service_function_entries().len() + self.unread_includes().len();
        for list in self.framework_statement_lists() {
            let statements = Some(self.followed(list))
                .filter(|list| list.as_list().is_some())
                .and_then(|list| self.statement_list(list));
            match statements {
                Some(statements) => grants.documents.push(GrantDocument {
                    owner,
                    statements,
                    at: self.site(list.range.clone()),
                    shared: false,
                    inline_role_policy: true,
                    malformed: None,
                }),
                None => grants.unreadable += 1,
            }
        }
        let role = provider.value.get("iam").and_then(|iam| iam.get("role"));
        let managed = [
            role.and_then(|role| role.get("managedPolicies")),
            provider.value.get("iamManagedPolicies"),
        ];
        for arns in managed.into_iter().flatten() {
            self.add_managed_list(&mut grants, self.followed(arns));
        }
        // `provider.rolePermissionsBoundary` is the framework's older spelling.
        grants.boundary = role
            .and_then(|role| role.get("permissionsBoundary"))
            .or_else(|| provider.value.get("rolePermissionsBoundary"))
            .and_then(|boundary| self.permissions_boundary(self.followed(boundary)));
        // The service may change the role in its raw CloudFormation: give it a policy resource, or
        // override its settings under its own name.
        if self.text.contains(FRAMEWORK_ROLE) {
            grants.unreadable += 1;
        }
        Some(IamRole {
            name: format!("`{FRAMEWORK_ROLE}` (the framework's)"),
            declared: self.site(provider.range.clone()),
            grants,
            attachments: Vec::new(),
            // Its policy is written where the framework writes it; no other may join it in time.
            owns_inline_policies: false,
        })
    }

    /// The SQS queues feeding the service's functions that run as a role of its own (`events:
    /// - sqs: ARN` or `- sqs: {arn: ARN}`), as function number and queue value.
    pub(super) fn service_queue_events(&self, functions: &[LambdaFunction]) -> Vec<(usize, &Value)> {
        let mut events = Vec::new();
        for function_entry in self.service_function_entries() {
            let (file, entry) = function_entry.first();
            let declared = Site {
                file,
                range: entry.range.clone(),
            };
            let Some(function) = functions.iter().position(|function| function.declared == declared) else {
                continue;
            };
            // The framework grants its own role the queues of `sqs` events.
            let framework = FunctionRole::Declared(self.framework_role_number());
            if !matches!(functions[function].role, Some(FunctionRole::Declared(_)))
                || functions[function].role == Some(framework)
            {
                continue;
            }
            for event in function_entry.merged_list("events") {
                let Some(sqs) = event.get("sqs") else { continue };
                let arn = sqs.get("arn").unwrap_or(sqs);
                events.push((function, self.followed(arn)));
            }
        }
        events
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

    /// The entries of a top-level map of a Serverless service (`layers`); none in a template.
    fn service_section(&self, key: &str) -> &[Entry] {
        self.service_value(key)
            .and_then(Value::as_map)
            .map(|map| map.entries.as_slice())
            .unwrap_or_default()
    }

    /// A top-level setting of a Serverless service; none in a template.
    fn service_value(&self, key: &str) -> Option<&Value> {
        match self.serverless && self.is_template() {
            true => self.root.get(key),
            false => None,
        }
    }

    /// The functions the service declares: `functions` as a map, or as a list whose items the
    /// framework merges (`mergeArrays`, a deep merge), each a map of functions or an include, whose
    /// functions are read in their file when it is one of the project's. A function named in
    /// several items is one function, its settings merged (`FunctionEntry`).
    fn service_function_entries(&self) -> Vec<FunctionEntry<'_>> {
        let Some(functions) = self.service_value("functions") else {
            return Vec::new();
        };
        let items: Vec<&Value> = match functions.as_list() {
            Some(list) => list.items.iter().collect(),
            None => vec![functions],
        };
        let mut entries: Vec<FunctionEntry> = Vec::new();
        // The framework deep-merges the items: an include listed twice declares its functions once.
        let mut read = Vec::new();
        for item in items {
            let (file, map, include) = match self.included.iter().find(|(written, _)| *written == item.range) {
                Some((_, included)) => {
                    let functions = (included.file, included.functions.range.clone());
                    if read.contains(&functions) {
                        continue;
                    }
                    read.push(functions);
                    (included.file, included.functions.as_map(), Some(&item.range))
                }
                None => (self.file, item.as_map(), None),
            };
            let declared = map.map(|map| map.entries.as_slice()).unwrap_or_default();
            for entry in declared {
                match entries.iter_mut().find(|function| function.first().1.key == entry.key) {
                    Some(function) => function.parts.push((file, entry)),
                    None => entries.push(FunctionEntry {
                        parts: vec![(file, entry)],
                        listed: include.unwrap_or(&entry.key_range).clone(),
                    }),
                }
            }
        }
        entries
    }

    /// The value a `${self:a.b}` variable names, followed; any other value as it is (also in a
    /// template, where such text is no variable).
    pub(super) fn followed<'v>(&'v self, value: &'v Value) -> &'v Value {
        if !self.serverless {
            return value;
        }
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

/// The logical id the framework gives the function it compiles from `functions.<name>`:
/// `<normalized name>LambdaFunction`, the name's `-` written `Dash` and `_` `Underscore` and its
/// first letter upper-cased (the provider's `naming.getLambdaLogicalId`): `hello-world` becomes
/// `HelloDashworldLambdaFunction`.
fn compiled_logical_id(name: &str) -> String {
    let normalized = name.replace('-', "Dash").replace('_', "Underscore");
    let mut characters = normalized.chars();
    let first: String = characters
        .next()
        .map(char::to_uppercase)
        .into_iter()
        .flatten()
        .collect();
    format!("{first}{}LambdaFunction", characters.as_str())
}

/// The package of a Go function whose handler names a file in a folder of the service (`bin/hello`):
/// the framework zips the service's files as they lie, so the binary is not at the package's
/// root, where an OS-only runtime looks for its `bootstrap`. When several Go functions share that
/// one package (`sharing`), one `bootstrap` at its root would serve them all: each needs its own.
fn packaged_in_a_folder(handler: &str, sharing: usize) -> Option<CodePackage> {
    let (folder, _) = handler.rsplit_once('/')?;
    let shared = match sharing > 1 {
        true => format!(
            ", one zip for {sharing} Go functions (`package.individually` is not set) where each needs its own (`package.individually: true`, or a `package.artifact` per function)"
        ),
        false => String::new(),
    };
    Some(CodePackage::Unjudged {
        reason: format!(
            "the handler `{handler}` names a binary in the `{folder}` folder of the package the Serverless Framework zips from the service's files{shared}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::compiled_logical_id;

    #[test]
    fn functions_compile_to_the_frameworks_logical_ids() {
        assert_eq!(compiled_logical_id("hello"), "HelloLambdaFunction");
        assert_eq!(compiled_logical_id("hello-world"), "HelloDashworldLambdaFunction");
        assert_eq!(compiled_logical_id("list_orders"), "ListUnderscoreordersLambdaFunction");
        assert_eq!(compiled_logical_id("sendEmail"), "SendEmailLambdaFunction");
        assert_eq!(compiled_logical_id("-x"), "DashxLambdaFunction");
    }
}
