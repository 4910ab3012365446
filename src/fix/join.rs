//! Joining fixes that insert at the same point into one, so that they settle in one pass.

use std::collections::BTreeMap;

use super::{Edit, Fix};

/// Fixes that insert different texts at the same point would each wait for the other, one per
/// fixpoint pass (two grants both handing one callback new parameters, both importing
/// into one file). They become one fix, whose texts inserted at one point are joined in the order
/// of the fixes (by key), so that the n-th new output still meets the n-th new parameter. Fixes
/// whose edits overlap in any other way stay apart. The joined fix is as safe as the least safe
/// of its parts.
pub fn join_colliding<Key: Ord + Copy>(
    outcomes: BTreeMap<Key, Result<Fix, String>>,
) -> BTreeMap<Key, Result<Fix, String>> {
    let mut fixes: Vec<Fix> = Vec::new();
    let mut fix_of: BTreeMap<Key, usize> = BTreeMap::new();
    for (key, outcome) in &outcomes {
        if let Ok(fix) = outcome {
            let index = fixes.iter().position(|known| known == fix).unwrap_or_else(|| {
                fixes.push(fix.clone());
                fixes.len() - 1
            });
            fix_of.insert(*key, index);
        }
    }
    // Each fix stands for itself until it is joined into an earlier one; a joined fix may then
    // collide with one it did not before.
    let mut joined_into: Vec<usize> = (0..fixes.len()).collect();
    loop {
        let standing: Vec<usize> = (0..fixes.len()).filter(|&index| joined_into[index] == index).collect();
        let colliding = standing.iter().enumerate().find_map(|(position, &earlier)| {
            standing[position + 1..]
                .iter()
                .find(|&&later| collide(&fixes[earlier], &fixes[later]))
                .map(|&later| (earlier, later))
        });
        let Some((earlier, later)) = colliding else {
            break;
        };
        let applicability = fixes[earlier].applicability.min(fixes[later].applicability);
        fixes[earlier] = Fix::new(join_edits(&fixes[earlier].edits, &fixes[later].edits), applicability);
        for target in joined_into.iter_mut().filter(|target| **target == later) {
            *target = earlier;
        }
    }
    outcomes
        .into_iter()
        .map(|(key, outcome)| match fix_of.get(&key) {
            Some(&index) => (key, Ok(fixes[joined_into[index]].clone())),
            None => (key, outcome),
        })
        .collect()
}

/// One fix making the edits of every one of `fixes`, which a finding needs together (the grants
/// of several roles, each in its own place). Texts they insert at one point are joined in the order
/// of the fixes sorted by their texts: the fixes are made apart, so their order is free, and
/// sorted it is the same on every run. `None` where two of them overlap in
/// any other way: applied together, one would change what the other meant.
pub fn join_all(fixes: &[Fix]) -> Option<Fix> {
    let meeting = fixes.iter().enumerate().any(|(index, first)| {
        fixes[index + 1..]
            .iter()
            .any(|second| overlap_beside_points(first, second))
    });
    if meeting {
        return None;
    }
    let applicability = fixes.iter().map(|fix| fix.applicability).min()?;
    // Whole fixes are ordered, never their edits apart: one fix's new output and the callback
    // parameter it meets must stay at the same position among the others'.
    let mut ordered: Vec<&Fix> = fixes.iter().collect();
    ordered.sort_by(|a, b| {
        let texts = |fix: &'_ Fix| {
            fix.edits
                .iter()
                .map(|edit| edit.replacement.clone())
                .collect::<Vec<_>>()
        };
        texts(a).cmp(&texts(b))
    });
    let joined = ordered
        .into_iter()
        .fold(Vec::new(), |joined, fix| join_edits(&joined, &fix.edits));
    Some(Fix::new(joined, applicability))
}

/// Whether two edits insert at one point.
fn same_point(a: &Edit, b: &Edit) -> bool {
    a.file == b.file && a.range.is_empty() && a.range == b.range
}

/// Whether two different edits of the fixes overlap other than by inserting at one point.
fn overlap_beside_points(first: &Fix, second: &Fix) -> bool {
    let overlap = |a: &Edit, b: &Edit| {
        a.file == b.file && a != b && !same_point(a, b) && a.range.start < b.range.end && b.range.start < a.range.end
    };
    edit_pairs(first, second).any(|(a, b)| overlap(a, b))
}

