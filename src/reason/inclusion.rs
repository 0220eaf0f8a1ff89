//! Inclusion between two IAM wildcard patterns, decided with the engine's own pattern semantics,
//! for the checks that ask "does this pattern already cover that one" (the redundancy lints and
//! the delegation policy's "already denied" test). There is no second glob matcher.
//!
//! In: two pattern texts and how IAM reads them ([`PatternKind::Action`] or
//! [`PatternKind::Arn`]). Out: whether every string `inner` can match is matched by `outer`.
//! Undecided cases answer `false` ("not covered"), which only ever makes a lint quieter or a
//! generated deny explicit.

use super::automaton::{explore, Driver, MAX_STATES};
use super::pattern::{compile, is_var_symbol, Class, Glob, PatternKind, Tok, VarTable, Vars};

/// Whether every string `inner` matches is also matched by `outer` (see the module docs).
///
/// Policy variables: a variable in `inner` may take any value, so it is widened to a `*` that
/// may span colons (an over-approximation of `inner`, so inclusion stays true when claimed); a
/// variable in `outer` is only trusted when `outer` and `inner` are the same text.
pub fn pattern_includes(outer: &str, inner: &str, kind: PatternKind) -> bool {
    if outer == "*" {
        return true;
    }
    let same_text = match kind {
        PatternKind::Action => outer.eq_ignore_ascii_case(inner),
        _ => outer == inner,
    };
    if same_text {
        return true;
    }
    // Fast path: most pairs differ in their literal prefix (another service or bucket).
    let literal = outer.find(['*', '?', '$']).unwrap_or(outer.len());
    let prefix = inner.get(..literal);
    let prefix_matches = prefix.is_some_and(|p| match kind {
        PatternKind::Action => p.eq_ignore_ascii_case(&outer[..literal]),
        _ => p == &outer[..literal],
    });
    if !prefix_matches || prefix.is_some_and(|p| p.contains(['*', '?', '$'])) {
        return false;
    }
    if literal == outer.len() {
        // `outer` is one concrete string and `inner` is not the same text.
        return false;
    }
    let mut table = VarTable::default();
    let Some(outer) = compile(outer, kind, &mut Vars::Symbolic(&mut table)) else {
        return false;
    };
    if outer.has_vars {
        return false;
    }
    let Some(mut inner) = compile(inner, kind, &mut Vars::Symbolic(&mut table)) else {
        return false;
    };
    widen_variables(&mut inner);
    match explore(Driver::Union(&[&inner]), &[&outer], MAX_STATES) {
        Ok(cells) => cells.iter().all(|cell| cell.accepted[0]),
        Err(_) => false,
    }
}

fn widen_variables(glob: &mut Glob) {
    for tok in &mut glob.toks {
        if matches!(tok, Tok::Lit(c) if is_var_symbol(*c)) {
            *tok = Tok::Star(Class::Any);
        }
    }
    glob.has_vars = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(outer: &str, inner: &str) -> bool {
        pattern_includes(outer, inner, PatternKind::Action)
    }
    fn arn(outer: &str, inner: &str) -> bool {
        pattern_includes(outer, inner, PatternKind::Arn)
    }

    #[test]
    fn actions_ignore_case() {
        assert!(action("s3:*", "s3:Get*"));
        assert!(action("s3:Get*", "S3:GETOBJECT"));
        assert!(!action("s3:Get?", "s3:Get*"));
        assert!(!action("s3:Get*", "s3:*"));
    }

    #[test]
    fn arns_follow_the_segment_rule() {
        assert!(arn("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"));
        assert!(!arn("arn:aws:s3:::b/*", "arn:aws:s3:::B/x"));
        assert!(arn("*", "arn:aws:s3:::b:x"));
        // The resource segment may contain `:`, and its wildcards match it: IAM's rule, which
        // the lint's own matcher used to get wrong.
        assert!(arn(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:111122223333:log-group:x:log-stream:y"
        ));
        assert!(!arn(
            "arn:aws:logs:us-east-1:*:log-group:*",
            "arn:aws:logs:*:111122223333:log-group:x"
        ));
    }

    #[test]
    fn variables_range_over_every_value() {
        assert!(arn("arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}"));
        assert!(!arn("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/${aws:username}"));
        assert!(arn(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/${aws:username}/*"
        ));
        assert!(!arn(
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:s3:::b/root/*"
        ));
    }
}
