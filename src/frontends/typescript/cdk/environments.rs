//! Where a CDK app's stacks deploy: the `env` a stack or stage is constructed with (`new
//! OrdersStack(app, "Prod", { env: { account: "222222222222", region: "eu-west-1" } })`), which
//! the resources its constructor makes (itself, or through constructs and helpers it calls) take.
//! A stack given no `env` takes its stage's, field by field; one outside any stage with none is
//! environment-agnostic and deploys wherever the CLI's credentials point. Reserved concurrency is
//! budgeted per account and region, so a function's instances are counted in the account and
//! region of the stack that makes each. The `env` is read for each run of the construction apart
//! (see `runs`): one loop element, one call of the stage or helper around it.

use std::collections::BTreeMap;

use super::super::{named_children, Located, Package, Program, StringOrigin};
use super::run_values::Held;
use super::runs::Frame;
use crate::cloud::{DeployTarget, Multiplicity, Reservation};
use crate::syntax::{kind_of, named_descendants, Fields};

/// How many classes up a program class is followed to the CDK's `Stack` or `Stage`.
const MAX_CLASS_DEPTH: usize = 8;

/// The CDK classes whose `env` the resources made in them take.
const CLASSES_WITH_ENV: [&str; 2] = ["Stack", "Stage"];

/// How many instances run in each account and region.
pub(super) type DeployTargets = BTreeMap<DeployTarget, u64>;

/// One field (`account`, `region`) of the `env` a stack or stage is constructed with.
pub(super) enum EnvField {
    /// Not written: the enclosing stage's, or unknown outside every stage.
    Inherited,
    /// Written out.
    Known(String),
    /// Written as something known only at synth or deploy (`process.env.CDK_DEFAULT_ACCOUNT`,
    /// a context value).
    Unknown,
}

impl EnvField {
    /// This field over what encloses the construction.
    pub(super) fn over(&self, enclosing: Option<String>) -> Option<String> {
        match self {
            EnvField::Inherited => enclosing,
            EnvField::Known(value) => Some(value.clone()),
            EnvField::Unknown => None,
        }
    }
}

impl<'tree> Program<'tree> {
    /// A CDK or Pulumi function's reservations, each in the account and region its instances
    /// deploy to (a Pulumi one's provider's region, see `provider_regions`). All of them in one
    /// where the function's instances all deploy to one; otherwise a reservation every instance
    /// makes is split into one per account and region, and one that only some make (a number
    /// each stack construction passes, an element's number) keeps no target: it counts in every
    /// account.
    pub(in super::super) fn in_deploy_targets(
        &self,
        function: usize,
        reservations: Vec<Reservation>,
        instances: Multiplicity,
    ) -> Vec<Reservation> {
        let declared = &self.resources()[function];
        if reservations.is_empty() {
            return reservations;
        }
        let made = Located {
            file: declared.file,
            node: declared.expression,
        };
        let targets = match declared.class.package {
            Package::Cdk => self.deploy_targets(made),
            Package::Aws => self.provider_regions(declared, made),
            _ => None,
        };
        let Some(targets) = targets else {
            return reservations;
        };
        if let (1, Some(target)) = (targets.len(), targets.keys().next()) {
            return reservations
                .into_iter()
                .map(|reservation| Reservation {
                    target: target.clone(),
                    ..reservation
                })
                .collect();
        }
        if instances.known() != Some(targets.values().sum()) {
            return reservations;
        }
        reservations
            .into_iter()
            .flat_map(|reservation| match reservation.instances == instances {
                true => targets
                    .iter()
                    .map(|(target, count)| Reservation {
                        instances: Multiplicity::Exactly(*count),
                        target: target.clone(),
                        ..reservation.clone()
                    })
                    .collect(),
                false => vec![reservation],
            })
            .collect()
    }

    /// How many times an expression runs in each account and region; `None` where that is not
    /// known.
    fn deploy_targets(&self, expression: Located<'tree>) -> Option<DeployTargets> {
        let mut targets = DeployTargets::new();
        for run in self.runs(expression, false)? {
            let sum = targets.entry(run.target).or_default();
            *sum = sum.checked_add(run.count)?;
        }
        Some(targets)
    }

