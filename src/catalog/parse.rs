//! Parsing of the two embedded files: the generated snapshot (`aws-catalog.txt`, format in
//! `scripts/update-catalog.py`) and the hand-maintained `global-condition-keys.tsv`.
//!
//! Everything borrows from the `&'static str` the files are embedded as, so a parsed service
//! costs only its `Vec`s. Both files are fixed at compile time and the tests parse all of them,
//! so malformed input is a build-time bug and panics with the offending line.

use super::matching::cmp_ignore_case;
use super::types::ServiceIndices;
use super::{
    AccessLevel, Action, ActionResource, ArnShape, ConditionKey, KeyScope, KeyType, ResourceType,
    Service, Snapshot,
};

/// One service block of the snapshot, not yet parsed.
pub(crate) struct ServiceBlock {
    pub prefix: &'static str,
    pub name: &'static str,
    /// The block's K, R and A lines.
    pub body: &'static str,
}

/// Reads the header and cuts the snapshot into service blocks without looking inside them:
/// a scan for line starts, which is all that [`super::Catalog::get`] pays up front.
pub(crate) fn split_snapshot(text: &'static str) -> (Snapshot, Vec<ServiceBlock>) {
    let first = text.find("\nS\t").map_or(text.len(), |i| i + 1);
    let mut snapshot = Snapshot {
        source: "",
        version: "",
        date: "",
    };
    for line in text[..first].lines() {
        match line.split_once('\t') {
            Some(("@source", value)) => {
                let (source, version) = value.split_once(' ').unwrap_or((value, ""));
                snapshot.source = source;
                snapshot.version = version;
            }
            Some(("@date", value)) => snapshot.date = value,
            _ => {}
        }
    }
    assert!(
        !snapshot.source.is_empty(),
        "catalog snapshot has no @source line"
    );

    let mut blocks = Vec::new();
    let mut rest = &text[first..];
    while !rest.is_empty() {
        let end = rest.find("\nS\t").map_or(rest.len(), |i| i + 1);
        let (block, tail) = rest.split_at(end);
        let (head, body) = block.split_once('\n').unwrap_or((block, ""));
        let mut fields = head.split('\t');
        let (Some("S"), Some(prefix), Some(name)) = (fields.next(), fields.next(), fields.next())
        else {
            panic!("catalog snapshot: bad service line {head:?}");
        };
        blocks.push(ServiceBlock { prefix, name, body });
        rest = tail;
    }
    blocks.sort_by(|a, b| cmp_ignore_case(a.prefix, b.prefix));
    (snapshot, blocks)
}

/// Parses one service block into its actions, resource types and condition keys.
pub(crate) fn parse_service(block: &ServiceBlock) -> Service {
    let mut service = Service {
        prefix: block.prefix,
        name: block.name,
        actions: Vec::new(),
        resource_types: Vec::new(),
        condition_keys: Vec::new(),
        indices: ServiceIndices::default(),
    };
    for line in block.body.lines() {
        let mut fields = line.split('\t');
        let kind = fields.next();
        let mut next = || {
            fields
                .next()
                .unwrap_or_else(|| panic!("catalog snapshot: short line {line:?}"))
        };
        match kind {
            Some("K") => {
                let name = next();
                let type_name = next();
                let (multivalued, base) = match type_name.strip_prefix("ArrayOf") {
                    Some(base) => (true, base),
                    None => (false, type_name),
                };
                service.condition_keys.push(ConditionKey {
                    name,
                    key_type: key_type(base, line),
                    also_type: None,
                    multivalued,
                    scope: KeyScope::Service,
                });
            }
            Some("R") => {
                let name = next();
                let arn_formats: Vec<&'static str> = words(next());
                let arn_shapes = arn_formats.iter().map(|f| ArnShape::of(f)).collect();
                let condition_keys = words(next());
                service.resource_types.push(ResourceType {
                    name,
                    arn_formats,
                    arn_shapes,
                    condition_keys,
                });
            }
            Some("A") => {
                let name = next();
                let access_level = access_level(next(), line);
                let condition_keys = words(next());
                let resources = fields.map(action_resource).collect();
                service.actions.push(Action {
                    service: block.prefix,
                    name,
                    access_level,
                    resources,
                    condition_keys,
                });
            }
            _ => panic!(
                "catalog snapshot: unknown line {line:?} in service {}",
                block.prefix
            ),
        }
    }
    // The generator sorts already; sorting again keeps lookups right even if it ever stops.
    service
        .actions
        .sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    service
        .resource_types
        .sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    service
        .condition_keys
        .sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    service.indices = ServiceIndices::of(&service);
    let types = &service.resource_types;
    for action in &mut service.actions {
        for resource in &mut action.resources {
            resource.type_index =
                (service.indices.resource_types).find(resource.resource_type, |i| types[i].name);
        }
    }
    service
}

/// `name`, `name*` (required) or either followed by `=key key ...`.
fn action_resource(field: &'static str) -> ActionResource {
    let (head, keys) = field.split_once('=').unwrap_or((field, ""));
    let resource_type = head.strip_suffix('*').unwrap_or(head);
    ActionResource {
        resource_type,
        type_index: None,
        required: resource_type.len() != head.len(),
        condition_keys: words(keys),
    }
}

fn words(field: &'static str) -> Vec<&'static str> {
    field.split(' ').filter(|w| !w.is_empty()).collect()
}

fn access_level(code: &str, line: &str) -> AccessLevel {
    match code {
        "L" => AccessLevel::List,
        "R" => AccessLevel::Read,
        "W" => AccessLevel::Write,
        "P" => AccessLevel::PermissionsManagement,
        "T" => AccessLevel::Tagging,
        _ => panic!("catalog snapshot: unknown access level in {line:?}"),
    }
}

fn key_type(name: &str, line: &str) -> KeyType {
    match name {
        "String" => KeyType::String,
        "ARN" => KeyType::Arn,
        "Numeric" => KeyType::Numeric,
        "Date" => KeyType::Date,
        "Bool" => KeyType::Bool,
        "IPAddress" => KeyType::IpAddress,
        "Binary" => KeyType::Binary,
        _ => panic!("catalog: unknown condition key type {name:?} in {line:?}"),
    }
}

/// Parses `global-condition-keys.tsv`: key, type(s), single|multi, all|listed.
pub(crate) fn parse_global_keys(text: &'static str) -> Vec<ConditionKey> {
    let mut keys: Vec<ConditionKey> = text
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&'static str> = line.split('\t').collect();
            let [name, types, values, scope] = fields[..] else {
                panic!("global-condition-keys.tsv: expected 4 columns in {line:?}");
            };
            let (first, second) = match types.split_once(',') {
                Some((a, b)) => (a, Some(key_type(b, line))),
                None => (types, None),
            };
            ConditionKey {
                name,
                key_type: key_type(first, line),
                also_type: second,
                multivalued: match values {
                    "single" => false,
                    "multi" => true,
                    _ => panic!("global-condition-keys.tsv: bad value type in {line:?}"),
                },
                scope: match scope {
                    "all" => KeyScope::Global,
                    "listed" => KeyScope::GlobalWhereListed,
                    _ => panic!("global-condition-keys.tsv: bad scope in {line:?}"),
                },
            }
        })
        .collect();
    keys.sort_by(|a, b| cmp_ignore_case(a.name, b.name));
    keys
}
