//! The IAM part of a Pulumi program's graph: roles, the policies reaching them, what attaches
//! those policies, what functions run as and wait for, and the SQS queues that feed functions.

use foldhash::HashMap;

use super::super::policy::{RoleInstance, RolePolicies};
use super::super::repetition::InstanceCall;
use super::super::{named_children, ExecutionRole, Located, Package, PolicyCache, Program, ResourceDecl};
use crate::cloud::{
    CallRole, FunctionRole, GrantDocument, IamRole, Malformed, PermissionsBoundary, QueueEventSource, ResourceId,
    ResourceRef, RoleAttachment, RoleGrants,
};
use crate::syntax::{kind_of, named_descendants, Fields};

/// The classes that attach policy to a role, as messages name them.
const ATTACHMENT_CLASSES: [&str; 4] = [
    "RolePolicy",
    "RolePolicyAttachment",
    "PolicyAttachment",
    "RolePolicyAttachmentsExclusive",
];

impl<'tree> Program<'tree> {
    /// The role a function runs as, in the graph's terms.
    pub(super) fn function_role(&self, function: ResourceId) -> Option<FunctionRole> {
        let instances = self.role_instances();
        let Some(role) = instances.of_function.get(&function) else {
            // The roles CDK constructs make come after the declared ones.
            return self
                .framework_role_functions()
                .iter()
                .position(|&fed| fed == function)
                .map(|position| FunctionRole::MadeByFramework(instances.roles.len() + position));
        };
        Some(
            role.and_then(|role| instances.index.get(&role))
                .map_or(FunctionRole::Unknown, |&index| FunctionRole::Declared(index)),
        )
    }

    /// Each call of the factory making a function whose calls do not all run it as the same
    /// role (see `execution_role_per_call`), with the graph's role for it and the dead-letter
    /// target it passes. A role a helper makes more than once is not told apart by call here:
    /// such a call counts as one whose role infrafix cannot follow. Empty when no call's role is
    /// known.
    pub(super) fn function_role_per_call(&self, function: &ResourceDecl<'tree>) -> Vec<CallRole> {
        let roles = self.execution_role_per_call(function);
        // Most functions are made once, or every call passes one role: then there is no call to
        // tell apart, and no dead-letter target to follow per call.
        if roles.is_empty() {
            return Vec::new();
        }
        let dead_letters = self.dead_letter_per_call(function);
        let calls: Vec<CallRole> = roles
            .into_iter()
            .map(|(call, role)| CallRole {
                call: self.call_in_message(call.outer()),
                role: self.role_of_call(role),
                dead_letter: dead_letters
                    .iter()
                    .find(|(passed_by, _)| *passed_by == call)
                    .and_then(|(_, target)| target.clone()),
            })
            .collect();
        match calls.iter().any(|call| call.role.is_some()) {
            true => calls,
            false => Vec::new(),
        }
    }

    /// The graph's index of the role a call of a factory passes, where the program makes it once.
    fn role_of_call(&self, role: Option<usize>) -> Option<usize> {
        role.filter(|&role| self.instances(role) == Some(1))
            .and_then(|role| self.role_instances().index.get(&(role, None)).copied())
    }

    /// Which of the calls of the factory making `function` (as `function_role_per_call` lists
    /// them) gives the function a mapping names (`functionName: ingest.arn`, where `const ingest
    /// = makeFn(…)`, or `makeService(…)` calling it); `None` where the name reads no one call.
    fn call_named_by(&self, function: usize, name: Located<'tree>) -> Option<usize> {
        let call = self.call_read_by(name)?;
        let calls = self.execution_role_per_call(&self.resources()[function]);
        let position = calls.iter().position(|(passed_by, _)| passed_by.outer() == call)?;
        // A call of a function that calls the factory twice makes two functions: the name may
        // hold either.
        let again = calls[position + 1..]
            .iter()
            .any(|(passed_by, _)| passed_by.outer() == call);
        (!again).then_some(position)
    }

    /// A call as a message names it, and where it is: `` `makeFn("a", processorRole)`
    /// (index.ts:6) ``, its text on one line; `` `makeFn(…)` `` where an argument holds an object
    /// literal, an array, a function or another call, which would make the message long. The
    /// choice is made by the call's shape, not its length, so that renaming a program's names
    /// changes no message's form.
    fn call_in_message(&self, call: Located<'tree>) -> String {
        const BULKY: [&str; 8] = [
            "object",
            "array",
            "arrow_function",
            "function_expression",
            "call_expression",
            "new_expression",
            "template_string",
            "class",
        ];
        let bulky = call
            .node
            .field("arguments")
            .is_some_and(|arguments| named_descendants(arguments).any(|node| BULKY.contains(&kind_of(node))));
        let text = match (bulky, call.node.field("function")) {
            (true, Some(callee)) => format!("{}(…)", self.text(call.with(callee))),
            _ => self.text(call).split_whitespace().collect::<Vec<_>>().join(" "),
        };
        let file = self.file(call.file).path;
        let file = file.file_name().unwrap_or(file.as_os_str()).to_string_lossy();
        format!("`{text}` ({file}:{})", call.node.start_position().row + 1)
    }

