//! `lambda-reserved-concurrency-budget`: reserved concurrency summed over a program exceeds the
//! account's budget.

use std::collections::{BTreeMap, BTreeSet};

use crate::cloud::{
    heaviest_run, Branch, DeployTarget, DeploymentSetting, FixPlan, Intent, LambdaFunction, Multiplicity, Site,
    StackNumbers,
};
use crate::config::ConcurrencyBudget;
use crate::diagnostic::Finding;
use crate::fix::{Applicability, Fix};
use crate::rules::{RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"Reserved concurrency summed over a program exceeds the account's budget.

## What it does
Adds up the `reservedConcurrentExecutions` of a program's Lambda functions (numbers, consts
holding them, objects spread into the arguments; a function made in a loop over a literal or const
array, the entries of a const object, or a range counts once per iteration, and a number it reads
from each element, `tenant.reserved`, counts once for its element and is reported there; with a
default, `tenant.reserved ?? 100`, the elements that set none count the default, reported and
changed once where it is written) and compares the sum with the account's budget:
`account_limit − min_unreserved − other_reserved`, from `[rules.lambda-reserved-concurrency-budget]`
in infrafix.toml (defaults 1000, 100, 0), or from `account_settings = "FILE"`, the JSON printed by
`aws lambda get-account-settings`. `-1` (unreserved) and `0` (function disabled) reserve nothing. A
value infrafix cannot know is left out of the sum, which the findings then give as a lower bound
(`at least 390`). A loop over a collection that spreads in elements infrafix cannot read beside
those it can (`[...builtIn, ...loadTenants()]`) counts for the elements it can read: a sum they
alone put over the budget is reported.

Functions that never exist together count as the largest of them: the arms of an
`if`/`else if`/`else`, the cases of a `switch` that end in `break`, `return`, `throw` or
`continue` (a case that falls through runs the next one too, so the two add up; anything infrafix
is unsure of adds up), and the sides of `stage === "prod" ? new Function(…) : new Function(…)`.
A function outside a branch adds to each of its arms, and branches inside branches compose. Only
the functions of an arm that puts the program over the budget are reported.

The same counting holds for a Pulumi program's components and helpers: a resource inside one
counts once per construction or call the program makes, and a number a helper receives as a
parameter (`worker("orders", 100)`), or as a property of one with a default
(`props.reserved ?? 60`), counts for the calls that pass it, the default for those that do not,
and is reported and changed where it is written. A count needs every call seen: a class or function also reached some other
way (a namespace import or a re-export of its module, a subclass, passed as a value) leaves its
resources uncounted, as does a call made in an arm of an `if`, `switch` or `?:`.

A reservation a Pulumi program reads from its stack's configuration
(`config.requireNumber("reserved")`, also through consts, helper parameters and fields of
`config.requireObject`) has each stack's number, from its stack file or else from Pulumi.yaml's
project-wide `config`, or else the default the code writes beside the read
(`config.getNumber("reserved") ?? 100`); `800.0` reads as 800, as `requireNumber` reads it. A function made only in some stacks
(inside `if (pulumi.getStack() === "prod")` or its `else`, a `?:` on it, also through a const
holding `pulumi.getStack()`, `!==` too), or only where a stack's settings turn a flag on
(`if (config.getBoolean("replay"))`, `!` too; unset is off), counts only in those. Each stack is then summed on its own, with the numbers the code writes: a
stack over the budget is reported where the code reads its numbers, one finding per place
naming every stack over the budget there with the file and line that set its number, and not
fixed (infrafix does not edit stack files). In the sum of the code's
numbers alone (the one a fix scales), such a reservation is one infrafix cannot know.

In Terraform: `reserved_concurrent_executions` of `aws_lambda_function`, and the argument of that
name of a call of the public module `terraform-aws-modules/lambda/aws` (which hands it to its
function), followed through locals, variable defaults and the arguments of local module calls; `count` and `for_each` (on the
resource or on a module call) multiply it. A module folder is one program with the local modules
it calls.

