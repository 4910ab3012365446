//! The roles the CDK's function constructs make for themselves (a `lambda.Function` given no
//! `role`), and the L2 event source mappings that feed such functions. Unlike an
//! `SqsEventSource`, `new lambda.EventSourceMapping(scope, id, { target, eventSourceArn })` and
//! `fn.addEventSourceMapping(id, { eventSourceArn })` grant the function's role nothing (aws-cdk-lib
//! makes the `CfnEventSourceMapping` and stops there), so the role holds what its construct gives
//! every function (AWSLambdaBasicExecutionRole) and what the app grants the function. Every place
//! the app hands the function on is read for what it grants; one infrafix cannot read leaves the
//! role's grants unreadable, and nothing is judged.

use foldhash::HashMap;
use tree_sitter::Node;

use super::super::policy::{aws_managed_policy_arn, managed_policy_arn};
use super::super::{named_children, Located, Package, Program, StringOrigin};
use crate::aws::managed_policies::ManagedPolicy;
use crate::cloud::{
    Effect, Entry, GrantDocument, IamRole, PermissionsBoundary, PolicyStatement, ResourceRef, RoleGrants, Site,
};
use crate::fix::Edit;
use crate::style::template::Code;
use crate::syntax::{kind_of, named_descendants, Fields};

/// What `queue.grantConsumeMessages(grantee)` grants on the queue in aws-cdk-lib 2 (with
/// `kms:Decrypt` on the queue's key when it has one), as `SqsEventSource` does for its function.
const CONSUME_ACTIONS: [&str; 5] = [
    "sqs:ReceiveMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueUrl",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];

/// What `queue.grantSendMessages(grantee)` grants on the queue (and its key's actions).
const SEND_ACTIONS: [&str; 3] = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];

/// What `queue.grantPurge(grantee)` grants on the queue.
const PURGE_ACTIONS: [&str; 3] = ["sqs:PurgeQueue", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];

/// The policy every role a function construct makes holds.
const BASIC_EXECUTION_POLICY: &str = "AWSLambdaBasicExecutionRole";

/// The function constructs that make a role when given none. `SingletonFunction` is left out:
/// every construct asking for one shares it, and its grants with it.
const MAKING_THEIR_ROLE: [(&str, &str); 4] = [
    ("aws_lambda", "Function"),
    ("aws_lambda_nodejs", "NodejsFunction"),
    ("aws_lambda_python", "PythonFunction"),
    ("aws_lambda_go", "GoFunction"),
];

/// Methods of a function construct that grant its role nothing: they give others access to the
/// function, configure it, or read its metrics (`metric…`, `grantInvoke…` by their prefixes).
const METHODS_GRANTING_NOTHING: [&str; 8] = [
    "addEnvironment",
    "addPermission",
    "addFunctionUrl",
    "addEventSourceMapping",
    "addLayers",
    "configureAsyncInvoke",
    "applyRemovalPolicy",
    "invalidateVersionBasedOn",
];

/// CDK classes that take a function and grant its role nothing (they give a service leave to
/// invoke it, or make a mapping as it is).
const CONSTRUCTS_GRANTING_NOTHING: [(&str, &str); 9] = [
    ("aws_lambda", "EventSourceMapping"),
    ("aws_lambda", "FunctionUrl"),
    ("aws_apigateway", "LambdaIntegration"),
    ("aws_apigateway", "LambdaRestApi"),
    ("aws_apigatewayv2_integrations", "HttpLambdaIntegration"),
    ("aws_events_targets", "LambdaFunction"),
    ("aws_sns_subscriptions", "LambdaSubscription"),
    ("aws_s3_notifications", "LambdaDestination"),
    ("aws_stepfunctions_tasks", "LambdaInvoke"),
];

/// The services whose L2 resources' `grant…` methods grant their own actions (and their key's):
/// never an SQS action.
const GRANTING_THEIR_SERVICE: [(&str, &str); 12] = [
    ("aws_dynamodb", "dynamodb"),
    ("aws_s3", "s3"),
    ("aws_sns", "sns"),
    ("aws_kms", "kms"),
    ("aws_secretsmanager", "secretsmanager"),
    ("aws_ssm", "ssm"),
    ("aws_kinesis", "kinesis"),
    ("aws_stepfunctions", "states"),
    ("aws_events", "events"),
    ("aws_logs", "logs"),
    ("aws_lambda", "lambda"),
    ("aws_ecr", "ecr"),
];

