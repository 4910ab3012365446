//! The projects a walk finds that infrafix does not read: Pulumi programs and CDK apps in a
//! language other than TypeScript or JavaScript (or, for CDK, TypeScript), and Serverless services
//! not written in YAML. Each gets a notice naming its file and why: without one, "No findings."
//! would pass for a verdict on a project nothing looked at.

use std::path::{Path, PathBuf};

use super::{Project, ProjectKind};
use crate::report::Notice;

/// The files found that tell what a folder's project is written in.
pub(super) struct ProjectFiles {
    pulumi_projects: Vec<PathBuf>,
    cdk_apps: Vec<PathBuf>,
    serverless_services: Vec<PathBuf>,
}

/// The file names the Serverless Framework takes a service from, in the order it looks for them
/// when a folder holds several; only the YAML ones are read.
const SERVERLESS_SERVICE_FILES: [(&str, Option<&str>); 5] = [
    ("serverless.yaml", None),
    ("serverless.yml", None),
    ("serverless.json", Some("JSON")),
    ("serverless.js", Some("JavaScript")),
    ("serverless.ts", Some("TypeScript")),
];

impl ProjectFiles {
    /// The project files among the files a walk found.
    pub(super) fn among(files: &[PathBuf]) -> Self {
        let named = |names: &[&str]| -> Vec<PathBuf> {
            files
                .iter()
                .filter(|file| file.file_name().is_some_and(|name| names.iter().any(|n| name == *n)))
                .cloned()
                .collect()
        };
        let service_files: Vec<&str> = SERVERLESS_SERVICE_FILES.iter().map(|(name, _)| *name).collect();
        Self {
            pulumi_projects: named(&["Pulumi.yaml", "Pulumi.yml"]),
            cdk_apps: named(&["cdk.json"]),
            serverless_services: named(&service_files),
        }
    }

    /// A notice for each project infrafix does not read.
    pub(super) fn unread(&self, projects: &[Project]) -> Vec<Notice> {
        let is_typescript_project = |file: &Path| {
            let root = file.parent();
            projects
                .iter()
                .any(|project| project.kind == ProjectKind::TypeScript && Some(project.root.as_path()) == root)
        };
        let pulumi = self
            .pulumi_projects
            .iter()
            .filter(|file| !is_typescript_project(file))
            .filter_map(|file| unread_pulumi_program(file));
        let cdk = self
            .cdk_apps
            .iter()
            .filter_map(|file| unread_cdk_app(file, is_typescript_project(file)));
        let serverless = self
            .serverless_services
            .iter()
            .filter_map(|file| unread_serverless_service(file));
        pulumi.chain(cdk).chain(serverless).collect()
    }
}

/// A Pulumi program in another language, or a Node.js one without a TypeScript or JavaScript
/// source of its own.
fn unread_pulumi_program(file: &Path) -> Option<Notice> {
    let runtime = crate::frontends::typescript::program_runtime(&std::fs::read_to_string(file).ok()?)?;
    let language = match runtime.as_str() {
        "nodejs" => {
            return Some(Notice::warning(
                file.to_path_buf(),
                "a Pulumi Node.js project with no TypeScript source, nor a JavaScript entry point of its own (`index.js` or package.json's `main`, not compiled from TypeScript): this one was not checked",
            ))
        }
        "python" => "Python",
        "go" => "Go",
        "dotnet" => ".NET",
        "java" => "Java",
        "yaml" => "YAML",
        other => other,
    };
    Some(Notice::warning(
        file.to_path_buf(),
        format!(
            "a Pulumi program in {language}: infrafix reads Pulumi programs written in TypeScript or JavaScript only, so this one was not checked"
        ),
    ))
}

/// A CDK app whose `app` command runs a program in another language than TypeScript. One that runs
/// JavaScript is read when it was compiled from TypeScript sources of the app's own
/// (`node dist/bin/app.js`): those are what infrafix reads.
fn unread_cdk_app(file: &Path, has_typescript_sources: bool) -> Option<Notice> {
    let text = std::fs::read_to_string(file).ok()?;
    let config: serde_json::Value = serde_json::from_str(&text).ok()?;
    let command = config.get("app")?.as_str()?;
    let language = cdk_app_language(command)?;
    if language == "TypeScript" || (language == "JavaScript" && has_typescript_sources) {
        return None;
    }
    Some(Notice::warning(
        file.to_path_buf(),
        format!(
            "a CDK app in {language} (`{command}`): infrafix reads CDK apps written in TypeScript only, so this one was not checked"
        ),
    ))
}

