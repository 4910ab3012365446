//! What the project's `package.json` and `package-lock.json` say about the libraries the program
//! compiles against. A fix may only name what the installed library has:
//! `aws.lambda.Runtime.NodeJS24dX` exists from @pulumi/aws 7 on and `lambda.Runtime.NODEJS_24_X`
//! from aws-cdk-lib 2.224.0, and a project pinned below them that is handed one no longer compiles.

use std::path::Path;

use serde_json::Value;

use crate::cloud::{CheckingProvider, RuntimeCheck};
use crate::release_version::{NewestRelease, ReleaseVersion};

const MANIFEST: &str = "package.json";
const LOCK_FILE: &str = "package-lock.json";

/// What a project's `package.json` ranges and `package-lock.json` say about the libraries fixes name.
#[derive(Debug, Default)]
pub struct PackageManifest {
    /// The newest @pulumi/aws major the declared range admits; `None` when the project does not
    /// say, or says it in a way that is not a version range (a tag, a path, a git URL), which
    /// installs the newest release as far as infrafix can tell.
    pulumi_aws_major: Option<u64>,
    /// The @pulumi/aws release the project installs: the one its lock file names, else the oldest
    /// its range admits. `None` when neither says.
    pulumi_aws_version: Option<ReleaseVersion>,
    /// The newest @pulumi/aws release the project may install, and the file that says so: the
    /// release its lock file names, else the newest its range admits. `None` when neither bounds it.
    pulumi_aws_newest: Option<(NewestRelease, &'static str)>,
    /// The aws-cdk-lib release the project installs: the one its lock file names, else the
    /// oldest its range admits (a constant that release lacks is missing from some install).
    /// `None` when neither says, which installs the newest release as far as infrafix can tell.
    cdk_lib_version: Option<ReleaseVersion>,
}

impl PackageManifest {
    /// The `package.json` and `package-lock.json` in `root`; a file that is missing or not JSON
    /// declares nothing.
    pub fn of_project(root: &Path) -> Self {
        let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
        Self::parse(read(MANIFEST).as_deref(), read(LOCK_FILE).as_deref())
    }

    fn parse(manifest: Option<&str>, lock: Option<&str>) -> Self {
        let manifest = manifest.and_then(|text| serde_json::from_str::<Value>(text).ok());
        let range = |package: &str| {
            let manifest = manifest.as_ref()?;
            ["dependencies", "devDependencies", "peerDependencies"]
                .iter()
                .find_map(|section| manifest.get(section)?.get(package)?.as_str())
        };
        let lock = lock.and_then(|text| serde_json::from_str::<Value>(text).ok());
        let locked = |package: &str| lock.as_ref().and_then(|lock| locked_version(lock, package));
        let installed = |package: &str| locked(package).or_else(|| range(package).and_then(oldest_version));
        let pulumi_aws_newest = match locked("@pulumi/aws") {
            Some(release) => Some((NewestRelease::Exactly(release), LOCK_FILE)),
            None => range("@pulumi/aws")
                .and_then(newest_release)
                .map(|newest| (newest, MANIFEST)),
        };
        Self {
            pulumi_aws_major: range("@pulumi/aws").and_then(newest_major),
            pulumi_aws_version: installed("@pulumi/aws"),
            pulumi_aws_newest,
            cdk_lib_version: installed("aws-cdk-lib"),
        }
    }

    /// The @pulumi/aws major the project installs, when its range bounds it.
    pub fn pulumi_aws_major(&self) -> Option<u64> {
        self.pulumi_aws_major
    }

    /// The @pulumi/aws release the project installs, when its lock file or range says.
    pub fn pulumi_aws_version(&self) -> Option<ReleaseVersion> {
        self.pulumi_aws_version
    }

