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
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(length) > limit {
            continue;
        }
        let distance = strsim::osa_distance(&wanted_lower, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

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
}
