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
pub fn fix_to_fixpoint(
    project: &mut impl FixableProject,
    policy: FixPolicy,
) -> Result<FixpointOutcome> {
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
fn apply_pass<'a>(
    project: &mut impl FixableProject,
    candidates: &[&'a Finding],
) -> Result<Vec<BrokenFix<'a>>> {
    let fixes: Vec<&Fix> = candidates
        .iter()
        .filter_map(|finding| finding.fix.as_ref())
        .collect();
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
                reason: "its result would not parse (internal error); the fix was dropped"
                    .to_owned(),
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
    changed
        .keys()
        .map(|&file| (file, texts[file].clone()))
        .collect()
}
