//! Fixed output must be valid for the real libraries, not only parse: every expected output (and
//! every clean fixture, which is its own expected output) is type-checked with `tsc --noEmit`
//! against the @pulumi/aws, @pulumi/pulumi, aws-cdk-lib, constructs and TypeScript versions
//! pinned in tests/typecheck/package-lock.json, and CDK v1 apps against the v1 modules pinned in
//! tests/typecheck/cdk-v1/package-lock.json. The packages are installed with `npm ci` when missing.
//! A Pulumi program written in JavaScript is checked by `node --check` and by tsc as JavaScript
//! (`--allowJs --checkJs`) against the same packages.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{copy_tree, fixtures, infrafix, repo_root, temp_copy, text};

// The benchmark's corpus generator: its dense corpus must be a program users could have written,
// or the benchmark measures code no one has. The mixed profile is the benchmark's alone.
#[allow(dead_code)]
#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn typecheck_dir() -> PathBuf {
    repo_root().join("tests/typecheck")
}

/// The packages a CDK v1 app is checked against: v1 needs constructs 3, which cannot be installed
/// beside the constructs 10 of aws-cdk-lib, so they have a folder of their own.
fn cdk_v1_dir() -> PathBuf {
    typecheck_dir().join("cdk-v1")
}

/// The packages a folder's package.json pins.
fn pinned_packages(folder: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(folder.join("package.json")).expect("read package.json");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("package.json is JSON");
    manifest["devDependencies"]
        .as_object()
        .expect("package.json pins devDependencies")
        .keys()
        .cloned()
        .collect()
}

/// Installs a folder's pinned packages once per test run (tests run in parallel threads), also
/// when a package pinned since the last install is missing.
fn install(folder: &Path) {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let installed = pinned_packages(folder)
        .iter()
        .all(|package| folder.join("node_modules").join(package).is_dir());
    if !installed {
        let output = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(folder)
            .output()
            .expect("npm must be installed to type-check fixed fixtures");
        assert!(
            output.status.success(),
            "npm ci failed in {}:\n{}\n{}",
            folder.display(),
            text(&output.stdout),
            text(&output.stderr)
        );
    }
}

/// Runs tsc on every .ts file below `root`, against the packages of `packages` (a folder with a
/// package.json and a tsconfig.base.json); returns its exit status and output.
fn type_check_against(root: &Path, packages: &Path) -> (bool, String) {
    install(&typecheck_dir());
    install(packages);
    let base = packages.join("tsconfig.base.json");
    let config = format!(
        "{{ \"extends\": {:?}, \"include\": [\"**/*.ts\"] }}\n",
        base.to_string_lossy()
    );
    std::fs::write(root.join("tsconfig.json"), config).expect("write tsconfig");
    let output = Command::new("node")
        .arg(typecheck_dir().join("node_modules/typescript/bin/tsc"))
        .args(["--noEmit", "-p"])
        .arg(root.join("tsconfig.json"))
        .output()
        .expect("node runs tsc");
    (
        output.status.success(),
        format!("{}{}", text(&output.stdout), text(&output.stderr)),
    )
}

/// Runs tsc on every .ts file below `root` against @pulumi/aws and aws-cdk-lib.
fn type_check(root: &Path) -> (bool, String) {
    type_check_against(root, &typecheck_dir())
}

/// Whether a fixture project is a CDK v1 app: its package.json depends on `@aws-cdk/core`.
fn is_cdk_v1_app(project: &Path) -> bool {
    std::fs::read_to_string(project.join("package.json")).is_ok_and(|manifest| manifest.contains("\"@aws-cdk/core\""))
}

/// Every fixture's expected project: `expected/`, or `input/` when the fix must change nothing.
fn expected_projects() -> Vec<PathBuf> {
    let mut projects = Vec::new();
    let mut folders = vec![fixtures()];
    while let Some(folder) = folders.pop() {
        if folder.join("input").is_dir() {
            let expected = folder.join("expected");
            projects.push(if expected.is_dir() {
                expected
            } else {
                folder.join("input")
            });
            continue;
        }
        for entry in std::fs::read_dir(&folder).expect("readable fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() && path.file_name().is_some_and(|name| name != "seed") {
                folders.push(path);
            }
        }
    }
    projects.sort();
    projects
}

