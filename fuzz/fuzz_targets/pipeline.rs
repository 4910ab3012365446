//! Feeds arbitrary bytes, and mutations of the fixtures, through the whole pipeline (parse, model,
//! every rule, fixes to a fixpoint, re-parse) and checks infrafix's promises on each input
//! (`infrafix::promises`); libFuzzer itself catches panics and, with -timeout, hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Without a Pulumi import nothing is parsed: give every input one, so the model always runs.
    let mut source = data.to_vec();
    if !data.windows(8).any(|window| window == b"@pulumi/") {
        source.splice(0..0, b"import * as aws from \"@pulumi/aws\";\n".iter().copied());
    }
    if let Err(broken) = infrafix::promises::check(&source) {
        panic!("{broken}");
    }
});
