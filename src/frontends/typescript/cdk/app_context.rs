//! What a CDK app's context files set that the CDK reads as if the app set it in code. The CDK
//! CLI hands the app the `context` of `cdk.json` and the whole of `cdk.context.json` (the cache
//! of its lookups, which it reads back as context too), below what `--context` on the command
//! line sets and above `~/.cdk.json`'s `context`; those two are in no file of the project.

use std::path::Path;

use serde_json::Value;

/// The context key aws-cdk-lib reads the permissions boundary of every role of a scope from
/// (its `PERMISSIONS_BOUNDARY_CONTEXT_KEY`), as `{ "name": … }` or `{ "arn": … }`.
const PERMISSIONS_BOUNDARY_KEY: &str = "@aws-cdk/core:permissionsBoundary";

/// The files of the app's folder the CDK CLI reads context from, the one it prefers first, and
/// the member of each that holds the context (`None`: the whole file).
const CONTEXT_FILES: [(&str, Option<&str>); 2] = [("cdk.json", Some("context")), ("cdk.context.json", None)];

/// What the app's context files set, as far as infrafix reads them.
#[derive(Debug, Default)]
pub struct CdkAppContext {
    /// Where the files set the permissions boundary of every role of the app.
    permissions_boundary: Option<ContextLine>,
}

/// A line of a context file that sets something.
#[derive(Debug, PartialEq, Eq)]
pub(in super::super) struct ContextLine {
    /// From the project's folder (`cdk.json`, `apps/payments/cdk.json`).
    pub file: String,
    /// 1-based.
    pub line_number: usize,
    pub line: String,
}

impl CdkAppContext {
    /// The context files of the apps of the project at `root`: in `root` and in every folder
    /// below it that holds a `cdk.json` (a repository whose one `package.json` serves apps in
    /// `apps/*`). Which app a file of the program belongs to is not told apart: a boundary any
    /// of them sets counts for all, which can only make a fix unsafe that need not be.
    pub fn of_project(root: &Path) -> Self {
        let mut folders = vec![root.to_path_buf()];
        app_folders_below(root, MAX_APP_DEPTH, &mut folders);
        let permissions_boundary = folders.iter().find_map(|folder| {
            let prefix = folder
                .strip_prefix(root)
                .ok()
                .filter(|relative| !relative.as_os_str().is_empty())
                .map(|relative| format!("{}/", relative.display()))
                .unwrap_or_default();
            let texts = CONTEXT_FILES.map(|(name, _)| std::fs::read_to_string(folder.join(name)).ok());
            Self::parse(&prefix, texts).permissions_boundary
        });
        Self { permissions_boundary }
    }

    /// The texts of `CONTEXT_FILES` in one folder (named `prefix` from the project's), in their
    /// order. The CLI takes a key from the first file that defines it, whatever its value: a
    /// `cdk.json` setting the key to `{}` keeps `cdk.context.json`'s from counting.
    fn parse(prefix: &str, texts: [Option<String>; 2]) -> Self {
        let permissions_boundary = CONTEXT_FILES
            .iter()
            .zip(texts)
            .find_map(|((file, section), text)| key_set_in(&format!("{prefix}{file}"), *section, &text?))
            .flatten();
        Self { permissions_boundary }
    }

    /// Where the context files set a permissions boundary for every role of the app.
    pub(in super::super) fn permissions_boundary(&self) -> Option<&ContextLine> {
        self.permissions_boundary.as_ref()
    }
}

/// Whether a context file defines the permissions boundary key (`None` when it does not), and
/// the line that sets a boundary with it, when its value sets one. A file the CDK CLI cannot read
/// as JSON is taken to set one where it writes the key: the CLI stops on it as it is, and what
/// deploys once it is mended may well carry the boundary.
fn key_set_in(file: &str, section: Option<&str>, text: &str) -> Option<Option<ContextLine>> {
    let quoted_key = format!("\"{PERMISSIONS_BOUNDARY_KEY}\"");
    // The key written with JSON escapes is not looked for: no file seen so far spells it that way.
    let at = text.rfind(&quoted_key)?;
    // The CLI reads the files with fs-extra's `readJson`, which skips a byte-order mark.
    if let Ok(root) = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}')) {
        let context = match section {
            Some(member) => root.get(member)?,
            None => &root,
        };
        if !sets_a_boundary(context.get(PERMISSIONS_BOUNDARY_KEY)?) {
            return Some(None);
        }
    }
    // JSON keeps the last of a key written twice, so the last place the key is written sets it.
    let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |newline| at + newline);
    Some(Some(ContextLine {
        file: file.to_owned(),
        line_number: text[..at].matches('\n').count() + 1,
        line: text[line_start..line_end].trim().to_owned(),
    }))
}

/// How deep below the project's folder an app's `cdk.json` is looked for: `apps/payments`,
/// `services/billing/infra`, and no further than monorepos nest them.
const MAX_APP_DEPTH: usize = 4;

/// The folders below `folder`, `depth` levels at most, that hold a `cdk.json`, in name order;
/// installed packages, the CDK's output and hidden folders are not an app's.
fn app_folders_below(folder: &Path, depth: usize, found: &mut Vec<std::path::PathBuf>) {
    let Some(depth) = depth.checked_sub(1) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut children: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && name != "node_modules" && name != "cdk.out"
        })
        .map(|entry| entry.path())
        .collect();
    children.sort();
    for child in children {
        if child.join("cdk.json").is_file() {
            found.push(child.clone());
        }
        app_folders_below(&child, depth, found);
    }
}

