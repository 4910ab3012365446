//! Feeds arbitrary bytes, and mutations of the fixtures, through the whole pipeline (parse, model,
//! every rule, fixes to a fixpoint, re-parse) and checks infrafix's promises on each input
//! (`infrafix::promises`); libFuzzer itself catches panics and, with -timeout, hangs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Inputs that declare a Terraform resource are read as a `.tf` file; those that name an AWS
    // resource type as a template, JSON when they open with a brace, else YAML; the others as
    // TypeScript, given a Pulumi import when they lack one, without which nothing is parsed.
    if data.windows(10).any(|window| window == b"resource \"") {
        if let Err(broken) = infrafix::promises::check(data, infrafix::syntax::Dialect::Hcl) {
            panic!("{broken}");
        }
        return;
    }
    if data.windows(5).any(|window| window == b"AWS::") {
        let dialect = match data.iter().find(|byte| !byte.is_ascii_whitespace()) {
            Some(b'{') => infrafix::syntax::Dialect::Json,
            _ => infrafix::syntax::Dialect::Yaml,
        };
        if let Err(broken) = infrafix::promises::check(data, dialect) {
            panic!("{broken}");
        }
        return;
    }
    let mut source = data.to_vec();
    if !data.windows(8).any(|window| window == b"@pulumi/") {
        source.splice(0..0, b"import * as aws from \"@pulumi/aws\";\n".iter().copied());
    }
    if let Err(broken) = infrafix::promises::check(&source, infrafix::syntax::Dialect::TypeScript) {
        panic!("{broken}");
    }
});