    /// The `env` fields a construction gives the stack or stage it makes, read for one run of
    /// it: `None` when it makes neither.
    pub(super) fn constructed_env(&self, call: Located<'tree>, frame: &Frame<'tree>) -> Option<(EnvField, EnvField)> {
        if kind_of(call.node) != "new_expression" {
            return None;
        }
        let class = call.with(call.node.field("constructor")?);
        let sets_its_own = self.stack_class_setting_env(class)?;
        if sets_its_own {
            // The class writes its own `env` into what it hands the CDK: not read.
            return Some((EnvField::Unknown, EnvField::Unknown));
        }
        let Some(&props) = self.call_arguments(call).get(2) else {
            return Some((EnvField::Inherited, EnvField::Inherited));
        };
        let env = self.held_property(self.held(props, frame), "env");
        Some((self.env_field(&env, "account"), self.env_field(&env, "region")))
    }

    fn env_field(&self, env: &Held<'tree>, name: &str) -> EnvField {
        match env {
            Held::Undefined => return EnvField::Inherited,
            Held::Unknown => return EnvField::Unknown,
            Held::Value(..) => {}
        }
        match self.held_property(env.clone(), name) {
            Held::Undefined => EnvField::Inherited,
            Held::Value(value, _) => match self.sole_string_origin(value) {
                Some(StringOrigin::Literal { value, .. }) => EnvField::Known(value),
                _ => EnvField::Unknown,
            },
            Held::Unknown => EnvField::Unknown,
        }
    }

    /// Whether `class` is the CDK's `Stack` or `Stage`, or a class of the program extending one:
    /// `Some(true)` when one of the program's classes on the way writes an `env` of its own into
    /// its `super(…)` call, `None` when it is neither.
    fn stack_class_setting_env(&self, class: Located<'tree>) -> Option<bool> {
        let mut class = class;
        let mut sets_env = false;
        for _ in 0..MAX_CLASS_DEPTH {
            if let Some(member) = self.package_member(class) {
                let is_stack = member.package == Package::Cdk
                    && member
                        .path
                        .last()
                        .is_some_and(|name| CLASSES_WITH_ENV.contains(&name.as_str()));
                return is_stack.then_some(sets_env);
            }
            if kind_of(class.node) != "identifier" {
                return None;
            }
            let declaration = self.class_named(class)?;
            sets_env |= !self.super_calls_hand_on_env(declaration);
            class = named_children(declaration.node)
                .find(|child| kind_of(*child) == "class_heritage")
                .and_then(|heritage| named_children(heritage).find(|clause| kind_of(*clause) == "extends_clause"))
                .and_then(|clause| clause.field("value"))
                .map(|value| declaration.with(value))?;
        }
        None
    }

    /// Whether every `super(…)` call of a class hands its caller's `env` on: the third argument
    /// is the constructor's own props parameter, or an object spreading it with no `env` key of
    /// its own. A class without a constructor hands on what it is given. Anything else (the
    /// props left out, an `env` written in, props a helper rebuilds) places the stack where
    /// infrafix does not follow.
    fn super_calls_hand_on_env(&self, class: Located<'tree>) -> bool {
        let props_parameter = self.constructor_props_parameter(class);
        named_descendants(class.node)
            .filter(|node| kind_of(*node) == "call_expression")
            .filter(|call| {
                call.field("function")
                    .is_some_and(|function| kind_of(function) == "super")
            })
            .all(|call| {
                let arguments = self.call_arguments(class.with(call));
                let Some((&props, parameter)) = arguments.get(2).zip(props_parameter) else {
                    return false;
                };
                let is_parameter = |node| kind_of(node) == "identifier" && self.text(props.with(node)) == parameter;
                match kind_of(props.node) {
                    "identifier" => is_parameter(props.node),
                    "object" => {
                        let members: Vec<_> = named_children(props.node).collect();
                        let spreads_parameter = members.iter().any(|member| {
                            kind_of(*member) == "spread_element"
                                && named_children(*member).next().is_some_and(is_parameter)
                        });
                        spreads_parameter && !members.iter().any(|member| self.is_env_key(props.with(*member)))
                    }
                    _ => false,
                }
            })
    }

