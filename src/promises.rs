//! The promises infrafix keeps on any input, as a check the fuzz target (fuzz/) and the regression
//! tests of its findings (tests/fuzz_regressions.rs) both run: no fix is dropped as broken (edits
//! outside the file, a result that parses worse), the output never has more syntax errors than the
//! input, and a second pass changes nothing. (No panic and no hang are the caller's to see.)

use std::path::PathBuf;

use crate::pipeline::{run_source, Mode, RunOptions};
use crate::syntax::{error_count, parse, Dialect};

/// Where checked inputs pretend to live: no infrafix.toml there, so the defaults apply.
const FOLDER: &str = "/infrafix-promises";

/// Runs the whole pipeline (every rule, unsafe fixes included) on `source`, read as a file of
/// `dialect`, twice; `Err` says which promise broke.
pub fn check(source: &[u8], dialect: Dialect) -> Result<(), String> {
    let path = PathBuf::from(FOLDER).join(match dialect {
        Dialect::TypeScript => "index.ts",
        Dialect::Tsx => "index.tsx",
        Dialect::JavaScript => "index.js",
        Dialect::Hcl => "main.tf",
        Dialect::Yaml => "template.yaml",
        Dialect::Json => "template.json",
    });
    let (first, notices) = fixed(source, &path)?;
    if let Some(broken) = notices.iter().find(|notice| notice.contains("internal error")) {
        return Err(format!("a fix was broken: {broken}"));
    }
    if let (Some(before), Some(after)) = (syntax_errors(source, dialect), syntax_errors(&first, dialect)) {
        if after > before {
            return Err(format!("fixes added syntax errors: {before} before, {after} after"));
        }
    }
    let (second, _) = fixed(&first, &path)?;
    if second != first {
        return Err("a second pass changed the output".to_owned());
    }
    Ok(())
}

/// The text after one dry run, and the run's notices.
fn fixed(source: &[u8], path: &std::path::Path) -> Result<(Vec<u8>, Vec<String>), String> {
    let options = RunOptions {
        paths: Vec::new(),
        mode: Mode::Buffer,
        unsafe_fixes: true,
        config: None,
        select: None,
        ignore: Vec::new(),
        jobs: Some(1),
        report_edits: false,
        report_diffs: false,
    };
    let report = run_source(path.to_path_buf(), source.to_vec(), &options).map_err(|error| format!("{error:#}"))?;
    let notices = report.notices.iter().map(ToString::to_string).collect();
    let text = report
        .files
        .first()
        .and_then(|file| file.change.as_ref())
        .and_then(|change| change.fixed.clone())
        .map(String::into_bytes);
    Ok((text.unwrap_or_else(|| source.to_vec()), notices))
}

fn syntax_errors(source: &[u8], dialect: Dialect) -> Option<usize> {
    let text = std::str::from_utf8(source).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    Some(error_count(&parse(text, dialect).ok()?, text))
}
