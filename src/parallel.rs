//! The one ordered parallel map, for the independent per-file, per-statement and per-subject
//! stages. rayon does the scheduling (work stealing, so a few expensive items — a large file, a
//! hard proof — do not leave a core idle); this module only fixes the contract.
//!
//! In: a slice and a function of one element. Out: the results in input order, so what IAMX
//! prints never depends on scheduling. Beside it, a sort ([`sort_unstable`]),
//! [`first_equal`]: each item's first equal item, so stages that repeat work for repeated items
//! (the checks of repeated statements) do it once, and [`on_pool_if`], which runs a large
//! command's sequential stages on the pool too.

use rayon::prelude::*;
use std::hash::{BuildHasher, Hash};

/// Below this many items the work is done on the calling thread: starting the pool costs more
/// than it saves, and one-file projects and single policies are the common case.
const SEQUENTIAL_BELOW: usize = 64;

/// The stack of each thread of the pool: a main thread's usual 8 MiB, as [`on_pool_if`] runs
/// whole commands there (address space only; pages are used as the stack grows).
const POOL_STACK: usize = 8 << 20;

/// Sets up the pool before its first use (rayon starts it on first use, with 2 MiB stacks).
fn pool() {
    static SET_UP: std::sync::Once = std::sync::Once::new();
    SET_UP.call_once(|| {
        // An error means the pool already runs (set up elsewhere first): it is used as it is.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(POOL_STACK)
            .build_global();
    });
}

/// Maps `f` over `items` on all cores, results in input order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        return items.iter().map(f).collect();
    }
    pool();
    items.par_iter().map(f).collect()
}

/// Maps `f` over `items` on all cores and concatenates the results in input order.
pub fn flat_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Vec<R> + Sync + Send) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        return items.iter().flat_map(f).collect();
    }
    pool();
    items.par_iter().flat_map_iter(f).collect()
}

/// Sorts on all cores. An unstable sort: elements that compare equal may end in either order,
/// so a caller whose output depends on the order gives distinct elements.
pub fn sort_unstable<T: Ord + Send>(items: &mut [T]) {
    if items.len() < SEQUENTIAL_BELOW {
        return items.sort_unstable();
    }
    pool();
    items.par_sort_unstable();
}

/// Runs two independent jobs at once and returns both results.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    pool();
    rayon::join(a, b)
}

/// Runs `work` on a thread of the pool, the calling thread waiting, when the input is `large`;
/// else on the calling thread (a small input does not start the pool).
///
/// The parallel stages allocate on the pool's threads; run from there, the sequential stages
/// (resolving, lowering, the proofs' set-up) free that memory on the thread that allocated it,
/// as mimalloc frees fastest. From the main thread, those frees took mimalloc's cross-thread
/// path, 3% of `check`'s instructions at 10,000 roles.
pub fn on_pool_if<R: Send>(large: bool, work: impl FnOnce() -> R + Send) -> R {
    if !large {
        return work();
    }
    join(work, || ()).0
}

/// For each of `count` items, the first item whose key equals its own: itself, or an earlier
/// repeat. The work a repeat would do again is then done once, for its representative.
///
/// Keys are hashed on all cores, and only the hashes (8 bytes an item) are held for all items;
/// a repeat counts as one only once its key is seen to be equal to its representative's (made
/// once for its group), so a hash collision costs work, never a wrong answer.
pub fn first_equal<K: Hash + Eq>(
    count: usize,
    key: impl Fn(usize) -> K + Sync + Send,
) -> Vec<usize> {
    let hasher = foldhash::fast::RandomState::default();
    first_equal_by(count, key, |key| hasher.hash_one(key))
}

/// [`first_equal`] with the hash given (a test's colliding one).
pub fn first_equal_by<K: Eq>(
    count: usize,
    key: impl Fn(usize) -> K + Sync + Send,
    hash: impl Fn(&K) -> u64 + Sync + Send,
) -> Vec<usize> {
    let indices: Vec<usize> = (0..count).collect();
    let hashes = map(&indices, |&i| hash(&key(i)));
    let mut first: foldhash::HashMap<u64, usize> = foldhash::HashMapExt::with_capacity(count);
    let mut representative: Vec<usize> = hashes
        .iter()
        .enumerate()
        .map(|(i, hash)| *first.entry(*hash).or_insert(i))
        .collect();
    let mut repeats: Vec<usize> = (0..count).filter(|&i| representative[i] != i).collect();
    repeats.sort_by_key(|&i| representative[i]);
    let groups: Vec<&[usize]> = repeats
        .chunk_by(|&a, &b| representative[a] == representative[b])
        .collect();
    let differing = flat_map(&groups, |group| {
        let first = key(representative[group[0]]);
        group.iter().copied().filter(|&i| key(i) != first).collect()
    });
    for i in differing {
        representative[i] = i;
    }
    representative
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::flat_map(&items, |&i| vec![i, i]);
        assert_eq!(doubled.len(), 20_000);
        assert!(doubled.windows(2).all(|w| w[0] <= w[1]));
        let squared = super::map(&items, |&i| u64::from(i) * u64::from(i));
        assert!(squared.windows(2).all(|w| w[0] < w[1]));
        let mut shuffled: Vec<u32> = (0..10_000).map(|i| (i * 7_919) % 10_000).collect();
        super::sort_unstable(&mut shuffled);
        assert_eq!(shuffled, items);
    }

    /// A large input's work runs on a thread of the pool and its result comes back; a small
    /// one's stays on the calling thread (a test's own thread is not one of the pool's).
    #[test]
    fn large_work_runs_on_the_pool() {
        let on_pool = || rayon::current_thread_index().is_some();
        assert!(rayon::current_thread_index().is_none());
        assert!(super::on_pool_if(true, on_pool));
        assert!(!super::on_pool_if(false, on_pool));
        assert_eq!(super::on_pool_if(true, || vec![1, 2, 3]), [1, 2, 3]);
    }

    #[test]
    fn repeats_point_at_their_first_equal() {
        let words = ["a", "b", "a", "c", "b", "a"];
        let expected = vec![0, 1, 0, 3, 1, 0];
        assert_eq!(super::first_equal(words.len(), |i| words[i]), expected);
        // With every hash equal, equality alone tells the repeats from the rest: a key that
        // differs from its group's first is its own representative.
        let collided = super::first_equal_by(words.len(), |i| words[i], |_| 7);
        assert_eq!(collided, vec![0, 1, 0, 3, 4, 0]);
        let many: Vec<u32> = (0..1000).map(|i| i % 10).collect();
        let firsts = super::first_equal(many.len(), |i| many[i]);
        assert!(firsts.iter().enumerate().all(|(i, &f)| f == i % 10));
    }
}