In CloudFormation and SAM: `ReservedConcurrentExecutions` (also in SAM's `Globals`), followed to a
parameter's `Default`; in a Serverless service, `reservedConcurrency` (through `${self:…}`). Each
template or service is one program: it deploys as a stack of its own.

In an AWS CDK app: `reservedConcurrentExecutions` of the app's function constructs, summed over
every stack of the app. A function inside a stack's or construct's constructor counts once per
`new` of that class in the app (inside loops, as often as they run), and one in a helper function
once per call; a class the app never constructs (a construct library) leaves its functions
uncounted, and the findings say so. The budget is per account and region (Lambda's concurrency
quota applies per Region of an account), so the functions are summed per account and region their
stack deploys to: the `env` the stack, or the stage it is made in, is constructed with (`new
OrdersStack(app, "Prod", { env: { account: "222222222222", region: "eu-west-1" } })`, also through
a const; a field the stack leaves out is that of the stage whose constructor makes it), for the
functions its constructor makes,
itself or through the constructs and helpers it calls. A field written as something known only at
synth (`process.env.CDK_DEFAULT_ACCOUNT`, a context value), a stack without `env` outside any
stage (environment-agnostic: it deploys wherever the CLI's credentials point), and a stack class
whose `super(…)` call does not pass its own props on (an `env` written in, the props left out or
rebuilt) say nothing: their functions may deploy to any
account or region, and count in each. A number each construction passes
(`props.reserved`) for a function whose instances deploy to several places counts in each too.
The findings name the account and region whose sum is over the budget, and the budget is the
same for each: for accounts with different quotas, set the tightest, or suppress the rule there.
Terraform providers (`alias`, `region`) and Pulumi providers are not read: a Terraform module or
a Pulumi program is summed as one account and region.

With `account_settings`, `other_reserved` is the account's reservations
(`ConcurrentExecutions − UnreservedConcurrentExecutions`). Once this program is deployed, that
includes its own functions: for a redeploy, set `other_reserved` by hand to what other stacks
reserve, or they are counted twice.

## Why is this bad?
AWS keeps at least 100 executions unreserved, and refuses a reservation that would cut into them:

    InvalidParameterValueException: Specified ReservedConcurrentExecutions for function decreases
    account's UnreservedConcurrentExecution below its minimum value of [100].

New accounts can have a concurrency quota as low as 10, so a program that deploys in one account
fails in another.

## Example
```toml
[rules.lambda-reserved-concurrency-budget]
account_limit = 200
```
```ts
for (const name of ["validator", "processor", "notification"]) {
    new aws.lambda.Function(name, { reservedConcurrentExecutions: 100, ... });
}
```

## Use instead
```ts
for (const name of ["validator", "processor", "notification"]) {
    new aws.lambda.Function(name, { reservedConcurrentExecutions: 33, ... });
}
```

## Fix safety
Unsafe: lowering a reservation caps how many instances of the function can run at once. The fix
scales every known value down in proportion (rounding down, at least 1) so that the sum fits; a
const shared by several functions is changed once. A const that other code reads too (another
setting, arithmetic, `maximumConcurrency` of the pollers) keeps its number: it counts in the sum,
and the others are scaled to fit beside it. With branches that exclude each other, one
factor (the one that makes the largest arm fit) scales every value read in an arm that is over the
budget, so each of those arms fits after the fix, the largest exactly; an arm already within the
budget keeps its values (a dev stack's 50 is not the problem). Where the sum is a lower bound, the
fix makes what infrafix counts fit; what it cannot count may still go over. There is no fix when
the budget is smaller than the number of reserving functions an arm makes (each needs at least 1), or when
values it would have to change are shared with a function that suppresses the rule.
"#;

mod per_stack;
mod targets;

/// How many times the fix may take 1 from a value after scaling before giving up.
const MAX_ADJUSTMENTS: usize = 10_000;

const AWS_ERROR: &str = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]";

/// One function's reservation, as counted: its number is known, and so is how many instances
/// reserve it.
#[derive(Clone)]
struct Reservation<'graph> {
    function: &'graph LambdaFunction,
    value: i64,
    /// Where the number is written: what a fix changes.
    at: &'graph Site,
    /// Where findings about it point: the function, or the number where it differs between the
    /// function's instances, or where the code reads a stack's number.
    reported_at: &'graph Site,
    instances: u64,
    /// `instances` is a lower bound: the function is made for elements infrafix cannot read too.
    at_least: bool,
    suppressed: bool,
    /// Its number may not be changed where it is written (`cloud::Reservation::kept`).
    kept: bool,
    source: Source<'graph>,
    /// The account and region its instances deploy to, as far as the program says.
    target: &'graph DeployTarget,
}

/// Where a counted number comes from.
#[derive(Clone, Copy)]
enum Source<'graph> {
    /// Written in the code.
    Code,
    /// A stack's settings give it.
    Stack(&'graph DeploymentSetting),
    /// The default the code writes beside a read of the stack's configuration
    /// (`config.getNumber("reserved") ?? 100`), for a stack that sets none.
    CodeDefault,
    /// Written in the code for the stack by its name (`perStack[pulumi.getStack()]`).
    ChosenInCode,
}

/// The program's reservations: the numbers the code writes, and those each stack's settings give.
#[derive(Default)]
struct CountedReservations<'graph> {
    known: Vec<Reservation<'graph>>,
    /// Per reservation whose number the stacks' settings give: the reservation, numberless, and
    /// each stack's number.
    per_stack: Vec<(Reservation<'graph>, &'graph StackNumbers)>,
    uncounted: usize,
}

