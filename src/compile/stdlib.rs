//! The standard library of templates, embedded in the binary so a build never reads outside the
//! project. In: a module name from `import NAME`. Out: the module's source text, parsed by the
//! resolver like any other file and shown in diagnostics as `std-lib/NAME.iamx`.

/// Every std-lib module: (name, source).
pub const MODULES: &[(&str, &str)] = &[
    ("ec2", include_str!("../../std-lib/ec2.iamx")),
    ("ecr", include_str!("../../std-lib/ecr.iamx")),
    ("github", include_str!("../../std-lib/github.iamx")),
    ("lambda", include_str!("../../std-lib/lambda.iamx")),
    ("logs", include_str!("../../std-lib/logs.iamx")),
    ("s3", include_str!("../../std-lib/s3.iamx")),
];

/// The source of a std-lib module.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module, _)| *module == name)
        .map(|(_, text)| *text)
}

/// The name a module's file has in diagnostics.
pub fn file_name(module: &str) -> String {
    format!("std-lib/{module}.iamx")
}
