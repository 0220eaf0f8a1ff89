//! Stable resource names for the deployable formats, derived from IAM names.
//!
//! A CloudFormation logical ID or a Terraform resource name is the IAM name made safe for the
//! format (and, for CloudFormation, prefixed with the resource type). It depends only on the
//! name, so adding or removing other resources never renames one and re-builds give no spurious
//! diffs. IAM allows characters (`+=,.@`, and `-` for CloudFormation) that the formats do not,
//! so two IAM names can map to one safe name; then each of them gets a suffix made from a hash of
//! its exact IAM name, which still depends on nothing else.

use std::collections::BTreeMap;

/// Assigns a unique safe name to each `(kind, name)` key, given the sanitiser of the format.
pub(crate) fn assign<K: Ord + Clone>(
    keys: impl IntoIterator<Item = (K, String)>,
    safe: impl Fn(&K, &str) -> String,
) -> BTreeMap<(K, String), String> {
    let keys: Vec<(K, String)> = keys.into_iter().collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (kind, name) in &keys {
        *count.entry(safe(kind, name)).or_default() += 1;
    }
    let mut out = BTreeMap::new();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for (kind, name) in keys {
        let base = safe(&kind, &name);
        let mut id = if count[&base] > 1 {
            format!("{base}{:08x}", fnv1a(&name))
        } else {
            base
        };
        // A hash suffix could in principle meet another name; number the rest in key order.
        let n = used.entry(id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            id = format!("{id}{n}");
        }
        out.insert((kind, name), id);
    }
    out
}

/// `service-etl` → `ServiceEtl`: letters and digits only, each word capitalised.
pub(crate) fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// `service-etl` → `service_etl`: lower case, letters, digits and `_`, not starting with a digit.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous: Option<char> = None;
    for c in name.chars() {
        // `ServiceBoundary` → `service_boundary`.
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
        previous = Some(c);
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// 32-bit FNV-1a: small, stable across platforms and Rust versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(pascal("service-etl"), "ServiceEtl");
        assert_eq!(pascal("S3Only"), "S3Only");
        assert_eq!(pascal("a.b@c+d=e,f_g"), "ABCDEFG");
        assert_eq!(snake("service-etl"), "service_etl");
        assert_eq!(snake("9lives"), "_9lives");
        assert_eq!(snake("ServiceBoundary"), "service_boundary");
        assert_eq!(snake("S3Only"), "s3_only");
    }

    #[test]
    fn colliding_names_get_stable_hash_suffixes() {
        let ids = assign(
            [
                ((), "a-b".to_string()),
                ((), "a_b".to_string()),
                ((), "c".to_string()),
            ],
            |_, n| pascal(n),
        );
        let a = &ids[&((), "a-b".to_string())];
        let b = &ids[&((), "a_b".to_string())];
        assert_ne!(a, b);
        assert!(a.starts_with("AB") && a.len() == 10, "{a}");
        assert_eq!(ids[&((), "c".to_string())], "C");
        // The suffix depends only on the name itself.
        let again = assign(
            [((), "a-b".to_string()), ((), "a.b".to_string())],
            |_, n| pascal(n),
        );
        assert_eq!(&again[&((), "a-b".to_string())], a);
    }
}
