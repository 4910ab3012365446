//! The IAM part of the root module's graph: each `aws_iam_role` and the policies reaching it (an
//! `aws_iam_role_policy`, an `aws_iam_role_policy_attachment` of an AWS managed policy or of an
//! `aws_iam_policy`, an `aws_iam_policy_attachment`, the role's own `inline_policy` blocks and
//! `managed_policy_arns`), what a function runs as, sends failed events to and waits for, the
//! queues and topics policies name, and the SQS queues that feed functions.
//!
//! The root module's roles are judged, and the role a root module call makes once (see
//! `module_iam_role`) where a function runs as it: a root function given the call's output
//! (`role = module.iam.role_arn`), or a module's function sending to what the root passes in. A
//! module's function running as a root role is judged, with the queues the module makes once (see
//! `arn_ref`). What a called module does with a role of its own alone is its own folder's finding.

use super::arn_text::{PROVIDER_ACCOUNT, PROVIDER_PARTITION, PROVIDER_REGION};
use super::for_elements::PerInstance;
use super::kept_instances::Kept;
use super::modules::ResourceInstance;
use super::policy::ReadDocument;
use super::references::{graph_attribute, interpolated};
use super::values::{unwrapped, Scope, MAX_HOPS};
use super::{Located, Mention, ModuleCall, ResourceBlock, TerraformProject};
use crate::aws::managed_policies;
use crate::cloud::{
    ArnPiece, ArnText, ArnValues, DeadLetter, Entry, FunctionRole, GrantDocument, IamRole, LambdaFunction,
    MessageTarget, Multiplicity, PermissionsBoundary, PhysicalName, QueueEventSource, ReadValue, ResourceId,
    ResourceRef, ResourceTarget, RoleAttachment, RoleGrants, WrittenArn, ARN,
};
use crate::syntax::kind_of;

/// The resource types that attach policy to a role, and how messages name each.
const ATTACHMENT_KINDS: [(&str, &str); 4] = [
    ("aws_iam_role_policy", "role policy"),
    ("aws_iam_role_policy_attachment", "policy attachment"),
    ("aws_iam_policy_attachment", "policy attachment"),
    (
        "aws_iam_role_policy_attachments_exclusive",
        "exclusive policy attachments",
    ),
];

/// The queues and topics a function may send failed events to, with the service of their ARNs.
const MESSAGE_TARGETS: [(&str, &str); 2] = [("aws_sqs_queue", "sqs"), ("aws_sns_topic", "sns")];

/// A function's name as written in the root module, for telling whether two expressions give the
/// same one (see `name_value`).
#[derive(PartialEq)]
enum NameValue {
    Text(ArnText),
    /// Where a value that is not text known is written: the file and the byte it starts at.
    WrittenAt(usize, usize),
    Variable(String),
}

impl<'a> TerraformProject<'a> {
    /// The roles judged, in the order `FunctionRole::Declared` counts them, by their index among
    /// `resource_instances`: the root module's, then each one a root module call makes (see
    /// `made_by_root_call`).
    fn judged_roles(&self, instances: &[ResourceInstance<'_, 'a>]) -> Vec<ResourceId> {
        let root = self
            .root_resources()
            .enumerate()
            .filter(|(_, resource)| resource.kind == "aws_iam_role");
        let made_by_calls = (self.folders[0].resources.len()..instances.len())
            .filter(|&id| self.made_by_root_call(id, instances).is_some());
        root.map(|(id, _)| id).chain(made_by_calls).collect()
    }

