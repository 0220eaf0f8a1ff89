//! Data parallelism for the independent per-file and per-statement stages, on scoped threads.
//!
//! In: a slice and a function of one element. Out: the concatenated results in input order, so
//! what the compiler prints never depends on scheduling.

/// Maps `f` over `items` on all cores and concatenates the results in order.
pub fn flat_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Vec<R> + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Below a few hundred items the threads cost more than they save.
    if threads <= 1 || items.len() < 256 {
        return items.iter().flat_map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().flat_map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().expect("workers do not panic"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::flat_map(&items, |&i| vec![i, i]);
        assert_eq!(doubled.len(), 20_000);
        assert!(doubled.windows(2).all(|w| w[0] <= w[1]));
    }
}
