//! How many times a resource declaration runs: once, or once per iteration of the loops around
//! it when their bounds are written out (`for (const x of ["a", "b"])`, `for (let i = 0; i < 3;
//! i++)`, `["a", "b"].map(…)`, a loop over a const array or the entries of a const record, see
//! `iteration`), and once per call of the helper function or construction of the class (a Pulumi
//! component, a CDK stack or construct) it stands in, when the project's calls of it are all
//! counted; a function no call names runs as its invocation where it is written does, or once
//! when it is the program's exported entry point (see `entry_points`). Anything else that may run it several times (a helper nothing in the project calls, a
//! method, a loop over a parameter or a changed array) makes the count unknown.

use tree_sitter::Node;

use super::{scope, Located, Program, ResourceDecl};
use crate::syntax::{kind_of, Fields};

/// A call of one of the program's functions, by its file and start: the instance of a resource
/// the function makes that a value read through the call stands for.
pub(super) type InstanceCall = (usize, usize);

/// Where an expression runs, and how often each time that code runs.
pub(super) enum BodyRuns<'tree> {
    /// In the program's own code, outside every function: this many times.
    Program(u64),
    /// `count` times per run of `function`; `per_call` is a loop over a collection `function`
    /// receives, which stands for the function's runs (see `times_run`).
    Function {
        count: u64,
        function: Located<'tree>,
        per_call: Option<(Node<'tree>, u64)>,
    },
}

/// How many variables a value is followed through to the call it came from.
const MAX_HOPS: usize = 16;

impl<'tree> Program<'tree> {
    /// Whether `resource` is made together with `function`: in its file, by the same run of the
    /// same loop or function.
    pub(super) fn made_together(&self, resource: usize, function: usize) -> bool {
        let (resource, function) = (&self.resources()[resource], &self.resources()[function]);
        resource.file == function.file && self.repeating_body(resource) == self.repeating_body(function)
    }

