//! The one ordered parallel map, for the independent per-file, per-statement and per-subject
//! stages. rayon does the scheduling (work stealing, so a few expensive items — a large file, a
//! hard proof — do not leave a core idle); this module only fixes the contract.
//!
//! In: a slice and a function of one element. Out: the results in input order, so what IAMX
//! prints never depends on scheduling.

use rayon::prelude::*;

/// Below this many items the work is done on the calling thread: starting the pool costs more
/// than it saves, and one-file projects and single policies are the common case.
const SEQUENTIAL_BELOW: usize = 64;

/// Maps `f` over `items` on all cores, results in input order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        return items.iter().map(f).collect();
    }
    items.par_iter().map(f).collect()
}

/// Maps `f` over `items` on all cores and concatenates the results in input order.
pub fn flat_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Vec<R> + Sync + Send) -> Vec<R> {
    if items.len() < SEQUENTIAL_BELOW {
        return items.iter().flat_map(f).collect();
    }
    items.par_iter().flat_map_iter(f).collect()
}

/// Runs two independent jobs at once and returns both results.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    rayon::join(a, b)
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
    }
}
