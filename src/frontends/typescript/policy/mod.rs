//! IAM policy documents in every form a program writes them (object literals in `JSON.stringify`
//! or `pulumi.jsonStringify`, also inside `.apply` callbacks; JSON text in strings, template
//! literals and `pulumi.interpolate`; `aws.iam.getPolicyDocumentOutput`; `aws.iam.Policy`
//! resources), read into the statements the policy evaluator (`cloud::policy`) judges, and
//! edited each in its own form.

mod arn_pattern;
mod edit;
mod object_form;
mod text_form;

use crate::syntax::{kind_of, Fields};
use std::ops::Range;

pub use edit::NewStatement;

use super::callbacks::AllCallback;
use super::repetition::InstanceCall;
use super::{Located, Package, Program, ResourceBinding};
use crate::aws::managed_policies::{self, ManagedPolicy};
use crate::cloud::{ArnValues, Malformed, PhysicalName, PolicyStatement, ResourceTarget};

/// A statement as written: what it grants, and where its parts are.
#[derive(Debug, Clone)]
pub struct Statement<'tree> {
    pub grant: PolicyStatement,
    place: StatementPlace<'tree>,
    /// Outputs its Resource writes as Pulumi's placeholder text, not their values.
    outputs_as_text: Vec<OutputAsText>,
}

/// An Output a Resource writes as Pulumi's placeholder text: read whole where the document is
/// plain text (`dlq.arn` inside `JSON.stringify` or a template literal), or part of ARN text a
/// plain template or `+` writes (`` `${dlq.arn}/*` ``) in any document.
#[derive(Debug, Clone)]
struct OutputAsText {
    /// The Output as written: `dlq.arn`.
    output: String,
    /// The ARN text it is part of, when it is part of one.
    within: Option<WrittenWithin>,
}

/// ARN text an Output is written into.
#[derive(Debug, Clone)]
struct WrittenWithin {
    /// As written: `` `${dlq.arn}/*` ``, `"arn:aws:sqs:…:" + dlq.name`.
    text: String,
    /// Joined by `+`, not a template literal.
    concatenated: bool,
    /// The text begins with the placeholder, not `arn:`: IAM refuses the policy.
    refused: bool,
}

/// Where a statement's parts are, for edits.
#[derive(Debug, Clone)]
enum StatementPlace<'tree> {
    /// An object literal: its `Action`/`Resource` values.
    Object {
        actions: Option<Located<'tree>>,
        resources: Option<Located<'tree>>,
    },
    /// JSON text: byte ranges of its `Action`/`Resource` values.
    Text {
        file: usize,
        actions: Option<Range<usize>>,
        resources: Option<Range<usize>>,
    },
}

/// How the document's keys are spelt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    /// `Effect`, `Action`, `Resource` (JSON policy grammar).
    Json,
    /// `effect`, `actions`, `resources` (`getPolicyDocumentOutput` statements).
    PolicyDocumentArgs,
}

/// How a resource output (an ARN) can be written into the document.
#[derive(Debug, Clone, Copy)]
enum OutputContext<'tree> {
    /// Inputs go in as they are: `pulumi.jsonStringify`, a PolicyDocument object,
    /// `getPolicyDocumentOutput`, `pulumi.interpolate`.
    Direct,
    /// `JSON.stringify(…)` outside any callback: it becomes `pulumi.jsonStringify(…)`.
    JsonStringify { callee: Located<'tree> },
    /// Inside `pulumi.all([…]).apply(([a, b]) => …)`: outputs come in as callback parameters.
    AllCallback(AllCallback<'tree>),
    /// Outputs cannot be added in place (a plain string, `x.apply(a => …)`, `getPolicyDocument`).
    Closed,
}

/// A policy document found in the program.
#[derive(Debug, Clone)]
pub struct PolicyDocument<'tree> {
    pub statements: Vec<Statement<'tree>>,
    place: DocumentPlace<'tree>,
    keys: Keys,
    context: OutputContext<'tree>,
    /// Reached through a `const` that something else reads too: an edit here would change that
    /// other use as well, so the document is only read, never extended.
    pub shared: bool,
    /// The document itself (object literal or JSON text): names it gains must be visible here.
    pub at: Located<'tree>,
    /// Why the document does not grant what it names (see [`Program::placeholder_outputs`]),
    /// when it does not.
    pub malformed: Option<Malformed>,
}