/// Runs tsc on a project with a tsconfig.json of its own (import aliases, an ES module's
/// settings) under those settings, the pinned packages found as installed beside it.
fn type_check_with_own_config(project: &Path) -> (bool, String) {
    install(&typecheck_dir());
    let work = tempfile::tempdir().expect("temp dir");
    let root = work.path().join("project");
    copy_tree(project, &root);
    std::os::unix::fs::symlink(typecheck_dir().join("node_modules"), work.path().join("node_modules"))
        .expect("link the pinned packages");
    // The project's own settings, as tsc reads them there (its `paths` from its own folder); the
    // pinned packages are found in the linked node_modules, as an installed project finds them.
    let config = format!(
        "{{ \"extends\": \"./tsconfig.json\", \"compilerOptions\": {{ \"noEmit\": true, \"skipLibCheck\": true, \"types\": [\"node\"], \"typeRoots\": [{:?}] }}, \"include\": [\"**/*.ts\"] }}\n",
        typecheck_dir().join("node_modules/@types").to_string_lossy()
    );
    std::fs::write(root.join("tsconfig.check.json"), config).expect("write tsconfig");
    let output = Command::new("node")
        .arg(typecheck_dir().join("node_modules/typescript/bin/tsc"))
        .args(["--noEmit", "-p"])
        .arg(root.join("tsconfig.check.json"))
        .output()
        .expect("node runs tsc");
    (
        output.status.success(),
        format!("{}{}", text(&output.stdout), text(&output.stderr)),
    )
}

#[test]
fn expected_outputs_type_check() {
    let (own_configs, projects): (Vec<PathBuf>, Vec<PathBuf>) = expected_projects()
        .into_iter()
        // A CDK v1 app is checked against the v1 packages here, its own config or not; a program
        // written in JavaScript is checked as JavaScript below, whatever its tsconfig.json says.
        .partition(|project| {
            project.join("tsconfig.json").is_file()
                && !is_cdk_v1_app(project)
                && infrafix::frontends::typescript::javascript_program(project).is_none()
        });
    assert!(
        !own_configs.is_empty(),
        "no fixture with a tsconfig.json of its own found"
    );
    for project in &own_configs {
        let (passed, output) = type_check_with_own_config(project);
        assert!(passed, "tsc rejected {}:\n{output}", project.display());
    }
    let (v1_apps, projects): (Vec<PathBuf>, Vec<PathBuf>) =
        projects.into_iter().partition(|project| is_cdk_v1_app(project));
    assert!(projects.len() >= 20, "only {} fixture projects found", projects.len());
    assert!(!v1_apps.is_empty(), "no CDK v1 fixture found");
    for (projects, packages) in [(projects, typecheck_dir()), (v1_apps, cdk_v1_dir())] {
        let work = tempfile::tempdir().expect("temp dir");
        for (index, project) in projects.iter().enumerate() {
            copy_tree(project, &work.path().join(format!("case{index:03}")));
        }
        let (passed, output) = type_check_against(work.path(), &packages);
        let legend: Vec<String> = projects
            .iter()
            .enumerate()
            .map(|(i, p)| format!("case{i:03} = {}", p.display()))
            .collect();
        assert!(passed, "tsc rejected fixed fixtures:\n{output}\n{}", legend.join("\n"));
    }
}

/// The JavaScript sources of a fixture's expected project when it is a Pulumi program written in
/// JavaScript: every `.js`, `.mjs` and `.cjs` file but what tsc wrote (from a TypeScript source
/// beside it, or into its tsconfig's output), which infrafix does not read. (The function code of other projects is not a
/// program infrafix reads or writes.)
fn javascript_sources(project: &Path) -> Vec<PathBuf> {
    let Some(program) = infrafix::frontends::typescript::javascript_program(project) else {
        return Vec::new();
    };
    common::read_tree(project)
        .into_keys()
        .map(|relative| project.join(relative))
        .filter(|path| infrafix::frontends::typescript::is_javascript(path) && program.has_source(path))
        .collect()
}

