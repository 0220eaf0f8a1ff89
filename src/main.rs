//! The `iamx` command line. Each subcommand lives in its own file under `cli/`.

mod cli;

/// mimalloc instead of the system allocator: a quarter of `check`'s time went to glibc's
/// malloc/free (many small strings and vectors per statement), and its arenas held freed memory.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc through its plain `mi_malloc` wherever that gives the alignment asked for, as the
/// standard library's own `System` allocator does with `malloc`; the `mimalloc` crate calls
/// `mi_malloc_aligned` for every allocation, whose extra checks were 3.5% of `check`'s
/// instructions (about five million allocations at 10,000 roles).
struct Mimalloc;

/// Whether `mi_malloc` (a drop-in `malloc`) aligns a block of this layout: like any C `malloc`
/// it aligns a block of 16 bytes or more to 16 (`MI_MAX_ALIGN_SIZE`, `alignof(max_align_t)`),
/// and a smaller one to 8 (its blocks are multiples of 8 bytes); an alignment of at most 16
/// and at most the size is then always met. The same rule as `std`'s `System` allocator on
/// glibc.
fn plain_malloc_aligns(align: usize, size: usize) -> bool {
    align <= 16 && align <= size
}

// SAFETY: every pointer handed out comes from mimalloc, aligned as the layout asks (by
// `plain_malloc_aligns` or by mimalloc's aligned calls), and is given back to mimalloc's
// `mi_free`/`mi_realloc*`, which take any block mimalloc made, however it was aligned.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        match plain_malloc_aligns(layout.align(), layout.size()) {
            true => unsafe { mi_malloc(layout.size()) as *mut u8 },
            false => unsafe { mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        match plain_malloc_aligns(layout.align(), layout.size()) {
            true => unsafe { mi_zalloc(layout.size()) as *mut u8 },
            false => unsafe { mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        match plain_malloc_aligns(layout.align(), new_size) {
            true => unsafe { mi_realloc(ptr.cast(), new_size) as *mut u8 },
            false => unsafe { mi_realloc_aligned(ptr.cast(), new_size, layout.align()) as *mut u8 },
        }
    }
}

/// Returns the memory the allocator holds freed to the system. The compiler calls it once it
/// has lowered the roles (`compile::Options::release_memory`), their syntax trees and IR
/// dropped: mimalloc otherwise keeps their pages, and the checks' peak stacks on them
/// (10,000-role check: peak RSS 98 -> 92 MiB; when it ran between whole stages, 136 -> 116).
pub(crate) fn release_freed_memory() {
    // SAFETY: `mi_collect` only reorganises mimalloc's own free lists and pages; it may be
    // called at any time from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Turns transparent huge pages off for this process. mimalloc asks for them (`MADV_HUGEPAGE`)
/// on the memory it takes from the system, and on Linux's default `madvise` setting the kernel
/// then backs each touched 2 MiB region with a whole huge page, compacting memory to find one
/// when it has none free. Without them the 10,000-role check peaks at 93-95 MiB instead of
/// 113-120 (the part of each huge page the heap never used), and the 100,000-role check spends
/// 0.5 s in the kernel instead of 1.0-2.1 s; the 10,000-role check takes ~9% more CPU (27,000
/// page faults instead of 2,700). docs/performance.md, item 78, has the measurements.
/// `MIMALLOC_ALLOW_THP` set in the environment leaves the choice to mimalloc (`1`: huge pages).
fn disable_transparent_huge_pages() {
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
        return;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; it takes no pointers. A
    // kernel without it answers EINVAL, and huge pages then stay as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> std::process::ExitCode {
    disable_transparent_huge_pages();
    cli::run()
}
