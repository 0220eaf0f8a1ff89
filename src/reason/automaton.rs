//! Exact language reasoning over [`Glob`]s by an on-the-fly product construction.
//!
//! In: a *driver* language (a union of globs, the complement of a union, or every string) and a
//! list of *observer* globs. Out: every realizable **cell** — each distinct set of observers that
//! accept some word of the driver language — with a shortest witness word for it.
//!
//! This answers every inclusion question the engine needs in one pass: "is `L(p)` inside
//! `L(q1) ∪ L(q2)` minus `L(r)`" is "does some cell of driver `p` accept neither `q1` nor `q2`, or
//! accept `r`". The product state is, per glob, the set of its automaton positions (a glob's NFA
//! has one state per token), determinized lazily and memoized in a hash map, so only reachable
//! combinations are ever built; for the few-wildcard patterns of real policies that is a handful
//! of states. The alphabet is split into the characters that occur literally in some glob plus one
//! fresh character standing for all the others, which is exact because no token can tell two
//! non-occurring characters apart.

use super::pattern::{is_var_symbol, lower, other_cases, Class, Glob, Tok};
use foldhash::{HashMap, HashMapExt};
use std::hash::BuildHasher;

/// The language whose words are explored.
#[derive(Clone, Copy)]
pub enum Driver<'a> {
    /// Words matched by at least one of these globs. Variable symbols occur in words only where
    /// a driver glob has that variable literally.
    Union(&'a [&'a Glob]),
    /// Concrete words matched by none of these globs (`NotAction`, `NotResource`).
    Complement(&'a [&'a Glob]),
    /// Every concrete word.
    Universe,
}

/// One realizable combination of observer verdicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// `accepted[i]`: observer `i` matches the witness (and every other word of this cell).
    pub accepted: Vec<bool>,
    /// A shortest driver word in this cell; may contain variable symbols.
    pub witness: String,
}

/// The search met more product states than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Default cap on product states before giving up with [`TooLarge`].
pub const MAX_STATES: usize = 50_000;

/// The most memory the states of one search may take, in 64-bit words (32 MiB): a state holds
/// one bit per position of every glob, so for many or long globs fewer than [`MAX_STATES`]
/// states fit. Beyond it the search gives up with [`TooLarge`].
pub const MAX_STATE_WORDS: usize = 1 << 22;

/// The most work one search may do, in 64-bit words of state read or written while stepping,
/// closing and comparing states (about a second): what bounds the time of a search over many
/// or long globs, where each step touches every word. Beyond it the search gives up with
/// [`TooLarge`].
pub const MAX_WORK: usize = 1 << 28;

struct Layout<'a> {
    globs: Vec<&'a Glob>,
    /// First bit of each glob's position set.
    offsets: Vec<usize>,
    words: usize,
    drivers: usize,
    union: bool,
    /// Bits of star positions (a star at `i` also enables `i + 1`).
    stars: Vec<u64>,
    /// Bits of the driver globs' positions.
    driver_bits: Vec<u64>,
    /// For every bit: (glob, position within the glob); final positions map to `None`.
    owner: Vec<Option<(u32, u32)>>,
    /// Some token excludes `/` (a widened user-name variable), so `/` is a letter of its own.
    slash: bool,
}