/// An event source mapping the app makes through the CDK's L2 API, or a `CfnEventSourceMapping`.
#[derive(Clone, Copy)]
pub(in super::super) struct CdkMapping<'tree> {
    /// The `new` expression or the `addEventSourceMapping` call.
    pub made: Located<'tree>,
    /// The expression naming the function: `target`, the receiver of `addEventSourceMapping`, or
    /// a `CfnEventSourceMapping`'s `functionName`.
    pub function: Located<'tree>,
    /// Its `eventSourceArn`.
    pub source: Located<'tree>,
}

/// What handing the function on at one place grants its role.
enum Handed {
    Nothing,
    /// The value goes on to code infrafix reads, whose own uses are read in turn.
    Followed,
    Grant(Vec<PolicyStatement>),
    /// An AWS managed policy the table lists, added to the role.
    Managed(&'static ManagedPolicy),
    Unread,
}

impl<'tree> Program<'tree> {
    /// Whether a function construct makes its own role: an L2 class that does, with props written
    /// out that surely name no `role`.
    fn makes_its_own_role(&self, function: usize) -> bool {
        let declared = &self.resources()[function];
        let class_makes_one = MAKING_THEIR_ROLE
            .iter()
            .any(|(module, class)| declared.class.is(Package::Cdk, &[module, class]));
        class_makes_one
            && kind_of(declared.expression) == "new_expression"
            && declared.args().is_some_and(|props| self.surely_lacks(props, "role"))
    }

    /// The L2 `lambda.EventSourceMapping`s, the `addEventSourceMapping` calls, and the
    /// `CfnEventSourceMapping`s of the app, by where they are made.
    pub(in super::super) fn cdk_mappings(&self) -> &[CdkMapping<'tree>] {
        self.memo.cdk_mappings.get_or_init(|| {
            let constructed = self.resources().iter().filter_map(|resource| {
                let (function, source) = match resource.class.path.as_slice() {
                    [module, class] if resource.class.package == Package::Cdk && module == "aws_lambda" => {
                        match class.as_str() {
                            "EventSourceMapping" => (
                                self.argument(resource, "target")?,
                                self.argument(resource, "eventSourceArn")?,
                            ),
                            "CfnEventSourceMapping" => (
                                self.argument(resource, "functionName")?,
                                self.argument(resource, "eventSourceArn")?,
                            ),
                            _ => return None,
                        }
                    }
                    _ => return None,
                };
                Some(CdkMapping {
                    made: Located {
                        file: resource.file,
                        node: resource.expression,
                    },
                    function: function.value,
                    source: source.value,
                })
            });
            let added = (0..self.file_count())
                .filter(|&file| self.file(file).text.contains("addEventSourceMapping"))
                .flat_map(|file| {
                    named_descendants(self.root(file))
                        .filter_map(move |node| self.added_mapping(Located { file, node }))
                        .collect::<Vec<_>>()
                });
            constructed.chain(added).collect()
        })
    }

