//! Name matching used by the catalog: IAM action globs, condition-key templates and edit
//! distance for "did you mean". All comparisons are ASCII case-insensitive, because IAM treats
//! action names and condition key names case-insensitively and every AWS name is ASCII.

use super::name_hash::{caseless_hash, exact_hash};
use std::cmp::Ordering;

/// Compares two names ignoring ASCII case; the order the catalog sorts and searches by.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    // Byte by byte rather than by comparing two mapped iterators: every catalog lookup of an
    // action or resource type is a binary search of these.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// A case-insensitive index of a list of names: each name's hash of its lower-case form, in
/// hash order. A lookup hashes the name once and compares it only with the names of the same
/// hash; a binary search compared it byte by byte with a dozen names, and the checks, the lints
/// and the proofs look up every action and condition key they meet.
///
/// Nearly every lookup spells the name as the catalog does (`s3:GetObject`), so a second list
/// holds the hashes of the names as written: a lookup tries it first, with no lower-casing.
///
/// Both lists are prepared at build time (`build.rs`, with the hashes of `name_hash`): a
/// list's index is a view of two runs of the prepared tables.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameIndex {
    pub(crate) caseless: &'static [(u64, u32)],
    pub(crate) exact: &'static [(u64, u32)],
}

impl NameIndex {
    /// The position of `name`, ignoring ASCII case, given the name at each position.
    pub(crate) fn find<'a>(&self, name: &str, name_at: impl Fn(usize) -> &'a str) -> Option<usize> {
        fn same_hash(list: &[(u64, u32)], hash: u64) -> impl Iterator<Item = usize> + '_ {
            let first = list.partition_point(|&(h, _)| h < hash);
            list[first..]
                .iter()
                .take_while(move |&&(h, _)| h == hash)
                .map(|&(_, i)| i as usize)
        }
        if let Some(i) = same_hash(self.exact, exact_hash(name)).find(|&i| name_at(i) == name) {
            return Some(i);
        }
        same_hash(self.caseless, caseless_hash(name))
            .find(|&i| name_at(i).eq_ignore_ascii_case(name))
    }
}

/// Whether a catalog condition key name, possibly a template such as `aws:RequestTag/${TagKey}`
/// or `s3:ExistingObjectTag/<key>`, covers `key`. A placeholder stands for one or more
/// characters, so `aws:RequestTag/team` (or the template itself) matches.
pub(crate) fn key_matches(template: &str, key: &str) -> bool {
    match_template(template.as_bytes(), key.as_bytes())
}

/// True when the name contains a `${...}` or `<...>` placeholder.
pub(crate) fn is_template(name: &str) -> bool {
    next_placeholder(name.as_bytes()).is_some()
}

fn match_template(t: &[u8], k: &[u8]) -> bool {
    // The literal text before the first placeholder is compared as it is walked, so a key that
    // differs early is refused early: an action lists a dozen keys and every condition key of a
    // statement is compared with them.
    let mut i = 0;
    while i < t.len() {
        if let Some(end) = placeholder_at(t, i) {
            // The key matched the literal so far, so it is at least `i` long. A placeholder
            // stands for one character or more; templates carry at most two placeholders, so
            // trying every split is cheap.
            let rest = &k[i..];
            return (1..=rest.len()).any(|taken| match_template(&t[end..], &rest[taken..]));
        }
        if k.get(i).is_none_or(|c| !c.eq_ignore_ascii_case(&t[i])) {
            return false;
        }
        i += 1;
    }
    k.len() == t.len()
}

/// The end of the placeholder that starts at `i` (`${...}` or `<...>`, closed), if one does.
/// The Service Authorization Reference also writes a tag key's placeholder as a literal
/// `tag-key` after the `/` (`secretsmanager:ResourceTag/tag-key`, `ssm:resourceTag/tag-key`,
/// on 80-odd actions), where the other services write `${TagKey}`: read the same way, or a
/// request on a tagged secret would carry no key of the action.
fn placeholder_at(t: &[u8], i: usize) -> Option<usize> {
    const TAG_KEY: &[u8] = b"tag-key";
    if i > 0 && t[i - 1] == b'/' && &t[i..] == TAG_KEY {
        return Some(t.len());
    }
    let close = match t[i] {
        b'$' if t.get(i + 1) == Some(&b'{') => b'}',
        b'<' => b'>',
        _ => return None,
    };
    t[i..]
        .iter()
        .position(|&c| c == close)
        .map(|len| i + len + 1)
}

/// The byte range of the first placeholder: `${...}` or `<...>`.
fn next_placeholder(t: &[u8]) -> Option<(usize, usize)> {
    (0..t.len()).find_map(|i| Some((i, placeholder_at(t, i)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk that compares as it goes answers as splitting at the first placeholder does.
    #[test]
    fn templates_match_as_split_at_the_first_placeholder() {
        fn reference(t: &[u8], k: &[u8]) -> bool {
            let Some((start, end)) = next_placeholder(t) else {
                return t.eq_ignore_ascii_case(k);
            };
            let literal = &t[..start];
            if k.len() <= literal.len() || !k[..literal.len()].eq_ignore_ascii_case(literal) {
                return false;
            }
            let rest = &k[literal.len()..];
            (1..=rest.len()).any(|taken| reference(&t[end..], &rest[taken..]))
        }
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "aws:",
            "s3:",
            "Tag/",
            "tag/",
            "${TagKey}",
            "<key>",
            "${",
            "}",
            "<",
            ">",
            "x",
            "X",
            ".a",
        ]);
        let text = prop::collection::vec(piece, 0..6).prop_map(|p| p.concat());
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&(text.clone(), text), |(t, k)| {
                let (t, k) = (t.as_bytes(), k.as_bytes());
                prop_assert_eq!(match_template(t, k), reference(t, k));
                // A key built from the template (placeholders filled) must match it.
                let filled = String::from_utf8_lossy(t)
                    .replace("${TagKey}", "team")
                    .replace("<key>", "env");
                prop_assert_eq!(
                    match_template(t, filled.as_bytes()),
                    reference(t, filled.as_bytes())
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn templates() {
        assert!(key_matches(
            "aws:RequestTag/${TagKey}",
            "aws:requesttag/team"
        ));
        assert!(key_matches(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/${TagKey}"
        ));
        assert!(!key_matches("aws:RequestTag/${TagKey}", "aws:RequestTag/"));
        assert!(key_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/env"
        ));
        assert!(key_matches(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.type"
        ));
        assert!(!key_matches("aws:TagKeys", "aws:TagKeys/x"));
        assert!(is_template("aws:PrincipalTag/${TagKey}"));
        assert!(!is_template("aws:SourceIp"));
        // The reference's other spelling of a tag key's placeholder: a literal `tag-key`.
        assert!(key_matches(
            "secretsmanager:ResourceTag/tag-key",
            "secretsmanager:ResourceTag/team"
        ));
        assert!(key_matches(
            "ssm:resourceTag/tag-key",
            "ssm:ResourceTag/env"
        ));
        assert!(!key_matches("ssm:resourceTag/tag-key", "ssm:resourceTag/"));
        assert!(is_template("secretsmanager:ResourceTag/tag-key"));
        // Only as the whole last segment.
        assert!(!is_template("example:tag-key"));
        assert!(!key_matches("example:x/tag-keys", "example:x/a"));
    }
}
