use std::collections::{BTreeMap, BTreeSet};

use super::{Edit, Fix, NewDependency, TextChange};

/// The outcome of applying a set of fixes to a project's texts at once.
#[derive(Debug, Default)]
pub struct Batch {
    /// The new text of every file that changed, by file index.
    pub changed: BTreeMap<usize, TextChange>,
    /// Indices (into the given fixes) of the fixes applied.
    pub applied: Vec<usize>,
    /// Fixes that overlap one applied before them, or whose new imports would close a cycle with
    /// its; they are tried again on the next pass, made on texts that hold the other's edits.
    pub deferred: Vec<usize>,
    /// Fixes whose own new imports close a cycle: applied alone they would still make one.
    pub cyclic: Vec<usize>,
    /// Fixes whose edits do not fit the text (outside it, or splitting a character): a rule's bug.
    pub invalid: Vec<usize>,
    /// The edits as made, in each file's order: those of the applied fixes, each once, with listed
    /// lines inserted at one point merged into one edit.
    pub edits: Vec<Edit>,
}

/// Applies every fix that does not conflict with one before it, in the order given. An edit
/// identical to one already accepted is applied once, so fixes that share an edit (two functions
/// using one `const`) both go through; listed lines inserted at one point are merged, the earlier
/// fix's first.
pub fn apply_fixes(texts: &[String], fixes: &[&Fix]) -> Batch {
    let mut batch = Batch::default();
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut accepted_dependencies: Vec<&NewDependency> = Vec::new();
    for (index, fix) in fixes.iter().enumerate() {
        if !fits(texts, fix) {
            batch.invalid.push(index);
            continue;
        }
        let dependencies: Vec<&NewDependency> = fix.edits.iter().flat_map(|edit| &edit.dependencies).collect();
        if closes_cycle(&[], &dependencies) {
            batch.cyclic.push(index);
            continue;
        }
        let conflicts = fix
            .edits
            .iter()
            .any(|edit| accepted.iter().any(|taken| edit.conflicts_with(taken)));
        if conflicts || closes_cycle(&accepted_dependencies, &dependencies) {
            batch.deferred.push(index);
            continue;
        }
        accepted_dependencies.extend(dependencies);
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
        // A stable sort: listed lines at one point stay in the order their fixes were accepted.
        edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
        let edits = merge_listed_lines(edits);
        batch.changed.insert(file, TextChange::splice(&texts[file], &edits));
        batch.edits.extend(edits);
    }
    batch
}

/// Whether the `new` dependencies, with those `accepted` (which close none), make a file depend
/// on itself: a new one's imported file reaches its `from`, through what files load now and the rest.
fn closes_cycle(accepted: &[&NewDependency], new: &[&NewDependency]) -> bool {
    let all: Vec<&NewDependency> = accepted.iter().chain(new).copied().collect();
    new.iter().any(|dependency| {
        let mut reached: BTreeSet<usize> = dependency.to_reaches.iter().copied().collect();
        loop {
            let known = reached.len();
            for other in &all {
                if reached.contains(&other.from) {
                    reached.extend(other.to_reaches.iter().copied());
                }
            }
            if reached.len() == known {
                break;
            }
        }
        reached.contains(&dependency.from)
    })
}

