//! The Lambda runtime lifecycle table (`codemods/lambda-runtimes.toml`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::calendar::CalendarDate;
use crate::cloud::{CheckingProvider, RuntimeCheck};
use crate::fix::Applicability;
use crate::release_version::ReleaseVersion;

const TABLE_SOURCE: &str = include_str!("../../codemods/lambda-runtimes.toml");

#[derive(Debug, Clone)]
pub struct Runtime {
    pub id: String,
    pub family: String,
    pub deprecated: CalendarDate,
    pub block_create: Option<CalendarDate>,
    pub block_update: Option<CalendarDate>,
    /// The member of `aws.lambda.Runtime` for this id, when @pulumi/aws has one.
    pub enum_member: Option<String>,
    /// The first @pulumi/aws major that has `enum_member`; `None` when 4.x has it already.
    enum_since: Option<u64>,
    /// The first release of that major with `enum_member`, where it came within the major.
    enum_release: Option<ReleaseVersion>,
    /// The legacy constant exported from `@pulumi/aws/lambda`, when there is one.
    pub constant: Option<String>,
    /// The static member of the CDK's `lambda.Runtime` for this id, when the pinned
    /// `aws-cdk-lib` has one.
    pub cdk_constant: Option<String>,
    /// The first aws-cdk-lib release with `cdk_constant`; `None` when 2.0.0 has it already.
    cdk_since: Option<ReleaseVersion>,
    /// Whether the CDK's last v1 release has `cdk_constant` too.
    pub cdk_v1: bool,
    /// The handler a function takes when it moves off this runtime.
    pub handler: Option<String>,
    /// What the code package must hold after moving off this runtime.
    pub packaging: Option<String>,
    /// The file the package must hold at its root after moving off this runtime, where it held
    /// another before.
    pub executable: Option<String>,
    /// How to build it, `{output}` standing for where it goes.
    build: Option<String>,
    /// The npm packages code on this runtime may load without bundling them.
    pub provides: Vec<String>,
    /// The first hashicorp/aws release whose plan accepts the id; `None` when 4.0.0 does.
    hashicorp_aws_since: Option<ReleaseVersion>,
    /// The first @pulumi/aws release whose preview accepts the id; `None` when 5.0.0 does.
    pulumi_aws_since: Option<ReleaseVersion>,
    /// AWS offers the runtime as a container base image only: a function with a code package
    /// cannot move to it.
    image_only: bool,
    /// Leaving it changes the operating system under binaries the package already holds, which
    /// may have to be rebuilt: infrafix cannot see how they link, so the fix is never safe.
    rebuild: bool,
    /// It runs async handlers only: a handler that takes a callback fails on it.
    pub async_only: bool,
}

impl Runtime {
    pub fn is_deprecated_on(&self, date: CalendarDate) -> bool {
        date >= self.deprecated
    }

    /// The `aws.lambda.Runtime` member for this id in @pulumi/aws `major`, of which the project
    /// installs release `installed` (the newest when `None`).
    pub fn enum_member_in(&self, major: Option<u64>, installed: Option<ReleaseVersion>) -> Option<&str> {
        let in_major = match (major, self.enum_since) {
            (Some(major), Some(since)) => major >= since,
            _ => true,
        };
        let in_release = match (installed, self.enum_release) {
            (Some(installed), Some(since)) => installed >= since,
            _ => true,
        };
        self.enum_member.as_deref().filter(|_| in_major && in_release)
    }

    /// The `lambda.Runtime` constant for this id in aws-cdk-lib `installed` (the newest release
    /// when `None`).
    pub fn cdk_constant_in(&self, installed: Option<ReleaseVersion>) -> Option<&str> {
        let present = match (installed, self.cdk_since) {
            (Some(installed), Some(since)) => installed >= since,
            _ => true,
        };
        self.cdk_constant.as_deref().filter(|_| present)
    }

