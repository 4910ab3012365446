//! Every input the fuzzer (fuzz/run.sh) found breaking a promise, replayed: each must now keep them
//! all. Add a crash input to tests/fuzz-regressions/ with a name that says what it exposed, and the
//! extension of the language it was read as (`.ts`, `.tf`).

mod common;

use common::repo_root;

#[test]
fn every_fuzz_finding_keeps_the_promises() {
    let folder = repo_root().join("tests/fuzz-regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&folder)
        .expect("regressions folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|input| {
            let source = std::fs::read(input).expect("read");
            let dialect = infrafix::syntax::Dialect::of_path(input).expect("a .ts or .tf input");
            infrafix::promises::check(&source, dialect)
                .err()
                .map(|broken| format!("{}: {broken}", input.display()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
