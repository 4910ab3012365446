//! IAM facts: the role a function runs as, and everything that attaches policy to a role.

use crate::syntax::{kind_of, named_descendants, Fields};
use foldhash::HashMap;
use tree_sitter::Node;

use super::factory_calls::FactoryCall;
use super::facts::MemberKind;
use super::policy::RoleInstance;
use super::repetition::InstanceCall;
use super::{Located, Package, Program, ResourceDecl, StringOrigin};
use crate::cloud::{DeadLetter, ResourceRef, WrittenArn};

/// The execution role of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionRole {
    /// A role declared in the program (index into [`Program::resources`]).
    Declared(usize),
    /// A role the program does not declare: an ARN from config or another stack, or an expression
    /// infrafix cannot follow. Rules never edit what they cannot see.
    Unknown,
}

/// How many consts and member reads `call_read_by` follows back to a call.
const MAX_CALL_HOPS: usize = 8;

/// The classes that attach policy to roles, and the argument that names the role(s).
const ATTACHMENTS: [(&str, &str); 4] = [
    ("RolePolicy", "role"),
    ("RolePolicyAttachment", "role"),
    ("PolicyAttachment", "roles"),
    ("RolePolicyAttachmentsExclusive", "roleName"),
];

/// The roles of the graph (see `role_instances`), the index of each, and the one each function
/// runs as, by its resource (`None`: a role infrafix cannot follow).
pub(super) struct RoleInstances {
    pub(super) roles: Vec<RoleInstance>,
    pub(super) index: HashMap<RoleInstance, usize>,
    pub(super) of_function: HashMap<usize, Option<RoleInstance>>,
}

/// Every attachment under each role it names; and, for a role a helper makes more than once, the
/// call of the helper whose role an attachment names, by (role, attachment).
pub(super) struct AttachmentsByRole {
    by_role: HashMap<usize, Vec<usize>>,
    through_call: HashMap<(usize, usize), InstanceCall>,
    /// Whether some attachment names a role infrafix cannot place (a parameter of a method, an
    /// element of an array filled by `push`): it may attach to any role made more than once.
    some_unplaced: bool,
}

impl<'tree> Program<'tree> {
    /// The role a Lambda function runs as; `None` for anything but a function, and for a function
    /// whose arguments name no role at all.
    pub fn execution_role(&self, function: &ResourceDecl<'tree>) -> Option<ExecutionRole> {
        if !function.is_lambda_function() {
            return None;
        }
        let role = self.argument(function, "role")?;
        Some(match self.denoted_resource(role.value) {
            Some(reference) if self.resources()[reference.resource].is_aws(&["iam", "Role"]) => {
                ExecutionRole::Declared(reference.resource)
            }
            _ => ExecutionRole::Unknown,
        })
    }

    /// For a function whose role is read from a parameter of the factory making it (`role:
    /// role.arn` in `makeFn(name, role)`) and whose calls do not all pass the same role: each
    /// call (see `FactoryCall`), with the role it passes (`None`: one infrafix cannot follow, `opts.role ??
    /// defaultRole`). Empty where `execution_role` answers for every call, or the role is not
    /// read from a parameter.
    pub(super) fn execution_role_per_call(
        &self,
        function: &ResourceDecl<'tree>,
    ) -> Vec<(FactoryCall<'tree>, Option<usize>)> {
        if self.execution_role(function) != Some(ExecutionRole::Unknown) {
            return Vec::new();
        }
        let Some(role) = self.argument(function, "role") else {
            return Vec::new();
        };
        self.passed_per_call(role.value)
            .unwrap_or_default()
            .into_iter()
            .map(|(call, role)| {
                let role = role
                    .map(|reference| reference.resource)
                    .filter(|&role| self.resources()[role].is_aws(&["iam", "Role"]));
                (call, role)
            })
            .collect()
    }