    /// The first release of `provider` that accepts this runtime; `None` when every release
    /// infrafix knows of does.
    pub fn first_accepted_by(&self, provider: CheckingProvider) -> Option<ReleaseVersion> {
        match provider {
            CheckingProvider::TerraformAws => self.hashicorp_aws_since,
            CheckingProvider::PulumiAws => self.pulumi_aws_since,
        }
    }

    /// Whether the provider that checks the project's runtimes accepts this one in the newest
    /// release the project may install; with no such provider, AWS alone judges it.
    pub fn is_accepted_by(&self, check: Option<&RuntimeCheck>) -> bool {
        let Some(check) = check else { return true };
        self.first_accepted_by(check.provider)
            .is_none_or(|first| check.newest.reaches(first))
    }

    /// The command that builds the executable at `output`, as a message quotes it.
    pub fn build_command(&self, output: &str) -> Option<String> {
        self.build.as_ref().map(|build| build.replace(BUILD_OUTPUT, output))
    }
}

/// Where a runtime's `build` command writes the executable.
const BUILD_OUTPUT: &str = "{output}";

#[derive(Debug)]
pub struct RuntimeTable {
    runtimes: Vec<Runtime>,
    fix_by_family: BTreeMap<String, Applicability>,
}

impl RuntimeTable {
    /// The table shipped inside the binary.
    pub fn bundled() -> &'static RuntimeTable {
        static TABLE: OnceLock<RuntimeTable> = OnceLock::new();
        // The table is part of the program, and a unit test parses it.
        TABLE.get_or_init(|| RuntimeTable::parse(TABLE_SOURCE).expect("codemods/lambda-runtimes.toml is valid"))
    }

    pub fn parse(source: &str) -> Result<Self> {
        let file: TableFile = toml::from_str(source).context("reading the runtime table")?;
        let mut fix_by_family = BTreeMap::new();
        for (family, settings) in file.families {
            let applicability = match settings.fix.as_str() {
                "safe" => Applicability::Safe,
                "unsafe" => Applicability::Unsafe,
                other => {
                    bail!("family {family}: fix must be \"safe\" or \"unsafe\", not {other:?}")
                }
            };
            fix_by_family.insert(family, applicability);
        }
        let runtimes = file
            .runtimes
            .into_iter()
            .map(|entry| {
                if entry.enum_since.is_some() && entry.enum_member.is_none() {
                    bail!("runtime {}: `enum_since` needs the `enum_member` it dates", entry.id);
                }
                let enum_release: Option<ReleaseVersion> = entry
                    .enum_release
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .with_context(|| format!("runtime {}: enum_release", entry.id))?;
                if let Some(release) = enum_release {
                    if entry.enum_since != Some(release.major) {
                        bail!(
                            "runtime {}: `enum_release` is a release of the major `enum_since` names",
                            entry.id
                        );
                    }
                }
                if entry.cdk_since.is_some() && entry.cdk_constant.is_none() {
                    bail!("runtime {}: `cdk_since` needs the `cdk_constant` it dates", entry.id);
                }
                if entry.cdk_since.is_some() && entry.cdk_v1 {
                    bail!(
                        "runtime {}: a constant v1 has is in every aws-cdk-lib; drop `cdk_since`",
                        entry.id
                    );
                }
                let release = |value: &Option<String>, field: &str| -> Result<Option<ReleaseVersion>> {
                    value
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .with_context(|| format!("runtime {}: {field}", entry.id))
                };
                let hashicorp_aws_since = release(&entry.hashicorp_aws_since, "hashicorp_aws_since")?;
                let pulumi_aws_since = release(&entry.pulumi_aws_since, "pulumi_aws_since")?;
                check_provider_releases(&entry.id, hashicorp_aws_since, pulumi_aws_since, entry.image_only)?;
                if entry.build.is_some() && entry.executable.is_none() {
                    bail!("runtime {}: `build` needs the `executable` it builds", entry.id);
                }
                if entry.build.as_ref().is_some_and(|build| !build.contains(BUILD_OUTPUT)) {
                    bail!(
                        "runtime {}: `build` must say where it writes, as {BUILD_OUTPUT}",
                        entry.id
                    );
                }
                if !fix_by_family.contains_key(&entry.family) {
                    bail!(
                        "runtime {}: family {} is not listed under [families]",
                        entry.id,
                        entry.family
                    );
                }
                let date = |value: Option<toml::value::Datetime>, field: &str| -> Result<Option<CalendarDate>> {
                    value
                        .map(|value| {
                            value
                                .to_string()
                                .parse()
                                .with_context(|| format!("runtime {}: {field}", entry.id))
                        })
                        .transpose()
                };
                let cdk_since = entry
                    .cdk_since
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .with_context(|| format!("runtime {}: cdk_since", entry.id))?;
                Ok(Runtime {
                    deprecated: date(Some(entry.deprecated), "deprecated")?.context("deprecated is required")?,
                    block_create: date(entry.block_create, "block_create")?,
                    block_update: date(entry.block_update, "block_update")?,
                    id: entry.id,
                    family: entry.family,
                    enum_member: entry.enum_member,
                    enum_since: entry.enum_since,
                    enum_release,
                    constant: entry.constant,
                    cdk_constant: entry.cdk_constant,
                    cdk_since,
                    cdk_v1: entry.cdk_v1,
                    handler: entry.handler,
                    packaging: entry.packaging,
                    executable: entry.executable,
                    build: entry.build,
                    provides: entry.provides,
                    hashicorp_aws_since,
                    pulumi_aws_since,
                    image_only: entry.image_only,
                    rebuild: entry.rebuild,
                    async_only: entry.async_only,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            runtimes,
            fix_by_family,
        })
    }

    pub fn by_id(&self, id: &str) -> Option<&Runtime> {
        self.runtimes.iter().find(|runtime| runtime.id == id)
    }

    pub fn by_enum_member(&self, member: &str) -> Option<&Runtime> {
        self.runtimes
            .iter()
            .find(|runtime| runtime.enum_member.as_deref() == Some(member))
    }

    pub fn by_cdk_constant(&self, constant: &str) -> Option<&Runtime> {
        self.runtimes
            .iter()
            .find(|runtime| runtime.cdk_constant.as_deref() == Some(constant))
    }

    pub fn by_constant(&self, constant: &str) -> Option<&Runtime> {
        self.runtimes
            .iter()
            .find(|runtime| runtime.constant.as_deref() == Some(constant))
    }

    /// The runtimes a function on `runtime` may move to on `date`, newest first: those of its
    /// family AWS supports then for functions with a code package, and that run callback
    /// handlers where `needs_callbacks`.
    pub fn supported_in_family(
        &self,
        runtime: &Runtime,
        date: CalendarDate,
        needs_callbacks: bool,
    ) -> impl Iterator<Item = &Runtime> + '_ {
        let family = runtime.family.clone();
        self.runtimes.iter().rev().filter(move |candidate| {
            candidate.family == family
                && !candidate.is_deprecated_on(date)
                && !candidate.image_only
                && (!needs_callbacks || !candidate.async_only)
        })
    }

    /// The newest runtime of the same family that is not deprecated on `date` (and runs
    /// callback handlers, where `needs_callbacks`).
    pub fn successor(&self, runtime: &Runtime, date: CalendarDate, needs_callbacks: bool) -> Option<&Runtime> {
        self.supported_in_family(runtime, date, needs_callbacks).next()
    }

    /// The newest runtime of the same family that is not deprecated on `date`, runs callback
    /// handlers where `needs_callbacks`, and that `check`'s provider accepts in the newest release
    /// the project may install.
    pub fn accepted_successor(
        &self,
        runtime: &Runtime,
        date: CalendarDate,
        check: Option<&RuntimeCheck>,
        needs_callbacks: bool,
    ) -> Option<&Runtime> {
        self.supported_in_family(runtime, date, needs_callbacks)
            .find(|candidate| candidate.is_accepted_by(check))
    }

    /// The oldest release of `provider` that accepts a runtime of `runtime`'s family supported on
    /// `date` (running callback handlers where `needs_callbacks`), and that runtime: the least
    /// upgrade after which the runtime can move.
    pub fn least_upgrade(
        &self,
        runtime: &Runtime,
        date: CalendarDate,
        provider: CheckingProvider,
        needs_callbacks: bool,
    ) -> Option<(&Runtime, ReleaseVersion)> {
        self.supported_in_family(runtime, date, needs_callbacks)
            .filter_map(|candidate| Some((candidate, candidate.first_accepted_by(provider)?)))
            .min_by_key(|(_, release)| *release)
    }

    /// Whether moving from `runtime` to its successor is safe.
    pub fn fix_applicability(&self, runtime: &Runtime) -> Applicability {
        if runtime.rebuild {
            return Applicability::Unsafe;
        }
        self.fix_by_family
            .get(&runtime.family)
            .copied()
            .unwrap_or(Applicability::Unsafe)
    }
}

