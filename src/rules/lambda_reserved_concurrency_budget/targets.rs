//! The accounts and regions a program's reservations deploy to (a CDK stack's literal `env`, a
//! Terraform or Pulumi provider's region):
//! reserved concurrency is budgeted per account and region, so each is summed on its own. A
//! reservation whose account or region the program does not say may deploy to any: it counts in
//! each. The accounts and regions are one more choice between arms for `heaviest_run`, so the
//! totals and the fix treat them as they treat `if`/`else` arms.

use std::collections::BTreeSet;

use super::{Reservation, Source};
use crate::cloud::{Branch, DeployTarget};

/// The choice between the accounts and regions: no front end numbers a file `usize::MAX`.
const TARGETS_CHOICE: (usize, usize) = (usize::MAX, 0);

/// The program's reservations, each once per account and region it counts in (those of one
/// number written for one function in one entry per place).
pub(super) struct Placed<'graph> {
    pub reservations: Vec<Reservation<'graph>>,
    /// Per entry: the branches it is made in, the account and region first where there are several.
    pub paths: Vec<Vec<Branch>>,
    /// Per entry: the account and region it counts in.
    pub target: Vec<DeployTarget>,
    /// Whether an account or a region is named, or there are several sums: messages then say
    /// which their sum is for.
    pub named: bool,
    /// Whether an account is named: only then do messages say a sum's account is not.
    pub accounts_named: bool,
    /// The places whose sums count reservations that do not say where they deploy.
    pub counting_unplaced: BTreeSet<DeployTarget>,
}

pub(super) fn placed<'graph>(known: &[Reservation<'graph>]) -> Placed<'graph> {
    let groups = target_groups(known);
    let several = groups.len() > 1;
    let mut placed = Placed {
        reservations: Vec::new(),
        paths: Vec::new(),
        target: Vec::new(),
        // What chooses an unwritten region is named only to tell several sums apart.
        named: several
            || groups
                .iter()
                .any(|(target, _)| target.account.is_some() || target.region.is_some()),
        accounts_named: groups.iter().any(|(target, _)| target.account.is_some()),
        counting_unplaced: BTreeSet::new(),
    };
    for (arm, (target, members)) in groups.into_iter().enumerate() {
        let first_of_group = placed.reservations.len();
        for index in members {
            let reservation = &known[index];
            if *reservation.target != target {
                placed.counting_unplaced.insert(target.clone());
            }
            // The instances of one number that deploy to different places the program names
            // (the same stack in two accounts) count together where they may meet.
            let same_number = (first_of_group..placed.reservations.len()).find(|&entry| {
                let other = &placed.reservations[entry];
                std::ptr::eq(other.function, reservation.function)
                    && other.at == reservation.at
                    && other.reported_at == reservation.reported_at
                    && other.value == reservation.value
                    && matches!((&other.source, &reservation.source), (Source::Code, Source::Code))
            });
            if let Some(entry) = same_number {
                let other = &mut placed.reservations[entry];
                other.instances = other.instances.saturating_add(reservation.instances);
                other.at_least |= reservation.at_least;
                continue;
            }
            let mut path = Vec::new();
            if several {
                path.push(Branch {
                    choice: TARGETS_CHOICE,
                    arm,
                });
            }
            path.extend_from_slice(&reservation.function.branches);
            placed.reservations.push(reservation.clone());
            placed.paths.push(path);
            placed.target.push(target.clone());
        }
    }
    placed
}

/// Each account and region something may deploy to, with the reservations counting there: every
/// account named with every region named (or what chooses an unwritten one), and the places
/// named by neither (written `None`), which only the reservations not saying count in. Places
/// counting the same reservations are one, and one counting only some of another's is left out.
fn target_groups(known: &[Reservation]) -> Vec<(DeployTarget, Vec<usize>)> {
    let named = |field: fn(&DeployTarget) -> &Option<String>| {
        let mut values: Vec<Option<String>> = known
            .iter()
            .filter_map(|reservation| field(reservation.target).clone())
            .map(Some)
            .collect();
        values.sort();
        values.dedup();
        values.push(None);
        values
    };
    let accounts = named(|target| &target.account);
    let regions = named(|target| &target.region);
    let choosers = named(|target| &target.chosen_by);
    let mut groups: Vec<(DeployTarget, Vec<usize>)> = Vec::new();
    for account in &accounts {
        for region in &regions {
            // What chooses a region is named only where none is written.
            for chosen_by in choosers
                .iter()
                .filter(|chosen_by| region.is_none() || chosen_by.is_none())
            {
                let target = DeployTarget {
                    account: account.clone(),
                    region: region.clone(),
                    chosen_by: chosen_by.clone(),
                };
                let members: Vec<usize> = (0..known.len())
                    .filter(|&index| known[index].target.may_be(&target))
                    .collect();
                if !members.is_empty() && !groups.iter().any(|(_, counted)| *counted == members) {
                    groups.push((target, members));
                }
            }
        }
    }
    // A place counting only some of another's reservations sums no more than it: the larger
    // sum is the one to judge.
    let counted: Vec<Vec<usize>> = groups.iter().map(|(_, members)| members.clone()).collect();
    groups.retain(|(_, members)| {
        !counted
            .iter()
            .any(|other| other.len() > members.len() && members.iter().all(|member| other.contains(member)))
    });
    groups
}

/// ` in account `111111111111`, region `eu-west-1`,`: where a sum is counted, for messages. A
/// program that names no account anywhere (Terraform, Pulumi) is not told its account is unnamed.
pub(super) fn describe(target: &DeployTarget, accounts_named: bool) -> String {
    match (&target.account, &target.region, &target.chosen_by) {
        (Some(account), Some(region), _) => format!(" in account `{account}`, region `{region}`,"),
        (Some(account), None, _) => format!(" in account `{account}` (in a region no stack names)"),
        (None, Some(region), _) if !accounts_named => format!(" in region `{region}`,"),
        (None, Some(region), _) => format!(" in region `{region}` (in an account no stack names)"),
        (None, None, Some(chooser)) => format!(" in the region {chooser} deploys to,"),
        (None, None, None) if !accounts_named => " where no region is named,".to_owned(),
        (None, None, None) => " where no stack names the account and region,".to_owned(),
    }
}
