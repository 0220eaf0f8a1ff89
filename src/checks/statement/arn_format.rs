//! Whether a resource pattern of a statement can name an ARN of a catalog ARN format: the
//! question the resource-type check (W0201) asks of every (resource, format) pair.
//!
//! In: a resource as written (`*`, `?` and `${...}` variables) and a format such as
//! `arn:${Partition}:s3:::${BucketName}/${ObjectName}` (its placeholders stand for any text).
//! Out: whether some ARN matches both. A resource's `*` may span `:` in any segment here (IAM
//! lets it only in the resource segment): an over-approximation, so the check warns only when
//! no ARN can fit. `reason` has the exact matcher the proofs use.

use crate::iam::policy::first_wild;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Lit(u8),
    One,
    /// Any text.
    Star,
    /// Any text without `:` (a placeholder inside an ARN format).
    Segment,
}

fn tokens(text: &str, format: bool) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1) == Some(&b'{') {
            if let Some(len) = bytes[i..].iter().position(|&c| c == b'}') {
                // A placeholder of a format, or a policy variable in a resource.
                let last = i + len + 1 == bytes.len();
                out.push(if format && !last {
                    Token::Segment
                } else {
                    Token::Star
                });
                i += len + 1;
                continue;
            }
        }
        out.push(match bytes[i] {
            b'*' if !format => Token::Star,
            b'?' if !format => Token::One,
            c => Token::Lit(c.to_ascii_lowercase()),
        });
        i += 1;
    }
    out
}

/// A resource as written, with what [`overlaps_directly`] reads of it found once for all the
/// formats it is compared with.
pub(super) struct WrittenArn<'a> {
    text: &'a str,
    /// The service segment, when it is plain text (no `*`, `?` or `$`).
    plain_service: Option<&'a str>,
    /// Where the first `*`, `?` or variable is.
    wild: Option<usize>,
    /// Where the colon after the partition is, when the text begins with `arn:` (in any case).
    partition_end: Option<usize>,
}