impl<'graph> CountedReservations<'graph> {
    fn of(context: &'graph RuleContext) -> Self {
        let mut counted = Self::default();
        for function in context.graph().functions() {
            let suppressed_at =
                |at: &Site| context.is_suppressed(RuleId::LambdaReservedConcurrencyBudget, at.file, at.range.start);
            for reservation in &function.reservations {
                let instances = reservation.instances.at_least();
                let at_least = matches!(reservation.instances, Multiplicity::AtLeast(_));
                // A reservation is suppressed on its function, where its number is written (a
                // const read by several functions: for all of them), and where an instance reads it.
                let suppressed = suppressed_at(&function.at)
                    || reservation
                        .value
                        .as_ref()
                        .is_some_and(|written| suppressed_at(&written.at))
                    || reservation.element_read_at.as_ref().is_some_and(suppressed_at);
                match (&reservation.value, instances, &reservation.configured) {
                    // -1 leaves the function unreserved and 0 disables it: neither reserves anything.
                    (Some(written), _, _) if written.value <= 0 => {}
                    (Some(written), Some(instances), _) => counted.known.push(Reservation {
                        function,
                        value: written.value,
                        at: &written.at,
                        reported_at: match reservation.element_read_at {
                            Some(_) => &written.at,
                            None => &function.at,
                        },
                        instances,
                        at_least,
                        suppressed,
                        kept: reservation.kept,
                        source: Source::Code,
                        target: &reservation.target,
                    }),
                    (None, Some(instances), Some(configured)) => {
                        let read_at = &configured.read_at;
                        counted.per_stack.push((
                            Reservation {
                                function,
                                value: 0,
                                at: read_at,
                                reported_at: read_at,
                                instances,
                                at_least,
                                suppressed: suppressed || suppressed_at(read_at),
                                kept: true,
                                source: Source::Code,
                                target: &reservation.target,
                            },
                            configured,
                        ));
                        counted.uncounted += 1;
                    }
                    _ => counted.uncounted += 1,
                }
            }
        }
        counted
    }
}

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let counted = CountedReservations::of(context);
    let budget = i128::from(context.settings.concurrency.budget());
    // The numbers the code writes, over the budget by themselves in an account and region: scaled
    // down.
    let placed = targets::placed(&counted.known);
    let paths: Vec<&[Branch]> = placed.paths.iter().map(Vec::as_slice).collect();
    if let Some(totals) = totals_over(&paths, &placed.reservations, budget) {
        let fix = scaled_down(&placed.reservations, &paths, &totals, budget).and_then(|plan| context.render(&plan));
        let over = OverBudget {
            reservations: &placed.reservations,
            totals: &totals,
            uncounted: counted.uncounted,
            placed: &placed,
        };
        report(context, &over, &fix, findings);
    }
    per_stack::check(context, &counted, findings);
}

