//! The cloud graph of a Pulumi program or a CDK app.

mod apigateway;
mod element_reads;
mod iam;
mod runtimes;
mod shared_numbers;

pub(super) use apigateway::settings_key;

pub(super) use runtimes::{runtime_id_of_member, Spelling};

use crate::syntax::{kind_of, Fields};
use foldhash::HashMap;

use super::iteration::ElementRead;
use super::{Located, PolicyCache, Program, ResourceDecl, StringOrigin};
use crate::cloud::{
    ApiDeployment, ApiIntegration, ApiStage, DeployTarget, FunctionRole, IamRole, LambdaFunction, LambdaLayer,
    MessageTarget, MethodSettings, Multiplicity, QueueEventSource, Reservation, ResourceId, Site, Written,
};

/// How many callers up a reservation passed from parameter to parameter is followed.
const MAX_CALLERS_FOLLOWED: usize = 4;

/// A number a call passes for the reservation a helper receives, with the instances the call
/// makes.
struct PassedNumber<'tree> {
    value: Located<'tree>,
    instances: Option<u64>,
    /// The helper's default (`props.reserved ?? 60`), which applies where the number passed
    /// turns out `undefined` (`q.reserved` of an element that sets none).
    default: Option<Located<'tree>>,
}

impl From<Located<'_>> for Site {
    fn from(at: Located<'_>) -> Self {
        Site {
            file: at.file,
            range: at.node.byte_range(),
        }
    }
}

impl ResourceDecl<'_> {
    /// Where the resource is created, the `new` expression: how the graph names it to intents.
    pub(super) fn declared(&self) -> Site {
        Site {
            file: self.file,
            range: self.expression.byte_range(),
        }
    }
}

/// Each function's index in the graph, by its resource index.
fn function_indices(functions: &[LambdaFunction]) -> HashMap<ResourceId, usize> {
    functions
        .iter()
        .enumerate()
        .map(|(index, function)| (function.resource, index))
        .collect()
}