    /// How @pulumi/aws checks the program's runtimes at preview, when the project says which
    /// releases of it it may install.
    pub fn pulumi_aws_runtime_check(&self) -> Option<RuntimeCheck> {
        self.pulumi_aws_newest.map(|(newest, source)| RuntimeCheck {
            provider: CheckingProvider::PulumiAws,
            newest,
            source: source.to_owned(),
        })
    }

    /// The aws-cdk-lib release the project installs, when its lock file or range says.
    pub fn cdk_lib_version(&self) -> Option<ReleaseVersion> {
        self.cdk_lib_version
    }
}

/// The release of `package` a `package-lock.json` installs at the project's top: lock files from
/// npm 7 on list it under `packages`, older ones under `dependencies`.
fn locked_version(lock: &Value, package: &str) -> Option<ReleaseVersion> {
    let entry = lock
        .get("packages")
        .and_then(|packages| packages.get(format!("node_modules/{package}")))
        .or_else(|| lock.get("dependencies")?.get(package))?;
    entry.get("version")?.as_str()?.parse().ok()
}

/// The oldest release an npm version range admits: `^2.100.0`, `~2.100`, `2.100.x`, `>=2.100.0`,
/// `2.100.0 - 2.150.0` and `2.100.0` admit 2.100.0; alternatives (`^2.80 || ^2.100`) their oldest;
/// a range with only an upper bound admits 0.0.0. `None` when it is not a range (`*`, `latest`, a
/// path or a URL).
fn oldest_version(range: &str) -> Option<ReleaseVersion> {
    range
        .split("||")
        .map(|alternative| {
            let comparators: Vec<&str> = alternative.split_whitespace().collect();
            let Some(lower) = comparators.iter().find(|comparator| !comparator.starts_with('<')) else {
                let only_upper_bounds = !comparators.is_empty();
                return only_upper_bounds.then_some(ReleaseVersion::new(0, 0, 0));
            };
            ReleaseVersion::lenient(lower.trim_start_matches(['>', '=', '^', '~']))
        })
        .collect::<Option<Vec<ReleaseVersion>>>()?
        .into_iter()
        .min()
}

/// The newest major an npm version range admits: `^6.0.0`, `~6.1`, `6.x`, `6.83.4` and
/// `>=5 <7` admit 6; alternatives (`^5 || ^6`) admit their newest. `None` when a range has no
/// upper bound (`>=6`, `*`, `latest`) or is not a range at all.
fn newest_major(range: &str) -> Option<u64> {
    newest_release(range)?.major()
}

/// The newest release an npm version range admits: `^6.0.0` and `6.x` those below 7.0.0,
/// `~6.50.0` and `6.50.x` those below 6.51.0, `6.83.4` and `<=6.83.4` that one, `>=5 <7.2` those
/// below 7.2.0; alternatives (`^5 || ^6`) their newest. `None` when a range has no upper bound
/// (`>=6`, `*`, `latest`) or is not a range at all.
fn newest_release(range: &str) -> Option<NewestRelease> {
    range
        .split("||")
        .map(|alternative| alternative_newest_release(alternative.trim()))
        .collect::<Option<Vec<NewestRelease>>>()?
        .into_iter()
        .reduce(NewestRelease::max)
}

fn alternative_newest_release(alternative: &str) -> Option<NewestRelease> {
    let comparators: Vec<&str> = alternative.split_whitespace().collect();
    // `1.2.3 - 2.3` admits what `<=2.3` does.
    if let [_, "-", upper] = comparators.as_slice() {
        return partial_version_bound(upper);
    }
    // An upper bound decides (`<7.0.0`, `<=6.2`); without one, a comparator of its own (`^6`,
    // `6.x`, `=6.1.0`) does, and `>=6` is unbounded.
    let upper = comparators.iter().find_map(|comparator| {
        if let Some(bound) = comparator.strip_prefix("<=") {
            partial_version_bound(bound)
        } else {
            comparator
                .strip_prefix('<')
                .and_then(ReleaseVersion::lenient)
                .map(NewestRelease::Below)
        }
    });
    if upper.is_some() {
        return upper;
    }
    match comparators.as_slice() {
        [only] if only.starts_with('^') => caret_bound(only.trim_start_matches('^')),
        [only] if only.starts_with('~') => tilde_bound(only.trim_start_matches('~')),
        [only] if !only.starts_with('>') => partial_version_bound(only.trim_start_matches('=')),
        _ => None,
    }
}

/// The parts a version writes before its first wildcard or its end (`6`, `6.1`, `6.1.0`, `6.x`),
/// with its release read leniently.
fn written_parts(version: &str) -> Option<(usize, ReleaseVersion)> {
    let version = version.trim().trim_start_matches(['=', 'v']);
    let core = version.split(['-', '+']).next()?;
    let parts = core
        .split('.')
        .take_while(|part| !matches!(*part, "x" | "X" | "*"))
        .count();
    Some((parts, ReleaseVersion::lenient(version)?))
}

/// What a version written in part admits at most: `6.83.4` that release, `6.83` and `6.83.x`
/// those below 6.84.0, `6` and `6.x` those below 7.0.0.
fn partial_version_bound(version: &str) -> Option<NewestRelease> {
    let (parts, release) = written_parts(version)?;
    Some(match parts {
        0 => return None,
        1 => NewestRelease::Below(ReleaseVersion::new(release.major + 1, 0, 0)),
        2 => NewestRelease::Below(ReleaseVersion::new(release.major, release.minor + 1, 0)),
        _ => NewestRelease::Exactly(release),
    })
}

/// `^6.1.0` admits releases below 7.0.0; a 0.x release only those of its minor.
fn caret_bound(version: &str) -> Option<NewestRelease> {
    let (parts, release) = written_parts(version)?;
    Some(NewestRelease::Below(match (release.major, parts) {
        (0, 0 | 1) => ReleaseVersion::new(1, 0, 0),
        (0, _) => ReleaseVersion::new(0, release.minor + 1, 0),
        (major, _) => ReleaseVersion::new(major + 1, 0, 0),
    }))
}

/// `~6.1.0` and `~6.1` admit releases below 6.2.0, `~6` those below 7.0.0.
fn tilde_bound(version: &str) -> Option<NewestRelease> {
    let (parts, release) = written_parts(version)?;
    Some(NewestRelease::Below(match parts {
        0 => return None,
        1 => ReleaseVersion::new(release.major + 1, 0, 0),
        _ => ReleaseVersion::new(release.major, release.minor + 1, 0),
    }))
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
    fn ranges_admit_their_newest_release() {
        let below = |major, minor| Some(NewestRelease::Below(ReleaseVersion::new(major, minor, 0)));
        let exactly = |major, minor, patch| Some(NewestRelease::Exactly(ReleaseVersion::new(major, minor, patch)));
        for (range, newest) in [
            ("^6.0.0", below(7, 0)),
            ("^6.50", below(7, 0)),
            ("~6.50.0", below(6, 51)),
            ("6.50.x", below(6, 51)),
            ("6.x", below(7, 0)),
            ("6.83.4", exactly(6, 83, 4)),
            ("=7.2.0", exactly(7, 2, 0)),
            (">=6.1 <7.2", below(7, 2)),
            (">=5 <=6.2", below(6, 3)),
            ("6.0.0 - 6.66.2", exactly(6, 66, 2)),
            ("^5.0.0 || ^6.0.0", below(7, 0)),
            ("^0.4.1", below(0, 5)),
            (">=6.0.0", None),
            ("*", None),
            ("latest", None),
        ] {
            assert_eq!(newest_release(range), newest, "{range}");
        }
    }

    #[test]
    fn the_lock_file_bounds_the_pulumi_provider_before_the_range() {
        let manifest = r#"{"dependencies": {"@pulumi/aws": "^6.0.0"}}"#;
        let lock = r#"{"lockfileVersion": 3, "packages": {"node_modules/@pulumi/aws": {"version": "6.50.1"}}}"#;
        let check = |lock| PackageManifest::parse(Some(manifest), lock).pulumi_aws_runtime_check();
        let locked = check(Some(lock)).expect("locked");
        assert_eq!(locked.newest, NewestRelease::Exactly(ReleaseVersion::new(6, 50, 1)));
        assert_eq!(locked.source, "package-lock.json");
        let ranged = check(None).expect("ranged");
        assert_eq!(ranged.newest, NewestRelease::Below(ReleaseVersion::new(7, 0, 0)));
        assert_eq!(ranged.source, "package.json");
        let cdk_app = PackageManifest::parse(Some(r#"{"dependencies": {"aws-cdk-lib": "^2.100.0"}}"#), None);
        assert_eq!(cdk_app.pulumi_aws_runtime_check(), None);
    }

    #[test]
    fn the_dependency_is_read_from_any_section() {
        let manifest = PackageManifest::parse(Some(r#"{"devDependencies": {"@pulumi/aws": "^6.0.0"}}"#), None);
        assert_eq!(manifest.pulumi_aws_major(), Some(6));
        assert_eq!(PackageManifest::parse(Some("{"), None).pulumi_aws_major(), None);
        assert_eq!(
            PackageManifest::parse(Some(r#"{"dependencies": {}}"#), None).pulumi_aws_major(),
            None
        );
    }

    #[test]
    fn ranges_admit_their_oldest_release() {
        let oldest = |range| oldest_version(range).map(|version| version.to_string());
        for (range, version) in [
            ("^2.100.0", Some("2.100.0")),
            ("~2.100", Some("2.100.0")),
            ("2.100.x", Some("2.100.0")),
            ("2.100.0", Some("2.100.0")),
            (">=2.100.0 <3", Some("2.100.0")),
            ("2.100.0 - 2.150.0", Some("2.100.0")),
            ("^2.120.0 || ^2.100.0", Some("2.100.0")),
            ("<2.150.0", Some("0.0.0")),
            ("*", None),
            ("latest", None),
            ("file:../cdk", None),
        ] {
            assert_eq!(oldest(range), version.map(str::to_owned), "{range}");
        }
    }

    #[test]
    fn the_lock_file_names_the_installed_cdk() {
        let manifest = r#"{"dependencies": {"aws-cdk-lib": "^2.100.0"}}"#;
        let lock = r#"{"lockfileVersion": 3, "packages": {"node_modules/aws-cdk-lib": {"version": "2.170.0"}}}"#;
        let installed = |lock| PackageManifest::parse(Some(manifest), lock).cdk_lib_version();
        assert_eq!(installed(Some(lock)).map(|version| version.minor), Some(170));
        let old_lock = r#"{"lockfileVersion": 1, "dependencies": {"aws-cdk-lib": {"version": "2.90.1"}}}"#;
        assert_eq!(installed(Some(old_lock)).map(|version| version.minor), Some(90));
        assert_eq!(installed(None).map(|version| version.minor), Some(100));
        assert_eq!(installed(Some("not json")).map(|version| version.minor), Some(100));
        assert_eq!(
            PackageManifest::parse(None, Some(lock))
                .cdk_lib_version()
                .map(|v| v.minor),
            Some(170)
        );
    }

    #[test]
    fn the_installed_pulumi_aws_release_is_read_like_the_cdks() {
        let manifest = r#"{"dependencies": {"@pulumi/aws": "^7.2.0"}}"#;
        let lock = r#"{"lockfileVersion": 3, "packages": {"node_modules/@pulumi/aws": {"version": "7.16.0"}}}"#;
        let installed = |lock| PackageManifest::parse(Some(manifest), lock).pulumi_aws_version();
        assert_eq!(installed(Some(lock)).map(|version| version.minor), Some(16));
        assert_eq!(installed(None).map(|version| version.minor), Some(2));
        assert_eq!(PackageManifest::parse(Some(manifest), None).pulumi_aws_major(), Some(7));
    }
}