/// Whether a context value sets a boundary: aws-cdk-lib's `Stack` applies one when the value's
/// `arn`, else its `name`, is truthy in JavaScript's sense; any other value sets none.
fn sets_a_boundary(value: &Value) -> bool {
    value.as_object().is_some_and(|value| {
        ["arn", "name"]
            .iter()
            .any(|member| value.get(*member).is_some_and(is_truthy))
    })
}

fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(truth) => *truth,
        Value::Number(number) => number.as_f64().is_some_and(|number| number != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boundary(cdk_json: Option<&str>, cdk_context_json: Option<&str>) -> Option<ContextLine> {
        CdkAppContext::parse("", [cdk_json.map(str::to_owned), cdk_context_json.map(str::to_owned)])
            .permissions_boundary
    }

    fn line(file: &str, line_number: usize, line: &str) -> Option<ContextLine> {
        Some(ContextLine {
            file: file.to_owned(),
            line_number,
            line: line.to_owned(),
        })
    }

    #[test]
    fn a_boundary_in_the_context_of_cdk_json_is_set_where_its_key_is_written() {
        let cdk_json = "{\n  \"app\": \"npx ts-node bin/app.ts\",\n  \"context\": {\n    \"@aws-cdk/core:permissionsBoundary\": {\n      \"name\": \"workload-boundary\"\n    }\n  }\n}\n";
        assert_eq!(
            boundary(Some(cdk_json), None),
            line("cdk.json", 4, "\"@aws-cdk/core:permissionsBoundary\": {")
        );
        let by_arn = r#"{ "context": { "@aws-cdk/core:permissionsBoundary": { "arn": "arn:aws:iam::111122223333:policy/pb" } } }"#;
        assert!(boundary(Some(by_arn), None).is_some());
    }

    #[test]
    fn a_boundary_in_cdk_context_json_is_set_at_its_top() {
        let cache = "{\n  \"availability-zones:account=111122223333:region=eu-west-1\": [\"eu-west-1a\"],\n  \"@aws-cdk/core:permissionsBoundary\": { \"name\": \"pb\" }\n}\n";
        assert_eq!(
            boundary(Some(r#"{ "app": "npx ts-node bin/app.ts" }"#), Some(cache)),
            line(
                "cdk.context.json",
                3,
                "\"@aws-cdk/core:permissionsBoundary\": { \"name\": \"pb\" }"
            )
        );
    }

    #[test]
    fn a_key_setting_no_name_or_arn_or_outside_the_context_sets_no_boundary() {
        for cdk_json in [
            r#"{ "context": { "@aws-cdk/core:permissionsBoundary": {} } }"#,
            r#"{ "context": { "@aws-cdk/core:permissionsBoundary": { "name": "" } } }"#,
            r#"{ "context": { "@aws-cdk/core:permissionsBoundary": null } }"#,
            r#"{ "context": { "@aws-cdk/core:permissionsBoundary": "workload-boundary" } }"#,
            // Only the `context` member of cdk.json is context.
            r#"{ "@aws-cdk/core:permissionsBoundary": { "name": "pb" }, "context": {} }"#,
            r#"{ "context": { "stage": "dev" } }"#,
        ] {
            assert_eq!(boundary(Some(cdk_json), None), None, "{cdk_json}");
        }
        assert_eq!(boundary(None, None), None);
    }

    #[test]
    fn the_first_file_defining_the_key_decides_even_when_it_sets_no_boundary() {
        let no_boundary = r#"{ "context": { "@aws-cdk/core:permissionsBoundary": {} } }"#;
        let cache = r#"{ "@aws-cdk/core:permissionsBoundary": { "name": "pb" } }"#;
        assert_eq!(boundary(Some(no_boundary), Some(cache)), None);
        assert!(boundary(Some(r#"{ "context": {} }"#), Some(cache)).is_some());
    }

    #[test]
    fn an_app_below_the_project_folder_is_read_and_named_from_it() {
        let project = std::env::temp_dir().join(format!("infrafix-cdk-apps-{}", std::process::id()));
        let app = project.join("apps").join("payments");
        let installed = project.join("node_modules").join("some-app");
        std::fs::create_dir_all(&app).expect("app folder");
        std::fs::create_dir_all(&installed).expect("installed folder");
        let boundary = "{\n  \"context\": { \"@aws-cdk/core:permissionsBoundary\": { \"name\": \"pb\" } }\n}\n";
        std::fs::write(app.join("cdk.json"), boundary).expect("cdk.json");
        std::fs::write(installed.join("cdk.json"), boundary).expect("installed cdk.json");
        let found = CdkAppContext::of_project(&project).permissions_boundary;
        std::fs::write(app.join("cdk.json"), "{ \"context\": {} }").expect("cdk.json");
        let only_installed = CdkAppContext::of_project(&project).permissions_boundary;
        std::fs::remove_dir_all(&project).expect("clean up");
        assert_eq!(
            found.map(|line| (line.file, line.line_number)),
            Some(("apps/payments/cdk.json".to_owned(), 2))
        );
        assert_eq!(only_installed, None);
    }

    #[test]
    fn a_file_that_is_not_json_but_writes_the_key_is_taken_to_set_a_boundary() {
        let broken = "{\n  // the landing zone's\n  \"context\": { \"@aws-cdk/core:permissionsBoundary\": { \"name\": \"pb\" } },\n}\n";
        assert_eq!(boundary(Some(broken), None).map(|line| line.line_number), Some(3));
        assert_eq!(boundary(Some("{ \"context\": { "), None), None);
    }
}