impl<'tree> Program<'tree> {
    pub(super) fn graph_functions(&self) -> Vec<LambdaFunction> {
        self.resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| resource.is_lambda_function())
            .map(|(index, resource)| self.lambda_function(index, resource))
            .collect()
    }

    pub(super) fn graph_layers(&self) -> Vec<LambdaLayer> {
        self.resources()
            .iter()
            .filter(|resource| resource.is_lambda_layer())
            .map(|resource| self.lambda_layer(resource))
            .collect()
    }

    pub(super) fn graph_roles(&self, functions: &[LambdaFunction], policies: &PolicyCache<'tree>) -> Vec<IamRole> {
        let roles = &self.role_instances().roles;
        // Per role, the functions running as it whose dependencies are known, with them.
        let mut running_as: Vec<Vec<(ResourceId, &[ResourceId])>> = vec![Vec::new(); roles.len()];
        for function in functions {
            let Some(listed) = &function.depends_on else {
                continue;
            };
            // A factory's function runs as the role of each call whose role is known.
            let mut roles: Vec<usize> = match function.role {
                Some(FunctionRole::Declared(role)) => vec![role],
                _ => function.role_per_call.iter().filter_map(|call| call.role).collect(),
            };
            roles.sort_unstable();
            roles.dedup();
            for role in roles {
                if let Some(running) = running_as.get_mut(role) {
                    running.push((function.resource, listed));
                }
            }
        }
        let framework_roles = self
            .framework_role_functions()
            .iter()
            .map(|&function| self.framework_role(function));
        roles
            .iter()
            .zip(&running_as)
            .map(|(&role, running)| self.iam_role(role, running, policies))
            .chain(framework_roles)
            .collect()
    }

    pub(super) fn graph_stages(&self) -> (Vec<ApiStage>, Vec<MethodSettings>) {
        let mut settings = Vec::new();
        let mut settings_by_resource = HashMap::default();
        for (index, resource) in self.resources().iter().enumerate() {
            if resource.is_aws(&["apigateway", "MethodSettings"]) {
                settings_by_resource.insert(index, settings.len());
                settings.push(self.method_settings(index, resource));
            }
        }
        let stages = self
            .resources()
            .iter()
            .enumerate()
            .filter(|(_, resource)| {
                resource.is_aws(&["apigateway", "Stage"]) || resource.is_aws(&["apigatewayv2", "Stage"])
            })
            .map(|(index, resource)| self.api_stage(index, resource, &settings_by_resource))
            .collect();
        (stages, settings)
    }

    pub(super) fn graph_integrations(&self, functions: &[LambdaFunction]) -> Vec<ApiIntegration> {
        self.api_integrations(&function_indices(functions))
    }

    pub(super) fn graph_deployments(&self) -> Vec<ApiDeployment> {
        self.api_deployments()
    }

    pub(super) fn graph_queue_event_sources(&self, functions: &[LambdaFunction]) -> Vec<QueueEventSource> {
        let functions = function_indices(functions);
        let mappings = self
            .resources()
            .iter()
            .filter(|resource| resource.is_aws(&["lambda", "EventSourceMapping"]))
            .flat_map(|mapping| self.queue_event_source(mapping, &functions));
        // The CDK's L2 mappings; its L1 ones are read above, as Pulumi's are.
        let l2_mappings = self
            .cdk_mappings()
            .iter()
            .filter(|mapping| {
                self.resource_at(mapping.made)
                    .is_none_or(|resource| !self.resources()[resource].is_aws(&["lambda", "EventSourceMapping"]))
            })
            .flat_map(|mapping| {
                self.mapped_functions(mapping.function)
                    .into_iter()
                    .flat_map(|function| self.queues_feeding(mapping.made, mapping.source, function, &functions))
                    .collect::<Vec<_>>()
            });
        let subscriptions = self
            .queue_subscriptions()
            .into_iter()
            .filter_map(|subscription| self.subscribed_queue(subscription, &functions));
        mappings.chain(l2_mappings).chain(subscriptions).collect()
    }

    pub(super) fn graph_message_targets(&self) -> Vec<MessageTarget> {
        (0..self.resources().len())
            .filter_map(|resource| {
                Some(MessageTarget {
                    target: self.resource_target(resource)?,
                    name: self.display_name(resource),
                })
            })
            .collect()
    }

    fn lambda_function(&self, index: usize, function: &ResourceDecl<'tree>) -> LambdaFunction {
        let instances = match self.instances(index) {
            // The CDK makes one SingletonFunction per stack and uuid, however many constructs
            // ask for it: how many there are depends on the stacks, which are not counted here.
            Some(count) if count > 1 && function.is_singleton_function() => Multiplicity::Unknown,
            Some(count) => Multiplicity::Exactly(count),
            None if function.is_singleton_function() => Multiplicity::Unknown,
            None => self
                .instances_at_least(index)
                .filter(|count| *count > 0)
                .map_or(Multiplicity::Unknown, Multiplicity::AtLeast),
        };
        let stacks = self.stacks_making(index);
        LambdaFunction {
            resource: index,
            name: self.display_name(index),
            at: Site {
                file: function.file,
                range: function.finding_range(),
            },
            declared: function.declared(),
            takes_handler: function.takes_handler(),
            hands_a_callback: function.hands_a_callback(),
            instances,
            branches: self.branches(index),
            reservations: self.in_deploy_targets(index, self.reservations(function, instances), instances),
            runtimes: self.function_runtimes(function, &stacks),
            stacks,
            handler: self.sole_handler(function),
            code: self.code_package(function),
            role: self.function_role(index),
            role_per_call: self.function_role_per_call(function),
            dead_letter: self.dead_letter(function),
            depends_on: self.listed_dependencies(index, function),
        }
    }

    /// For a reservation a helper receives as a parameter (`reserved`), or as a property of one
    /// (`props.reserved`, `props.reserved ?? 60`, also through a const or a destructuring
    /// `const { reserved = 60 } = props`): each call's number with the instances that call
    /// makes. A call that passes nothing (or `undefined`) takes the default; with none, it reserves
    /// nothing (`reservedConcurrentExecutions: undefined` is no reservation) and has no entry. A
    /// call whose value cannot be told (an object infrafix cannot read, a spread argument) makes
    /// every share unknown (it would fall to the others). `None` when the value is not read from a
    /// parameter.
    ///
    /// `inherited` is the default of the function the value is passed on to, which applies where
    /// this value is left out (`fn(n, r)` for `reserved ?? 250` in `fn`); `callers` counts the
    /// hands the value has passed through.
    fn reservations_passed_in(
        &self,
        value: Located<'tree>,
        instances: Multiplicity,
        inherited: Option<Located<'tree>>,
        callers: usize,
    ) -> Option<Vec<PassedNumber<'tree>>> {
        // `const reserved = props.reserved ?? 60` in the helper reads the parameter too.
        let (read, default) = self.read_and_default(self.written_value(value));
        let (parameter, key) = self.object_and_key(read)?;
        let default = default
            .or_else(|| key.is_none().then(|| self.parameter_default(parameter)).flatten())
            .or(inherited);
        self.numbers_passed(parameter, key, default, instances, callers)
    }

    /// What each call passes for `parameter` (its `key` property, when given), or `default`
    /// where the call leaves it out, with the instances that call makes. A call passing on what
    /// its own caller gave it (`this.makeWorker(name, args)` for `args.reserved`, or
    /// `args.reserved ?? 50` for `reserved`) stands for what each of those calls passes,
    /// followed `MAX_CALLERS_FOLLOWED` callers up.
    fn numbers_passed(
        &self,
        parameter: Located<'tree>,
        key: Option<&str>,
        default: Option<Located<'tree>>,
        instances: Multiplicity,
        callers: usize,
    ) -> Option<Vec<PassedNumber<'tree>>> {
        /// What one call passes: a value (or nothing), or its caller's object, passed on.
        enum Passed<'tree> {
            Value(Option<Located<'tree>>),
            PassedOn(Located<'tree>),
        }
        let calls = self
            .arguments_per_call(parameter)?
            .into_iter()
            .map(|passed| {
                let written = match (key, passed.argument) {
                    (Some(key), Some(argument)) => match self.property(argument, key) {
                        Some(property) => Some(property.value),
                        None if self.surely_lacks(argument, key) => None,
                        None if callers < MAX_CALLERS_FOLLOWED
                            && self.arguments_per_call(self.unwrapped(argument)).is_some() =>
                        {
                            return Some((passed.call, Passed::PassedOn(self.unwrapped(argument))));
                        }
                        None => return None,
                    },
                    // `props.reserved` when the call passes no `props` and it has no default.
                    (Some(_), None) => None,
                    (None, argument) => argument,
                };
                // `undefined`, or `0` under `props.reserved || 60`, takes the default.
                let written = written.filter(|written| match default {
                    Some(default) => !self.falls_back(default, *written),
                    None => !self.is_undefined(*written),
                });
                Some((passed.call, Passed::Value(written.or(default))))
            })
            .collect::<Option<Vec<_>>>()?;
        let mut numbers = Vec::new();
        for (passed, share) in self.shares_of_calls(calls, instances)? {
            match passed {
                Passed::Value(Some(value))
                    if callers < MAX_CALLERS_FOLLOWED && self.largest_number_value(value).is_none() =>
                {
                    match self.reservations_passed_in(value, share.into(), default, callers + 1) {
                        Some(passed_on) => numbers.extend(passed_on),
                        // An element's number (`q.reserved`) that is `undefined` takes the default.
                        None => numbers.push(PassedNumber {
                            value,
                            instances: share,
                            default,
                        }),
                    }
                }
                Passed::Value(number) => numbers.extend(number.map(|value| PassedNumber {
                    value,
                    instances: share,
                    default: None,
                })),
                Passed::PassedOn(object) => {
                    numbers.extend(self.numbers_passed(object, key, default, share.into(), callers + 1)?);
                }
            }
        }
        Some(numbers)
    }

    /// The reservations of a function whose arguments are its caller's (see
    /// `runtimes_passed_through`): the number each call passes, for the instances that call makes.
    fn reservations_passed_through(&self, function: &ResourceDecl<'tree>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(args) = function.args() else {
            return Vec::new();
        };
        let objects = self
            .passed_through_objects(args)
            .into_iter()
            .map(|passed| (passed.call, passed))
            .collect();
        self.shares_of_calls(objects, instances)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(passed, share)| {
                let written = self.handed_on_property(&passed, "reservedConcurrentExecutions")?;
                Some(self.reservation(written.value, share.into(), Some(written.value), false))
            })
            .collect()
    }

    /// The reservations of a function whose construct writes its reservation before a spread of
    /// its caller's props (`{ reservedConcurrentExecutions: 400, ...props }`): the number each
    /// call passes, and the one written for the instances of the calls that pass none. `None`
    /// when no such spread follows, or its calls cannot all be read or counted.
    fn reservations_replacing_default(
        &self,
        function: &ResourceDecl<'tree>,
        default: Located<'tree>,
        instances: Multiplicity,
    ) -> Option<Vec<Reservation>> {
        const KEY: &str = "reservedConcurrentExecutions";
        let calls: Vec<_> = self
            .calls_replacing_default(function, KEY)?
            .into_iter()
            .map(|passed| (passed.call, passed))
            .collect();
        let mut reservations = Vec::new();
        // The calls taking the default share its one place: their instances add up there.
        let mut default_instances: Option<Option<u64>> = None;
        for (passed, share) in self.shares_of_calls(calls, instances)? {
            match self.handed_on_property(&passed, KEY) {
                Some(written) => {
                    reservations.push(self.reservation(written.value, share.into(), Some(written.value), false))
                }
                None => {
                    default_instances = Some(match default_instances {
                        None => share,
                        Some(sum) => sum.zip(share).map(|(sum, share)| sum + share),
                    });
                }
            }
        }
        if let Some(share) = default_instances {
            reservations.push(self.reservation(default, share.into(), None, false));
        }
        Some(reservations)
    }

    /// The reservation read at `read`: its number (the larger side of a `?:`) and where it is
    /// written, which a fix may not change where a const holding it is read by other settings
    /// too, or where `kept` already says so.
    fn reservation(
        &self,
        read: Located<'tree>,
        instances: Multiplicity,
        element_read_at: Option<Located<'tree>>,
        kept: bool,
    ) -> Reservation {
        let number = self.largest_number_value(read);
        Reservation {
            kept: kept
                || number
                    .as_ref()
                    .is_some_and(|(_, written)| self.number_read_besides_reservations(*written)),
            configured: match number {
                Some(_) => None,
                None => self
                    .configured_numbers(read)
                    .or_else(|| self.numbers_chosen_by_stack(read)),
            },
            value: number.map(|(value, at)| Written { value, at: at.into() }),
            instances,
            element_read_at: element_read_at.map(Into::into),
            target: DeployTarget::default(),
        }
    }

    /// Each call of a function with a value it passes, and the instances the call makes: the
    /// function's instances shared out in proportion to how often each call runs (loops inside
    /// the function multiply every call alike). `None` when how often a call runs is unknown.
    fn shares_of_calls<Value>(
        &self,
        calls: Vec<(Located<'tree>, Value)>,
        instances: Multiplicity,
    ) -> Option<Vec<(Value, Option<u64>)>> {
        let runs: Vec<u64> = calls
            .iter()
            .map(|(call, _)| self.times_evaluated(*call))
            .collect::<Option<_>>()?;
        let total_runs: u64 = runs.iter().sum();
        let each_call = instances
            .known()
            .filter(|total| total_runs > 0 && total % total_runs == 0)
            .map(|total| total / total_runs);
        Some(
            calls
                .into_iter()
                .zip(runs)
                .map(|((_, value), runs)| (value, each_call.map(|each| each * runs)))
                .collect(),
        )
    }

    /// The handler, when it is one string written out.
    fn sole_handler(&self, function: &ResourceDecl<'tree>) -> Option<String> {
        let handler = self.property(function.args()?, "handler")?;
        match self.sole_string_origin(handler.value)? {
            StringOrigin::Literal { value, .. } => Some(value),
            StringOrigin::PackageMember { .. } => None,
        }
    }

    /// `reservedConcurrentExecutions`: one number, or one per element when the function reads it
    /// from the elements of the collection it is made for (`tenant.reserved`), or one per call
    /// when a helper or construct receives it as a parameter (`reservedFn(this, "Ingest", 100)`).
    fn reservations(&self, function: &ResourceDecl<'tree>, instances: Multiplicity) -> Vec<Reservation> {
        let Some(written) = function
            .args()
            .and_then(|args| self.property(args, "reservedConcurrentExecutions"))
        else {
            return self.reservations_passed_through(function, instances);
        };
        if let Some(reservations) = self.reservations_replacing_default(function, written.value, instances) {
            return reservations;
        }
        if self.largest_number_value(written.value).is_none() {
            if let Some(shares) = self.reservations_passed_in(written.value, instances, None, 1) {
                // A call in a loop may pass each element's number (`new Worker(…, { reserved:
                // q.reserved })`).
                return shares
                    .into_iter()
                    .flat_map(|passed| {
                        self.reservations_per_element(
                            passed.value,
                            passed.instances.into(),
                            written.value,
                            passed.default,
                        )
                    })
                    .collect();
            }
        }
        self.reservations_per_element(written.value, instances, written.value, None)
    }

    /// The reservation `read` gives, or, where it reads the element of a loop (`s.reserved`),
    /// one per element with its share of the instances; `read_at` is where the function reads it.
    /// With a default (`s.reserved ?? 100`, or `inherited`, that of the helper `s.reserved` is
    /// passed to), the elements that write no number share the default's one place.
    fn reservations_per_element(
        &self,
        read: Located<'tree>,
        instances: Multiplicity,
        read_at: Located<'tree>,
        inherited: Option<Located<'tree>>,
    ) -> Vec<Reservation> {
        let known = self.largest_number_value(read);
        // `const reserved = s.reserved ?? 100` in the loop reads the element too.
        let (element_read, default) = self.read_and_default(self.written_value(read));
        let default = default.or(inherited);
        match self
            .element_values_beside_unread(element_read)
            .filter(|_| known.is_none())
        {
            Some((elements, unread)) => {
                // The loop over the collection (with the calls passing it, for one a function
                // receives) is counted in the instances: each element's number serves the
                // instances of the runs that write it. An element without one reserves nothing,
                // or the default.
                let runs: Option<u64> = elements.iter().map(|element| element.runs).sum();
                let per_run = instances
                    .at_least()
                    .zip(runs)
                    .filter(|(count, runs)| *runs > 0 && count % runs == 0)
                    .map(|(count, runs)| count / runs);
                // Where a loop around the function also goes over elements infrafix cannot read,
                // an element's instances are a lower bound too.
                let share = |each: Option<u64>| match (instances, each) {
                    (Multiplicity::AtLeast(_), Some(each)) => Multiplicity::AtLeast(each),
                    (_, each) => Multiplicity::from(each),
                };
                let mut reservations = Vec::new();
                // The instances of the elements taking the default: they add up at its one place.
                let mut defaulted: Option<Option<u64>> = None;
                for element in elements {
                    let each = per_run.zip(element.runs).map(|(per_run, runs)| per_run * runs);
                    match element.read {
                        ElementRead::Written(value)
                            if default.is_none_or(|default| !self.falls_back(default, value)) =>
                        {
                            // An element other code reads through its const keeps its number:
                            // the reservation asks that of the const holding it.
                            reservations.push(self.reservation(value, share(each), Some(read_at), false));
                        }
                        ElementRead::Written(_) | ElementRead::Lacking if default.is_some() => {
                            defaulted = Some(match defaulted {
                                None => each,
                                Some(sum) => sum.zip(each).map(|(sum, each)| sum + each),
                            });
                        }
                        ElementRead::Written(_) | ElementRead::Lacking => {}
                        // A call passing a collection read from configuration: as many
                        // unknown reservations as it has elements.
                        ElementRead::Unknown => {
                            reservations.push(self.reservation(read, Multiplicity::Unknown, Some(read_at), false))
                        }
                    }
                }
                if let Some((default, each)) = default.zip(defaulted) {
                    reservations.push(self.reservation(default, share(each), Some(read_at), false));
                }
                // The elements that cannot be read: their numbers, and how many there are, are
                // unknown.
                if unread {
                    reservations.push(self.reservation(read, Multiplicity::Unknown, Some(read_at), false));
                }
                reservations
            }
            _ => vec![self.reservation(read, instances, (read != read_at).then_some(read_at), false)],
        }
    }

    /// Whether `value` gives way to `default` (`100` of `s.reserved ?? 100`, of a parameter's
    /// `reserved = 100`): `undefined` or `null` does, and `0` too where the default follows `||`,
    /// as JavaScript reads it (`??` keeps `0`).
    fn falls_back(&self, default: Located<'tree>, value: Located<'tree>) -> bool {
        let or = default.node.parent().is_some_and(|fallback| {
            kind_of(fallback) == "binary_expression"
                && fallback.field("right") == Some(default.node)
                && fallback
                    .field("operator")
                    .is_some_and(|operator| kind_of(operator) == "||")
        });
        self.gives_way(value, or)
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::{CloudGraph, DeadLetter, FunctionRole, HandlerPlace, Multiplicity};
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::TypeScriptFrontEnd;

    /// Hands the graph of a project given as (path, text) pairs to `check`, with the texts.
    fn with_graph(files: &[(&str, &str)], check: impl FnOnce(&CloudGraph, &[&str])) {
        let texts: Vec<&str> = files.iter().map(|(_, text)| *text).collect();
        with_program(files, |program| {
            let front_end = TypeScriptFrontEnd::new(program);
            check(&CloudGraph::new(&front_end), &texts);
        });
    }

    const ROLES: &str = r#"import * as aws from "@pulumi/aws";
export const role = new aws.iam.Role("worker-role", { assumeRolePolicy: "{}" });
export const dlq = new aws.sqs.Queue("dlq", { name: "orders-dlq" });
export const logs = new aws.iam.RolePolicyAttachment("logs", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});
"#;

    const FUNCTIONS: &str = r#"import * as aws from "@pulumi/aws";
import * as iam from "./iam";
const tenants = ["a", "b", "c"];
for (const tenant of tenants) {
    new aws.lambda.Function(`worker-${tenant}`, {
        runtime: aws.lambda.Runtime.Go1dx,
        role: iam.role.arn,
        reservedConcurrentExecutions: 50,
        deadLetterConfig: { targetArn: iam.dlq.arn },
    }, { dependsOn: [iam.logs] });
}
export const api = new aws.lambda.Function("api", { runtime: "nodejs16.x", role: process.env.ROLE_ARN as string });
"#;

    #[test]
    fn functions_across_modules_carry_their_values_edges_and_multiplicity() {
        with_graph(&[("iam.ts", ROLES), ("index.ts", FUNCTIONS)], |graph, texts| {
            assert_eq!(graph.functions().len(), 2);
            let [worker, api] = [&graph.functions()[0], &graph.functions()[1]];

            // Three tenants make three functions, each reserving 50, written once.
            assert_eq!(worker.instances, Multiplicity::Exactly(3));
            let reservation = worker
                .reservations
                .first()
                .and_then(|r| r.value.as_ref())
                .expect("known");
            assert_eq!(reservation.value, 50);
            assert_eq!(&texts[reservation.at.file][reservation.at.range.clone()], "50");

            // The runtime is known by its id, written where the enum member is; the handler is
            // missing and may be added beside the runtime.
            let runtime = &worker.runtimes[0];
            assert_eq!(runtime.id, "go1.x");
            assert_eq!(&texts[1][runtime.written.range.clone()], "aws.lambda.Runtime.Go1dx");
            assert!(matches!(runtime.handler, Some(HandlerPlace::Missing { .. })));

            // Edges reach into the other module: the role, its attachment, the dead-letter queue.
            let Some(FunctionRole::Declared(role)) = worker.role else {
                panic!("the role is declared in iam.ts: {:?}", worker.role);
            };
            let role = &graph.roles()[role];
            assert_eq!(role.name, "`role`");
            assert_eq!(role.attachments.len(), 1);
            assert_eq!(worker.depends_on.as_deref(), Some(&[role.attachments[0].resource][..]));
            assert!(role
                .grants
                .managed
                .iter()
                .any(|policy| policy.name == "AWSLambdaBasicExecutionRole"));
            assert!(
                matches!(&worker.dead_letter, DeadLetter::Resource(reference) if reference.attribute.as_deref() == Some("arn"))
            );

            // A role from the environment is unknown, and never edited.
            assert_eq!(api.role, Some(FunctionRole::Unknown));
            assert_eq!(api.instances, Multiplicity::Exactly(1));
            assert_eq!(api.runtimes[0].id, "nodejs16.x");
        });
    }

    #[test]
    fn a_shared_const_runtime_is_one_value_for_every_function_reading_it() {
        let text = r#"import * as aws from "@pulumi/aws";
const runtime = "go1.x";
new aws.lambda.Function("a", { runtime, handler: "main", role: "r" });
new aws.lambda.Function("b", { runtime: runtime, handler: "main", role: "r" });
new aws.lambda.LayerVersion("layer", { compatibleRuntimes: [runtime, "provided.al2"] });
"#;
        with_graph(&[("index.ts", text)], |graph, _| {
            let shared: Vec<_> = graph
                .functions()
                .iter()
                .map(|function| &function.runtimes[0].shared)
                .collect();
            assert_eq!(shared[0], shared[1]);
            let entries = &graph.layers()[0].compatible_runtimes;
            assert_eq!(entries.len(), 2);
            assert_eq!(&entries[0].runtimes[0].shared, shared[0]);
            assert_eq!(entries[1].sole_id.as_deref(), Some("provided.al2"));
            // A handler written in the function's own arguments is its own to change.
            assert!(
                matches!(&graph.functions()[0].runtimes[0].handler, Some(HandlerPlace::Written(literals)) if literals.iter().all(|(_, own)| *own))
            );
        });
    }
}