    /// For a function's dead-letter target read from a parameter of the factory making it
    /// (`targetArn: dlq.arn` in `makeFn(name, role, dlq)`): each call, with the ARN it names
    /// (`None`: one infrafix cannot follow). Empty where the target is not read from a parameter.
    pub(super) fn dead_letter_per_call(
        &self,
        function: &ResourceDecl<'tree>,
    ) -> Vec<(FactoryCall<'tree>, Option<ResourceRef>)> {
        let Some(target) = self.dead_letter_target(function) else {
            return Vec::new();
        };
        self.passed_per_call(target)
            .unwrap_or_default()
            .into_iter()
            .map(|(call, target)| (call, target.filter(|target| target.attribute.as_deref() == Some("arn"))))
            .collect()
    }

    /// The call of a factory whose result `value` reads (`fn.arn`, where `const fn =
    /// makeFn("ingest", role)`), through consts and member reads.
    pub(super) fn call_read_by(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        let mut at = self.unwrapped(value);
        for _ in 0..MAX_CALL_HOPS {
            match kind_of(at.node) {
                "member_expression" => at = at.with(at.node.field("object")?),
                "identifier" => at = self.initializer(at, true)?,
                "call_expression" => return Some(at),
                _ => return None,
            }
            at = self.unwrapped(at);
        }
        None
    }

    /// Whether a function is a `CallbackFunction` that makes its own role from the managed
    /// policies its `policies` lists: @pulumi/aws makes an `aws.iam.Role` for a CallbackFunction
    /// given no `role`, and attaches each policy `policies` lists (an array of ARNs, or in v7 a
    /// record of names to ARNs) and nothing else. Given neither, it attaches a default set of
    /// broad policies (AmazonSQSFullAccess among them) that no rule here finds lacking: that role
    /// is not modelled.
    pub(super) fn makes_its_role_from_policies(&self, function: &ResourceDecl<'tree>) -> bool {
        function.class.is(Package::Aws, &["lambda", "CallbackFunction"])
            && function
                .args()
                .is_some_and(|args| self.surely_lacks(args, "role") && self.property(args, "policies").is_some())
    }

