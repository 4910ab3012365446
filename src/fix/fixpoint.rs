use std::collections::{BTreeMap, HashSet};

use anyhow::Result;

use super::tracking::FindingTracker;
use super::{apply_fixes, Applicability, Edit, Fix, TextChange};
use crate::diagnostic::Finding;
use crate::rules::RuleId;

/// How many detect-and-fix passes a project gets. Each pass applies every fix that does not overlap
/// another; a rule whose fix makes room for another's needs a second pass, rarely more.
pub const MAX_PASSES: usize = 10;

/// Which fixes may be applied.
#[derive(Debug, Clone, Copy)]
pub struct FixPolicy {
    pub unsafe_fixes: bool,
}

impl FixPolicy {
    fn allows(self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// A project as the fixpoint loop sees it: texts it can read, findings it can ask for, and new
/// texts it can hand back (the project re-parses them).
pub trait FixableProject {
    fn texts(&self) -> &[String];
    /// The findings on the current texts, already filtered by selection and suppression comments.
    fn findings(&mut self) -> Result<Vec<Finding>>;
    /// Replaces the texts of the given files; returns the files that now have more syntax errors
    /// than they had when read.
    fn replace_texts(&mut self, changed: BTreeMap<usize, TextChange>) -> Result<Vec<usize>>;
}

/// A fix that was not applied because it was broken: a bug in its rule, reported as such.
#[derive(Debug, Clone)]
pub struct DroppedFix {
    pub rule: RuleId,
    pub file: usize,
    pub reason: String,
}

#[derive(Debug)]
pub struct FixpointOutcome {
    /// The findings on the texts as read.
    pub initial_findings: Vec<Finding>,
    /// Per finding of the texts as read: whether the final texts no longer have it. The run's
    /// edits are the only change, so they resolved it: its own fix, on whichever pass, or one it
    /// shares. All false when the fixes did not settle, since nothing is then written.
    pub fixed: Vec<bool>,
    /// Findings the run's own edits raised and then fixed (a policy a fix added, listed in
    /// `dependsOn` on the next pass): they are not in the texts as read, their fixes are.
    pub raised_and_fixed: Vec<Finding>,
    /// The findings left on the final texts (on the texts as read when nothing is written).
    pub remaining_findings: Vec<RemainingFinding>,
    pub dropped: Vec<DroppedFix>,
    /// False when fixes were still being applied after the last pass allowed.
    pub converged: bool,
}

#[derive(Debug)]
pub struct RemainingFinding {
    pub finding: Finding,
    /// Not in the texts as read: the run's own edits raised it.
    pub raised: bool,
}

/// Detects only: the findings on the texts as read, each with the fix it offers, none applied.
/// Whether anything is pending needs no more, which is all `--check` asks.
pub fn detect_only(project: &mut impl FixableProject) -> Result<FixpointOutcome> {
    Ok(nothing_fixed(project.findings()?, Vec::new(), true))
}

/// Detects and fixes, pass after pass, until no applicable fix is left. Everything happens in
/// memory: the caller writes the final texts once.
pub fn fix_to_fixpoint(project: &mut impl FixableProject, policy: FixPolicy) -> Result<FixpointOutcome> {
    let initial = project.findings()?;
    let mut tracker = FindingTracker::new(&initial);
    let mut raised_and_fixed = Vec::new();
    let mut dropped = Vec::new();
    let mut refused: HashSet<Fix> = HashSet::new();
    let mut findings = initial.clone();
    for _ in 0..MAX_PASSES {
        let candidates: Vec<usize> = (0..findings.len())
            .filter(|&index| {
                findings[index]
                    .fix
                    .as_ref()
                    .is_some_and(|fix| policy.allows(fix) && !refused.contains(fix))
            })
            .collect();
        let known = tracker.identify(&initial, &findings);
        if candidates.is_empty() {
            let mut fixed = vec![true; initial.len()];
            for first_reported in known.iter().flatten() {
                fixed[*first_reported] = false;
            }
            let remaining_findings = findings
                .into_iter()
                .zip(known)
                .map(|(finding, known)| RemainingFinding {
                    finding,
                    raised: known.is_none(),
                })
                .collect();
            return Ok(FixpointOutcome {
                initial_findings: initial,
                fixed,
                raised_and_fixed,
                remaining_findings,
                dropped,
                converged: true,
            });
        }
        let candidate_findings: Vec<&Finding> = candidates.iter().map(|&index| &findings[index]).collect();
        let pass = apply_pass(project, &candidate_findings)?;
        for broken in pass.broken {
            if let Some(fix) = &broken.finding.fix {
                refused.insert(fix.clone());
            }
            dropped.push(DroppedFix {
                rule: broken.finding.rule,
                file: broken.finding.file,
                reason: broken.reason,
            });
        }
        for &position in &pass.applied {
            let index = candidates[position];
            if known[index].is_none() {
                raised_and_fixed.push(findings[index].clone());
            }
        }
        tracker.shift(&pass.edits);
        findings = project.findings()?;
    }
    // Nothing is written when the fixes do not settle: what remains is what was read.
    Ok(nothing_fixed(initial, dropped, false))
}

/// The outcome of a run that leaves the texts as read: every finding remains.
fn nothing_fixed(initial: Vec<Finding>, dropped: Vec<DroppedFix>, converged: bool) -> FixpointOutcome {
    FixpointOutcome {
        fixed: vec![false; initial.len()],
        raised_and_fixed: Vec::new(),
        remaining_findings: initial
            .iter()
            .cloned()
            .map(|finding| RemainingFinding { finding, raised: false })
            .collect(),
        initial_findings: initial,
        dropped,
        converged,
    }
}

struct BrokenFix<'a> {
    finding: &'a Finding,
    reason: String,
}

/// What one pass did with its candidates.
struct Pass<'a> {
    /// Indices of the candidates whose fixes are in the texts now.
    applied: Vec<usize>,
    /// The edits that put them there, as made.
    edits: Vec<Edit>,
    broken: Vec<BrokenFix<'a>>,
}

