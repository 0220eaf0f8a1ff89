//! Name matching used by the catalog: IAM action globs, condition-key templates and edit
//! distance for "did you mean". All comparisons are ASCII case-insensitive, because IAM treats
//! action names and condition key names case-insensitively and every AWS name is ASCII.

use std::cmp::Ordering;

/// Compares two names ignoring ASCII case; the order the catalog sorts and searches by.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    let a = a.bytes().map(|c| c.to_ascii_lowercase());
    let b = b.bytes().map(|c| c.to_ascii_lowercase());
    a.cmp(b)
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

/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), ignoring ASCII case;
/// swaps count once because "GetObejct" is as plausible a typo as "GetObjet".
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

/// The candidate closest to `query` by [`edit_distance`], if it is close enough to be a typo:
/// at most a third of the query's length, between 1 and 3 edits. Ties go to the first
/// candidate, which callers pass in sorted order.
pub(crate) fn closest<'a>(
    query: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (query.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.len().abs_diff(query.len()) > limit {
            continue;
        }
        let distance = edit_distance(query, candidate);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
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

    #[test]
    fn distances() {
        assert_eq!(edit_distance("GetObjet", "GetObject"), 1);
        assert_eq!(edit_distance("GetObejct", "GetObject"), 1);
        assert_eq!(edit_distance("s4", "S3"), 1);
        assert_eq!(closest("s4", ["a4b", "s3", "sns"]), Some("s3"));
        assert_eq!(closest("zzzz", ["s3", "sns"]), None);
    }
}