    /// The ARNs a CallbackFunction's `policies` lists, one per policy attached to the role it
    /// makes: the elements of an array (written out, through consts and spreads, as
    /// `array_values` reads them), or the values of a record (`{ sqs: arn }`, v7). `None` when
    /// they are not all written out.
    pub(super) fn listed_policy_arns(&self, function: &ResourceDecl<'tree>) -> Option<Vec<Located<'tree>>> {
        let listed = self.argument(function, "policies")?.value;
        if let Some(arns) = self.array_values(listed) {
            return Some(arns);
        }
        let record = self.object_literal(listed)?;
        self.object_members(record)
            .iter()
            .filter(|member| member.kind != MemberKind::Comment)
            .map(|member| match &member.kind {
                MemberKind::Pair(key) | MemberKind::Shorthand(key) => Some(self.property(record, key)?.value),
                _ => None,
            })
            .collect()
    }

    /// Whether code reads the role a CallbackFunction makes (`fn.roleInstance`), where it may
    /// attach policies of its own to it; also where infrafix cannot tell which function's role
    /// it reads.
    pub(super) fn reads_made_role(&self, function: usize) -> bool {
        (0..self.file_count())
            .filter(|&file| self.file(file).text.contains("roleInstance"))
            .any(|file| {
                named_descendants(self.root(file)).any(|node| {
                    let at = Located { file, node };
                    let Some(object) = node
                        .field("object")
                        .filter(|_| kind_of(node) == "member_expression")
                        .filter(|_| {
                            node.field("property")
                                .is_some_and(|property| self.text(at.with(property)) == "roleInstance")
                        })
                    else {
                        return false;
                    };
                    self.denoted_resource(at.with(object))
                        .is_none_or(|reference| reference.resource == function)
                })
            })
    }

    /// The role a function runs as (`None` when it names none), and, for a role a helper makes
    /// more than once, which call's role (`role: auditRole.arn` after `const auditRole =
    /// makeRole("audit")`); `Some(None)` for a role infrafix cannot follow.
    fn function_role_instance(&self, function: &ResourceDecl<'tree>) -> Option<Option<RoleInstance>> {
        let ExecutionRole::Declared(role) = self.execution_role(function)? else {
            return Some(None);
        };
        // Asked in this order because most roles are read through no call at all.
        let call = self
            .instance_call(self.argument(function, "role")?.value)
            .filter(|_| self.instances(role) != Some(1));
        Some(Some((role, call)))
    }

    /// The graph's roles: one per role the program declares, and one more per call of a helper
    /// that makes a role more than once, for the functions running as that call's role; worked
    /// out once per pass.
    pub(super) fn role_instances(&self) -> &RoleInstances {
        self.memo.role_instances.get_or_init(|| {
            let mut roles: Vec<RoleInstance> = self
                .resources()
                .iter()
                .enumerate()
                .filter(|(_, resource)| resource.is_aws(&["iam", "Role"]))
                .map(|(index, _)| (index, None))
                .collect();
            let mut of_function = HashMap::default();
            for (index, resource) in self.resources().iter().enumerate() {
                let role = match self.makes_its_role_from_policies(resource) {
                    true => Some(Some((index, None))),
                    false => resource
                        .is_lambda_function()
                        .then(|| self.function_role_instance(resource))
                        .flatten(),
                };
                let Some(role) = role else {
                    continue;
                };
                // Roles the program declares are listed already; a role per call of a helper, or
                // the one a CallbackFunction makes (which stands for it by the function's index), not.
                if let Some(role) = role.filter(|&(of, call)| call.is_some() || of == index) {
                    if !roles.contains(&role) {
                        roles.push(role);
                    }
                }
                of_function.insert(index, role);
            }
            let index = roles
                .iter()
                .enumerate()
                .map(|(position, role)| (*role, position))
                .collect();
            RoleInstances {
                roles,
                index,
                of_function,
            }
        })
    }

    /// `Err` when functions run as particular instances of a role a helper makes more than once,
    /// through its calls (see `function_role_instance`): a policy created beside the role would
    /// reach every instance, granting each what one of them needs.
    pub(super) fn new_policies_reach_one_role(&self, role: usize) -> Result<(), String> {
        let split = self
            .role_instances()
            .roles
            .iter()
            .any(|&(of, instance)| of == role && instance.is_some());
        match split {
            true => Err(format!(
                "{} is made by a helper called, or a class constructed, more than once: a policy created beside it would reach every role it makes, not this function's alone",
                self.display_name(role)
            )),
            false => Ok(()),
        }
    }

    /// Where a function's failed events go, as far as the program shows.
    pub fn dead_letter(&self, function: &ResourceDecl<'tree>) -> DeadLetter {
        let Some(args) = function.args() else {
            return DeadLetter::Unknown;
        };
        if self.surely_lacks(args, "deadLetterConfig") {
            return DeadLetter::None;
        }
        let Some(target) = self.dead_letter_target(function) else {
            return DeadLetter::Unknown;
        };
        let is_arn = |reference: &ResourceRef| reference.attribute.as_deref() == Some("arn");
        // `deadLetterQueues[channel].arn`: each instance sends to its own instance of the queue
        // (judged per instance below), even where one declaration makes them all.
        let picked = self.reads_output_picked_per_iteration(target);
        if let Some(reference) = self.denoted_resource(target).filter(|_| !picked) {
            return match is_arn(&reference) {
                true => DeadLetter::Resource(reference),
                false => DeadLetter::Unknown,
            };
        }
        // ARN text of a queue or topic made elsewhere.
        if let Some(text) = self
            .arn_text(target)
            .filter(|text| matches!(text.service(), Some("sqs" | "sns")))
        {
            return DeadLetter::Text(WrittenArn {
                text,
                at: target.into(),
            });
        }
        // Instances naming different targets are judged one by one only against a role they all
        // share: the grants of a role made beside each (in the same loop or factory) would name
        // each one's target through the same code, and one answer per target would not hold.
        // A role made beside each instance (in the same run of the same loop or factory) is judged
        // as one role granting what each instance names: its grants are read as written, and a
        // new one names the function's own value. An attachment infrafix cannot place may grant
        // each instance's role its target from elsewhere: the roles are then not judged.
        let role = match self.execution_role(function) {
            Some(ExecutionRole::Declared(role)) => Some(role),
            _ => None,
        };
        let shared_role = role.is_some_and(|role| self.instances(role) == Some(1));
        let own_role = self
            .resource_at(Located {
                file: function.file,
                node: function.expression,
            })
            .is_some_and(|function| self.runs_as_a_role_made_beside(function));
        let per_instance: Option<Vec<ResourceRef>> = self
            .denoted_per_instance(target)
            .into_iter()
            .map(|reference| reference.filter(is_arn))
            .collect();
        match per_instance {
            Some(mut targets) if !targets.is_empty() && (shared_role || own_role) => {
                targets.sort_by_key(|reference| reference.resource);
                targets.dedup();
                match shared_role {
                    true => DeadLetter::PerInstance(targets),
                    false => DeadLetter::EachWithItsRole {
                        targets,
                        written: target.into(),
                    },
                }
            }
            _ => DeadLetter::Unknown,
        }
    }

    /// The `deadLetterConfig.targetArn` a function's arguments write (see `dead_letter_config`).
    pub(super) fn dead_letter_target(&self, function: &ResourceDecl<'tree>) -> Option<Located<'tree>> {
        let config = self.property(function.args()?, "deadLetterConfig")?;
        let config = self.dead_letter_config(config.value)?;
        Some(self.property(config, "targetArn")?.value)
    }

    /// The object a `deadLetterConfig` setting holds: an object literal, or the one side of
    /// `withDlq ? { targetArn: dlq.arn } : undefined` that sets one (where that side is taken,
    /// the role must be allowed to send to it; a grant on the other side is never used). Not
    /// where the condition tests a name the side reads (`dlq ? { targetArn: dlq.arn } : …`): the
    /// side reads it narrowed (defined), and a grant written outside could not name it so.
    fn dead_letter_config(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        let value = self.unwrapped(value);
        if kind_of(value.node) != "ternary_expression" {
            return self.object_literal(value);
        }
        let sides = [value.node.field("consequence")?, value.node.field("alternative")?].map(|side| value.with(side));
        let absent = |side: Located<'tree>| self.is_undefined(side) || kind_of(self.unwrapped(side).node) == "null";
        let object = match sides {
            [object, other] | [other, object] if absent(other) && !absent(object) => object,
            _ => return None,
        };
        let names = |node: Node<'tree>| {
            named_descendants(node)
                .filter(|name| matches!(kind_of(*name), "identifier" | "property_identifier" | "this"))
                .map(|name| self.text(value.with(name)))
                .collect::<Vec<_>>()
        };
        let tested = names(value.node.field("condition")?);
        let read = names(object.node);
        match tested.iter().any(|name| read.contains(name)) {
            true => None,
            false => self.object_literal(object),
        }
    }

    /// Whether a function runs as a role made beside it, by the same run of the same loop or
    /// factory, so that each instance has its own. An attachment infrafix cannot place may grant
    /// each instance's role from elsewhere: such roles are not judged instance by instance.
    pub(super) fn runs_as_a_role_made_beside(&self, function: usize) -> bool {
        !self.some_attachment_unplaced()
            && matches!(
                self.execution_role(&self.resources()[function]),
                Some(ExecutionRole::Declared(role)) if self.made_together(role, function)
            )
    }

    /// Whether some attachment names a role infrafix cannot place (see `AttachmentsByRole`).
    pub(super) fn some_attachment_unplaced(&self) -> bool {
        self.attachments_by_role().some_unplaced
    }

    /// The RolePolicy, RolePolicyAttachment, PolicyAttachment and RolePolicyAttachmentsExclusive
    /// resources that attach policy to a role, in program order. (A role's own `inlinePolicies` and `managedPolicyArns` are part of
    /// the role and need no ordering.)
    pub fn role_attachments(&self, role: usize) -> Vec<usize> {
        self.attachments_by_role()
            .by_role
            .get(&role)
            .cloned()
            .unwrap_or_default()
    }

    /// The attachments of one instance of a role (`instance`, see `instance_call`), or of all of
    /// them (`None`): an attachment that names the role through another call of the helper making
    /// it attaches to another role.
    pub fn role_instance_attachments(&self, role: usize, instance: Option<InstanceCall>) -> Vec<usize> {
        let mut attachments = self.role_attachments(role);
        if instance.is_some() {
            attachments.retain(|&attachment| {
                self.attachment_instance(role, attachment)
                    .is_none_or(|call| Some(call) == instance)
            });
        }
        attachments
    }

    /// The call of the helper whose role an attachment names, when the helper makes the role more
    /// than once and the attachment names one of them.
    pub(super) fn attachment_instance(&self, role: usize, attachment: usize) -> Option<InstanceCall> {
        self.attachments_by_role()
            .through_call
            .get(&(role, attachment))
            .copied()
    }

    /// Whether an attachment names more than one role of the program (`roles.forEach((r) => new
    /// aws.iam.RolePolicy(…, { role: r.id }))` over two roles): what it holds is every one's.
    pub(super) fn attached_to_several_roles(&self, attachment: usize) -> bool {
        self.attachments_by_role()
            .by_role
            .values()
            .filter(|attachments| attachments.contains(&attachment))
            .nth(1)
            .is_some()
    }

    fn attachments_by_role(&self) -> &AttachmentsByRole {
        self.memo
            .attachments_by_role
            .get_or_init(|| self.read_attachments_by_role())
    }

    /// Every attachment of the program under each role it names, read in one pass over the
    /// resources: every function, policy and event source of a role asks.
    fn read_attachments_by_role(&self) -> AttachmentsByRole {
        let roles_by_name = self.roles_by_fixed_name();
        let mut by_role: HashMap<usize, Vec<usize>> = HashMap::default();
        let mut through_call = HashMap::default();
        let mut some_unplaced = false;
        for (index, resource) in self.resources().iter().enumerate() {
            let Some((_, argument)) = ATTACHMENTS.iter().find(|(class, _)| resource.is_aws(&["iam", class])) else {
                continue;
            };
            // A policy that may not exist attaches nothing to count on or wait for.
            if self.is_conditional(index) {
                continue;
            }
            let Some(value) = self.argument(resource, argument) else {
                continue;
            };
            let named: Vec<Located<'tree>> = match kind_of(value.value.node) {
                "array" => super::named_children(value.value.node)
                    .map(|node| Located {
                        file: value.value.file,
                        node,
                    })
                    .collect(),
                _ => vec![value.value],
            };
            let mut roles: Vec<usize> = Vec::new();
            for at in named {
                for role in self.roles_named_by(at, &roles_by_name) {
                    // Which instance of a role made more than once the attachment names.
                    if let Some(call) = self.instance_call(at).filter(|_| self.instances(role) != Some(1)) {
                        through_call.insert((role, index), call);
                    }
                    roles.push(role);
                }
            }
            roles.sort_unstable();
            roles.dedup();
            some_unplaced |= roles.is_empty();
            for role in roles {
                by_role.entry(role).or_default().push(index);
            }
        }
        AttachmentsByRole {
            by_role,
            through_call,
            some_unplaced,
        }
    }

