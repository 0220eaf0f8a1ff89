//! Property tests: whatever the input, the compiler returns diagnostics or output, never panics,
//! and a successful compile is deterministic.

use iamx::compile::{compile, Input, Options};
use proptest::prelude::*;

/// Fragments of the language, so that random programs reach deep into the parser and resolver
/// instead of failing on the first character.
const TOKENS: &[&str] = &[
    "account \"123456789012\"",
    "let",
    "x",
    "=",
    "\"v\"",
    "\"${x}\"",
    "\"${aws:username}\"",
    "[",
    "]",
    ",",
    "import",
    "s3",
    "ec2",
    "template",
    "t",
    "(",
    ")",
    "{",
    "}",
    "boundary",
    "policy",
    "role",
    "user",
    "group",
    "delegate",
    "env",
    "allow",
    "deny",
    "except",
    "s3:GetObject",
    "s3:{Get*, Put*}",
    "*",
    "on",
    "arn:aws:s3:::b/*",
    "arn:${partition}:s3:::${x}",
    "when",
    "aws:SourceIp",
    "in",
    "10.0.0.0/8",
    "==",
    "!=",
    "<",
    "like",
    "not",
    "exists",
    "if",
    "any",
    "all",
    "and",
    "true",
    "42",
    "2027-01-01",
    "trust",
    "service",
    "ec2.amazonaws.com",
    "account",
    "aws",
    "federated",
    "anyone",
    "actions",
    "use",
    "s3.read_only(x)",
    "t()",
    "path",
    "\"/p/\"",
    "instance_profile",
    "max_session",
    "2h",
    "tag",
    "attach",
    "groups",
    "to",
    "prefix",
    "\"service-\"",
    "pass_to",
    "create_users",
    "Sid:",
    "// c\n",
    "/* c */",
    "\n",
    " ",
    "StringLike(aws:x, \"a\")",
];

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(text in program()) {
        let inputs = vec![Input { name: "soup.iamx".into(), bytes: text.into_bytes() }];
        let first = compile(inputs.clone(), &Options::default());
        let rendered = iamx::diagnostics::render(&first.diagnostics, &first.sources, false);
        let json = iamx::diagnostics::to_json(&first.diagnostics, &first.sources);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        if let Some(compiled) = &first.compiled {
            let again = compile(inputs, &Options::default());
            prop_assert_eq!(iamx::emit::emit(compiled), iamx::emit::emit(again.compiled.as_ref().unwrap()));
        } else {
            prop_assert!(rendered.contains("error["));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let result = compile(vec![Input { name: "bytes.iamx".into(), bytes }], &Options::default());
        let _ = iamx::diagnostics::render(&result.diagnostics, &result.sources, false);
    }
}
