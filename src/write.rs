//! Writing fixed files: atomically, once, keeping permissions, and never over a file that
//! changed since it was read or that has no write permission bits.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};

/// Replaces `path`'s content with `content`, if it still holds `expected`.
pub fn write_atomically(path: &Path, expected: &[u8], content: &[u8]) -> Result<()> {
    let metadata = fs::symlink_metadata(path).with_context(|| format!("reading the metadata of {}", path.display()))?;
    if metadata.file_type().is_symlink() {
        bail!("is a symlink; not written");
    }
    let permissions = metadata.permissions();
    // Root may write anything; a file marked read-only is still meant to stay as it is.
    if permissions.mode() & 0o222 == 0 {
        bail!("has no write permission bits; not written");
    }
    let current = fs::read(path).with_context(|| format!("reading {} again before writing", path.display()))?;
    if current != expected {
        bail!("changed on disk since infrafix read it; not written");
    }
    let temporary = temporary_path(path);
    let written = write_temporary(&temporary, content, permissions);
    let renamed = written
        .and_then(|()| fs::rename(&temporary, path).with_context(|| format!("renaming over {}", path.display())));
    if renamed.is_err() {
        // Best effort: the error that matters is the one returned.
        let _ = fs::remove_file(&temporary);
    }
    renamed
}

fn write_temporary(temporary: &Path, content: &[u8], permissions: fs::Permissions) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temporary)
        .with_context(|| format!("creating {}", temporary.display()))?;
    file.write_all(content)
        .with_context(|| format!("writing {}", temporary.display()))?;
    file.set_permissions(permissions)
        .with_context(|| format!("setting permissions of {}", temporary.display()))?;
    file.sync_all()
        .with_context(|| format!("syncing {}", temporary.display()))
}

/// A name in the same folder (so the rename is atomic), unique per process and write, and plain
/// about what it is: `index.ts.infrafix-<pid>-<n>.tmp`. A run killed between writing and renaming
/// leaves it behind; the next run removes it (see [`is_stale_temporary`]).
fn temporary_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!("{name}{TEMPORARY_MARK}{}-{unique}.tmp", std::process::id()))
}

const TEMPORARY_MARK: &str = ".infrafix-";

/// Whether a file is a temporary file of an infrafix run that no longer exists (killed before it
/// could rename or remove it). A temporary file of a run still going is not stale.
pub fn is_stale_temporary(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    let Some(rest) = name
        .strip_suffix(".tmp")
        .and_then(|rest| rest.rsplit_once(TEMPORARY_MARK))
        .map(|(_, rest)| rest)
    else {
        return false;
    };
    let Some((pid, unique)) = rest.split_once('-') else {
        return false;
    };
    if pid.parse::<u32>().is_err() || unique.parse::<usize>().is_err() {
        return false;
    }
    !Path::new("/proc").join(pid).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_keeps_permissions() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.ts");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomically(&path, b"old", b"new").expect("written");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(fs::metadata(&path).expect("stat").permissions().mode() & 0o777, 0o640);
        assert_eq!(
            fs::read_dir(dir.path()).expect("list").count(),
            1,
            "no temporary file left behind"
        );
    }

    #[test]
    fn temporary_files_of_dead_runs_are_stale() {
        let own = temporary_path(Path::new("/p/index.ts"));
        assert!(!is_stale_temporary(&own), "this process is alive: {}", own.display());
        assert!(is_stale_temporary(Path::new("/p/index.ts.infrafix-4294967-0.tmp")));
        assert!(!is_stale_temporary(Path::new("/p/index.ts")));
        assert!(!is_stale_temporary(Path::new("/p/notes.infrafix-draft.tmp")));
    }

    #[test]
    fn refuses_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.ts");
        fs::write(&path, "edited by someone else").expect("write");
        assert!(write_atomically(&path, b"old", b"new").is_err());
        assert_eq!(fs::read_to_string(&path).expect("read"), "edited by someone else");
    }

    #[test]
    fn refuses_a_file_without_write_bits_even_as_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.ts");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("chmod");
        let error = write_atomically(&path, b"old", b"new").expect_err("refused");
        assert!(error.to_string().contains("write permission"));
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
    }
}