impl<'a> WrittenArn<'a> {
    pub fn new(text: &'a str) -> WrittenArn<'a> {
        let bytes = text.as_bytes();
        let partition_end = (bytes.len() > ARN.len()
            && bytes[..ARN.len()].eq_ignore_ascii_case(ARN))
        .then(|| memchr::memchr(b':', &bytes[ARN.len()..]).map(|i| ARN.len() + i))
        .flatten();
        WrittenArn {
            text,
            plain_service: service(text).filter(|s| plain(s)),
            wild: first_wild(text),
            partition_end,
        }
    }

    /// Whether some ARN is matched both by this resource (with `*`, `?` and `${...}` variables)
    /// and by the catalog's ARN `format` (whose `${...}` placeholders stand for any text).
    pub fn overlaps(&self, format: &str) -> bool {
        overlaps_directly(self, format).unwrap_or_else(|| arn_overlaps_uncached(self.text, format))
    }
}

/// [`WrittenArn::overlaps`] where it is answered without the pair search, else `None`.
pub(super) fn overlaps_directly(resource: &WrittenArn<'_>, format: &str) -> Option<bool> {
    if services_differ(resource, format) {
        return Some(false);
    }
    direct(resource, format)
}

/// [`arn_overlaps_uncached`]'s answer without the pair search, for the shapes most resources a
/// project writes have; `None` for the others.
/// - One ARN, no wildcard or variable: does the format match it.
/// - A literal head, a `*`, and nothing after it, or anything after it when the format ends
///   in a placeholder (`arn:aws:dynamodb:*:1:table/t` against `...:table/${TableName}`): does
///   the format match some text that begins with the head. The `*` takes whatever the format
///   needs next, and what follows it is taken by the format's last placeholder, which (ending
///   the format) stands for any text; conversely a common ARN begins with the head.
fn direct(resource: &WrittenArn<'_>, format: &str) -> Option<bool> {
    let (head, open_end) = match resource.wild {
        None => (resource.text, false),
        Some(at) => {
            let (head, rest) = resource.text.split_at(at);
            let tail = rest.strip_prefix('*')?;
            if !tail.is_empty() && !ends_in_placeholder(format.as_bytes()) {
                return None;
            }
            (head, true)
        }
    };
    // The catalog's formats begin with `arn:${Partition}:`. Against a head that has `arn:`
    // and the colon after the partition, the walk would match `arn:`, then try each end of the
    // placeholder and find only that colon to go on from: the same answer, from that colon.
    if let (Some(colon), Some(rest)) = (
        resource.partition_end.filter(|&colon| colon < head.len()),
        (format.strip_prefix(PARTITION_PREFIX)).filter(|rest| rest.starts_with(':')),
    ) {
        return format_matches(rest.as_bytes(), &head.as_bytes()[colon..], open_end, 1);
    }
    format_matches(format.as_bytes(), head.as_bytes(), open_end, 0)
}

const ARN: &[u8] = b"arn:";

/// How the catalog's formats begin, up to the colon after the partition (which the shortcut
/// in [`direct`] needs to come next).
const PARTITION_PREFIX: &str = "arn:${Partition}";

/// Whether the format's last token is a placeholder ending it (any text, as [`tokens`] reads
/// it): it ends in `}`, and no other `}` comes after its last `${`.
fn ends_in_placeholder(format: &[u8]) -> bool {
    let Some((b'}', body)) = format.split_last() else {
        return false;
    };
    for i in (0..body.len()).rev() {
        match body[i] {
            b'}' => return false,
            b'{' if i > 0 && body[i - 1] == b'$' => return true,
            _ => {}
        }
    }
    false
}

/// Most placeholders [`format_matches`] takes: each one inside the format tries every length up
/// to the next `:`, so its cost is a power of their number (catalog formats have one to four).
const MATCH_PLACEHOLDERS: usize = 4;

/// Whether the catalog ARN `format` matches the ARN `text` (no wildcards), ignoring case, as
/// [`arn_overlaps_uncached`] reads a format: a `${...}` placeholder stands for any text without
/// `:`, or for any text at all when it ends the format; a `$` without a closing `}` is text.
/// With `open_end`, `text` is followed by a `*`: whether the format matches some text that
/// begins with `text`. `None` when the walk would try the ends of more than
/// [`MATCH_PLACEHOLDERS`] placeholders (`passed`: how many it has tried; one ending the format
/// tries none), a bound of cost only: every answer given is exact.
fn format_matches(format: &[u8], text: &[u8], open_end: bool, passed: usize) -> Option<bool> {
    let (mut f, mut t) = (0, 0);
    while f < format.len() {
        if open_end && t == text.len() {
            // The `*` takes whatever the rest of the format makes.
            return Some(true);
        }
        if format[f] == b'$' && format.get(f + 1) == Some(&b'{') {
            if let Some(len) = format[f..].iter().position(|&c| c == b'}') {
                let rest = &format[f + len + 1..];
                if rest.is_empty() {
                    return Some(true);
                }
                if passed == MATCH_PLACEHOLDERS {
                    return None;
                }
                let segment_end = text[t..]
                    .iter()
                    .position(|&c| c == b':')
                    .map_or(text.len(), |i| t + i);
                // Only the ends the rest can start at are tried: where an open text ends, where
                // the rest begins with another placeholder, or where the text has the rest's
                // first character (what the call would compare first). A bucket name of 20
                // characters before `/${ObjectName}` made 20 calls for one end that fits.
                let placeholder_next = rest.starts_with(b"${");
                for end in t..=segment_end {
                    let may_start = placeholder_next
                        || (open_end && end == text.len())
                        || text
                            .get(end)
                            .is_some_and(|c| c.eq_ignore_ascii_case(&rest[0]));
                    if may_start && format_matches(rest, &text[end..], open_end, passed + 1)? {
                        return Some(true);
                    }
                }
                return Some(false);
            }
        }
        match text.get(t) {
            Some(c) if c.eq_ignore_ascii_case(&format[f]) => {
                f += 1;
                t += 1;
            }
            _ => return Some(false),
        }
    }
    Some(t == text.len())
}

/// The third `:`-separated part (`split(':').nth(2)`), found byte by byte: this runs for every
/// resource and format compared.
fn service(arn: &str) -> Option<&str> {
    let bytes = arn.as_bytes();
    let colon = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| b == b':')
            .map(|i| from + i)
    };
    let start = colon(colon(0)? + 1)? + 1;
    Some(&arn[start..colon(start).unwrap_or(arn.len())])
}

/// Text with no `*`, `?` or `$`.
fn plain(text: &str) -> bool {
    !text.bytes().any(|b| matches!(b, b'*' | b'?' | b'$'))
}