/// What turns a document into text, and so how an Output in it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Serializer {
    /// `JSON.stringify(…)`: an Output's `toJSON`.
    JsonStringify,
    /// A template literal that is not `pulumi.interpolate`: an Output's `toString`.
    Template,
    /// What reads the Outputs in it (`pulumi.jsonStringify`, `getPolicyDocumentOutput`, a
    /// policy object): only text built before it is written wrong.
    ReadsOutputs,
}

impl<'tree> Program<'tree> {
    /// Why a document (written at `at`) whose statements write outputs as Pulumi's placeholder
    /// text grants nothing where they are, naming those outputs and how to write their values;
    /// `None` when none does. An Output the serializer meets whole makes IAM refuse the policy
    /// ("Resource … must be in ARN format"), as does ARN text that begins with one; ARN text that
    /// begins `arn:` is taken and names nothing.
    fn placeholder_outputs(
        &self,
        statements: &[Statement],
        serializer: Serializer,
        at: Located<'tree>,
    ) -> Option<Malformed> {
        let outputs: Vec<&OutputAsText> = statements
            .iter()
            .flat_map(|statement| &statement.outputs_as_text)
            .collect();
        let whole: Vec<&str> = outputs
            .iter()
            .filter(|output| output.within.is_none())
            .map(|output| output.output.as_str())
            .collect();
        let in_callback = self.ancestors(at).into_iter().any(|node| {
            self.method_receiving(at.with(node))
                .is_some_and(|(_, method)| method == "apply")
        });
        if !whole.is_empty() {
            let (read, unwrap) = match in_callback {
                true => (
                    " read inside the `.apply` callback without being its parameter",
                    "hand it to `pulumi.all([…])` and write the callback's parameter there, or ",
                ),
                false => ("", ""),
            };
            let (writer, method, instead) = match serializer {
                Serializer::Template => ("the template literal", "toString", "`pulumi.interpolate`"),
                _ => ("`JSON.stringify`", "toJSON", "`pulumi.jsonStringify`"),
            };
            let (named, are) = named_outputs(&whole);
            return Some(Malformed {
                why: format!(
                    "grants nothing: {named} {are}{read}, so {writer} writes Pulumi's \"Calling [{method}] on an [Output<T>] is not supported\" text where its value belongs, and IAM refuses the policy (\"Resource … must be in ARN format\"); {unwrap}build the document with {instead}"
                ),
                refused: true,
            });
        }
        // One text is named: a refused one first, since the whole policy then grants nothing.
        let within = outputs
            .iter()
            .filter_map(|output| output.within.as_ref())
            .max_by_key(|within| within.refused)?;
        let parts: Vec<&str> = outputs
            .iter()
            .filter(|output| output.within.as_ref().is_some_and(|other| other.text == within.text))
            .map(|output| output.output.as_str())
            .collect();
        let (named, are) = named_outputs(&parts);
        let text = code_span(&compact(&within.text));
        let (grants, writer) = match (within.refused, within.concatenated) {
            (true, true) => ("grants nothing".to_owned(), format!("`+` in {text}")),
            (true, false) => ("grants nothing".to_owned(), format!("the template literal {text}")),
            (false, true) => (format!("grants nothing on {text}"), "`+`".to_owned()),
            (false, false) => (format!("grants nothing on {text}"), "the template literal".to_owned()),
        };
        let outcome = match within.refused {
            true => "and IAM refuses the policy (\"Resource … must be in ARN format\")",
            false => "and the ARN names nothing the program makes",
        };
        let unwrap = match (serializer, in_callback) {
            (Serializer::JsonStringify, true) => "hand it to `pulumi.all([…])` and write the callback's parameter there, or write the ARN with `pulumi.interpolate` and build the document with `pulumi.jsonStringify`",
            (Serializer::JsonStringify, false) => "write the ARN with `pulumi.interpolate` and build the document with `pulumi.jsonStringify`",
            (_, true) => "hand it to `pulumi.all([…])` and write the callback's parameter there, or write the ARN with `pulumi.interpolate`",
            (_, false) => "write the ARN with `pulumi.interpolate`",
        };
        Some(Malformed {
            why: format!(
                "{grants}: {named} {are}, so {writer} writes Pulumi's \"Calling [toString] on an [Output<T>] is not supported\" text where its value belongs, {outcome}; {unwrap}"
            ),
            refused: within.refused,
        })
    }
}

/// Outputs named in a message, and the verb that agrees with them.
fn named_outputs(outputs: &[&str]) -> (String, &'static str) {
    let named: Vec<String> = outputs.iter().map(|output| format!("`{}`", compact(output))).collect();
    match named.as_slice() {
        [one] => (one.clone(), "is an Output"),
        _ => (named.join(", "), "are Outputs"),
    }
}