    /// Whether an object member is `env: …` or `env`.
    fn is_env_key(&self, member: Located<'tree>) -> bool {
        let key = match kind_of(member.node) {
            "pair" => member.node.field("key"),
            "shorthand_property_identifier" => Some(member.node),
            _ => None,
        };
        key.is_some_and(|key| self.text(member.with(key)).trim_matches(['"', '\'']) == "env")
    }

    /// The name of a class constructor's third parameter, its props (`props` in
    /// `constructor(scope: Construct, id: string, props?: StackProps)`).
    fn constructor_props_parameter(&self, class: Located<'tree>) -> Option<&'tree str> {
        let body = class.node.field("body")?;
        let constructor = named_children(body).find(|member| {
            kind_of(*member) == "method_definition"
                && member
                    .field("name")
                    .is_some_and(|name| self.text(class.with(name)) == "constructor")
        })?;
        let parameter = named_children(constructor.field("parameters")?)
            .filter(|parameter| matches!(kind_of(*parameter), "required_parameter" | "optional_parameter"))
            .nth(2)?;
        let pattern = parameter
            .field("pattern")
            .filter(|pattern| kind_of(*pattern) == "identifier")?;
        Some(self.text(class.with(pattern)))
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::Located;

    const STACK: &str = "import * as cdk from \"aws-cdk-lib\";\nimport * as lambda from \"aws-cdk-lib/aws-lambda\";\nexport class Api extends cdk.Stack {\n    constructor(scope: any, id: string, props?: cdk.StackProps) {\n        super(scope, id, props);\n        new lambda.Function(this, \"Fn\", { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\"), reservedConcurrentExecutions: 600 });\n    }\n}\n";

    /// Where the app's one function deploys: `account/region` (`?` where not named) and how many
    /// instances there, or `None` when not known.
    fn function_targets(app: &str) -> Option<Vec<String>> {
        let mut found = None;
        with_program(&[("lib/api.ts", STACK), ("bin/app.ts", app)], |program| {
            let function = (0..program.resources().len())
                .find(|&index| program.resources()[index].is_lambda_function())
                .expect("the stack makes a function");
            let declared = &program.resources()[function];
            let made = Located {
                file: declared.file,
                node: declared.expression,
            };
            found = program.deploy_targets(made).map(|targets| {
                targets
                    .into_iter()
                    .map(|(target, count)| {
                        let field = |value: Option<String>| value.unwrap_or_else(|| "?".to_owned());
                        format!("{}/{} x{count}", field(target.account), field(target.region))
                    })
                    .collect()
            });
        });
        found
    }

    const HEADER: &str =
        "import * as cdk from \"aws-cdk-lib\";\nimport { Api } from \"../lib/api\";\nconst app = new cdk.App();\n";

    #[test]
    fn a_stage_forwarding_its_props_places_each_stack_in_the_stages_env() {
        let app = format!(
            "{HEADER}class Env extends cdk.Stage {{\n    constructor(scope: any, id: string, props?: cdk.StageProps) {{\n        super(scope, id, props);\n        new Api(this, \"Api\", {{ env: props?.env }});\n        new Api(this, \"Copy\", {{ ...props, description: id }});\n    }}\n}}\nnew Env(app, \"Dev\", {{ env: {{ account: \"111\", region: \"eu-west-1\" }} }});\nnew Env(app, \"Prod\", {{ env: {{ account: \"222\", region: \"eu-west-1\" }} }});\n"
        );
        assert_eq!(
            function_targets(&app),
            Some(vec!["111/eu-west-1 x2".to_owned(), "222/eu-west-1 x2".to_owned()])
        );
    }

    #[test]
    fn each_element_of_a_loop_and_each_call_of_a_helper_is_its_own_run() {
        let looped = format!(
            "{HEADER}const TARGETS = [{{ account: \"111\", region: \"us-east-1\" }}, {{ account: \"111\", region: \"us-east-1\" }}, {{ account: \"333\", region: \"us-east-1\" }}];\nfor (const t of TARGETS) {{\n    new Api(app, t.account, {{ env: {{ account: t.account, region: t.region }} }});\n}}\n"
        );
        assert_eq!(
            function_targets(&looped),
            Some(vec!["111/us-east-1 x2".to_owned(), "333/us-east-1 x1".to_owned()])
        );
        let helper = format!(
            "{HEADER}function deployTo(name: string, account: string, region = \"us-east-1\") {{\n    return new Api(app, name, {{ env: {{ account, region }} }});\n}}\ndeployTo(\"Dev\", \"111\");\ndeployTo(\"Prod\", \"333\", \"eu-west-1\");\n"
        );
        assert_eq!(
            function_targets(&helper),
            Some(vec!["111/us-east-1 x1".to_owned(), "333/eu-west-1 x1".to_owned()])
        );
    }

    #[test]
    fn a_record_looked_up_by_the_loop_key_gives_each_run_its_entry() {
        let record = "const STAGES: Record<string, cdk.Environment> = {\n    Dev: { account: \"111\", region: \"us-east-1\" },\n    Qa: { account: \"111\", region: \"us-east-1\" },\n    Prod: { account: \"333\", region: \"eu-west-1\" },\n};\n";
        let helper =
            "function deployTo(name: string, env: cdk.Environment) {\n    return new Api(app, name, { env });\n}\n";
        for lookup in [
            "for (const name of Object.keys(STAGES)) {\n    new Api(app, name, { env: STAGES[name] });\n}\n".to_owned(),
            "for (const name in STAGES) {\n    new Api(app, name, { env: { account: STAGES[name].account, region: STAGES[name].region } });\n}\n".to_owned(),
            format!("{helper}for (const name of Object.keys(STAGES)) {{\n    deployTo(name, STAGES[name]);\n}}\n"),
        ] {
            assert_eq!(
                function_targets(&format!("{HEADER}{record}{lookup}")),
                Some(vec!["111/us-east-1 x2".to_owned(), "333/eu-west-1 x1".to_owned()]),
                "{lookup}"
            );
        }
        // A key a helper's call passes; a shorthand key names the key, not the const it reads.
        let passed = format!("{HEADER}{record}function stage(name: string) {{\n    return new Api(app, name, {{ env: STAGES[name] }});\n}}\nstage(\"Qa\");\nstage(\"Prod\");\n");
        assert_eq!(
            function_targets(&passed),
            Some(vec!["111/us-east-1 x1".to_owned(), "333/eu-west-1 x1".to_owned()])
        );
        let shorthand = format!("{HEADER}const Dev = {{ account: \"111\", region: \"us-east-1\" }};\nconst Prod = {{ account: \"333\", region: \"eu-west-1\" }};\nconst BY_NAME = {{ Dev, Prod }};\nfor (const name in BY_NAME) {{\n    new Api(app, name, {{ env: BY_NAME[name as keyof typeof BY_NAME] }});\n}}\n");
        assert_eq!(
            function_targets(&shorthand),
            Some(vec!["111/us-east-1 x1".to_owned(), "333/eu-west-1 x1".to_owned()])
        );
    }

    #[test]
    fn an_env_that_cannot_be_read_names_no_account_or_region() {
        let app = format!(
            "{HEADER}declare function loadEnv(name: string): cdk.Environment;\nfor (const name of [\"dev\", \"prod\"]) {{\n    new Api(app, name, {{ env: loadEnv(name) }});\n}}\nnew Api(app, \"Ci\", {{ env: {{ account: process.env.CDK_DEFAULT_ACCOUNT, region: \"us-east-1\" }} }});\n"
        );
        assert_eq!(
            function_targets(&app),
            Some(vec!["?/? x2".to_owned(), "?/us-east-1 x1".to_owned()])
        );
    }
}