    /// What `policies` grant one instance of `role` (or all, `instance` being `None`).
    fn role_grants(&self, policies: &RolePolicies<'tree>, role: usize, instance: Option<InstanceCall>) -> RoleGrants {
        RoleGrants {
            documents: policies
                .documents
                .iter()
                .map(|held| GrantDocument {
                    owner: held.owner,
                    statements: held
                        .document
                        .statements
                        .iter()
                        .map(|statement| statement.grant.clone())
                        .collect(),
                    at: held.document.at.into(),
                    // For one instance of a role a helper makes several times, a document reaching
                    // every instance (written in the helper) is theirs too: only read.
                    shared: held.document.shared
                        || instance.is_some_and(|_| self.attachment_instance(role, held.owner) != instance),
                    inline_role_policy: self.resources()[held.owner].is_aws(&["iam", "RolePolicy"]),
                    malformed: held.document.malformed.as_ref().map(|malformed| Malformed {
                        why: format!("{} {}", self.policy_named(held.owner), malformed.why),
                        refused: malformed.refused,
                    }),
                })
                .collect(),
            managed: policies.managed.clone(),
            conditional_managed: Vec::new(),
            unreadable: policies.unreadable,
            boundary: None,
            misnamed: Vec::new(),
        }
    }

    /// A role, with every policy reaching it and what attaches them. `functions` are the
    /// functions running as it whose dependencies are known, with those dependencies.
    pub(super) fn iam_role(
        &self,
        (role, instance): RoleInstance,
        functions: &[(ResourceId, &[ResourceId])],
        cache: &PolicyCache<'tree>,
    ) -> IamRole {
        let policies = self.cached_role_policies(cache, (role, instance));
        let app_wide_boundary = (self.resources()[role].class.package == Package::Cdk)
            .then(|| self.app_wide_boundary())
            .flatten()
            .map(|written| PermissionsBoundary::new(written.to_owned(), None));
        let boundary = app_wide_boundary.or_else(|| {
            self.resources()[role]
                .args()
                .and_then(|props| self.property(props, "permissionsBoundary"))
                .map(|boundary| {
                    let mut policy = RolePolicies::default();
                    self.add_policy_arn(&mut policy, boundary.value, false);
                    PermissionsBoundary::new(
                        format!("`{}`", self.text(boundary.value)),
                        Some(self.role_grants(&policy, role, instance)),
                    )
                })
        });
        let grants = RoleGrants {
            boundary,
            ..self.role_grants(&policies, role, instance)
        };
        let attachments = self
            .role_instance_attachments(role, instance)
            .into_iter()
            .map(|attachment| RoleAttachment {
                resource: attachment,
                name: self.display_name(attachment),
                kind: self.attachment_class(attachment),
                declared: self.resources()[attachment].declared(),
                attached_policy: self.attached_policy(attachment),
                // Following every value an attachment reads is the costly part of the graph: a
                // function that already lists the attachment waits for it, so it is not asked.
                after_functions: functions
                    .iter()
                    .filter(|(function, listed)| !listed.contains(&attachment) && self.waits_for(attachment, *function))
                    .map(|(function, _)| *function)
                    .collect(),
            })
            .collect();
        // CloudFormation keeps a role's `Policies` beside separate policies; Pulumi deletes those.
        let declaration = &self.resources()[role];
        let owns_inline_policies =
            declaration.class.package == Package::Aws && self.argument(declaration, "inlinePolicies").is_some();
        // A CallbackFunction stands for the role it makes.
        let name = match self.makes_its_role_from_policies(declaration) {
            true => format!("made from {}'s `policies`", self.display_name(role)),
            false => self.display_name(role),
        };
        IamRole {
            name,
            declared: self.resources()[role].declared(),
            grants,
            attachments,
            owns_inline_policies,
        }
    }

    /// A resource holding a policy document, as messages name it: `RolePolicy \`p\``, or the
    /// inline policy of a role.
    fn policy_named(&self, owner: ResourceId) -> String {
        let declared = &self.resources()[owner];
        match declared.class.path.last() {
            Some(class) if class != "Role" => format!("{class} {}", self.display_name(owner)),
            _ => format!("an inline policy of role {}", self.display_name(owner)),
        }
    }

