//! IAM fixes in Terraform: `depends_on` entries, an `aws_iam_role_policy_attachment` of an AWS
//! managed policy (or the ARN added to the role's own `managed_policy_arns`), statements added to a
//! `jsonencode` document or to an `aws_iam_policy_document` data source, and a new
//! `aws_iam_role_policy` after the role.

use super::super::modules::ResourceInstance;
use super::super::references::interpolated;
use super::super::registry::POLICY_LIST;
use super::super::values::{list_items, list_node, object_node, tuple_elements, unwrapped, Origin, Scope};
use super::super::{block_body, block_type, named_children, Located, ModuleCall, ResourceBlock, TerraformProject};
use crate::aws::managed_policies;
use crate::cloud::{GrantTarget, ResourceId, ResourceRef, Site, ARN};
use crate::fix::Edit;
use crate::release_version::ReleaseVersion;
use crate::source::line_range;
use crate::syntax::{kind_of, named_descendants};

/// The first Terraform release that takes `depends_on` in a module block.
const MODULE_DEPENDS_ON_SINCE: ReleaseVersion = ReleaseVersion::new(0, 13, 0);

/// A statement to write: an action allowed on the ARNs of resources, each `TYPE.NAME.arn`.
pub(super) struct NewStatement {
    pub action: String,
    pub resources: Vec<String>,
}