/// Checks the provider releases a runtime names against each other: @pulumi/aws is bridged from
/// hashicorp/aws (@pulumi/aws 6 from hashicorp/aws 5, 7 from 6), so it accepts no runtime before
/// the provider it is built from does, and a runtime AWS offers as an image only has no release
/// to wait for.
fn check_provider_releases(
    id: &str,
    hashicorp_aws: Option<ReleaseVersion>,
    pulumi_aws: Option<ReleaseVersion>,
    image_only: bool,
) -> Result<()> {
    if image_only && (hashicorp_aws.is_some() || pulumi_aws.is_some()) {
        bail!("runtime {id}: an `image_only` runtime is no function's successor; drop its provider releases");
    }
    match (hashicorp_aws, pulumi_aws) {
        (None, Some(_)) => {
            bail!("runtime {id}: `pulumi_aws_since` needs the `hashicorp_aws_since` @pulumi/aws is bridged from")
        }
        (Some(upstream), Some(bridged)) if bridged.major <= upstream.major => bail!(
            "runtime {id}: @pulumi/aws {bridged} is bridged from hashicorp/aws {}.x, older than {upstream}",
            bridged.major.saturating_sub(1)
        ),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    families: BTreeMap<String, FamilySettings>,
    runtimes: Vec<RuntimeEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilySettings {
    fix: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuntimeEntry {
    id: String,
    family: String,
    deprecated: toml::value::Datetime,
    block_create: Option<toml::value::Datetime>,
    block_update: Option<toml::value::Datetime>,
    enum_member: Option<String>,
    enum_since: Option<u64>,
    enum_release: Option<String>,
    constant: Option<String>,
    cdk_constant: Option<String>,
    cdk_since: Option<String>,
    #[serde(default)]
    cdk_v1: bool,
    handler: Option<String>,
    packaging: Option<String>,
    executable: Option<String>,
    build: Option<String>,
    #[serde(default)]
    provides: Vec<String>,
    hashicorp_aws_since: Option<String>,
    pulumi_aws_since: Option<String>,
    #[serde(default)]
    image_only: bool,
    #[serde(default)]
    rebuild: bool,
    #[serde(default)]
    async_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release_version::NewestRelease;

    fn date(text: &str) -> CalendarDate {
        text.parse().expect("valid date")
    }

    #[test]
    fn bundled_table_parses_and_names_are_unique() {
        let table = RuntimeTable::bundled();
        let mut names = std::collections::HashSet::new();
        for runtime in &table.runtimes {
            let spellings = [
                Some(&runtime.id),
                runtime.enum_member.as_ref(),
                runtime.constant.as_ref(),
                runtime.cdk_constant.as_ref(),
            ];
            for name in spellings.into_iter().flatten() {
                assert!(names.insert(name.clone()), "`{name}` names two runtimes");
            }
        }
        assert!(names.contains("go1.x") && names.contains("Go1dx") && names.contains("Go1dxRuntime"));
        assert!(names.contains("GO_1_X") && names.contains("PROVIDED_AL2023"));
    }

    #[test]
    fn a_callback_handler_moves_to_the_newest_runtime_that_runs_callbacks() {
        let table = RuntimeTable::bundled();
        let node = table.by_id("nodejs16.x").expect("listed");
        assert_eq!(
            table.successor(node, date("2026-11-29"), true).map(|r| r.id.as_str()),
            Some("nodejs22.x")
        );
        // Once nodejs22.x is deprecated, no runtime runs callbacks.
        assert!(table.successor(node, date("2027-05-01"), true).is_none());
    }

    #[test]
    fn successor_is_newest_of_family_not_deprecated_at_the_date() {
        let table = RuntimeTable::bundled();
        let go = table.by_id("go1.x").expect("go1.x is listed");
        assert_eq!(
            table.successor(go, date("2026-11-29"), false).map(|r| r.id.as_str()),
            Some("provided.al2023")
        );
        let node = table.by_id("nodejs16.x").expect("listed");
        assert_eq!(
            table.successor(node, date("2026-11-29"), false).map(|r| r.id.as_str()),
            Some("nodejs24.x")
        );
        // Once every runtime of a family is deprecated, there is nothing to move to.
        assert!(table.successor(node, date("2030-01-01"), false).is_none());
    }

    fn check(provider: CheckingProvider, newest: NewestRelease) -> RuntimeCheck {
        RuntimeCheck {
            provider,
            newest,
            source: "lock".to_owned(),
        }
    }

    #[test]
    fn the_successor_is_one_the_projects_provider_accepts() {
        let table = RuntimeTable::bundled();
        let node = table.by_id("nodejs18.x").expect("listed");
        let on = date("2026-11-29");
        let successor = |check: &RuntimeCheck| {
            table
                .accepted_successor(node, on, Some(check), false)
                .map(|runtime| runtime.id.as_str())
        };
        let terraform = |newest| check(CheckingProvider::TerraformAws, newest);
        let pulumi = |newest| check(CheckingProvider::PulumiAws, newest);
        let exactly = |major, minor, patch| NewestRelease::Exactly(ReleaseVersion::new(major, minor, patch));
        let below = |major| NewestRelease::Below(ReleaseVersion::new(major, 0, 0));
        assert_eq!(successor(&terraform(exactly(6, 21, 0))), Some("nodejs24.x"));
        assert_eq!(successor(&terraform(exactly(5, 90, 0))), Some("nodejs22.x"));
        assert_eq!(successor(&terraform(below(6))), Some("nodejs22.x"));
        assert_eq!(successor(&pulumi(below(7))), Some("nodejs22.x"));
        assert_eq!(successor(&pulumi(exactly(7, 14, 0))), Some("nodejs24.x"));
        // nodejs20.x, which 5.31.0 takes, is deprecated: the least upgrade takes nodejs22.x.
        let old_lock = terraform(exactly(5, 31, 0));
        assert_eq!(successor(&old_lock), None);
        let upgrade = table.least_upgrade(node, on, CheckingProvider::TerraformAws, false);
        assert_eq!(
            upgrade.map(|(runtime, release)| (runtime.id.as_str(), release.to_string())),
            Some(("nodejs22.x", "5.78.0".to_owned()))
        );
        // A runtime every release takes is always a successor: java11 under hashicorp/aws 4.x.
        let java = table.by_id("java8").expect("listed");
        let java_successor = table.accepted_successor(java, on, Some(&terraform(below(5))), false);
        assert_eq!(java_successor.map(|runtime| runtime.id.as_str()), Some("java11"));
        assert_eq!(
            table
                .accepted_successor(node, on, None, false)
                .map(|runtime| runtime.id.as_str()),
            Some("nodejs24.x")
        );
    }

    #[test]
    fn a_runtime_offered_as_an_image_only_is_no_successor() {
        let table = RuntimeTable::bundled();
        let dotnet = table.by_id("dotnet6").expect("listed");
        let successor = table.successor(dotnet, date("2026-01-01"), false);
        assert_eq!(successor.map(|runtime| runtime.id.as_str()), Some("dotnet10"));
        let hashicorp_5 = check(
            CheckingProvider::TerraformAws,
            NewestRelease::Below(ReleaseVersion::new(6, 0, 0)),
        );
        // dotnet10 needs hashicorp/aws 6.27.0; dotnet9 is an image; dotnet8 it is.
        let held = table.accepted_successor(dotnet, date("2026-01-01"), Some(&hashicorp_5), false);
        assert_eq!(held.map(|runtime| runtime.id.as_str()), Some("dotnet8"));
    }

    #[test]
    fn provider_releases_are_checked_against_each_other() {
        let table = |fields: &str| {
            format!("[families]\nnodejs = {{ fix = \"unsafe\" }}\n[[runtimes]]\nid = \"x\"\nfamily = \"nodejs\"\ndeprecated = 2028-01-01\n{fields}\n")
        };
        let parses = |fields: &str| RuntimeTable::parse(&table(fields)).is_ok();
        assert!(parses(
            "hashicorp_aws_since = \"5.78.0\"\npulumi_aws_since = \"6.66.2\""
        ));
        assert!(parses("hashicorp_aws_since = \"5.78.0\""));
        assert!(
            !parses("pulumi_aws_since = \"6.66.2\""),
            "bridged from no upstream release"
        );
        assert!(!parses(
            "hashicorp_aws_since = \"6.21.0\"\npulumi_aws_since = \"6.66.2\""
        ));
        assert!(!parses("hashicorp_aws_since = \"5.78\""));
        assert!(!parses("image_only = true\nhashicorp_aws_since = \"5.78.0\""));
        assert!(parses("image_only = true"));
    }

    #[test]
    fn deprecation_is_judged_at_the_date() {
        let table = RuntimeTable::bundled();
        let node22 = table.by_id("nodejs22.x").expect("listed");
        assert!(!node22.is_deprecated_on(date("2026-11-29")));
        assert!(node22.is_deprecated_on(date("2027-04-30")));
    }

    #[test]
    fn go_names_the_executable_and_how_to_build_it() {
        let go = RuntimeTable::bundled().by_id("go1.x").expect("listed");
        assert_eq!(go.executable.as_deref(), Some("bootstrap"));
        let command = go.build_command("bin/bootstrap").expect("go1.x says how to build");
        assert!(command.contains("-o bin/bootstrap;"), "{command}");
    }

    #[test]
    fn a_build_command_must_name_its_executable_and_output() {
        let table = |fields: &str| {
            format!("[families]\nprovided = {{ fix = \"safe\" }}\n[[runtimes]]\nid = \"x\"\nfamily = \"provided\"\ndeprecated = 2024-01-08\n{fields}\n")
        };
        assert!(RuntimeTable::parse(&table("build = \"go build -o {output}\"")).is_err());
        assert!(RuntimeTable::parse(&table("executable = \"bootstrap\"\nbuild = \"go build\"")).is_err());
        assert!(RuntimeTable::parse(&table("executable = \"bootstrap\"\nbuild = \"go build -o {output}\"")).is_ok());
    }

    #[test]
    fn provided_family_moves_safely_others_not() {
        let table = RuntimeTable::bundled();
        assert_eq!(
            table.fix_applicability(table.by_id("go1.x").expect("listed")),
            Applicability::Safe
        );
        assert_eq!(
            table.fix_applicability(table.by_id("python3.8").expect("listed")),
            Applicability::Unsafe
        );
        // Binaries built for Amazon Linux 1 or 2 may not run on Amazon Linux 2023.
        for id in ["provided", "provided.al2"] {
            assert_eq!(
                table.fix_applicability(table.by_id(id).expect("listed")),
                Applicability::Unsafe
            );
        }
    }
}