    /// The nearest function or loop around a resource's `new`: the code that makes it as often as
    /// it runs (an arrow's expression body has no statement of its own). Two resources with the
    /// same one are made together.
    pub(super) fn repeating_body(&self, resource: &ResourceDecl<'tree>) -> Option<Node<'tree>> {
        self.repeating_body_at(Located {
            file: resource.file,
            node: resource.expression,
        })
    }

    /// The same for any expression.
    pub(super) fn repeating_body_at(&self, made: Located<'tree>) -> Option<Node<'tree>> {
        self.ancestors(made).into_iter().find(|node| {
            let kind = kind_of(*node);
            scope::FUNCTIONS.contains(&kind) || scope::LOOPS.contains(&kind)
        })
    }

    /// The call of a program function an expression's value comes out of, following members and
    /// consts: `makeRole("audit")` for `auditRole.arn` after `const auditRole = makeRole("audit")`,
    /// or for `audit.role.id` after `const audit = makeRoles("audit")`, or the construction of a
    /// class of the program (`pollerExec.role.attrArn` after `const pollerExec = new
    /// ExecRole(…)`). A helper called twice makes two roles out of one declaration; the call
    /// says which one a value reads.
    pub(super) fn instance_call(&self, at: Located<'tree>) -> Option<InstanceCall> {
        let mut current = self.unwrapped(at);
        for _ in 0..MAX_HOPS {
            current = match kind_of(current.node) {
                "member_expression" => current.with(current.node.field("object")?),
                "identifier" | "shorthand_property_identifier" => self.const_value(current)?,
                "call_expression" => {
                    self.function_named(current.with(current.node.field("function")?))?;
                    return Some((current.file, current.node.start_byte()));
                }
                // A construct or component class of the program, constructed more than once.
                "new_expression" => {
                    let class = current.with(current.node.field("constructor")?);
                    (kind_of(class.node) == "identifier")
                        .then(|| self.class_named(class))
                        .flatten()?;
                    return Some((current.file, current.node.start_byte()));
                }
                _ => return None,
            };
            current = self.unwrapped(current);
        }
        None
    }

    /// How many instances a resource declaration makes; `None` when that cannot be known.
    pub fn instances(&self, resource: usize) -> Option<u64> {
        let declaration = &self.resources()[resource];
        self.times_evaluated(Located {
            file: declaration.file,
            node: declaration.expression,
        })
    }

    /// How many instances a resource declaration makes at least: as `instances`, except that a
    /// loop around it over a collection spreading in elements infrafix cannot read beside those
    /// it can (`for (const t of [...builtIn, ...loadTenants()])`) counts once per element read.
    /// Asked where `instances` has no count, so the exact count is not worked out again.
    pub fn instances_at_least(&self, resource: usize) -> Option<u64> {
        let declaration = &self.resources()[resource];
        let expression = Located {
            file: declaration.file,
            node: declaration.expression,
        };
        self.times_run(expression, false, true)
    }

    /// How many times an expression of the program runs.
    pub(super) fn times_evaluated(&self, expression: Located<'tree>) -> Option<u64> {
        self.times_run(expression, false, false)
    }

    /// How many times an expression runs, `None` also when it runs in one arm of a choice (it may
    /// then run fewer times than the code around it).
    pub(super) fn times_run_unconditionally(&self, expression: Located<'tree>) -> Option<u64> {
        self.times_run(expression, true, false)
    }

    /// How many times a call of one of the program's functions runs, as the function's count
    /// takes it (see `times_called`).
    pub(super) fn times_call_runs(&self, call: Located<'tree>) -> Option<u64> {
        self.times_run(call, true, false)
    }

    /// How many times an expression runs; `in_call` when it is a call whose function is being
    /// counted (its choices then matter, see below); `at_least` to count a loop over a collection
    /// spreading in elements infrafix cannot read once per element it reads (a lower bound).
    fn times_run(&self, expression: Located<'tree>, in_call: bool, at_least: bool) -> Option<u64> {
        match self.runs_in_body(expression, in_call, at_least)? {
            BodyRuns::Program(count) => Some(count),
            BodyRuns::Function {
                count,
                function,
                per_call,
            } => count.checked_mul(self.times_function_runs(function, per_call)?),
        }
    }

    /// How many times the function around an expression runs, given what `runs_in_body` found.
    fn times_function_runs(&self, function: Located<'tree>, per_call: Option<(Node<'tree>, u64)>) -> Option<u64> {
        match per_call {
            Some((receiving, iterations)) => (receiving == function.node).then_some(iterations),
            None => self.times_called(function),
        }
    }

    /// How many times an expression runs in each run of the function around it (the loops between
    /// them), and that function; or in the program, for code outside every function. See
    /// `times_run` for the flags.
    pub(super) fn runs_in_body(
        &self,
        expression: Located<'tree>,
        in_call: bool,
        at_least: bool,
    ) -> Option<BodyRuns<'tree>> {
        let file = expression.file;
        let mut count: u64 = 1;
        let mut child = expression.node;
        // A loop over a collection the function around it receives runs as often as each call
        // passes elements: with the calls, it stands in for the function's count. Between the
        // loop and that function, another function would run it any number of times.
        let mut per_call: Option<(Node<'tree>, u64)> = None;
        let read_so_far = |binder: Located<'tree>| at_least.then(|| self.read_iterations(binder)).flatten();
        for parent in self.ancestors(expression) {
            let here = Located { file, node: parent };
            let in_function = |count| {
                Some(BodyRuns::Function {
                    count,
                    function: here,
                    per_call,
                })
            };
            let repeats = match kind_of(parent) {
                "for_in_statement" if parent.field("body") == Some(child) => {
                    match self.loop_iterations(here).or_else(|| read_so_far(here)) {
                        Some(iterations) => Some(iterations),
                        None if per_call.is_none() => {
                            per_call = Some(self.passed_iterations(here)?);
                            None
                        }
                        None => return None,
                    }
                }
                "for_statement" if parent.field("body") == Some(child) => Some(self.counted_loop(here)?.iterations),
                "arrow_function" | "function_expression" => {
                    match self.callback_iterations(here).or_else(|| read_so_far(here)) {
                        Some(iterations) => Some(iterations),
                        None if per_call.is_none() && self.callback_collection(here).is_some() => {
                            per_call = Some(self.passed_iterations(here)?);
                            None
                        }
                        // A function's calls already count everything around them: nothing around
                        // the function itself counts again.
                        None => return in_function(count),
                    }
                }
                "function_declaration" | "method_definition" => return in_function(count),
                "generator_function_declaration" | "while_statement" | "do_statement" => return None,
                // A call made in one arm of a choice (or in its condition, which this does not
                // tell apart: the count is then unknown for nothing): the arms' resources exclude
                // each other, which only a resource's own branches say (see `branches`).
                "if_statement" | "ternary_expression" | "switch_case" | "switch_default" if in_call => return None,
                _ => None,
            };
            count = count.checked_mul(repeats.unwrap_or(1))?;
            child = parent;
        }
        Some(BodyRuns::Program(count))
    }

    /// How many times the project runs a function or a constructor: the sum over its calls, or
    /// for a function no call names, what `times_run_unnamed` says. `None` when nothing in the
    /// project calls it (an exported helper, a construct library), some of its calls cannot be
    /// seen (see `call_sites`), or it calls itself, however indirectly.
    fn times_called(&self, function: Located<'tree>) -> Option<u64> {
        // Every resource of a constructor asks about the same calls: they are counted once.
        let key = (function.file, function.node.start_byte());
        if let Some(known) = self.memo.times_called.borrow().get(&key) {
            return *known;
        }
        // Asked again while its calls are being counted: it calls itself.
        if !self.memo.counting_calls.borrow_mut().insert(key) {
            return None;
        }
        let counted = match self.call_sites(function) {
            Some(sites) if !sites.is_empty() => self.all_calls_seen(function, &sites).then_some(()).and_then(|_| {
                sites
                    .into_iter()
                    .try_fold(0u64, |sum, site| sum.checked_add(self.times_run(site, true, false)?))
            }),
            // No call names it: it may be invoked where it is written, or be the program's entry.
            _ => self.times_run_unnamed(function),
        };
        self.memo.counting_calls.borrow_mut().remove(&key);
        self.memo.times_called.borrow_mut().insert(key, counted);
        counted
    }
}

#[cfg(test)]
mod tests {
    use crate::frontends::typescript::test_support::with_program;

