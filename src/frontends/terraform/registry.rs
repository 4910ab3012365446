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
//! unknown), attaching to it only what the call's switches ask for. The
//! ones that matter to the rules are `attach_dead_letter_policy`, without which the role may
//! not send to the call's `dead_letter_target_arn` (Lambda refuses the function), and
//! `attach_policies`, which attaches the first `number_of_policies` ARNs of `policies`: read when
//! the call writes them out. The other switches that attach policies (`attach_policy_statements`,
//! `attach_policy_json`, …) are not read, nor what the root attaches through the call's role
//! outputs: either makes the role unknown.
//!
//! Each entry of the call's `event_source_mapping` makes an `aws_lambda_event_source_mapping` of
//! its `event_source_arn` to the function (unless `create_unqualified_alias_allowed_triggers` is
//! off). The module grants the role nothing for them: an SQS queue among them must be allowed
//! through the switches above. `allowed_triggers` only adds invoke permissions, and is not read.

use super::modules::ResourceInstance;
use super::values::{object_node, tuple_elements, unwrapped, Scope};
use super::{Located, ResourceBlock, TerraformProject};
use crate::aws::managed_policies;
use crate::cloud::{DeadLetter, FunctionRole, IamRole, LambdaFunction, QueueEventSource, ResourceId, RoleGrants};
use crate::syntax::kind_of;

