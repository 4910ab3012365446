//! `lambda-reserved-concurrency-budget`: reserved concurrency summed over a program exceeds the
//! account's budget.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::ConcurrencyBudget;
use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::program::{heaviest_run, Branch, Located, Program, ResourceDecl};
use crate::rules::{RuleContext, RuleId};

pub const DOCUMENTATION: &str = r#"Reserved concurrency summed over a program exceeds the account's budget.

## What it does
Adds up the `reservedConcurrentExecutions` of a program's Lambda functions (numbers, consts
holding them, objects spread into the arguments; a function made in a loop over a literal or const
array, the entries of a const object, or a range counts once per iteration, and a number it reads
from each element, `tenant.reserved`, counts once for its element and is reported there) and compares the sum with the account's budget:
`account_limit − min_unreserved − other_reserved`, from `[rules.lambda-reserved-concurrency-budget]`
in infrafix.toml (defaults 1000, 100, 0), or from `account_settings = "FILE"`, the JSON printed by
`aws lambda get-account-settings`. `-1` (unreserved) and `0` (function disabled) reserve nothing. A
value infrafix cannot know is left out of the sum, and the findings say so.

Functions that never exist together count as the largest of them: the arms of an
`if`/`else if`/`else`, the cases of a `switch` that end in `break`, `return`, `throw` or
`continue` (a case that falls through runs the next one too, so the two add up; anything infrafix
is unsure of adds up), and the sides of `stage === "prod" ? new Function(…) : new Function(…)`.
A function outside a branch adds to each of its arms, and branches inside branches compose. Only
the functions of an arm that puts the program over the budget are reported.

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
const shared by several functions is changed once. With branches that exclude each other, one
factor (the one that makes the largest arm fit) scales every value read in an arm that is over the
budget, so each of those arms fits after the fix, the largest exactly; an arm already within the
budget keeps its values (a dev stack's 50 is not the problem). There is no fix when the budget is
smaller than the number of reserving functions an arm makes (each needs at least 1), or when
values it would have to change are shared with a function that suppresses the rule.
"#;

/// How many times the fix may take 1 from a value after scaling before giving up.
const MAX_ADJUSTMENTS: usize = 10_000;

const AWS_ERROR: &str = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]";

/// A function's reservation, as far as it is known.
struct Reservation<'tree> {
    function: usize,
    /// The number and where it is written; `None` when unknown.
    value: Option<(i64, Located<'tree>)>,
    /// How many instances the declaration makes; `None` when unknown.
    instances: Option<u64>,
    suppressed: bool,
    /// Read from the element of a collection the function is made for: the finding points there.
    per_element: bool,
}

