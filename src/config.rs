//! `infrafix.toml`: the settings of every rule, validated strictly so that a typo is an error that
//! names the key and the file, never a setting silently ignored.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::calendar::CalendarDate;
use crate::rules::RuleId;

pub const CONFIG_FILE_NAME: &str = "infrafix.toml";

/// The settings a project is checked with, resolved from its config file (or the defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The config file these came from, if any.
    pub source: Option<PathBuf>,
    /// The date deprecations are judged at; today unless set.
    pub as_of: CalendarDate,
    /// The rules to run; `None` means all.
    pub select: Option<Vec<RuleId>>,
    pub ignore: Vec<RuleId>,
    pub concurrency: ConcurrencyBudget,
    /// Files larger than this many bytes are skipped (generated bundles, not hand-written code).
    pub max_file_size: u64,
}

/// The default `max_file_size`: far above any hand-written infrastructure module.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// `[rules.lambda-reserved-concurrency-budget]`, with `account_settings` already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcurrencyBudget {
    pub account_limit: u32,
    pub min_unreserved: u32,
    /// Concurrency reserved by functions outside the program.
    pub other_reserved: u32,
    /// The JSON printed by `aws lambda get-account-settings` the numbers came from, if any.
    pub account_settings: Option<PathBuf>,
}

impl ConcurrencyBudget {
    /// What the program's functions may reserve together; negative when the account has no room.
    pub fn budget(&self) -> i64 {
        i64::from(self.account_limit) - i64::from(self.min_unreserved) - i64::from(self.other_reserved)
    }
}

impl Default for ConcurrencyBudget {
    fn default() -> Self {
        Self {
            account_limit: 1000,
            min_unreserved: 100,
            other_reserved: 0,
            account_settings: None,
        }
    }
}

impl Settings {
    pub fn defaults() -> Self {
        Self {
            source: None,
            as_of: CalendarDate::today(),
            select: None,
            ignore: Vec::new(),
            concurrency: ConcurrencyBudget::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text, path).with_context(|| format!("invalid configuration in {}", path.display()))
    }

    fn parse(text: &str, path: &Path) -> Result<Self> {
        let file: ConfigFile = toml::from_str(text)?;
        let defaults = Self::defaults();
        let as_of = match file.as_of {
            Some(DateSetting::Date(date)) => date.to_string().parse().context("as_of must be a date (YYYY-MM-DD)")?,
            Some(DateSetting::Text(text)) => text.parse().context("as_of must be a date (YYYY-MM-DD)")?,
            None => defaults.as_of,
        };
        let parse_ids = |ids: &[String], key: &str| -> Result<Vec<RuleId>> {
            ids.iter()
                .map(|id| id.parse().with_context(|| format!("in `{key}`")))
                .collect()
        };
        let select = file.select.as_deref().map(|ids| parse_ids(ids, "select")).transpose()?;
        let ignore = parse_ids(file.ignore.as_deref().unwrap_or_default(), "ignore")?;
        let budget = file.rules.lambda_reserved_concurrency_budget;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut concurrency = ConcurrencyBudget {
            account_limit: budget.account_limit.unwrap_or(defaults.concurrency.account_limit),
            min_unreserved: budget.min_unreserved.unwrap_or(defaults.concurrency.min_unreserved),
            other_reserved: budget.other_reserved.unwrap_or(defaults.concurrency.other_reserved),
            account_settings: None,
        };
        if let Some(file) = budget.account_settings {
            let file = base.join(file);
            let account = AccountSettings::read(&file).with_context(|| {
                format!(
                    "[rules.lambda-reserved-concurrency-budget] account_settings = {}",
                    file.display()
                )
            })?;
            concurrency.account_limit = account.concurrent_executions;
            // Reservations the account already has. When this program is deployed, they include its
            // own: set other_reserved by hand for a redeploy, so they are not counted twice.
            concurrency.other_reserved = budget.other_reserved.unwrap_or(
                account
                    .concurrent_executions
                    .saturating_sub(account.unreserved_concurrent_executions),
            );
            concurrency.account_settings = Some(file);
        }
        Ok(Self {
            source: Some(path.to_path_buf()),
            as_of,
            select,
            ignore,
            concurrency,
            max_file_size: file.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        })
    }

    /// The rules that run: those selected (all by default) that are not ignored.
    pub fn enabled_rules(&self) -> Vec<RuleId> {
        RuleId::ALL
            .into_iter()
            .filter(|rule| self.select.as_ref().is_none_or(|select| select.contains(rule)))
            .filter(|rule| !self.ignore.contains(rule))
            .collect()
    }
}

/// The numbers infrafix needs from `aws lambda get-account-settings`.
struct AccountSettings {
    concurrent_executions: u32,
    unreserved_concurrent_executions: u32,
}

impl AccountSettings {
    fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
        let number = |key: &str| -> Result<u32> {
            json["AccountLimit"][key]
                .as_u64()
                .and_then(|value| u32::try_from(value).ok())
                .with_context(|| format!("{} has no number at AccountLimit.{key}", path.display()))
        };
        Ok(Self {
            concurrent_executions: number("ConcurrentExecutions")?,
            unreserved_concurrent_executions: number("UnreservedConcurrentExecutions")?,
        })
    }
}

/// The nearest `infrafix.toml` in `folder` or above it.
pub fn discover(folder: &Path) -> Option<PathBuf> {
    folder
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE_NAME))
        .find(|candidate| candidate.is_file())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    as_of: Option<DateSetting>,
    max_file_size: Option<u64>,
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
    #[serde(default)]
    rules: RuleSections,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DateSetting {
    Date(toml::value::Datetime),
    Text(String),
}