/// Code quoted as Markdown does, also code holding backticks (a template literal).
fn code_span(code: &str) -> String {
    match code.contains('`') {
        true => format!("`` {code} ``"),
        false => format!("`{code}`"),
    }
}

/// Code as one line: its runs of white space made one space.
fn compact(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where new statements go.
#[derive(Debug, Clone)]
enum DocumentPlace<'tree> {
    /// The `Statement` array literal (or `statements` of getPolicyDocumentOutput).
    Object { statements: Option<Located<'tree>> },
    /// The byte range of the `Statement` array in JSON text.
    Text {
        file: usize,
        statements: Option<Range<usize>>,
    },
}

/// A document attached to a role, and what holds it.
#[derive(Debug, Clone)]
pub struct RoleDocument<'tree> {
    /// The resource holding the document: a RolePolicy, an aws.iam.Policy, or the role itself
    /// (`inlinePolicies`).
    pub owner: usize,
    pub document: PolicyDocument<'tree>,
}

/// Every policy that reaches a role.
#[derive(Debug, Clone, Default)]
pub struct RolePolicies<'tree> {
    pub documents: Vec<RoleDocument<'tree>>,
    pub managed: Vec<&'static ManagedPolicy>,
    /// Policies that reach the role but that infrafix cannot read.
    pub unreadable: usize,
}

/// The policies reaching each role, read once per pass: the graph and every fix for the role
/// read them.
#[derive(Default)]
pub struct PolicyCache<'tree>(std::cell::RefCell<foldhash::HashMap<RoleInstance, std::rc::Rc<RolePolicies<'tree>>>>);

/// A role, and which of the instances of its declaration (see `Program::instance_call`): `None`
/// for all of them.
pub type RoleInstance = (usize, Option<InstanceCall>);

impl<'tree> Program<'tree> {
    /// [`Program::role_policies`], read once per cache.
    pub fn cached_role_policies(
        &self,
        cache: &PolicyCache<'tree>,
        role: RoleInstance,
    ) -> std::rc::Rc<RolePolicies<'tree>> {
        if let Some(known) = cache.0.borrow().get(&role) {
            return std::rc::Rc::clone(known);
        }
        let policies = std::rc::Rc::new(self.role_policies(role));
        cache.0.borrow_mut().insert(role, std::rc::Rc::clone(&policies));
        policies
    }
}

