//! Times the embedded catalog from a cold start, in a release build:
//! `cargo bench --bench catalog_load`. Each step runs once, so each number is a first-use
//! cost, which is what a compiler invocation pays. Prints the timings; asserts nothing.

use iamx::catalog::Catalog;
use std::time::Instant;

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    println!(
        "{label:<44} {:>9.3} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    value
}

fn main() {
    let catalog = time(
        "Catalog::get() cold (index prefixes, global keys)",
        Catalog::get,
    );
    let snapshot = catalog.snapshot();
    println!(
        "snapshot: {} {} ({})",
        snapshot.source, snapshot.version, snapshot.date
    );
    time("Catalog::get() again", Catalog::get);
    time("first action(\"s3:GetObject\")", || {
        catalog.action("s3:GetObject").is_some()
    });
    time("action(\"s3:PutObject\") (another)", || {
        catalog.action("s3:PutObject").is_some()
    });
    time("condition_key(\"aws:RequestTag/team\")", || {
        catalog.condition_key("aws:RequestTag/team").is_some()
    });
    time("action_supports_key(iam:CreateRole, ...)", || {
        catalog.action_supports_key("iam:CreateRole", "iam:PermissionsBoundary")
    });
    let services = time("count every service", || catalog.services().count());
    let actions = time("expand_actions(\"*\")", || {
        catalog.expand_actions("*").len()
    });
    time("suggest_action(\"s3:GetObjet\")", || {
        catalog.suggest_action("s3:GetObjet")
    });
    time("suggest_service(\"s4\")", || catalog.suggest_service("s4"));
    println!("{services} services, {actions} actions");
}
