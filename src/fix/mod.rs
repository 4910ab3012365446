//! Edits, fixes and their applicability; applying them (`apply`) into new texts that say where
//! they changed (`change`), looping to a fixpoint (`fixpoint`), and knowing a finding again after
//! edits moved it (`tracking`). The only place that changes source text.

mod apply;
mod change;
mod fixpoint;
mod join;
mod listed;
mod tracking;

pub use apply::{apply_fixes, Batch};
pub use change::{ChangedSpan, TextChange};
pub use fixpoint::{
    detect_only, fix_to_fixpoint, DroppedFix, FixPolicy, FixableProject, FixpointOutcome, RemainingFinding, MAX_PASSES,
};
pub use join::{join_all, join_colliding};
pub use listed::{position_in_list, ListedLine, ListedLines};

use std::ops::Range;

/// Replace `range` of file `file` (an index into the project's files) with `replacement`.
/// An empty range inserts; an empty replacement deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: usize,
    pub range: Range<usize>,
    pub replacement: String,
    /// Set only on an insertion of listed lines (new import statements), which are its text: two of
    /// them at one point go in together, merged (`ListedLines::merge`), unless they bind a name in
    /// common, so that fixes that each add an import settle in one pass instead of one per fix.
    pub listed: Option<ListedLines>,
    /// The dependencies the edit gives its file on others (an import statement it adds): a batch
    /// never takes two fixes whose new dependencies together close a cycle.
    pub dependencies: Vec<NewDependency>,
}

/// A dependency a new import gives one file on another: `from` will load the imported file and,
/// through it, every file of `to_reaches` (sorted: the imported file and all it loads, directly
/// or not).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewDependency {
    pub from: usize,
    pub to_reaches: Vec<usize>,
}

impl Edit {
    pub fn replace(file: usize, range: Range<usize>, replacement: impl Into<String>) -> Self {
        Self {
            file,
            range,
            replacement: replacement.into(),
            listed: None,
            dependencies: Vec::new(),
        }
    }

    /// The same edit, recording the dependency it gives its file.
    pub fn with_dependency(mut self, dependency: NewDependency) -> Self {
        self.dependencies.push(dependency);
        self
    }

    /// An insertion of listed lines at `at`.
    pub fn insert_lines(file: usize, at: usize, lines: ListedLines) -> Self {
        Self {
            replacement: lines.text(),
            listed: Some(lines),
            ..Self::insert(file, at, "")
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

    /// Whether this insertion already makes `other`, an insertion at the same point: its text
    /// holds `other`'s, or its listed lines list every item of `other`'s, each under its key (an
    /// import of a module's name, merged with others of the same module).
    pub fn holds(&self, other: &Edit) -> bool {
        let same_point = self.file == other.file && self.is_insertion() && self.range == other.range;
        let listed = match (&self.listed, &other.listed) {
            (Some(mine), Some(theirs)) => mine.holds(theirs),
            _ => false,
        };
        same_point && (self.replacement.contains(&other.replacement) || listed)
    }

    /// Adds another insertion at the same point after this one, with its dependencies: listed
    /// lines merge (one module's names in one statement), other text follows this one's. The result
    /// is listed lines only when both were.
    pub fn append_insertion(&mut self, more: &Edit) {
        self.dependencies.extend(more.dependencies.iter().cloned());
        match (&mut self.listed, &more.listed) {
            (Some(lines), Some(more_lines)) if lines.admits(more_lines) => {
                lines.merge(more_lines);
                self.replacement = lines.text();
            }
            _ => {
                self.replacement.push_str(&more.replacement);
                self.listed = None;
            }
        }
    }

    /// Whether the two edits cannot both be applied without one changing what the other meant:
    /// they overlap, or both insert at one point (the order of the two texts would be a guess,
    /// unless both are listed lines that merge).
    /// Touching is fine: an insertion at the end of a replaced range goes after it.
    fn conflicts_with(&self, other: &Edit) -> bool {
        if self.file != other.file || self == other {
            return false;
        }
        let (a, b) = (&self.range, &other.range);
        let overlapping = a.start < b.end && b.start < a.end;
        let same_insertion_point = self.is_insertion() && other.is_insertion() && a.start == b.start;
        let merging = match (&self.listed, &other.listed) {
            (Some(mine), Some(theirs)) => mine.admits(theirs),
            _ => false,
        };
        overlapping || (same_insertion_point && !merging)
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