    /// The roles an attachment's `role` value names: the role it refers to (`role.name`,
    /// `role.id`), or, for a plain string (`"svc-role"`, a const holding it), the role declared
    /// with that fixed `name`, which AWS treats as the same role.
    fn roles_named_by(&self, at: Located<'tree>, roles_by_name: &HashMap<String, usize>) -> Vec<usize> {
        if let Some(reference) = self.denoted_resource(at) {
            return vec![reference.resource];
        }
        // `r.name` in a loop over roles that are not all the same: each element's role.
        let role = match kind_of(at.node) {
            "member_expression" => at.node.field("object").map_or(at, |object| at.with(object)),
            _ => at,
        };
        let each: Option<Vec<usize>> = self
            .denoted_by_each_element(self.unwrapped(role), 0)
            .into_iter()
            .map(|reference| reference.map(|reference| reference.resource))
            .collect();
        if let Some(roles) = each.filter(|roles| !roles.is_empty()) {
            return roles;
        }
        self.string_origins(at)
            .into_iter()
            .filter_map(|origin| match origin {
                StringOrigin::Literal { value, .. } => roles_by_name.get(&value).copied(),
                StringOrigin::PackageMember { .. } => None,
            })
            .collect()
    }

    /// The roles the program declares with a fixed `name`, by that name.
    fn roles_by_fixed_name(&self) -> HashMap<String, usize> {
        let mut by_name = HashMap::default();
        for (index, resource) in self.resources().iter().enumerate() {
            if !resource.is_aws(&["iam", "Role"]) {
                continue;
            }
            let Some(name) = self.argument(resource, "name") else {
                continue;
            };
            if let [StringOrigin::Literal { value, .. }] = self.string_origins(name.value).as_slice() {
                by_name
                    .entry(value.clone())
                    .and_modify(|role: &mut Option<usize>| *role = None)
                    .or_insert(Some(index));
            }
        }
        // Two roles declared with one name (one of them fails to deploy) name neither.
        by_name
            .into_iter()
            .filter_map(|(name, role)| Some((name, role?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontends::typescript::test_support::with_program;

    fn role_of(program: &Program, function_name: &str) -> Option<ExecutionRole> {
        let function = program
            .resources()
            .iter()
            .find(|r| {
                r.is_aws(&["lambda", "Function"])
                    && program
                        .text(Located {
                            file: r.file,
                            node: r.logical_name.expect("named"),
                        })
                        .contains(function_name)
            })
            .expect("function present");
        program.execution_role(function)
    }

    #[test]
    fn finds_roles_across_modules_fields_and_apply_callbacks() {
        let iam = "import * as aws from \"@pulumi/aws\";\nexport const role = new aws.iam.Role(\"r\", { assumeRolePolicy: \"{}\" });\nexport const roleArn = role.arn;\n";
        let index = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nimport { role, roleArn } from \"./iam\";\n\
new aws.lambda.Function(\"direct\", { role: role.arn });\n\
new aws.lambda.Function(\"via-const\", { role: roleArn });\n\
new aws.lambda.Function(\"via-apply\", { role: pulumi.all([role.arn]).apply(([arn]) => arn) });\n\
new aws.lambda.Function(\"from-config\", { role: new pulumi.Config().require(\"roleArn\") });\n\
new aws.iam.RolePolicyAttachment(\"basic\", { role: role.name, policyArn: \"arn\" });\n\
new aws.iam.PolicyAttachment(\"shared\", { roles: [role], policyArn: \"arn\" });\n\
new aws.iam.RolePolicy(\"other\", { role: \"someone-else\", policy: \"{}\" });\n";
        with_program(&[("index.ts", index), ("iam.ts", iam)], |program| {
            let role = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["iam", "Role"]))
                .expect("role");
            for name in ["direct", "via-const", "via-apply"] {
                assert_eq!(role_of(program, name), Some(ExecutionRole::Declared(role)), "{name}");
            }
            assert_eq!(role_of(program, "from-config"), Some(ExecutionRole::Unknown));
            let attached: Vec<String> = program
                .role_attachments(role)
                .into_iter()
                .map(|i| {
                    program
                        .text(Located {
                            file: program.resources()[i].file,
                            node: program.resources()[i].logical_name.expect("named"),
                        })
                        .to_owned()
                })
                .collect();
            assert_eq!(attached, vec!["\"basic\"", "\"shared\""]);
        });
    }

    #[test]
    fn finds_roles_held_in_class_fields() {
        let text = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
class Service extends pulumi.ComponentResource {\n  role: aws.iam.Role;\n  constructor(name: string) {\n    super(\"s\", name);\n\
    this.role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: \"{}\" });\n\
    new aws.lambda.Function(`${name}-fn`, { role: this.role.arn });\n  }\n}\n";
        with_program(&[("index.ts", text)], |program| {
            let role = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["iam", "Role"]))
                .expect("role");
            assert_eq!(role_of(program, "fn"), Some(ExecutionRole::Declared(role)));
        });
    }

    /// Whether each CallbackFunction's role may poll `jobs`, by the function's variable; `None`
    /// for a function running as no role of the graph.
    fn may_poll(files: &[(&str, &str)], name: &str) -> Option<crate::cloud::Answer> {
        crate::frontends::typescript::test_support::may_receive_from(files, name, "jobs", |role| match role {
            crate::cloud::FunctionRole::Declared(role) => Some(role),
            _ => None,
        })
    }

    #[test]
    fn a_callback_function_runs_as_a_role_holding_what_its_policies_list() {
        use crate::cloud::Answer;
        let shared = "import * as aws from \"@pulumi/aws\";\n\
export const base = [aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole];\n";
        let index = "import * as aws from \"@pulumi/aws\";\nimport { base } from \"./shared\";\nimport { grantQueues } from \"@acme/grants\";\n\
const jobs = new aws.sqs.Queue(\"jobs\");\n\
const spread = new aws.lambda.CallbackFunction(\"spread\", { policies: [...base, aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole], callback: async () => {} });\n\
const text = new aws.lambda.CallbackFunction(\"text\", { policies: { poll: \"arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\" }, callback: async () => {} });\n\
const basic = new aws.lambda.CallbackFunction(\"basic\", { policies: base, callback: async () => {} });\n\
const extended = new aws.lambda.CallbackFunction(\"extended\", { policies: base, callback: async () => {} });\n\
new aws.iam.RolePolicyAttachment(\"extended-poll\", { role: extended.roleInstance!, policyArn: aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole });\n\
const handed = new aws.lambda.CallbackFunction(\"handed\", { policies: base, callback: async () => {} });\n\
grantQueues(handed.roleInstance!);\n\
const fromConfig = new aws.lambda.CallbackFunction(\"from-config\", { policies: JSON.parse(process.env.POLICIES ?? \"[]\"), callback: async () => {} });\n\
const defaults = new aws.lambda.CallbackFunction(\"defaults\", { callback: async () => {} });\n";
        let files = [("index.ts", index), ("shared.ts", shared)];
        assert_eq!(may_poll(&files, "spread"), Some(Answer::Allowed));
        assert_eq!(may_poll(&files, "text"), Some(Answer::Allowed));
        assert_eq!(may_poll(&files, "basic"), Some(Answer::NotAllowed));
        // An attachment naming the role it makes reaches it; code that reads the role where
        // infrafix does not follow may attach anything, and so may a list not written out.
        assert_eq!(may_poll(&files, "extended"), Some(Answer::Allowed));
        assert_eq!(may_poll(&files, "handed"), Some(Answer::Unreadable));
        assert_eq!(may_poll(&files, "fromConfig"), Some(Answer::Unreadable));
        // The default set is not modelled.
        assert_eq!(may_poll(&files, "defaults"), None);
    }
}
