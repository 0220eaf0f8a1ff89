//! The one "did you mean": the candidate closest to a misspelt name.
//!
//! In: what the user wrote and the names it may have meant. Out: the closest name when it is
//! close enough to be a typo, else `None`. Distance is strsim's optimal string alignment
//! (Levenshtein plus adjacent swaps, each counted once: "GetObejct" is as plausible a typo as
//! "GetObjet"), ignoring case; "close enough" is at most a third of the name's length, between
//! 1 and 3 edits. Ties go to the first candidate, which callers pass in a stable order.

/// The closest candidate, if it is close enough to be a typo (see the module docs).
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let length = wanted.chars().count();
    let limit = (length / 3).clamp(1, 3);
    let wanted_letters = wanted.is_ascii().then(|| letter_counts(wanted));
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        if let Some(counts) = wanted_letters.filter(|_| candidate.is_ascii()) {
            if fewest_edits(counts, candidate) > limit {
                continue;
            }
        }
        let distance = strsim::osa_distance(&wanted_lower, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// How many times each ASCII character occurs in `text`, ignoring case.
fn letter_counts(text: &str) -> [i16; 128] {
    let mut counts = [0i16; 128];
    for b in text.bytes() {
        counts[usize::from(b.to_ascii_lowercase() & 0x7f)] += 1;
    }
    counts
}

/// A lower bound of the distance between the text counted in `counts` and `candidate` (ASCII
/// both), found without measuring it: an insertion or a deletion changes the characters' counts
/// by one, a substitution by two, a swap not at all, so the distance is at least half the
/// counts' difference. Most candidates are ruled out here for a tenth of the cost of measuring.
fn fewest_edits(mut counts: [i16; 128], candidate: &str) -> usize {
    for b in candidate.bytes() {
        counts[usize::from(b.to_ascii_lowercase() & 0x7f)] -= 1;
    }
    let difference: usize = counts.iter().map(|&c| usize::from(c.unsigned_abs())).sum();
    difference.div_ceil(2)
}

#[cfg(test)]
mod tests {
    use super::{closest, fewest_edits, letter_counts};

    #[test]
    fn typos_and_case() {
        let names = ["bucket", "account_id", "region"];
        assert_eq!(closest("buckt", names), Some("bucket"));
        assert_eq!(closest("Region", names), Some("region"));
        assert_eq!(closest("zzzzzz", names), None);
        assert_eq!(closest("GetObejct", ["GetObject"]), Some("GetObject"));
        assert_eq!(closest("s4", ["a4b", "s3", "sns"]), Some("s3"));
        // Far-off names are not suggested, however long.
        assert_eq!(closest("PutBucketEverything", ["GetObject"]), None);
    }

    /// The bound that rules candidates out never exceeds the distance it stands in for.
    #[test]
    fn the_count_bound_is_never_above_the_distance() {
        use proptest::prelude::*;
        let word = || proptest::string::string_regex("[a-dA-D:-]{0,9}").unwrap();
        proptest!(ProptestConfig::with_cases(2000), |(a in word(), b in word())| {
            let distance = strsim::osa_distance(&a.to_lowercase(), &b.to_lowercase());
            prop_assert!(fewest_edits(letter_counts(&a), &b) <= distance, "{a} {b}");
        });
    }
}