/// A cheap early answer: the service segments are both plain text and differ.
fn services_differ(resource: &WrittenArn<'_>, format: &str) -> bool {
    let Some(written) = resource.plain_service else {
        return false;
    };
    // The catalog's formats begin so: their service is found without a search from the start.
    let service = match (format.strip_prefix(PARTITION_PREFIX)).and_then(|r| r.strip_prefix(':')) {
        // A byte loop: the service is a few bytes, shorter than a search's set-up.
        Some(rest) => Some(&rest[..rest.bytes().position(|b| b == b':').unwrap_or(rest.len())]),
        None => service(format),
    };
    service.is_some_and(|service| plain(service) && !written.eq_ignore_ascii_case(service))
}

fn arn_overlaps_uncached(resource: &str, format: &str) -> bool {
    let a = tokens(resource, false);
    let b = tokens(format, true);
    let (n, m) = (a.len(), b.len());
    // One bit per pair of positions: an ARN against a format is a few thousand pairs.
    let mut seen = vec![0u64; ((n + 1) * (m + 1)).div_ceil(64)];
    let mut stack = Vec::with_capacity(n + m);
    stack.push((0usize, 0usize));
    let is_star = |t: Token| matches!(t, Token::Star | Token::Segment);
    // Whether a star-like token may absorb the character another token produces.
    let absorbs = |star: Token, other: Token| star == Token::Star || other != Token::Lit(b':');
    while let Some((i, j)) = stack.pop() {
        let at = i * (m + 1) + j;
        if seen[at / 64] & (1 << (at % 64)) != 0 {
            continue;
        }
        seen[at / 64] |= 1 << (at % 64);
        if i == n && j == m {
            return true;
        }
        if i < n && is_star(a[i]) {
            stack.push((i + 1, j));
        }
        if j < m && is_star(b[j]) {
            stack.push((i, j + 1));
        }
        if i < n && j < m {
            let (x, y) = (a[i], b[j]);
            match (is_star(x), is_star(y)) {
                (false, false) => {
                    let same = match (x, y) {
                        (Token::Lit(p), Token::Lit(q)) => p == q,
                        _ => true,
                    };
                    if same {
                        stack.push((i + 1, j + 1));
                    }
                }
                (false, true) if absorbs(y, x) => stack.push((i + 1, j)),
                (true, false) if absorbs(x, y) => stack.push((i, j + 1)),
                _ => {}
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn_overlaps(resource: &str, format: &str) -> bool {
        WrittenArn::new(resource).overlaps(format)
    }
    use crate::catalog::Catalog;

    /// The direct match of a format against one ARN, one ARN's head and a `*`, or a head, a `*`
    /// and more, answers as the pair search does, on every format of the catalog and ARNs made
    /// from its pieces.
    #[test]
    fn literal_arns_match_formats_as_the_pair_search_does() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let formats: Vec<&'static str> = Catalog::get()
            .services()
            .flat_map(|s| s.resource_types())
            .flat_map(|r| r.arn_formats())
            .collect();
        let piece = prop::sample::select(vec![
            "arn",
            "aws",
            "s3",
            "iam",
            "logs",
            "",
            ":",
            "/",
            "role",
            "bucket",
            "x",
            "A/b",
            "log-group",
            "log-stream",
            "123456789012",
            "us-east-1",
            "$",
            "{",
            "}",
            "Role",
        ]);
        let count = formats.len();
        let case = (
            0..count,
            prop::collection::vec(piece, 0..12),
            any::<bool>(),
            any::<bool>(),
        );
        let mut runner = TestRunner::new(Config {
            cases: 4000,
            ..Config::default()
        });
        let (compared, matched) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let (opened, shortcuts) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let tailed = std::cell::Cell::new((0, 0));
        runner
            .run(&case, |(i, pieces, fill, upper)| {
                let format = formats[i];
                // Half the ARNs are the format with its placeholders filled, the rest pieces.
                let arn = if fill {
                    let mut arn = String::new();
                    let mut rest = format;
                    while let Some(open) = rest.find("${") {
                        let Some(close) = rest[open..].find('}') else {
                            break;
                        };
                        arn.push_str(&rest[..open]);
                        arn.push_str(&pieces.concat());
                        rest = &rest[open + close + 1..];
                    }
                    arn.push_str(rest);
                    arn
                } else {
                    pieces.concat()
                };
                // Case does not matter to either.
                let arn = if upper { arn.to_uppercase() } else { arn };
                if crate::iam::policy::is_wild(&arn) {
                    return Ok(());
                }
                // Only an answer given is held to the search: past four placeholders (the logs
                // formats have five) the walk may leave it to the search.
                let written = WrittenArn::new(&arn);
                let Some(direct) = super::direct(&written, format) else {
                    return Ok(());
                };
                // How many went from the colon after the partition (`direct`'s shortcut).
                if written.partition_end.is_some() && format.starts_with("arn:${Partition}:") {
                    shortcuts.set(shortcuts.get() + 1);
                }
                prop_assert_eq!(
                    direct,
                    arn_overlaps_uncached(&arn, format),
                    "{} against {}",
                    arn,
                    format
                );
                // The same text as the head of a pattern ending in `*`, cut somewhere.
                let cut = arn.len() * (pieces.len() % 4 + 1) / 4;
                if arn.is_char_boundary(cut) {
                    let head = &arn[..cut];
                    let Some(open) = super::direct(&WrittenArn::new(&format!("{head}*")), format)
                    else {
                        return Ok(());
                    };
                    prop_assert_eq!(
                        open,
                        arn_overlaps_uncached(&format!("{head}*"), format),
                        "{}* against {}",
                        head,
                        format
                    );
                    opened.set(opened.get() + usize::from(open));
                    // And with the rest of the text after the `*` (`arn:aws:sqs:*:1:q`):
                    // answered directly when the format ends in a placeholder.
                    let tail = &arn[cut..];
                    let pattern = format!("{head}*{tail}");
                    if let (false, Some(answer)) = (
                        tail.is_empty(),
                        super::direct(&WrittenArn::new(&pattern), format),
                    ) {
                        prop_assert_eq!(
                            answer,
                            arn_overlaps_uncached(&pattern, format),
                            "{} against {}",
                            pattern,
                            format
                        );
                        let (n, yes) = tailed.get();
                        tailed.set((n + 1, yes + usize::from(answer)));
                    }
                }
                compared.set(compared.get() + 1);
                matched.set(matched.get() + usize::from(direct));
                Ok(())
            })
            .unwrap();
        // Both answers were met often: the comparison was not one-sided.
        assert!(
            compared.get() > 3000 && matched.get() > 500,
            "{compared:?} {matched:?}"
        );
        assert!(opened.get() > 500, "{opened:?}");
        assert!(shortcuts.get() > 1000, "{shortcuts:?}");
        let (tails, matching) = tailed.get();
        assert!(
            tails > 1000 && matching > 300 && tails - matching > 300,
            "{tails} {matching}"
        );
    }

    /// The byte scan answers as reading the text after the last `${` does.
    #[test]
    fn a_format_ends_in_a_placeholder_only_when_its_last_one_closes_it() {
        let by_search = |format: &str| {
            format.ends_with('}')
                && (format.rfind("${"))
                    .is_some_and(|open| !format[open..format.len() - 1].contains('}'))
        };
        let formats = [
            "",
            "}",
            "${",
            "${}",
            "a${X}",
            "a${X}b",
            "a${X}}",
            "a}${X}",
            "${X}${Y}",
            "${X}/{Y}",
            "${X{}",
            "$${X}",
            "a{X}",
            "${X}}${Y}",
            "arn:${Partition}:s3:::${BucketName}",
        ];
        for format in formats {
            assert_eq!(
                ends_in_placeholder(format.as_bytes()),
                by_search(format),
                "{format}"
            );
        }
        assert!(ends_in_placeholder(b"a${X}") && !ends_in_placeholder(b"a${X}}"));
    }

    #[test]
    fn arn_patterns_overlap_formats() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(arn_overlaps("arn:aws:s3:::b/x", object));
        assert!(arn_overlaps("arn:aws:s3:::b/*", object));
        assert!(!arn_overlaps("arn:aws:s3:::b", object));
        assert!(arn_overlaps("arn:aws:s3:::b", bucket));
        assert!(arn_overlaps("arn:aws:s3:::b*", object));
        assert!(arn_overlaps("arn:aws:s3:::b/${aws:username}/*", object));
        assert!(arn_overlaps("arn:aws:s3:::b/home/${aws:username}", object));
        assert!(!arn_overlaps(
            "arn:aws:s3:::b/x",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
        ));
        assert!(arn_overlaps(
            "arn:aws:iam::*:role/a/b",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
        ));
        assert!(arn_overlaps("arn:aws:logs:*:*:log-group:/aws/lambda/x:*", "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}"));
        assert!(arn_overlaps("arn:aws:s3:::b?", bucket));
    }
}
