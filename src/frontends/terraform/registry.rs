//! Registry modules infrafix reads from their calls. `terraform-aws-modules/lambda/aws`, the
//! usual way Terraform code makes a Lambda function, makes one `aws_lambda_function` and hands it
//! its call's `runtime`, `handler` and `reserved_concurrent_executions` unchanged (`main.tf` of
//! the module), the first two only for a .zip package (`runtime = var.package_type != "Zip" ?
//! null : var.runtime`). So its call is read as that function's block: those arguments are
//! judged and fixed where the call writes them.
//!
//! `create` (like `create_function`) gates every resource of the module at once, the function,
//! its role (`local.create_role = var.create && … && var.create_role`) and its mappings: a
//! `create` a variable gives (`create = var.enable_exports`) is read as a `count = var.enabled ?
//! 1 : 0` is, as a function that may be made, judged for the one instance it makes. Which role it
//! runs as does not hang on it, unlike on a `create_role` a variable gives (see below).
//!
//! The module also makes the function's role (`create_role`, on unless the call turns it off
//! and names its own `lambda_role`; a `create_role` a variable gives leaves the function's role
//! unknown), attaching to it only what the call's switches ask for. Without
//! `attach_dead_letter_policy` the role may not send to the call's `dead_letter_target_arn`
//! (Lambda refuses the function). `attach_policies` attaches the first `number_of_policies` ARNs
//! of `policies`: read when the call writes them out. What the other switches attach is read from
//! the call's inputs (see `registry_grants.rs`); what the root attaches through the call's role
//! outputs is not, and makes the role unknown.
//!
//! Each entry of the call's `event_source_mapping` makes an `aws_lambda_event_source_mapping` of
//! its `event_source_arn` to the function (unless `create_unqualified_alias_allowed_triggers` is
//! off). The module grants the role nothing for them: an SQS queue among them must be allowed
//! through the switches above. `allowed_triggers` only adds invoke permissions, and is not read.
//!
//! A call inside a local module is read once per chain of calls reaching it (see `modules`), its
//! inputs followed through the variables each chain passes; its role is named by that chain
//! (`module.svc.module.fn.aws_iam_role.lambda[0]`). A fix changes what the call itself writes
//! when one chain reaches it, or when every chain's role lacks what the change grants (see
//! `shared_calls`), since the module's other callers share it; a value the root passes down is
//! changed where the root writes it.

use super::modules::ResourceInstance;
use super::values::{object_node, tuple_elements, unwrapped, Origin, Scope};
use super::{Located, ResourceBlock, TerraformProject};
use crate::aws::managed_policies;
use crate::cloud::{
    DeadLetter, FunctionRole, IamRole, LambdaFunction, MessageTarget, QueueEventSource, ResourceId, ResourceRef,
    RoleGrants,
};
use crate::syntax::kind_of;

/// The switch that grants what the function's dead-letter target needs (see `registry_grants.rs`).
pub(super) const DEAD_LETTER_SWITCH: &str = "attach_dead_letter_policy";
/// The module's inputs that attach policies by ARN: the switch, how many of the list it attaches
/// (`count` of its attachments, so it must be known at plan), and the list.
pub(super) const POLICY_LIST: [&str; 3] = ["attach_policies", "number_of_policies", "policies"];
/// The module's outputs that hand out its role, by which the root may attach more to it.
const ROLE_OUTPUTS: [&str; 3] = ["lambda_role_arn", "lambda_role_name", "lambda_role_unique_id"];

/// The module's registry address (`NAMESPACE/NAME/PROVIDER`).
const LAMBDA_MODULE: &str = "terraform-aws-modules/lambda/aws";
/// The repository the registry serves it from, which a `source` may name directly.
const LAMBDA_MODULE_REPOSITORY: &str = "github.com/terraform-aws-modules/terraform-aws-lambda";