/// Runs `node --check` on a file, and tsc with `--allowJs --checkJs` on every JavaScript file of
/// `project` against the pinned packages, each file's module kind as Node reads it (package.json's
/// `type`, `.mjs`, `.cjs`); returns what failed. Strict, but for parameters without a type, which
/// JavaScript cannot write but in JSDoc.
fn check_javascript(project: &Path, sources: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for source in sources {
        let output = Command::new("node")
            .arg("--check")
            .arg(source)
            .output()
            .expect("node runs");
        if !output.status.success() {
            failures.push(format!("node --check {}:\n{}", source.display(), text(&output.stderr)));
        }
    }
    install(&typecheck_dir());
    let work = tempfile::tempdir().expect("temp dir");
    let root = work.path().join("project");
    copy_tree(project, &root);
    std::os::unix::fs::symlink(typecheck_dir().join("node_modules"), work.path().join("node_modules"))
        .expect("link the pinned packages");
    let config = format!(
        "{{ \"compilerOptions\": {{ \"allowJs\": true, \"checkJs\": true, \"noEmit\": true, \"strict\": true, \"noImplicitAny\": false, \"skipLibCheck\": true, \"target\": \"es2022\", \"module\": \"nodenext\", \"moduleResolution\": \"nodenext\", \"types\": [\"node\"], \"typeRoots\": [{:?}] }}, \"include\": [\"**/*.js\", \"**/*.mjs\", \"**/*.cjs\"] }}\n",
        typecheck_dir().join("node_modules/@types").to_string_lossy()
    );
    std::fs::write(root.join("tsconfig.check.json"), config).expect("write tsconfig");
    let output = Command::new("node")
        .arg(typecheck_dir().join("node_modules/typescript/bin/tsc"))
        .args(["-p"])
        .arg(root.join("tsconfig.check.json"))
        .output()
        .expect("node runs tsc");
    if !output.status.success() {
        failures.push(format!(
            "tsc --allowJs --checkJs {}:\n{}{}",
            project.display(),
            text(&output.stdout),
            text(&output.stderr)
        ));
    }
    failures
}

/// A fix must write no TypeScript syntax into a program written in JavaScript (a type, `as`, `!`,
/// an `import` into a CommonJS module) and name only what @pulumi/aws has: every expected
/// JavaScript program runs through `node --check` and type-checks as JavaScript.
#[test]
fn expected_javascript_programs_are_valid_javascript() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for project in expected_projects() {
        let sources = javascript_sources(&project);
        if sources.is_empty() {
            continue;
        }
        checked += 1;
        failures.extend(check_javascript(&project, &sources));
    }
    assert!(checked >= 3, "only {checked} JavaScript fixture projects found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn javascript_checks_can_fail() {
    // A type error of the program, and TypeScript syntax in it: tsc reports the second alone
    // (its syntax errors stop its type checks), so each is checked in a folder of its own.
    let mistyped = tempfile::tempdir().expect("temp dir");
    let index = mistyped.path().join("index.js");
    let program = "const aws = require(\"@pulumi/aws\");\nconst queue = new aws.sqs.Queue(\"q\", { delaySeconds: true });\nexports.arn = queue.arn;\n";
    std::fs::write(&index, program).expect("write index.js");
    let failures = check_javascript(mistyped.path(), &[index]).join("\n");
    assert!(
        failures.contains("TS2322") && !failures.contains("node --check"),
        "{failures}"
    );
    let typescript = tempfile::tempdir().expect("temp dir");
    let typed = typescript.path().join("typed.js");
    std::fs::write(&typed, "const name: string = \"a\";\nexports.name = name!;\n").expect("write typed.js");
    let failures = check_javascript(typescript.path(), &[typed]).join("\n");
    assert!(
        failures.contains("node --check") && failures.contains("TS8010") && failures.contains("TS8013"),
        "{failures}"
    );
}

#[test]
fn type_check_can_fail() {
    let work = temp_copy(&typecheck_dir().join("must-fail"));
    let (passed, output) = type_check(work.path());
    assert!(!passed, "tsc accepted a program with type errors");
    assert!(
        output.contains("TS2322") && output.contains("TS2353"),
        "unexpected tsc output:\n{output}"
    );
}

#[test]
fn cdk_type_checks_can_fail() {
    // A constant only v2 has does not compile in a v1 app, and a prop no construct has does
    // not compile in a v2 one: the checks see what the CDK's own types allow.
    let cases = [
        (
            cdk_v1_dir(),
            "import * as lambda from \"@aws-cdk/aws-lambda\";\nexport const runtime = lambda.Runtime.PROVIDED_AL2023;\n",
            "TS2551",
        ),
        (
            typecheck_dir(),
            "import * as cdk from \"aws-cdk-lib\";\nimport * as lambda from \"aws-cdk-lib/aws-lambda\";\nconst stack = new cdk.Stack(new cdk.App(), \"S\");\nnew lambda.Function(stack, \"F\", { runtime: lambda.Runtime.GO_1_X, handler: \"main\", code: lambda.Code.fromInline(\"\"), throttleSettings: {} });\n",
            "TS2353",
        ),
    ];
    for (packages, program, error) in cases {
        let work = tempfile::tempdir().expect("temp dir");
        std::fs::write(work.path().join("app.ts"), program).expect("write program");
        let (passed, output) = type_check_against(work.path(), &packages);
        assert!(!passed && output.contains(error), "expected {error}:\n{output}");
    }
}