impl<'tree> Program<'tree> {
    /// Every policy that reaches a role (one instance of it, or all): its inline policies and
    /// managed policy ARNs, RolePolicy, RolePolicyAttachment, PolicyAttachment and
    /// RolePolicyAttachmentsExclusive resources naming it.
    pub fn role_policies(&self, (role, instance): RoleInstance) -> RolePolicies<'tree> {
        let mut policies = RolePolicies::default();
        let declaration = &self.resources()[role];
        if let Some(inline) = self.argument(declaration, "inlinePolicies") {
            // A CfnRole's entries are `{ policyName, policyDocument }`.
            let document_key = match declaration.class.package {
                Package::Cdk => "policyDocument",
                _ => "policy",
            };
            for entry in self.list_elements(inline.value) {
                match self
                    .object_literal(entry)
                    .and_then(|object| self.property(object, document_key))
                {
                    Some(policy) => self.add_document(&mut policies, role, policy.value, false),
                    None => policies.unreadable += 1,
                }
            }
        }
        if declaration.class.package == Package::Cdk && self.is_handed_to_l2_code(role) {
            policies.unreadable += 1;
        }
        if self.makes_its_role_from_policies(declaration) {
            match self.listed_policy_arns(declaration) {
                Some(arns) => {
                    for arn in arns {
                        self.add_policy_arn(&mut policies, arn, true);
                    }
                }
                None => policies.unreadable += 1,
            }
            // What code attaches to the role itself, or to a role infrafix cannot place, may be
            // anything.
            if self.reads_made_role(role) || self.some_attachment_unplaced() {
                policies.unreadable += 1;
            }
        }
        if let Some(managed) = self.argument(declaration, "managedPolicyArns") {
            for arn in self.list_elements(self.written_value(managed.value)) {
                self.add_policy_arn(&mut policies, arn, true);
            }
        }
        for attachment in self.role_instance_attachments(role, instance) {
            let resource = &self.resources()[attachment];
            // One made under a condition neither the role nor its functions are under may be
            // missing where they are made: it grants nothing the rules count on, as
            // CloudFormation's under a Condition.
            if resource.args().is_none() || !self.exists_wherever_role_is_used(attachment, role) {
                continue;
            }
            if resource.is_aws(&["iam", "RolePolicy"]) {
                // A CfnPolicy's document is also that of every other role, user and group it lists.
                let others = !self.names_only_one_role(resource) || self.attached_to_several_roles(attachment);
                match self.argument(resource, "policy") {
                    Some(policy) => self.add_document(&mut policies, attachment, policy.value, others),
                    None => policies.unreadable += 1,
                }
            } else if resource.is_aws(&["iam", "RolePolicyAttachmentsExclusive"]) {
                // It attaches every ARN it lists to this role alone; a list infrafix cannot read
                // may attach anything.
                match self
                    .argument(resource, "policyArns")
                    .and_then(|arns| self.array_values(arns.value))
                {
                    Some(arns) => {
                        for arn in arns {
                            self.add_policy_arn(&mut policies, arn, true);
                        }
                    }
                    None => policies.unreadable += 1,
                }
            } else if resource.is_aws(&["iam", "Policy"]) {
                // A CfnManagedPolicy attaching itself through `roles`: read, never extended, since
                // any role may also list its ARN.
                match self.argument(resource, "policy") {
                    Some(policy) => self.add_document(&mut policies, attachment, policy.value, true),
                    None => policies.unreadable += 1,
                }
            } else {
                // A PolicyAttachment may list other roles, users and groups beside this role.
                let sole_holder =
                    resource.is_aws(&["iam", "RolePolicyAttachment"]) && !self.attached_to_several_roles(attachment);
                match self.argument(resource, "policyArn") {
                    Some(arn) => self.add_policy_arn(&mut policies, arn.value, sole_holder),
                    None => policies.unreadable += 1,
                }
            }
        }
        policies
    }

    /// Whether a policy of `role` made where `attachment` is (the policy, or a function a new
    /// policy would go right before) exists wherever the role does, or at least wherever each
    /// function running as it does (a policy and a function under one `if`). Only such a policy
    /// is read as granting.
    pub(super) fn exists_wherever_role_is_used(&self, attachment: usize, role: usize) -> bool {
        if self.exists_wherever(attachment, role) {
            return true;
        }
        let mut functions = self
            .role_instances()
            .of_function
            .iter()
            .filter(|(_, instance)| instance.is_some_and(|(of, _)| of == role))
            .map(|(function, _)| *function)
            .peekable();
        functions.peek().is_some() && functions.all(|function| self.exists_wherever(attachment, function))
    }

    /// `shared`: the document also serves other principals, so it is only read.
    fn add_document(&self, policies: &mut RolePolicies<'tree>, owner: usize, value: Located<'tree>, shared: bool) {
        match self.policy_document(value) {
            Some(document) => policies.documents.push(RoleDocument {
                owner,
                document: PolicyDocument {
                    shared: shared || document.shared || !self.written_in_own_arguments(owner, value),
                    ..document
                },
            }),
            None => policies.unreadable += 1,
        }
    }

    /// Whether an inline policy resource names one role and nothing else: a Pulumi RolePolicy's
    /// `role`, a CfnRolePolicy's `roleName`, a CfnPolicy whose `roles` list one and that lists no
    /// `users` or `groups`.
    fn names_only_one_role(&self, policy: &super::ResourceDecl<'tree>) -> bool {
        if policy.class.package != Package::Cdk || policy.prop_name("role") != "roles" {
            return true;
        }
        let one_role = self
            .argument(policy, "role")
            .is_some_and(|roles| kind_of(roles.value.node) == "array" && self.list_elements(roles.value).len() == 1);
        one_role
            && ["users", "groups"]
                .iter()
                .all(|other| self.argument(policy, other).is_none())
    }

    /// Whether `value` is written inside `owner`'s own arguments (see `own_arguments`).
    fn written_in_own_arguments(&self, owner: usize, value: Located<'tree>) -> bool {
        self.own_arguments(&self.resources()[owner])
            .is_some_and(|args| args.encloses(&value))
    }

    /// Whether an `aws.iam.Policy` serves one role at most: bound to a `const` of its file that is
    /// not exported and is read once (by the one attachment).
    fn attached_once(&self, policy: usize) -> bool {
        let declaration = &self.resources()[policy];
        let ResourceBinding::Variable { name, exported: false } = &declaration.binding else {
            return false;
        };
        self.mentions(declaration.file, name) == 2
    }

    /// A policy ARN: an AWS managed policy infrafix knows, or an `aws.iam.Policy` of the program.
    /// `sole_holder`: what attaches it attaches it to this role alone.
    pub(super) fn add_policy_arn(&self, policies: &mut RolePolicies<'tree>, arn: Located<'tree>, sole_holder: bool) {
        let managed_name = match self.package_member(arn) {
            Some(member) if member.path.len() == 3 && member.path[..2] == ["iam", "ManagedPolicy"] => {
                Some(member.path[2].clone())
            }
            _ => self
                .string_origins(arn)
                .into_iter()
                .find_map(|origin| match origin {
                    super::StringOrigin::Literal { value, .. } => Some(value),
                    super::StringOrigin::PackageMember { .. } => None,
                })
                .or_else(|| aws_managed_policy_arn(self.text(self.written_value(arn)))),
        };
        if let Some(policy) = managed_name.as_deref().and_then(managed_policies::find) {
            policies.managed.push(policy);
            return;
        }
        let customer = self
            .denoted_resource(arn)
            .filter(|reference| self.resources()[reference.resource].is_aws(&["iam", "Policy"]));
        let document = customer.and_then(|reference| {
            let value = self.argument(&self.resources()[reference.resource], "policy")?.value;
            let document = self.policy_document(value)?;
            let shared = document.shared
                || !sole_holder
                || !self.written_in_own_arguments(reference.resource, value)
                || !self.attached_once(reference.resource);
            Some(RoleDocument {
                owner: reference.resource,
                document: PolicyDocument { shared, ..document },
            })
        });
        match document {
            Some(document) => policies.documents.push(document),
            None => policies.unreadable += 1,
        }
    }

    /// The document a `policy` value holds, in any of the forms infrafix reads.
    pub fn policy_document(&self, value: Located<'tree>) -> Option<PolicyDocument<'tree>> {
        self.read_policy(value, OutputContext::Direct, false, 0)
    }

    /// The elements of an array literal, or the value itself when it is not one. The values a
    /// `pulumi.all([a.arn, b.arn]).apply((arns) => …)` callback receives are read as that array
    /// lists them: `arns` whole, spread (`[...arns, c.arn]`) or one of them (`arns[1]`).
    fn list_elements(&self, value: Located<'tree>) -> Vec<Located<'tree>> {
        let value = self.callback_list(value).unwrap_or(value);
        match kind_of(value.node) {
            "array" => super::named_children(value.node)
                .filter(|element| kind_of(element) != "comment")
                .flat_map(|node| {
                    let element = value.with(node);
                    let spread = (kind_of(node) == "spread_element")
                        .then(|| node.named_child(0))
                        .flatten()
                        .and_then(|spread| self.callback_list(value.with(spread)));
                    match spread {
                        Some(list) => self.list_elements(list),
                        None => vec![self.callback_list_member(element)],
                    }
                })
                .collect(),
            _ => vec![self.callback_list_member(value)],
        }
    }

    /// The array handed to `pulumi.all` that a callback's parameter receives.
    fn callback_list(&self, value: Located<'tree>) -> Option<Located<'tree>> {
        (kind_of(value.node) == "identifier")
            .then(|| self.callback_parameter_source(value))
            .flatten()
            .filter(|source| kind_of(source.node) == "array")
    }

    /// `arns[1]` of such a parameter as the element it is; any other value as it is.
    fn callback_list_member(&self, value: Located<'tree>) -> Located<'tree> {
        let element = (kind_of(value.node) == "subscript_expression")
            .then(|| {
                let list = self.callback_list(value.with(value.node.field("object")?))?;
                let index: usize = self.text(value.with(value.node.field("index")?)).parse().ok()?;
                super::named_children(list.node)
                    .filter(|element| kind_of(element) != "comment")
                    .nth(index)
                    .filter(|element| kind_of(*element) != "spread_element")
                    .map(|element| list.with(element))
            })
            .flatten();
        element.unwrap_or(value)
    }
}

/// The AWS managed policy an expression names in the partition it deploys to, as its ARN in the
/// commercial partition (an AWS managed policy allows the same in every partition):
/// `` `arn:${Aws.PARTITION}:iam::aws:policy/service-role/X` ``, `Fn.sub("arn:${AWS::Partition}:…")`,
/// `ManagedPolicy.fromAwsManagedPolicyName("service-role/X").managedPolicyArn`. The path is kept:
/// `AWSLambdaSQSQueueExecutionRole` without its `service-role/` names no policy, and CloudFormation
/// refuses to attach it.
pub(in crate::frontends::typescript) fn aws_managed_policy_arn(expression: &str) -> Option<String> {
    let path = match expression.split_once("fromAwsManagedPolicyName(") {
        Some((_, rest)) => rest.trim_start().strip_prefix(['"', '\'', '`'])?,
        None => expression.split_once(":iam::aws:policy/")?.1,
    };
    let path = &path[..path.find(['"', '\'', '`'])?];
    let named = path.rsplit('/').next().is_some_and(|name| !name.is_empty());
    (!path.contains("${") && named).then(|| managed_policy_arn(path))
}

/// The ARN of the AWS managed policy at `path` (`service-role/AWSLambdaSQSQueueExecutionRole`),
/// in the commercial partition.
pub(in crate::frontends::typescript) fn managed_policy_arn(path: &str) -> String {
    format!("arn:aws:iam::aws:policy/{path}")
}

impl Program<'_> {
    /// A queue or topic of the program as policies name it: `None` for any other resource.
    pub fn resource_target(&self, resource: usize) -> Option<ResourceTarget> {
        let declared = &self.resources()[resource];
        let service = if declared.is_aws(&["sqs", "Queue"]) {
            "sqs"
        } else if declared.is_aws(&["sns", "Topic"]) {
            "sns"
        } else {
            return None;
        };
        Some(ResourceTarget {
            resource,
            service,
            name: self.physical_name(resource),
            instance: None,
            // How a program names the values its ARN is built from, infrafix does not read.
            arn_values: ArnValues::default(),
        })
    }

    /// What the program says of a resource's physical name: its `name`, its `namePrefix`, or
    /// the logical name Pulumi derives it from. CloudFormation derives a CDK resource's from the
    /// stack and a hashed construct path, which the app does not write.
    fn physical_name(&self, resource: usize) -> PhysicalName {
        let declared = &self.resources()[resource];
        let single_literal = |property: &str| {
            let value = self.argument(declared, property)?.value;
            match self.string_origins(value).as_slice() {
                [super::StringOrigin::Literal { value, .. }] => Some(value.clone()),
                _ => None,
            }
        };
        let written = |property: &str| self.argument(declared, property).is_some();
        if written("name") {
            return single_literal("name").map_or(PhysicalName::Unknown, PhysicalName::Fixed);
        }
        if declared.class.package == Package::Cdk {
            return PhysicalName::Unknown;
        }
        if written("namePrefix") {
            return single_literal("namePrefix").map_or(PhysicalName::Unknown, PhysicalName::Prefix);
        }
        declared
            .logical_name
            .and_then(|node| {
                self.string_value(Located {
                    file: declared.file,
                    node,
                })
            })
            .map_or(PhysicalName::Unknown, |logical| {
                PhysicalName::Prefix(format!("{logical}-"))
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::Answer;

    #[test]
    fn managed_policies_are_named_in_every_partition_aware_form() {
        let forms = [
            "`arn:${Aws.PARTITION}:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole`",
            "cdk.Fn.sub(\"arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\")",
            "iam.ManagedPolicy.fromAwsManagedPolicyName(\"service-role/AWSLambdaSQSQueueExecutionRole\").managedPolicyArn",
        ];
        for form in forms {
            assert_eq!(
                super::aws_managed_policy_arn(form).as_deref(),
                Some("arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"),
                "{form}"
            );
        }
        // Without its path, the name is no managed policy's.
        let pathless = super::aws_managed_policy_arn(
            "iam.ManagedPolicy.fromAwsManagedPolicyName(\"AWSLambdaSQSQueueExecutionRole\").managedPolicyArn",
        );
        assert!(pathless
            .as_deref()
            .and_then(crate::aws::managed_policies::find)
            .is_none());
        assert_eq!(super::aws_managed_policy_arn("`arn:aws:iam::aws:policy/${name}`"), None);
        assert_eq!(super::aws_managed_policy_arn("role.attrArn"), None);
    }
    use crate::frontends::typescript::test_support::with_program;

    /// What the role `role` may do with `sqs:SendMessage` on the queue `dlq`, given the policy code.
    fn answer(policies: &str) -> Answer {
        let text = format!(
            "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
const dlq = new aws.sqs.Queue(\"dlq\");\nconst other = new aws.sqs.Queue(\"other\");\n\
const role = new aws.iam.Role(\"role\", {{ assumeRolePolicy: \"{{}}\" }});\n{policies}\n"
        );
        let mut result = None;
        with_program(&[("index.ts", &text)], |program| {
            let role = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["iam", "Role"]))
                .expect("role");
            let dlq = program
                .resources()
                .iter()
                .position(|r| r.is_aws(&["sqs", "Queue"]))
                .expect("queue");
            let target = program.resource_target(dlq).expect("a queue");
            let front_end = crate::frontends::typescript::TypeScriptFrontEnd::new(program);
            let graph = crate::cloud::CloudGraph::new(&front_end);
            let role = graph
                .roles()
                .iter()
                .find(|candidate| candidate.declared == program.resources()[role].declared())
                .expect("the role is in the graph");
            result = Some(role.grants.allows("sqs:SendMessage", &target));
        });
        result.expect("evaluated")
    }

    #[test]
    fn reads_every_document_form() {
        let forms = [
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:*\", Resource: dlq.arn }] }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: dlq.arn.apply((arn) => JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: [\"sqs:SendMessage\"], Resource: [arn] }] })) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.all([other.arn, dlq.arn]).apply(([o, d]) => { return JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:Send*\", Resource: d }] }); }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.interpolate`{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"${dlq.arn}\"}]}` });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: '{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}' });",
            "const doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: [\"sqs:SendMessage\"], resources: [dlq.arn] }] });\nnew aws.iam.RolePolicy(\"p\", { role: role.id, policy: doc.json });",
            "const custom = new aws.iam.Policy(\"custom\", { policy: { Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: \"arn:aws:sqs:*:*:*\" }] } });\nnew aws.iam.RolePolicyAttachment(\"a\", { role: role.name, policyArn: custom.arn });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: \"*\" }] }) });",
        ];
        for form in forms {
            assert_eq!(answer(form), Answer::Allowed, "{form}");
        }
    }

    #[test]
    fn grants_on_other_resources_or_actions_do_not_count() {
        let other_queue = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:*\", Resource: other.arn }] }) });";
        assert_eq!(answer(other_queue), Answer::NotAllowed);
        let managed = "new aws.iam.RolePolicyAttachment(\"a\", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaSQSQueueExecutionRole });";
        assert_eq!(
            answer(managed),
            Answer::NotAllowed,
            "the SQS execution policy does not send"
        );
    }

    #[test]
    fn deny_wins_and_conditions_are_not_judged() {
        let deny = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"*\", Resource: \"*\" }, { Effect: \"Deny\", Action: \"sqs:SendMessage\", Resource: dlq.arn }] }) });";
        assert_eq!(answer(deny), Answer::Denied);
        let condition = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: dlq.arn, Condition: { Bool: { \"aws:SecureTransport\": \"true\" } } }] }) });";
        assert!(matches!(answer(condition), Answer::Unknown(reason) if reason == "a Condition"));
        let not_action = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", NotAction: \"iam:*\", Resource: \"*\" }] }) });";
        assert!(matches!(answer(not_action), Answer::Unknown(_)));
    }

    #[test]
    fn outputs_serialized_as_placeholder_text_grant_nothing() {
        let inside_apply = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: other.arn.apply((o) => JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:*\", Resource: o }, { Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: dlq.arn }] })) });";
        assert_eq!(answer(inside_apply), Answer::NotAllowed);
        let plain_template = "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: `{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"${dlq.arn}\"}]}` });";
        assert_eq!(answer(plain_template), Answer::NotAllowed);
        let unwrapped = [
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: other.arn.apply((o) => pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: [o, dlq.arn] }] })) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.all([other.arn, dlq.arn]).apply((arns) => JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: [...arns] }] })) });",
        ];
        for form in unwrapped {
            assert_eq!(answer(form), Answer::Allowed, "{form}");
        }
    }

    #[test]
    fn outputs_written_into_arn_text_name_nothing() {
        let broken = [
            // A template literal calls the Output's toString, whatever serializes the document.
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:*\", Resource: `${dlq.arn}*` }] }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: `${dlq.arn}` }] }) });",
            "const name = dlq.name;\nnew aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: \"arn:aws:sqs:*:*:\" + name }] }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: `arn:aws:sqs:${aws.getRegionOutput().name}:*:*` }] }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: `{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"arn:aws:sqs:*:*:${dlq.name}\"}]}` });",
        ];
        for form in broken {
            assert_eq!(answer(form), Answer::NotAllowed, "{form}");
        }
        let read_as_values = [
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: pulumi.interpolate`${dlq.arn}` }] }) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: dlq.name.apply((name) => JSON.stringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: \"arn:aws:sqs:*:*:\" + name }] })) });",
            "new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.jsonStringify({ Version: \"2012-10-17\", Statement: [{ Effect: \"Allow\", Action: \"sqs:SendMessage\", Resource: pulumi.interpolate`arn:aws:sqs:${aws.getRegionOutput().name}:*:*` }] }) });",
        ];
        for form in read_as_values {
            assert_ne!(answer(form), Answer::NotAllowed, "{form}");
        }
    }

    #[test]
    fn policies_it_cannot_read_make_it_say_nothing() {
        let customer_managed = "new aws.iam.RolePolicyAttachment(\"a\", { role: role.name, policyArn: \"arn:aws:iam::123456789012:policy/team-sqs\" });";
        assert_eq!(answer(customer_managed), Answer::Unreadable);
        assert_eq!(answer(""), Answer::NotAllowed);
    }
}