impl<'a> TerraformProject<'a> {
    /// The function a call of the Lambda registry module named `name` makes, as a block whose
    /// arguments are the call's; `None` for a call of another module, and for a call that makes
    /// no function: `create` or `create_function` set to `false`, or `create_layer` set to
    /// anything but `false`. A function made from a container image is one too (its role, its
    /// dead-letter target and its mappings are the same), though not its runtime (see
    /// `runs_zip_package`).
    pub(super) fn registry_function(
        &self,
        name: &str,
        block: Located<'a>,
        body: Located<'a>,
        arguments: &[(&str, Located<'a>)],
    ) -> Option<ResourceBlock<'a>> {
        let argument = |wanted: &str| {
            arguments
                .iter()
                .find(|(argument, _)| *argument == wanted)
                .map(|(_, value)| unwrapped(*value))
        };
        let source = self.string_literal(argument("source")?)?;
        if !is_lambda_module(&source) {
            return None;
        }
        let switched_off = ["create", "create_function"]
            .into_iter()
            .any(|switch| argument(switch).is_some_and(|value| self.is_false(value)));
        let makes_layer = argument("create_layer").is_some_and(|value| !self.is_false(value));
        if switched_off || makes_layer {
            return None;
        }
        Some(ResourceBlock {
            kind: "aws_lambda_function".to_owned(),
            name: "this".to_owned(),
            block,
            body,
            registry_call: Some(name.to_owned()),
        })
    }

    /// Whether the function of `instance` surely runs a .zip package, whose `runtime` and
    /// `handler` are its own: the module hands an image function neither (`runtime =
    /// var.package_type != "Zip" ? null : var.runtime` in its `main.tf`), whatever its call
    /// writes for them. A `package_type` a variable gives may be either; none is `"Zip"`.
    pub(super) fn runs_zip_package(&self, instance: &ResourceInstance<'_, 'a>) -> bool {
        let body = instance.resource.body;
        instance.resource.registry_call.is_none()
            || self
                .argument(body, "package_type")
                .is_none_or(|value| self.string_literal(unwrapped(value)).as_deref() == Some("Zip"))
    }

    /// The role the function a registry module call makes (the instance `function`) runs as: the
    /// call's `lambda_role` when it turns `create_role` off, else the module's own role (see
    /// `registry_roles`).
    pub(super) fn registry_function_role(
        &self,
        function: ResourceId,
        instance: &ResourceInstance<'_, 'a>,
    ) -> Option<(FunctionRole, Option<ResourceId>)> {
        let body = instance.resource.body;
        match self.creates_role(body, instance.scope()) {
            Some(true) => {}
            Some(false) => return self.role_named_by(self.argument(body, "lambda_role")?, instance.scope()),
            None => return Some((FunctionRole::Unknown, None)),
        }
        let position = self.registry_role_position(function, &self.resource_instances());
        Some((position.map_or(FunctionRole::Unknown, FunctionRole::Declared), None))
    }

    /// Where the function a registry module call makes sends failed events: the call's
    /// `dead_letter_target_arn`, when it sets one.
    pub(super) fn registry_dead_letter(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> DeadLetter {
        match self.argument(body, "dead_letter_target_arn") {
            Some(target) if self.text(unwrapped(target)) != "null" => self.dead_letter_named_by(target, scope),
            _ => DeadLetter::None,
        }
    }

    /// The functions (indices among `instances`) of registry module calls that run as a role
    /// their module makes: those roles are judged, one per chain of calls reaching the registry
    /// module's call, read with the values that chain passes.
    pub(super) fn registry_roles(&self, instances: &[ResourceInstance<'_, 'a>]) -> Vec<ResourceId> {
        instances
            .iter()
            .enumerate()
            .filter(|(_, instance)| {
                instance.resource.registry_call.is_some()
                    && self.creates_role(instance.resource.body, instance.scope()) == Some(true)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// The role the registry module call of `function` (the resource `id`) makes, holding what
    /// the call's switches attach (see `registry_grants.rs`); the root attaching more through the
    /// call's role outputs makes what it may do unknown.
    pub(super) fn registry_iam_role(&self, id: ResourceId, function: &ResourceInstance<'_, 'a>) -> IamRole {
        let call = function.resource.registry_call.as_deref().unwrap_or_default();
        let (body, scope) = (function.resource.body, function.scope());
        let mut grants = RoleGrants::default();
        self.add_switched_policies(&mut grants, id, function.resource, scope);
        self.add_listed_policies(&mut grants, body, scope);
        // Read without an output right after it, the call is picked by a key
        // (`module.jobs[0].lambda_role_name`) or handed on whole (`for_each = module.jobs`):
        // either may read its role. Only the module holding the call can name it so; it may hand
        // the role on through an output of its own, which reads it here too.
        let call_key = format!("module.{call}");
        let handed_out: usize = self
            .folder_files(self.folder_of_file[body.file])
            .map(|file| {
                self.mentions_under(file)
                    .iter()
                    .filter(|mention| {
                        mention.key == call_key && mention.attribute.is_none_or(|output| ROLE_OUTPUTS.contains(&output))
                    })
                    .count()
            })
            .sum();
        grants.unreadable += handed_out;
        IamRole {
            name: format!("`{}module.{call}.aws_iam_role.lambda[0]`", function.module_path()),
            declared: function.resource.block.site(),
            grants,
            attachments: Vec::new(),
            owns_inline_policies: false,
        }
    }

    /// The AWS managed policies a call read in `scope` attaches through `attach_policies` to the
    /// role its module makes; an ARN infrafix does not know, or inputs it cannot read, make the
    /// role unknown.
    fn add_listed_policies(&self, grants: &mut RoleGrants, body: Located<'a>, scope: &Scope<'_, 'a>) {
        let [switch, _, _] = POLICY_LIST;
        match self.switch(body, switch, scope) {
            Some(false) => return,
            Some(true) => {}
            None => {
                grants.unreadable += 1;
                return;
            }
        }
        let Some(arns) = self.attached_policy_list(body, scope) else {
            grants.unreadable += 1;
            return;
        };
        for arn in arns {
            match managed_policies::find(&arn) {
                Some(policy) => grants.managed.push(policy),
                None => grants.unreadable += 1,
            }
        }
    }

    /// The ARNs of a call's `policies` that the module attaches: the first `number_of_policies`,
    /// both written out, in the call or where a module on the way to it is passed them (see
    /// `input_written`), each ARN written out or, in the root module, in the partition it reads.
    /// `None` otherwise (a list or number computed or set by a `.tfvars` file, a number past the
    /// list's end, which Terraform refuses to plan).
    fn attached_policy_list(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<Vec<String>> {
        let [_, number, listed] = POLICY_LIST;
        let count = self.number_literal(self.input_written(body, number, scope)?.written)?;
        let listed = self.input_written(body, listed, scope)?;
        let entries = tuple_elements(listed.written)?;
        let count = usize::try_from(count).ok().filter(|&count| count <= entries.len())?;
        entries
            .into_iter()
            .take(count)
            .map(|entry| {
                let in_root = listed.depth == 0;
                self.string_literal(unwrapped(entry)).or_else(|| {
                    self.managed_policy_named(entry)
                        .filter(|_| in_root)
                        .map(|policy| policy.arn.clone())
                })
            })
            .collect()
    }

    /// Where the value of a call's input, read in `scope`, is written: in the call, or where a
    /// module on the way to it is passed it (`runtime = var.runtime`, given by the root's call of
    /// the module). `None` for an input the call does not set, or one a `.tfvars` file may set.
    fn input_written(&self, body: Located<'a>, input: &str, scope: &Scope<'_, 'a>) -> Option<Origin<'a>> {
        let value = self.argument(body, input)?;
        self.origin(value, scope)
            .filter(|origin| !origin.overridable)
            .map(|origin| Origin {
                written: unwrapped(origin.written),
                ..origin
            })
    }

    /// Whether an `attach_…` switch of a call read in `scope` is on: off unless set, as the
    /// module's variables default.
    pub(super) fn switch(&self, body: Located<'a>, switch: &str, scope: &Scope<'_, 'a>) -> Option<bool> {
        self.bool_input(body, switch, false, scope)
    }

    /// The value of a call's `bool` input read in `scope` (see `input_written`), `default` when
    /// the call does not set it; `None` when it is computed, or given by a variable a `.tfvars`
    /// file may set.
    fn bool_input(&self, body: Located<'a>, input: &str, default: bool, scope: &Scope<'_, 'a>) -> Option<bool> {
        if self.argument(body, input).is_none() {
            return Some(default);
        }
        let written = self.input_written(body, input, scope)?.written;
        (kind_of(written.node) == "bool_lit").then(|| self.text(written) == "true")
    }

    /// The SQS queues that the event source mappings of registry module calls (see the module's
    /// documentation above) feed their functions from, read with the values each chain of calls
    /// passes. A map of mappings computed, or given by a variable a `.tfvars` file may set, is
    /// not read.
    pub(super) fn registry_queue_event_sources(
        &self,
        functions: &[LambdaFunction],
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Vec<QueueEventSource> {
        let mut sources = Vec::new();
        for (id, instance) in instances.iter().enumerate() {
            let Some(function) = functions.iter().position(|known| known.resource == id) else {
                continue;
            };
            // The call's one role serves each instance of a call made by `for_each`, and each
            // is fed by every mapping.
            for (source, queue) in self.registry_call_queues(instance, instances) {
                sources.push(QueueEventSource::of_one_role(
                    queue.target.named_by(&source),
                    queue.name,
                    function,
                ));
            }
        }
        sources
    }

    /// The SQS queues of the project that feed the function of a registry module call (the
    /// instance `instance`, as its chain of calls reads it) through the call's
    /// `event_source_mapping`, each with the reference that names it there.
    pub(super) fn registry_call_queues(
        &self,
        instance: &ResourceInstance<'_, 'a>,
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Vec<(ResourceRef, MessageTarget)> {
        let (body, scope) = (instance.resource.body, instance.scope());
        if instance.resource.registry_call.is_none() {
            return Vec::new();
        }
        // The module makes the mappings only with this switch on, as it is by default.
        let makes_mappings = self.bool_input(body, "create_unqualified_alias_allowed_triggers", true, scope);
        let mappings = self
            .input_written(body, "event_source_mapping", scope)
            .filter(|_| makes_mappings == Some(true))
            .and_then(|origin| Some((object_node(origin.written)?, &scope[..origin.depth])));
        let Some((mappings, scope)) = mappings else {
            return Vec::new();
        };
        self.object_fields(mappings)
            .into_iter()
            .filter_map(|(_, mapping)| {
                let (_, arn) = self
                    .object_fields(object_node(mapping)?)
                    .into_iter()
                    .find(|(key, _)| key == "event_source_arn")?;
                let source = self.arn_ref(arn, scope).filter(|source| source.is_arn())?;
                // A queue a called module makes itself is that module's own finding, as its
                // call's role is.
                let queue = self
                    .message_target(source.resource, instances)
                    .filter(|queue| queue.target.service == "sqs")
                    .filter(|_| instance.calls.is_empty() || self.in_root(source.resource))?;
                Some((source, queue))
            })
            .collect()
    }

    /// The registry module call whose block is at `site`, when it makes the role a grant is for:
    /// its function as each chain of calls reaching it deploys it (one for a call of the root
    /// module, one per call of a local module holding it), whose body is where the switch that
    /// grants it goes. `None` for any other role.
    pub(super) fn registry_role_calls(&self, site: &crate::cloud::Site) -> Option<Vec<ResourceInstance<'_, 'a>>> {
        let instances = self.resource_instances();
        let reaching: Vec<usize> = self
            .registry_roles(&instances)
            .into_iter()
            .filter(|&function| instances[function].resource.block.site() == *site)
            .collect();
        let chains: Vec<ResourceInstance<'_, 'a>> = instances
            .into_iter()
            .enumerate()
            .filter(|(index, _)| reaching.contains(index))
            .map(|(_, instance)| instance)
            .collect();
        (!chains.is_empty()).then_some(chains)
    }

    /// Where the value of the call's `attach_dead_letter_policy` (see `registry_role_call`) may be
    /// changed for its function alone: the `false` the call writes, or the one the root passes
    /// to the variable the call reads (`attach_dlq = false` in `module "svc"`), when the module
    /// the root calls reads that variable nowhere else. `None` when the call does not set it;
    /// `Err` when its value is written elsewhere, or read by more than this call.
    pub(super) fn dead_letter_switch_written(
        &self,
        function: &ResourceInstance<'_, 'a>,
    ) -> Option<Result<Located<'a>, String>> {
        let body = function.resource.body;
        let value = unwrapped(self.argument(body, DEAD_LETTER_SWITCH)?);
        if function.calls.is_empty() || kind_of(value.node) == "bool_lit" {
            return Some(Ok(value));
        }
        let refused = format!(
            "the call's {DEAD_LETTER_SWITCH} is `{}`, whose value infrafix cannot change for this function alone; set it to true by hand",
            self.text(value)
        );
        let passed = match self.traversal(value).as_deref() {
            Some(["var", name])
                if function.calls.len() == 1 && self.folder_mentions(body.file, &format!("var.{name}")) == 1 =>
            {
                self.input_written(body, DEAD_LETTER_SWITCH, function.scope())
                    .filter(|origin| {
                        let passed = origin.passed_at.map(unwrapped);
                        passed == Some(origin.written) && kind_of(origin.written.node) == "bool_lit"
                    })
                    .map(|origin| origin.written)
            }
            _ => None,
        };
        Some(passed.ok_or(refused))
    }

    /// How many times the module folder holding `file` names `key` (`var.attach_dlq`).
    fn folder_mentions(&self, file: usize, key: &str) -> usize {
        self.folder_files(self.folder_of_file[file])
            .map(|file| {
                self.mentions_under(file)
                    .iter()
                    .filter(|mention| mention.key == key)
                    .count()
            })
            .sum()
    }

    /// Whether a call read in `scope` makes its function's role: `create_role`, on unless the
    /// call turns it off, written out or given by a local. `None` when a variable gives it (a
    /// `.tfvars` file or `-var` may set it either way) or it is computed: which role the function
    /// runs as is then unknown.
    fn creates_role(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<bool> {
        self.bool_input(body, "create_role", true, scope)
    }

    fn is_false(&self, value: Located<'a>) -> bool {
        self.text(value) == "false"
    }
}

/// Whether a module `source` names the Lambda registry module itself (not one of its
/// submodules, `…//modules/alias`): by its registry address, with or without the public
/// registry's host, or by its GitHub repository, in any of the forms Terraform takes
/// (`git::https://…git?ref=v7.2.0`, `github.com/…`, `git@github.com:…`).
fn is_lambda_module(source: &str) -> bool {
    let address = source.split('?').next().unwrap_or(source);
    let address = address.strip_prefix("git::").unwrap_or(address);
    let address = ["https://", "ssh://", "registry.terraform.io/"]
        .into_iter()
        .fold(address, |rest, prefix| rest.strip_prefix(prefix).unwrap_or(rest));
    let address = address.strip_suffix(".git").unwrap_or(address);
    let address = address.strip_prefix("git@").unwrap_or(address);
    let address = match address.strip_prefix("github.com:") {
        Some(path) => format!("github.com/{path}"),
        None => address.to_owned(),
    };
    address == LAMBDA_MODULE || address == LAMBDA_MODULE_REPOSITORY
}

#[cfg(test)]
mod tests {
    use super::is_lambda_module;

    #[test]
    fn the_registry_module_is_known_in_every_form_a_source_names_it() {
        for source in [
            "terraform-aws-modules/lambda/aws",
            "registry.terraform.io/terraform-aws-modules/lambda/aws",
            "git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0",
            "github.com/terraform-aws-modules/terraform-aws-lambda",
            "git@github.com:terraform-aws-modules/terraform-aws-lambda.git",
            "git::ssh://git@github.com/terraform-aws-modules/terraform-aws-lambda.git?ref=v7.2.0",
        ] {
            assert!(is_lambda_module(source), "{source}");
        }
        for source in [
            "terraform-aws-modules/lambda/aws//modules/alias",
            "terraform-aws-modules/sqs/aws",
            "./modules/lambda",
            "github.com/acme/terraform-aws-lambda",
        ] {
            assert!(!is_lambda_module(source), "{source}");
        }
    }
}