#[test]
fn a_v1_runtime_written_out_synthesizes_with_inline_code() {
    // tsc cannot see it: v1's Function throws at synth for inline code unless the runtime says it
    // supports it, which the form infrafix writes where v1 has no constant must then say.
    install(&cdk_v1_dir());
    let work = tempfile::tempdir().expect("temp dir");
    let fixed = infrafix_fix_of(
        work.path(),
        "import * as cdk from \"@aws-cdk/core\";\nimport * as lambda from \"@aws-cdk/aws-lambda\";\nconst app = new cdk.App();\nconst stack = new cdk.Stack(app, \"S\");\nnew lambda.Function(stack, \"F\", { runtime: lambda.Runtime.NODEJS_12_X, handler: \"index.handler\", code: lambda.Code.fromInline(\"exports.handler = async () => 1;\") });\napp.synth();\n",
    );
    assert!(fixed.contains("supportsInlineCode: true"), "{fixed}");
    // The fixed program is plain JavaScript but for its imports.
    let program = fixed
        .replace(
            "import * as cdk from \"@aws-cdk/core\";",
            "const cdk = require(\"@aws-cdk/core\");",
        )
        .replace(
            "import * as lambda from \"@aws-cdk/aws-lambda\";",
            "const lambda = require(\"@aws-cdk/aws-lambda\");",
        );
    std::fs::write(work.path().join("app.js"), program).expect("write app.js");
    let output = Command::new("node")
        .arg(work.path().join("app.js"))
        .env("NODE_PATH", cdk_v1_dir().join("node_modules"))
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "the fixed v1 app does not synthesize:\n{}",
        text(&output.stderr)
    );
}

/// The text `infrafix --write --unsafe-fixes` makes of `program`, as `app.ts` of a v1 CDK app in
/// `folder`.
fn infrafix_fix_of(folder: &Path, program: &str) -> String {
    std::fs::write(
        folder.join("package.json"),
        "{ \"dependencies\": { \"@aws-cdk/core\": \"1.204.0\", \"@aws-cdk/aws-lambda\": \"1.204.0\" } }\n",
    )
    .expect("write package.json");
    std::fs::write(folder.join("app.ts"), program).expect("write app.ts");
    let output = infrafix(folder, &["--write", "--unsafe-fixes", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    std::fs::read_to_string(folder.join("app.ts")).expect("read app.ts")
}

#[test]
fn seed_fixed_by_write_with_unsafe_fixes_type_checks() {
    let work = temp_copy(&fixtures().join("seed"));
    let (input_passes, input_output) = type_check(work.path());
    assert!(
        !input_passes && input_output.contains("TS2353"),
        "the seed should fail with TS2353:\n{input_output}"
    );
    std::fs::remove_file(work.path().join("tsconfig.json")).expect("remove tsconfig");
    let output = infrafix(work.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let (passed, tsc_output) = type_check(work.path());
    assert!(passed, "the fixed seed does not type-check:\n{tsc_output}");
}

/// The dense corpus as written, and again with every fix made: hundreds of fixes that meet in the
/// same files (imports added across modules, dependsOn lists, new policies and attachments).
#[test]
fn dense_benchmark_corpus_type_checks_before_and_after_its_fixes() {
    let work = tempfile::tempdir().expect("temp dir");
    let size = corpus::dense::generate(work.path(), 2, 20);
    assert_eq!(size.files, 40);
    let (passed, output) = type_check(work.path());
    assert!(passed, "tsc rejected the dense benchmark corpus:\n{output}");
    std::fs::remove_file(work.path().join("tsconfig.json")).expect("remove tsconfig");
    let before = common::read_tree(work.path());
    let fixed = infrafix(work.path(), &["--write", "--unsafe-fixes", "."]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    let changed = common::files_changed_since(&before, work.path());
    assert!(changed >= 30, "only {changed} files were fixed");
    let (passed, output) = type_check(work.path());
    assert!(passed, "tsc rejected the fixed dense benchmark corpus:\n{output}");
}