impl<'a> TerraformProject<'a> {
    /// The root module resource whose block is at `site`.
    pub(super) fn root_resource_at(&self, site: &Site) -> Result<&ResourceBlock<'a>, String> {
        let block = self.expect_kind(site, "block")?;
        if self.folder_of_file[site.file] != 0 {
            return Err(format!(
                "the change belongs in the called module {}, which infrafix does not edit from its caller (other callers may share it); fix it there",
                self.folders[self.folder_of_file[site.file]].path.display()
            ));
        }
        self.root_resources()
            .find(|resource| resource.block == block)
            .ok_or_else(|| "it is not a resource of the root module".to_owned())
    }

    /// The root module call whose block is at `site`.
    pub(super) fn call_at(&self, site: &Site) -> Option<&ModuleCall<'a>> {
        self.folders[0].calls.iter().find(|call| call.block.site() == *site)
    }

    /// The role a root module call makes, when `role` is that call's block (see `module_iam_role`):
    /// the call, and how the root names the role's name, by the call's output handing it out
    /// (`module.iam.role_name`). `Ok(None)` for any other role.
    pub(super) fn module_role(&self, role: &Site) -> Result<Option<(&ModuleCall<'a>, String)>, String> {
        self.expect_kind(role, "block")?;
        let Some(call) = self.call_at(role) else {
            return Ok(None);
        };
        let instances = self.resource_instances();
        let made = self
            .roles_made_by(call, &instances)
            .next()
            .ok_or("the module call makes no role")?;
        // Given other providers, the module may make its role in another account than the root's
        // default provider would grant in.
        if self.argument(call.body, "providers").is_some()
            || self.argument(instances[made].resource.body, "provider").is_some()
        {
            return Err(format!(
                "`{}` is made with a provider the call to module `{}` chooses; grant it by hand with that provider",
                instances[made].address(),
                call.name
            ));
        }
        let mut outputs: Vec<&str> = self.folders[call.folder].outputs.keys().map(String::as_str).collect();
        outputs.sort_unstable();
        let named_by = outputs.into_iter().find(|output| {
            let handed = self
                .call_output(vec![call], output)
                .and_then(|(written, calls)| self.instance_written(written, &calls, &instances));
            matches!(handed, Some((found, Some("name" | "id"))) if found == made)
        });
        let output = named_by.ok_or_else(|| {
            format!(
                "`{}` is made inside module `{}`, which hands out no output of its name to attach a policy by; add one (`value = {}.{}.name`), or grant it inside the module by hand (infrafix does not edit a called module from its caller: other callers may share it)",
                instances[made].address(),
                call.name,
                instances[made].resource.kind,
                instances[made].resource.name
            )
        })?;
        Ok(Some((call, format!("module.{}.{output}", call.name))))
    }

    /// The body of the root module's resource or module call created at `site`: what a
    /// `depends_on` goes into (a module call's makes every resource of the module wait).
    fn root_dependent_body(&self, site: &Site) -> Result<Located<'a>, String> {
        let block = self.expect_kind(site, "block")?;
        let call = self.folders[0].module_blocks.values().find(|call| **call == block);
        let Some(call) = call else {
            return Ok(self.root_resource_at(site)?.body);
        };
        // Terraform 0.12 and older answer "Reserved argument name in module block" to it.
        if let Some(constraint) = self.admits_terraform_before(MODULE_DEPENDS_ON_SINCE) {
            return Err(format!(
                "Terraform before 0.13 refuses `depends_on` in a module block, and the root module's `required_version = \"{constraint}\"` admits such a release; raise it to 0.13 or later, or make the module's function wait by hand"
            ));
        }
        block_body(*call).ok_or_else(|| "the module call is empty".to_owned())
    }

    /// How a grant names its target: a resource's ARN by its address (see `arn_address`), ARN
    /// text as the function writes it (`"arn:aws:sqs:${data.aws_region.current.name}:…"`,
    /// `local.dlq_arn`), which reads the same values in the root module the policy is written in.
    pub(super) fn grant_address(&self, target: &GrantTarget) -> Result<String, String> {
        match target {
            GrantTarget::Resource(reference) => self.arn_address(reference),
            GrantTarget::Text(written) => Ok(self.text(self.located(&written.at)?).to_owned()),
        }
    }

    /// `TYPE.NAME.arn` for a reference to a root module resource's ARN; `TYPE.NAME["KEY"].arn`
    /// (`[0]` under `count`) for one instance picked by a key written out.
    pub(super) fn arn_address(&self, target: &ResourceRef) -> Result<String, String> {
        if target.resource >= self.folders[0].resources.len() {
            return self.output_arn_address(target);
        }
        let resource = self
            .root_resources()
            .nth(target.resource)
            .filter(|_| target.is_arn())
            .ok_or("the target is not a resource of the root module")?;
        let index = match (&target.instance, self.repetition(resource.body)) {
            (Some(key), Some(("count", _, count)))
                if self.may_be_absent(Some(count))
                    && !self.read_unguarded(&format!("{}.{}[{key}]", resource.kind, resource.name)) =>
            {
                return Err(format!(
                    "`{}.{}` is made only when `count = {}` makes it: a grant naming it outside that condition would fail to plan whenever it makes none; grant it in a policy made under the same `count`",
                    resource.kind,
                    resource.name,
                    self.text(count)
                ));
            }
            (Some(key), Some(("count", _, _))) => format!("[{key}]"),
            (Some(key), Some(_)) => format!("[\"{key}\"]"),
            _ => {
                self.made_once(resource)?;
                String::new()
            }
        };
        Ok(format!("{}.{}{index}.{ARN}", resource.kind, resource.name))
    }

    /// How the root module names the ARN of a resource a module instance makes (`target.resource`
    /// is its index among `resource_instances`): the root's call's output that hands it out
    /// (`module.queues.dlq_arn`). A grant reading it waits for the module's resources, so it is
    /// written only for a module that makes no function (one of its functions would be created
    /// alongside the grant, which Lambda checks at creation) and whose call waits for nothing (a
    /// grant it waited for would make a cycle). The module itself is never changed from its
    /// caller: every caller shares it.
    fn output_arn_address(&self, target: &ResourceRef) -> Result<String, String> {
        let instances = self.resource_instances();
        let instance = instances
            .get(target.resource)
            .filter(|_| target.is_arn())
            .ok_or("the target is not a resource of the project")?;
        let call = *instance
            .calls
            .first()
            .ok_or("the target is not made by a module call")?;
        // One instance of a call made by `count` or `for_each`, by the key that picked it.
        let index = match (&target.instance, self.repetition(call.body)) {
            (None, None) => String::new(),
            (Some(key), Some(("count", _, _))) => format!("[{key}]"),
            (Some(key), Some(_)) => format!("[\"{key}\"]"),
            _ => return Err("the target's module instance is not known".to_owned()),
        };
        let makes_function = instances.iter().any(|other| {
            other.resource.kind == "aws_lambda_function"
                && other.calls.first().is_some_and(|first| std::ptr::eq(*first, call))
        });
        if makes_function || self.argument(call.body, "depends_on").is_some() {
            return Err(format!(
                "`{}` is made inside module `{}`, which a grant in the root cannot wait for without the function or the module waiting for the grant in turn (Terraform would create them together, or refuse the cycle); grant it inside the module, or make the queue in the root and pass its ARN in",
                instance.address(),
                call.name
            ));
        }
        let mut outputs: Vec<&str> = self.folders[call.folder].outputs.keys().map(String::as_str).collect();
        outputs.sort_unstable();
        outputs
            .into_iter()
            .find(|output| {
                self.outputs_followed(vec![call], output, target.instance.is_some())
                    .and_then(|(written, calls)| self.instance_written(written, &calls, &instances))
                    == Some((target.resource, Some(ARN)))
            })
            .map(|output| format!("module.{}{index}.{output}", call.name))
            .ok_or_else(|| {
                format!(
                    "`{}` is made inside module `{}`, which hands out no output of its ARN to name it by; add one to the module, or grant it by hand (infrafix does not edit a called module from its caller: every caller shares it)",
                    instance.address(),
                    call.name
                )
            })
    }

    /// Whether a resource of the root made once reads the instance `address` (`aws_sqs_queue.dlq[0]`)
    /// outside any `dynamic` block, conditional expression, `try` or `can`: then the module plans only where
    /// the instance exists, and a grant naming it asks nothing more.
    fn read_unguarded(&self, address: &str) -> bool {
        self.root_resources()
            .filter(|resource| !self.is_repeated(resource.body))
            .any(|resource| {
                named_descendants(resource.body.node)
                    .filter(|node| kind_of(*node) == "expression")
                    .filter(|node| {
                        let spelled: String = self.text(resource.body.with(*node)).split_whitespace().collect();
                        spelled.starts_with(address) && spelled[address.len()..].starts_with('.')
                    })
                    .any(|node| {
                        !std::iter::successors(node.parent(), |parent| parent.parent())
                            .take_while(|ancestor| *ancestor != resource.body.node)
                            .any(|ancestor| match kind_of(ancestor) {
                                "conditional" => true,
                                "block" => block_type(ancestor, self.file_text(resource.body.file)) == Some("dynamic"),
                                // `try(aws_sqs_queue.dlq[0].arn, null)` plans without the instance.
                                "function_call" => self
                                    .function_call(resource.body.with(ancestor))
                                    .is_some_and(|(function, _)| matches!(function, "try" | "can")),
                                _ => false,
                            })
                    })
            })
    }

    /// `Err` for a resource made by `count` or `for_each`: code naming it must pick its instances
    /// (`[count.index]`, `[each.key]`), which infrafix does not write.
    fn made_once(&self, resource: &ResourceBlock<'a>) -> Result<(), String> {
        match self.is_repeated(resource.body) {
            true => Err(format!(
                "`{}.{}` is made by `count` or `for_each`, and the change must name each instance; make it by hand",
                resource.kind, resource.name
            )),
            false => Ok(()),
        }
    }

    /// The root module's resource that makes every other one of a kind go from the role `role_id`
    /// (an index among `resource_instances`): an `aws_iam_role_policy_attachments_exclusive` or
    /// `aws_iam_role_policies_exclusive` naming it.
    pub(super) fn exclusive_owner(&self, role_id: ResourceId, kind: &str) -> Option<String> {
        self.root_resources()
            .filter(|resource| resource.kind == kind)
            .find(|resource| {
                self.argument(resource.body, "role_name")
                    .is_some_and(|name| self.names_role(name, role_id))
            })
            .map(|resource| format!("`{}.{}`", resource.kind, resource.name))
    }

    /// Makes the function created at `function` (or the module call making it) wait for the
    /// resources created at `on`: entries added to its `depends_on`, or a new `depends_on` at the
    /// end of its block.
    pub(super) fn add_dependencies(&self, function: &Site, on: &[Site]) -> Result<Vec<Edit>, String> {
        let mut addresses = Vec::new();
        for site in on {
            let dependency = self.root_resource_at(site)?;
            addresses.push(format!("{}.{}", dependency.kind, dependency.name));
        }
        self.depend_on(function, &addresses, None)
    }

    /// Makes the resource created at `dependent` (or the module call there) wait for the
    /// resources at `addresses` (`TYPE.NAME`): entries added to its `depends_on`, or a new
    /// `depends_on` at the end of its block, after its last argument other than `removed` (which
    /// the same fix takes out).
    pub(super) fn depend_on(
        &self,
        dependent: &Site,
        addresses: &[String],
        removed: Option<&Site>,
    ) -> Result<Vec<Edit>, String> {
        let body = self.root_dependent_body(dependent)?;
        if let Some(listed) = self.argument(body, "depends_on") {
            return self.append_to_list(listed, addresses);
        }
        let indent = self
            .body_indent(body)
            .ok_or("the resource's block is empty or on one line")?;
        // The comments above `removed` go with it.
        let stays = |child: &tree_sitter::Node| match removed {
            None => true,
            Some(removed) => {
                kind_of(*child) != "comment"
                    && (child.end_byte() <= removed.range.start || removed.range.end <= child.start_byte())
            }
        };
        let last = named_children(body.node)
            .filter(stays)
            .last()
            .ok_or("the resource's block is empty")?;
        let newline = self.newline(dependent.file);
        Ok(vec![Edit::insert(
            dependent.file,
            self.line_end(dependent.file, last.end_byte()),
            format!("{newline}{newline}{indent}depends_on = [{}]", addresses.join(", ")),
        )])
    }

    /// Attaches an AWS managed policy to the role created at `role`: into its
    /// `managed_policy_arns` where it lists them (it owns that set), else by a new
    /// `aws_iam_role_policy_attachment` named `name` after the role.
    pub(super) fn attach_managed_policy(&self, role: &Site, policy: &str, name: &str) -> Result<Vec<Edit>, String> {
        let arn = managed_policies::find(policy)
            .map(|policy| policy.arn.as_str())
            .ok_or("infrafix does not know that managed policy's ARN")?;
        let module_role = self.module_role(role)?;
        let served = match &module_role {
            Some((call, _)) => call.body,
            None => self.root_resource_at(role)?.body,
        };
        let written = self.managed_policy_arn(arn, served);
        if let Some((call, role_name)) = module_role {
            let advice = format!(
                "lists the role's managed policies (add {arn} to its `policy_arns`); a new attachment would be detached, so change that by hand"
            );
            self.no_exclusive_owner(role, "aws_iam_role_policy_attachments_exclusive", &advice)?;
            self.no_exclusive_policy_attachment(arn, policy)?;
            // The role's own list owns its managed policies as the exclusive resource does, and
            // is the module's, which infrafix does not edit from its caller.
            let instances = self.resource_instances();
            if let Some(made) = self.roles_made_by(call, &instances).next() {
                let made = &instances[made];
                if self.argument(made.resource.body, "managed_policy_arns").is_some() {
                    return Err(format!(
                        "`{}` lists its managed policies in `managed_policy_arns`, which detaches any other attachment; add {arn} to that list inside module `{}` by hand",
                        made.address(),
                        call.name
                    ));
                }
            }
            let arguments = [("role", role_name), ("policy_arn", written)];
            let body = aligned_arguments(self.body_indent(call.body).unwrap_or("  "), &arguments);
            return Ok(vec![self.resource_after(
                role,
                "aws_iam_role_policy_attachment",
                name,
                &body,
            )]);
        }
        let declaration = self.root_resource_at(role)?;
        if let Some(listed) = self.argument(declaration.body, "managed_policy_arns") {
            return self.append_to_list(listed, &[written]);
        }
        self.made_once(declaration)?;
        // Both owners are named: with both, the policy must be in each.
        let mut owners = Vec::new();
        if let Some(owner) = self.exclusive_owner(self.role_id_at(role)?, "aws_iam_role_policy_attachments_exclusive") {
            owners.push(format!(
                "{owner} lists the role's managed policies (add {arn} to its `policy_arns`)"
            ));
        }
        owners.extend(self.exclusive_policy_attachment(arn, policy));
        if !owners.is_empty() {
            return Err(format!(
                "{}; a new attachment would be detached, so change that by hand",
                owners.join(", and ")
            ));
        }
        let indent = self.body_indent(declaration.body).unwrap_or("  ");
        let arguments = [
            ("role", format!("aws_iam_role.{}.name", declaration.name)),
            ("policy_arn", written),
        ];
        let body = self.new_arguments(declaration, indent, &arguments);
        Ok(vec![self.resource_after(
            role,
            "aws_iam_role_policy_attachment",
            name,
            &body,
        )])
    }

    /// The `aws_iam_policy_attachment` of the AWS managed policy `arn` (named `policy`), in the
    /// root module or a local module it calls, as advice: it detaches the policy from every role
    /// it does not list, in the whole account, so an attachment made anywhere else, by a new
    /// resource or by a module call's inputs, is undone on its next apply.
    /// One whose `policy_arn` infrafix cannot read may attach that policy too, and then owns it
    /// just the same: a new attachment is no safe fix beside it either.
    /// A copy of such an attachment in a module called by `count` or `for_each` is named by its
    /// instance's key (`module.workers["billing"].aws_iam_policy_attachment.pollers`), without one
    /// (every instance) where infrafix cannot tell the keys; one whose `policy_arn` each instance passes
    /// (`each.value.policy_arn`) is judged per instance, and may be that policy where the
    /// collection is a root variable's default, as a `for_each` attachment of the root module is.
    fn exclusive_policy_attachment(&self, arn: &str, policy: &str) -> Option<String> {
        self.resource_instances().iter().find_map(|instance| {
            if instance.resource.kind != "aws_iam_policy_attachment" || instance.resource.registry_call.is_some() {
                return None;
            }
            let written = self.argument(instance.resource.body, "policy_arn")?;
            let mut indexes = self.call_indexes(instance.scope());
            let claim = match self.passed_per_element(written, instance.scope()) {
                Some((depth, elements)) => {
                    let claims: Vec<_> = elements
                        .origins
                        .iter()
                        .map(|origin| {
                            let claim = self.attachment_claim(*origin, instance.scope(), arn);
                            // A `.tfvars` file may give an instance of a collection that is a root
                            // variable's default another policy than the default names.
                            match origin {
                                Some(origin) if origin.overridable => claim.max(Some(AttachmentClaim::MayOwn)),
                                _ => claim,
                            }
                        })
                        .collect();
                    let strongest = claims.iter().flatten().max().copied()?;
                    // Only the instances making the strongest claim are named, by their keys.
                    if let Some(picked) = indexes.get_mut(depth).filter(|picked| picked.len() == claims.len()) {
                        let kept = picked.iter().zip(&claims).filter(|(_, claim)| **claim == Some(strongest));
                        *picked = kept.map(|(index, _)| index.clone()).collect();
                    }
                    strongest
                }
                None => {
                    // A module's `policy_arn` is read where its value is written: in the module, or
                    // in the call passing it (`var.policy_arn`); one infrafix cannot follow is unknown.
                    let value = match instance.scope() {
                        [] => Some(Origin {
                            written,
                            overridable: false,
                            in_place: true,
                            passed_at: None,
                            depth: 0,
                        }),
                        scope => self.origin(written, scope),
                    };
                    self.attachment_claim(value, instance.scope(), arn)?
                }
            };
            let addresses = instance.indexed_addresses(&indexes);
            let several = addresses.len() > 1;
            let owners = addresses.iter().map(|address| format!("`{address}`")).collect::<Vec<_>>().join(" and ");
            let (own, attach, its) = match several {
                true => ("own", "attach", "their"),
                false => ("owns", "attaches", "its"),
            };
            let owns = match claim {
                AttachmentClaim::Owns => format!("{owners} {own} every attachment of {policy}"),
                AttachmentClaim::MayOwn => format!("{owners} {attach} a policy infrafix cannot tell apart from {policy}, and {own} every attachment of it if it is that one"),
            };
            Some(format!("{owns} (add the role to {its} `roles`)"))
        })
    }

    /// What an `aws_iam_policy_attachment` of the module instance `scope`, whose `policy_arn` is
    /// written at `value` (`None` where infrafix cannot follow it), claims of the AWS managed
    /// policy `arn`.
    fn attachment_claim(&self, value: Option<Origin<'a>>, scope: &Scope<'_, 'a>, arn: &str) -> Option<AttachmentClaim> {
        // What the value reads (a data source's `name = var.policy_name`) is read with the
        // arguments of the calls leading to the module it is written in.
        let value = value.map(|origin| (origin.written, &scope[..origin.depth.min(scope.len())]));
        if value.is_some_and(|(value, scope)| self.may_name_managed_policy(value, scope, arn)) {
            Some(AttachmentClaim::Owns)
        } else if value.is_none_or(|(value, scope)| self.names_an_unknown_policy(value, scope)) {
            Some(AttachmentClaim::MayOwn)
        } else {
            None
        }
    }

    /// Whether infrafix cannot tell which policy a `policy_arn` written in the module instance
    /// `scope` names: it is no text (written, or a variable's default), no ARN text, no
    /// `data "aws_iam_policy"` lookup by a name or ARN it can read, and no policy of the program
    /// (`aws_iam_policy.reports.arn`).
    fn names_an_unknown_policy(&self, value: Located<'a>, scope: &Scope<'_, 'a>) -> bool {
        let policy_of_the_program = self
            .traversal(interpolated(value))
            .is_some_and(|parts| matches!(parts.as_slice(), ["aws_iam_policy", _, "arn"]));
        let read_lookup = self
            .data_source_read(value, "aws_iam_policy", "arn")
            .is_some_and(|data| {
                let name = self.argument(data.body, "name");
                let looked_up_arn = self.argument(data.body, "arn");
                name.is_some_and(|name| self.string_value(name, scope).is_some())
                    || looked_up_arn.is_some_and(|arn| !self.names_an_unknown_policy(arn, scope))
            });
        !policy_of_the_program
            && self.string_value(value, &[]).is_none()
            && self.arn_text(value).is_none()
            && !read_lookup
    }

    /// `Err` when an `aws_iam_policy_attachment` of the root module owns the AWS managed policy
    /// `arn` (see `exclusive_policy_attachment`).
    fn no_exclusive_policy_attachment(&self, arn: &str, policy: &str) -> Result<(), String> {
        match self.exclusive_policy_attachment(arn, policy) {
            Some(owner) => Err(format!(
                "{owner}; a new attachment would be detached, so change that by hand"
            )),
            None => Ok(()),
        }
    }

    /// Whether a `policy_arn` of the root module may name the AWS managed policy `arn`: written
    /// out, as a variable's default (which a `.tfvars` file may keep), in any partition
    /// (`arn:${var.partition}:iam::aws:policy/…`), or as the ARN a `data "aws_iam_policy"` looks
    /// up by that policy's name or ARN.
    /// A data source of a module is read with the arguments of the calls in `scope`.
    fn may_name_managed_policy(&self, value: Located<'a>, scope: &Scope<'_, 'a>, arn: &str) -> bool {
        let looked_up = || {
            let data = self.data_source_read(value, "aws_iam_policy", "arn")?;
            let name = managed_policies::find(arn)?.name.as_str();
            let by_name = self
                .argument(data.body, "name")
                .and_then(|written| self.string_value(written, scope))
                .is_some_and(|(written, _)| written == name);
            let by_arn = self
                .argument(data.body, "arn")
                .is_some_and(|written| self.may_name_managed_policy(written, scope, arn));
            Some(by_name || by_arn)
        };
        self.string_value(value, &[])
            .is_some_and(|(attached, _)| attached == arn)
            || self
                .managed_policy_in_any_partition(value)
                .is_some_and(|attached| attached.arn == arn)
            || looked_up() == Some(true)
    }

    /// An AWS managed policy's ARN as the root module writes it for the block whose body is
    /// `served` (a role, or the module call making one): in the partition an `aws_partition` data
    /// source of the root reads through the same `aws` provider configuration, where it has one
    /// made once (the module may deploy to GovCloud or China, where `arn:aws:` names nothing).
    /// A data source read through another configuration (`provider = aws.china`) may read another
    /// partition: without one of the same, or when the configuration cannot be told, the ARN is
    /// written out.
    fn managed_policy_arn(&self, arn: &str, served: Located<'a>) -> String {
        let partition = self.aws_provider_of(served).and_then(|provider| {
            self.folders[0].data_sources.iter().find(|source| {
                source.kind == "aws_partition"
                    && !self.is_repeated(source.body)
                    && self.aws_provider_of(source.body).as_ref() == Some(&provider)
            })
        });
        match (partition, arn.strip_prefix("arn:aws:")) {
            (Some(source), Some(rest)) => format!("\"arn:${{data.aws_partition.{}.partition}}:{rest}\"", source.name),
            _ => format!("\"{arn}\""),
        }
    }

    /// The `aws` provider configuration a resource's or a module call's block is made with,
    /// spelled as written (`aws.govcloud`): `Some(None)` for the default one; `None` when it
    /// cannot be told (a `providers` map infrafix cannot read).
    fn aws_provider_of(&self, body: Located<'a>) -> Option<Option<String>> {
        let spelled = |value: Located<'a>| {
            let spelled: String = self.text(unwrapped(value)).split_whitespace().collect();
            (spelled != "aws").then_some(spelled)
        };
        if let Some(provider) = self.argument(body, "provider") {
            return Some(spelled(provider));
        }
        let Some(providers) = self.argument(body, "providers") else {
            return Some(None);
        };
        let providers = object_node(unwrapped(providers))?;
        let configuration = self
            .object_fields(providers)
            .into_iter()
            .find(|(key, _)| key == "aws")
            .map(|(_, value)| value);
        Some(configuration.and_then(spelled))
    }

    /// A new `aws_iam_role_policy` named `name` after the role created at `role`, allowing each
    /// statement.
    pub(super) fn new_role_policy(&self, role: &Site, name: &str, statements: &[NewStatement]) -> Result<Edit, String> {
        let declaration = self.root_resource_at(role)?;
        self.made_once(declaration)?;
        self.no_exclusive_owner(role, "aws_iam_role_policies_exclusive", INLINE_POLICIES_OWNED)?;
        let indent = self.body_indent(declaration.body).unwrap_or("  ");
        let arguments = [("role", format!("aws_iam_role.{}.id", declaration.name))];
        let body = self.new_arguments(declaration, indent, &arguments);
        Ok(self.resource_after(
            role,
            "aws_iam_role_policy",
            name,
            &role_policy_body(body, indent, statements),
        ))
    }

    /// A new `aws_iam_role_policy` named `name` for the role the root module call at `role` makes
    /// (see `module_role`), after the root's block at `beside` (the function it serves): the
    /// module is never changed from its caller.
    pub(super) fn new_module_role_policy(
        &self,
        role: &Site,
        beside: &Site,
        name: &str,
        statements: &[NewStatement],
    ) -> Result<Edit, String> {
        if beside == role {
            let call = self.call_at(role);
            return Err(format!(
                "the function and its role are both made inside module `{}`, and the function cannot wait for a policy the root attaches to the role (the module would wait for the root's policy, which reads the module); grant it inside the module, in a way that serves every caller of the module (one passing no target needs no grant)",
                call.map_or("", |call| call.name.as_str())
            ));
        }
        let (_, role_name) = self.module_role(role)?.ok_or("the role is not made by a module call")?;
        self.no_exclusive_owner(role, "aws_iam_role_policies_exclusive", INLINE_POLICIES_OWNED)?;
        let served = self.expect_kind(beside, "block")?;
        if self.folder_of_file[beside.file] != 0 {
            return Err("the function is not written in the root module".to_owned());
        }
        let indent = super::super::block_body(served)
            .and_then(|body| self.body_indent(body))
            .unwrap_or("  ");
        let body = aligned_arguments(indent, &[("role", role_name)]);
        Ok(self.resource_after(
            beside,
            "aws_iam_role_policy",
            name,
            &role_policy_body(body, indent, statements),
        ))
    }

    /// `Err` when a root module resource of type `kind` owns every policy of its kind on the
    /// role at `role` (a new one would be deleted or detached): `advice` says what to do instead.
    fn no_exclusive_owner(&self, role: &Site, kind: &str, advice: &str) -> Result<(), String> {
        match self.exclusive_owner(self.role_id_at(role)?, kind) {
            Some(owner) => Err(format!("{owner} {advice}")),
            None => Ok(()),
        }
    }

    /// The role (an index among `resource_instances`) created at `role`: a root module resource,
    /// or the role the root module call there makes.
    fn role_id_at(&self, role: &Site) -> Result<ResourceId, String> {
        if let Some(call) = self.call_at(role) {
            let instances = self.resource_instances();
            return self
                .roles_made_by(call, &instances)
                .next()
                .ok_or_else(|| "the module call makes no role".to_owned());
        }
        let declaration = self.root_resource_at(role)?;
        self.root_resources()
            .position(|resource| std::ptr::eq(resource, declaration))
            .ok_or_else(|| "it is not a resource of the root module".to_owned())
    }

    /// One-line arguments for a new resource serving `served`, aligned, with `served`'s
    /// `provider` first: the new resource must be made in the same account.
    pub(super) fn new_arguments(
        &self,
        served: &ResourceBlock<'a>,
        indent: &str,
        arguments: &[(&str, String)],
    ) -> String {
        let provider = self
            .argument(served.body, "provider")
            .map(|provider| ("provider", self.text(provider).to_owned()));
        let all: Vec<(&str, String)> = provider.into_iter().chain(arguments.iter().cloned()).collect();
        aligned_arguments(indent, &all)
    }

    /// Turns on the switch of the registry module call of `function` (see `registry`) that
    /// attaches to its role the permission to send to its `dead_letter_target_arn`: set where
    /// its value is written (see `dead_letter_switch_written`), else added after the target.
    /// A call `shared` by several chains of calls that do not all lack the grant (see
    /// `shared_call_refusal`, which says why) is changed only where one of them passes the value.
    pub(super) fn dead_letter_switch_on(
        &self,
        function: &ResourceInstance<'_, 'a>,
        shared: Option<String>,
    ) -> Result<Vec<Edit>, String> {
        let call = function.resource.body;
        let written = self.dead_letter_switch_written(function).transpose()?;
        if let Some(shared) = shared.filter(|_| written.is_none_or(|switch| switch.file == call.file)) {
            return Err(shared);
        }
        if let Some(switch) = written {
            return Ok(vec![Edit::replace(switch.file, switch.node.byte_range(), "true")]);
        }
        let target = self
            .argument(call, "dead_letter_target_arn")
            .ok_or("the module call sets no dead_letter_target_arn")?;
        let argument = target
            .node
            .parent()
            .filter(|argument| kind_of(*argument) == "attribute")
            .ok_or("the module call's dead_letter_target_arn is not an argument of its own")?;
        self.arguments_after(&target.with(argument).site(), &[("attach_dead_letter_policy", "true")])
    }

    /// Adds an AWS managed policy to what a registry module call (see `registry`) attaches to
    /// the role its module makes: to its `policies`, counted in `number_of_policies`, where the
    /// call writes out all three inputs and attaches every listed policy; where it sets none of
    /// them, the three in a paragraph of their own after its `event_source_mapping`, which the
    /// policy serves; where it attaches none of them (see `policy_list_switched_on`), as the one
    /// it attaches. Anything else would attach more or less than the one policy.
    pub(super) fn policy_listed_in_call(&self, call: Located<'a>, policy: &str) -> Result<Vec<Edit>, String> {
        let arn = managed_policies::find(policy)
            .map(|policy| policy.arn.as_str())
            .ok_or("infrafix does not know that managed policy's ARN")?;
        // The module attaches its `policies` by `aws_iam_role_policy_attachment`, which an
        // exclusive attachment of the same policy undoes as it would a root one.
        self.no_exclusive_policy_attachment(arn, policy)?;
        let quoted = self.managed_policy_arn(arn, call);
        let by_hand = format!(
            "the call's attach_policies, number_of_policies and policies are not all written out with every listed policy attached; add {arn} to them by hand"
        );
        match POLICY_LIST.map(|input| self.argument(call, input)) {
            [None, None, None] => {
                let mappings = self
                    .argument(call, "event_source_mapping")
                    .and_then(|mappings| mappings.node.parent().map(|argument| mappings.with(argument)))
                    .filter(|argument| kind_of(argument.node) == "attribute")
                    .ok_or("the module call's event_source_mapping is not an argument of its own")?;
                let indent = self
                    .body_indent(call)
                    .ok_or("the module call's block is empty or on one line")?;
                let [switch, number, listed] = POLICY_LIST;
                let arguments = [
                    (switch, "true".to_owned()),
                    (number, "1".to_owned()),
                    (listed, format!("[{quoted}]")),
                ];
                let newline = self.newline(call.file);
                let paragraph = aligned_arguments(indent, &arguments).replace('\n', newline);
                let paragraph = paragraph.strip_suffix(newline).unwrap_or(&paragraph);
                Ok(vec![Edit::insert(
                    call.file,
                    self.line_end(call.file, mappings.node.end_byte()),
                    format!("{newline}{newline}{paragraph}"),
                )])
            }
            [Some(switch), Some(number), Some(listed)] if self.text(unwrapped(switch)) == "true" => {
                let number = unwrapped(number);
                let count = self.number_literal(number).ok_or(by_hand.as_str())?;
                let entries = tuple_elements(listed).ok_or(by_hand.as_str())?;
                if usize::try_from(count).ok() != Some(entries.len()) {
                    return Err(format!(
                        "the call attaches the first {count} of the {} policies it lists (number_of_policies), and counting one more would attach another listed policy too; add {arn} by hand",
                        entries.len()
                    ));
                }
                let mut edits = self.append_to_list(listed, &[quoted])?;
                edits.push(Edit::replace(
                    number.file,
                    number.node.byte_range(),
                    (count + 1).to_string(),
                ));
                Ok(edits)
            }
            [switch, number, listed] if switch.is_none_or(|switch| self.text(unwrapped(switch)) == "false") => self
                .policy_list_switched_on([switch, number, listed], arn, &quoted)
                .map_err(|reason| format!("{}; add {arn} to the call by hand", without_what_to_do(&reason))),
            _ => Err(by_hand),
        }
    }

    /// Makes a call whose `attach_policies` is off (as it is by default: the module attaches
    /// none of its `policies` then, whatever `number_of_policies` says) attach the AWS managed
    /// policy `arn` (written `quoted`) alone: the switch turned on, the policy first in the list
    /// (see `policy_put_first`) and the number 1. The ARNs the list holds stay, still unattached.
    /// The inputs the call lacks are written next to those it has, in their order
    /// (`attach_policies`, `number_of_policies`, `policies`), in their paragraph.
    fn policy_list_switched_on(
        &self,
        inputs: [Option<Located<'a>>; 3],
        arn: &str,
        quoted: &str,
    ) -> Result<Vec<Edit>, String> {
        let [switch, number, listed] = inputs;
        let mut edits = Vec::new();
        if let Some(switch) = switch {
            edits.push(Edit::replace(switch.file, unwrapped(switch).node.byte_range(), "true"));
        }
        if let Some(number) = number {
            let number = unwrapped(number);
            self.number_literal(number)
                .ok_or("the call's number_of_policies is not a number written out")?;
            edits.push(Edit::replace(number.file, number.node.byte_range(), "1"));
        }
        if let Some(listed) = listed {
            edits.extend(self.policy_put_first(listed, arn, quoted)?);
        }
        let list = format!("[{quoted}]");
        let values = ["true", "1", list.as_str()];
        // The first input the call writes is the one the others are written beside: those
        // before it in the order above go above it, the rest below the one they follow.
        let anchor = inputs
            .iter()
            .position(Option::is_some)
            .ok_or("the call sets none of attach_policies, number_of_policies and policies")?;
        let missing = |range: std::ops::Range<usize>| -> Vec<(&str, &str)> {
            range
                .filter(|&input| inputs[input].is_none())
                .map(|input| (POLICY_LIST[input], values[input]))
                .collect()
        };
        let before = missing(0..anchor);
        let after = missing(anchor + 1..POLICY_LIST.len());
        // Below the last input written before them, which is the anchor unless it is followed by
        // another one the call writes (only `attach_policies` then `number_of_policies`).
        let below = (anchor..POLICY_LIST.len())
            .take_while(|&input| inputs[input].is_some())
            .last()
            .unwrap_or(anchor);
        let argument_of = |input: usize| -> Result<Site, String> {
            let value = inputs[input].ok_or("an input of the call is missing")?;
            value
                .node
                .parent()
                .filter(|argument| kind_of(*argument) == "attribute")
                .map(|argument| value.with(argument).site())
                .ok_or_else(|| format!("the call's {} is not an argument of its own", POLICY_LIST[input]))
        };
        // Inputs missing on both sides of the anchor leave none written after it.
        let beside = if after.is_empty() { anchor } else { below };
        if !(before.is_empty() && after.is_empty()) {
            edits.extend(self.arguments_around(&argument_of(beside)?, &before, &after)?);
        }
        Ok(edits)
    }

    /// The edits that make the AWS managed policy `arn` the first of a call's `policies`: none
    /// where it is; where the list names it further down (written out or in the partition), that
    /// entry moved first as written, since a second copy would list it twice; else `quoted`
    /// put first. An entry infrafix cannot read before it refuses the fix: it may be the policy.
    fn policy_put_first(&self, listed: Located<'a>, arn: &str, quoted: &str) -> Result<Vec<Edit>, String> {
        let entries = list_node(listed).map(list_items).unwrap_or_default();
        let names_the_policy = |entry: &Located<'a>| {
            self.string_literal(unwrapped(*entry))
                .is_some_and(|written| written == arn)
                || self.managed_policy_named(*entry).is_some_and(|named| named.arn == arn)
        };
        let found = entries.iter().position(names_the_policy);
        // An entry before it (or in a list without it) that may be the policy too would leave it
        // listed twice, one more attachment away from attaching it twice.
        let unsettled = entries[..found.unwrap_or(entries.len())].iter().find(|entry| {
            self.may_name_managed_policy(**entry, &[], arn) || self.names_an_unknown_policy(**entry, &[])
        });
        if let Some(entry) = unsettled {
            let policy = managed_policies::find(arn).map_or(arn, |policy| policy.name.as_str());
            return Err(format!(
                "the call's policies lists `{}`, which may name {policy} too, as infrafix cannot tell (a root variable's default, which a .tfvars file may change, or a value known only at deploy)",
                self.text(*entry)
            ));
        }
        match found {
            Some(0) => Ok(Vec::new()),
            Some(at) => {
                let entry = entries[at];
                if let Some(edits) = self.move_first_with_comments(listed, entry) {
                    return Ok(edits);
                }
                let mut edits = vec![self.remove_list_entry(&entry.site())?];
                edits.extend(self.prepend_to_list(listed, self.text(entry))?);
                Ok(edits)
            }
            None => self.prepend_to_list(listed, quoted),
        }
    }

    /// The edits that put `entry` first in a list written in place: on its line for a one-line
    /// list (or an empty one), on a line of its own before the first element otherwise.
    /// Comment lines above the first element stay with it (see `list_lines`).
    fn prepend_to_list(&self, value: Located<'a>, entry: &str) -> Result<Vec<Edit>, String> {
        if let Some(edits) = self.prepend_above_comments(value, entry) {
            return Ok(edits);
        }
        let list = list_node(value).ok_or("the call's policies is not a list written in place")?;
        let elements = list_items(list);
        let Some(first) = elements.first() else {
            return Ok(vec![Edit::replace(
                list.file,
                list.node.byte_range(),
                format!("[{entry}]"),
            )]);
        };
        if list.node.start_position().row == list.node.end_position().row {
            if super::super::has_comment_inside(list.node) {
                return Err("the call's policies holds comments, which a new entry could misplace".to_owned());
            }
            return Ok(vec![Edit::insert(
                list.file,
                first.node.start_byte(),
                format!("{entry}, "),
            )]);
        }
        let indent = self
            .line_indent(*first)
            .ok_or("the call's policies starts on the line of its bracket")?;
        let line_start = first.node.start_byte() - indent.len();
        let newline = self.newline(list.file);
        Ok(vec![Edit::insert(
            list.file,
            line_start,
            format!("{indent}{entry},{newline}"),
        )])
    }

    /// A new resource block right after the block at `after`, separated by a blank line.
    pub(super) fn resource_after(&self, after: &Site, kind: &str, name: &str, body: &str) -> Edit {
        let text = format!("\n\nresource \"{kind}\" \"{name}\" {{\n{body}}}").replace('\n', self.newline(after.file));
        Edit::insert(after.file, self.after_block(after.file, after.range.end), text)
    }

    /// Adds statements to the document at `document`: objects at the end of a `jsonencode`
    /// document's `Statement` list, or `statement` blocks at the end of an
    /// `aws_iam_policy_document` data source.
    pub(super) fn add_statements(&self, document: &Site, statements: &[NewStatement]) -> Result<Vec<Edit>, String> {
        let document = self.located(document)?;
        let newline = self.newline(document.file);
        match kind_of(document.node) {
            "object" => {
                let list = self.statement_list(document)?;
                let elements = list_items(list);
                let first = elements.first().ok_or("the Statement list is empty")?;
                let Some(indent) = self.line_indent(*first) else {
                    return self.append_hugged_objects(list, statements);
                };
                let step = self.indent_step(document, *first);
                let objects: Vec<String> = statements
                    .iter()
                    .map(|statement| {
                        encoded_statement(statement, indent, &step, newline)
                            .trim_start()
                            .to_owned()
                    })
                    .collect();
                self.append_lines(list, &objects)
            }
            "block" => {
                let body = block_body(document).ok_or("the policy document is empty")?;
                let indent = self.body_indent(body).ok_or("the policy document is on one line")?;
                let last = named_children(body.node).last().ok_or("the policy document is empty")?;
                let blocks: String = statements
                    .iter()
                    .map(|statement| {
                        let resources = statement.resources.join(", ");
                        format!(
                            "{newline}{newline}{indent}statement {{{newline}\
                             {indent}{indent}actions   = [\"{}\"]{newline}\
                             {indent}{indent}resources = [{resources}]{newline}\
                             {indent}}}",
                            statement.action
                        )
                    })
                    .collect();
                Ok(vec![Edit::insert(
                    document.file,
                    self.line_end(document.file, last.end_byte()),
                    blocks,
                )])
            }
            _ => Err("the policy is JSON text, which infrafix does not edit".to_owned()),
        }
    }

    /// Adds statement objects to a Statement list whose objects hug its brackets and each other
    /// (`Statement = [{` … `}, {` … `}]`): each new one goes after the last as `}, {`, its fields
    /// indented as the last one's are. `terraform fmt` indents a `}, {` as the fields; one the
    /// list already has shows the file's own choice.
    fn append_hugged_objects(&self, list: Located<'a>, statements: &[NewStatement]) -> Result<Vec<Edit>, String> {
        let elements: Vec<Located<'a>> = list_items(list).into_iter().filter_map(object_node).collect();
        let last = *elements
            .last()
            .filter(|_| elements.len() == list_items(list).len())
            .ok_or("the Statement list holds more than objects written in it")?;
        let text = self.file_text(last.file);
        let closing_indent = |object: Located<'a>| {
            let brace = object.node.end_byte().saturating_sub(1);
            let indent = &text[line_range(text, brace).start..brace];
            indent.trim().is_empty().then_some(indent)
        };
        let fields = named_children(last.node)
            .find(|child| kind_of(*child) == "object_elem")
            .and_then(|child| self.line_indent(last.with(child)));
        let (Some(closing), Some(fields)) = (closing_indent(last), fields) else {
            return Err("the Statement list is written on one line".to_owned());
        };
        let step = match fields.strip_prefix(closing) {
            Some(step) if !step.is_empty() => step,
            _ => return Err("the statement's fields do not stand deeper than its braces".to_owned()),
        };
        let separator = match elements.len().checked_sub(2).map(|before| elements[before]) {
            Some(before) => closing_indent(before).unwrap_or(fields),
            None => fields,
        };
        let newline = self.newline(last.file);
        let mut objects = String::new();
        for (index, statement) in statements.iter().enumerate() {
            let object = encoded_statement(statement, closing, step, newline);
            let object = object.trim_start();
            let followed = index + 1 < statements.len();
            let object = match object.strip_suffix(&format!("{closing}}}")) {
                Some(open) if followed => format!("{open}{separator}}}"),
                _ => object.to_owned(),
            };
            objects.push_str(", ");
            objects.push_str(&object);
        }
        let brace = last.node.end_byte().saturating_sub(1);
        let mut edits = vec![Edit::insert(last.file, last.node.end_byte(), objects)];
        if separator != closing {
            edits.push(Edit::replace(last.file, brace - closing.len()..brace, separator));
        }
        Ok(edits)
    }

    /// Adds entries to the `Action` (`actions`) or `Resource` (`resources`) of statement
    /// `statement` of the document at `document`.
    pub(super) fn extend_statement(
        &self,
        document: &Site,
        statement: usize,
        field: StatementField,
        entries: &[String],
    ) -> Result<Vec<Edit>, String> {
        let document = self.located(document)?;
        let value = match kind_of(document.node) {
            "object" => {
                let list = self.statement_list(document)?;
                let object = list_items(list)
                    .get(statement)
                    .and_then(|element| object_node(*element))
                    .ok_or("the statement is not an object written in the list")?;
                self.object_fields(object)
                    .into_iter()
                    .find(|(key, _)| key == field.encoded())
                    .map(|(_, value)| value)
            }
            "block" => block_body(document)
                .and_then(|body| {
                    named_children(body.node)
                        .filter(|node| block_type(*node, self.file_text(body.file)) == Some("statement"))
                        .nth(statement)
                        .and_then(|block| block_body(body.with(block)))
                })
                .and_then(|statement| self.argument(statement, field.data_source())),
            _ => return Err("the policy is JSON text, which infrafix does not edit".to_owned()),
        };
        let value = value.ok_or("the statement does not list what to extend")?;
        if kind_of(unwrapped(value).node) == "for_expr" {
            return Err("the statement lists them by a `for` expression, which infrafix does not edit".to_owned());
        }
        if self.makes_a_list(value) {
            return Err(
                "the statement lists them by a list function or a splat, which infrafix does not edit".to_owned(),
            );
        }
        if self.origin(value, &[]).is_none_or(|origin| !origin.in_place) {
            return Err("the list is not written in the statement".to_owned());
        }
        match list_node(value) {
            Some(_) => self.append_to_list(value, entries),
            None => {
                let mut all = vec![self.text(value).to_owned()];
                all.extend(entries.iter().cloned());
                Ok(vec![Edit::replace(
                    value.file,
                    value.node.byte_range(),
                    format!("[{}]", all.join(", ")),
                )])
            }
        }
    }

    /// The `Statement` list of an encoded document.
    fn statement_list(&self, object: Located<'a>) -> Result<Located<'a>, String> {
        let (_, statements) = self
            .object_fields(object)
            .into_iter()
            .find(|(key, _)| key == "Statement")
            .ok_or("the document has no Statement")?;
        list_node(statements).ok_or_else(|| "Statement is not a list written in place".to_owned())
    }

    /// The edits that add entries at the end of a list written in place: on its line for a
    /// one-line list (or an empty one), on lines of their own otherwise.
    fn append_to_list(&self, value: Located<'a>, entries: &[String]) -> Result<Vec<Edit>, String> {
        let list = list_node(value).ok_or("it is not a list written in place")?;
        let elements = list_items(list);
        let one_line = list.node.start_position().row == list.node.end_position().row;
        if !one_line && !elements.is_empty() {
            return self.append_lines(list, entries);
        }
        if super::super::has_comment_inside(list.node) {
            return Err("the list holds comments, which adding entries could misplace; add them by hand".to_owned());
        }
        let joined = entries.join(", ");
        Ok(vec![match elements.last() {
            Some(last) => Edit::insert(list.file, last.node.end_byte(), format!(", {joined}")),
            None => Edit::replace(list.file, list.node.byte_range(), format!("[{joined}]")),
        }])
    }

    /// The edits that add elements, each on a line of its own, after the last element of a list
    /// written over several lines, with the layout of the others: their indentation and their
    /// commas. A comment ending the last element's line stays there.
    fn append_lines(&self, list: Located<'a>, elements: &[String]) -> Result<Vec<Edit>, String> {
        let existing = list_items(list);
        let last = existing.last().ok_or("the list is empty")?;
        let indent = self.line_indent(*last).ok_or("the list's elements share their lines")?;
        let text = self.file_text(list.file);
        let after_last = &text[last.node.end_byte()..list.node.end_byte()];
        let trailing_comma = after_last.trim_start().starts_with(',');
        let newline = self.newline(list.file);
        let mut line_after = last.node.end_byte();
        if trailing_comma {
            line_after += after_last.find(',').map_or(0, |comma| comma + 1);
        }
        let count = elements.len();
        let code: String = elements
            .iter()
            .enumerate()
            .map(|(index, element)| {
                let comma = if index + 1 < count || trailing_comma { "," } else { "" };
                format!("{newline}{indent}{element}{comma}")
            })
            .collect();
        let at = self.line_end(list.file, line_after);
        if at >= list.node.end_byte() {
            return Err("the list ends on the line of its last element".to_owned());
        }
        // The last element needs a comma: right after it, which is where the new lines go too
        // unless a comment ends its line.
        let comma = (!trailing_comma).then(|| last.node.end_byte());
        Ok(match comma {
            Some(comma) if comma == at => vec![Edit::insert(list.file, at, format!(",{code}"))],
            Some(comma) => vec![Edit::insert(list.file, comma, ","), Edit::insert(list.file, at, code)],
            None => vec![Edit::insert(list.file, at, code)],
        })
    }

    /// One level of indentation in a file: how much deeper `inner` stands than the line `outer`
    /// starts on.
    fn indent_step(&self, outer: Located<'a>, inner: Located<'a>) -> String {
        let text = self.file_text(outer.file);
        let outer_start = line_range(text, outer.node.start_byte()).start;
        let outer_indent = text[outer_start..].len() - text[outer_start..].trim_start_matches([' ', '\t']).len();
        let inner_indent = self.line_indent(inner).map_or(0, str::len);
        match inner_indent.checked_sub(outer_indent) {
            Some(step) if step > 0 && step % 2 == 0 => " ".repeat(step / 2),
            _ => "  ".to_owned(),
        }
    }
}