    /// `fn.addEventSourceMapping(id, { eventSourceArn })`, when `call` is one.
    fn added_mapping(&self, call: Located<'tree>) -> Option<CdkMapping<'tree>> {
        let (function, "addEventSourceMapping") = self.method_call(call)? else {
            return None;
        };
        let [_, options] = self.call_arguments(call)[..] else {
            return None;
        };
        Some(CdkMapping {
            made: call,
            function,
            source: self.property(options, "eventSourceArn")?.value,
        })
    }

    /// The functions of the program a mapping's function expression names: one, or one per
    /// instance of the code it is written in (`targetFunction` over a construct's list); a
    /// `CfnEventSourceMapping` names one by its `functionName` or `functionArn`.
    pub(in super::super) fn mapped_functions(&self, named: Located<'tree>) -> Vec<usize> {
        let is_function = |reference: &ResourceRef| {
            let whole_or_named = matches!(reference.attribute.as_deref(), None | Some("name" | "arn"));
            whole_or_named && self.resources()[reference.resource].is_lambda_function()
        };
        if let Some(function) = self.denoted_resource(named) {
            return match is_function(&function) {
                true => vec![self.aliased_function(function.resource)],
                false => Vec::new(),
            };
        }
        let per_instance: Option<Vec<usize>> = self
            .denoted_per_instance_or_passed(named)
            .into_iter()
            .map(|function| function.filter(is_function).map(|function| function.resource))
            .collect();
        let mut functions = per_instance.unwrap_or_default();
        functions.sort_unstable();
        functions.dedup();
        functions
    }

    /// What an expression stands for in each instance of the code it is written in, also where
    /// it reads the elements of a collection a construct receives (see
    /// `denoted_by_each_passed_element`).
    fn denoted_per_instance_or_passed(&self, at: Located<'tree>) -> Vec<Option<ResourceRef>> {
        match self.denoted_per_instance(at) {
            per_instance if per_instance.is_empty() => self.denoted_by_each_passed_element(at),
            per_instance => per_instance,
        }
    }

    /// The functions fed by a mapping of the app that run as a role their construct makes, in
    /// the order the graph appends their roles to the declared ones.
    pub(in super::super) fn framework_role_functions(&self) -> &[usize] {
        self.memo.framework_role_functions.get_or_init(|| {
            let mut functions: Vec<usize> = self
                .cdk_mappings()
                .iter()
                .flat_map(|mapping| self.mapped_functions(mapping.function))
                .filter(|&function| self.makes_its_own_role(function))
                .collect();
            functions.sort_unstable();
            functions.dedup();
            functions
        })
    }

    /// The role a function's construct makes, with what reaches it: the basic execution policy,
    /// and what each place the app hands the function on grants.
    pub(in super::super) fn framework_role(&self, function: usize) -> IamRole {
        let declared = &self.resources()[function];
        let mut grants = RoleGrants {
            documents: Vec::new(),
            managed: crate::aws::managed_policies::find(BASIC_EXECUTION_POLICY)
                .into_iter()
                .collect(),
            conditional_managed: Vec::new(),
            unreadable: 0,
            misnamed: Vec::new(),
            boundary: self
                .app_wide_boundary()
                .map(|written| PermissionsBoundary::new(written.to_owned(), None)),
        };
        // Policy statements written into the props are a grant infrafix does not read yet.
        if declared
            .args()
            .is_some_and(|props| !self.surely_lacks(props, "initialPolicy"))
        {
            grants.unreadable += 1;
        }
        let uses = self.framework_role_uses().get(&function).map_or(&[][..], Vec::as_slice);
        for &used in uses {
            match self.handed(used) {
                Handed::Nothing | Handed::Followed => {}
                Handed::Grant(statements) => grants.documents.push(GrantDocument {
                    owner: function,
                    statements,
                    at: used.into(),
                    shared: true,
                    inline_role_policy: false,
                    malformed: None,
                }),
                Handed::Managed(policy) => grants.managed.push(policy),
                Handed::Unread => grants.unreadable += 1,
            }
        }
        IamRole {
            name: "the role its construct makes".to_owned(),
            declared: declared.declared(),
            grants,
            attachments: Vec::new(),
            owns_inline_policies: false,
        }
    }

    /// For each function of `framework_role_functions`, every expression of the program that
    /// stands for it as a whole (once, or in one instance of the code it is written in), outside
    /// its own declaration: one walk of every file serves them all.
    fn framework_role_uses(&self) -> &HashMap<usize, Vec<Located<'tree>>> {
        self.memo.framework_role_uses.get_or_init(|| {
            let functions = self.framework_role_functions();
            let mut uses: HashMap<usize, Vec<Located<'tree>>> = HashMap::default();
            if functions.is_empty() {
                return uses;
            }
            let whole_function = |reference: Option<ResourceRef>| {
                reference
                    .filter(|reference| reference.attribute.is_none() && functions.contains(&reference.resource))
                    .map(|reference| reference.resource)
            };
            for file in 0..self.file_count() {
                for node in named_descendants(self.root(file)) {
                    let at = Located { file, node };
                    if !matches!(
                        kind_of(node),
                        "identifier" | "member_expression" | "shorthand_property_identifier"
                    ) || self.names_a_declaration(at)
                    {
                        continue;
                    }
                    let mut denoted: Vec<usize> = match self.denoted_resource(at) {
                        Some(reference) => whole_function(Some(reference)).into_iter().collect(),
                        None => self
                            .denoted_per_instance_or_passed(at)
                            .into_iter()
                            .filter_map(whole_function)
                            .collect(),
                    };
                    denoted.sort_unstable();
                    denoted.dedup();
                    for function in denoted {
                        let declared = &self.resources()[function];
                        let in_own_declaration =
                            file == declared.file && declared.expression.byte_range().contains(&node.start_byte());
                        if !in_own_declaration {
                            uses.entry(function).or_default().push(at);
                        }
                    }
                }
            }
            uses
        })
    }