impl Layout<'_> {
    fn get(state: &[u64], bit: usize) -> bool {
        state[bit / 64] >> (bit % 64) & 1 == 1
    }
    fn set(state: &mut [u64], bit: usize) {
        state[bit / 64] |= 1 << (bit % 64);
    }

    fn initial(&self) -> (Vec<u64>, usize) {
        let mut state = vec![0; self.words];
        for g in 0..self.globs.len() {
            Self::set(&mut state, self.offsets[g]);
        }
        let passes = self.close(&mut state);
        (state, passes)
    }

    /// Lets every live star match the empty string: shift live star bits up by one until stable.
    /// A star is never a glob's final position, so the shift stays inside its glob. Returns the
    /// number of passes over the state (one more than the longest run of stars it crossed).
    fn close(&self, state: &mut [u64]) -> usize {
        let mut passes = 0;
        loop {
            passes += 1;
            let mut changed = false;
            let mut carry = 0;
            for (w, word) in state.iter_mut().enumerate() {
                let live = *word & self.stars[w];
                let add = (live << 1) | carry;
                carry = live >> 63;
                if add & !*word != 0 {
                    *word |= add;
                    changed = true;
                }
            }
            if !changed {
                return passes;
            }
        }
    }

    /// Calls `f(g, i)` for every set, non-final position `i` of every glob `g`.
    fn active(&self, state: &[u64], mut f: impl FnMut(usize, usize)) {
        for (w, &word) in state.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let bit = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some((g, i)) = self.owner[bit] {
                    f(g as usize, i as usize);
                }
            }
        }
    }

    /// The state after reading `c`, in `next`; returns the passes its closure took.
    fn step(&self, state: &[u64], c: char, next: &mut [u64]) -> usize {
        next.fill(0);
        self.active(state, |g, i| {
            let driver = self.union && g < self.drivers;
            if let Some(j) = self.globs[g].step_tok(i, c, driver) {
                Self::set(next, self.offsets[g] + j);
            }
        });
        self.close(next)
    }

    /// The characters that can make a difference from `state`: literals of live tokens, `:`,
    /// `/` when some wildcard excludes it, and the fresh character (which acts like every other character).
    fn symbols(&self, state: &[u64], fresh: char, out: &mut Vec<char>) {
        out.clear();
        // `:` and `/` are what wildcard classes tell apart (see `Class`).
        out.push(':');
        if self.slash {
            out.push('/');
        }
        out.push(fresh);
        self.active(state, |g, i| match self.globs[g].toks[i] {
            // Variable symbols only where the driver spells them (see `Driver::Union`).
            Tok::Lit(c) if is_var_symbol(c) && self.union && g < self.drivers => out.push(c),
            Tok::Lit(c) if is_var_symbol(c) => {}
            Tok::Lit(c) => out.push(c),
            // Every character whose lowercase is `c` (`k`, `K` and the Kelvin sign).
            Tok::LitCi(c) => {
                out.push(c);
                out.extend(c.to_uppercase());
                out.extend(other_cases(c));
            }
            _ => {}
        });
        out.sort_unstable();
        out.dedup();
        // Tried first, so that a witness spells the character that stands for all the others
        // wherever any would do: `arn:aws:s3:::bx/x`, a bucket, not `arn:aws:s3:::b:/x`.
        if let Some(at) = out.iter().position(|&c| c == fresh) {
            out[..=at].rotate_right(1);
        }
    }

    fn accepts(&self, state: &[u64], g: usize) -> bool {
        Self::get(state, self.offsets[g] + self.globs[g].toks.len())
    }

    fn driver_accepts(&self, state: &[u64]) -> bool {
        let any = (0..self.drivers).any(|g| self.accepts(state, g));
        if self.union {
            any
        } else {
            !any
        }
    }

    /// A union driver whose globs are all stuck can never accept again.
    fn dead(&self, state: &[u64]) -> bool {
        self.union && state.iter().zip(&self.driver_bits).all(|(s, d)| s & d == 0)
    }
}

/// Do the leading literals of two globs rule out any common word? Before either side's first
/// wildcard both read one character per token, in step.
pub fn heads_clash(a: &Glob, b: &Glob) -> bool {
    // Asked for most pairs of patterns the proofs meet: equal tokens, the common case, are
    // passed over with one comparison.
    for (&x, &y) in a.toks.iter().zip(&b.toks) {
        if !is_literal(&x) || !is_literal(&y) {
            return false;
        }
        if x != y && tokens_clash(x, y) {
            return true;
        }
    }
    false
}

/// Do two tokens at the same position of a word admit no common character?
fn tokens_clash(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(p), Tok::Lit(q)) => p != q,
        (Tok::LitCi(p), Tok::Lit(q)) | (Tok::Lit(q), Tok::LitCi(p)) => {
            is_var_symbol(q) || lower(q) != p
        }
        (Tok::LitCi(p), Tok::LitCi(q)) => p != q,
        _ => false,
    }
}

fn is_literal(tok: &Tok) -> bool {
    matches!(tok, Tok::Lit(_) | Tok::LitCi(_))
}

fn literal_char(tok: &Tok) -> Option<char> {
    match *tok {
        Tok::Lit(c) | Tok::LitCi(c) => Some(c),
        _ => None,
    }
}

/// Decides from the tokens alone, when it can, that every word of `driver` gets the same verdict
/// from `observer`: `Some(true)` when the driver's language is inside the observer's,
/// `Some(false)` when the two are disjoint, `None` when the tokens do not tell.
///
/// The shapes of real policies mostly fall here: an observer `T*` over a driver that starts with
/// the tokens `T` (`arn:aws:s3:::b/*` over `arn:aws:s3:::b/app/*`), or two patterns whose literal
/// heads or tails differ. Both globs are free of variables (the caller checks).
pub fn decided(driver: &Glob, observer: &Glob) -> Option<bool> {
    let (d, o) = (&driver.toks[..], &observer.toks[..]);
    if d == o {
        return Some(true);
    }
    // `T*` contains every word that starts with a word of `T`, whatever follows.
    if let Some((Tok::Star(Class::Any), head)) = o.split_last() {
        if d.starts_with(head) {
            return Some(true);
        }
    }
    if heads_clash(driver, observer) {
        return Some(false);
    }
    // After both sides' last wildcard likewise, counted from the end.
    let tails = d.iter().rev().zip(o.iter().rev());
    let tails = tails.take_while(|(a, b)| is_literal(a) && is_literal(b));
    if tails.clone().any(|(&a, &b)| tokens_clash(a, b)) {
        return Some(false);
    }
    // A side that is one word shares none with a side whose words are all longer: every token
    // but `*` takes one character (a variable's would stand for a whole value).
    let shortest = |toks: &[Tok]| toks.iter().filter(|t| !matches!(t, Tok::Star(_))).count();
    let one_word = |toks: &[Tok]| toks.iter().all(is_literal);
    if !driver.has_vars
        && !observer.has_vars
        && ((one_word(d) && d.len() < shortest(o)) || (one_word(o) && o.len() < shortest(d)))
    {
        return Some(false);
    }
    // A driver that is one word is in the observer or not.
    if d.iter().all(|t| matches!(t, Tok::Lit(_))) {
        let word: String = d.iter().filter_map(literal_char).collect();
        return Some(observer.matches(&word));
    }
    // An observer that is one word (or, case-insensitively, one word in every case when the
    // driver ignores case too) shares a word with the driver exactly when the driver matches it.
    let all_lit = o.iter().all(|t| matches!(t, Tok::Lit(_)));
    let all_ci =
        o.iter().all(|t| matches!(t, Tok::LitCi(_))) && !d.iter().any(|t| matches!(t, Tok::Lit(_)));
    if all_lit || all_ci {
        let word: String = o.iter().filter_map(literal_char).collect();
        if !driver.matches(&word) {
            return Some(false);
        }
    }
    None
}

