//! The synthetic corpora the benchmark runs on: Pulumi or Terraform repositories written to a folder,
//! deterministically, so that every run and every machine measures the same files.

pub mod dense;
pub mod mixed;
pub mod terraform;

use std::path::{Path, PathBuf};

/// A small deterministic random source (xorshift), so every run sees the same corpus.
pub struct Random(pub u64);

impl Random {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// How many source files a corpus holds, and their bytes: what files/s and MB/s are of.
#[derive(Debug, Default, Clone, Copy)]
pub struct Size {
    pub files: usize,
    pub bytes: u64,
}

/// One generated repository: a git checkout whose `infra` folder is a Pulumi project.
pub struct Repository {
    folder: PathBuf,
    size: Size,
}

impl Repository {
    /// Writes what infrafix groups a project by: a `.git` folder with a `.gitignore` at the root,
    /// and `Pulumi.yaml` beside a `package.json` naming the Pulumi packages in `infra`.
    pub fn create(root: &Path, prefix: &str, number: usize) -> Repository {
        let repository = Repository::checkout(root, prefix, number, "dist/\nnode_modules/\n");
        repository.other(
            "infra/Pulumi.yaml",
            &format!("name: {prefix}-{number}\nruntime: nodejs\n"),
        );
        repository.other(
            "infra/package.json",
            "{\"dependencies\": {\"@pulumi/aws\": \"^7\", \"@pulumi/pulumi\": \"^3\"}}\n",
        );
        repository
    }

    /// Writes a git checkout whose `infra` folder will hold a Terraform root module.
    pub fn create_terraform(root: &Path, prefix: &str, number: usize) -> Repository {
        Repository::checkout(root, prefix, number, ".terraform/\n")
    }

    /// An empty git checkout: a `.git` folder and a `.gitignore`.
    fn checkout(root: &Path, prefix: &str, number: usize, ignored: &str) -> Repository {
        let repository = Repository {
            folder: root.join("repos").join(format!("{prefix}-{number:04}")),
            size: Size::default(),
        };
        std::fs::create_dir_all(repository.folder.join(".git")).expect("mkdir");
        repository.other(".gitignore", ignored);
        repository
    }

    /// A source file infrafix must read: it counts in the corpus size.
    pub fn source(&mut self, path: &str, text: &str) {
        self.size.files += 1;
        self.size.bytes += text.len() as u64;
        self.other(path, text);
    }

    /// A file that is not counted: project markers, and what infrafix must skip unread.
    pub fn other(&self, path: &str, text: &str) {
        let path = self.folder.join(path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub fn size(&self) -> Size {
        self.size
    }
}

impl std::ops::AddAssign for Size {
    fn add_assign(&mut self, other: Size) {
        self.files += other.files;
        self.bytes += other.bytes;
    }
}
