//! The AWS CDK's asset bundling (`Code.fromAsset(path, { bundling: { command } })`): a command the
//! program writes out, run in a container that mounts the asset's folder at `/asset-input` and
//! deploys what the command writes to `/asset-output`. The command is read the way build scripts
//! are, far enough to see which files it writes at the root of the package.

use std::path::Path;

use super::shell::Shell;

/// Where the bundling container mounts the asset's folder, and runs the command.
const ASSET_INPUT: &str = "/asset-input";
/// The folder whose contents the CDK deploys as the package.
const ASSET_OUTPUT: &str = "/asset-output";

/// A file a bundling command writes at the root of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledFile {
    /// The name of the file at the package's root.
    pub entry: String,
    /// The path as the command writes it (`/asset-output/main`).
    pub written: String,
    /// The command, as written.
    pub command: String,
}

/// The files the shell text `script` writes at the root of the package, in the order it runs.
pub fn bundled_files(script: &str) -> Vec<BundledFile> {
    let input = Path::new(ASSET_INPUT);
    let mut shell = Shell::new(input, vec![input.to_path_buf()]);
    let mut written = Vec::new();
    // A line break ends a command, as `;` does.
    for line in script.lines() {
        shell.run(line, &mut written);
    }
    written
        .into_iter()
        .filter(|file| file.target == Path::new(ASSET_OUTPUT))
        .map(|file| BundledFile {
            entry: file.entry,
            written: file.written,
            command: file.command,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(script: &str) -> Vec<String> {
        bundled_files(script).into_iter().map(|file| file.entry).collect()
    }

    #[test]
    fn binaries_built_into_the_asset_output_are_its_root_files() {
        assert_eq!(
            entries("mkdir -p /tmp/go-cache && cd /asset-input && GOOS=linux go build -o /asset-output/main main.go"),
            vec!["main"]
        );
        assert_eq!(
            entries("cd cmd/api\nGOARCH=arm64 go build -tags lambda.norpc -o /asset-output/bootstrap ."),
            vec!["bootstrap"]
        );
    }

    #[test]
    fn binaries_built_elsewhere_or_through_variables_are_not() {
        assert!(entries("go build -o bootstrap . && cp bootstrap /asset-output/").is_empty());
        assert!(entries("go build -o /asset-output/bin/bootstrap .").is_empty());
        assert!(entries("go build -o $OUT/bootstrap .").is_empty());
    }
}
