//! Crash safety under --write: killed at any moment, every file is either as it was or fully
//! fixed, never partial; a temporary file a killed run leaves is clearly named and removed by the
//! next run. An interrupt (SIGINT) finishes the file in flight and stops cleanly.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{copy_tree, fixtures, infrafix, read_tree};

const PROJECTS: usize = 60;

/// A corpus of copies of the seed project, and the fixed index.ts every one of them should get.
fn corpus() -> (tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    for index in 0..PROJECTS {
        copy_tree(
            &fixtures().join("seed"),
            &dir.path().join(format!("project-{index:03}")),
        );
    }
    let original = std::fs::read(fixtures().join("seed/index.ts")).expect("seed");
    let single = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixtures().join("seed"), single.path());
    assert_eq!(infrafix(single.path(), &["--write", "."]).status.code(), Some(0));
    let fixed = std::fs::read(single.path().join("index.ts")).expect("fixed");
    assert_ne!(original, fixed);
    (dir, original, fixed)
}

fn temporary_files(root: &Path) -> Vec<PathBuf> {
    read_tree(root)
        .into_keys()
        .filter(|path| path.to_string_lossy().ends_with(".tmp"))
        .collect()
}

/// Every index.ts is the original or the fully fixed file; returns how many were fixed.
fn assert_whole(root: &Path, original: &[u8], fixed: &[u8]) -> usize {
    (0..PROJECTS)
        .filter(|index| {
            let content = std::fs::read(root.join(format!("project-{index:03}/index.ts"))).expect("read");
            assert!(
                content == original || content == fixed,
                "project-{index:03}/index.ts is partial"
            );
            content == fixed
        })
        .count()
}

fn spawn_write(root: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_infrafix"))
        .args(["--write", "-j", "2", "."])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

#[test]
fn sigkill_at_any_moment_leaves_every_file_whole() {
    let (corpus, original, fixed) = corpus();
    for delay in [5, 20, 60, 150, 400] {
        let work = tempfile::tempdir().expect("temp dir");
        copy_tree(corpus.path(), work.path());
        let mut child = spawn_write(work.path());
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        assert_whole(work.path(), &original, &fixed);
        let left = temporary_files(work.path());
        assert!(
            left.iter().all(|path| path.to_string_lossy().contains(".infrafix-")),
            "only clearly named temporaries: {left:?}"
        );
        // The next run removes them, and finishes the job.
        assert_eq!(infrafix(work.path(), &["--write", "."]).status.code(), Some(0));
        assert!(
            temporary_files(work.path()).is_empty(),
            "the next run removes what a killed run left"
        );
        assert_eq!(assert_whole(work.path(), &original, &fixed), PROJECTS);
    }
}

#[test]
fn sigint_finishes_the_file_in_flight_and_stops() {
    let (corpus, original, fixed) = corpus();
    let work = tempfile::tempdir().expect("temp dir");
    copy_tree(corpus.path(), work.path());
    let child = spawn_write(work.path());
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let output = child.wait_with_output().expect("ends");
    let fixed_count = assert_whole(work.path(), &original, &fixed);
    assert!(
        temporary_files(work.path()).is_empty(),
        "a clean stop leaves no temporary file"
    );
    match output.status.code() {
        Some(130) => assert!(fixed_count < PROJECTS, "interrupted: some projects were not written"),
        Some(0) => assert_eq!(fixed_count, PROJECTS, "finished before the interrupt"),
        other => panic!("unexpected exit {other:?}: {}", String::from_utf8_lossy(&output.stderr)),
    }
}