    /// The `aws.iam.Policy` of the program an attachment attaches by its `policyArn`.
    fn attached_policy(&self, attachment: ResourceId) -> Option<ResourceId> {
        let policy = self
            .denoted_resource(self.argument(&self.resources()[attachment], "policyArn")?.value)?
            .resource;
        self.resources()[policy].is_aws(&["iam", "Policy"]).then_some(policy)
    }

    fn attachment_class(&self, attachment: ResourceId) -> String {
        let declared = &self.resources()[attachment];
        let class = declared.class.path.last().map_or("", String::as_str);
        match declared.class.package {
            Package::Cdk => class.to_owned(),
            _ => ATTACHMENT_CLASSES
                .into_iter()
                .find(|known| *known == class)
                .unwrap_or("policy")
                .to_owned(),
        }
    }

    /// The resources a function's `dependsOn` lists, or, in a CDK app, those it is made to wait
    /// for by hand; `None` when they cannot be known.
    pub(super) fn listed_dependencies(
        &self,
        index: ResourceId,
        function: &ResourceDecl<'tree>,
    ) -> Option<Vec<ResourceId>> {
        if function.class.package == Package::Cdk {
            return self
                .explicit_dependencies()?
                .get(&index)
                .cloned()
                .unwrap_or(Some(Vec::new()));
        }
        let Some(options) = function.options() else {
            return Some(Vec::new());
        };
        let options = self.object_literal(options)?;
        let Some(depends_on) = self.property(options, "dependsOn") else {
            return Some(Vec::new());
        };
        // A list (`[a, b]`, a const holding one, `[...attachments, c]` over a `.map` result or an
        // array filled by `push`), else one resource. A resource of a package infrafix does not
        // read (a build step, `new command.local.Command(…)`) is none of the role's policies: it
        // leaves the list known.
        let value = depends_on.value;
        let elements = self.array_values(value).unwrap_or_else(|| vec![value]);
        elements
            .into_iter()
            .filter(|&element| !self.made_by_another_package(element))
            .map(|element| self.denoted_resource(element).map(|reference| reference.resource))
            .collect()
    }

    /// What an event source mapping connects: an SQS queue of the program (one per queue when
    /// the mapping is made per element or call, each for its own) to one of its functions;
    /// `functions` maps a function's resource index to its index in the graph.
    /// The function an `aws.lambda.Alias` points at (a mapping that invokes the alias polls as
    /// that function's role); any other resource is itself.
    pub(in super::super) fn aliased_function(&self, resource: usize) -> usize {
        let declared = &self.resources()[resource];
        if !declared.is_aws(&["lambda", "Alias"]) {
            return resource;
        }
        self.argument(declared, "functionName")
            .and_then(|function| self.denoted_resource(function.value))
            .map_or(resource, |function| function.resource)
    }

    pub(super) fn queue_event_source(
        &self,
        mapping: &ResourceDecl<'tree>,
        functions: &HashMap<ResourceId, usize>,
    ) -> Vec<QueueEventSource> {
        let (Some(source), Some(function)) = (
            self.argument(mapping, "eventSourceArn"),
            self.argument(mapping, "functionName")
                .and_then(|function| self.denoted_resource(function.value)),
        ) else {
            return Vec::new();
        };
        let made = Located {
            file: mapping.file,
            node: mapping.expression,
        };
        let fed = self.aliased_function(function.resource);
        let call = self
            .argument(mapping, "functionName")
            .and_then(|name| self.call_named_by(fed, name.value));
        let mut sources = self.queues_feeding(made, source.value, fed, functions);
        for source in &mut sources {
            source.call = call;
        }
        sources
    }

    /// The queues a mapping made by `made` feeds `function` from, its `eventSourceArn` being
    /// `source`.
    pub(super) fn queues_feeding(
        &self,
        made: Located<'tree>,
        source: Located<'tree>,
        function: usize,
        functions: &HashMap<ResourceId, usize>,
    ) -> Vec<QueueEventSource> {
        let is_queue_arn = |source: &ResourceRef| {
            source.attribute.as_deref() == Some("arn") && self.resources()[source.resource].is_aws(&["sqs", "Queue"])
        };
        let denoted = self.denoted_resource(source);
        let per_instance = denoted.is_none();
        let mut queues: Vec<usize> = match denoted {
            Some(source) => is_queue_arn(&source).then_some(source.resource).into_iter().collect(),
            // A mapping made per element or call, each for its own queue (`spec.input.arn`), is
            // judged per queue against a role its function's instances share, or against a role
            // made beside each instance: what that role grants is written once for all of them,
            // and a grant naming each instance's queue through the same code cannot be judged
            // (the rule then stays silent).
            None if self.role_made_once(function) || self.runs_as_a_role_made_beside(function) => self
                .denoted_per_instance(source)
                .into_iter()
                .map(|source| source.filter(is_queue_arn).map(|source| source.resource))
                .collect::<Option<Vec<usize>>>()
                .unwrap_or_default(),
            None => Vec::new(),
        };
        queues.sort_unstable();
        queues.dedup();
        let Some(&graph_function) = functions.get(&function).filter(|_| !queues.is_empty()) else {
            return Vec::new();
        };
        let feeds_every_instance = self.feeds_every_instance_at(made, function);
        queues
            .into_iter()
            .filter_map(|queue| {
                Some(QueueEventSource {
                    queue: self.resource_target(queue)?,
                    queue_name: self.display_name(queue),
                    function: graph_function,
                    feeds_every_instance,
                    per_instance,
                    mapping: Some(made.into()),
                    call: None,
                })
            })
            .collect()
    }