    /// Whether an identifier is the name a declaration or an import binds, not a read.
    fn names_a_declaration(&self, at: Located<'tree>) -> bool {
        let Some(parent) = at.node.parent() else {
            return false;
        };
        let is_name = parent.field("name") == Some(at.node) || parent.field("alias") == Some(at.node);
        is_name
            || matches!(
                kind_of(parent),
                "import_specifier" | "import_clause" | "namespace_import" | "required_parameter" | "optional_parameter"
            )
    }

    /// What handing on the function at `used` grants its role.
    fn handed(&self, used: Located<'tree>) -> Handed {
        let mut value = used;
        loop {
            let Some(parent) = value.node.parent() else {
                return Handed::Unread;
            };
            let parent = value.with(parent);
            match kind_of(parent.node) {
                "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
                | "array"
                | "object"
                | "pair"
                | "spread_element"
                | "ternary_expression"
                | "binary_expression" => value = parent,
                "member_expression" if parent.node.field("object") == Some(value.node) => {
                    // `[a, b].forEach(…)`: the elements are read where the callback reads them.
                    return match value == used {
                        true => self.member_used(parent),
                        false => Handed::Followed,
                    };
                }
                "arguments" => {
                    let Some(call) = parent.node.parent() else {
                        return Handed::Unread;
                    };
                    return self.passed_to(parent.with(call), value == used);
                }
                // Held by a const, a field, or returned: read where it is read next.
                "variable_declarator"
                | "assignment_expression"
                | "return_statement"
                | "arrow_function"
                | "for_in_statement"
                | "export_specifier" => return Handed::Followed,
                "expression_statement" => return Handed::Nothing,
                _ => return Handed::Unread,
            }
        }
    }

    /// What `function.member` grants: a method call, or a property read.
    fn member_used(&self, member: Located<'tree>) -> Handed {
        let Some(property) = member.node.field("property") else {
            return Handed::Unread;
        };
        let name = self.text(member.with(property));
        let called = member
            .node
            .parent()
            .filter(|call| kind_of(*call) == "call_expression" && call.field("function") == Some(member.node));
        match called {
            Some(call) if name == "addEventSource" => self.event_source_grant(member.with(call)),
            // An alias grants to its function's role (its `grantPrincipal` is the function's):
            // one made and dropped grants nothing, one held or passed on may.
            Some(call) if name == "addAlias" => match call.parent().map(kind_of) == Some("expression_statement") {
                true => Handed::Nothing,
                false => Handed::Unread,
            },
            Some(_)
                if METHODS_GRANTING_NOTHING.contains(&name)
                    || name.starts_with("metric")
                    || name.starts_with("grantInvoke") =>
            {
                Handed::Nothing
            }
            Some(_) => Handed::Unread,
            None if name == "role" => self.role_handed(member),
            // What grants reach the role through, or a version of the function, whose grants
            // reach the same role, handed out.
            None if matches!(name, "grantPrincipal" | "currentVersion" | "latestVersion") => Handed::Unread,
            // `fn.node.defaultChild`: the L1 function, whose role may be set.
            None if name == "node" => {
                let reads_child = member
                    .node
                    .parent()
                    .and_then(|outer| outer.field("property"))
                    .is_some_and(|outer| self.text(member.with(outer)) == "defaultChild");
                match reads_child {
                    true => Handed::Unread,
                    false => Handed::Nothing,
                }
            }
            None => Handed::Nothing,
        }
    }