#[cfg(test)]
mod json_edit_tests {
    use super::*;
    use crate::fix::{apply_fixes, Fix};
    use crate::frontends::typescript::test_support::with_program;

    /// Edits the JSON text policy of `text` with `edit`, then checks the template (its
    /// substitutions replaced by strings) is valid JSON and returns it.
    fn edited_json(
        text: &str,
        edit: impl for<'t> Fn(&Program<'t>, &PolicyDocument<'t>) -> Vec<crate::fix::Edit>,
    ) -> serde_json::Value {
        let mut result = None;
        with_program(&[("index.ts", text)], |program| {
            let policy = program
                .resources()
                .iter()
                .find(|r| r.is_aws(&["iam", "RolePolicy"]))
                .expect("policy");
            let value = program
                .property(policy.args().expect("args"), "policy")
                .expect("policy value")
                .value;
            let document = program.policy_document(value).expect("readable");
            let fix = Fix::safe(edit(program, &document));
            let batch = apply_fixes(&[text.to_owned()], &[&fix]);
            let fixed = batch.changed.get(&0).expect("changed").text.clone();
            let template =
                &fixed[fixed.find('`').expect("template start") + 1..fixed.rfind('`').expect("template end")];
            let mut json = String::new();
            let mut rest = template;
            while let Some(start) = rest.find("${") {
                json.push_str(&rest[..start]);
                json.push_str("SUBSTITUTED");
                rest = &rest[start + rest[start..].find('}').expect("closing brace") + 1..];
            }
            json.push_str(rest);
            result = Some(serde_json::from_str(&json).unwrap_or_else(|error| panic!("{error}: {json}")));
        });
        result.expect("edited")
    }

