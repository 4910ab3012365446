//! The stacks of a Pulumi program whose settings give reservations the code reads
//! (`config.requireNumber("reserved")`): each stack is summed on its own, with the numbers the
//! code writes, and a stack over the budget is reported where the code reads its numbers. One
//! finding per place names every stack over the budget there; none has a fix, since infrafix
//! does not edit stack files.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    describe_budget, describe_total, lower_bound, paths_of, totals_over, CountedReservations, Reservation, Source,
    AWS_ERROR,
};
use crate::cloud::{Branch, Site, StackNumberSource};
use crate::diagnostic::Finding;
use crate::rules::{RuleContext, RuleId};

/// A stack over the budget, as one place that reads its number sees it.
struct StackOver<'graph> {
    /// `None`: what every stack gets.
    stack: Option<&'graph str>,
    reservation: Reservation<'graph>,
    path: &'graph [Branch],
    total: i128,
    uncounted: usize,
    /// The stack's sum is a lower bound (see `lower_bound`).
    at_least: bool,
}

pub(super) fn check(context: &RuleContext, counted: &CountedReservations, findings: &mut Vec<Finding>) {
    let budget = i128::from(context.settings.concurrency.budget());
    let mut by_place: BTreeMap<&Site, Vec<StackOver>> = BTreeMap::new();
    for stack in counted.stacks() {
        let (known, uncounted) = counted.in_stack(stack);
        let paths = paths_of(&known);
        let Some(totals) = totals_over(&paths, &known, budget) else {
            continue;
        };
        let at_least = lower_bound(&known, uncounted);
        for ((reservation, path), total) in known.into_iter().zip(paths).zip(totals) {
            // Only the numbers the stack decides are reported here: the code's are, with their
            // fix, where the code alone is over.
            if total <= budget || reservation.suppressed || matches!(reservation.source, Source::Code) {
                continue;
            }
            // Functions sharing the read (one arguments object for several) name the stack once.
            let over_here = by_place.entry(reservation.reported_at).or_default();
            if over_here.iter().any(|over| over.stack == stack) {
                continue;
            }
            over_here.push(StackOver {
                stack,
                reservation,
                path,
                total,
                uncounted,
                at_least,
            });
        }
    }
    for (at, overs) in by_place {
        findings.push(finding(context, at, &overs));
    }
}

fn finding(context: &RuleContext, at: &Site, overs: &[StackOver]) -> Finding {
    let settings = &context.settings.concurrency;
    let stacks: Vec<String> = overs
        .iter()
        .map(|over| {
            let stack = match over.stack {
                Some(stack) => format!("in stack `{stack}`"),
                None => "in every stack".to_owned(),
            };
            format!(
                "{stack} to {}",
                describe_total(&over.reservation, over.path, over.total, over.at_least)
            )
        })
        .collect();
    let mut message = format!(
        "Reserved concurrency of the program's functions sums {}, above the account's budget of {}: AWS refuses with \"{AWS_ERROR}\".",
        stacks.join(", and "),
        describe_budget(settings),
    );
    if let Some(uncounted) = overs.iter().map(|over| over.uncounted).max().filter(|count| *count > 0) {
        message.push_str(&format!(
            " {uncounted} reservation(s) infrafix cannot know were not counted."
        ));
    }
    let mut places: Vec<String> = Vec::new();
    let mut defaults_in: Vec<String> = Vec::new();
    let mut chosen_for: Vec<String> = Vec::new();
    for over in overs {
        let stack = over
            .stack
            .map_or("every stack".to_owned(), |stack| format!("`{stack}`"));
        match over.reservation.source {
            Source::Stack(setting) => {
                let place = format!("`{}` in {}:{}", setting.key, setting.file, setting.line);
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            Source::CodeDefault | Source::Code => defaults_in.push(stack),
            Source::ChosenInCode => chosen_for.push(stack),
        }
    }
    // One place reads one kind of number: the stacks' settings (or the code's default where a
    // stack sets none), or the code's pick by the stack's name.
    let reason = match (places.is_empty(), defaults_in.is_empty()) {
        _ if !chosen_for.is_empty() => format!(
            "the code picks the number by the stack's name, for {}; lower it there, or the reservations the code writes",
            chosen_for.join(" and ")
        ),
        (false, true) => format!(
            "the numbers come from the deployment's settings, outside the code, which infrafix does not edit: lower {}, or the reservations the code writes",
            places.join(" and ")
        ),
        (false, false) => format!(
            "the numbers come from the deployment's settings, outside the code, which infrafix does not edit: lower {}, and for {} set the number there or lower the default the code writes, or the reservations the code writes",
            places.join(" and "),
            defaults_in.join(" and ")
        ),
        (true, _) => format!(
            "the default the code writes deploys only in the stacks that set no number ({}), and changing it is a choice for those stacks: set the number in their settings, or lower the default or the reservations the code writes",
            defaults_in.join(", ")
        ),
    };
    Finding::new(
        RuleId::LambdaReservedConcurrencyBudget,
        at.file,
        at.range.clone(),
        message,
    )
    .not_fixed(&reason)
}

impl<'graph> CountedReservations<'graph> {
    /// The stacks whose settings give a number: `None` for a value every stack gets.
    fn stacks(&self) -> BTreeSet<Option<&'graph str>> {
        self.per_stack
            .iter()
            .flat_map(|(_, numbers)| numbers.per_stack.iter().map(|number| number.stack.as_deref()))
            .collect()
    }

    /// What one stack deploys: the code's numbers and that stack's, and how many it leaves uncounted.
    /// A function the code makes only in other stacks (`if (pulumi.getStack() === "prod")`)
    /// is not counted.
    fn in_stack(&self, stack: Option<&str>) -> (Vec<Reservation<'graph>>, usize) {
        let made_here = |reservation: &Reservation| reservation.function.stacks.includes(stack);
        let mut known: Vec<Reservation> = self
            .known
            .iter()
            .filter(|reservation| made_here(reservation))
            .cloned()
            .collect();
        let mut uncounted = self.uncounted;
        for (reservation, numbers) in &self.per_stack {
            let number = numbers
                .per_stack
                .iter()
                .find(|number| number.stack.as_deref() == stack || number.stack.is_none());
            match number {
                _ if !made_here(reservation) => uncounted -= 1,
                Some(number) if number.value <= 0 => uncounted -= 1,
                Some(number) => {
                    uncounted -= 1;
                    known.push(Reservation {
                        value: number.value,
                        source: match &number.source {
                            StackNumberSource::Settings(setting) => Source::Stack(setting),
                            StackNumberSource::CodeDefault => Source::CodeDefault,
                            StackNumberSource::ChosenInCode => Source::ChosenInCode,
                        },
                        ..reservation.clone()
                    });
                }
                None => {}
            }
        }
        (known, uncounted)
    }
}