/// One file's sorted edits, with each run of listed lines inserted at one point merged into the first.
fn merge_listed_lines(sorted: Vec<&Edit>) -> Vec<Edit> {
    let mut merged: Vec<Edit> = Vec::with_capacity(sorted.len());
    for edit in sorted {
        if let Some(earlier) = merged.last_mut() {
            if let (Some(lines), Some(more)) = (&mut earlier.listed, &edit.listed) {
                if earlier.range == edit.range && edit.range.is_empty() {
                    lines.merge(more);
                    earlier.replacement = lines.text();
                    earlier.dependencies.extend(edit.dependencies.iter().cloned());
                    continue;
                }
            }
        }
        merged.push(edit.clone());
    }
    merged
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{ListedLine, ListedLines};

    fn texts(items: &[&str]) -> Vec<String> {
        items.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn applies_edits_in_several_files_together() {
        let fix = Fix::safe(vec![Edit::replace(0, 0..1, "x"), Edit::insert(1, 3, "!")]);
        let batch = apply_fixes(&texts(&["abc", "def"]), &[&fix]);
        assert_eq!(batch.applied, vec![0]);
        assert_eq!(batch.changed[&0].text, "xbc");
        assert_eq!(batch.changed[&1].text, "def!");
    }

    #[test]
    fn overlapping_fix_is_deferred_not_lost() {
        let first = Fix::safe(vec![Edit::replace(0, 0..3, "one")]);
        let second = Fix::safe(vec![Edit::replace(0, 2..5, "two"), Edit::insert(1, 0, "kept back")]);
        let batch = apply_fixes(&texts(&["abcdef", "z"]), &[&first, &second]);
        assert_eq!(batch.applied, vec![0]);
        assert_eq!(batch.deferred, vec![1]);
        assert_eq!(batch.changed[&0].text, "onedef");
        assert!(!batch.changed.contains_key(&1), "a deferred fix changes no file");
    }

    #[test]
    fn shared_identical_edit_is_applied_once() {
        let shared = Edit::replace(0, 0..1, "A");
        let first = Fix::safe(vec![shared.clone(), Edit::replace(0, 2..3, "C")]);
        let second = Fix::safe(vec![shared, Edit::replace(0, 4..5, "E")]);
        let batch = apply_fixes(&texts(&["abcde"]), &[&first, &second]);
        assert_eq!(batch.applied, vec![0, 1]);
        assert_eq!(batch.changed[&0].text, "AbCdE");
    }

    #[test]
    fn two_insertions_at_one_point_conflict() {
        let first = Fix::safe(vec![Edit::insert(0, 1, "x")]);
        let second = Fix::safe(vec![Edit::insert(0, 1, "y")]);
        let batch = apply_fixes(&texts(&["ab"]), &[&first, &second]);
        assert_eq!(batch.deferred, vec![1]);
        assert_eq!(batch.changed[&0].text, "axb");
    }

    fn import_lines(module: &str, name: &str) -> ListedLines {
        ListedLines {
            lines: vec![ListedLine {
                key: module.to_owned(),
                head: "\nimport { ".to_owned(),
                items: vec![name.to_owned()],
                tail: format!(" }} from \"{module}\";"),
            }],
            binds: [name.to_owned()].into(),
        }
    }

    #[test]
    fn new_imports_at_one_point_merge_unless_they_bind_one_name() {
        let text = "import * as aws from \"@pulumi/aws\";\nrest";
        let end_of_imports = text.find("\nrest").expect("the imports end");
        let first = Fix::safe(vec![
            Edit::insert_lines(0, end_of_imports, import_lines("./payments", "paymentsDlq")),
            Edit::insert(0, text.len(), " dlq"),
        ]);
        let same_module = Fix::safe(vec![Edit::insert_lines(
            0,
            end_of_imports,
            import_lines("./payments", "paymentsPolicy"),
        )]);
        let other_module = Fix::safe(vec![Edit::insert_lines(
            0,
            end_of_imports,
            import_lines("./audit", "auditPolicy"),
        )]);
        let same_name = Fix::safe(vec![Edit::insert_lines(
            0,
            end_of_imports,
            import_lines("./orders", "paymentsDlq"),
        )]);
        let batch = apply_fixes(&texts(&[text]), &[&first, &same_module, &other_module, &same_name]);
        assert_eq!(batch.applied, vec![0, 1, 2]);
        assert_eq!(batch.deferred, vec![3], "a second `paymentsDlq` would not compile");
        assert_eq!(
            batch.changed[&0].text,
            "import * as aws from \"@pulumi/aws\";\nimport { paymentsDlq, paymentsPolicy } from \"./payments\";\nimport { auditPolicy } from \"./audit\";\nrest dlq"
        );
        assert_eq!(batch.edits.len(), 2, "one merged insertion, and the other edit");
        assert_eq!(
            batch.edits[0].replacement.len(),
            batch.changed[&0].text.len() - text.len() - " dlq".len()
        );
    }

    #[test]
    fn fixes_whose_new_imports_close_a_cycle_together_are_not_applied_together() {
        // File 2 already loads file 0. A fix making 0 load 1 goes in; one making 1 load 2 would
        // close 0 → 1 → 2 → 0 with it, so it waits a pass; one making 1 load 0 and 0 load 1 by
        // itself can never go in.
        let import = |from: usize, to: usize, to_reaches: Vec<usize>| {
            Edit::insert(from, 0, format!("import {to};")).with_dependency(NewDependency { from, to_reaches })
        };
        let first = Fix::safe(vec![import(0, 1, vec![1])]);
        let closing = Fix::safe(vec![import(1, 2, vec![0, 2])]);
        let itself = Fix::safe(vec![import(1, 0, vec![0]), import(0, 1, vec![1])]);
        let batch = apply_fixes(&texts(&["a", "b", "c"]), &[&first, &closing, &itself]);
        assert_eq!(batch.applied, vec![0]);
        assert_eq!(batch.deferred, vec![1]);
        assert_eq!(batch.cyclic, vec![2]);
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
            let mut seen: Vec<usize> = batch.applied.iter().chain(&batch.deferred).chain(&batch.invalid).chain(&batch.cyclic).copied().collect();
            seen.sort();
            prop_assert_eq!(seen, (0..fixes.len()).collect::<Vec<_>>());
        }

        #[test]
        fn applied_fixes_act_as_if_applied_one_edit_at_a_time((text, fixes) in text_and_fixes()) {
            let references: Vec<&Fix> = fixes.iter().collect();
            let batch = apply_fixes(std::slice::from_ref(&text), &references);
            let applied: Vec<&Fix> = batch.applied.iter().map(|&index| &fixes[index]).collect();
            let expected = apply_one_by_one_from_the_end(&text, &applied);
            let actual = batch.changed.get(&0).map_or_else(|| text.clone(), |change| change.text.clone());
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
