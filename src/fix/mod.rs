//! Edits, fixes and their applicability; applying them (`apply`), looping to a fixpoint
//! (`fixpoint`), and knowing a finding again after edits moved it (`tracking`). The only place that changes source text.

mod apply;
mod fixpoint;
mod join;
mod tracking;

pub use apply::{apply_fixes, Batch};
pub use fixpoint::{
    fix_to_fixpoint, DroppedFix, FixPolicy, FixableProject, FixpointOutcome, RemainingFinding, MAX_PASSES,
};
pub use join::join_colliding;

use std::ops::Range;

/// Replace `range` of file `file` (an index into the project's files) with `replacement`.
/// An empty range inserts; an empty replacement deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: usize,
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(file: usize, range: Range<usize>, replacement: impl Into<String>) -> Self {
        Self {
            file,
            range,
            replacement: replacement.into(),
        }
    }

    pub fn insert(file: usize, at: usize, text: impl Into<String>) -> Self {
        Self::replace(file, at..at, text)
    }

    pub fn delete(file: usize, range: Range<usize>) -> Self {
        Self::replace(file, range, "")
    }

    fn is_insertion(&self) -> bool {
        self.range.is_empty()
    }

    /// Whether the two edits cannot both be applied without one changing what the other meant:
    /// they overlap, or both insert at one point (the order of the two texts would be a guess).
    /// Touching is fine: an insertion at the end of a replaced range goes after it.
    fn conflicts_with(&self, other: &Edit) -> bool {
        if self.file != other.file || self == other {
            return false;
        }
        let (a, b) = (&self.range, &other.range);
        let overlapping = a.start < b.end && b.start < a.end;
        let same_insertion_point = self.is_insertion() && other.is_insertion() && a.start == b.start;
        overlapping || same_insertion_point
    }
}

/// Whether a fix may change behaviour. Safe fixes are applied by default; unsafe ones only with
/// `--unsafe-fixes` (they are always reported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::Unsafe => "unsafe",
        }
    }
}

/// The edits that resolve one finding: applied all together or not at all, possibly in several files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    pub fn safe(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Safe)
    }

    pub fn unsafe_edits(edits: Vec<Edit>) -> Self {
        Self::new(edits, Applicability::Unsafe)
    }

    /// Sorts and de-duplicates the edits, so that two fixes with the same effect compare equal.
    pub fn new(mut edits: Vec<Edit>, applicability: Applicability) -> Self {
        edits.sort_by(|a, b| {
            (a.file, a.range.start, a.range.end, &a.replacement).cmp(&(
                b.file,
                b.range.start,
                b.range.end,
                &b.replacement,
            ))
        });
        edits.dedup();
        Self { edits, applicability }
    }
}