    /// What the role read as `fn.role` gets where it is handed on: an AWS managed policy the
    /// table lists (`fn.role?.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(…))`),
    /// or what a resource of the app grants it (`queue.grantSendMessages(fn.role!)`). Anything
    /// else (a statement added to it, the role handed to other code) may grant more.
    fn role_handed(&self, role: Located<'tree>) -> Handed {
        let mut value = role;
        while let Some(parent) = value
            .node
            .parent()
            .filter(|parent| matches!(kind_of(*parent), "non_null_expression" | "parenthesized_expression"))
        {
            value = value.with(parent);
        }
        let Some(parent) = value.node.parent() else {
            return Handed::Unread;
        };
        match kind_of(parent) {
            // `fn.role?.addManagedPolicy(policy)`, `fn.role!.addManagedPolicy(policy)`.
            "member_expression" if parent.field("object") == Some(value.node) => {
                let added = parent
                    .field("property")
                    .filter(|method| self.text(value.with(*method)) == "addManagedPolicy")
                    .and_then(|_| parent.parent())
                    .filter(|call| kind_of(*call) == "call_expression" && call.field("function") == Some(parent));
                let policy = match added.map(|call| self.call_arguments(value.with(call))).as_deref() {
                    Some(&[policy]) => self.listed_managed_policy(policy),
                    _ => None,
                };
                policy.map_or(Handed::Unread, Handed::Managed)
            }
            // `queue.grantSendMessages(fn.role!)`: the role is the grantee, the first argument.
            "arguments" => {
                let Some(call) = parent.parent().map(|call| value.with(call)) else {
                    return Handed::Unread;
                };
                let grantee_first = self.call_arguments(call).first() == Some(&value);
                let method = self
                    .method_call(call)
                    .filter(|(_, method)| grantee_first && method.starts_with("grant"));
                match method {
                    Some((resource, method)) => self.resource_grant(resource, method, call),
                    None => Handed::Unread,
                }
            }
            _ => Handed::Unread,
        }
    }

