use std::collections::{BTreeMap, BTreeSet, HashSet};

use anyhow::Result;

use super::tracking::FindingTracker;
use super::{apply_fixes, Applicability, Edit, Fix, TextChange};
use crate::diagnostic::Finding;
use crate::rules::RuleId;

/// How many detect-and-fix passes a project gets. Each pass applies every fix that does not overlap
/// another; a rule whose fix makes room for another's needs a second pass, rarely more.
pub const MAX_PASSES: usize = 10;

/// How many times a project whose fixes did not settle is fixed again from the texts as read,
/// each time also without the fixes still being applied pass after pass: one rule's runaway fix
/// (one adding another policy on every pass) then costs its own finding, not every fix of the project.
const MAX_WITHHOLDINGS: usize = 3;

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
    /// Fixes left out as broken, and those withheld because they kept being applied.
    pub dropped: Vec<DroppedFix>,
    /// False when the fixes did not settle even with those that kept being applied withheld; the
    /// texts are then as read.
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
/// memory: the caller writes the final texts once. When the fixes do not settle, the project
/// starts again from the texts as read without the fixes still being applied pass after pass
/// (each reported as dropped), up to `MAX_WITHHOLDINGS` times; after that nothing is changed.
pub fn fix_to_fixpoint(project: &mut impl FixableProject, policy: FixPolicy) -> Result<FixpointOutcome> {
    let as_read = project.texts().to_vec();
    let mut withheld = BTreeSet::new();
    let mut withholdings = 0;
    loop {
        let unsettled = match passes(project, policy, &withheld)? {
            Passes::Settled(mut outcome) => {
                outcome.dropped.extend(withheld.iter().map(FixIdentity::withheld));
                return Ok(outcome);
            }
            Passes::Unsettled(unsettled) => unsettled,
        };
        let back = changes_back_to(project.texts(), &as_read);
        project.replace_texts(back)?;
        if unsettled.repeating.is_empty() || withholdings == MAX_WITHHOLDINGS {
            // Nothing is written when the fixes do not settle: what remains is what was read.
            return Ok(nothing_fixed(unsettled.initial, unsettled.dropped, false));
        }
        withheld.extend(unsettled.repeating);
        withholdings += 1;
    }
}

/// A fix as the loop knows it from pass to pass, however the edits before it moved it: its rule,
/// its file, and the finding of the texts as read it is for, tracked through the edits. A finding
/// the run's own edits raised has none; such fixes are told apart by rule and file only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct FixIdentity {
    rule: RuleId,
    file: usize,
    first_reported: Option<usize>,
}

impl FixIdentity {
    fn of(finding: &Finding, first_reported: Option<usize>) -> Self {
        Self {
            rule: finding.rule,
            file: finding.file,
            first_reported,
        }
    }

    fn withheld(&self) -> DroppedFix {
        DroppedFix {
            rule: self.rule,
            file: self.file,
            reason: format!(
                "it was still being applied after {MAX_PASSES} passes, so the fixes did not settle (internal error); the other fixes were made without it"
            ),
        }
    }
}

/// How one run of passes ended.
enum Passes {
    Settled(FixpointOutcome),
    /// Fixes were still being applied after the last pass; the texts are as that pass left them.
    Unsettled(Unsettled),
}

struct Unsettled {
    initial: Vec<Finding>,
    dropped: Vec<DroppedFix>,
    /// The fixes the last pass applied that an earlier pass applied too.
    repeating: BTreeSet<FixIdentity>,
}

/// Which fixes each pass applied, as far as telling the repeating ones needs: the last pass's,
/// and all of those before it.
#[derive(Default)]
struct Applied {
    last: HashSet<FixIdentity>,
    earlier: HashSet<FixIdentity>,
}

impl Applied {
    fn record_pass(&mut self, applied: impl IntoIterator<Item = FixIdentity>) {
        self.earlier.extend(self.last.drain());
        self.last.extend(applied);
    }

    fn repeating(&self) -> BTreeSet<FixIdentity> {
        self.last.intersection(&self.earlier).copied().collect()
    }
}