/// Whether `outer` matches every word of `inner` by one alignment of their tokens: each of
/// `inner`'s tokens is read by one of `outer`'s, a literal or `?` of `outer` reading one token
/// that can only be characters it admits, a `*` of `outer` a run of tokens whose characters
/// its class admits (`arn:aws:ssm:*:*:document/*` over `arn:aws:ssm:*::document/AWS-*`).
/// Whatever word `inner` matches, `outer` then matches it the same way, so `true` is an
/// inclusion; `false` only says this alignment test cannot tell. It costs one pass per token
/// of `outer` over `inner`'s tokens, where a search costs hundreds of times more. `inner` is
/// free of variables (widened by the caller); a variable's symbol is never covered.
pub fn covered_by_alignment(inner: &Glob, outer: &Glob) -> bool {
    let d = &inner.toks;
    // `reach[j]`: the tokens of `outer` read so far can read `inner`'s first `j` tokens.
    let mut reach = vec![false; d.len() + 1];
    reach[0] = true;
    for &tok in &outer.toks {
        if let Tok::Star(class) = tok {
            for j in 1..=d.len() {
                reach[j] = reach[j] || (reach[j - 1] && star_reads(class, d[j - 1]));
            }
        } else {
            for j in (1..=d.len()).rev() {
                reach[j] = reach[j - 1] && token_reads(tok, d[j - 1]);
            }
            reach[0] = false;
        }
        if !reach.contains(&true) {
            return false;
        }
    }
    reach[d.len()]
}

/// Whether the one-character token `outer` matches every character `inner` stands for.
fn token_reads(outer: Tok, inner: Tok) -> bool {
    match (outer, inner) {
        (_, Tok::Lit(c) | Tok::LitCi(c)) if is_var_symbol(c) => false,
        (Tok::Lit(a), Tok::Lit(b)) => a == b,
        (Tok::LitCi(a), Tok::Lit(b)) => lower(b) == a,
        (Tok::LitCi(a), Tok::LitCi(b)) => a == b,
        // `inner`'s `LitCi(b)` stands for the characters whose lowercase is `b`: `:` and `/`
        // are the lowercase of nothing else, so a class admits them all when it admits `b`.
        (Tok::One(class), Tok::Lit(b) | Tok::LitCi(b)) => class.admits(b),
        (Tok::One(class), Tok::One(other)) => class.admits_all_of(other),
        _ => false,
    }
}

/// Whether a `*` of `class` matches every run of characters the token `inner` stands for.
fn star_reads(class: Class, inner: Tok) -> bool {
    match inner {
        Tok::Lit(c) | Tok::LitCi(c) => !is_var_symbol(c) && class.admits(c),
        Tok::One(other) | Tok::Star(other) => class.admits_all_of(other),
    }
}

/// The search's answer when the driver is a union of globs and [`decided`] settles every
/// observer for each of them: each driver glob lies in one cell, so the cells are the distinct
/// verdicts of the driver globs. A cell's witness is the word the search would find first — the
/// shortest, then smallest, driver word with that verdict: a driver glob's literals with every
/// `*` empty, a case-insensitive letter in upper case (which sorts first). `None` leaves it to
/// the search.
fn decided_cells(driver: Driver<'_>, observers: &[&Glob]) -> Option<Vec<Cell>> {
    let Driver::Union(drivers) = driver else {
        return None;
    };
    if drivers.is_empty() || observers.iter().any(|g| g.has_vars) {
        return None;
    }
    let mut cells: Vec<Cell> = Vec::new();
    for d in drivers {
        // A driver with `?` or a variable has no first word we can name: left to the search.
        let witness = first_word(d)?;
        let accepted = observers
            .iter()
            .map(|o| decided(d, o))
            .collect::<Option<Vec<bool>>>()?;
        let first = |w: &String| (w.chars().count(), w.clone());
        match cells.iter_mut().find(|c| c.accepted == accepted) {
            Some(cell) if first(&witness) < first(&cell.witness) => cell.witness = witness,
            Some(_) => {}
            None => cells.push(Cell { accepted, witness }),
        }
    }
    cells.sort_by(|a, b| (a.witness.len(), &a.witness).cmp(&(b.witness.len(), &b.witness)));
    Some(cells)
}