    /// The AWS managed policy an expression makes, when the table lists it:
    /// `iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/X")`, or
    /// `iam.ManagedPolicy.fromManagedPolicyArn(scope, id, "arn:aws:iam::aws:policy/…")` (also in
    /// its partition-aware forms). A customer managed policy's ARN or name is not one.
    fn listed_managed_policy(&self, policy: Located<'tree>) -> Option<&'static ManagedPolicy> {
        let policy = self.written_value(policy);
        if kind_of(policy.node) != "call_expression" {
            return None;
        }
        let made_by = self.package_member(policy.with(policy.node.field("function")?))?;
        let arguments = self.call_arguments(policy);
        let arn = if made_by.is(Package::Cdk, &["aws_iam", "ManagedPolicy", "fromAwsManagedPolicyName"]) {
            match self.sole_string_origin(*arguments.first()?)? {
                StringOrigin::Literal { value, .. } => managed_policy_arn(&value),
                StringOrigin::PackageMember { .. } => return None,
            }
        } else if made_by.is(Package::Cdk, &["aws_iam", "ManagedPolicy", "fromManagedPolicyArn"]) {
            aws_managed_policy_arn(self.text(self.written_value(*arguments.get(2)?)))?
        } else {
            return None;
        };
        crate::aws::managed_policies::find(&arn)
    }

    /// `fn.addEventSource(new SqsEventSource(queue))`: what the source's `bind` grants the role.
    fn event_source_grant(&self, call: Located<'tree>) -> Handed {
        let Some(&source) = self.call_arguments(call).first() else {
            return Handed::Unread;
        };
        let source = self.written_value(source);
        let is_sqs_source = kind_of(source.node) == "new_expression"
            && source
                .node
                .field("constructor")
                .and_then(|class| self.package_member(source.with(class)))
                .is_some_and(|class| class.is(Package::Cdk, &["aws_lambda_event_sources", "SqsEventSource"]));
        let queue = self
            .call_arguments(source)
            .first()
            .and_then(|&queue| self.denoted_resource(queue));
        match (is_sqs_source, queue) {
            (true, Some(queue)) if queue.attribute.is_none() => Handed::Grant(vec![consume_statement(&queue)]),
            _ => Handed::Unread,
        }
    }

    /// What passing the function (or a list or object holding it, `direct` false) to a call or
    /// construction grants.
    fn passed_to(&self, call: Located<'tree>, direct: bool) -> Handed {
        let callee = match kind_of(call.node) {
            "new_expression" => call.node.field("constructor"),
            "call_expression" => call.node.field("function"),
            _ => None,
        };
        let Some(callee) = callee.map(|callee| call.with(callee)) else {
            return Handed::Unread;
        };
        if let Some(class) = self.package_member(callee) {
            let grants_nothing = kind_of(call.node) == "new_expression"
                && CONSTRUCTS_GRANTING_NOTHING
                    .iter()
                    .any(|(module, name)| class.is(Package::Cdk, &[module, name]));
            return match grants_nothing {
                true => Handed::Nothing,
                false => Handed::Unread,
            };
        }
        if self.reads_a_package(callee) {
            return Handed::Unread;
        }
        match kind_of(callee.node) {
            // A function or class of the program: its parameters are read where it reads them.
            "identifier" => Handed::Followed,
            "member_expression" => {
                let (Some(object), Some(method)) = (callee.node.field("object"), callee.node.field("property")) else {
                    return Handed::Unread;
                };
                let method = self.text(callee.with(method));
                if kind_of(object) == "this" || method == "push" {
                    return Handed::Followed;
                }
                match direct && method.starts_with("grant") {
                    true => self.resource_grant(callee.with(object), method, call),
                    false => Handed::Unread,
                }
            }
            _ => Handed::Unread,
        }
    }

    /// `resource.grantX(fn, …)`: what the CDK grants the function on a resource of the app.
    fn resource_grant(&self, resource: Located<'tree>, method: &str, call: Located<'tree>) -> Handed {
        let Some(resource) = self
            .denoted_resource(resource)
            .filter(|found| found.attribute.is_none())
        else {
            return Handed::Unread;
        };
        let class = &self.resources()[resource.resource].class;
        if class.is(Package::Cdk, &["aws_sqs", "Queue"]) {
            return Handed::Grant(vec![self.queue_grant(&resource, method, call)]);
        }
        match GRANTING_THEIR_SERVICE.iter().find(|(module, _)| {
            class.package == Package::Cdk && class.path.first().is_some_and(|first| first == module)
        }) {
            Some((_, service)) => Handed::Grant(vec![PolicyStatement::new(
                Effect::Allow,
                vec![literal(&format!("{service}:*")), literal("kms:*")],
                vec![literal("*")],
                Some(format!("`{method}` of {}", self.display_name(resource.resource))),
            )]),
            None => Handed::Unread,
        }
    }

    /// What a queue's grant method grants: `grantConsumeMessages`, `grantSendMessages` and
    /// `grantPurge` the actions aws-cdk-lib lists for them, `grant` the actions written out after
    /// the grantee; any other, some actions infrafix does not list.
    fn queue_grant(&self, queue: &ResourceRef, method: &str, call: Located<'tree>) -> PolicyStatement {
        let listed: Option<&[&str]> = match method {
            "grantConsumeMessages" => Some(&CONSUME_ACTIONS),
            "grantSendMessages" => Some(&SEND_ACTIONS),
            "grantPurge" => Some(&PURGE_ACTIONS),
            _ => None,
        };
        if let Some(actions) = listed {
            return queue_statement(queue, actions);
        }
        let written: Option<Vec<Entry>> = (method == "grant")
            .then(|| {
                self.call_arguments(call)
                    .into_iter()
                    .skip(1)
                    .map(|action| self.string_value(action).map(|action| literal(&action)))
                    .collect()
            })
            .flatten();
        let arn = Entry {
            literal: None,
            resource: Some(arn_of(queue)),
            text: None,
        };
        match written {
            Some(actions) if !actions.is_empty() => PolicyStatement::new(Effect::Allow, actions, vec![arn], None),
            _ => PolicyStatement::new(
                Effect::Allow,
                vec![literal("sqs:*")],
                vec![arn],
                Some(format!("`{method}`, whose actions it does not list")),
            ),
        }
    }

    /// The queue and the function a mapping names in its own props, as code right after the
    /// mapping's statement can write them (`this.queue`, `targetFunction`): the queue read as
    /// `queue.queueArn` (an L2 queue, which has `grantConsumeMessages`), the function as a name,
    /// or by its `functionName` or `functionArn` for a `CfnEventSourceMapping`.
    pub(in super::super) fn mapping_grant_names(
        &self,
        mapping: &CdkMapping<'tree>,
    ) -> Result<(String, String), String> {
        // Written as the mapping writes it: `this.queue!` stays asserted where the type is optional.
        let plain = |at: Located<'tree>| {
            let reference = match kind_of(at.node) {
                "non_null_expression" => at.node.named_child(0),
                _ => Some(at.node),
            };
            reference
                .is_some_and(is_plain_reference)
                .then(|| self.text(at).to_owned())
        };
        let queue = match kind_of(mapping.source.node) {
            "member_expression" => mapping
                .source
                .node
                .field("property")
                .filter(|property| self.text(mapping.source.with(*property)) == "queueArn")
                .and_then(|_| mapping.source.node.field("object"))
                .and_then(|queue| plain(mapping.source.with(queue))),
            _ => None,
        }
        .ok_or("the mapping's `eventSourceArn` is not a queue's `queueArn` read by name")?;
        let function = match kind_of(mapping.function.node) {
            "member_expression" if kind_of(mapping.made.node) == "new_expression" && self.is_l1_mapping(mapping) => {
                mapping
                    .function
                    .node
                    .field("property")
                    .filter(|property| {
                        matches!(
                            self.text(mapping.function.with(*property)),
                            "functionName" | "functionArn"
                        )
                    })
                    .and_then(|_| mapping.function.node.field("object"))
                    .and_then(|function| plain(mapping.function.with(function)))
            }
            _ => plain(mapping.function),
        }
        .ok_or("the mapping does not name its function by a name")?;
        Ok((queue, function))
    }