/// Applies the candidates' fixes together; when the result parses worse, takes the batch back and
/// applies them one at a time, keeping only those that leave the syntax intact.
fn apply_pass<'a>(project: &mut impl FixableProject, candidates: &[&'a Finding]) -> Result<Pass<'a>> {
    let fixes: Vec<&Fix> = candidates.iter().filter_map(|finding| finding.fix.as_ref()).collect();
    let batch = apply_fixes(project.texts(), &fixes);
    let misfits = batch.invalid.iter().map(|&index| BrokenFix {
        finding: candidates[index],
        reason: "its edits do not fit the file (internal error)".to_owned(),
    });
    let cycles = batch.cyclic.iter().map(|&index| BrokenFix {
        finding: candidates[index],
        reason: "its new imports would make an import cycle (internal error); the fix was dropped".to_owned(),
    });
    let mut broken: Vec<BrokenFix> = misfits.chain(cycles).collect();
    let originals = originals_of(project.texts(), &batch.changed);
    if project.replace_texts(batch.changed)?.is_empty() {
        return Ok(Pass {
            applied: batch.applied,
            edits: batch.edits,
            broken,
        });
    }
    project.replace_texts(originals)?;
    // Each fix is tried alone against the texts of this pass, so that the ranges of the others stay valid.
    let mut sound = Vec::new();
    for &index in &batch.applied {
        if parses_with(project, &[fixes[index]])? {
            sound.push(index);
        } else {
            broken.push(BrokenFix {
                finding: candidates[index],
                reason: "its result would not parse (internal error); the fix was dropped".to_owned(),
            });
        }
    }
    let sound_fixes: Vec<&Fix> = sound.iter().map(|&index| fixes[index]).collect();
    let together = apply_fixes(project.texts(), &sound_fixes);
    let originals = originals_of(project.texts(), &together.changed);
    if project.replace_texts(together.changed)?.is_empty() {
        let applied = together.applied.iter().map(|&position| sound[position]).collect();
        return Ok(Pass {
            applied,
            edits: together.edits,
            broken,
        });
    }
    // Sound one by one yet broken together: keep the first, the rest come back next pass.
    project.replace_texts(originals)?;
    let first = apply_fixes(project.texts(), &sound_fixes[..sound_fixes.len().min(1)]);
    project.replace_texts(first.changed)?;
    let applied = first.applied.iter().map(|&position| sound[position]).collect();
    Ok(Pass {
        applied,
        edits: first.edits,
        broken,
    })
}