pub fn check(context: &RuleContext, findings: &mut Vec<Finding>) {
    let program = context.program;
    let reservations: Vec<Reservation> = program
        .resources()
        .iter()
        .enumerate()
        .filter(|(_, resource)| resource.is_lambda_function())
        .flat_map(|(index, function)| reservations_of(context, index, function))
        // -1 leaves the function unreserved and 0 disables it: neither reserves anything.
        .filter(|reservation| reservation.value.is_none_or(|(value, _)| value > 0))
        .collect();
    let known: Vec<&Reservation> = reservations
        .iter()
        .filter(|r| r.value.is_some() && r.instances.is_some())
        .collect();
    let uncounted = reservations.len() - known.len();
    let paths: Vec<Vec<Branch>> = known.iter().map(|r| program.branches(r.function)).collect();
    let weights: Vec<i128> = known.iter().map(|r| contribution(r)).collect();
    let settings = &context.settings.concurrency;
    let budget = i128::from(settings.budget());
    // What the program reserves in a pass that makes each function: the largest otherwise.
    let largest = heaviest_run(&paths, &weights, &[]).0;
    let totals: Vec<i128> = paths
        .iter()
        .map(|path| {
            if path.is_empty() {
                largest
            } else {
                heaviest_run(&paths, &weights, path).0
            }
        })
        .collect();
    if totals.iter().all(|total| *total <= budget) {
        return;
    }
    let fix = scaled_down(program, &known, &paths, &totals, budget);
    let branched = paths.iter().any(|path| !path.is_empty());
    for ((reservation, path), total) in known.iter().zip(&paths).zip(&totals) {
        // A function on a branch that fits (the other arm is the large one) is not the problem.
        if *total <= budget {
            continue;
        }
        let function = &program.resources()[reservation.function];
        let name = program.display_name(reservation.function);
        let value = reservation.value.map_or(0, |(value, _)| value);
        let mut message = format!(
            "Reserved concurrency of the program's functions sums to {total}{} ({name} reserves {value}{}), above the account's budget of {}: AWS refuses with \"{AWS_ERROR}\".",
            if path.is_empty() {
                String::new()
            } else {
                format!(" when the branch making {name} runs")
            },
            match reservation.instances {
                Some(instances) if instances > 1 => format!(" in each of {instances} instances"),
                _ => String::new(),
            },
            describe_budget(settings),
        );
        if branched {
            message.push_str(" Branches that exclude each other (`if`/`else`, `switch` cases that end in `break`, `? :`) count as their largest.");
        }
        if uncounted > 0 {
            message.push_str(&format!(
                " {uncounted} reservation(s) infrafix cannot know were not counted."
            ));
        }
        let at = match reservation.value {
            Some((_, site)) if reservation.per_element => site,
            _ => Located {
                file: function.file,
                node: function.statement,
            },
        };
        let finding = Finding::new(
            RuleId::LambdaReservedConcurrencyBudget,
            at.file,
            at.node.byte_range(),
            message,
        );
        findings.push(finding.with_outcome(fix.clone()));
    }
}

/// A function's reservations: one, or one per element when the function reads the number from the
/// elements of the collection it is made for (`reservedConcurrentExecutions: tenant.reserved`).
fn reservations_of<'tree>(
    context: &RuleContext<'tree>,
    index: usize,
    function: &ResourceDecl<'tree>,
) -> Vec<Reservation<'tree>> {
    let program = context.program;
    let Some(written) = function
        .args()
        .and_then(|args| program.property(args, "reservedConcurrentExecutions"))
    else {
        return Vec::new();
    };
    let instances = program.instances(index);
    let suppressed = context.is_suppressed(
        RuleId::LambdaReservedConcurrencyBudget,
        function.file,
        function.finding_range().start,
    );
    let reservation = |value, instances, per_element| Reservation {
        function: index,
        value,
        instances,
        suppressed,
        per_element,
    };
    let known = program.largest_number_value(written.value);
    match program.element_sources(written.value).filter(|_| known.is_none()) {
        Some(sources) if !sources.is_empty() => {
            // The loop over the collection is one of those counted: each element's number serves
            // its share of the instances.
            let elements = sources.len() as u64;
            let each = instances
                .filter(|count| count % elements == 0)
                .map(|count| count / elements);
            sources
                .into_iter()
                .map(|source| reservation(program.largest_number_value(source), each, true))
                .collect()
        }
        _ => vec![reservation(known, instances, false)],
    }
}

fn contribution(reservation: &Reservation) -> i128 {
    let value = reservation.value.map_or(0, |(value, _)| value);
    i128::from(value) * i128::from(reservation.instances.unwrap_or(0))
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
struct Site<'tree> {
    at: Located<'tree>,
    value: i128,
    /// Indices into the known reservations.
    readers: Vec<usize>,
    /// Read by a function that suppresses the rule: it must keep its value.
    fixed: bool,
}

