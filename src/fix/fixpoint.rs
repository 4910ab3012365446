use std::collections::{BTreeMap, HashSet};

use anyhow::Result;

use super::{apply_fixes, Applicability, Fix};
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
    fn replace_texts(&mut self, changed: BTreeMap<usize, String>) -> Result<Vec<usize>>;
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
    /// The findings left on the final texts.
    pub remaining_findings: Vec<Finding>,
    pub dropped: Vec<DroppedFix>,
    /// False when fixes were still being applied after the last pass allowed.
    pub converged: bool,
}

/// Detects and fixes, pass after pass, until no applicable fix is left. Everything happens in
/// memory: the caller writes the final texts once.
pub fn fix_to_fixpoint(project: &mut impl FixableProject, policy: FixPolicy) -> Result<FixpointOutcome> {
    let mut initial_findings = None;
    let mut dropped = Vec::new();
    let mut refused: HashSet<Fix> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let findings = project.findings()?;
        let candidates: Vec<&Finding> = findings
            .iter()
            .filter(|finding| {
                finding
                    .fix
                    .as_ref()
                    .is_some_and(|fix| policy.allows(fix) && !refused.contains(fix))
            })
            .collect();
        if candidates.is_empty() {
            return Ok(FixpointOutcome {
                initial_findings: initial_findings.unwrap_or_else(|| findings.clone()),
                remaining_findings: findings,
                dropped,
                converged: true,
            });
        }
        for broken in apply_pass(project, &candidates)? {
            if let Some(fix) = &broken.finding.fix {
                refused.insert(fix.clone());
            }
            dropped.push(DroppedFix {
                rule: broken.finding.rule,
                file: broken.finding.file,
                reason: broken.reason,
            });
        }
        initial_findings.get_or_insert(findings);
    }
    let remaining_findings = project.findings()?;
    Ok(FixpointOutcome {
        initial_findings: initial_findings.unwrap_or_else(|| remaining_findings.clone()),
        remaining_findings,
        dropped,
        converged: false,
    })
}

struct BrokenFix<'a> {
    finding: &'a Finding,
    reason: String,
}

/// Applies the candidates' fixes together; when the result parses worse, takes the batch back and
/// applies them one at a time, keeping only those that leave the syntax intact.
fn apply_pass<'a>(project: &mut impl FixableProject, candidates: &[&'a Finding]) -> Result<Vec<BrokenFix<'a>>> {
    let fixes: Vec<&Fix> = candidates.iter().filter_map(|finding| finding.fix.as_ref()).collect();
    let batch = apply_fixes(project.texts(), &fixes);
    let mut broken: Vec<BrokenFix> = batch
        .invalid
        .iter()
        .map(|&index| BrokenFix {
            finding: candidates[index],
            reason: "its edits do not fit the file (internal error)".to_owned(),
        })
        .collect();
    let originals = originals_of(project.texts(), &batch.changed);
    if project.replace_texts(batch.changed)?.is_empty() {
        return Ok(broken);
    }
    project.replace_texts(originals)?;
    // Each fix is tried alone against the texts of this pass, so that the ranges of the others stay valid.
    let mut sound = Vec::new();
    for &index in &batch.applied {
        if parses_with(project, &[fixes[index]])? {
            sound.push(fixes[index]);
        } else {
            broken.push(BrokenFix {
                finding: candidates[index],
                reason: "its result would not parse (internal error); the fix was dropped".to_owned(),
            });
        }
    }
    // Sound one by one yet broken together: keep the first, the rest come back next pass.
    let together = apply_fixes(project.texts(), &sound);
    let originals = originals_of(project.texts(), &together.changed);
    if !project.replace_texts(together.changed)?.is_empty() {
        project.replace_texts(originals)?;
        let first = apply_fixes(project.texts(), &sound[..sound.len().min(1)]);
        project.replace_texts(first.changed)?;
    }
    Ok(broken)
}

/// Whether the fixes applied to the current texts keep the syntax intact; the texts are left as they were.
fn parses_with(project: &mut impl FixableProject, fixes: &[&Fix]) -> Result<bool> {
    let trial = apply_fixes(project.texts(), fixes);
    let originals = originals_of(project.texts(), &trial.changed);
    let worse = project.replace_texts(trial.changed)?;
    project.replace_texts(originals)?;
    Ok(worse.is_empty())
}

fn originals_of(texts: &[String], changed: &BTreeMap<usize, String>) -> BTreeMap<usize, String> {
    changed.keys().map(|&file| (file, texts[file].clone())).collect()
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
            Ok(fixes
                .into_iter()
                .map(|fix| Finding::new(RuleId::LambdaDeprecatedRuntime, 0, 0..0, "fake").with_fix(fix))
                .collect())
        }

        fn replace_texts(&mut self, changed: BTreeMap<usize, String>) -> Result<Vec<usize>> {
            let mut worse = Vec::new();
            for (file, text) in changed {
                if text.contains("((") {
                    worse.push(file);
                }
                self.texts[file] = text;
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
    fn fixes_that_never_settle_are_reported() {
        let (_, outcome) = run("a", |text| vec![Fix::safe(vec![Edit::insert(0, text.len(), "!")])]);
        assert!(!outcome.converged);
    }
}
