//! Release versions (`major.minor.patch`) of libraries and tools: the runtime table dates a
//! library's constants by them, a project's `package.json` and lock file name the npm release it
//! installs, and a Terraform module's `required_version` the releases it runs on.

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