/// The switches of the module that attach policies to its role; the first grants what the
/// function's dead-letter target needs (`sns:Publish` and `sqs:SendMessage` on that ARN alone),
/// the others what their own arguments say. `attach_policies` (see `POLICY_LIST`) is read apart.
const DEAD_LETTER_SWITCH: &str = "attach_dead_letter_policy";
const OTHER_GRANTING_SWITCHES: [&str; 5] = [
    "attach_async_event_policy",
    "attach_policy_json",
    "attach_policy_jsons",
    "attach_policy",
    "attach_policy_statements",
];
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
    /// call's `lambda_role` when it turns `create_role` off, else the module's own role, judged
    /// for a call of the root module (see `registry_roles`) and unknown in a called module, whose
    /// own folder judges it.
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

    /// The functions (indices among `instances`) of the root module's registry module calls that
    /// run as a role their module makes: those roles are judged.
    pub(super) fn registry_roles(&self, instances: &[ResourceInstance<'_, 'a>]) -> Vec<ResourceId> {
        instances
            .iter()
            .enumerate()
            .filter(|(_, instance)| {
                instance.resource.registry_call.is_some()
                    && instance.calls.is_empty()
                    && self.creates_role(instance.resource.body, &[]) == Some(true)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// The role the registry module call of `function` makes. It holds no policy infrafix reads:
    /// a switch attaching one (or the root attaching one through the call's role outputs) makes
    /// what it may do unknown.
    pub(super) fn registry_iam_role(&self, function: &ResourceInstance<'_, 'a>) -> IamRole {
        let call = function.resource.registry_call.as_deref().unwrap_or_default();
        let body = function.resource.body;
        let switched_on = std::iter::once(DEAD_LETTER_SWITCH)
            .chain(OTHER_GRANTING_SWITCHES)
            .filter(|switch| {
                self.argument(body, switch)
                    .is_some_and(|value| !self.is_false(unwrapped(value)))
            })
            .count();
        let mut grants = RoleGrants {
            unreadable: switched_on,
            ..RoleGrants::default()
        };
        self.add_listed_policies(&mut grants, body);
        // Read without an output right after it, the call is picked by a key
        // (`module.jobs[0].lambda_role_name`) or handed on whole (`for_each = module.jobs`):
        // either may read its role.
        let call_key = format!("module.{call}");
        let handed_out: usize = self
            .root_files()
            .map(|root| {
                self.mentions_under(root)
                    .iter()
                    .filter(|mention| {
                        mention.key == call_key && mention.attribute.is_none_or(|output| ROLE_OUTPUTS.contains(&output))
                    })
                    .count()
            })
            .sum();
        grants.unreadable += handed_out;
        IamRole {
            name: format!("`module.{call}.aws_iam_role.lambda[0]`"),
            declared: function.resource.block.site(),
            grants,
            attachments: Vec::new(),
            owns_inline_policies: false,
        }
    }

    /// The AWS managed policies a call's `attach_policies` attaches to the role its module makes;
    /// an ARN infrafix does not know, or inputs it cannot read, make the role unknown.
    fn add_listed_policies(&self, grants: &mut RoleGrants, body: Located<'a>) {
        let [switch, _, _] = POLICY_LIST;
        match self.argument(body, switch).map(|value| self.text(unwrapped(value))) {
            None | Some("false") => return,
            Some("true") => {}
            Some(_) => {
                grants.unreadable += 1;
                return;
            }
        }
        let Some(arns) = self.attached_policy_list(body) else {
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
    /// both written out in the call (of the root module), each ARN written out or in the
    /// partition the root reads. `None` otherwise (a list or number read from elsewhere, a
    /// number past the list's end, which Terraform refuses to plan).
    fn attached_policy_list(&self, body: Located<'a>) -> Option<Vec<String>> {
        let [_, number, listed] = POLICY_LIST;
        let count = self.number_literal(unwrapped(self.argument(body, number)?))?;
        let entries = tuple_elements(self.argument(body, listed)?)?;
        let count = usize::try_from(count).ok().filter(|&count| count <= entries.len())?;
        entries
            .into_iter()
            .take(count)
            .map(|entry| {
                self.string_literal(unwrapped(entry))
                    .or_else(|| self.managed_policy_named(entry).map(|policy| policy.arn.clone()))
            })
            .collect()
    }

    /// The SQS queues of the root module that the event source mappings of the root's registry
    /// module calls (see the module's documentation above) feed their functions from. A map of
    /// mappings read from elsewhere than the call, or through a variable a `.tfvars` file may
    /// set, is not read.
    pub(super) fn registry_queue_event_sources(
        &self,
        functions: &[LambdaFunction],
        instances: &[ResourceInstance<'_, 'a>],
    ) -> Vec<QueueEventSource> {
        let mut sources = Vec::new();
        for (id, instance) in instances.iter().enumerate() {
            let body = instance.resource.body;
            if instance.resource.registry_call.is_none() || !instance.calls.is_empty() {
                continue;
            }
            // The module makes the mappings only with this switch on, as it is by default.
            let makes_mappings = self
                .argument(body, "create_unqualified_alias_allowed_triggers")
                .is_none_or(|value| self.text(unwrapped(value)) == "true");
            let Some(function) = functions.iter().position(|known| known.resource == id) else {
                continue;
            };
            let mappings = self
                .argument(body, "event_source_mapping")
                .and_then(|value| self.origin(value, &[]))
                .filter(|origin| !origin.overridable && makes_mappings)
                .and_then(|origin| object_node(origin.written));
            let Some(mappings) = mappings else {
                continue;
            };
            for (_, mapping) in self.object_fields(mappings) {
                let source = object_node(mapping).and_then(|mapping| {
                    let (_, arn) = self
                        .object_fields(mapping)
                        .into_iter()
                        .find(|(key, _)| key == "event_source_arn")?;
                    self.arn_ref(arn, &[])
                });
                let Some(source) = source.filter(|source| source.is_arn()) else {
                    continue;
                };
                let Some(queue) = self
                    .message_target(source.resource, instances)
                    .filter(|queue| queue.target.service == "sqs")
                else {
                    continue;
                };
                // The call's one role serves each instance of a call made by `for_each`, and each
                // is fed by every mapping.
                sources.push(QueueEventSource::of_one_role(
                    queue.target.named_by(&source),
                    queue.name,
                    function,
                ));
            }
        }
        sources
    }

    /// The registry module call whose block is at `site`, when it makes the role a grant is for:
    /// its body, where the switch that grants it goes.
    pub(super) fn registry_role_call(&self, site: &crate::cloud::Site) -> Option<Located<'a>> {
        let instances = self.resource_instances();
        self.registry_roles(&instances)
            .into_iter()
            .map(|function| instances[function].resource)
            .find(|function| function.block.site() == *site)
            .map(|function| function.body)
    }

    /// Whether a call read in `scope` makes its function's role: `create_role`, on unless the
    /// call turns it off, written out or given by a local. `None` when a variable gives it (a
    /// `.tfvars` file or `-var` may set it either way) or it is computed: which role the function
    /// runs as is then unknown.
    fn creates_role(&self, body: Located<'a>, scope: &Scope<'_, 'a>) -> Option<bool> {
        let Some(value) = self.argument(body, "create_role") else {
            return Some(true);
        };
        let written = self
            .origin(value, scope)
            .filter(|origin| !origin.overridable)
            .map(|origin| unwrapped(origin.written))?;
        (kind_of(written.node) == "bool_lit").then(|| self.text(written) == "true")
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