    /// `queue.grantConsumeMessages(fn);` right after the statement that makes the mapping at
    /// `site`, in its block, where the names the mapping reads mean what they mean in it.
    pub(in super::super) fn queue_polling_grant(&self, site: &Site) -> Result<Edit, String> {
        let mapping = self
            .cdk_mapping_at(site)
            .ok_or("the mapping was not found again in the file")?;
        let (queue, function) = self.mapping_grant_names(&mapping)?;
        let parent = mapping.made.node.parent();
        let statement = match parent.map(|parent| (kind_of(parent), parent)) {
            Some(("expression_statement", statement)) => Some(statement),
            Some(("variable_declarator", declarator)) => declarator
                .parent()
                .filter(|declaration| matches!(kind_of(*declaration), "lexical_declaration" | "variable_declaration"))
                .filter(|_| {
                    // `const queue = new EventSourceMapping(…, { eventSourceArn: queue.queueArn })`
                    // cannot run; a name it binds would mean another thing after it.
                    let bound = declarator.field("name").map(|name| self.text(mapping.made.with(name)));
                    bound.is_none_or(|bound| {
                        ![&queue, &function]
                            .iter()
                            .any(|name| name.split('.').next() == Some(bound))
                    })
                }),
            _ => None,
        };
        let statement = statement
            .map(|statement| match statement.parent() {
                Some(exported) if kind_of(exported) == "export_statement" => exported,
                _ => statement,
            })
            .filter(|statement| {
                statement
                    .parent()
                    .is_some_and(|block| matches!(kind_of(block), "statement_block" | "program"))
            })
            .ok_or_else(|| {
                format!(
                    "the mapping is not a statement of a block (an arrow function's body without braces, an argument), so no statement can follow it: add `{queue}.grantConsumeMessages({function})` beside it by hand"
                )
            })?;
        let grant = Code::verbatim(format!("{queue}.grantConsumeMessages({function})"));
        Ok(self.append_statement(mapping.made.with(statement), &grant))
    }

    fn is_l1_mapping(&self, mapping: &CdkMapping<'tree>) -> bool {
        self.resource_at(mapping.made).is_some_and(|resource| {
            self.resources()[resource]
                .class
                .is(Package::Cdk, &["aws_lambda", "CfnEventSourceMapping"])
        })
    }

    /// The mapping made at a site of the graph.
    pub(in super::super) fn cdk_mapping_at(&self, site: &Site) -> Option<CdkMapping<'tree>> {
        self.cdk_mappings()
            .iter()
            .find(|mapping| mapping.made.file == site.file && mapping.made.node.byte_range() == site.range)
            .copied()
    }
}

/// `name`, `this.name`, `a.b.c`: an expression that reads names and nothing else.
fn is_plain_reference(node: Node) -> bool {
    match kind_of(node) {
        "identifier" | "this" | "shorthand_property_identifier" => true,
        "member_expression" => {
            node.field("property")
                .is_some_and(|property| kind_of(property) == "property_identifier")
                && node.field("object").is_some_and(is_plain_reference)
                && named_children(node).all(|child| kind_of(child) != "optional_chain")
        }
        _ => false,
    }
}

fn literal(text: &str) -> Entry {
    Entry {
        literal: Some(text.to_owned()),
        resource: None,
        text: None,
    }
}