/// One table per rule, so that every rule id is a known key and every unknown one is an error.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RuleSections {
    #[serde(default, rename = "lambda-deprecated-runtime")]
    _lambda_deprecated_runtime: NoOptions,
    #[serde(default, rename = "lambda-reserved-concurrency-budget")]
    lambda_reserved_concurrency_budget: ConcurrencySection,
    #[serde(default, rename = "lambda-dlq-send-permission")]
    _lambda_dlq_send_permission: NoOptions,
    #[serde(default, rename = "lambda-sqs-execution-policy")]
    _lambda_sqs_execution_policy: NoOptions,
    #[serde(default, rename = "lambda-iam-depends-on")]
    _lambda_iam_depends_on: NoOptions,
    #[serde(default, rename = "apigw-lambda-invoke-arn")]
    _apigw_lambda_invoke_arn: NoOptions,
    #[serde(default, rename = "apigw-stage-throttle-settings")]
    _apigw_stage_throttle_settings: NoOptions,
}

/// The table of a rule that has no settings: present or not, it must be empty.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConcurrencySection {
    account_limit: Option<u32>,
    min_unreserved: Option<u32>,
    other_reserved: Option<u32>,
    account_settings: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings> {
        Settings::parse(text, Path::new("proj/infrafix.toml"))
    }

    #[test]
    fn reads_every_section() {
        let settings = parse(
            "as_of = 2027-03-01\nselect = [\"lambda-deprecated-runtime\"]\n[rules.lambda-reserved-concurrency-budget]\naccount_limit = 400\n[rules.apigw-stage-throttle-settings]\n",
        )
        .expect("valid");
        assert_eq!(settings.as_of.to_string(), "2027-03-01");
        assert_eq!(settings.enabled_rules(), vec![RuleId::LambdaDeprecatedRuntime]);
        assert_eq!(settings.concurrency.account_limit, 400);
        assert_eq!(settings.concurrency.min_unreserved, 100);
        assert_eq!(settings.concurrency.budget(), 300);
    }

    #[test]
    fn account_settings_file_sets_the_limit_and_other_reservations() {
        let dir = tempfile::tempdir().expect("temp dir");
        let account = r#"{"AccountLimit": {"TotalCodeSize": 80530636800, "ConcurrentExecutions": 400, "UnreservedConcurrentExecutions": 350}, "AccountUsage": {"FunctionCount": 3}}"#;
        std::fs::write(dir.path().join("account.json"), account).expect("write");
        let config = dir.path().join("infrafix.toml");
        let section = "[rules.lambda-reserved-concurrency-budget]\naccount_settings = \"account.json\"\n";
        std::fs::write(&config, section).expect("write");
        let budget = Settings::load(&config).expect("valid").concurrency;
        assert_eq!(
            (budget.account_limit, budget.other_reserved, budget.budget()),
            (400, 50, 250)
        );
        std::fs::write(&config, format!("{section}other_reserved = 0\n")).expect("write");
        assert_eq!(
            Settings::load(&config).expect("valid").concurrency.budget(),
            300,
            "set by hand for a redeploy"
        );
        for broken in ["not json", r#"{"AccountLimit": {}}"#] {
            std::fs::write(dir.path().join("account.json"), broken).expect("write");
            let error = format!("{:#}", Settings::load(&config).expect_err("malformed"));
            assert!(
                error.contains("account_settings") && error.contains("account.json"),
                "{error}"
            );
        }
        std::fs::remove_file(dir.path().join("account.json")).expect("remove");
        let error = format!("{:#}", Settings::load(&config).expect_err("missing"));
        assert!(error.contains("account.json"), "{error}");
    }

    #[test]
    fn as_of_may_be_a_string() {
        assert_eq!(
            parse("as_of = \"2027-01-01\"\n").expect("valid").as_of.to_string(),
            "2027-01-01"
        );
    }

    #[test]
    fn errors_name_the_offending_key() {
        let unknown_key = format!("{:#}", parse("no_such_key = 1\n").expect_err("unknown key"));
        assert!(unknown_key.contains("no_such_key"), "{unknown_key}");
        let unknown_rule = format!("{:#}", parse("[rules.no-such-rule]\n").expect_err("unknown rule"));
        assert!(unknown_rule.contains("no-such-rule"), "{unknown_rule}");
        let wrong_type = format!(
            "{:#}",
            parse("[rules.lambda-reserved-concurrency-budget]\naccount_limit = \"many\"\n").expect_err("wrong type")
        );
        assert!(wrong_type.contains("account_limit"), "{wrong_type}");
        let negative = format!(
            "{:#}",
            parse("[rules.lambda-reserved-concurrency-budget]\nmin_unreserved = -5\n").expect_err("negative")
        );
        assert!(negative.contains("min_unreserved"), "{negative}");
        let option_on_plain_rule = format!(
            "{:#}",
            parse("[rules.lambda-iam-depends-on]\nstrict = true\n").expect_err("unknown option")
        );
        assert!(option_on_plain_rule.contains("strict"), "{option_on_plain_rule}");
        let bad_select = format!("{:#}", parse("select = [\"nope\"]\n").expect_err("unknown id"));
        assert!(
            bad_select.contains("nope") && bad_select.contains("select"),
            "{bad_select}"
        );
    }
}
