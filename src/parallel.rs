//! The one ordered parallel map, for the independent per-file, per-statement and per-subject
//! stages. rayon does the scheduling (work stealing, so a few expensive items — a large file, a
//! hard proof — do not leave a core idle); this module only fixes the contract.
//!
//! In: a slice and a function of one element. Out: the results in input order, so what IAMX
//! prints never depends on scheduling. Beside it, [`map_with`], whose function keeps a state
//! through each thread's run of items (the catalog checks remember the clean statements they
//! have seen, so repeats are checked once), a sort ([`sort_unstable`]), and [`on_pool_if`],
//! which runs a large command's sequential stages on the pool too.

use rayon::prelude::*;

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

/// [`map`] with a state for each piece of the work: `init` makes one for each run of items a
/// thread takes (a few per thread), and `f` may keep in it what it learns from earlier items
/// of the run (which repeats it has seen). Results in input order.
pub fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    pool();
    items.par_iter().map_init(init, f).collect()
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
        // A state per run of items, kept from one item to the next: each run counts from one.
        let counted = super::map_with(
            &items,
            || 0u32,
            |seen, &i| {
                *seen += 1;
                (i, *seen)
            },
        );
        assert!(counted.iter().map(|&(i, _)| i).eq(items.iter().copied()));
        assert!(counted.iter().all(|&(i, seen)| seen >= 1 && seen <= i + 1));
        assert!(counted.iter().any(|&(_, seen)| seen > 1));
        let few: Vec<u32> = (0..10).collect();
        let counted = super::map_with(
            &few,
            || 0u32,
            |seen, _| {
                *seen += 1;
                *seen
            },
        );
        assert_eq!(counted, (1..=10).collect::<Vec<u32>>());
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
}