/// Which list of a statement a fix extends.
#[derive(Debug, Clone, Copy)]
pub(super) enum StatementField {
    Action,
    Resource,
}

impl StatementField {
    fn encoded(self) -> &'static str {
        match self {
            Self::Action => "Action",
            Self::Resource => "Resource",
        }
    }

    fn data_source(self) -> &'static str {
        match self {
            Self::Action => "actions",
            Self::Resource => "resources",
        }
    }
}

/// What a role policy needs where an `aws_iam_role_policies_exclusive` lists the role's policies.
const INLINE_POLICIES_OWNED: &str = "lists the role's inline policies and would delete a new one; add the statement in a role policy whose name is also in its `policy_names`, by hand";

/// The body of a new `aws_iam_role_policy`: its `arguments` (the role), then a `jsonencode`
/// document allowing each statement.
fn role_policy_body(mut arguments: String, indent: &str, statements: &[NewStatement]) -> String {
    let objects: String = statements
        .iter()
        .map(|statement| encoded_statement(statement, &indent.repeat(3), indent, "\n") + ",\n")
        .collect();
    arguments.push_str(&format!(
        "{indent}policy = jsonencode({{\n\
         {indent}{indent}Version = \"2012-10-17\"\n\
         {indent}{indent}Statement = [\n\
         {objects}\
         {indent}{indent}]\n\
         {indent}}})\n"
    ));
    arguments
}

