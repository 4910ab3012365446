//! `lambda-reserved-concurrency-budget`: reserved concurrency summed over a program exceeds the
//! account's budget.

use std::collections::BTreeMap;

use crate::config::ConcurrencyBudget;
use crate::diagnostic::Finding;
use crate::fix::{Edit, Fix};
use crate::program::{Located, Program, ResourceDecl};
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
const shared by several functions is changed once. There is no fix when the budget is smaller than
the number of reserving functions (each needs at least 1), or when values it would have to change
are shared with a function that suppresses the rule.
"#;

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
    // Sums in i128: reservations are written by people, and can be absurd.
    let total: i128 = known.iter().map(|r| contribution(r)).sum();
    let settings = &context.settings.concurrency;
    let budget = settings.budget();
    if total <= i128::from(budget) {
        return;
    }
    let fix = scaled_down(program, &known, budget);
    for reservation in &known {
        let function = &program.resources()[reservation.function];
        let value = reservation.value.map_or(0, |(value, _)| value);
        let mut message = format!(
            "Reserved concurrency of the program's functions sums to {total} ({} reserves {value}{}), above the account's budget of {}: AWS refuses with \"{AWS_ERROR}\".",
            program.display_name(reservation.function),
            match reservation.instances {
                Some(instances) if instances > 1 => format!(" in each of {instances} instances"),
                _ => String::new(),
            },
            describe_budget(settings),
        );
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
        function.statement.start_byte(),
    );
    let reservation = |value, instances, per_element| Reservation {
        function: index,
        value,
        instances,
        suppressed,
        per_element,
    };
    let known = program.number_value(written.value);
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
                .map(|source| reservation(program.number_value(source), each, true))
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

/// New values for every place a reservation is written, in proportion, so that the sum fits.
fn scaled_down(program: &Program, known: &[&Reservation], budget: i64) -> Result<Fix, String> {
    // Places a value is written, with how many function instances use each.
    let mut sites: BTreeMap<(usize, usize), (Located, i128, i128, bool)> = BTreeMap::new();
    for reservation in known {
        let Some((value, site)) = reservation.value else {
            continue;
        };
        let instances = i128::from(reservation.instances.unwrap_or(1));
        let entry = sites
            .entry((site.file, site.node.start_byte()))
            .or_insert((site, i128::from(value), 0, false));
        entry.2 += instances;
        entry.3 |= reservation.suppressed;
    }
    let fixed: i128 = sites.values().filter(|site| site.3).map(|site| site.1 * site.2).sum();
    let room = i128::from(budget) - fixed;
    let movable: Vec<_> = sites.values().filter(|site| !site.3).collect();
    let instances: i128 = movable.iter().map(|site| site.2).sum();
    if movable.is_empty() || room < instances {
        return Err(format!(
            "the budget leaves room for {} reserved executions, fewer than the {instances} function instance(s) that would each need at least 1",
            room.max(0)
        ));
    }
    let movable_total: i128 = movable.iter().map(|site| site.1 * site.2).sum();
    let mut values: Vec<i128> = movable
        .iter()
        .map(|site| (site.1 * room / movable_total).max(1))
        .collect();
    // Rounding up to 1 may overshoot: take from the largest until it fits.
    while values
        .iter()
        .zip(&movable)
        .map(|(value, site)| value * site.2)
        .sum::<i128>()
        > room
    {
        let Some((largest, _)) = values
            .iter()
            .enumerate()
            .filter(|(_, value)| **value > 1)
            .max_by_key(|(_, value)| **value)
        else {
            break;
        };
        values[largest] -= 1;
    }
    let edits: Vec<Edit> = movable
        .iter()
        .zip(values)
        .filter(|(site, value)| site.1 != *value)
        .map(|(site, value)| program.replace_node(site.0, &value.to_string()))
        .collect();
    Ok(Fix::unsafe_edits(edits))
}