/// Detects and fixes from the current texts, pass after pass, leaving out the `withheld` fixes,
/// until no applicable fix is left or the passes run out.
fn passes(project: &mut impl FixableProject, policy: FixPolicy, withheld: &BTreeSet<FixIdentity>) -> Result<Passes> {
    let initial = project.findings()?;
    let mut tracker = FindingTracker::new(&initial);
    let mut raised_and_fixed = Vec::new();
    let mut dropped = Vec::new();
    let mut refused: HashSet<Fix> = HashSet::new();
    let mut applied = Applied::default();
    let mut findings = initial.clone();
    for _ in 0..MAX_PASSES {
        let known = tracker.identify(&initial, &findings);
        let candidates: Vec<usize> = (0..findings.len())
            .filter(|&index| {
                let finding = &findings[index];
                finding
                    .fix
                    .as_ref()
                    .is_some_and(|fix| policy.allows(fix) && !refused.contains(fix))
                    && !withheld.contains(&FixIdentity::of(finding, known[index]))
            })
            .collect();
        if candidates.is_empty() {
            return Ok(Passes::Settled(settled(
                initial,
                findings,
                &known,
                raised_and_fixed,
                dropped,
            )));
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
        let applied_now: Vec<usize> = pass.applied.iter().map(|&position| candidates[position]).collect();
        for &index in &applied_now {
            if known[index].is_none() {
                raised_and_fixed.push(findings[index].clone());
            }
        }
        applied.record_pass(
            applied_now
                .iter()
                .map(|&index| FixIdentity::of(&findings[index], known[index])),
        );
        tracker.shift(&pass.edits);
        findings = project.findings()?;
    }
    Ok(Passes::Unsettled(Unsettled {
        initial,
        dropped,
        repeating: applied.repeating(),
    }))
}

/// The outcome of passes that settled on `findings`, of which `known` says which were in the
/// texts as read.
fn settled(
    initial: Vec<Finding>,
    findings: Vec<Finding>,
    known: &[Option<usize>],
    raised_and_fixed: Vec<Finding>,
    dropped: Vec<DroppedFix>,
) -> FixpointOutcome {
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
    FixpointOutcome {
        initial_findings: initial,
        fixed,
        raised_and_fixed,
        remaining_findings,
        dropped,
        converged: true,
    }
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

/// The changes that take every file whose text is not as read back to it, each as one whole-file
/// replacement: a loop that did not settle may have edited it anywhere.
fn changes_back_to(texts: &[String], as_read: &[String]) -> BTreeMap<usize, TextChange> {
    texts
        .iter()
        .zip(as_read)
        .enumerate()
        .filter(|(_, (text, read))| text != read)
        .map(|(file, (text, read))| {
            let whole = Edit::replace(file, 0..text.len(), read.as_str());
            (file, TextChange::splice(text, &[whole]))
        })
        .collect()
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

    /// The findings' rules and fixes, as a function of the text.
    type FakeRules = Box<dyn Fn(&str) -> Vec<(RuleId, Fix)>>;

    /// A one-file project whose "rules" are a function of its text, and whose "syntax errors" are
    /// the places where `((` appears.
    struct FakeProject {
        texts: Vec<String>,
        rules: FakeRules,
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
                .map(|(rule, fix)| {
                    let first = fix.edits[0].clone();
                    let message = format!("fake: {}", first.replacement);
                    Finding::new(rule, 0, first.range, message).with_fix(fix)
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

    /// Runs fixes that are all of one rule.
    fn run(text: &str, rules: fn(&str) -> Vec<Fix>) -> (String, FixpointOutcome) {
        run_rules(text, move |text| {
            rules(text)
                .into_iter()
                .map(|fix| (RuleId::LambdaDeprecatedRuntime, fix))
                .collect()
        })
    }

    fn run_rules(text: &str, rules: impl Fn(&str) -> Vec<(RuleId, Fix)> + 'static) -> (String, FixpointOutcome) {
        let mut project = FakeProject {
            texts: vec![text.to_owned()],
            rules: Box::new(rules),
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

    /// A rule whose fix appends `mark` on every pass, never settling.
    fn runaway(rule: RuleId, text: &str, mark: &str) -> (RuleId, Fix) {
        (rule, Fix::safe(vec![Edit::insert(0, text.len(), mark)]))
    }

    /// A rule whose fix settles: `b` becomes `B`.
    fn capital_b(text: &str) -> Vec<(RuleId, Fix)> {
        let at = text.find('b');
        at.map(|at| {
            (
                RuleId::LambdaDeprecatedRuntime,
                Fix::safe(vec![Edit::replace(0, at..at + 1, "B")]),
            )
        })
        .into_iter()
        .collect()
    }

    fn assert_withheld(dropped: &DroppedFix, rule: RuleId) {
        assert_eq!((dropped.rule, dropped.file), (rule, 0));
        assert!(
            dropped.reason.contains("did not settle (internal error)"),
            "{}",
            dropped.reason
        );
    }

    #[test]
    fn a_fix_that_never_settles_is_withheld_and_the_others_are_made() {
        let (text, outcome) = run_rules("abc", |text| {
            let mut fixes = vec![runaway(RuleId::LambdaIamDependsOn, text, "!")];
            fixes.extend(capital_b(text));
            fixes
        });
        assert_eq!(text, "aBc", "the settling fix is made, the runaway one left out");
        assert!(outcome.converged);
        assert_eq!(outcome.fixed, vec![false, true]);
        assert_eq!(outcome.remaining_findings.len(), 1);
        assert_eq!(outcome.remaining_findings[0].finding.rule, RuleId::LambdaIamDependsOn);
        assert!(!outcome.remaining_findings[0].raised, "it is the finding as read");
        assert!(outcome.raised_and_fixed.is_empty());
        assert_eq!(outcome.dropped.len(), 1);
        assert_withheld(&outcome.dropped[0], RuleId::LambdaIamDependsOn);
    }

    #[test]
    fn a_runaway_fix_waiting_behind_another_is_withheld_once_that_one_is() {
        // Both append at one point, so the second waits behind the first on every pass: it runs
        // away only once the first is withheld.
        let (text, outcome) = run_rules("abc", |text| {
            let mut fixes = vec![
                runaway(RuleId::LambdaIamDependsOn, text, "!"),
                runaway(RuleId::LambdaDlqSendPermission, text, "?"),
            ];
            fixes.extend(capital_b(text));
            fixes
        });
        assert_eq!(text, "aBc");
        assert!(outcome.converged);
        assert_eq!(outcome.fixed, vec![false, false, true]);
        assert_eq!(outcome.remaining_findings.len(), 2);
        assert_eq!(outcome.dropped.len(), 2);
        assert_withheld(&outcome.dropped[0], RuleId::LambdaDlqSendPermission);
        assert_withheld(&outcome.dropped[1], RuleId::LambdaIamDependsOn);
    }

    #[test]
    fn a_fix_raising_a_new_finding_on_every_pass_is_withheld_for_the_raised_ones() {
        // Each fix resolves its finding and raises a new one elsewhere, saying something else:
        // only its rule and file stay the same from pass to pass.
        let (text, outcome) = run_rules("x", |text| {
            vec![(
                RuleId::LambdaIamDependsOn,
                Fix::safe(vec![Edit::insert(0, 0, format!("{};", text.len()))]),
            )]
        });
        assert_eq!(text, "1;x", "the fix of the finding as read is made");
        assert!(outcome.converged);
        assert_eq!(outcome.fixed, vec![true]);
        assert_eq!(outcome.remaining_findings.len(), 1);
        assert!(outcome.remaining_findings[0].raised);
        assert!(outcome.raised_and_fixed.is_empty());
        assert_eq!(outcome.dropped.len(), 1);
        assert_withheld(&outcome.dropped[0], RuleId::LambdaIamDependsOn);
    }

    #[test]
    fn fixes_that_never_settle_however_many_are_withheld_change_nothing() {
        // One more runaway fix at one point than withholdings: each waits behind the one before.
        let (text, outcome) = run_rules("abc", |text| {
            let mut fixes: Vec<(RuleId, Fix)> = RuleId::ALL[..=MAX_WITHHOLDINGS]
                .iter()
                .enumerate()
                .map(|(mark, &rule)| runaway(rule, text, &mark.to_string()))
                .collect();
            fixes.extend(capital_b(text));
            fixes
        });
        assert_eq!(text, "abc", "the texts are as read");
        assert!(!outcome.converged);
        assert!(
            outcome.fixed.iter().all(|fixed| !fixed),
            "nothing is written, so nothing is fixed"
        );
        assert_eq!(
            outcome.remaining_findings.len(),
            MAX_WITHHOLDINGS + 2,
            "what remains is what was read"
        );
        assert!(outcome.raised_and_fixed.is_empty());
        assert!(
            outcome.dropped.is_empty(),
            "the notice that nothing settled says it all"
        );
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