/// The word the search meets first in `glob`'s language when the glob has no `?` and no
/// variable: its literals with every `*` empty, a case-insensitive ASCII letter in upper case
/// (the search tries characters in order, and upper case sorts first). `None` otherwise.
pub fn first_word(glob: &Glob) -> Option<String> {
    let mut word = String::with_capacity(glob.toks.len());
    for tok in &glob.toks {
        match *tok {
            Tok::Lit(c) if is_var_symbol(c) => return None,
            Tok::Lit(c) => word.push(c),
            Tok::LitCi(c) if !c.is_ascii() => return None,
            Tok::LitCi(c) => word.push(c.to_ascii_uppercase()),
            Tok::One(_) => return None,
            Tok::Star(_) => {}
        }
    }
    Some(word)
}

/// A character that occurs in no glob (in either case), standing for all such characters.
fn fresh(layout: &Layout<'_>) -> char {
    const CANDIDATES: &[u8] = b"xyzqkwj0123456789-_";
    // Which candidates occur (case-insensitively) anywhere; non-ASCII literals can't clash.
    let mut taken = [false; 128];
    for glob in &layout.globs {
        for tok in &glob.toks {
            if let Tok::Lit(c) | Tok::LitCi(c) = *tok {
                if c.is_ascii() {
                    taken[c.to_ascii_lowercase() as usize] = true;
                }
            }
        }
    }
    if let Some(&c) = CANDIDATES.iter().find(|&&c| !taken[c as usize]) {
        return c as char;
    }
    // Every candidate is used: fall back to a letter outside ASCII that no glob mentions.
    (0x00C0u32..0x0250)
        .filter_map(char::from_u32)
        .find(|&c| {
            !layout.globs.iter().any(|g| {
                g.toks
                    .iter()
                    .any(|t| matches!(*t, Tok::Lit(d) | Tok::LitCi(d) if lower(d) == lower(c)))
            })
        })
        .expect("some character is unused")
}

/// Enumerates the cells of `driver` with respect to `observers` (see the module docs), within
/// [`MAX_WORK`].
pub fn explore(
    driver: Driver<'_>,
    observers: &[&Glob],
    max_states: usize,
) -> Result<Vec<Cell>, TooLarge> {
    let mut work = MAX_WORK;
    explore_within(driver, observers, max_states, &mut work)
}

/// [`explore`] within a budget of work shared with other searches: the work done is taken from
/// `work` (in the units of [`MAX_WORK`]), and when it runs out the search gives up with
/// [`TooLarge`], leaving it at 0.
pub fn explore_within(
    driver: Driver<'_>,
    observers: &[&Glob],
    max_states: usize,
    work: &mut usize,
) -> Result<Vec<Cell>, TooLarge> {
    if let Some(cells) = decided_cells(driver, observers) {
        return Ok(cells);
    }
    search(driver, observers, max_states, work)
}