    /// The queue subscriptions of @pulumi/aws: `queue.onEvent(name, handler, args?, opts?)` and
    /// `new aws.sqs.QueueEventSubscription(name, queue, handler, args?, opts?)`. Handed a
    /// function resource, it maps the queue to that function as it is, granting its role
    /// nothing (only a callback gets a role of its own, with SQS access).
    pub(super) fn queue_subscriptions(&self) -> Vec<QueueSubscription<'tree>> {
        let calls = self.files().iter().enumerate().flat_map(|(file, program_file)| {
            program_file.subscription_calls.iter().filter_map(move |&call| {
                let made = Located { file, node: call };
                let queue = call.field("function")?.field("object")?;
                let handler = named_children(call.field("arguments")?).nth(1)?;
                Some(QueueSubscription {
                    made,
                    queue: made.with(queue),
                    handler: made.with(handler),
                })
            })
        });
        let constructions = self
            .resources()
            .iter()
            .filter(|resource| resource.is_aws(&["sqs", "QueueEventSubscription"]))
            .filter_map(|resource| {
                let made = Located {
                    file: resource.file,
                    node: resource.expression,
                };
                let mut arguments = named_children(resource.expression.field("arguments")?).skip(1);
                Some(QueueSubscription {
                    made,
                    queue: made.with(arguments.next()?),
                    handler: made.with(arguments.next()?),
                })
            });
        calls.chain(constructions).collect()
    }

    /// What a queue subscription connects, when it hands an SQS queue of the program to one of
    /// its functions; `functions` maps a function's resource index to its index in the graph.
    pub(super) fn subscribed_queue(
        &self,
        subscription: QueueSubscription<'tree>,
        functions: &HashMap<ResourceId, usize>,
    ) -> Option<QueueEventSource> {
        let whole = |value: Located<'tree>| {
            self.denoted_resource(value)
                .filter(|denoted| denoted.attribute.is_none())
        };
        let queue =
            whole(subscription.queue).filter(|queue| self.resources()[queue.resource].is_aws(&["sqs", "Queue"]))?;
        let function = whole(subscription.handler)?.resource;
        let &graph_function = functions.get(&function)?;
        Some(QueueEventSource {
            queue: self.resource_target(queue.resource)?,
            queue_name: self.display_name(queue.resource),
            function: graph_function,
            feeds_every_instance: self.feeds_every_instance_at(subscription.made, function),
            per_instance: false,
            mapping: None,
            call: None,
        })
    }

    /// Whether a function runs as a role the program makes once, or one it does not make.
    fn role_made_once(&self, function: usize) -> bool {
        let declared = &self.resources()[function];
        if self.makes_its_role_from_policies(declared) {
            return self.instances(function) == Some(1);
        }
        match self.execution_role(declared) {
            Some(ExecutionRole::Declared(role)) => self.instances(role) == Some(1),
            _ => true,
        }
    }

    /// Whether a mapping made by the expression `made` is made wherever its function is (in the
    /// same function, constructor or loop body, once per instance, and under no condition of its
    /// own), or the function's role is made once: else a policy written beside the role would
    /// reach the instances of other calls or constructions too.
    fn feeds_every_instance_at(&self, made: Located<'tree>, function: usize) -> bool {
        let declared = &self.resources()[function];
        if self.role_made_once(function) || self.instances(function) == Some(1) {
            return true;
        }
        made.file == declared.file
            && self.repeating_body_at(made) == self.repeating_body(declared)
            && self.exists_wherever_at(made, function)
    }
}

/// A queue handed to a function by @pulumi/aws's subscription mixin, by the expressions that
/// make it and name the queue and the handler.
#[derive(Clone, Copy)]
pub(super) struct QueueSubscription<'tree> {
    made: Located<'tree>,
    queue: Located<'tree>,
    handler: Located<'tree>,
}
