//! `--patch-dir`: one patch per repository, with paths relative to the repository's root, that
//! `git apply` takes inside it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{unified_diff, FileChange, FileOutcome, RunReport};
use crate::workspace::{display_path, repository_of};

/// Writes `<repository>.patch` for every repository with fixes; returns the files written. Each
/// patch is made and written in turn, so a run over many repositories holds one patch at a time.
pub fn write_patches(report: &RunReport, folder: &Path) -> Result<Vec<PathBuf>> {
    let mut by_repository: BTreeMap<Option<PathBuf>, Vec<(&FileOutcome, &FileChange)>> = BTreeMap::new();
    for file in &report.files {
        if let Some(change) = &file.change {
            let root = repository_of(file.file.parent().unwrap_or(&file.file));
            by_repository.entry(root).or_default().push((file, change));
        }
    }
    if by_repository.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let mut taken = HashSet::new();
    let mut written = Vec::new();
    for (root, files) in by_repository {
        let base = root.as_deref().and_then(Path::file_name).map_or_else(
            || "outside-any-repository".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        // Repositories with the same folder name (org-a/api, org-b/api) get api.patch, api-2.patch.
        let name = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|name| taken.insert(name.clone()))
            .unwrap_or(base);
        let path = folder.join(format!("{name}.patch"));
        // git apply skips text before the first diff: the line says where the patch belongs.
        let belongs_to = root.as_deref().map_or_else(|| ".".to_owned(), display_path);
        let mut patch = format!("# infrafix: patch for {belongs_to}\n");
        for (file, change) in files {
            patch.push_str(&unified_diff(&relative_to(root.as_deref(), file), &change.hunks));
        }
        std::fs::write(&path, patch).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// A file's path in its repository's patch: from the repository's root, with `/` between folders.
fn relative_to(root: Option<&Path>, file: &FileOutcome) -> String {
    match root {
        Some(root) => file
            .file
            .strip_prefix(root)
            .unwrap_or(&file.file)
            .to_string_lossy()
            .replace('\\', "/"),
        None => file.path.clone(),
    }
}
