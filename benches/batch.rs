//! The batch benchmark: infrafix against the floor of any tree-sitter tool, parsing each file once.
//!
//! `cargo bench --bench batch` generates synthetic corpora of Pulumi repositories (deterministic),
//! then runs, alternating, three times each: the parse-only floor (the same walk, a tree-sitter
//! parse of every file, the same thread count and allocator), `infrafix --check`, and
//! `infrafix --patch-dir`.
//! It prints files/s, MB/s, each run's ratio to the floor and peak RSS, at 1× and 4× the corpus,
//! for three profiles: `dense` (nothing but infrastructure, findings in most files; 250 repositories
//! × 20 files), `mixed` (half application code, which infrafix skips; 200 × 25) and `terraform`
//! (Terraform root modules as dense as `dense`, with a local module; 250 × 20).
//!
//! Environment: `INFRAFIX_BENCH_PROFILES` (default `dense,mixed,terraform`), `INFRAFIX_BENCH_SCALES`
//! (default `1,4`; `1` for a quick run), `INFRAFIX_BENCH_REPOS` and `INFRAFIX_BENCH_FILES` (the 1×
//! size of every profile, instead of its own), `INFRAFIX_BENCH_JOBS` (threads; default all cores).
//! `-- --generate DIR [--profile dense|mixed|terraform]` only writes a 1× corpus (default mixed), for
//! profiling and type-checking.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

mod corpus;

const ROUNDS: usize = 3;

/// A corpus the benchmark measures: how it is written, and its size at 1×.
struct Profile {
    name: &'static str,
    generate: fn(&Path, usize, usize) -> corpus::Size,
    repositories: usize,
    files_per_repository: usize,
}

/// In the order they are reported.
const PROFILES: [Profile; 3] = [
    Profile {
        name: "dense",
        generate: corpus::dense::generate,
        repositories: 250,
        files_per_repository: 20,
    },
    Profile {
        name: "mixed",
        generate: corpus::mixed::generate,
        repositories: 200,
        files_per_repository: 25,
    },
    Profile {
        name: "terraform",
        generate: corpus::terraform::generate,
        repositories: 250,
        files_per_repository: 20,
    },
];

impl Profile {
    fn named(name: &str) -> &'static Profile {
        PROFILES
            .iter()
            .find(|profile| profile.name == name)
            .unwrap_or_else(|| panic!("no profile {name:?}; there are dense, mixed and terraform"))
    }

    /// The 1× size, unless the environment sets it for every profile.
    fn size(&self) -> (usize, usize) {
        (
            environment_number("INFRAFIX_BENCH_REPOS", self.repositories),
            environment_number("INFRAFIX_BENCH_FILES", self.files_per_repository),
        )
    }
}

/// The floor allocates as the binary does, so that its ratios measure infrafix's work, not its
/// allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    if let Some(position) = arguments.iter().position(|argument| argument == "--floor") {
        // SAFETY: no parser or tree exists yet, and no other thread runs.
        unsafe { infrafix::allocation::route_tree_sitter_to_mimalloc() };
        let folder = PathBuf::from(&arguments[position + 1]);
        let jobs: usize = arguments[position + 2].parse().expect("thread count");
        parse_only(&folder, jobs);
        return;
    }
    let value_after = |flag: &str| {
        let position = arguments.iter().position(|argument| argument == flag)?;
        Some(
            arguments
                .get(position + 1)
                .unwrap_or_else(|| panic!("{flag} needs a value")),
        )
    };
    if let Some(folder) = value_after("--generate") {
        let profile = Profile::named(value_after("--profile").map_or("mixed", String::as_str));
        let (repositories, files) = profile.size();
        let size = (profile.generate)(Path::new(folder), repositories, files);
        println!("{} files, {} bytes", size.files, size.bytes);
        return;
    }
    let jobs = environment_number(
        "INFRAFIX_BENCH_JOBS",
        std::thread::available_parallelism().map_or(2, |n| n.get()),
    );
    let scales: Vec<usize> = environment_list("INFRAFIX_BENCH_SCALES", "1,4")
        .iter()
        .map(|scale| scale.parse().expect("INFRAFIX_BENCH_SCALES lists whole numbers"))
        .collect();
    println!(
        "machine: {} cores; {jobs} threads; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        machine()
    );
    for name in environment_list("INFRAFIX_BENCH_PROFILES", "dense,mixed,terraform") {
        report(Profile::named(&name), &scales, jobs);
    }
}