/// A statement object of a `jsonencode` document, its braces at `indent` and its fields one
/// `step` deeper, `=` aligned as `terraform fmt` does.
fn encoded_statement(statement: &NewStatement, indent: &str, step: &str, newline: &str) -> String {
    let resource = match statement.resources.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!(
        "{indent}{{{newline}\
         {indent}{step}Effect   = \"Allow\"{newline}\
         {indent}{step}Action   = \"{}\"{newline}\
         {indent}{step}Resource = {resource}{newline}\
         {indent}}}",
        statement.action
    )
}

/// The arguments of a new block, one a line, their `=` aligned as `terraform fmt` aligns them.
pub(super) fn aligned_arguments(indent: &str, arguments: &[(&str, String)]) -> String {
    let width = arguments.iter().map(|(key, _)| key.len()).max().unwrap_or_default();
    arguments
        .iter()
        .map(|(key, value)| format!("{indent}{key:<width$} = {value}\n"))
        .collect()
}

/// What an exclusive `aws_iam_policy_attachment` claims of a managed policy, weakest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AttachmentClaim {
    /// Its `policy_arn` cannot be read: it may be that policy.
    MayOwn,
    /// It attaches that policy.
    Owns,
}

/// A reason a fix is not made, without the clause saying what to do instead by hand
/// (`…; change it by hand`), for a caller that says what to do itself.
fn without_what_to_do(reason: &str) -> &str {
    match reason.rsplit_once("; ") {
        Some((why, what_to_do)) if what_to_do.ends_with("by hand") => why,
        _ => reason,
    }
}
