//! Name matching used by the catalog: IAM action globs, condition-key templates and edit
//! distance for "did you mean". All comparisons are ASCII case-insensitive, because IAM treats
//! action names and condition key names case-insensitively and every AWS name is ASCII.

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

/// IAM glob: `*` matches any run of characters (also none), `?` exactly one.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was and how much of the text it has swallowed so far, so that a
    // mismatch can retry with the star taking one more character (linear, no recursion).
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
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
    let Some((start, end)) = next_placeholder(t) else {
        return t.eq_ignore_ascii_case(k);
    };
    let literal = &t[..start];
    if k.len() <= literal.len() || !k[..literal.len()].eq_ignore_ascii_case(literal) {
        return false;
    }
    let rest = &k[literal.len()..];
    // Templates carry at most two placeholders, so trying every split is cheap.
    (1..=rest.len()).any(|taken| match_template(&t[end..], &rest[taken..]))
}

/// The byte range of the first placeholder: `${...}` or `<...>`.
fn next_placeholder(t: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < t.len() {
        let close = match t[i] {
            b'$' if t.get(i + 1) == Some(&b'{') => b'}',
            b'<' => b'>',
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(len) = t[i..].iter().position(|&c| c == close) {
            return Some((i, i + len + 1));
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("Get*", "GetObject"));
        assert!(glob_matches("*object*", "GetObjectAcl"));
        assert!(glob_matches("s?", "s3"));
        assert!(!glob_matches("s?", "sns"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*c", "aXXbYYc"));
        assert!(!glob_matches("a*b*c", "aXXbYY"));
        assert!(glob_matches("GET*", "getobject"));
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
    }
}