/// The product search itself, without the [`decided_cells`] shortcut.
fn search(
    driver: Driver<'_>,
    observers: &[&Glob],
    max_states: usize,
    work: &mut usize,
) -> Result<Vec<Cell>, TooLarge> {
    let (drivers, union): (&[&Glob], bool) = match driver {
        Driver::Union(globs) => (globs, true),
        Driver::Complement(globs) => (globs, false),
        Driver::Universe => (&[], false),
    };
    let mut globs: Vec<&Glob> = drivers.to_vec();
    globs.extend_from_slice(observers);
    let mut offsets = Vec::with_capacity(globs.len());
    let mut bits = 0;
    for glob in &globs {
        offsets.push(bits);
        bits += glob.states();
    }
    let words = bits.div_ceil(64).max(1);
    let mut owner = vec![None; words * 64];
    let mut stars = vec![0; words];
    let mut driver_bits = vec![0; words];
    for (g, glob) in globs.iter().enumerate() {
        for (i, tok) in glob.toks.iter().enumerate() {
            owner[offsets[g] + i] = Some((g as u32, i as u32));
            if matches!(tok, Tok::Star(_)) {
                Layout::set(&mut stars, offsets[g] + i);
            }
        }
        if g < drivers.len() {
            (0..glob.states()).for_each(|i| Layout::set(&mut driver_bits, offsets[g] + i));
        }
    }
    // `/` only needs a letter of its own when some wildcard excludes it.
    let slash = globs
        .iter()
        .flat_map(|g| &g.toks)
        .any(|t| matches!(t, Tok::Star(Class::Word) | Tok::One(Class::Word)));
    let layout = Layout {
        globs,
        offsets,
        words,
        drivers: drivers.len(),
        union,
        stars,
        driver_bits,
        owner,
        slash,
    };
    let fresh = fresh(&layout);
    let mut sigma = Vec::new();

    // BFS gives shortest witnesses. States live back to back in `arena` (node `n` at
    // `n * words`); `seen` maps a state's hash to the first node with that hash, and `chain`
    // links nodes sharing a hash — no allocation per node.
    let words = layout.words;
    let (mut arena, passes) = layout.initial();
    let mut spend = |cost: usize| match work.checked_sub(cost) {
        Some(left) => {
            *work = left;
            Ok(())
        }
        None => {
            *work = 0;
            Err(TooLarge)
        }
    };
    spend(words * passes)?;
    let mut parent: Vec<(usize, char)> = vec![(usize::MAX, '\0')];
    let mut chain: Vec<usize> = vec![usize::MAX];
    // Product states are short `u64` slices hashed many times: a fast hasher, not SipHash.
    let hasher = foldhash::fast::FixedState::default();
    let hash = |state: &[u64]| hasher.hash_one(state);
    let mut seen: HashMap<u64, usize> = HashMap::new();
    seen.insert(hash(&arena), 0);
    let mut cells: HashMap<Vec<bool>, usize> = HashMap::new();
    let mut state = vec![0u64; words];
    let mut next = vec![0u64; words];
    let mut head = 0;
    while head < parent.len() {
        state.copy_from_slice(&arena[head * words..(head + 1) * words]);
        if layout.driver_accepts(&state) {
            let accepted: Vec<bool> = (layout.drivers..layout.globs.len())
                .map(|g| layout.accepts(&state, g))
                .collect();
            cells.entry(accepted).or_insert(head);
        }
        layout.symbols(&state, fresh, &mut sigma);
        for &c in &sigma {
            // Stepping reads the state and writes `next` (once per closure pass); hashing and
            // comparing read `next` again.
            spend(words * (layout.step(&state, c, &mut next) + 3))?;
            if layout.dead(&next) {
                continue;
            }
            let h = hash(&next);
            let mut at = seen.get(&h).copied().unwrap_or(usize::MAX);
            while at != usize::MAX && arena[at * words..(at + 1) * words] != next[..] {
                at = chain[at];
            }
            if at != usize::MAX {
                continue;
            }
            if parent.len() >= max_states || arena.len() + words > MAX_STATE_WORDS {
                return Err(TooLarge);
            }
            let id = parent.len();
            chain.push(seen.insert(h, id).unwrap_or(usize::MAX));
            arena.extend_from_slice(&next);
            parent.push((head, c));
        }
        head += 1;
    }
    let mut out: Vec<Cell> = cells
        .into_iter()
        .map(|(accepted, node)| {
            let mut word = Vec::new();
            let mut at = node;
            while at != 0 {
                word.push(parent[at].1);
                at = parent[at].0;
            }
            word.reverse();
            Cell {
                accepted,
                witness: word.into_iter().collect(),
            }
        })
        .collect();
    // Deterministic order: by witness length, then text.
    out.sort_by(|a, b| (a.witness.len(), &a.witness).cmp(&(b.witness.len(), &b.witness)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::pattern::{compile, PatternKind, VarTable, Vars};

    fn arn(text: &str, table: &mut VarTable) -> Glob {
        compile(text, PatternKind::Arn, &mut Vars::Symbolic(table)).unwrap()
    }

    /// Is `p` inside the union of `qs`? Returns a witness when not.
    fn outside(p: &Glob, qs: &[&Glob]) -> Option<String> {
        explore(Driver::Union(&[p]), qs, MAX_STATES)
            .unwrap()
            .into_iter()
            .find(|c| c.accepted.iter().all(|a| !a))
            .map(|c| c.witness)
    }

    /// The alignment test finds the inclusions of the shapes real policies repeat, each of which
    /// the search confirms, and claims none the search refutes.
    #[test]
    fn alignments_find_inclusions_the_search_confirms() {
        let t = &mut VarTable::default();
        let pairs = [
            (
                "arn:aws:ssm:*:*:document/*",
                "arn:aws:ssm:*::document/AWS-*",
                true,
            ),
            (
                "arn:aws:sagemaker:*:*:*/*",
                "arn:aws:sagemaker:*:*:app/*/*/*/*",
                true,
            ),
            (
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/M*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/M*NLB/*",
                true,
            ),
            ("arn:*:iam::*:role/*", "arn:aws:iam::*:role/a?c", true),
            // Not included: `b/*` has words without the `/x` that `b/*/x` ends with, `?` is one
            // character where `*` may be none or several, `us-*` misses the other regions.
            ("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/*", false),
            ("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", false),
            ("arn:aws:logs:us-*:*:x", "arn:aws:logs:*:*:x", false),
        ];
        for (outer, inner, aligned) in pairs {
            let (o, i) = (arn(outer, t), arn(inner, t));
            assert_eq!(
                covered_by_alignment(&i, &o),
                aligned,
                "{outer} over {inner}"
            );
            assert_eq!(
                outside(&i, &[&o]).is_none(),
                aligned,
                "{outer} over {inner}"
            );
        }
        // Actions compile lowercased; `StringEqualsIgnoreCase` values read either case
        // (`LitCi`), so such a token reads a literal of either case, and a literal does not
        // read a `LitCi`, which stands for both cases.
        let glob = |text: &str, kind| {
            compile(text, kind, &mut Vars::Symbolic(&mut VarTable::default())).unwrap()
        };
        let action = |text| glob(text, PatternKind::Action);
        assert!(covered_by_alignment(&action("s3:get*"), &action("S3:G*")));
        let exact = glob("ab", PatternKind::Exact);
        let caseless = glob("AB", PatternKind::ExactIgnoreCase);
        assert!(covered_by_alignment(&exact, &caseless));
        assert!(!covered_by_alignment(&caseless, &exact));
        assert!(outside(&exact, &[&caseless]).is_none());
        assert!(outside(&caseless, &[&exact]).is_some());
    }

    #[test]
    fn searches_stop_at_their_work_and_memory_limits() {
        let t = &mut VarTable::default();
        let p = arn("arn:aws:s3:::*a*b*c*d*e*f*g*h*", t);
        let q = arn("arn:aws:s3:::*h*g*f*e*d*c*b*a*", t);
        let mut work = 1_000;
        assert_eq!(
            explore_within(Driver::Union(&[&p]), &[&q], MAX_STATES, &mut work),
            Err(TooLarge)
        );
        assert_eq!(work, 0);
        let mut work = MAX_WORK;
        assert!(explore_within(Driver::Union(&[&p]), &[&q], MAX_STATES, &mut work).is_ok());
        assert!(work < MAX_WORK);
        // Globs too many for their states to fit in memory.
        let many: Vec<Glob> = (0..40_000)
            .map(|i| {
                compile(
                    &format!("s3:*x{i}*"),
                    PatternKind::Action,
                    &mut Vars::Symbolic(t),
                )
                .unwrap()
            })
            .collect();
        let refs: Vec<&Glob> = many.iter().collect();
        let any = compile("s3:*", PatternKind::Action, &mut Vars::Symbolic(t)).unwrap();
        assert_eq!(
            explore(Driver::Union(&[&any]), &refs, MAX_STATES),
            Err(TooLarge)
        );
    }

    #[test]
    fn inclusion_in_unions() {
        let t = &mut VarTable::default();
        let p = arn("arn:aws:s3:::acme/*", t);
        let raw = arn("arn:aws:s3:::acme/raw/*", t);
        let rest = arn("arn:aws:s3:::acme/?*", t);
        let empty = arn("arn:aws:s3:::acme/", t);
        assert_eq!(outside(&raw, &[&p]), None);
        assert_eq!(outside(&p, &[&raw]).as_deref(), Some("arn:aws:s3:::acme/"));
        assert_eq!(outside(&p, &[&rest, &empty]), None);
        let w = outside(&p, &[&rest]).unwrap();
        assert!(p.matches(&w) && !rest.matches(&w));
    }

    #[test]
    fn segment_rule_is_respected_in_inclusion() {
        let t = &mut VarTable::default();
        // `arn:aws:s3:*` is padded, so it equals `arn:aws:s3:*:*:*`.
        let short = arn("arn:aws:s3:*", t);
        let full = arn("arn:aws:s3:*:*:*", t);
        assert_eq!(outside(&short, &[&full]), None);
        assert_eq!(outside(&full, &[&short]), None);
        // A region wildcard cannot contain `:`, so this is not everything.
        let region = arn("arn:aws:s3:*:1:x", t);
        let any_region = arn("arn:aws:s3:*", t);
        assert_eq!(outside(&region, &[&any_region]), None);
        let w = outside(&any_region, &[&region]).unwrap();
        assert!(any_region.matches(&w) && !region.matches(&w));
    }

    #[test]
    fn variables_are_opaque_symbols() {
        let t = &mut VarTable::default();
        let mine = arn("arn:aws:s3:::home/${aws:username}/*", t);
        let same = arn("arn:aws:s3:::home/${aws:username}/*", t);
        let star = arn("arn:aws:s3:::home/*", t);
        let one = arn("arn:aws:s3:::home/?/*", t);
        assert_eq!(outside(&mine, &[&same]), None);
        assert_eq!(outside(&mine, &[&star]), None);
        // `?` can't stand for a value of unknown length.
        assert!(outside(&mine, &[&one]).is_some());
        // A `*` inside the region segment can't stand for a value that might contain `:` ...
        let var_region = arn("arn:aws:ec2:${aws:RequestedRegion}-x:1:x", t);
        let some_region = arn("arn:aws:ec2:*-x:1:x", t);
        assert!(outside(&var_region, &[&some_region]).is_some());
        // ... but a `*` ending its segment matches across colons, so it covers any value.
        let var_region = arn("arn:aws:ec2:${aws:RequestedRegion}:1:x", t);
        let any_region = arn("arn:aws:ec2:*:1:x", t);
        assert_eq!(outside(&var_region, &[&any_region]), None);
    }

    #[test]
    fn the_shortcut_settles_the_shapes_of_real_policies() {
        let t = &mut VarTable::default();
        let mine = arn("arn:aws:s3:::acme/app-0/*", t);
        let bucket_objects = arn("arn:aws:s3:::acme/*", t);
        let bucket = arn("arn:aws:s3:::acme", t);
        let table = arn("arn:aws:dynamodb:*:1:table/app-*", t);
        let cells = decided_cells(Driver::Union(&[&mine]), &[&bucket_objects, &bucket, &table]);
        let expected = Cell {
            accepted: vec![true, false, false],
            witness: "arn:aws:s3:::acme/app-0/".into(),
        };
        assert_eq!(cells, Some(vec![expected]));
        let action = |p: &str, t: &mut VarTable| {
            compile(p, PatternKind::Action, &mut Vars::Symbolic(t)).unwrap()
        };
        let (get, put) = (action("s3:GetObject", t), action("s3:PutObject", t));
        let (any_s3, delete) = (action("s3:*", t), action("s3:DeleteBucket", t));
        let cells = decided_cells(Driver::Union(&[&get, &put]), &[&any_s3, &delete]).unwrap();
        assert_eq!(cells.len(), 1);
        assert_eq!(cells[0].accepted, vec![true, false]);
        assert_eq!(cells[0].witness, "s3:getobject");
        // One-word drivers split by one-word observers: a cell per verdict.
        let cells = decided_cells(Driver::Union(&[&get, &put]), &[&any_s3, &put]).unwrap();
        let verdicts: Vec<(Vec<bool>, &str)> = cells
            .iter()
            .map(|c| (c.accepted.clone(), c.witness.as_str()))
            .collect();
        let expected = vec![
            (vec![true, false], "s3:getobject"),
            (vec![true, true], "s3:putobject"),
        ];
        assert_eq!(verdicts, expected);
        // Part of `s3:*` is inside `s3:Get*`: two cells, left to the search.
        let get_any = action("s3:Get*", t);
        assert_eq!(decided_cells(Driver::Union(&[&any_s3]), &[&get_any]), None);
    }

    #[test]
    fn complement_and_universe_drivers() {
        let t = &mut VarTable::default();
        let iam = compile("iam:*", PatternKind::Action, &mut Vars::Symbolic(t)).unwrap();
        let s3 = compile("s3:*", PatternKind::Action, &mut Vars::Symbolic(t)).unwrap();
        let cells = explore(Driver::Complement(&[&iam]), &[&s3, &iam], MAX_STATES).unwrap();
        assert!(cells.iter().all(|c| !c.accepted[1]));
        assert!(cells.iter().any(|c| c.accepted[0]));
        assert!(cells.iter().any(|c| !c.accepted[0]));
        let all = explore(Driver::Universe, &[&s3], MAX_STATES).unwrap();
        assert_eq!(all.len(), 2);
    }
}

#[cfg(test)]
mod brute_force {
    //! The product search against brute force over every short string of a small alphabet.
    use super::*;
    use crate::reason::pattern::{compile, PatternKind, VarTable, Vars};
    use proptest::prelude::*;

    fn all_strings(alphabet: &[char], max: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut layer = vec![String::new()];
        for _ in 0..max {
            layer = layer
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            out.extend(layer.iter().cloned());
        }
        out
    }

    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!['a', 'b', ':', '*', '?']), 0..5)
            .prop_map(|cs| cs.into_iter().collect())
    }

    /// Patterns shaped like real ones, which the shortcut settles more often: a shared head, a
    /// varying middle, an optional trailing `*`.
    fn shaped() -> impl Strategy<Value = String> {
        (
            // The last head has an ARN's five colons: its wildcards are in the resource segment.
            prop::sample::select(vec!["", "ab", "ab:", "ab:a", "a:b:*:a::"]),
            prop::collection::vec(prop::sample::select(vec!['a', 'b', 'B', ':', '*']), 0..4),
            any::<bool>(),
        )
            .prop_map(|(head, middle, star)| {
                let middle: String = middle.into_iter().collect();
                format!("{head}{middle}{}", if star { "*" } else { "" })
            })
    }

    /// A boundary glob for the shortcut's readings: [`shaped`]'s characters and `?`, `é`.
    fn any_observer() -> impl Strategy<Value = String> {
        let chars = vec!['a', 'b', 'B', ':', '*', '?', 'é'];
        (
            prop::sample::select(vec!["", "ab", "ab:", "a:b:*:a::", "aé"]),
            prop::collection::vec(prop::sample::select(chars), 0..5),
        )
            .prop_map(|(head, rest)| format!("{head}{}", rest.into_iter().collect::<String>()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn shortcut_agrees_with_the_search(
            drivers in prop::collection::vec(shaped(), 1..4),
            observers in prop::collection::vec(shaped(), 0..4),
            kind in prop::sample::select(vec![PatternKind::Arn, PatternKind::Like, PatternKind::Action]),
        ) {
            let table = &mut VarTable::default();
            let mut glob = |p: &str| compile(p, kind, &mut Vars::Symbolic(table)).unwrap();
            let ds: Vec<Glob> = drivers.iter().map(|p| glob(p)).collect();
            let obs: Vec<Glob> = observers.iter().map(|p| glob(p)).collect();
            let drefs: Vec<&Glob> = ds.iter().collect();
            let refs: Vec<&Glob> = obs.iter().collect();
            if let Some(cells) = decided_cells(Driver::Union(&drefs), &refs) {
                let mut work = MAX_WORK;
                let searched = search(Driver::Union(&drefs), &refs, MAX_STATES, &mut work).unwrap();
                prop_assert_eq!(cells, searched);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        /// The containment shortcut's readings of a pattern without making its tokens
        /// (`contain::Shape`): a word is decided by matching it against the observer's literal
        /// head ([`LiteralHead::matches_word`]), a pattern with wildcards by its literal head
        /// where that tells ([`LiteralHead::verdict`]) or by a shared start
        /// ([`Glob::prefix_verdict`], and the same from the head's
        /// [`LiteralHead::prefix_verdict`], which compares bytes where it can); all exactly as
        /// [`decided`] answers on the compiled pattern, and the shared start read off the text
        /// exactly where the compiled tokens show one. The pattern is ASCII, as the shortcut
        /// reads only such; the observer (a boundary's glob) may have `?` and characters that
        /// are not.
        #[test]
        fn readings_without_tokens_agree_with_decided(
            pattern in shaped(),
            observer in prop_oneof![shaped(), any_observer()],
            arn in any::<bool>(),
        ) {
            let kind = if arn { PatternKind::Arn } else { PatternKind::Action };
            let table = &mut VarTable::default();
            let driver = compile(&pattern, kind, &mut Vars::Symbolic(table)).unwrap();
            let observer = compile(&observer, kind, &mut Vars::Symbolic(table)).unwrap();
            let decided = decided(&driver, &observer);
            match crate::reason::pattern::first_special(&pattern) {
                None => prop_assert_eq!(
                    decided,
                    Some(observer.literal_head(kind).matches_word(&observer, &pattern, kind))
                ),
                Some(at) => {
                    let head = observer.literal_head(kind);
                    if let Some(verdict) = head.verdict(&pattern[..at], kind) {
                        prop_assert_eq!(decided, Some(verdict));
                    }
                    let start = observer.prefix_verdict(&pattern, kind);
                    // The head's reading, by bytes where it can, is the tokens' reading.
                    prop_assert_eq!(head.prefix_verdict(&observer, &pattern, kind), start);
                    if let Some(verdict) = start {
                        prop_assert_eq!(decided, Some(verdict));
                    }
                    // The observer is a start of the pattern's tokens (within its text, not its
                    // padding) and then `*`.
                    let shared = match observer.toks.split_last() {
                        Some((Tok::Star(Class::Any), start)) => {
                            start.len() <= pattern.len() && driver.toks.starts_with(start)
                        }
                        _ => false,
                    };
                    prop_assert_eq!(start == Some(true), shared, "{} within {:?}", pattern, observer);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn cells_match_brute_force(
            driver in pattern(),
            observers in prop::collection::vec(pattern(), 1..4),
            arn in any::<bool>(),
            complement in any::<bool>(),
        ) {
            let kind = if arn { PatternKind::Arn } else { PatternKind::Like };
            let table = &mut VarTable::default();
            let mut glob = |p: &str| compile(p, kind, &mut Vars::Symbolic(table)).unwrap();
            let d = glob(&driver);
            let obs: Vec<Glob> = observers.iter().map(|p| glob(p)).collect();
            let refs: Vec<&Glob> = obs.iter().collect();
            let drivers = [&d];
            let mode = if complement { Driver::Complement(&drivers) } else { Driver::Union(&drivers) };
            let cells = explore(mode, &refs, MAX_STATES).unwrap();
            // The shortcut, where it answers, gives exactly what the search gives.
            if let Some(cells) = decided_cells(mode, &refs) {
                let mut work = MAX_WORK;
                prop_assert_eq!(cells, search(mode, &refs, MAX_STATES, &mut work).unwrap());
            }
            // Every witness is a driver word with the cell's verdicts.
            for cell in &cells {
                prop_assert_eq!(d.matches(&cell.witness), !complement);
                let verdicts: Vec<bool> = obs.iter().map(|o| o.matches(&cell.witness)).collect();
                prop_assert_eq!(&verdicts, &cell.accepted);
            }
            // Every short driver word falls in some reported cell (`x` stands for all others).
            for s in all_strings(&['a', 'b', ':', 'x'], 5) {
                if d.matches(&s) == complement {
                    continue;
                }
                let verdicts: Vec<bool> = obs.iter().map(|o| o.matches(&s)).collect();
                prop_assert!(cells.iter().any(|c| c.accepted == verdicts), "{s:?} has verdicts {verdicts:?} missing from {cells:?}");
            }
        }
    }
}
