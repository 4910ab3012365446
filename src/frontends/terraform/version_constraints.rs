//! The releases a version constraint admits, as Terraform writes constraints: a module's
//! `terraform { required_version = "…" }` for Terraform itself, whether it admits one older than
//! the release that added what a fix writes (`depends_on` in a module block came with 0.13; 0.12
//! answers "Reserved argument name in module block"); and a provider's `version` under
//! `required_providers`, the newest release of the provider it admits (`~> 4.0` none from 5.0.0 on).

use crate::release_version::{NewestRelease, ReleaseVersion};

/// The last releases of the lines before 0.13, and the first release of all.
const LAST_OF_OLD_LINES: [ReleaseVersion; 3] = [
    ReleaseVersion::new(0, 12, 31),
    ReleaseVersion::new(0, 11, 15),
    ReleaseVersion::new(0, 0, 0),
];

/// Whether the constraint (`"0.12.18"`, `">= 0.12, < 0.14"`, `"~> 0.12.0"`) admits a release
/// older than `first`. `None` when a clause cannot be read.
pub fn admits_release_before(constraint: &str, first: ReleaseVersion) -> Option<bool> {
    let clauses: Vec<Clause> = constraint.split(',').map(Clause::parse).collect::<Option<_>>()?;
    // An old release a constraint admits is one it names or, for ranges (`>= 0.12`, `< 0.12`,
    // `~> 0.12.0`), the last of an old line or the first release of all.
    let admitted = clauses
        .iter()
        .map(|clause| clause.release)
        .chain(LAST_OF_OLD_LINES)
        .filter(|release| *release < first)
        .any(|release| clauses.iter().all(|clause| clause.admits(release)));
    Some(admitted)
}

/// The newest release the constraint (`"~> 4.67"`, `"< 5.0"`, `"= 5.10.0"`, `">= 4.0, < 5.31"`)
/// admits; `None` when it sets no upper bound (`">= 5.0"`) or a clause cannot be read.
pub fn newest_admitted(constraint: &str) -> Option<NewestRelease> {
    let clauses: Vec<Clause> = constraint.split(',').map(Clause::parse).collect::<Option<_>>()?;
    clauses
        .iter()
        .filter_map(Clause::upper_bound)
        .reduce(NewestRelease::min)
}

/// One comparison of a constraint.
struct Clause {
    operator: Operator,
    release: ReleaseVersion,
    /// How many parts the release is written with: `~> 0.12` moves the minor part, `~> 0.12.0`
    /// the patch.
    parts: usize,
}

#[derive(Clone, Copy)]
enum Operator {
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Pessimistic,
}

impl Clause {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let operators = [
            ("~>", Operator::Pessimistic),
            (">=", Operator::GreaterOrEqual),
            ("<=", Operator::LessOrEqual),
            ("!=", Operator::NotEqual),
            (">", Operator::Greater),
            ("<", Operator::Less),
            ("=", Operator::Equal),
        ];
        let (operator, rest) = operators
            .iter()
            .find_map(|(symbol, operator)| text.strip_prefix(symbol).map(|rest| (*operator, rest)))
            .unwrap_or((Operator::Equal, text));
        // A pre-release (`0.13.0-beta1`) is ordered as its release here.
        let number = rest.trim().split(['-', '+']).next()?;
        let parts = number.split('.').count();
        if parts > 3 || number.contains(['x', 'X', '*']) {
            return None;
        }
        Some(Self {
            operator,
            release: ReleaseVersion::lenient(number)?,
            parts,
        })
    }

    fn admits(&self, release: ReleaseVersion) -> bool {
        let named = self.release;
        match self.operator {
            Operator::Equal => release == named,
            Operator::NotEqual => release != named,
            Operator::Greater => release > named,
            Operator::GreaterOrEqual => release >= named,
            Operator::Less => release < named,
            Operator::LessOrEqual => release <= named,
            Operator::Pessimistic => release >= named && release < self.pessimistic_bound(),
        }
    }

    /// The first release `~>` stops at: `~> 0.12` moves the minor part, `~> 0.12.0` the patch.
    fn pessimistic_bound(&self) -> ReleaseVersion {
        let named = self.release;
        match self.parts {
            3 => ReleaseVersion::new(named.major, named.minor + 1, 0),
            _ => ReleaseVersion::new(named.major + 1, 0, 0),
        }
    }

    /// The newest release this clause admits, when it bounds them from above.
    fn upper_bound(&self) -> Option<NewestRelease> {
        match self.operator {
            Operator::Equal | Operator::LessOrEqual => Some(NewestRelease::Exactly(self.release)),
            Operator::Less => Some(NewestRelease::Below(self.release)),
            Operator::Pessimistic => Some(NewestRelease::Below(self.pessimistic_bound())),
            Operator::NotEqual | Operator::Greater | Operator::GreaterOrEqual => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{admits_release_before, newest_admitted, NewestRelease, ReleaseVersion};

    const MODULE_DEPENDS_ON: ReleaseVersion = ReleaseVersion::new(0, 13, 0);

    #[test]
    fn constraints_admitting_a_release_before_0_13() {
        for constraint in [
            "0.12.18",
            "= 0.12.18",
            "~> 0.12.0",
            "~> 0.12",
            ">= 0.12, < 0.14",
            ">= 0.11.0",
            "< 0.12",
        ] {
            assert_eq!(
                admits_release_before(constraint, MODULE_DEPENDS_ON),
                Some(true),
                "{constraint}"
            );
        }
    }

    #[test]
    fn constraints_admitting_only_later_releases() {
        for constraint in [
            ">= 0.13",
            "~> 1.5",
            ">= 0.13.0, < 2.0.0",
            "1.6.2",
            "~> 0.13.0",
            "> 0.12.31",
        ] {
            assert_eq!(
                admits_release_before(constraint, MODULE_DEPENDS_ON),
                Some(false),
                "{constraint}"
            );
        }
    }

    #[test]
    fn provider_constraints_bound_the_newest_release() {
        let below = |major, minor| Some(NewestRelease::Below(ReleaseVersion::new(major, minor, 0)));
        assert_eq!(newest_admitted("~> 4.0"), below(5, 0));
        assert_eq!(newest_admitted("~> 4.67"), below(5, 0));
        assert_eq!(newest_admitted("~> 5.31.0"), below(5, 32));
        assert_eq!(newest_admitted("< 5.0"), below(5, 0));
        assert_eq!(newest_admitted(">= 4.0, < 5.31, != 5.20.0"), below(5, 31));
        assert_eq!(
            newest_admitted("= 5.10.0"),
            Some(NewestRelease::Exactly(ReleaseVersion::new(5, 10, 0)))
        );
        assert_eq!(
            newest_admitted("<= 5.30.1, ~> 5.0"),
            Some(NewestRelease::Exactly(ReleaseVersion::new(5, 30, 1)))
        );
        assert_eq!(newest_admitted(">= 5.32"), None);
        assert_eq!(newest_admitted(">= latest"), None);
    }

    #[test]
    fn an_unreadable_constraint_is_unknown() {
        assert_eq!(admits_release_before(">= latest", MODULE_DEPENDS_ON), None);
        assert_eq!(admits_release_before("", MODULE_DEPENDS_ON), None);
    }
}
