//! An AWS managed policy attached to a role: in the role's own `managedPolicyArns` where it
//! declares them, else by a new `aws.iam.RolePolicyAttachment`; a CDK `CfnRole` gains the list
//! (CloudFormation has no attachment resource, and a role is created with its policies).

use super::super::edits::name_from_logical_name;
use super::super::{named_children, ExecutionRole, Located, Package, PackageMember, Program};
use crate::aws::managed_policies::{self, ManagedPolicy};
use crate::cloud::Site;
use crate::fix::Edit;
use crate::style::template::Code;
use crate::syntax::kind_of;

impl<'tree> Program<'tree> {
    /// A role that lists its `managedPolicyArns` owns that set: Pulumi would detach a separate
    /// attachment on the next update, so the policy goes into the list.
    pub(super) fn attach_managed_policy(
        &self,
        role: &Site,
        policy: &str,
        purpose: &str,
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let role = self.resource_at_site(role)?;
        // The role's own list, or a new attachment beside it, would reach every role its helper makes.
        self.new_policies_reach_one_role(role)?;
        let policy = managed_policies::find(policy)
            .ok_or_else(|| format!("`{policy}` is not a managed policy infrafix knows"))?;
        let declaration = &self.resources()[role];
        if declaration.class.package == Package::Aws {
            self.no_exclusive_attachments(role, policy)?;
        }
        if self.makes_its_role_from_policies(declaration) {
            return self.add_to_listed_policies(role, policy, purpose, edits);
        }
        let Some(listed) = self.argument(declaration, "managedPolicyArns") else {
            if declaration.class.package == Package::Cdk {
                let props = self
                    .own_arguments(declaration)
                    .ok_or("the role's props are not an object literal of its own")?;
                let arn = self.managed_policy_arn(declaration.file, policy);
                edits.push(self.add_properties(props, &[("managedPolicyArns", Code::Array(vec![arn]))])?);
                return Ok(());
            }
            return self.new_policy_attachment(role, policy, purpose, edits);
        };
        let own_list = self
            .own_arguments(declaration)
            .is_some_and(|own| own.encloses(&listed.value))
            && kind_of(listed.value.node) == "array";
        if !own_list {
            return Err(format!(
                "role {} owns its managed policies through `managedPolicyArns`, written where infrafix cannot add to it for this role alone; add {} there",
                self.display_name(role),
                policy.name
            ));
        }
        let arn = self
            .managed_policy_arn(declaration.file, policy)
            .render(self.style(declaration.file), "", 0);
        let last = named_children(listed.value.node)
            .filter(|element| kind_of(element) != "comment")
            .last();
        edits.push(match last {
            Some(last) => self.insert_items_after(
                Located {
                    file: listed.value.file,
                    node: last,
                },
                &[arn],
            ),
            None => self.replace_node(listed.value, &format!("[{arn}]")),
        });
        Ok(())
    }

    /// A CallbackFunction attaches to the role it makes what its `policies` lists, and nothing
    /// else can be attached before its function exists: the policy goes into that list, as the
    /// list writes its other ARNs (text, or `aws.iam.ManagedPolicy` members). Only a list that
    /// serves this function alone: written in its arguments, or in a const nothing else reads.
    fn add_to_listed_policies(
        &self,
        function: usize,
        policy: &ManagedPolicy,
        purpose: &str,
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let declaration = &self.resources()[function];
        let name = self.display_name(function);
        let by_hand = || {
            format!(
                "{name}'s `policies` is not a list written for it alone, and a list other code reads would give every reader the policy; give {name} a list of its own with {} in it",
                policy.name
            )
        };
        let listed = self.argument(declaration, "policies").ok_or_else(by_hand)?.value;
        // A record names each attachment by its key (`${name}-${key}`): a new key, which no
        // existing attachment is named after, adds one and replaces none.
        let record = self
            .own_arguments(declaration)
            .filter(|own| own.encloses(&listed))
            .map(|_| self.unwrapped(listed))
            .filter(|written| kind_of(written.node) == "object");
        if let Some(record) = record {
            let key = name_from_logical_name(purpose)
                .filter(|key| self.surely_lacks(record, key))
                .ok_or_else(by_hand)?;
            let arn = self.managed_policy_arn(record.file, policy);
            edits.push(self.add_properties(record, &[(key.as_str(), arn)])?);
            return Ok(());
        }
        let list = self.policies_list_of_its_own(declaration, listed).ok_or_else(by_hand)?;
        let entries: Vec<_> = named_children(list.node)
            .filter(|entry| kind_of(*entry) != "comment")
            .collect();
        let as_text = !entries.is_empty()
            && entries
                .iter()
                .all(|entry| matches!(kind_of(*entry), "string" | "template_string"));
        let arn = match as_text {
            true => Code::text(policy.arn.clone()),
            false => self.managed_policy_arn(list.file, policy),
        }
        .render(self.style(list.file), "", 0);
        edits.push(match entries.last() {
            Some(&last) => self.insert_items_after(list.with(last), &[arn]),
            None => self.replace_node(list, &format!("[{arn}]")),
        });
        Ok(())
    }