fn arn_of(queue: &ResourceRef) -> ResourceRef {
    ResourceRef {
        resource: queue.resource,
        attribute: Some(crate::cloud::ARN.to_owned()),
        instance: queue.instance.clone(),
    }
}

/// What `grantConsumeMessages` allows on the queue.
fn consume_statement(queue: &ResourceRef) -> PolicyStatement {
    queue_statement(queue, &CONSUME_ACTIONS)
}

/// A statement allowing `actions` on the queue, as the queue's grant methods write it.
fn queue_statement(queue: &ResourceRef, actions: &[&str]) -> PolicyStatement {
    PolicyStatement::new(
        Effect::Allow,
        actions.iter().map(|action| literal(action)).collect(),
        vec![Entry {
            literal: None,
            resource: Some(arn_of(queue)),
            text: None,
        }],
        None,
    )
}

#[cfg(test)]
mod tests {
    use crate::cloud::{Answer, FunctionRole};
    use crate::frontends::typescript::test_support::may_receive_from;

    const STACK: &str = r#"import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Monitor } from "third-party-monitoring";

const stack = new cdk.Stack(new cdk.App(), "S");
const jobs = new sqs.Queue(stack, "Jobs");
const results = new sqs.Queue(stack, "Results");
const code = lambda.Code.fromInline("exports.handler = async () => {}");
const props = { runtime: lambda.Runtime.NODEJS_22_X, handler: "index.handler", code };
const sender = new lambda.Function(stack, "Sender", props);
results.grantSendMessages(sender);
const granted = new lambda.Function(stack, "Granted", props);
jobs.grantConsumeMessages(granted);
const monitored = new lambda.Function(stack, "Monitored", { runtime: lambda.Runtime.NODEJS_22_X, handler: "index.handler", code });
new Monitor(stack, "Monitor", { functions: [monitored] });
const ownRole = new lambda.Function(stack, "OwnRole", { runtime: lambda.Runtime.NODEJS_22_X, handler: "index.handler", code, role: new iam.Role(stack, "R", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") }) });
for (const fn of [sender, granted, monitored, ownRole]) {
    new lambda.EventSourceMapping(stack, `${fn.node.id}Jobs`, { target: fn, eventSourceArn: jobs.queueArn });
}
const plain = new lambda.Function(stack, "Plain", { runtime: lambda.Runtime.NODEJS_22_X, handler: "index.handler", code });
plain.addEventSourceMapping("Jobs", { eventSourceArn: jobs.queueArn });
const poller = new lambda.Function(stack, "Poller", props);
poller.role?.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaSQSQueueExecutionRole"));
const purger = new lambda.Function(stack, "Purger", props);
jobs.grantSendMessages(purger.role!);
jobs.grantPurge(purger.role!);
const custom = new lambda.Function(stack, "Custom", props);
custom.role?.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyName(stack, "Team", "team-poller"));
for (const fn of [poller, purger, custom]) {
    fn.addEventSourceMapping("Jobs", { eventSourceArn: jobs.queueArn });
}
"#;

    /// Whether each function's role may receive from `jobs`, by the function's variable; `None`
    /// for a function whose role its construct does not make.
    fn may_receive(name: &str) -> Option<Answer> {
        may_receive_from(&[("index.ts", STACK)], name, "jobs", |role| match role {
            FunctionRole::MadeByFramework(role) => Some(role),
            _ => None,
        })
    }

    #[test]
    fn a_construct_role_holds_what_the_app_visibly_grants_and_no_more() {
        // A grant on another queue, or none, leaves the queue out of reach.
        assert_eq!(may_receive("sender"), Some(Answer::NotAllowed));
        assert_eq!(may_receive("plain"), Some(Answer::NotAllowed));
        assert_eq!(may_receive("granted"), Some(Answer::Allowed));
        // Handed to code infrafix does not read: it may have granted anything.
        assert_eq!(may_receive("monitored"), Some(Answer::Unreadable));
        // A role of its own: not the construct's.
        assert_eq!(may_receive("ownRole"), None);
    }

    #[test]
    fn the_construct_role_read_as_fn_role_holds_listed_managed_policies_and_grants() {
        assert_eq!(may_receive("poller"), Some(Answer::Allowed));
        // Sending and purging grant no polling.
        assert_eq!(may_receive("purger"), Some(Answer::NotAllowed));
        // A customer managed policy may allow anything.
        assert_eq!(may_receive("custom"), Some(Answer::Unreadable));
    }
}
