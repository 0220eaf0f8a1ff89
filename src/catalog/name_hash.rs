//! The hash of the catalog's names, for its name indices (`matching::NameIndex`).
//!
//! In: a name. Out: a 64-bit hash of it as written ([`exact_hash`]) or with ASCII letters in
//! lower case ([`caseless_hash`]). `build.rs` includes this file to hash every name of the
//! snapshot into the prepared indices, and the catalog hashes the names it is asked for with
//! the same functions, so the two must agree on every host and target: hand-written, with
//! fixed constants and little-endian words, and nothing from the crate or a dependency whose
//! output could change under us. Collisions only cost a comparison (`NameIndex::find`
//! compares the names of equal hashes); the names are the catalog's own, not an attacker's.

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// The hash of `name` as written.
pub fn exact_hash(name: &str) -> u64 {
    hash(name.as_bytes(), false)
}

/// The hash of `name` with ASCII letters in lower case.
pub fn caseless_hash(name: &str) -> u64 {
    hash(name.as_bytes(), true)
}

fn hash(bytes: &[u8], lower: bool) -> u64 {
    let lowered = |word: u64| if lower { lower_ascii(word) } else { word };
    let mix = |state: u64, word: u64| (state ^ word).wrapping_mul(MULTIPLIER).rotate_left(29);
    let mut state = (bytes.len() as u64).wrapping_mul(MULTIPLIER);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of 8 bytes"));
        state = mix(state, lowered(word));
    }
    // The last bytes, padded with zeros (which lower-casing leaves as they are).
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        state = mix(state, lowered(u64::from_le_bytes(word)));
    }
    state ^ (state >> 32)
}

/// Each byte of `word` as `u8::to_ascii_lowercase` makes it, eight at a time: the catalog
/// hashes every action name it is asked for (a byte at a time this was most of a lookup), and
/// the lints compare the ends of action patterns' heads with it (`reason::inclusion`).
pub fn lower_ascii(word: u64) -> u64 {
    const BYTES: u64 = 0x0101_0101_0101_0101;
    // Each byte's low seven bits plus a constant sets the byte's high bit exactly when they
    // are at least `A` (or past `Z`), without carrying into the next byte.
    let low = word & (0x7f * BYTES);
    let from_a = low + (0x80 - u64::from(b'A')) * BYTES;
    let past_z = low + (0x80 - u64::from(b'Z') - 1) * BYTES;
    // Upper-case ASCII: from `A`, not past `Z`, and not a byte of 0x80 or more.
    let upper = from_a & !past_z & !word & (0x80 * BYTES);
    word | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_ignored_only_by_the_caseless_hash() {
        let lower = exact_hash("s3:getobject");
        assert_eq!(caseless_hash("s3:GetObject"), lower);
        assert_eq!(caseless_hash("S3:GETOBJECT"), lower);
        assert_ne!(exact_hash("s3:GetObject"), lower);
        // Lengths that are and are not a multiple of the word.
        assert_ne!(exact_hash("abcdefgh"), exact_hash("abcdefgh\0"));
        assert_ne!(exact_hash(""), exact_hash("\0"));
    }

    /// Eight bytes at a time, as each byte's `to_ascii_lowercase` makes it: every byte value
    /// at every place of a word.
    #[test]
    fn words_are_lowered_as_each_byte_is() {
        for byte in 0..=u8::MAX {
            for place in 0..8 {
                let mut bytes = *b"aZ@[`{\x7f\x80";
                bytes[place] = byte;
                let lowered = lower_ascii(u64::from_le_bytes(bytes)).to_le_bytes();
                assert_eq!(lowered, bytes.map(|b| b.to_ascii_lowercase()), "{bytes:?}");
            }
        }
    }

    /// The value on every host and target: the prepared tables were hashed on the build host,
    /// the names asked for are hashed on the target.
    #[test]
    fn the_hash_depends_on_nothing_but_the_bytes() {
        assert_eq!(exact_hash("s3:GetObject"), PINNED);
    }

    const PINNED: u64 = 16_787_299_072_782_117_176;
}
