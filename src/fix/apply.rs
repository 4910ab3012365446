use std::collections::BTreeMap;

use super::{Edit, Fix};

/// The outcome of applying a set of fixes to a project's texts at once.
#[derive(Debug, Default)]
pub struct Batch {
    /// The new text of every file that changed, by file index.
    pub changed: BTreeMap<usize, String>,
    /// Indices (into the given fixes) of the fixes applied.
    pub applied: Vec<usize>,
    /// Fixes that overlap one applied before them; they are tried again on the next pass.
    pub deferred: Vec<usize>,
    /// Fixes whose edits do not fit the text (outside it, or splitting a character): a rule's bug.
    pub invalid: Vec<usize>,
}

/// Applies every fix that does not conflict with one before it, in the order given. An edit
/// identical to one already accepted is applied once, so fixes that share an edit (two functions
/// using one `const`) both go through.
pub fn apply_fixes(texts: &[String], fixes: &[&Fix]) -> Batch {
    let mut batch = Batch::default();
    let mut accepted: Vec<&Edit> = Vec::new();
    for (index, fix) in fixes.iter().enumerate() {
        if !fits(texts, fix) {
            batch.invalid.push(index);
            continue;
        }
        let conflicts = fix
            .edits
            .iter()
            .any(|edit| accepted.iter().any(|taken| edit.conflicts_with(taken)));
        if conflicts {
            batch.deferred.push(index);
            continue;
        }
        for edit in &fix.edits {
            if !accepted.contains(&edit) {
                accepted.push(edit);
            }
        }
        batch.applied.push(index);
    }
    let mut by_file: BTreeMap<usize, Vec<&Edit>> = BTreeMap::new();
    for edit in accepted {
        by_file.entry(edit.file).or_default().push(edit);
    }
    for (file, mut edits) in by_file {
        edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
        batch.changed.insert(file, splice(&texts[file], &edits));
    }
    batch
}

/// Whether every edit lies inside its file, on character boundaries, and the fix's own edits do
/// not overlap one another.
fn fits(texts: &[String], fix: &Fix) -> bool {
    let inside = fix.edits.iter().all(|edit| {
        texts.get(edit.file).is_some_and(|text| {
            edit.range.start <= edit.range.end
                && edit.range.end <= text.len()
                && text.is_char_boundary(edit.range.start)
                && text.is_char_boundary(edit.range.end)
        })
    });
    let disjoint = fix
        .edits
        .iter()
        .enumerate()
        .all(|(i, edit)| fix.edits[i + 1..].iter().all(|other| !edit.conflicts_with(other)));
    inside && disjoint
}