/// The branches each reservation's function is made in.
fn paths_of<'graph>(reservations: &[Reservation<'graph>]) -> Vec<&'graph [Branch]> {
    reservations
        .iter()
        .map(|reservation| reservation.function.branches.as_slice())
        .collect()
}

/// Per reservation, the largest total of a pass through the program that makes it; `None` when
/// every pass fits the budget.
fn totals_over(paths: &[&[Branch]], reservations: &[Reservation], budget: i128) -> Option<Vec<i128>> {
    let weights: Vec<i128> = reservations.iter().map(contribution).collect();
    // What the program reserves in a pass that makes each function: the largest otherwise.
    let largest = heaviest_run(paths, &weights, &[]).0;
    let totals: Vec<i128> = paths
        .iter()
        .map(|path| {
            if path.is_empty() {
                largest
            } else {
                heaviest_run(paths, &weights, path).0
            }
        })
        .collect();
    totals.iter().any(|total| *total > budget).then_some(totals)
}

/// A program over the budget in an account and region.
struct OverBudget<'a, 'graph> {
    reservations: &'a [Reservation<'graph>],
    totals: &'a [i128],
    uncounted: usize,
    /// Where each reservation deploys.
    placed: &'a targets::Placed<'graph>,
}

/// A finding on each reservation of a pass over the budget, with the fix that scales them: once,
/// for the account and region where its pass is largest.
fn report(context: &RuleContext, over: &OverBudget, fix: &Result<Fix, String>, findings: &mut Vec<Finding>) {
    let settings = &context.settings.concurrency;
    let budget = i128::from(settings.budget());
    let placed = over.placed;
    let branched = over
        .reservations
        .iter()
        .any(|reservation| !reservation.function.branches.is_empty());
    let at_least = lower_bound(over.reservations, over.uncounted);
    // Per function and place reported, the entry whose pass is largest.
    let reported_as = |entry: usize| {
        (
            over.reservations[entry].function.resource,
            over.reservations[entry].reported_at,
        )
    };
    let mut largest: BTreeMap<(usize, &Site), usize> = BTreeMap::new();
    for (entry, total) in over.totals.iter().enumerate() {
        if largest
            .get(&reported_as(entry))
            .is_none_or(|&kept| over.totals[kept] < *total)
        {
            largest.insert(reported_as(entry), entry);
        }
    }
    for (entry, (reservation, total)) in over.reservations.iter().zip(over.totals).enumerate() {
        // A function on a branch that fits (the other arm is the large one) is not the problem;
        // a suppressed reservation counts in the total, but is not reported.
        if *total <= budget || reservation.suppressed || largest.get(&reported_as(entry)) != Some(&entry) {
            continue;
        }
        let target = &placed.target[entry];
        let place = match placed.named {
            true => targets::describe(target, placed.accounts_named),
            false => String::new(),
        };
        let mut message = format!(
            "Reserved concurrency of the program's functions{place} sums to {}, above the account's budget of {}: AWS refuses with \"{AWS_ERROR}\".",
            describe_total(reservation, &reservation.function.branches, *total, at_least),
            describe_budget(settings),
        );
        if branched {
            message.push_str(" Branches that exclude each other (`if`/`else`, `switch` cases that end in `break`, `? :`) count as their largest.");
        }
        // Summed where some stacks do not say they deploy: that is why they were added up.
        let unnamed_counted = (placed.accounts_named && target.account.is_none())
            || (target.region.is_none() && target.chosen_by.is_none());
        if placed.named && (unnamed_counted || placed.counting_unplaced.contains(target)) {
            message.push_str(match placed.accounts_named {
                true => " Stacks whose `env` does not name the account or region (none, or one read at synth such as `process.env.CDK_DEFAULT_ACCOUNT`) may deploy anywhere, so they count in every account and region.",
                false => " Functions whose region infrafix cannot tell (made in a module, or by a provider it cannot follow) may deploy anywhere, so they count in every region.",
            });
        }
        if over.uncounted > 0 {
            message.push_str(&format!(
                " {} reservation(s) infrafix cannot know were not counted.",
                over.uncounted
            ));
        }
        let at = reservation.reported_at;
        let finding = Finding::new(
            RuleId::LambdaReservedConcurrencyBudget,
            at.file,
            at.range.clone(),
            message,
        );
        findings.push(finding.with_outcome(fix.clone()));
    }
}