/// Every edit of `first` with every edit of `second`.
fn edit_pairs<'fix>(first: &'fix Fix, second: &'fix Fix) -> impl Iterator<Item = (&'fix Edit, &'fix Edit)> {
    first
        .edits
        .iter()
        .flat_map(|a| second.edits.iter().map(move |b| (a, b)))
}

/// Whether two fixes insert different texts at one point, and overlap nowhere else.
fn collide(first: &Fix, second: &Fix) -> bool {
    edit_pairs(first, second).any(|(a, b)| same_point(a, b) && a != b) && !overlap_beside_points(first, second)
}

/// The edits of both fixes, with the texts they insert at one point joined, the first's first.
fn join_edits(first: &[Edit], second: &[Edit]) -> Vec<Edit> {
    let mut edits = first.to_vec();
    for edit in second {
        let same_point = edits
            .iter_mut()
            .find(|known| known.file == edit.file && known.range.is_empty() && known.range == edit.range);
        match same_point {
            // An import another part already makes, in a statement it merged more names into.
            Some(known) if *known == *edit || (known.listed.is_some() && known.holds(edit)) => {}
            Some(known) if edit.range.is_empty() => known.append_insertion(edit),
            _ => edits.push(edit.clone()),
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_whole_fixes_keeps_each_ones_inserts_at_the_same_position() {
        // Each fix adds an output at 10 and the callback parameter meeting it at 20.
        let first = Fix::safe(vec![Edit::insert(0, 10, ", b"), Edit::insert(0, 20, ", z")]);
        let second = Fix::safe(vec![Edit::insert(0, 10, ", c"), Edit::insert(0, 20, ", y")]);
        let joined = join_all(&[second, first]).expect("no overlap");
        assert_eq!(
            joined.edits,
            vec![Edit::insert(0, 10, ", b, c"), Edit::insert(0, 20, ", z, y")]
        );
    }

    #[test]
    fn fixes_inserting_at_one_point_are_joined_in_order_and_others_stay_apart() {
        let first = Fix::safe(vec![Edit::insert(0, 10, "a"), Edit::replace(0, 0..2, "x")]);
        let second = Fix::unsafe_edits(vec![Edit::insert(0, 10, "b")]);
        let apart = Fix::safe(vec![Edit::replace(0, 1..3, "y"), Edit::insert(0, 10, "c")]);
        let outcomes = BTreeMap::from([
            (1, Ok(first)),
            (2, Ok(second)),
            (3, Ok(apart.clone())),
            (4, Err("no".to_owned())),
        ]);
        let joined = join_colliding(outcomes);
        let expected = Fix::new(
            vec![Edit::insert(0, 10, "ab"), Edit::replace(0, 0..2, "x")],
            crate::fix::Applicability::Unsafe,
        );
        assert_eq!(joined[&1], Ok(expected.clone()));
        assert_eq!(joined[&2], Ok(expected));
        assert_eq!(joined[&3], Ok(apart), "it overlaps the first elsewhere");
        assert_eq!(joined[&4], Err("no".to_owned()));
    }

    #[test]
    fn fixes_joined_all_insert_sorted_at_one_point_unless_they_overlap() {
        let first = Fix::safe(vec![Edit::insert(0, 4, "orders, "), Edit::insert(0, 20, "first")]);
        let second = Fix::unsafe_edits(vec![Edit::insert(0, 4, "invoices, "), Edit::replace(0, 8..12, "x")]);
        let expected = Fix::new(
            vec![
                Edit::insert(0, 4, "invoices, orders, "),
                Edit::replace(0, 8..12, "x"),
                Edit::insert(0, 20, "first"),
            ],
            crate::fix::Applicability::Unsafe,
        );
        assert_eq!(join_all(&[first.clone(), second]), Some(expected));
        let overlapping = Fix::safe(vec![Edit::replace(0, 10..14, "y")]);
        assert_eq!(
            join_all(&[first.clone(), overlapping.clone()]),
            Some(Fix::new(
                vec![
                    Edit::insert(0, 4, "orders, "),
                    Edit::replace(0, 10..14, "y"),
                    Edit::insert(0, 20, "first")
                ],
                crate::fix::Applicability::Safe,
            ))
        );
        let meeting = Fix::safe(vec![Edit::replace(0, 9..11, "z")]);
        assert_eq!(join_all(&[overlapping, meeting]), None);
        assert_eq!(join_all(&[]), None);
    }
}