/// Whether the fixes applied to the current texts keep the syntax intact; the texts are left as they were.
fn parses_with(project: &mut impl FixableProject, fixes: &[&Fix]) -> Result<bool> {
    let trial = apply_fixes(project.texts(), fixes);
    let originals = originals_of(project.texts(), &trial.changed);
    let worse = project.replace_texts(trial.changed)?;
    project.replace_texts(originals)?;
    Ok(worse.is_empty())
}

/// The changes that take the changed files back to `texts`.
fn originals_of(texts: &[String], changed: &BTreeMap<usize, TextChange>) -> BTreeMap<usize, TextChange> {
    changed
        .iter()
        .map(|(&file, change)| (file, change.undo(&texts[file])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;

    /// A one-file project whose "rules" are a function of its text, and whose "syntax errors" are
    /// the places where `((` appears.
    struct FakeProject {
        texts: Vec<String>,
        rules: fn(&str) -> Vec<Fix>,
    }

    impl FixableProject for FakeProject {
        fn texts(&self) -> &[String] {
            &self.texts
        }

        fn findings(&mut self) -> Result<Vec<Finding>> {
            let fixes = (self.rules)(&self.texts[0]);
            // Each finding is where its fix's first edit is, and says what that edit writes.
            Ok(fixes
                .into_iter()
                .map(|fix| {
                    let first = fix.edits[0].clone();
                    let message = format!("fake: {}", first.replacement);
                    Finding::new(RuleId::LambdaDeprecatedRuntime, 0, first.range, message).with_fix(fix)
                })
                .collect())
        }

        fn replace_texts(&mut self, changed: BTreeMap<usize, TextChange>) -> Result<Vec<usize>> {
            let mut worse = Vec::new();
            for (file, change) in changed {
                if change.text.contains("((") {
                    worse.push(file);
                }
                self.texts[file] = change.text;
            }
            Ok(worse)
        }
    }

    fn run(text: &str, rules: fn(&str) -> Vec<Fix>) -> (String, FixpointOutcome) {
        let mut project = FakeProject {
            texts: vec![text.to_owned()],
            rules,
        };
        let outcome = fix_to_fixpoint(&mut project, FixPolicy { unsafe_fixes: false }).expect("runs");
        (project.texts.remove(0), outcome)
    }

    #[test]
    fn overlapping_fix_is_applied_on_a_later_pass() {
        let (text, outcome) = run("abcd", |text| {
            let mut fixes = Vec::new();
            if text.starts_with("abc") {
                fixes.push(Fix::safe(vec![Edit::replace(0, 0..3, "ABC")]));
            }
            if text.ends_with('d') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 2..4, text[2..4].to_uppercase())]));
            }
            fixes
        });
        assert_eq!(text, "ABCD");
        assert!(outcome.converged);
        assert_eq!(outcome.initial_findings.len(), 2);
        assert!(outcome.remaining_findings.is_empty());
    }

    #[test]
    fn fix_that_breaks_syntax_is_dropped_and_reported() {
        let (text, outcome) = run("f(x)", |text| {
            let mut fixes = Vec::new();
            if text.contains('x') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 2..3, "y")]));
            }
            if !text.contains("((") {
                fixes.push(Fix::safe(vec![Edit::insert(0, 1, "(")]));
            }
            fixes
        });
        assert_eq!(text, "f(y)", "the sound fix is kept, the breaking one dropped");
        assert_eq!(outcome.dropped.len(), 1);
        assert!(outcome.converged);
    }

    #[test]
    fn unsafe_fixes_wait_for_permission() {
        let (text, outcome) = run("a", |text| match text {
            "a" => vec![Fix::unsafe_edits(vec![Edit::replace(0, 0..1, "b")])],
            _ => Vec::new(),
        });
        assert_eq!(text, "a");
        assert_eq!(outcome.remaining_findings.len(), 1);
    }

    #[test]
    fn fixes_that_never_settle_are_reported_and_count_as_nothing_fixed() {
        let (_, outcome) = run("a", |text| vec![Fix::safe(vec![Edit::insert(0, text.len(), "!")])]);
        assert!(!outcome.converged);
        assert_eq!(outcome.fixed, vec![false], "nothing is written, so nothing is fixed");
        assert_eq!(outcome.remaining_findings.len(), 1, "what remains is what was read");
        assert!(outcome.raised_and_fixed.is_empty());
    }

    #[test]
    fn a_deferred_finding_is_known_again_after_edits_moved_it() {
        // "xy": the two fixes overlap, so the second waits a pass, after the first made the text longer.
        let (text, outcome) = run("xy", |text| {
            let mut fixes = Vec::new();
            if text.starts_with('x') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 0..2, format!("XXX{}", &text[1..2]))]));
            }
            if text.ends_with('y') {
                let end = text.len();
                fixes.push(Fix::safe(vec![Edit::replace(0, end - 1..end, "Y")]));
            }
            fixes
        });
        assert_eq!(text, "XXXY");
        assert_eq!(outcome.fixed, vec![true, true]);
        assert!(outcome.raised_and_fixed.is_empty(), "{:?}", outcome.raised_and_fixed);
    }

    #[test]
    fn findings_the_fixes_raise_are_counted_apart() {
        // Fixing "a" raises a finding on "b", which the next pass fixes; that fix raises one on
        // "B" whose fix is unsafe, so it stays.
        let (text, outcome) = run("ab", |text| {
            let mut fixes = Vec::new();
            if text.starts_with('a') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 0..1, "A")]));
            }
            if text == "Ab" {
                fixes.push(Fix::safe(vec![Edit::replace(0, 1..2, "B")]));
            }
            if text == "AB" {
                fixes.push(Fix::unsafe_edits(vec![Edit::replace(0, 1..2, "C")]));
            }
            fixes
        });
        assert_eq!(text, "AB");
        assert_eq!(outcome.fixed, vec![true]);
        assert_eq!(outcome.raised_and_fixed.len(), 1);
        assert_eq!(outcome.remaining_findings.len(), 1);
        assert!(outcome.remaining_findings[0].raised);
    }

    #[test]
    fn a_fix_that_does_not_resolve_its_finding_is_not_counted_as_fixed() {
        // The fix of the finding at "b" rewrites it, yet the same finding is there after it.
        let (text, outcome) = run("ab", |text| {
            let mut fixes = Vec::new();
            if text.starts_with('a') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 0..1, "A")]));
            }
            if text.ends_with('b') {
                fixes.push(Fix::safe(vec![Edit::replace(0, 1..2, "c")]));
            }
            if text.ends_with('c') {
                fixes.push(Fix::unsafe_edits(vec![Edit::replace(0, 1..2, "c")]));
            }
            fixes
        });
        assert_eq!(text, "Ac");
        assert_eq!(outcome.fixed, vec![true, false]);
        assert_eq!(outcome.remaining_findings.len(), 1);
        assert!(
            !outcome.remaining_findings[0].raised,
            "it is the finding first reported at 1"
        );
    }
}
