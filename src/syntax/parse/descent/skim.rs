//! Where a deferred role block ends, found without parsing its members.
//!
//! In: a file's bytes and the position just after a role's `{`. Out: the position just after
//! its closing `}`, or `None`. The parser (`super`) checks the guess when it parses the role.

/// Where the block whose `{` is just before `i` ends, after its `}`, found without parsing its
/// members: braces counted outside strings and comments. A comment starts only between tokens:
/// a word (anything up to white space, punctuation, a brace or a quote) takes its `/` and `*`,
/// as `arn:aws:s3:::bucket/*` does. A guess, which [`super::deferred_block`] checks; `None` where it
/// finds no end.
///
/// Only braces, quotes and slashes matter, so it jumps from one to the next ([`next_special`]);
/// a slash is between tokens when the byte before it ends a word (words never hold braces or
/// quotes), or when it is where the scan or a `/* */` comment ended.
pub(super) fn skim_block_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 1usize;
    let mut between_tokens = i;
    while let Some(at) = next_special(b, i) {
        i = at + 1;
        match b[at] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'"' => loop {
                match *b.get(i)? {
                    b'"' => break i += 1,
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            },
            _ if at != between_tokens && !ENDS_WORD[usize::from(b[at - 1])] => {}
            _ if b.get(i) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |nl| i + nl);
            }
            _ if b.get(i) == Some(&b'*') => {
                i += 1 + memchr::memmem::find(&b[i + 1..], b"*/")? + 2;
                between_tokens = i;
            }
            _ => {}
        }
    }
    None
}

/// Where the first `{`, `}`, `"` or `/` at or after `i` is. Eight bytes at a time: a byte
/// equal to the one looked for is a zero byte of their XOR, and the lowest byte whose high
/// bit `(x - 0x01..) & !x & 0x80..` sets is the first zero byte (only bytes above a zero borrow).
fn next_special(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let chunk = u64::from_le_bytes(*chunk);
        let found = zeros(chunk ^ (ONES * u64::from(b'{')))
            | zeros(chunk ^ (ONES * u64::from(b'}')))
            | zeros(chunk ^ (ONES * u64::from(b'"')))
            | zeros(chunk ^ (ONES * u64::from(b'/')));
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..b.len()).find(|&at| matches!(b[at], b'{' | b'}' | b'"' | b'/'))
}

/// The bytes a word of [`skim_block_end`] stops at.
static ENDS_WORD: [bool; 256] = {
    let mut ends = [false; 256];
    let stops = b" \t\r\n,()[]{}\"";
    let mut at = 0;
    while at < stops.len() {
        ends[stops[at] as usize] = true;
        at += 1;
    }
    ends
};

#[cfg(test)]
mod tests {
    /// [`super::skim_block_end`] as it was written before it jumped between special bytes:
    /// byte by byte, words skipped whole.
    fn skim_byte_by_byte(b: &[u8], mut i: usize) -> Option<usize> {
        let mut depth = 1usize;
        while let Some(&byte) = b.get(i) {
            i += 1;
            match byte {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                b'"' => loop {
                    match *b.get(i)? {
                        b'"' => break i += 1,
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                },
                b'/' if b.get(i) == Some(&b'/') => {
                    i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |at| i + at);
                }
                b'/' if b.get(i) == Some(&b'*') => {
                    i += 1 + memchr::memmem::find(&b[i + 1..], b"*/")? + 2;
                }
                _ if super::ENDS_WORD[usize::from(byte)] => {}
                _ => {
                    while b
                        .get(i)
                        .is_some_and(|&next| !super::ENDS_WORD[usize::from(next)])
                    {
                        i += 1;
                    }
                }
            }
        }
        None
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Texts of the bytes the skim reads (braces, quotes, slashes, stars, backslashes, word
        /// enders, word bytes), long enough to cross its eight-byte steps, from every start.
        #[test]
        fn skim_agrees_with_the_byte_by_byte_reading(
            picks in proptest::collection::vec(0usize..16, 0..80)
        ) {
            const ALPHABET: &[u8] = b"{}\"/*/*\\ \n,a\xC3/*}";
            let text: Vec<u8> = picks.iter().map(|&k| ALPHABET[k]).collect();
            for start in 0..=text.len() {
                proptest::prop_assert_eq!(
                    super::skim_block_end(&text, start),
                    skim_byte_by_byte(&text, start),
                    "{:?} from {}", String::from_utf8_lossy(&text), start
                );
            }
        }
    }

    /// The generated projects' role blocks, and blocks whose comments, strings and words
    /// cross the eight-byte steps: the same ends as the byte-by-byte reading.
    #[test]
    fn skim_finds_the_ends_of_written_blocks() {
        let texts = [
            "{ allow s3:GetObject on arn:aws:s3:::${b}-1/app/* when s3:prefix like \"a/*\" }",
            "{ x // } comment\n }",
            "{ a//} }",
            "{ /* } */ } }",
            "{ /* } *//} }\n}",
            "{ /**/// }\n}",
            "{ \"\\\"}\" }",
            "{ \"}",
            "{ /* }",
            "{ {{}} ",
            "{ https://example.com/{x} }",
            "{12345678/*} */}",
            "{1234567 /*} */}",
        ];
        for text in texts {
            let b = text.as_bytes();
            assert_eq!(
                super::skim_block_end(b, 1),
                skim_byte_by_byte(b, 1),
                "{text:?}"
            );
        }
        assert_eq!(super::skim_block_end(b"{ /* } */ } }", 1), Some(11));
        assert_eq!(super::skim_block_end(b"{ a//} }", 1), Some(6));
    }
}
