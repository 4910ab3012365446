//! The root entries of a zip, read from its central directory (the list at its end), without
//! decompressing anything. Zip64, split archives and anything malformed are errors: what such a
//! zip holds stays unknown.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};

use super::Entry;

const END_SIGNATURE: u32 = 0x0605_4b50;
const ENTRY_SIGNATURE: u32 = 0x0201_4b50;
const END_RECORD_SIZE: usize = 22;
const ENTRY_HEADER_SIZE: usize = 46;
/// The end record may be followed by a comment of at most this many bytes.
const MAX_COMMENT: usize = 0xFFFF;
/// A central directory larger than this lists far more files than a Lambda package holds.
const MAX_DIRECTORY: usize = 4 * 1024 * 1024;
/// The zip was made on Unix, so the top half of an entry's external attributes is its mode.
const MADE_ON_UNIX: u8 = 3;

pub(super) fn root_entries(path: &Path) -> Result<Vec<Entry>> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    read_root_entries(&mut file).with_context(|| format!("reading the zip directory of {}", path.display()))
}

fn read_root_entries(file: &mut File) -> Result<Vec<Entry>> {
    let length = file.metadata()?.len();
    let tail_length = length.min((END_RECORD_SIZE + MAX_COMMENT) as u64);
    file.seek(SeekFrom::Start(length - tail_length))?;
    let mut tail = Vec::new();
    file.by_ref().take(tail_length).read_to_end(&mut tail)?;
    let end = (0..=tail.len().saturating_sub(END_RECORD_SIZE))
        .rev()
        .find(|&at| {
            u32_at(&tail, at) == Some(END_SIGNATURE)
                && u16_at(&tail, at + 20)
                    .is_some_and(|comment| at + END_RECORD_SIZE + usize::from(comment) == tail.len())
        })
        .context("no end of central directory record: not a zip")?;
    let field16 = |offset| u16_at(&tail, end + offset).context("truncated end record");
    let field32 = |offset| u32_at(&tail, end + offset).context("truncated end record");
    let (disk, directory_disk, entries) = (field16(4)?, field16(6)?, field16(10)?);
    let (size, offset) = (field32(12)?, field32(16)?);
    if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        bail!("a zip64 archive, which infrafix does not read");
    }
    ensure!(disk == 0 && directory_disk == 0, "a split archive");
    let size = usize::try_from(size)?;
    ensure!(
        size <= MAX_DIRECTORY,
        "its directory is larger than {MAX_DIRECTORY} bytes"
    );
    let end_offset = length - tail_length + end as u64;
    ensure!(
        u64::from(offset) + size as u64 <= end_offset,
        "its directory lies past its end"
    );
    file.seek(SeekFrom::Start(u64::from(offset)))?;
    let mut directory = vec![0; size];
    file.read_exact(&mut directory)?;
    let mut found = Vec::new();
    let mut at = 0;
    for _ in 0..entries {
        ensure!(
            u32_at(&directory, at) == Some(ENTRY_SIGNATURE),
            "entry at byte {at}: bad signature"
        );
        let field16 = |offset| u16_at(&directory, at + offset).context("truncated entry");
        let made_on = field16(4)? >> 8;
        let name_length = usize::from(field16(28)?);
        let skipped = usize::from(field16(30)?) + usize::from(field16(32)?);
        let attributes = u32_at(&directory, at + 38).context("truncated entry")?;
        let name_start = at + ENTRY_HEADER_SIZE;
        let name = directory
            .get(name_start..name_start + name_length)
            .context("truncated entry name")?;
        let name = String::from_utf8_lossy(name);
        let mode = attributes >> 16;
        let regular = mode & 0o170_000 == 0o100_000;
        if !name.contains('/') && !name.contains('\\') {
            found.push(Entry {
                name: name.into_owned(),
                executable: made_on == u16::from(MADE_ON_UNIX) && regular && mode & 0o111 != 0,
            });
        }
        at = name_start + name_length + skipped;
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A stored (uncompressed) zip of `(name, unix mode)` entries with empty contents, as Info-ZIP
    /// writes one on Unix; the modes go into the central directory only, as in any zip.
    pub(crate) fn zip_bytes(entries: &[(&str, u32)]) -> Vec<u8> {
        let mut local = Vec::new();
        let mut directory = Vec::new();
        for (name, mode) in entries {
            let offset = u32::try_from(local.len()).expect("small");
            let name_length = u16::try_from(name.len()).expect("short name");
            local.extend(0x0403_4b50u32.to_le_bytes());
            local.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            local.extend([0; 12]);
            local.extend(name_length.to_le_bytes());
            local.extend(0u16.to_le_bytes());
            local.extend(name.as_bytes());
            directory.extend(ENTRY_SIGNATURE.to_le_bytes());
            directory.extend([30, MADE_ON_UNIX, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend([0; 12]);
            directory.extend(name_length.to_le_bytes());
            directory.extend([0; 8]);
            directory.extend((mode << 16).to_le_bytes());
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let count = u16::try_from(entries.len()).expect("few entries");
        let mut bytes = local;
        let directory_offset = u32::try_from(bytes.len()).expect("small");
        let directory_size = u32::try_from(directory.len()).expect("small");
        bytes.extend(directory);
        bytes.extend(END_SIGNATURE.to_le_bytes());
        bytes.extend([0; 4]);
        bytes.extend(count.to_le_bytes());
        bytes.extend(count.to_le_bytes());
        bytes.extend(directory_size.to_le_bytes());
        bytes.extend(directory_offset.to_le_bytes());
        bytes.extend(0u16.to_le_bytes());
        bytes
    }

    fn entries_of(bytes: &[u8]) -> Result<Vec<Entry>> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("worker.zip");
        std::fs::write(&path, bytes).expect("write");
        root_entries(&path)
    }

    #[test]
    fn root_entries_with_their_executable_bits() {
        let bytes = zip_bytes(&[
            ("bootstrap", 0o100_755),
            ("config.json", 0o100_644),
            ("lib/", 0o040_755),
            ("lib/x.so", 0o100_755),
        ]);
        let entries = entries_of(&bytes).expect("a zip");
        assert_eq!(
            entries,
            vec![
                Entry {
                    name: "bootstrap".to_owned(),
                    executable: true
                },
                Entry {
                    name: "config.json".to_owned(),
                    executable: false
                },
            ]
        );
    }

    #[test]
    fn what_is_not_a_readable_zip_is_an_error() {
        assert!(entries_of(b"").is_err());
        assert!(entries_of(b"just some text, not a zip at all").is_err());
        let mut truncated = zip_bytes(&[("bootstrap", 0o100_755)]);
        let directory_start = truncated.len() - END_RECORD_SIZE - ENTRY_HEADER_SIZE - "bootstrap".len();
        truncated.drain(directory_start..directory_start + 10);
        assert!(entries_of(&truncated).is_err());
    }
}