/// New values for the places reservations are written, in proportion, so that every pass through
/// the program fits: each place read by a function of a pass over the budget is scaled by the one
/// factor that makes the largest pass fit (so the other passes over the budget fit too, being
/// smaller), and a place only passes within the budget read is left alone.
fn scaled_down(
    program: &Program,
    known: &[&Reservation],
    paths: &[Vec<Branch>],
    totals: &[i128],
    budget: i128,
) -> Result<Fix, String> {
    let mut sites: BTreeMap<(usize, usize), Site> = BTreeMap::new();
    let mut site_of = Vec::with_capacity(known.len());
    for (index, reservation) in known.iter().enumerate() {
        let Some((value, at)) = reservation.value else {
            site_of.push(None);
            continue;
        };
        let key = (at.file, at.node.start_byte());
        let site = sites.entry(key).or_insert(Site {
            at,
            value: i128::from(value),
            readers: Vec::new(),
            fixed: false,
        });
        site.readers.push(index);
        site.fixed |= reservation.suppressed;
        site_of.push(Some(key));
    }
    let movable: BTreeSet<(usize, usize)> = sites
        .iter()
        .filter(|(_, site)| !site.fixed && site.readers.iter().any(|&reader| totals[reader] > budget))
        .map(|(key, _)| *key)
        .collect();
    let instances = |reader: usize| i128::from(known[reader].instances.unwrap_or(1));
    let weights = |values: &BTreeMap<(usize, usize), i128>| -> Vec<i128> {
        site_of
            .iter()
            .enumerate()
            .map(|(reader, key)| {
                key.and_then(|key| values.get(&key))
                    .map_or(0, |value| value * instances(reader))
            })
            .collect()
    };
    let original: BTreeMap<(usize, usize), i128> = sites.iter().map(|(key, site)| (*key, site.value)).collect();
    let is_movable = |reader: usize| site_of[reader].is_some_and(|key| movable.contains(&key));

    // Each function instance keeps at least 1: the pass that is largest then must still fit.
    let mut values = original.clone();
    for key in &movable {
        values.insert(*key, 1);
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
        values.insert(*key, (original[key] * room / movable_total).max(1));
    }
    // Rounding up to 1, or a pass holding more suppressed reservations than the largest, may
    // overshoot: take from the largest value of the pass over the budget until it fits. Each step
    // takes 1 from a value that fits at 1, so it ends; the bound guards against absurd numbers.
    for _ in 0..MAX_ADJUSTMENTS {
        let (total, run) = heaviest_run(paths, &weights(&values), &[]);
        if total <= budget {
            break;
        }
        let in_run: BTreeSet<(usize, usize)> = run.iter().filter_map(|&reader| site_of[reader]).collect();
        let Some(largest) = movable
            .iter()
            .filter(|key| in_run.contains(key) && values.get(key).is_some_and(|value| *value > 1))
            .max_by_key(|key| values.get(key).copied().unwrap_or(0))
        else {
            break;
        };
        if let Some(value) = values.get_mut(largest) {
            *value -= 1;
        }
    }
    if heaviest_run(paths, &weights(&values), &[]).0 > budget {
        return Err("the reservations could not be scaled to fit in few enough steps".to_owned());
    }
    let edits: Vec<Edit> = movable
        .iter()
        .filter(|key| values.get(key) != original.get(key))
        .filter_map(|key| {
            let value = values.get(key)?;
            Some(program.replace_node(sites.get(key)?.at, &value.to_string()))
        })
        .collect();
    Ok(Fix::unsafe_edits(edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use crate::program::test_support::with_program;
    use crate::suppression::Suppressions;

    /// The findings on a one-file program, with a budget of `account_limit − 100`.
    fn findings(text: &str, account_limit: u32) -> Vec<Finding> {
        let mut settings = Settings::defaults();
        settings.concurrency.account_limit = account_limit;
        let suppressions = [Suppressions::default()];
        let mut findings = Vec::new();
        with_program(&[("index.ts", text)], |program| {
            check(&RuleContext::new(program, &settings, &suppressions), &mut findings);
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