    /// The array literal a function's `policies` value is, when it serves that function alone:
    /// written in its arguments, or held by a const that no code changes and that only this
    /// value reads (in the same file, or imported by its name into the function's file alone).
    fn policies_list_of_its_own(
        &self,
        function: &super::super::ResourceDecl<'tree>,
        listed: Located<'tree>,
    ) -> Option<Located<'tree>> {
        let listed = self.unwrapped(listed);
        if kind_of(listed.node) == "array" {
            return self.own_arguments(function)?.encloses(&listed).then_some(listed);
        }
        if kind_of(listed.node) != "identifier" {
            return None;
        }
        let value = self.const_value(listed)?;
        let list = self.unwrapped(value);
        if kind_of(list.node) != "array" || self.changed_in_place(listed, value) {
            return None;
        }
        let name = self.text(listed);
        let read_once = match list.file == listed.file {
            true => self.mentions(listed.file, name) == 2,
            // Declared once where it is written; imported and read once where the function is.
            false => self.mentions(list.file, name) == 1 && self.mentions(listed.file, name) == 2,
        };
        // A namespace import (`policies.auditPolicies`) names it as a property, which `mentions`
        // does not count: any other file spelling the name may read it.
        let elsewhere = (0..self.file_count())
            .filter(|&file| file != list.file && file != listed.file)
            .any(|file| self.file(file).text.contains(name));
        (read_once && !elsewhere).then_some(list)
    }

    /// `Err` when a resource of the program decides which managed policies the role holds (an
    /// `aws.iam.RolePolicyAttachmentsExclusive` for it), or which roles hold `policy` (an
    /// `aws.iam.PolicyAttachment` of it): any other attachment is detached again on the next update.
    fn no_exclusive_attachments(&self, role: usize, policy: &ManagedPolicy) -> Result<(), String> {
        let mut owners = Vec::new();
        if let Some(owner) = self.exclusive_owner(role, "RolePolicyAttachmentsExclusive") {
            owners.push(format!(
                "{owner} lists the role's managed policies (add {} to its `policyArns`)",
                policy.name
            ));
        }
        let attached_exclusively = self.resources().iter().enumerate().find(|(_, resource)| {
            resource.is_aws(&["iam", "PolicyAttachment"])
                && self.argument(resource, "policyArn").is_some_and(|arn| {
                    self.string_value(arn.value).as_deref() == Some(policy.arn.as_str())
                        || self
                            .text(arn.value)
                            .ends_with(&format!("ManagedPolicy.{}", policy.name))
                })
        });
        if let Some((owner, _)) = attached_exclusively {
            owners.push(format!(
                "{} owns every attachment of {} (add the role to its `roles`)",
                self.display_name(owner),
                policy.name
            ));
        }
        match owners.is_empty() {
            true => Ok(()),
            false => Err(format!(
                "{}; a new attachment would be detached, so change that by hand",
                owners.join(", and ")
            )),
        }
    }

    /// The resource of the program that owns every resource of `class` (`RolePoliciesExclusive`,
    /// `RolePolicyAttachmentsExclusive`) for the role, named for messages; one whose `roleName`
    /// infrafix cannot follow may be it.
    pub(super) fn exclusive_owner(&self, role: usize, class: &str) -> Option<String> {
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| resource.is_aws(&["iam", class]))
            .find(|(_, resource)| {
                self.argument(resource, "roleName").is_none_or(|name| {
                    self.denoted_resource(name.value)
                        .is_none_or(|named| named.resource == role)
                })
            })
            .map(|(owner, _)| self.display_name(owner))
    }

    /// `aws.iam.ManagedPolicy.<name>` as the file spells it; in a CDK app the ARN in the
    /// partition the stack deploys to (`` `arn:${cdk.Aws.PARTITION}:iam::aws:policy/…` ``);
    /// else the policy's ARN.
    fn managed_policy_arn(&self, file: usize, policy: &ManagedPolicy) -> Code {
        let member = PackageMember {
            package: Package::Aws,
            path: vec!["iam".to_owned(), "ManagedPolicy".to_owned(), policy.name.clone()],
        };
        let pseudo_parameters = PackageMember {
            package: Package::Cdk,
            path: vec!["Aws".to_owned()],
        };
        if let Some(spelled) = self.spelling_of(file, &member) {
            return Code::verbatim(spelled);
        }
        match (
            self.spelling_of(file, &pseudo_parameters),
            policy.arn.split_once(":iam::aws:policy/"),
        ) {
            (Some(aws), Some((_, path))) => {
                Code::verbatim(format!("`arn:${{{aws}.PARTITION}}:iam::aws:policy/{path}`"))
            }
            _ => Code::text(policy.arn.clone()),
        }
    }

    /// A RolePolicyAttachment of the policy, after the role's last attachment that comes before
    /// the first function running as the role (or after the role), in the role's file.
    fn new_policy_attachment(
        &self,
        role: usize,
        policy: &ManagedPolicy,
        purpose: &str,
        edits: &mut Vec<Edit>,
    ) -> Result<(), String> {
        let declaration = &self.resources()[role];
        let first_function = self
            .resources()
            .iter()
            .filter(|resource| {
                resource.file == declaration.file
                    && self.execution_role(resource) == Some(ExecutionRole::Declared(role))
            })
            .map(|resource| resource.statement.start_byte())
            .min()
            .unwrap_or(usize::MAX);
        let anchor = self
            .role_attachments(role)
            .into_iter()
            .map(|attachment| &self.resources()[attachment])
            .filter(|attachment| {
                attachment.file == declaration.file
                    && attachment.statement.parent() == declaration.statement.parent()
                    && attachment.statement.start_byte() < first_function
            })
            .max_by_key(|attachment| attachment.statement.start_byte())
            .unwrap_or(declaration);
        let role_name = self.name_resource_at(role, anchor.statement(), edits)?;
        let args = Code::object([
            ("role", Code::verbatim(format!("{role_name}.name"))),
            ("policyArn", self.managed_policy_arn(declaration.file, policy)),
        ]);
        let new = self.new_resource_beside(declaration, &["iam", "RolePolicyAttachment"], purpose, args)?;
        edits.push(self.insert_statement_after(anchor.statement(), &new.code, Some(&new.binding)));
        Ok(())
    }
}