    const POLICY: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
const dlq = new aws.sqs.Queue(\"dlq\");\nconst role = new aws.iam.Role(\"role\", { assumeRolePolicy: \"{}\" });\n\
new aws.iam.RolePolicy(\"p\", { role: role.id, policy: pulumi.interpolate`{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sqs:ReceiveMessage\", \"Resource\": [ ]}]}` });\n";

    fn dlq_arn(program: &Program) -> crate::frontends::typescript::OutputValue {
        let dlq = program
            .resources()
            .iter()
            .position(|r| r.is_aws(&["sqs", "Queue"]))
            .expect("queue");
        crate::frontends::typescript::OutputValue {
            reference: crate::cloud::GrantTarget::Resource(crate::cloud::ResourceRef {
                resource: dlq,
                attribute: Some("arn".to_owned()),
                instance: None,
            }),
            expression: "dlq.arn".to_owned(),
        }
    }

    #[test]
    fn json_text_stays_valid_json_when_extended() {
        let extended = edited_json(POLICY, |program, document| {
            let statement = &document.statements[0];
            let mut edits = vec![program.add_action(statement, "sqs:SendMessage").expect("action")];
            edits.extend(
                program
                    .add_resources(document, statement, &[dlq_arn(program)])
                    .expect("resource"),
            );
            edits
        });
        assert_eq!(
            extended["Statement"][0]["Action"],
            serde_json::json!(["sqs:ReceiveMessage", "sqs:SendMessage"])
        );
        assert_eq!(extended["Statement"][0]["Resource"], serde_json::json!(["SUBSTITUTED"]));
        let added = edited_json(POLICY, |program, document| {
            program
                .add_statements(
                    document,
                    &[NewStatement {
                        action: "sqs:SendMessage",
                        resources: vec![dlq_arn(program)],
                    }],
                )
                .expect("statement")
        });
        assert_eq!(added["Statement"][1]["Action"], "sqs:SendMessage");
    }
}