/// Whether the sum of `reservations` is only a lower bound: some are not counted, or are counted
/// only for the instances infrafix can see.
fn lower_bound(reservations: &[Reservation], uncounted: usize) -> bool {
    uncounted > 0 || reservations.iter().any(|reservation| reservation.at_least)
}

/// `1100 when the branch making `api` runs (`api` reserves 600 in each of 2 instances)`: a
/// pass's total (`at least 1100` where it is a lower bound), and what the reservation adds to it.
fn describe_total(reservation: &Reservation, path: &[Branch], total: i128, at_least: bool) -> String {
    let name = &reservation.function.name;
    let branch = match path.is_empty() {
        true => String::new(),
        false => format!(" when the branch making {name} runs"),
    };
    let instances = match (reservation.instances > 1, reservation.at_least) {
        (true, false) => format!(" in each of {} instances", reservation.instances),
        (true, true) => format!(" in each of at least {} instances", reservation.instances),
        (false, _) => String::new(),
    };
    let total = match at_least {
        true => format!("at least {total}"),
        false => total.to_string(),
    };
    let set_in = match reservation.source {
        Source::Code => String::new(),
        Source::Stack(setting) => format!(", set by `{}` in {}:{}", setting.key, setting.file, setting.line),
        Source::CodeDefault => ", the default the code writes where the stack sets none".to_owned(),
        Source::ChosenInCode => ", which the code picks by the stack's name".to_owned(),
    };
    format!(
        "{total}{branch} ({name} reserves {}{instances}{set_in})",
        reservation.value
    )
}

fn contribution(reservation: &Reservation) -> i128 {
    i128::from(reservation.value) * i128::from(reservation.instances)
}

fn describe_budget(budget: &ConcurrencyBudget) -> String {
    let source = budget
        .account_settings
        .as_ref()
        .and_then(|file| file.file_name())
        .map(|name| format!(", from {}", name.to_string_lossy()))
        .unwrap_or_default();
    format!(
        "{} (account limit {} − {} kept unreserved − {} reserved elsewhere{source})",
        budget.budget(),
        budget.account_limit,
        budget.min_unreserved,
        budget.other_reserved
    )
}

/// A place a reservation is written, and the reservations that read it.
struct WrittenReservation<'graph> {
    at: &'graph Site,
    value: i128,
    /// Indices into the known reservations.
    readers: Vec<usize>,
    /// Read by a function that suppresses the rule, or written where no fix may change it: it
    /// must keep its value.
    fixed: bool,
}

