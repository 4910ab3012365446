//! Which resources a resource waits for. Pulumi creates a resource only once every resource whose
//! outputs flow into its arguments or options exists, however the value travels: through consts
//! (also exported by another module), `pulumi.all`, `.apply` callbacks, `pulumi.interpolate`,
//! helper functions, loops, and other resources that read it in turn. A `dependsOn` that lists
//! such a resource on behalf of the one it waits for asks for a cycle, which Pulumi refuses.
//! CloudFormation orders a CDK app's resources the same way, by the references between them, and
//! by the waits the app asks for by hand (`fn.node.addDependency(policy)`).

use crate::syntax::{kind_of, Fields};
use foldhash::{HashMap, HashSet};
use std::rc::Rc;

use super::{named_children, Located, Program};

/// How many variables, parameters and helper functions a value may be followed through.
const MAX_HOPS: usize = 16;

/// `waiting.node.addDependency(…targets)`.
struct DependencyCall {
    waiting: usize,
    /// `None` when one of them is no resource infrafix can name.
    targets: Option<Vec<usize>>,
}

/// Whether an expression of this kind may itself name a resource (or hold one, through the
/// values it is followed to).
fn may_name_a_resource(kind: &str) -> bool {
    matches!(
        kind,
        "identifier" | "shorthand_property_identifier" | "member_expression" | "new_expression"
    )
}

/// Whether a node is worth following: a leaf that is no name (a number, a property key) has
/// nothing below it, and a string's pieces name nothing.
fn may_lead_to_a_resource(node: tree_sitter::Node) -> bool {
    let kind = kind_of(node);
    match node.child_count() {
        0 => may_name_a_resource(kind),
        _ => kind != "string",
    }
}

impl<'tree> Program<'tree> {
    /// Whether `resource` is created after `other`: its inputs read `other` (the resource or one of
    /// its outputs), or read a resource that waits for `other`.
    pub fn waits_for(&self, resource: usize, other: usize) -> bool {
        self.memo
            .resources_waited_for
            .reaches(resource, other, |current| self.resources_read_by(current))
    }

