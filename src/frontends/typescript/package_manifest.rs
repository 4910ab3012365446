//! What the project's `package.json` says about the libraries the program compiles against. A fix
//! may only name what the installed library has: `aws.lambda.Runtime.NodeJS24dX` exists from
//! @pulumi/aws 7 on, and a project pinned to `^6.0.0` that is handed it no longer compiles.

use std::path::Path;

use serde_json::Value;

/// The dependency ranges of a project's `package.json` that fixes depend on.
#[derive(Debug, Default)]
pub struct PackageManifest {
    /// The newest @pulumi/aws major the declared range admits; `None` when the project does not
    /// say, or says it in a way that is not a version range (a tag, a path, a git URL), which
    /// installs the newest release as far as infrafix can tell.
    pulumi_aws_major: Option<u64>,
}

impl PackageManifest {
    /// The `package.json` in `root`; a file that is missing or not JSON declares nothing.
    pub fn of_project(root: &Path) -> Self {
        std::fs::read_to_string(root.join("package.json"))
            .ok()
            .map_or_else(Self::default, |text| Self::parse(&text))
    }

    fn parse(text: &str) -> Self {
        let Ok(manifest) = serde_json::from_str::<Value>(text) else {
            return Self::default();
        };
        let range = ["dependencies", "devDependencies", "peerDependencies"]
            .iter()
            .find_map(|section| manifest.get(section)?.get("@pulumi/aws")?.as_str());
        Self {
            pulumi_aws_major: range.and_then(newest_major),
        }
    }

    /// The @pulumi/aws major the project installs, when its range bounds it.
    pub fn pulumi_aws_major(&self) -> Option<u64> {
        self.pulumi_aws_major
    }
}

/// The newest major an npm version range admits: `^6.0.0`, `~6.1`, `6.x`, `6.83.4` and
/// `>=5 <7` admit 6; alternatives (`^5 || ^6`) admit their newest. `None` when a range has no
/// upper bound (`>=6`, `*`, `latest`) or is not a range at all.
fn newest_major(range: &str) -> Option<u64> {
    range
        .split("||")
        .map(|alternative| alternative_newest_major(alternative.trim()))
        .collect::<Option<Vec<u64>>>()?
        .into_iter()
        .max()
}

fn alternative_newest_major(alternative: &str) -> Option<u64> {
    let comparators: Vec<&str> = alternative.split_whitespace().collect();
    // An upper bound decides (`<7.0.0` admits 6, `<=6.2` admits 6); without one, a comparator
    // of its own (`^6`, `6.x`, `=6.1.0`) does, and `>=6` is unbounded.
    let upper = comparators.iter().find_map(|comparator| {
        if let Some(bound) = comparator.strip_prefix("<=") {
            leading_major(bound)
        } else if let Some(bound) = comparator.strip_prefix('<') {
            let (major, rest) = split_major(bound)?;
            let excludes_whole_major = rest.trim_start_matches(['.', '0', 'x', 'X', '*']).is_empty();
            Some(if excludes_whole_major {
                major.checked_sub(1)?
            } else {
                major
            })
        } else {
            None
        }
    });
    if upper.is_some() {
        return upper;
    }
    match comparators.as_slice() {
        [only] if !only.starts_with('>') => leading_major(only.trim_start_matches(['^', '~', '=', 'v'])),
        _ => None,
    }
}

/// The major of a version written with its major first (`6`, `6.1.0`, `6.x`).
fn leading_major(version: &str) -> Option<u64> {
    split_major(version).map(|(major, _)| major)
}

fn split_major(version: &str) -> Option<(u64, &str)> {
    let version = version.trim_start_matches(['=', 'v']);
    let digits = version.len() - version.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let major = version.get(..digits)?.parse().ok()?;
    Some((major, &version[digits..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_admit_their_newest_major() {
        for (range, major) in [
            ("^6.0.0", Some(6)),
            ("~5.43.0", Some(5)),
            ("6.83.4", Some(6)),
            ("6.x", Some(6)),
            ("v4", Some(4)),
            (">=5.0.0 <7.0.0", Some(6)),
            (">=5 <=6.2", Some(6)),
            (">=6.1 <7.2", Some(7)),
            ("^5.0.0 || ^6.0.0", Some(6)),
            (">=6.0.0", None),
            ("^6 || >=7", None),
            ("*", None),
            ("latest", None),
            ("file:../sdk", None),
            ("github:pulumi/pulumi-aws", None),
        ] {
            assert_eq!(newest_major(range), major, "{range}");
        }
    }

    #[test]
    fn the_dependency_is_read_from_any_section() {
        let manifest = PackageManifest::parse(r#"{"devDependencies": {"@pulumi/aws": "^6.0.0"}}"#);
        assert_eq!(manifest.pulumi_aws_major(), Some(6));
        assert_eq!(PackageManifest::parse("{").pulumi_aws_major(), None);
        assert_eq!(
            PackageManifest::parse(r#"{"dependencies": {}}"#).pulumi_aws_major(),
            None
        );
    }
}