/// Measures one profile at each scale and prints its table.
fn report(profile: &Profile, scales: &[usize], jobs: usize) {
    let (repositories, files) = profile.size();
    let mut previous: Option<(usize, Duration)> = None;
    for &scale in scales {
        let folder = tempfile::tempdir().expect("temp dir");
        let corpus::Size { files: count, bytes } = (profile.generate)(folder.path(), repositories * scale, files);
        println!(
            "\n{} corpus {scale}×: {} repositories × {files} files = {count} files, {:.1} MB",
            profile.name,
            repositories * scale,
            bytes as f64 / 1e6
        );
        let results = measure(folder.path(), jobs);
        let floor = results[0].1;
        println!(
            "{:<22} {:>9} {:>10} {:>8} {:>9} {:>11}",
            "run", "seconds", "files/s", "MB/s", "× floor", "peak RSS"
        );
        for (name, time, rss) in &results {
            let seconds = time.as_secs_f64();
            println!(
                "{name:<22} {seconds:>9.3} {:>10.0} {:>8.1} {:>9.2} {:>8.1} MB",
                count as f64 / seconds,
                bytes as f64 / 1e6 / seconds,
                seconds / floor.as_secs_f64(),
                *rss as f64 / 1024.0
            );
        }
        let check = results[1].1;
        if let Some((previous_count, previous_check)) = previous {
            println!(
                "growth: {:.2}× the files cost {:.2}× the time of --check",
                count as f64 / previous_count as f64,
                check.as_secs_f64() / previous_check.as_secs_f64()
            );
        }
        previous = Some((count, check));
    }
}

fn environment_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

fn environment_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .map(|line| line.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned());
    format!("{cpu}, {}", std::env::consts::ARCH)
}

/// Median wall time and peak RSS (KiB) of each run, the floor first, rounds alternating.
fn measure(corpus: &Path, jobs: usize) -> Vec<(&'static str, Duration, i64)> {
    let infrafix = env!("CARGO_BIN_EXE_infrafix");
    let floor = std::env::current_exe().expect("own path");
    let patches = corpus.join("patches");
    let jobs_text = jobs.to_string();
    let corpus_text = corpus.join("repos").to_string_lossy().into_owned();
    let runs: Vec<(&'static str, Vec<String>, PathBuf)> = vec![
        (
            "parse-only floor",
            vec!["--floor".into(), corpus_text.clone(), jobs_text.clone()],
            floor,
        ),
        (
            "infrafix --check",
            vec!["--check".into(), "-j".into(), jobs_text.clone(), corpus_text.clone()],
            infrafix.into(),
        ),
        (
            "infrafix --patch-dir",
            vec![
                "--patch-dir".into(),
                patches.to_string_lossy().into_owned(),
                "-j".into(),
                jobs_text,
                corpus_text,
            ],
            infrafix.into(),
        ),
    ];
    let mut samples: Vec<Vec<(Duration, i64)>> = vec![Vec::new(); runs.len()];
    for _ in 0..ROUNDS {
        for (index, (_, arguments, program)) in runs.iter().enumerate() {
            samples[index].push(timed(program, arguments));
        }
    }
    runs.iter()
        .zip(samples)
        .map(|((name, _, _), mut samples)| {
            samples.sort();
            let rss = samples.iter().map(|(_, rss)| *rss).max().unwrap_or(0);
            (*name, samples[samples.len() / 2].0, rss)
        })
        .collect()
}

/// Runs a program to its end; its wall time and peak resident set (KiB, from wait4).
// The child is reaped by wait4, which also reports its peak memory; `Child::wait` would not.
#[allow(clippy::zombie_processes)]
fn timed(program: &Path, arguments: &[String]) -> (Duration, i64) {
    let start = Instant::now();
    let child = Command::new(program)
        .args(arguments)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's, not yet reaped; status and usage point to live locals.
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(reaped > 0, "wait4 failed");
    (start.elapsed(), usage.ru_maxrss)
}

/// The floor: the walk infrafix does, and one tree-sitter parse of every file, on `jobs` threads.
fn parse_only(folder: &Path, jobs: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("threads");
    let workspace = infrafix::workspace::discover(&[folder.to_path_buf()]).expect("walks");
    let parsed: usize = pool.install(|| {
        workspace
            .projects
            .par_iter()
            .map(|project| {
                project
                    .files
                    .iter()
                    .filter_map(|path| {
                        let text = std::fs::read_to_string(path).ok()?;
                        let dialect = infrafix::syntax::Dialect::of_path(path)?;
                        infrafix::syntax::parse(&text, dialect)
                            .ok()
                            .map(|tree| tree.root_node().child_count())
                    })
                    .count()
            })
            .sum()
    });
    assert!(parsed > 0);
}