    /// The resources a resource's arguments and options read, directly or through the values they
    /// name. Over-reads rather than under-reads: a value reached through a helper function counts
    /// whichever call site gave it, because treating an independent resource as a dependent one
    /// only leaves an ordering out, while the reverse makes a cycle.
    fn resources_read_by(&self, resource: usize) -> Rc<Vec<usize>> {
        if let Some(known) = self.memo.resources_read.borrow().get(&resource) {
            return Rc::clone(known);
        }
        let declaration = &self.resources()[resource];
        let mut seen = HashSet::default();
        let mut found: Vec<usize> = self
            .explicit_dependencies()
            .and_then(|by_resource| by_resource.get(&resource).cloned().flatten())
            .unwrap_or_default();
        let mut pending: Vec<(Located<'tree>, usize)> = [declaration.args(), declaration.options()]
            .into_iter()
            .flatten()
            .map(|at| (at, 0))
            .collect();
        while let Some((at, hops)) = pending.pop() {
            if !seen.insert((at.file, at.node.id())) {
                continue;
            }
            let may_name_resource = may_name_a_resource(kind_of(at.node));
            if let Some(reference) = may_name_resource.then(|| self.denoted_resource(at)).flatten() {
                found.push(reference.resource);
                continue;
            }
            // What a package exports is the package's: nothing of the program is written there.
            if may_name_resource && self.reads_a_package(at) {
                continue;
            }
            if hops < MAX_HOPS {
                pending.extend(self.value_sources(at).into_iter().map(|source| (source, hops + 1)));
            }
            pending.extend(
                named_children(at.node)
                    .filter(|&node| may_lead_to_a_resource(node))
                    .map(|node| (Located { file: at.file, node }, hops)),
            );
        }
        found.sort_unstable();
        found.dedup();
        found.retain(|&read| read != resource);
        let found = Rc::new(found);
        self.memo
            .resources_read
            .borrow_mut()
            .insert(resource, Rc::clone(&found));
        found
    }

    /// Whether `at` is a resource of a package the program imports and infrafix does not read
    /// (`new command.local.Command(…)`, or a const holding one), which no resource of the program
    /// names as its `parent`. It is no resource of `@pulumi/aws`, and waiting for it waits for
    /// none of the program's own (a component waits for its children, hence the `parent` test).
    pub(super) fn made_by_another_package(&self, at: Located<'tree>) -> bool {
        let made = self.written_value(at);
        let Some(class) = made
            .node
            .field("constructor")
            .filter(|_| kind_of(made.node) == "new_expression")
        else {
            return false;
        };
        let mut root = class;
        while kind_of(root) == "member_expression" {
            match root.field("object") {
                Some(object) => root = object,
                None => return false,
            }
        }
        let another_package = kind_of(root) == "identifier"
            && self.package_member(made.with(class)).is_none()
            && self
                .import_of(made.with(root))
                .is_some_and(|binding| !binding.module.starts_with(['.', '/']));
        another_package
            && !self.resources().iter().any(|resource| {
                resource
                    .options()
                    .and_then(|options| self.object_literal(options))
                    .and_then(|options| self.property(options, "parent"))
                    .is_some_and(|parent| self.written_value(parent.value) == made)
            })
    }

    /// The resources each resource is made to wait for by hand: `a.addDependency(b)`,
    /// `a.node.addDependency(b, c)`, `a.addDependsOn(b)`. `None` when a call's receiver may be
    /// a resource infrafix cannot name (any resource's list may then miss it); a resource waiting
    /// for something infrafix cannot name has an unknown list, `None` in the map.
    pub(super) fn explicit_dependencies(&self) -> Option<&HashMap<usize, Option<Vec<usize>>>> {
        self.memo
            .explicit_dependencies
            .get_or_init(|| {
                let mut by_resource: HashMap<usize, Option<Vec<usize>>> = HashMap::default();
                for (file, program_file) in self.files().iter().enumerate() {
                    for &call in &program_file.dependency_calls {
                        let call = Located { file, node: call };
                        let Some(DependencyCall { waiting, targets }) = self.dependency_call(call)? else {
                            continue;
                        };
                        let listed = by_resource.entry(waiting).or_insert_with(|| Some(Vec::new()));
                        match (listed.as_mut(), targets) {
                            (Some(listed), Some(targets)) => listed.extend(targets),
                            _ => *listed = None,
                        }
                    }
                }
                Some(by_resource)
            })
            .as_ref()
    }

    /// What a dependency call makes wait. `Some(None)` for a call on something that is surely no
    /// resource (`this`, a stack of the app: `new BillingStack(…)`); `None` when the receiver
    /// cannot be told.
    fn dependency_call(&self, call: Located<'tree>) -> Option<Option<DependencyCall>> {
        let method = call.node.field("function")?;
        let mut receiver = call.with(method.field("object")?);
        // `fn.node.addDependency(…)`: the construct's node stands for the construct.
        if let Some(construct) = receiver
            .node
            .field("property")
            .filter(|property| self.text(call.with(*property)) == "node")
            .and_then(|_| receiver.node.field("object"))
        {
            receiver = call.with(construct);
        }
        let resource_of = |at: Located<'tree>| {
            self.denoted_resource(at)
                .filter(|reference| reference.attribute.is_none())
                .map(|reference| reference.resource)
        };
        let waiting = match kind_of(receiver.node) {
            // `this` in a class extending a function construct is the function its `super(…)`
            // makes; in any other class (a stack, a construct) it is no resource.
            "this" => match self.resource_made_by_super(receiver) {
                Some(function) => function,
                None => return Some(None),
            },
            _ => match resource_of(receiver) {
                Some(resource) => resource,
                // A stack or construct of the app: `new BillingStack(…)`.
                None => {
                    let made_by_the_app = self
                        .initializer(receiver, false)
                        .is_some_and(|value| kind_of(value.node) == "new_expression");
                    return made_by_the_app.then_some(None);
                }
            },
        };
        let targets = self
            .call_arguments(call)
            .into_iter()
            .map(resource_of)
            .collect::<Option<Vec<_>>>();
        Some(Some(DependencyCall { waiting, targets }))
    }