    /// The root module call that makes the role `role` (an index among `instances`), when the
    /// root can name it through that call alone: the call and the role are made once, and the
    /// call makes no other role (a grant the root writes names the role by the call's output).
    fn made_by_root_call<'p>(
        &self,
        role: ResourceId,
        instances: &[ResourceInstance<'p, 'a>],
    ) -> Option<&'p ModuleCall<'a>> {
        let instance = instances
            .get(role)
            .filter(|instance| instance.resource.kind == "aws_iam_role")?;
        let call = *instance.calls.first()?;
        let made_once =
            !self.is_repeated(instance.resource.body) && self.copies(instance.scope()) == Multiplicity::Exactly(1);
        (made_once && self.roles_made_by(call, instances).count() == 1).then_some(call)
    }

    /// The roles (indices among `instances`) the root module call `call` makes, in its module and
    /// the modules that module calls.
    pub(super) fn roles_made_by<'i>(
        &self,
        call: &'i ModuleCall<'a>,
        instances: &'i [ResourceInstance<'_, 'a>],
    ) -> impl Iterator<Item = ResourceId> + 'i {
        instances.iter().enumerate().filter_map(move |(id, instance)| {
            let in_call = instance.calls.first().is_some_and(|first| std::ptr::eq(*first, call));
            (in_call && instance.resource.kind == "aws_iam_role").then_some(id)
        })
    }

    /// Whether a resource (an index among `resource_instances`) is one of the root module's.
    pub(super) fn in_root(&self, resource: ResourceId) -> bool {
        resource < self.folders[0].resources.len()
    }

    /// Whether `role` (an index among `resource_instances`) is made by the root module call that
    /// makes a block read in `scope`: the module's own role, whose grants to what the module
    /// makes itself are the module's finding.
    pub(super) fn own_module_role(&self, role: ResourceId, scope: &Scope<'_, 'a>) -> bool {
        let instances = self.resource_instances();
        let (Some(made_by), Some(first)) = (self.made_by_root_call(role, &instances), scope.first()) else {
            return false;
        };
        std::ptr::eq(made_by, *first)
    }

    /// The resource of the root module, and the output read, that an expression read in `scope`
    /// stands for: written in the root module, or passed in by it (`role_arn =
    /// aws_iam_role.worker.arn` in a module call).
    fn root_value_ref(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<ResourceRef> {
        let origin = self.origin(expression, scope)?;
        (origin.depth == 0 && !origin.overridable)
            .then(|| self.root_resource_ref(origin.written))
            .flatten()
    }

    /// The queue or topic (or other resource) an ARN read in `scope` names: one of the root module,
    /// written there or passed in by it (see `root_value_ref`); or one a module instance makes
    /// once, read there or handed out as a module output (`module.jobs.dlq_arn`), whose
    /// `resource` is then its index among `resource_instances`. A module's resource made several
    /// times is not named here (the root could not name the one instance in a fix), except the one
    /// each instance of a root call made by `count` or `for_each` makes, read from the instance a
    /// key picks (`module.queues["jobs"].queue_arn`, see `picked_output_ref`).
    pub(super) fn arn_ref(&self, expression: Located<'a>, scope: &Scope<'_, 'a>) -> Option<ResourceRef> {
        if let Some(reference) = self.root_value_ref(expression, scope) {
            return Some(reference);
        }
        if let Some(reference) = scope.is_empty().then(|| self.picked_output_ref(expression)).flatten() {
            return Some(reference);
        }
        let instances = self.resource_instances();
        let (found, attribute) = self.instance_reference(expression, scope, &instances)?;
        let instance = &instances[found];
        let made_once = !instance.calls.is_empty()
            && !self.is_repeated(instance.resource.body)
            && self.copies(instance.scope()) == Multiplicity::Exactly(1);
        made_once.then(|| ResourceRef {
            resource: found,
            attribute: attribute.map(|attribute| graph_attribute(&instance.resource.kind, attribute)),
            instance: None,
        })
    }

    /// The role a function runs as: `role = aws_iam_role.NAME.arn` of the root module, or the
    /// ARN of a role a root module call makes (see `made_by_root_call`), read from the call's
    /// output or, in the module, from the role itself. Any other is unknown here.
    pub(super) fn function_role(
        &self,
        body: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<(FunctionRole, Option<ResourceId>)> {
        self.role_named_by(self.argument(body, "role")?, scope)
    }

    /// The role an ARN read in `scope` names, as `function_role` reads a function's `role`.
    pub(super) fn role_named_by(
        &self,
        role: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> Option<(FunctionRole, Option<ResourceId>)> {
        let named = self.arn_ref(role, scope).filter(|reference| reference.is_arn());
        let declared = named.and_then(|reference| {
            let position = self
                .judged_roles(&self.resource_instances())
                .iter()
                .position(|&id| id == reference.resource)?;
            Some((position, reference.resource))
        });
        Some(match declared {
            Some((position, resource)) => (FunctionRole::Declared(position), Some(resource)),
            None => (FunctionRole::Unknown, None),
        })
    }

    /// Where a function sends failed events: `dead_letter_config { target_arn }`, a queue or topic
    /// of the root module, or one a module instance makes once (see `arn_ref`). A `dynamic "dead_letter_config"` block (the usual way to make the queue
    /// optional) is judged by its `content`, as the function is when the block is there; a target
    /// read from its iterator is unknown.
    pub(super) fn dead_letter(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> DeadLetter {
        let config = match self.dynamic_block(body, "dead_letter_config") {
            Some(dynamic) => match super::block_body(dynamic).and_then(|inner| self.nested_block(inner, "content")) {
                Some(content) => content,
                None => return DeadLetter::Unknown,
            },
            None => match self.nested_block(body, "dead_letter_config") {
                Some(config) => config,
                None => return DeadLetter::None,
            },
        };
        match super::block_body(config).and_then(|config| self.argument(config, "target_arn")) {
            Some(target) => self.dead_letter_named_by(target, scope),
            None => DeadLetter::Unknown,
        }
    }

    /// What an ARN read in `scope` names as a function's dead-letter target: a queue or topic of
    /// the project (see `arn_ref`), or ARN text of one made elsewhere.
    pub(super) fn dead_letter_named_by(&self, written: Located<'a>, scope: &Scope<'_, 'a>) -> DeadLetter {
        // A function made for the instances of a queue a `for` keeps sends to each of those.
        let kept = scope.is_empty().then(|| self.kept_instance_refs(written)).flatten();
        if let Some(targets) = kept {
            let sendable = targets
                .iter()
                .all(|target| target.is_arn() && self.message_service(target.resource).is_some());
            return match sendable {
                true => DeadLetter::PerInstance(targets),
                false => DeadLetter::Unknown,
            };
        }
        let target = self
            .arn_ref(written, scope)
            .filter(|reference| reference.is_arn() && self.message_service(reference.resource).is_some());
        if let Some(target) = target {
            return DeadLetter::Resource(target);
        }
        // ARN text of a queue or topic made elsewhere, judged in the root module, where the
        // values it reads are the policies' too.
        let text = scope
            .is_empty()
            .then(|| self.arn_text(written))
            .flatten()
            .filter(|text| matches!(text.service(), Some("sqs" | "sns")));
        match text {
            Some(text) => DeadLetter::Text(WrittenArn {
                text,
                at: written.site(),
            }),
            None => DeadLetter::Unknown,
        }
    }

    /// The root module resources a resource or module call waits for: those its `depends_on` lists, and all
    /// they read (Terraform waits for those first; a `time_sleep` that depends on the policies
    /// is waited for with them). A module or a data source listed holds none of the root's
    /// resources. `None` when an entry cannot be read.
    pub(super) fn listed_dependencies(&self, body: Located<'a>) -> Option<Vec<ResourceId>> {
        let Some(listed) = self.argument(body, "depends_on") else {
            return Some(Vec::new());
        };
        let (entries, origin) = self.list_elements(listed, &[])?;
        if !origin.in_place {
            return None;
        }
        let mut waited = Vec::new();
        for entry in entries {
            let parts = self.traversal(entry)?;
            if matches!(parts.first(), Some(&"module" | &"data")) {
                continue;
            }
            let reference = self
                .root_resource_ref(entry)
                .filter(|reference| reference.attribute.is_none())?;
            waited.push(reference.resource);
            let declaration = self.root_resources().nth(reference.resource)?;
            for key in self.reads(declaration.block) {
                waited.extend(self.root_resource_id(&key));
            }
        }
        waited.sort_unstable();
        waited.dedup();
        Some(waited)
    }

    /// The service of the queue or topic `resource` (an index among `resource_instances`, the
    /// root module's resources first), if it is one.
    fn message_service(&self, resource: ResourceId) -> Option<&'static str> {
        match self.folders[0].resources.get(resource) {
            Some(root) => message_service_of(&root.kind),
            None => message_service_of(&self.resource_instances().get(resource)?.resource.kind),
        }
    }

    pub(super) fn graph_message_targets(&self) -> Vec<MessageTarget> {
        let instances = self.resource_instances();
        (0..instances.len())
            .filter_map(|id| self.message_target(id, &instances))
            .collect()
    }

    /// The queue or topic `id` (an index among `instances`), with what is known of its name.
    pub(super) fn message_target(
        &self,
        id: ResourceId,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<MessageTarget> {
        let instance = instances.get(id)?;
        let service = message_service_of(&instance.resource.kind)?;
        let written = |key| {
            self.argument(instance.resource.body, key)
                .and_then(|value| self.string_value(value, instance.scope()))
                .filter(|(_, origin)| !origin.overridable)
                .map(|(value, _)| value)
        };
        let name = match (written("name"), written("name_prefix")) {
            (Some(name), _) => PhysicalName::Fixed(name),
            (None, Some(prefix)) => PhysicalName::Prefix(prefix),
            _ => PhysicalName::Unknown,
        };
        Some(MessageTarget {
            target: ResourceTarget {
                resource: id,
                service,
                name,
                instance: None,
                arn_values: self.own_arn_values(instance),
            },
            name: format!("`{}`", instance.address()),
        })
    }

    /// The values the root module reads the ARN of its queue or topic `instance` from: its name
    /// as the `name` attribute gives it (`aws_sqs_queue.dlq.name`) and as its `name` argument
    /// writes it (`"${var.env}-dlq"`), and its whole ARN (`aws_sqs_queue.dlq.arn`). Only for a
    /// resource of the root made once: elsewhere, or per instance, the same words read another
    /// module's values or no one instance's. Its partition, region and account are the default
    /// provider's, as the root's data sources report them, unless it names a `provider` or
    /// `region` of its own, which may place it anywhere: then only `*` there is taken to match.
    fn own_arn_values(&self, instance: &ResourceInstance<'_, 'a>) -> ArnValues {
        let resource = instance.resource;
        if !instance.calls.is_empty() || resource.registry_call.is_some() || self.is_repeated(resource.body) {
            return ArnValues::default();
        }
        let placed_elsewhere = ["provider", "region"]
            .iter()
            .any(|argument| self.argument(resource.body, argument).is_some());
        let provider_value = |identity: &str| (!placed_elsewhere).then(|| ReadValue::named(identity.to_owned()));
        let address = format!("{}.{}", resource.kind, resource.name);
        let read = |attribute: &str| ReadValue::named(format!("{address}.{attribute}"));
        let written = self
            .argument(resource.body, "name")
            .and_then(|name| self.arn_text(name));
        ArnValues {
            names: std::iter::once(ArnText::new(vec![ArnPiece::Value(read("name"))]))
                .chain(written)
                .collect(),
            arn: Some(read("arn")),
            partition: provider_value(PROVIDER_PARTITION),
            region: provider_value(PROVIDER_REGION),
            account: provider_value(PROVIDER_ACCOUNT),
        }
    }

    /// The event source mappings that feed a function from an SQS queue of the root module: the
    /// root's, naming a function of the root or one a module call makes (by the call's output),
    /// and a called module's, given the root's queue.
    pub(super) fn graph_queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        let instances = self.resource_instances();
        let judged = self.judged_roles(&instances);
        instances
            .iter()
            .filter(|mapping| mapping.resource.kind == "aws_lambda_event_source_mapping")
            .flat_map(|mapping| {
                let (body, scope) = (mapping.resource.body, mapping.scope());
                // A mapping made per element of a `for` may feed another queue, or function, in
                // each instance.
                let sources = self.argument(body, "event_source_arn").and_then(|value| {
                    // Made for the instances of a queue a `for` keeps, it feeds each of those.
                    let kept = scope.is_empty().then(|| self.kept_instance_refs(value)).flatten();
                    match kept {
                        Some(queues) => Some(PerInstance::Each(queues.into_iter().map(Some).collect())),
                        None => self.per_instance(value, body, scope, |value, scope| self.arn_ref(value, scope)),
                    }
                });
                let fed = self.argument(body, "function_name").and_then(|value| {
                    self.per_instance(value, body, scope, |value, scope| {
                        self.function_instance(value, scope, &instances)
                    })
                });
                let pairs = sources.zip(fed).map(|(sources, fed)| sources.paired(fed));
                pairs.unwrap_or_default().into_iter().filter_map(|(source, function)| {
                    self.queue_event_source(mapping, source, function, functions, &instances, &judged)
                })
            })
            .chain(self.registry_queue_event_sources(functions, &instances))
            .collect()
    }

    /// One queue feeding one function through the event source mapping `mapping`: `source` the
    /// queue's ARN, `function` the function's index among `instances`.
    fn queue_event_source(
        &self,
        mapping: &ResourceInstance<'_, 'a>,
        source: ResourceRef,
        function: ResourceId,
        functions: &[LambdaFunction],
        instances: &[ResourceInstance<'_, 'a>],
        judged: &[ResourceId],
    ) -> Option<QueueEventSource> {
        let queue = self
            .message_target(source.resource, instances)
            .filter(|queue| queue.target.service == "sqs" && source.is_arn())?;
        let function = functions.iter().position(|known| known.resource == function)?;
        // A module's own queue feeding a function that runs as the module's own role is the
        // module's finding.
        let own_role = match functions[function].role {
            Some(FunctionRole::Declared(role)) => judged
                .get(role)
                .is_some_and(|&role| self.own_module_role(role, mapping.scope()) && !self.in_root(source.resource)),
            _ => false,
        };
        if own_role {
            return None;
        }
        // A role of a module called per element is one per instance; the mapping names one
        // function instance, whose role it is.
        let name = match &source.instance {
            Some(instance) => format!("{} (its instance `{instance}`)", queue.name),
            None => queue.name,
        };
        Some(QueueEventSource::of_one_role(
            queue.target.named_by(&source),
            name,
            function,
        ))
    }

    /// The function an expression read in `scope` names: an `aws_lambda_function` of the module
    /// instance it is written in, one a module call of that instance makes and hands out as an
    /// output (`module.orders.function_name`), or the function of an `aws_lambda_alias` (an alias
    /// invokes its function, as that function's role).
    pub(super) fn function_instance(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<ResourceId> {
        const INVOKED: [&str; 2] = ["aws_lambda_function", "aws_lambda_alias"];
        let found = self
            .named_instance(expression, scope, instances, &INVOKED)
            .or_else(|| self.function_named_alike(expression, scope, instances))?;
        let alias = &instances[found];
        if alias.resource.kind != "aws_lambda_alias" {
            return Some(found);
        }
        // An alias names its function, never another alias.
        let aliased = self.argument(alias.resource.body, "function_name")?;
        self.named_instance(aliased, alias.scope(), instances, &INVOKED[..1])
    }

    /// The root module's function whose `function_name` is the value a root expression names it
    /// by, when that is not a reference to it: a mapping given `local.function_name`, the local
    /// the function's own name reads too. Lambda takes a function's name wherever it takes its
    /// ARN. Only a function made once, through the same provider and region, and only when no
    /// other function of the root is given the same value.
    fn function_named_alike(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<ResourceId> {
        if !scope.is_empty() {
            return None;
        }
        let wanted = self.name_value(expression)?;
        // A name means a function in one region of one account: the provider's, or the region
        // the resource gives itself.
        let placed = |body: Located<'a>| {
            ["provider", "region"].map(|argument| self.argument(body, argument).map(|value| self.text(value)))
        };
        let naming_from = placed(self.enclosing_block_body(expression)?);
        let mut alike = instances.iter().enumerate().filter(|(_, instance)| {
            let body = instance.resource.body;
            instance.resource.kind == "aws_lambda_function"
                && instance.calls.is_empty()
                && placed(body) == naming_from
                && ["count", "for_each"]
                    .iter()
                    .all(|made| self.argument(body, made).is_none())
                && self
                    .argument(body, "function_name")
                    .and_then(|name| self.name_value(name))
                    .is_some_and(|name| name == wanted)
        });
        let (found, _) = alike.next()?;
        alike.next().is_none().then_some(found)
    }

    /// What a root expression giving a function's name comes to, as far as telling two of them
    /// apart needs: its text, or else the one place its value is written, or else the variable
    /// giving it. A variable a `.tfvars` file may set is the same value wherever it is read.
    fn name_value(&self, expression: Located<'a>) -> Option<NameValue> {
        if let Some(text) = self.arn_text(expression) {
            return Some(NameValue::Text(text));
        }
        match self.origin(expression, &[]) {
            Some(origin) => {
                (origin.depth == 0).then(|| NameValue::WrittenAt(origin.written.file, origin.written.node.start_byte()))
            }
            // A variable with no default is set by every plan, the same wherever it is read.
            None => match self.traversal(expression)?.as_slice() {
                ["var", name] => Some(NameValue::Variable(name.to_string())),
                _ => None,
            },
        }
    }

    /// The resource instance of one of `kinds` an expression read in `scope` names (see
    /// `instance_reference`).
    fn named_instance(
        &self,
        expression: Located<'a>,
        scope: &Scope<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
        kinds: &[&str],
    ) -> Option<ResourceId> {
        // One instance of a module call made several times (`module.fns["orders"].function_name`)
        // makes one copy of each of its resources: named here by the resource as a whole.
        let picked = || {
            let (written, calls, _) = self.picked_output_value(expression, scope)?;
            self.instance_written(written, &calls, instances)
        };
        let (found, _) = self.instance_reference(expression, scope, instances).or_else(picked)?;
        kinds
            .contains(&instances[found].resource.kind.as_str())
            .then_some(found)
    }

    /// Each root module role with the policies reaching it; `functions` are the graph's.
    pub(super) fn graph_roles(&self, functions: &[LambdaFunction]) -> Vec<IamRole> {
        let instances = self.resource_instances();
        let declared =
            self.judged_roles(&instances)
                .into_iter()
                .map(|role| match self.made_by_root_call(role, &instances) {
                    Some(call) => self.module_iam_role(role, call, &instances, functions),
                    None => self.root_iam_role(role, functions),
                });
        // After them, in `FunctionRole::Declared`'s count too, the roles registry modules make.
        let made_by_registry_modules = self
            .registry_roles(&instances)
            .into_iter()
            .map(|function| self.registry_iam_role(function, &instances[function]));
        declared.chain(made_by_registry_modules).collect()
    }

    /// The position among the graph's roles of the role a registry module makes for its
    /// function `function` (an index among `instances`), if it makes one judged (see
    /// `registry_roles`).
    pub(super) fn registry_role_position(
        &self,
        function: ResourceId,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Option<usize> {
        let position = self.registry_roles(instances).iter().position(|&id| id == function)?;
        Some(self.judged_roles(instances).len() + position)
    }

    fn root_iam_role(&self, role: ResourceId, functions: &[LambdaFunction]) -> IamRole {
        let declaration = &self.folders[0].resources[role];
        let mut grants = RoleGrants::default();
        let owns_inline_policies = self.add_own_policies(&mut grants, role, declaration, &[]);
        let role_key = format!("aws_iam_role.{}", declaration.name);
        grants.unreadable += self.calls_handed_role_name(&role_key, |mention| mention.attribute == Some(ARN));
        let attachments = self.root_attachments(&mut grants, role, &role_key, Some(declaration), functions);
        IamRole {
            name: format!("`aws_iam_role.{}`", declaration.name),
            declared: declaration.block.site(),
            grants,
            attachments,
            owns_inline_policies,
        }
    }

    /// A role the root module call `call` makes (see `made_by_root_call`): the grants the module
    /// instance writes for it, read with the arguments the call passes, and those the root
    /// attaches to it through the call's outputs. Named in intents by the call's block: the root
    /// writes a grant beside it, never into the module, which other callers may share.
    fn module_iam_role(
        &self,
        role: ResourceId,
        call: &ModuleCall<'a>,
        instances: &[ResourceInstance<'_, 'a>],
        functions: &[LambdaFunction],
    ) -> IamRole {
        let instance = &instances[role];
        let scope = instance.scope();
        let mut grants = RoleGrants::default();
        let owns_inline_policies = self.add_own_policies(&mut grants, role, instance.resource, scope);
        for (id, other) in instances.iter().enumerate() {
            let in_call = other.calls.first().is_some_and(|first| std::ptr::eq(*first, call));
            let attaches = ATTACHMENT_KINDS.iter().any(|(kind, _)| *kind == other.resource.kind)
                || other.resource.kind == "aws_iam_role_policies_exclusive";
            if in_call && attaches && !self.add_module_attachment(&mut grants, id, other, role, instances) {
                grants.unreadable += 1;
            }
        }
        let role_key = format!("module.{}", call.name);
        let hands_out_arn = |mention: &Mention<'a>| {
            mention.attribute.is_some_and(|output| {
                self.call_output(vec![call], output)
                    .and_then(|(written, calls)| self.instance_written(written, &calls, instances))
                    == Some((role, Some(ARN)))
            })
        };
        grants.unreadable += self.calls_handed_role_name(&role_key, hands_out_arn);
        let attachments = self.root_attachments(&mut grants, role, &role_key, None, functions);
        IamRole {
            name: format!("`{}`", instance.address()),
            declared: call.block.site(),
            grants,
            attachments,
            owns_inline_policies,
        }
    }

    /// What a policy resource of a module instance grants the module's role `role`, when infrafix
    /// can read it: an `aws_iam_role_policy` or an attachment of an AWS managed policy, made once,
    /// naming the role; one that may not be made grants nothing. `false` for anything else.
    fn add_module_attachment(
        &self,
        grants: &mut RoleGrants,
        id: ResourceId,
        attachment: &ResourceInstance<'_, 'a>,
        role: ResourceId,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> bool {
        let (body, scope) = (attachment.resource.body, attachment.scope());
        let names_role = self
            .argument(body, "role")
            .and_then(|value| self.instance_reference(value, scope, instances))
            .is_some_and(|(found, read)| found == role && matches!(read, Some("name" | "id")));
        // Whether it is made depends on what the call passes (`count = var.policy == null ? 0 :
        // 1`, `for_each = toset(var.policy_arns)`): it grants nothing only when surely not made
        // for this call; made, it may grant what the rules ask, so the role is not judged.
        if names_role && !self.surely_exists(body, scope) {
            return self.surely_absent(body, scope);
        }
        if !names_role || self.is_repeated(body) {
            return false;
        }
        match attachment.resource.kind.as_str() {
            "aws_iam_role_policy" => {
                self.add_document(grants, id, self.argument(body, "policy"), scope, false, true);
                true
            }
            "aws_iam_role_policy_attachment" => {
                // The module may name the policy in the partition it reads itself
                // (`arn:${data.aws_partition.current.partition}:iam::aws:policy/…`), which reads
                // the same for every call.
                let managed = self
                    .argument(body, "policy_arn")
                    .and_then(|arn| match self.string_value(arn, scope) {
                        Some((arn, origin)) if !origin.overridable => managed_policies::find(&arn),
                        Some(_) => None,
                        None => self.managed_policy_named(arn),
                    });
                managed.map(|policy| grants.managed.push(policy)).is_some()
            }
            _ => false,
        }
    }

    /// The role's `inline_policy` blocks and `managed_policy_arns`, read in `scope`; whether it
    /// declares inline policies (it then owns them).
    fn add_own_policies(
        &self,
        grants: &mut RoleGrants,
        role: ResourceId,
        declaration: &ResourceBlock<'a>,
        scope: &Scope<'_, 'a>,
    ) -> bool {
        let inline_policies: Vec<Located> = super::named_children(declaration.body.node)
            .filter(|node| kind_of(node) == "block")
            .map(|node| declaration.body.with(node))
            .filter(|block| super::block_type(block.node, self.file_text(block.file)) == Some("inline_policy"))
            .collect();
        for inline in &inline_policies {
            let policy = super::block_body(*inline).and_then(|body| self.argument(body, "policy"));
            // A module's document serves every caller: never edited from the root.
            self.add_document(grants, role, policy, scope, false, !scope.is_empty());
        }
        if let Some(arns) = self.argument(declaration.body, "managed_policy_arns") {
            self.add_managed_list(grants, arns, scope);
        }
        grants.boundary = self
            .argument(declaration.body, "permissions_boundary")
            .map(|boundary| self.permissions_boundary(declaration, boundary, scope));
        !inline_policies.is_empty()
    }

    /// The role's `permissions_boundary`, read as a policy attached by that ARN is, when the root
    /// module declares the role (a module's boundary may be what its caller passes).
    fn permissions_boundary(
        &self,
        role: &ResourceBlock<'a>,
        boundary: Located<'a>,
        scope: &Scope<'_, 'a>,
    ) -> PermissionsBoundary {
        let policy = scope.is_empty().then(|| {
            let mut policy = RoleGrants::default();
            self.add_policy_by_arn(&mut policy, role, boundary);
            policy
        });
        PermissionsBoundary::new(format!("`{}`", self.text(boundary)), policy)
    }

    /// How many root module calls may hand a module the role's name (see `hands_role_name`);
    /// `harmless` tells a mention of `role_key` that hands on only the role's ARN.
    fn calls_handed_role_name(&self, role_key: &str, harmless: impl Fn(&Mention<'a>) -> bool) -> usize {
        self.folders[0]
            .module_blocks
            .iter()
            // A call does not hand on its own outputs.
            .filter(|(name, _)| format!("module.{name}") != role_key)
            .filter(|(_, module)| self.hands_role_name(**module, role_key, &harmless))
            .count()
    }

    /// The root module's resources attaching policy to `role` (read into `grants`), named by
    /// `role_key` where they read it; `declaration` is the role's block when the root declares it.
    fn root_attachments(
        &self,
        grants: &mut RoleGrants,
        role: ResourceId,
        role_key: &str,
        declaration: Option<&ResourceBlock<'a>>,
        functions: &[LambdaFunction],
    ) -> Vec<RoleAttachment> {
        let mut attachments = Vec::new();
        for (id, resource) in self.root_resources().enumerate() {
            let Some((_, kind)) = ATTACHMENT_KINDS.iter().find(|(kind, _)| *kind == resource.kind) else {
                continue;
            };
            // One that may make no instance (`count = var.enabled ? 1 : 0`) is neither counted
            // nor waited for, as CloudFormation's policies under a Condition are not.
            let exists_with_role = self.surely_exists(resource.body, &[])
                || declaration.is_some_and(|declaration| self.made_per_role_instance(resource, declaration));
            if self.attaches_to(resource, role)
                && !exists_with_role
                && self.add_document_made_together(grants, id, resource)
            {
                continue;
            }
            let role_repeated = declaration.is_some_and(|declaration| self.is_repeated(declaration.body));
            let per_instance_of_others = self.repeated_over_resources(resource.body);
            if !exists_with_role
                && !role_repeated
                && per_instance_of_others
                && resource.kind == "aws_iam_role_policy"
                && self.attaches_to(resource, role)
            {
                self.add_per_instance_document(grants, id, resource);
                continue;
            }
            // A `for_each` over a collection infrafix cannot list (`toset(split(",", var.arns))`)
            // makes attachments it cannot read: they may grant what the rules ask, and a fix
            // adding one could attach a policy that one of them already attaches.
            if !exists_with_role
                && self.attaches_to(resource, role)
                && self.argument(resource.body, "for_each").is_some()
                && !self.surely_absent(resource.body, &[])
            {
                grants.unreadable += 1;
                continue;
            }
            if !self.attaches_to(resource, role) || !exists_with_role {
                // One made per instance of something, reading this role in a way infrafix does not
                // pair with the role's instances (`r[0]`, `each.value.name`, another collection),
                // or an attachment made per instance of other resources (`for_each =
                // aws_iam_policy.per_queue`): it may grant what the rules ask, so the role is not
                // judged.
                if (role_repeated || per_instance_of_others) && self.reads(resource.block).contains(role_key) {
                    grants.unreadable += 1;
                }
                continue;
            }
            match resource.kind.as_str() {
                "aws_iam_role_policy" => {
                    let policy = self.argument(resource.body, "policy");
                    self.add_document(grants, id, policy, &[], true, false);
                }
                // Its list is what is attached to the role.
                "aws_iam_role_policy_attachments_exclusive" => match self.argument(resource.body, "policy_arns") {
                    Some(arns) => self.add_managed_list(grants, arns, &[]),
                    None => grants.unreadable += 1,
                },
                _ => self.add_attached_policy(grants, resource),
            }
            let reads = self.reads(resource.block);
            attachments.push(RoleAttachment {
                resource: id,
                name: format!("`{}.{}`", resource.kind, resource.name),
                kind: (*kind).to_owned(),
                declared: resource.block.site(),
                attached_policy: self
                    .argument(resource.body, "policy_arn")
                    .and_then(|arn| self.root_resource_ref(arn))
                    .filter(|reference| {
                        self.root_resources()
                            .nth(reference.resource)
                            .is_some_and(|policy| policy.kind == "aws_iam_policy")
                    })
                    .map(|reference| reference.resource),
                after_functions: functions
                    .iter()
                    .filter(|function| reads.contains(&self.function_key(function)))
                    .map(|function| function.resource)
                    .collect(),
            });
        }
        attachments
    }

    /// Whether a module call may hand a module the role's name, with which the module could attach
    /// anything to it: an argument reads the role (`role_key`) other than by its ARN (`harmless`,
    /// which only lets the module's functions run as it), or through a local. Its `depends_on`
    /// hands nothing.
    fn hands_role_name(&self, module: Located<'a>, role_key: &str, harmless: impl Fn(&Mention<'a>) -> bool) -> bool {
        let Some(body) = super::block_body(module) else {
            return false;
        };
        self.arguments(body)
            .filter(|(name, _)| *name != "depends_on")
            .any(|(_, value)| {
                let direct = self.mentions_under(value);
                let by_arn_only = direct
                    .iter()
                    .all(|mention| mention.key != role_key || harmless(mention));
                let mentioned = direct.iter().any(|mention| mention.key == role_key);
                let through_locals = !mentioned && self.reads(value).contains(role_key);
                !by_arn_only || through_locals
            })
    }

    /// How the root module names what holds a function: `aws_lambda_function.NAME`, or
    /// `module.NAME` for a function a module call makes, local or registry (reading any of the
    /// module's outputs waits for it).
    fn function_key(&self, function: &LambdaFunction) -> String {
        let root_function = self
            .root_resources()
            .nth(function.resource)
            .filter(|resource| resource.kind == "aws_lambda_function");
        if let Some(resource) = root_function {
            return format!("aws_lambda_function.{}", resource.name);
        }
        let call = self.folders[0]
            .module_blocks
            .iter()
            .find(|(_, block)| block.site() == function.declared);
        call.map_or_else(String::new, |(name, _)| format!("module.{name}"))
    }

    /// Whether an attachment names the role: by reference (`aws_iam_role.NAME.name` or `.id`), or
    /// by the role's fixed `name` written out; an `aws_iam_policy_attachment` by its `roles`.
    fn attaches_to(&self, attachment: &ResourceBlock<'a>, role: ResourceId) -> bool {
        let names_role = |value: Located<'a>| self.names_role(value, role);
        match attachment.kind.as_str() {
            "aws_iam_role_policy_attachments_exclusive" => {
                self.argument(attachment.body, "role_name").is_some_and(names_role)
            }
            "aws_iam_policy_attachment" => self
                .argument(attachment.body, "roles")
                .and_then(|roles| self.list_elements(roles, &[]))
                .is_some_and(|(roles, _)| roles.into_iter().any(names_role)),
            _ => self.argument(attachment.body, "role").is_some_and(names_role),
        }
    }

    /// Whether an attachment is made once for each instance of the role it names, each naming its
    /// own: by the role's `count` or `for_each`, written the same, with the role picked by
    /// `[count.index]` or `[each.key]` (`role = aws_iam_role.worker[each.key].id`).
    fn made_per_role_instance(&self, attachment: &ResourceBlock<'a>, role: &ResourceBlock<'a>) -> bool {
        let Some((kind, spelled, count)) = self.repetition(attachment.body) else {
            return false;
        };
        let same = self
            .repetition(role.body)
            .is_some_and(|(role_kind, role_spelled, _)| role_kind == kind && role_spelled == spelled);
        if !same {
            return false;
        }
        let argument = match attachment.kind.as_str() {
            "aws_iam_role_policy_attachments_exclusive" => "role_name",
            _ => "role",
        };
        let Some(index) = self
            .argument(attachment.body, argument)
            .and_then(|value| self.instance_index(value))
        else {
            return false;
        };
        match kind {
            // `count = var.enabled ? 1 : 0` makes one instance at most: `[0]` is it.
            "count" => index == "count.index" || (index == "0" && self.may_be_absent(Some(count))),
            _ => index == "each.key",
        }
    }

    /// Whether a block is made once per instance of resources of the module (`for_each =
    /// aws_sqs_queue.dlq`, `count = length(aws_iam_role.r)`), or per element of what a module
    /// call hands out (`for_each = module.queues.arns`), directly or through locals.
    fn repeated_over_resources(&self, body: Located<'a>) -> bool {
        ["count", "for_each"]
            .into_iter()
            .filter_map(|kind| self.argument(body, kind))
            .any(|repetition| {
                self.reads(repetition)
                    .iter()
                    .any(|key| !["var.", "local.", "data."].iter().any(|prefix| key.starts_with(prefix)))
            })
    }

    /// Reads the document of a role policy (or of the policy an attachment attaches) that may not
    /// be made (`count = var.dlq_enabled ? 1 : 0`) whose statements name only resources made by the very same `count` (the dead-letter
    /// queue it exists for): whenever one of them exists, so does the policy, so it grants what it
    /// says on them, and nothing on anything else. It is neither waited for nor edited: a grant
    /// written into it would exist only under its condition. `false`, reading nothing, for any
    /// other policy.
    fn add_document_made_together(&self, grants: &mut RoleGrants, id: ResourceId, policy: &ResourceBlock<'a>) -> bool {
        let Some(("count", spelled, count)) = self.repetition(policy.body) else {
            return false;
        };
        if !self.may_be_absent(Some(count)) {
            return false;
        }
        let made_by_count = |body: Located<'a>| {
            self.repetition(body)
                .is_some_and(|(kind, other_spelled, _)| kind == "count" && other_spelled == spelled)
        };
        // An attachment's policy (`aws_iam_policy.dlq[0].arn`) is made by the same `count` too.
        let held = match policy.kind.as_str() {
            "aws_iam_role_policy" => Some((id, policy)),
            "aws_iam_role_policy_attachment" => self
                .argument(policy.body, "policy_arn")
                .and_then(|arn| self.root_resource_ref(arn))
                .filter(|attached| attached.attribute.as_deref() == Some(ARN))
                .and_then(|attached| Some((attached.resource, self.root_resources().nth(attached.resource)?)))
                .filter(|(_, attached)| attached.kind == "aws_iam_policy" && made_by_count(attached.body)),
            _ => None,
        };
        let Some((owner, document)) = held.and_then(|(owner, holder)| {
            let document = self.policy_document(self.argument(holder.body, "policy")?, &[])?;
            Some((owner, document))
        }) else {
            return false;
        };
        let made_together = |entry: &Entry| {
            entry
                .resource
                .as_ref()
                .and_then(|named| self.root_resources().nth(named.resource))
                .is_some_and(|named| made_by_count(named.body))
        };
        let together = document
            .statements
            .iter()
            .all(|statement| !statement.resources.is_empty() && statement.resources.iter().all(made_together));
        if together {
            grants.documents.push(GrantDocument {
                owner,
                statements: document.statements,
                at: document.at.site(),
                shared: true,
                inline_role_policy: false,
                malformed: None,
            });
        }
        together
    }

    /// The document of a role policy made once per instance of other resources (see
    /// `repeated_over_resources`), never edited: a grant written there would be made once per
    /// instance. Where the block is made for instances of a root module resource that infrafix can
    /// tell (`for_each = aws_sqs_queue.dlq`, or a `for` keeping some written-out keys), a
    /// statement naming only that resource's instances (`Resource = each.value.arn`) grants them
    /// whenever they exist; any other statement counts only where the block surely makes an
    /// instance. Elsewhere (a `for` whose `if` infrafix cannot decide, a module's output, a
    /// `count`) it cannot tell what one instance grants: every statement may allow what is asked,
    /// and the answer names the policy.
    fn add_per_instance_document(&self, grants: &mut RoleGrants, id: ResourceId, policy: &ResourceBlock<'a>) {
        let made_for = self
            .instances_made_for(policy.body)
            .filter(|(_, kept)| *kept != Kept::Undecided);
        if matches!(&made_for, Some((_, Kept::Keys(keys))) if keys.is_empty()) {
            return;
        }
        let surely_made = made_for.as_ref().is_some_and(|(resource, _)| {
            self.root_resources()
                .nth(*resource)
                .is_some_and(|resource| self.surely_exists(resource.body, &[]))
        });
        let documents_before = grants.documents.len();
        self.add_document(grants, id, self.argument(policy.body, "policy"), &[], false, true);
        let reason = format!(
            "`{}.{}`, a policy made once per element of a `{}` that infrafix cannot read element by element",
            policy.kind,
            policy.name,
            self.repetition(policy.body).map_or("for_each", |(kind, _, _)| kind),
        );
        for statement in grants.documents[documents_before..]
            .iter_mut()
            .flat_map(|document| &mut document.statements)
        {
            let names_made_for = made_for.as_ref().is_some_and(|(made_for, _)| {
                !statement.resources.is_empty()
                    && statement
                        .resources
                        .iter()
                        .all(|entry| entry.resource.as_ref().is_some_and(|read| read.resource == *made_for))
            });
            // What keeps it from being judged is the repetition first: an entry it cannot read
            // (`each.value`) or a Condition comes after it.
            if !surely_made && !names_made_for {
                statement.uncertainty = Some(reason.clone());
            }
        }
    }

    /// Whether a `count` makes one instance or none (`var.enabled ? 1 : 0`).
    pub(super) fn may_be_absent(&self, count: Option<Located<'a>>) -> bool {
        count.is_some_and(|count| {
            let spelled: String = self.text(count).split_whitespace().collect();
            spelled.ends_with("?1:0") || spelled.ends_with("?0:1")
        })
    }

    /// Whether a root module value names the role `role` (an index among `resource_instances`) by
    /// its name: `aws_iam_role.NAME.name` or `.id`, the output of a module call handing out one of
    /// those, or the role's fixed `name` written out.
    pub(super) fn names_role(&self, value: Located<'a>, role: ResourceId) -> bool {
        if let Some(reference) = self.root_or_output_ref(value) {
            return reference.resource == role && matches!(reference.attribute.as_deref(), Some("name" | "id"));
        }
        let instances = self.resource_instances();
        let Some(declaration) = instances.get(role) else {
            return false;
        };
        let fixed_name = self
            .argument(declaration.resource.body, "name")
            .and_then(|name| self.string_value(name, declaration.scope()))
            .filter(|(_, origin)| !origin.overridable)
            .map(|(name, _)| name);
        let written = self.string_value(value, &[]).map(|(name, _)| name);
        written.is_some() && written == fixed_name
    }

    /// The document a `policy` argument holds, owned by `owner`; one that cannot be read counts
    /// as unreadable.
    fn add_document(
        &self,
        grants: &mut RoleGrants,
        owner: ResourceId,
        policy: Option<Located<'a>>,
        scope: &Scope<'_, 'a>,
        inline_role_policy: bool,
        shared: bool,
    ) {
        let holder = self
            .root_resources()
            .nth(owner)
            .map(|holder| format!("{}.{}", holder.kind, holder.name));
        let Some(ReadDocument { at, statements, .. }) = policy.and_then(|policy| self.policy_document(policy, scope))
        else {
            grants.unreadable += 1;
            return;
        };
        let shared = shared || policy.is_some_and(|policy| self.document_shared(holder.as_deref(), policy));
        grants.documents.push(GrantDocument {
            owner,
            statements,
            at: at.site(),
            shared,
            inline_role_policy,
            malformed: None,
        });
    }

    /// Whether a document is read by more than its holder (`TYPE.NAME`): the holder's `policy`
    /// (or `inline_policy`) read by another resource, or a local or data source on the way to the
    /// document that the root module names more than once.
    fn document_shared(&self, holder: Option<&str>, policy: Located<'a>) -> bool {
        let handed_on =
            |attribute: &str| holder.is_some_and(|holder| self.mentions(&format!("{holder}.{attribute}")) > 0);
        if handed_on("policy") || handed_on("inline_policy") {
            return true;
        }
        let mut current = policy;
        for _ in 0..MAX_HOPS {
            let Some(parts) = self.traversal(interpolated(current)) else {
                return false;
            };
            let (key, next) = match parts.as_slice() {
                ["local", name] => (format!("local.{name}"), self.folders[0].locals.get(*name).copied()),
                ["data", kind, name, ..] => (format!("data.{kind}.{name}"), None),
                // Read from anything else, the document is not one infrafix edits.
                _ => return true,
            };
            if self.mentions(&key) > 1 {
                return true;
            }
            match next {
                Some(next) => current = next,
                None => return false,
            }
        }
        true
    }

    /// The policies an attachment attaches: AWS managed policies by their ARN, or an
    /// `aws_iam_policy` of the root module, whose document any other attachment of it shares.
    fn add_attached_policy(&self, grants: &mut RoleGrants, attachment: &ResourceBlock<'a>) {
        let Some(arn) = self.argument(attachment.body, "policy_arn") else {
            grants.unreadable += 1;
            return;
        };
        // One attachment per element of its `for_each` (`policy_arn = each.value`).
        match self.element_origins(arn, attachment.body, &[]) {
            Some(elements) => {
                for element in elements.origins {
                    match element {
                        // A `.tfvars` file may attach other policies than a variable's default.
                        Some(origin) if !origin.overridable => {
                            self.add_policy_by_arn(grants, attachment, origin.written)
                        }
                        _ => grants.unreadable += 1,
                    }
                }
            }
            // Over a list whose values are not all text written out (`toset([basic_arn,
            // var.extra_arn])`), each value is the ARN of one instance.
            None => match self.reads_the_element(arn) {
                true => match self.for_each_list(attachment.body, &[]) {
                    Some(elements) => {
                        for element in elements {
                            self.add_policy_by_arn(grants, attachment, element);
                        }
                    }
                    None => grants.unreadable += 1,
                },
                false => self.add_policy_by_arn(grants, attachment, arn),
            },
        }
    }

    /// Whether an expression is `each.value` or `each.key`.
    fn reads_the_element(&self, expression: Located<'a>) -> bool {
        matches!(self.traversal(expression).as_deref(), Some(["each", "value" | "key"]))
    }

    /// The policy one ARN names, attached by `attachment`.
    pub(super) fn add_policy_by_arn(&self, grants: &mut RoleGrants, attachment: &ResourceBlock<'a>, arn: Located<'a>) {
        if let Some((arn, origin)) = self.string_value(arn, &[]) {
            // A variable's default is what runs only when no `.tfvars` file sets it.
            match managed_policies::find(&arn).filter(|_| !origin.overridable) {
                Some(policy) => grants.managed.push(policy),
                None => grants.unreadable += 1,
            }
            return;
        }
        if let Some(policy) = self.managed_policy_named(arn) {
            grants.managed.push(policy);
            return;
        }
        let policy = self
            .root_resource_ref(arn)
            .filter(|reference| reference.attribute.as_deref() == Some(ARN))
            .and_then(|reference| Some((reference.resource, self.folders[0].resources.get(reference.resource)?)))
            .filter(|(_, policy)| policy.kind == "aws_iam_policy");
        let Some((id, policy)) = policy else {
            grants.unreadable += 1;
            return;
        };
        let shared = attachment.kind == "aws_iam_policy_attachment"
            || self.mentions(&format!("aws_iam_policy.{}", policy.name)) > 1
            || self.named_by_arn(policy);
        self.add_document(grants, id, self.argument(policy.body, "policy"), &[], false, shared);
    }

    /// Whether the root module may name a policy by an ARN written out (`…:policy/NAME`), which
    /// attaches it to whatever that resource serves.
    fn named_by_arn(&self, policy: &ResourceBlock<'a>) -> bool {
        let Some((name, _)) = self
            .argument(policy.body, "name")
            .and_then(|name| self.string_value(name, &[]))
        else {
            return false;
        };
        let written = format!(":policy/{name}");
        (0..self.files.len())
            .filter(|&file| self.folder_of_file[file] == 0)
            .any(|file| self.file_text(file).contains(&written))
    }

    /// `managed_policy_arns = [...]` on the role, read in `scope`: AWS managed policies by ARN.
    fn add_managed_list(&self, grants: &mut RoleGrants, arns: Located<'a>, scope: &Scope<'_, 'a>) {
        let Some((entries, _)) = self.list_elements(arns, scope) else {
            grants.unreadable += 1;
            return;
        };
        for entry in entries {
            // A module may name the policy in the partition it reads itself, as the root does
            // (`arn:${data.aws_partition.current.partition}:iam::aws:policy/…`).
            let managed = match scope.is_empty() {
                true => self.managed_policy_named(entry),
                false => self
                    .string_literal(unwrapped(entry))
                    .and_then(|arn| managed_policies::find(&arn))
                    .or_else(|| self.managed_policy_named(entry)),
            };
            match managed {
                Some(policy) => grants.managed.push(policy),
                None => grants.unreadable += 1,
            }
        }
    }
}

/// The service of a queue or topic resource type (`sqs` for `aws_sqs_queue`), if it is one.
fn message_service_of(kind: &str) -> Option<&'static str> {
    MESSAGE_TARGETS
        .iter()
        .find(|(target, _)| *target == kind)
        .map(|(_, service)| *service)
}