/// The language of the program a CDK app's command runs, as `cdk init` writes it for each
/// language (`npx ts-node --prefer-ts-exts bin/app.ts`, `node bin/app.js`, `python3 app.py`,
/// `mvn -e -q compile exec:java`, `dotnet run -p src/App.csproj`, `go mod download && go run app.go`).
/// `None` for a command that names none of them (a synthesized `cdk.out`, a script of its own).
fn cdk_app_language(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let has_extension = |extensions: &[&str]| {
        words
            .iter()
            .any(|word| extensions.iter().any(|extension| word.ends_with(extension)))
    };
    let runs = |programs: &[&str]| {
        words.iter().any(|word| {
            let program = word.rsplit('/').next().unwrap_or(word);
            programs.contains(&program)
        })
    };
    if has_extension(&[".ts", ".mts", ".cts", ".tsx"]) {
        Some("TypeScript")
    } else if has_extension(&[".js", ".mjs", ".cjs"]) {
        Some("JavaScript")
    } else if has_extension(&[".py"]) || runs(&["python", "python3", "py", "pipenv", "poetry", "uv"]) {
        Some("Python")
    } else if runs(&["mvn", "gradle", "gradlew", "java"]) {
        Some("Java")
    } else if runs(&["dotnet"]) {
        Some(".NET")
    } else if has_extension(&[".go"]) || runs(&["go"]) {
        Some("Go")
    } else {
        None
    }
}

/// A Serverless service not written in YAML: the one file the framework takes from a folder with
/// no `serverless.yml` or `serverless.yaml`, when it looks like a service (names its provider).
fn unread_serverless_service(file: &Path) -> Option<Notice> {
    let folder = file.parent()?;
    let name = file.file_name()?.to_str()?;
    let taken = SERVERLESS_SERVICE_FILES
        .iter()
        .find(|(candidate, _)| folder.join(candidate).is_file())?;
    let language = match taken {
        (taken_name, Some(language)) if *taken_name == name => *language,
        _ => return None,
    };
    let text = std::fs::read_to_string(file).ok()?;
    if !(text.contains("provider") && text.contains("service")) {
        return None;
    }
    Some(Notice::warning(
        file.to_path_buf(),
        format!(
            "a Serverless service written in {language}: infrafix reads services from serverless.yml and serverless.yaml only, so this one was not checked"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_language_of_a_cdk_app_from_its_command() {
        let cases = [
            ("npx ts-node --prefer-ts-exts bin/orders.ts", Some("TypeScript")),
            ("npx tsx bin/app.mts", Some("TypeScript")),
            ("node bin/app.js", Some("JavaScript")),
            ("node dist/bin/app.mjs", Some("JavaScript")),
            ("python3 app.py", Some("Python")),
            ("poetry run python app.py", Some("Python")),
            ("mvn -e -q compile exec:java", Some("Java")),
            ("dotnet run -p src/Orders.csproj", Some(".NET")),
            ("go mod download && go run orders.go", Some("Go")),
            ("cdk.out", None),
        ];
        for (command, language) in cases {
            assert_eq!(cdk_app_language(command), language, "{command}");
        }
    }

    #[test]
    fn a_yaml_service_beside_another_file_is_the_one_taken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let service = "service: orders\nprovider:\n  name: aws\n";
        std::fs::write(dir.path().join("serverless.yml"), service).expect("write");
        std::fs::write(
            dir.path().join("serverless.ts"),
            "export default { service, provider };\n",
        )
        .expect("write");
        assert!(unread_serverless_service(&dir.path().join("serverless.ts")).is_none());
        std::fs::remove_file(dir.path().join("serverless.yml")).expect("remove");
        let notice = unread_serverless_service(&dir.path().join("serverless.ts")).expect("a notice");
        assert!(notice.message.contains("written in TypeScript"), "{}", notice.message);
    }
}
