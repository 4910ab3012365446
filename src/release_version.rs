//! Release versions (`major.minor.patch`) of libraries and tools: the runtime table dates a
//! library's constants by them, a project's `package.json` and lock file name the npm release it
//! installs, and a Terraform module's `required_version` the releases it runs on; a lock file or a
//! range's upper bound, the newest release of a provider a project may install.

use std::fmt;
use std::str::FromStr;

use anyhow::{bail, Context, Error};

/// `major.minor.patch` of a release; a pre-release tag (`-rc.1`) or build metadata is ignored,
/// which places a pre-release at its release: close enough to say whether a constant exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReleaseVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl ReleaseVersion {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self { major, minor, patch }
    }

    /// A version as a range or constraint writes its bound: `2`, `2.100`, `2.100.x` and
    /// `v2.100.0` are read with the parts left out as 0.
    pub fn lenient(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches(['=', 'v']);
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.');
        let mut part = |required: bool| -> Option<u64> {
            match parts.next() {
                Some(part) if part.chars().all(|c| c.is_ascii_digit()) && !part.is_empty() => part.parse().ok(),
                Some("x" | "X" | "*") | None if !required => Some(0),
                _ => None,
            }
        };
        let major = part(true)?;
        let minor = part(false)?;
        let patch = part(false)?;
        Some(Self { major, minor, patch })
    }
}

impl FromStr for ReleaseVersion {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let mut parts = text.split('.');
        let mut part = |name: &str| -> Result<u64, Error> {
            parts
                .next()
                .with_context(|| format!("`{text}` has no {name} version"))?
                .parse()
                .with_context(|| format!("`{text}`: the {name} version is not a number"))
        };
        let version = Self {
            major: part("major")?,
            minor: part("minor")?,
            patch: part("patch")?,
        };
        if parts.next().is_some() {
            bail!("`{text}` is not major.minor.patch");
        }
        Ok(version)
    }
}

impl fmt::Display for ReleaseVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The newest release of a library a project may install: the one its lock file names, or the
/// upper bound of the range it declares (`~> 4.0` and `^6.0.0` admit every release below the next
/// major, `= 5.10.0` that one release).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewestRelease {
    /// This release, and none newer.
    Exactly(ReleaseVersion),
    /// Releases below this one.
    Below(ReleaseVersion),
}

impl NewestRelease {
    /// Whether the project may install `release` or a newer one.
    pub fn reaches(self, release: ReleaseVersion) -> bool {
        match self {
            Self::Exactly(newest) => release <= newest,
            Self::Below(bound) => release < bound,
        }
    }

    /// The major of the newest release admitted: `Below(7.0.0)` admits 6.x, `Below(7.2.0)` 7.1.x.
    pub fn major(self) -> Option<u64> {
        match self {
            Self::Exactly(release) => Some(release.major),
            Self::Below(bound) if bound.minor == 0 && bound.patch == 0 => bound.major.checked_sub(1),
            Self::Below(bound) => Some(bound.major),
        }
    }
}

/// Bounds in the order of what they admit, so that `min` of two is what a project held by both
/// may install and `max` what a project held by either may: `Below(v)` admits less than
/// `Exactly(v)`, which a derived order (by variant first) would get wrong.
impl Ord for NewestRelease {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |bound: &Self| match *bound {
            Self::Below(release) => (release, 0),
            Self::Exactly(release) => (release, 1),
        };
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for NewestRelease {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_versions_are_three_numbers() {
        let version: ReleaseVersion = "2.168.0".parse().expect("a version");
        assert_eq!((version.major, version.minor, version.patch), (2, 168, 0));
        assert!("2.168".parse::<ReleaseVersion>().is_err());
        assert!("2.168.0.1".parse::<ReleaseVersion>().is_err());
        assert!("2.x.0".parse::<ReleaseVersion>().is_err());
    }

    #[test]
    fn the_newest_release_reaches_what_it_admits() {
        let locked = NewestRelease::Exactly(ReleaseVersion::new(5, 31, 0));
        assert!(locked.reaches(ReleaseVersion::new(5, 31, 0)));
        assert!(!locked.reaches(ReleaseVersion::new(5, 32, 0)));
        let below = NewestRelease::Below(ReleaseVersion::new(5, 0, 0));
        assert!(below.reaches(ReleaseVersion::new(4, 67, 0)));
        assert!(!below.reaches(ReleaseVersion::new(5, 0, 0)));
        assert_eq!(locked.min(below), below);
        assert_eq!(
            NewestRelease::Below(ReleaseVersion::new(5, 31, 0)).min(locked),
            NewestRelease::Below(ReleaseVersion::new(5, 31, 0))
        );
        assert_eq!(locked.max(below), locked);
        assert_eq!(below.major(), Some(4));
        assert_eq!(NewestRelease::Below(ReleaseVersion::new(7, 2, 0)).major(), Some(7));
        assert_eq!(locked.major(), Some(5));
    }

    #[test]
    fn range_bounds_fill_what_they_leave_out() {
        let read = |text| ReleaseVersion::lenient(text).map(|version| version.to_string());
        assert_eq!(read("2"), Some("2.0.0".to_owned()));
        assert_eq!(read("2.100"), Some("2.100.0".to_owned()));
        assert_eq!(read("v2.100.x"), Some("2.100.0".to_owned()));
        assert_eq!(read("2.150.0-rc.1"), Some("2.150.0".to_owned()));
        assert_eq!(read("latest"), None);
        assert_eq!(read("x"), None);
        assert_eq!(read(""), None);
    }
}
