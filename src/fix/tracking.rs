//! Which findings of a later pass are the findings of the texts as read. Each pass's edits move
//! the code after them; a finding's start is carried through those edits, so that a finding that
//! comes back on a later pass (its fix was deferred) is still known for the one first reported,
//! and a finding nobody reported before is known as one the run's own edits raised.

use foldhash::HashMap;

use super::Edit;
use crate::diagnostic::Finding;
use crate::rules::RuleId;

pub struct FindingTracker {
    /// Per finding of the texts as read: its file and where its start is now.
    positions: Vec<(usize, usize)>,
}

impl FindingTracker {
    pub fn new(initial: &[Finding]) -> Self {
        Self {
            positions: initial
                .iter()
                .map(|finding| (finding.file, finding.range.start))
                .collect(),
        }
    }

    /// Carries every position through one pass's edits as made.
    pub fn shift(&mut self, edits: &[Edit]) {
        for (file, position) in &mut self.positions {
            let original = *position;
            let mut moved = original as isize;
            for edit in edits.iter().filter(|edit| edit.file == *file) {
                // An insertion right at the start goes before the finding's code.
                if edit.range.end <= original {
                    moved += edit.replacement.len() as isize - edit.range.len() as isize;
                } else if edit.range.start < original {
                    // The finding's start was rewritten: it is now where the new text begins.
                    moved -= (original - edit.range.start) as isize;
                }
            }
            *position = moved.max(0) as usize;
        }
    }

    /// For each finding of the current texts, the index of the finding of the texts as read that
    /// it is, if any: the same rule in the same file, starting where that one's start was carried
    /// to, or else with the same message. Each is matched at most once, to the first one read
    /// that is still free.
    pub fn identify(&self, initial: &[Finding], current: &[Finding]) -> Vec<Option<usize>> {
        // Indexed by what must match: a pass has hundreds of findings on a dense project, and
        // comparing every pair of them cost as much as a rule.
        let mut by_place: HashMap<(RuleId, usize, usize), Vec<usize>> = HashMap::default();
        let mut by_words: HashMap<(RuleId, usize, &str), Vec<usize>> = HashMap::default();
        for (index, finding) in initial.iter().enumerate() {
            let (file, start) = self.positions[index];
            by_place.entry((finding.rule, file, start)).or_default().push(index);
            by_words
                .entry((finding.rule, finding.file, finding.message.as_str()))
                .or_default()
                .push(index);
        }
        let mut taken = vec![false; initial.len()];
        let mut matched = vec![None; current.len()];
        let mut take_first_free = |candidates: Option<&Vec<usize>>| {
            let index = candidates?.iter().copied().find(|&index| !taken[index])?;
            taken[index] = true;
            Some(index)
        };
        for (slot, finding) in matched.iter_mut().zip(current) {
            *slot = take_first_free(by_place.get(&(finding.rule, finding.file, finding.range.start)));
        }
        for (slot, finding) in matched.iter_mut().zip(current) {
            if slot.is_none() {
                *slot = take_first_free(by_words.get(&(finding.rule, finding.file, finding.message.as_str())));
            }
        }
        matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: usize, start: usize, message: &str) -> Finding {
        Finding::new(RuleId::LambdaIamDependsOn, file, start..start + 1, message)
    }

    #[test]
    fn positions_move_with_the_edits_before_them_only() {
        let initial = [finding(0, 10, "a"), finding(0, 20, "b"), finding(1, 10, "c")];
        let mut tracker = FindingTracker::new(&initial);
        let inserted_before = Edit::insert(0, 10, "12345");
        let rewritten_around = Edit::replace(0, 18..22, "x");
        let after = Edit::insert(1, 11, "later");
        tracker.shift(&[inserted_before, rewritten_around, after]);
        // An insertion right at a start goes before it; a replaced start is where the new text begins.
        assert_eq!(tracker.positions, vec![(0, 15), (0, 23), (1, 10)]);
    }

    #[test]
    fn identifies_by_place_then_by_words_each_once() {
        let initial = [finding(0, 5, "a"), finding(0, 9, "b")];
        let tracker = FindingTracker::new(&initial);
        let current = [
            finding(0, 9, "b changed"),
            finding(0, 40, "a"),
            finding(0, 41, "a"),
            finding(1, 5, "a"),
        ];
        assert_eq!(tracker.identify(&initial, &current), vec![Some(1), Some(0), None, None]);
    }
}
