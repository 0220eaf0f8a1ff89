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
    let mut state = (bytes.len() as u64).wrapping_mul(MULTIPLIER);
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        for (to, &from) in word.iter_mut().zip(chunk) {
            *to = if lower {
                from.to_ascii_lowercase()
            } else {
                from
            };
        }
        state = (state ^ u64::from_le_bytes(word))
            .wrapping_mul(MULTIPLIER)
            .rotate_left(29);
    }
    state ^ (state >> 32)
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

    /// The value on every host and target: the prepared tables were hashed on the build host,
    /// the names asked for are hashed on the target.
    #[test]
    fn the_hash_depends_on_nothing_but_the_bytes() {
        assert_eq!(exact_hash("s3:GetObject"), PINNED);
    }

    const PINNED: u64 = 16_787_299_072_782_117_176;
}