    /// The resource the `super(…)` of the class around `this` makes, when it extends a CDK
    /// function construct.
    fn resource_made_by_super(&self, this: Located<'tree>) -> Option<usize> {
        let class = self
            .ancestors(this)
            .into_iter()
            .find(|node| matches!(kind_of(node), "class_declaration" | "class"))?;
        self.resources().iter().position(|resource| {
            resource.file == this.file
                && kind_of(resource.expression) == "call_expression"
                && class.byte_range().contains(&resource.expression.start_byte())
        })
    }

    /// Where the value a name stands for is written: a variable's initializer, what an `.apply`
    /// callback receives, a helper function's body, the arguments every call site passes for a
    /// parameter, the elements a loop variable takes, a property of an object or module.
    fn value_sources(&self, at: Located<'tree>) -> Vec<Located<'tree>> {
        let mut sources = Vec::new();
        match kind_of(at.node) {
            "identifier" | "shorthand_property_identifier" => {
                let written = self
                    .callback_parameter_source(at)
                    .or_else(|| self.initializer(at, false))
                    .or_else(|| self.function_named(at));
                match written {
                    Some(source) => sources.push(source),
                    None => sources.extend(self.parameter_sources(at).unwrap_or_default()),
                }
            }
            "member_expression" => sources.extend(self.member_value(at, false)),
            _ => return sources,
        }
        sources.extend(self.element_sources(at).unwrap_or_default());
        sources
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::{Located, Program};

    const HEAD: &str = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\n\
const role = new aws.iam.Role(\"role\", { assumeRolePolicy: \"{}\" });\n\
const fanout = new aws.lambda.Function(\"fanout\", { role: role.arn });\n";

    /// The resource whose logical name is `name`.
    fn named(program: &Program, name: &str) -> usize {
        program
            .resources()
            .iter()
            .position(|resource| {
                resource.logical_name.is_some_and(|node| {
                    program.text(crate::frontends::typescript::Located {
                        file: resource.file,
                        node,
                    }) == format!("\"{name}\"")
                })
            })
            .unwrap_or_else(|| panic!("no resource {name}"))
    }

    fn policy_waits_for_fanout(files: &[(&str, &str)]) -> bool {
        let mut waits = None;
        with_program(files, |program| {
            waits = Some(program.waits_for(named(program, "policy"), named(program, "fanout")));
        });
        waits.unwrap_or_default()
    }

    #[test]
    fn outputs_read_in_any_form_make_a_resource_wait() {
        let reads = [
            "new aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.jsonStringify({ Statement: [{ Effect: \"Allow\", Action: \"lambda:InvokeFunction\", Resource: fanout.arn }] }) });",
            "new aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.interpolate`{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"${fanout.arn}\"}]}` });",
            "new aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.all([role.arn, fanout.arn]).apply(([r, f]) => JSON.stringify({ Statement: [{ Resource: f }] })) });",
            "const groupArn = pulumi.interpolate`arn:aws:logs:*:*:log-group:/aws/lambda/${fanout.name}:*`;\nconst statement = { Effect: \"Allow\", Action: \"logs:PutLogEvents\", Resource: groupArn };\nnew aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.jsonStringify({ Statement: [statement] }) });",
            "function document(arn: pulumi.Input<string>) { return pulumi.jsonStringify({ Statement: [{ Resource: arn }] }); }\nnew aws.iam.RolePolicy(\"policy\", { role: role.id, policy: document(fanout.arn) });",
            "const group = new aws.cloudwatch.LogGroup(\"group\", { name: pulumi.interpolate`/aws/lambda/${fanout.name}` });\nconst groupArn = group.arn;\nnew aws.iam.RolePolicy(\"policy\", { role: role.id, policy: groupArn.apply((arn) => JSON.stringify({ Statement: [{ Resource: arn }] })) });",
            "const mapping = new aws.lambda.EventSourceMapping(\"mapping\", { functionName: fanout.arn, eventSourceArn: \"arn\" });\nnew aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.interpolate`{\"Resource\": \"${mapping.functionArn}\"}` });",
        ];
        for read in reads {
            assert!(
                policy_waits_for_fanout(&[("index.ts", &format!("{HEAD}{read}\n"))]),
                "{read}"
            );
        }
    }

    #[test]
    fn outputs_read_through_another_module_make_a_resource_wait() {
        let functions = format!(
            "{HEAD}export {{ fanout, role }};\nexport const fanoutArn = pulumi.interpolate`${{fanout.arn}}`;\n"
        );
        let policies = "import * as aws from \"@pulumi/aws\";\nimport * as pulumi from \"@pulumi/pulumi\";\nimport { fanoutArn, role } from \"./functions\";\n\
new aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.jsonStringify({ Statement: [{ Resource: fanoutArn }] }) });\n";
        assert!(policy_waits_for_fanout(&[
            ("functions.ts", &functions),
            ("policies.ts", policies)
        ]));
    }

    #[test]
    fn independent_resources_do_not_wait() {
        let independent = [
            "new aws.iam.RolePolicyAttachment(\"policy\", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });",
            "const queue = new aws.sqs.Queue(\"queue\");\nnew aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.jsonStringify({ Statement: [{ Resource: queue.arn }] }) });",
            "new aws.iam.RolePolicy(\"policy\", { role: role.id, policy: pulumi.interpolate`{\"Resource\": \"arn:aws:lambda:*:*:function:fanout-*\"}` });",
        ];
        for read in independent {
            assert!(
                !policy_waits_for_fanout(&[("index.ts", &format!("{HEAD}{read}\n"))]),
                "{read}"
            );
        }
    }

    /// The resources each resource waits for by hand in a CDK app, by the text of their ids.
    fn explicit(text: &str) -> Option<Vec<(String, Option<Vec<String>>)>> {
        let mut found = None;
        with_program(&[("stack.ts", text)], |program| {
            let id = |resource: usize| {
                let declared = &program.resources()[resource];
                program
                    .text(Located {
                        file: declared.file,
                        node: declared.logical_name.expect("an id"),
                    })
                    .trim_matches('"')
                    .to_owned()
            };
            found = program.explicit_dependencies().map(|by_resource| {
                let mut listed: Vec<(String, Option<Vec<String>>)> = by_resource
                    .iter()
                    .map(|(resource, targets)| {
                        (
                            id(*resource),
                            targets.as_ref().map(|targets| targets.iter().map(|&t| id(t)).collect()),
                        )
                    })
                    .collect();
                listed.sort();
                listed
            });
        });
        found
    }

    const CDK: &str = "import * as cdk from \"aws-cdk-lib\";\nimport * as iam from \"aws-cdk-lib/aws-iam\";\nimport * as lambda from \"aws-cdk-lib/aws-lambda\";\n\
class Network extends cdk.Stack {}\nconst app = new cdk.App();\nconst stack = new cdk.Stack(app, \"S\");\nconst network = new Network(app, \"N\");\n\
const policy = new iam.CfnPolicy(stack, \"P\", { policyDocument: {} });\nconst fn = new lambda.CfnFunction(stack, \"F\", { role: \"r\", code: {} });\n";

    #[test]
    fn cdk_dependency_calls_are_read_and_stacks_of_the_app_are_left_out() {
        // `network` is made by a class of the app, so it is no resource: its call is left out.
        let calls = format!(
            "{CDK}fn.addDependency(policy);\nfn.node.addDependency(policy, policy);\nnetwork.addDependency(stack);\n"
        );
        assert_eq!(
            explicit(&calls),
            Some(vec![("F".to_owned(), Some(vec!["P".to_owned(); 3]))])
        );
        // `this` in a class extending a function construct is the function its `super` makes.
        let subclass = format!(
            "{CDK}class Traced extends lambda.Function {{\n  constructor(scope: cdk.Stack, id: string) {{\n    super(scope, id, {{ handler: \"h\" }});\n    this.node.addDependency(policy);\n  }}\n}}\n"
        );
        assert_eq!(
            explicit(&subclass),
            Some(vec![("id".to_owned(), Some(vec!["P".to_owned()]))])
        );
        // Waiting for something infrafix cannot name makes that list unknown, not empty.
        let unknown_target = format!("{CDK}fn.node.addDependency(cdk.Stack.of(stack));\n");
        assert_eq!(explicit(&unknown_target), Some(vec![("F".to_owned(), None)]));
        // A receiver that may be any resource makes every list unknown.
        let unknown_receiver =
            format!("{CDK}declare const handle: lambda.IFunction;\nhandle.node.addDependency(policy);\n");
        assert_eq!(explicit(&unknown_receiver), None);
    }
}