/// New values for the places reservations are written, in proportion, so that every pass through
/// the program fits: each place read by a function of a pass over the budget is scaled by the one
/// factor that makes the largest pass fit (so the other passes over the budget fit too, being
/// smaller), and a place only passes within the budget read is left alone.
fn scaled_down(known: &[Reservation], paths: &[&[Branch]], totals: &[i128], budget: i128) -> Result<FixPlan, String> {
    let mut sites: BTreeMap<&Site, WrittenReservation> = BTreeMap::new();
    let mut site_of = Vec::with_capacity(known.len());
    for (index, reservation) in known.iter().enumerate() {
        let site = sites.entry(reservation.at).or_insert(WrittenReservation {
            at: reservation.at,
            value: i128::from(reservation.value),
            readers: Vec::new(),
            fixed: false,
        });
        site.readers.push(index);
        site.fixed |= reservation.suppressed || reservation.kept;
        site_of.push(reservation.at);
    }
    let movable: BTreeSet<&Site> = sites
        .iter()
        .filter(|(_, site)| !site.fixed && site.readers.iter().any(|&reader| totals[reader] > budget))
        .map(|(key, _)| *key)
        .collect();
    let instances = |reader: usize| i128::from(known[reader].instances);
    let weights = |values: &BTreeMap<&Site, i128>| -> Vec<i128> {
        site_of
            .iter()
            .enumerate()
            .map(|(reader, key)| values.get(key).map_or(0, |value| value * instances(reader)))
            .collect()
    };
    let original: BTreeMap<&Site, i128> = sites.iter().map(|(key, site)| (*key, site.value)).collect();
    let is_movable = |reader: usize| movable.contains(site_of[reader]);

    // What no fix may change (suppressed, or kept where it is written) may fill the budget alone.
    let mut values = original.clone();
    for key in &movable {
        values.insert(key, 0);
    }
    let (unmovable, _) = heaviest_run(paths, &weights(&values), &[]);
    if unmovable > budget.max(0) {
        return Err(format!(
            "the reservations no fix may change (suppressed, or written where a change could reach other readers) sum to {unmovable} by themselves"
        ));
    }
    // Each function instance keeps at least 1: the pass that is largest then must still fit.
    for key in &movable {
        values.insert(key, 1);
    }
    let (smallest, run) = heaviest_run(paths, &weights(&values), &[]);
    if movable.is_empty() || smallest > budget {
        let needing: i128 = run
            .iter()
            .filter(|&&reader| is_movable(reader))
            .map(|&reader| instances(reader))
            .sum();
        let room = budget - (smallest - needing);
        return Err(format!(
            "the budget leaves room for {} reserved executions, fewer than the {needing} function instance(s) that would each need at least 1",
            room.max(0)
        ));
    }

    let original_weights = weights(&original);
    let (_, largest) = heaviest_run(paths, &original_weights, &[]);
    let fixed: i128 = largest
        .iter()
        .filter(|&&reader| !is_movable(reader))
        .map(|&reader| original_weights[reader])
        .sum();
    let movable_total: i128 = largest
        .iter()
        .filter(|&&reader| is_movable(reader))
        .map(|&reader| original_weights[reader])
        .sum();
    let room = budget - fixed;
    if movable_total <= 0 {
        return Err("no reservation that could shrink is counted in the largest total".to_owned());
    }
    for key in &movable {
        values.insert(key, (original[key] * room / movable_total).max(1));
    }
    // Rounding up to 1, or a pass holding more suppressed reservations than the largest, may
    // overshoot: take from the largest value of the pass over the budget until it fits. Each step
    // takes 1 from a value that fits at 1, so it ends; the bound guards against absurd numbers.
    for _ in 0..MAX_ADJUSTMENTS {
        let (total, run) = heaviest_run(paths, &weights(&values), &[]);
        if total <= budget {
            break;
        }
        let in_run: BTreeSet<&Site> = run.iter().map(|&reader| site_of[reader]).collect();
        let Some(largest) = movable
            .iter()
            .filter(|key| in_run.contains(*key) && values.get(*key).is_some_and(|value| *value > 1))
            .max_by_key(|key| values.get(*key).copied().unwrap_or(0))
        else {
            break;
        };
        if let Some(value) = values.get_mut(*largest) {
            *value -= 1;
        }
    }
    if heaviest_run(paths, &weights(&values), &[]).0 > budget {
        return Err("the reservations could not be scaled to fit in few enough steps".to_owned());
    }
    let intents = movable
        .iter()
        .filter(|key| values.get(*key) != original.get(*key))
        .filter_map(|key| {
            Some(Intent::SetNumber {
                at: sites.get(*key)?.at.clone(),
                value: *values.get(*key)?,
            })
        })
        .collect();
    Ok(FixPlan {
        intents,
        applicability: Applicability::Unsafe,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::frontends::typescript::test_support::with_program;
    use crate::frontends::typescript::TypeScriptFrontEnd;
    use crate::suppression::Suppressions;

    /// The findings on a one-file program, with a budget of `account_limit − 100`.
    fn findings(text: &str, account_limit: u32) -> Vec<Finding> {
        let mut settings = Settings::defaults();
        settings.concurrency.account_limit = account_limit;
        let suppressions = [Suppressions::default()];
        let mut findings = Vec::new();
        with_program(&[("index.ts", text)], |program| {
            let front_end = TypeScriptFrontEnd::new(program);
            check(&RuleContext::new(&front_end, &settings, &suppressions), &mut findings);
        });
        findings
    }

    const FUNCTIONS: &str = "import * as aws from \"@pulumi/aws\";\nconst prod = process.env.STAGE === \"prod\";\n";

    #[test]
    fn if_else_branches_count_as_their_largest() {
        // 600 or 50, never both: with the 80 always made, at most 680 of 700.
        let text = format!(
            "{FUNCTIONS}if (prod) {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 600 }});\n}} else {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 50 }});\n}}\nnew aws.lambda.Function(\"worker\", {{ reservedConcurrentExecutions: 80 }});\n"
        );
        assert!(findings(&text, 800).is_empty());
        // Over the budget, the message gives the largest pass, not the sum (730).
        let over = findings(&text, 700);
        assert_eq!(
            over.len(),
            2,
            "the dev function fits whatever happens: no finding on it"
        );
        assert!(over.iter().all(|finding| finding.message.contains("sums to 680")));
    }

    #[test]
    fn conditional_expressions_holding_functions_count_as_their_largest() {
        let text = format!(
            "{FUNCTIONS}const api = prod\n    ? new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 600 }})\n    : new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 50 }});\n"
        );
        assert!(findings(&text, 700).is_empty());
    }

    #[test]
    fn switch_cases_that_fall_through_add_to_the_next() {
        let case = |end: &str| {
            format!(
                "{FUNCTIONS}switch (process.env.STAGE) {{\n    case \"dev\":\n        new aws.lambda.Function(\"debug\", {{ reservedConcurrentExecutions: 300 }});\n        {end}\n    default:\n        new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 300 }});\n}}\n"
            )
        };
        assert!(findings(&case("break;"), 500).is_empty());
        assert_eq!(findings(&case("// falls through"), 500).len(), 2);
    }

    #[test]
    fn a_function_outside_the_branches_adds_to_each() {
        let text = format!(
            "{FUNCTIONS}if (prod) {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 300 }});\n}}\nnew aws.lambda.Function(\"worker\", {{ reservedConcurrentExecutions: 300 }});\n"
        );
        assert_eq!(findings(&text, 600).len(), 2);
    }

    #[test]
    fn elements_without_a_number_count_the_default() {
        // `??` keeps the 0 (a disabled function): 200 + 0 + 100 fits a budget of 350; `||`
        // replaces it with the default: 200 + 100 + 100 does not.
        let loop_with = |operator: &str| {
            format!(
                "{FUNCTIONS}for (const s of [{{ r: 200 }}, {{ r: 0 }}, {{ r: undefined }}]) {{\n    new aws.lambda.Function(\"f\", {{ reservedConcurrentExecutions: s.r {operator} 100 }});\n}}\n"
            )
        };
        assert!(findings(&loop_with("??"), 450).is_empty());
        let over = findings(&loop_with("||"), 450);
        assert_eq!(over.len(), 2, "the element's 200 and the default");
        assert!(over.iter().all(|finding| finding.message.contains("sums to 400")));
    }

    /// A CDK stack reserving 500, constructed in each `env` given.
    fn stacks_in(envs: &[&str]) -> String {
        let mut text = "import * as cdk from \"aws-cdk-lib\";\nimport * as lambda from \"aws-cdk-lib/aws-lambda\";\nclass Api extends cdk.Stack {\n    constructor(scope: cdk.App, id: string, props?: cdk.StackProps) {\n        super(scope, id, props);\n        new lambda.Function(this, \"Fn\", { runtime: lambda.Runtime.NODEJS_22_X, handler: \"i.h\", code: lambda.Code.fromInline(\"\"), reservedConcurrentExecutions: 500 });\n    }\n}\nconst app = new cdk.App();\n".to_owned();
        for (index, env) in envs.iter().enumerate() {
            text.push_str(&format!("new Api(app, \"Api{index}\", {{ env: {env} }});\n"));
        }
        text
    }

    #[test]
    fn stacks_count_per_account_and_region_their_env_names() {
        let (dev, prod) = (
            "{ account: \"111111111111\", region: \"eu-west-1\" }",
            "{ account: \"222222222222\", region: \"eu-west-1\" }",
        );
        assert!(findings(&stacks_in(&[dev, prod]), 1000).is_empty());
        // One account in two regions: two budgets.
        assert!(findings(
            &stacks_in(&[dev, "{ account: \"111111111111\", region: \"us-east-1\" }"]),
            1000
        )
        .is_empty());
        // The same account and region: one budget, named.
        let shared = findings(&stacks_in(&[dev, dev]), 1000);
        assert_eq!(shared.len(), 1);
        assert!(shared[0]
            .message
            .contains("in account `111111111111`, region `eu-west-1`, sums to 1000"));
        // An account read at synth may be either: it counts with each.
        let unknown = findings(
            &stacks_in(&[dev, prod, "{ account: process.env.CDK_DEFAULT_ACCOUNT }"]),
            1000,
        );
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].message.contains("sums to 1000"));
        assert!(unknown[0].message.contains("count in every account and region"));
    }

    #[test]
    fn a_stack_class_writing_its_own_env_is_not_read_as_its_callers() {
        let text = stacks_in(&[
            "{ account: \"111111111111\", region: \"eu-west-1\" }",
            "{ account: \"222222222222\", region: \"eu-west-1\" }",
        ])
        .replace(
            "super(scope, id, props);",
            "super(scope, id, { ...props, env: { account: \"333333333333\" } });",
        );
        assert_eq!(findings(&text, 1000).len(), 1);
        // Props left out or rebuilt by a helper place the stack where infrafix does not follow;
        // spread with no `env` of their own, they hand the caller's on.
        let two_accounts = stacks_in(&[
            "{ account: \"111111111111\", region: \"eu-west-1\" }",
            "{ account: \"222222222222\", region: \"eu-west-1\" }",
        ]);
        for (call, over) in [
            ("super(scope, id);", 1),
            ("super(scope, id, withTags(props));", 1),
            ("super(scope, id, { ...props, description: \"api\" });", 0),
        ] {
            let text = two_accounts.replace("super(scope, id, props);", call);
            assert_eq!(findings(&text, 1000).len(), over, "{call}");
        }
    }

    #[test]
    fn scaling_shrinks_every_branch_over_the_budget_by_one_factor_and_leaves_the_rest() {
        // Budget 300. prod + worker = 700 and staging + worker = 690 are over; dev + worker = 150
        // is not, so dev keeps its 50.
        let text = format!(
            "{FUNCTIONS}const stage = process.env.STAGE;\nif (stage === \"prod\") {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 600 }});\n}} else if (stage === \"staging\") {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 590 }});\n}} else {{\n    new aws.lambda.Function(\"api\", {{ reservedConcurrentExecutions: 50 }});\n}}\nnew aws.lambda.Function(\"worker\", {{ reservedConcurrentExecutions: 100 }});\n"
        );
        let found = findings(&text, 400);
        assert_eq!(found.len(), 3);
        let fix = found[0].fix.as_ref().expect("a fix");
        let replaced: Vec<(&str, &str)> = fix
            .edits
            .iter()
            .map(|edit| (&text[edit.range.clone()], edit.replacement.as_str()))
            .collect();
        assert_eq!(replaced, vec![("600", "257"), ("590", "252"), ("100", "42")]);
    }
}