fn splice(text: &str, sorted_edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut position = 0;
    for edit in sorted_edits {
        out.push_str(&text[position..edit.range.start]);
        out.push_str(&edit.replacement);
        position = edit.range.end;
    }
    out.push_str(&text[position..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(items: &[&str]) -> Vec<String> {
        items.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn applies_edits_in_several_files_together() {
        let fix = Fix::safe(vec![Edit::replace(0, 0..1, "x"), Edit::insert(1, 3, "!")]);
        let batch = apply_fixes(&texts(&["abc", "def"]), &[&fix]);
        assert_eq!(batch.applied, vec![0]);
        assert_eq!(batch.changed[&0], "xbc");
        assert_eq!(batch.changed[&1], "def!");
    }

    #[test]
    fn overlapping_fix_is_deferred_not_lost() {
        let first = Fix::safe(vec![Edit::replace(0, 0..3, "one")]);
        let second = Fix::safe(vec![Edit::replace(0, 2..5, "two"), Edit::insert(1, 0, "kept back")]);
        let batch = apply_fixes(&texts(&["abcdef", "z"]), &[&first, &second]);
        assert_eq!(batch.applied, vec![0]);
        assert_eq!(batch.deferred, vec![1]);
        assert_eq!(batch.changed[&0], "onedef");
        assert!(!batch.changed.contains_key(&1), "a deferred fix changes no file");
    }

    #[test]
    fn shared_identical_edit_is_applied_once() {
        let shared = Edit::replace(0, 0..1, "A");
        let first = Fix::safe(vec![shared.clone(), Edit::replace(0, 2..3, "C")]);
        let second = Fix::safe(vec![shared, Edit::replace(0, 4..5, "E")]);
        let batch = apply_fixes(&texts(&["abcde"]), &[&first, &second]);
        assert_eq!(batch.applied, vec![0, 1]);
        assert_eq!(batch.changed[&0], "AbCdE");
    }

    #[test]
    fn two_insertions_at_one_point_conflict() {
        let first = Fix::safe(vec![Edit::insert(0, 1, "x")]);
        let second = Fix::safe(vec![Edit::insert(0, 1, "y")]);
        let batch = apply_fixes(&texts(&["ab"]), &[&first, &second]);
        assert_eq!(batch.deferred, vec![1]);
        assert_eq!(batch.changed[&0], "axb");
    }

    #[test]
    fn edit_outside_the_text_is_invalid() {
        let fix = Fix::safe(vec![Edit::replace(0, 2..9, "x")]);
        let batch = apply_fixes(&texts(&["abc"]), &[&fix]);
        assert_eq!(batch.invalid, vec![0]);
        assert!(batch.changed.is_empty());
    }

    #[test]
    fn edit_splitting_a_character_is_invalid() {
        let fix = Fix::safe(vec![Edit::replace(0, 1..2, "x")]);
        let batch = apply_fixes(&texts(&["é"]), &[&fix]);
        assert_eq!(batch.invalid, vec![0]);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A text and fixes of one to three edits each, every edit inside the text.
    fn text_and_fixes() -> impl Strategy<Value = (String, Vec<Fix>)> {
        "[a-z\n]{0,120}".prop_flat_map(|text| {
            let length = text.len();
            let edit = (0..=length, 0..=length, "[A-Z]{0,4}")
                .prop_map(|(a, b, replacement)| Edit::replace(0, a.min(b)..a.max(b), replacement));
            let fix = proptest::collection::vec(edit, 1..=3).prop_map(Fix::safe);
            (Just(text), proptest::collection::vec(fix, 0..8))
        })
    }

    fn apply_one_by_one_from_the_end(text: &str, fixes: &[&Fix]) -> String {
        let mut edits: Vec<&Edit> = fixes.iter().flat_map(|fix| &fix.edits).collect();
        edits.sort_by_key(|edit| std::cmp::Reverse((edit.range.start, edit.range.end)));
        edits.dedup();
        let mut result = text.to_owned();
        for edit in edits {
            result.replace_range(edit.range.clone(), &edit.replacement);
        }
        result
    }

    proptest! {
        #[test]
        fn every_fix_is_applied_deferred_or_refused_never_lost((text, fixes) in text_and_fixes()) {
            let references: Vec<&Fix> = fixes.iter().collect();
            let batch = apply_fixes(std::slice::from_ref(&text), &references);
            let mut seen: Vec<usize> = batch.applied.iter().chain(&batch.deferred).chain(&batch.invalid).copied().collect();
            seen.sort();
            prop_assert_eq!(seen, (0..fixes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn applied_fixes_act_as_if_applied_one_edit_at_a_time((text, fixes) in text_and_fixes()) {
            let references: Vec<&Fix> = fixes.iter().collect();
            let batch = apply_fixes(std::slice::from_ref(&text), &references);
            let applied: Vec<&Fix> = batch.applied.iter().map(|&index| &fixes[index]).collect();
            let expected = apply_one_by_one_from_the_end(&text, &applied);
            let actual = batch.changed.get(&0).cloned().unwrap_or_else(|| text.clone());
            prop_assert_eq!(actual, expected);
        }

        #[test]
        fn a_deferred_fix_overlaps_an_applied_one((text, fixes) in text_and_fixes()) {
            let references: Vec<&Fix> = fixes.iter().collect();
            let batch = apply_fixes(std::slice::from_ref(&text), &references);
            for &deferred in &batch.deferred {
                let overlaps = fixes[deferred].edits.iter().any(|edit| {
                    batch.applied.iter().any(|&applied| fixes[applied].edits.iter().any(|taken| edit.conflicts_with(taken)))
                });
                prop_assert!(overlaps, "fix {} was deferred without a conflict", deferred);
            }
        }
    }
}