    /// The instances of each function the program declares, in order.
    fn function_instances(files: &[(&str, &str)]) -> Vec<Option<u64>> {
        let mut counts = Vec::new();
        with_program(files, |program| {
            counts = (0..program.resources().len())
                .filter(|&index| program.resources()[index].is_lambda_function())
                .map(|index| program.instances(index))
                .collect();
        });
        counts
    }

    const WORKER: &str = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nimport { Construct } from \"constructs\";\nexport class Worker extends Construct {\n    constructor(scope: Construct, id: string) {\n        super(scope, id);\n        new lambda.Function(this, \"Fn\", { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") });\n    }\n}\n";

    #[test]
    fn a_construct_counts_once_per_construction_across_modules() {
        let stack = "import { Worker } from \"./worker\";\nexport class Jobs {\n    constructor(scope: any) {\n        for (const name of [\"a\", \"b\", \"c\"]) {\n            new Worker(scope, name);\n        }\n        new Worker(scope, \"extra\");\n    }\n}\nnew Jobs(undefined);\nnew Jobs(undefined);\n";
        assert_eq!(
            function_instances(&[("worker.ts", WORKER), ("jobs.ts", stack)]),
            vec![Some(8)]
        );
    }

    #[test]
    fn calls_that_cannot_all_be_seen_make_the_count_unknown_not_low() {
        // Each app constructs the worker once where a call is seen, and again where none is.
        let unseen = [
            // through a namespace import of its module handed on whole
            "import { Worker } from \"./worker\";\nimport * as workers from \"./worker\";\nnew Worker(undefined as any, \"a\");\nexport const registry = [workers];\n",
            // by a subclass
            "import { Worker } from \"./worker\";\nclass Eu extends Worker {}\nnew Worker(undefined as any, \"a\");\nnew Eu(undefined as any, \"b\");\n",
            // passed as a value
            "import { Worker } from \"./worker\";\nnew Worker(undefined as any, \"a\");\nconst make = (c: typeof Worker) => new c(undefined as any, \"b\");\nmake(Worker);\n",
        ];
        for app in unseen {
            assert_eq!(
                function_instances(&[("worker.ts", WORKER), ("app.ts", app)]),
                vec![None],
                "{app}"
            );
        }
        // Through a namespace import, each construction is seen.
        let both = "import { Worker } from \"./worker\";\nimport * as workers from \"./worker\";\nnew Worker(undefined as any, \"a\");\nnew workers.Worker(undefined as any, \"b\");\n";
        assert_eq!(
            function_instances(&[("worker.ts", WORKER), ("app.ts", both)]),
            vec![Some(2)]
        );
        // Through a barrel, by name (also renamed) and through a namespace of it, each is seen.
        let barrel = "export * from \"./worker\";\nexport { Worker as Job } from \"./worker\";\n";
        let app = "import { Job } from \"./index\";\nimport * as all from \"./index\";\nnew Job(undefined as any, \"a\");\nnew all.Worker(undefined as any, \"b\");\n";
        assert_eq!(
            function_instances(&[("worker.ts", WORKER), ("index.ts", barrel), ("app.ts", app)]),
            vec![Some(2)]
        );
        // Exported by a list, under its own name or another; under two names, the calls of the
        // second are not looked for.
        let listed = WORKER.replace("export class Worker", "class Worker") + "export { Worker as Job };\n";
        let app =
            "import { Job } from \"./index\";\nnew Job(undefined as any, \"a\");\nnew Job(undefined as any, \"b\");\n";
        assert_eq!(
            function_instances(&[
                ("worker.ts", &listed),
                ("index.ts", "export * from \"./worker\";\n"),
                ("app.ts", app)
            ]),
            vec![Some(2)]
        );
        let twice = listed.replace("export { Worker as Job }", "export { Worker, Worker as Job }");
        assert_eq!(
            function_instances(&[
                ("worker.ts", &twice),
                ("index.ts", "export * from \"./worker\";\n"),
                ("app.ts", app)
            ]),
            vec![None]
        );
        // A module passing it on as a namespace, or importing it at run time, reaches it where
        // calls are not followed; so does a barrel's namespace handed on whole.
        let direct = "import { Worker } from \"./worker\";\nnew Worker(undefined as any, \"a\");\n";
        let through_barrel = "import { Worker } from \"./index\";\nimport * as all from \"./index\";\nnew Worker(undefined as any, \"a\");\nexport const registry = [all];\n";
        for (barrel, app) in [
            ("export * as workers from \"./worker\";\n", direct),
            ("export const load = () => import(\"./worker\");\n", direct),
            ("export * from \"./worker\";\n", through_barrel),
        ] {
            assert_eq!(
                function_instances(&[("worker.ts", WORKER), ("index.ts", barrel), ("app.ts", app)]),
                vec![None],
                "{barrel}"
            );
        }
    }

    #[test]
    fn a_function_called_from_another_counts_its_callers_once() {
        // `outer` runs three times and calls `inner` twice: six functions, not eighteen.
        let text = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nfunction inner(s: any, n: string) { new lambda.Function(s, n, { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") }); }\nfunction outer(s: any, n: string) { inner(s, n + \"1\"); inner(s, n + \"2\"); }\nfor (const n of [\"a\", \"b\", \"c\"]) { outer(undefined, n); }\n";
        assert_eq!(function_instances(&[("app.ts", text)]), vec![Some(6)]);
    }

    #[test]
    fn a_loop_over_a_received_collection_runs_once_per_element_each_call_passes() {
        let helper = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nexport function make(s: any, specs: { name: string }[]) {\n    for (const spec of specs) { new lambda.Function(s, spec.name, { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") }); }\n}\nexport function each(s: any, args: { specs?: { name: string }[] }) {\n    (args.specs ?? [{ name: \"default\" }]).forEach((spec) => new lambda.Function(s, spec.name, { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") }));\n}\n";
        // Two calls of two elements, one of them made for two stages; the second helper takes its
        // default where a call passes nothing.
        let app = "import { each, make } from \"./helper\";\nconst specs = [{ name: \"a\" }, { name: \"b\" }];\nmake(undefined, specs);\nfor (const stage of [\"blue\", \"green\"]) { make(undefined, [{ name: \"c\" }, { name: stage }]); }\neach(undefined, { specs });\neach(undefined, {});\n";
        assert_eq!(
            function_instances(&[("helper.ts", helper), ("app.ts", app)]),
            vec![Some(6), Some(3)]
        );
        // A call passing a collection that is not written out leaves the count unknown.
        let unknown = format!("{app}make(undefined, JSON.parse(process.env.SPECS ?? \"[]\"));\n");
        assert_eq!(
            function_instances(&[("helper.ts", helper), ("app.ts", &unknown)]),
            vec![None, Some(3)]
        );
        // A helper that calls itself with each element's children ends, unknown.
        let tree = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nfunction tree(s: any, nodes: any[]): void {\n    for (const node of nodes) { new lambda.Function(s, node.name, { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") }); tree(s, node.children); }\n}\ntree(undefined, [{ name: \"root\", children: [] }]);\n";
        assert_eq!(function_instances(&[("tree.ts", tree)]), vec![None]);
    }

    #[test]
    fn a_loop_over_elements_beside_unread_ones_makes_at_least_those_read() {
        let text = "import * as aws from \"@pulumi/aws\";\nconst more = () => JSON.parse(process.env.MORE ?? \"[]\");\nconst known = [{ name: \"a\" }, { name: \"b\" }];\nfor (const t of [...known, { name: \"c\" }, ...more()]) { new aws.lambda.Function(t.name, {}); }\nfunction make(suffix: string) { [...known, ...more()].forEach((t) => new aws.lambda.Function(t.name + suffix, {})); }\nmake(\"x\");\nmake(\"y\");\nfor (const t of more()) { new aws.lambda.Function(t.name, {}); }\n";
        with_program(&[("index.ts", text)], |program| {
            let counts: Vec<(Option<u64>, Option<u64>)> = (0..3)
                .map(|index| (program.instances(index), program.instances_at_least(index)))
                .collect();
            // Three read elements; two per call of a helper called twice; none read.
            assert_eq!(counts, vec![(None, Some(3)), (None, Some(4)), (None, None)]);
        });
    }

    #[test]
    fn uncalled_recursive_and_chosen_constructions_are_unknown() {
        // Never constructed: a construct library.
        assert_eq!(function_instances(&[("worker.ts", WORKER)]), vec![None]);
        // Constructed in one arm of a choice: the arms are not summed.
        let chosen = "import { Worker } from \"./worker\";\nif (process.env.BLUE) { new Worker(undefined as any, \"blue\"); } else { new Worker(undefined as any, \"green\"); }\n";
        assert_eq!(
            function_instances(&[("worker.ts", WORKER), ("app.ts", chosen)]),
            vec![None]
        );
        // Helpers that call each other from several places end, unknown.
        let recursive = "import * as lambda from \"aws-cdk-lib/aws-lambda\";\nfunction ping(s: any, n: number): void { new lambda.Function(s, `p${n}`, { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\") }); pong(s, n); pong(s, n + 1); pong(s, n + 2); }\nfunction pong(s: any, n: number): void { ping(s, n); ping(s, n - 1); ping(s, n - 2); }\nping(undefined, 0);\n";
        assert_eq!(function_instances(&[("loop.ts", recursive)]), vec![None]);
    }
}
