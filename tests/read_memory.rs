//! What reading a JSON policy costs in memory, at most, for its size (docs/fuzzing.md,
//! "Limits"): measured with a counting allocator around `iam::read::read`. The model keeps every
//! value as a `String` with its span, so the ratio is highest for the tiniest values; for
//! policies as people write them it is a few times the text.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = CURRENT.fetch_add(new_size - layout.size(), Ordering::SeqCst)
                + (new_size - layout.size());
            PEAK.fetch_max(now, Ordering::SeqCst);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most memory reading `text` holds at once, beyond what was held before.
fn peak_of_reading(text: &str) -> usize {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let read = iamx::iam::read::read(iamx::source::FileId(0), text);
    let peak = PEAK.load(Ordering::SeqCst) - before;
    drop(read);
    peak
}

fn policy(statements: usize, statement: impl Fn(usize) -> String) -> String {
    let all: Vec<String> = (0..statements).map(statement).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        all.join(",")
    )
}

fn two_letter_conditions(i: usize) -> String {
    let values: Vec<String> = (0..40).map(|v| format!(r#""v{v}""#)).collect();
    format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*","Condition":{{"StringEquals":{{"aws:PrincipalTag/t":[{}]}},"Bool":{{"aws:SecureTransport":true}}}}}}"#,
        values.join(",")
    )
}

fn pretty_statement(i: &str) -> String {
    format!(
        "{{\n      \"Sid\": \"S{i}\",\n      \"Effect\": \"Deny\",\n      \"Action\": [\n        \"s3:GetObject\",\n        \"s3:PutObject\"\n      ],\n      \"Resource\": \"arn:aws:s3:::bucket-{i}/*\"\n    }}"
    )
}

#[test]
fn reading_costs_a_few_times_the_input() {
    // (name, text, the most peak memory may be, in times the text's size)
    let cases = [
        (
            "many short actions",
            policy(1_000, |i| {
                let actions: Vec<String> = (0..80).map(|a| format!(r#""s3:G{a}""#)).collect();
                format!(
                    r#"{{"Sid":"S{i}","Effect":"Allow","Action":[{}],"Resource":"*"}}"#,
                    actions.join(",")
                )
            }),
            6.0,
        ),
        (
            "conditions of two-letter values",
            policy(1_000, two_letter_conditions),
            20.0,
        ),
        (
            "pretty-printed",
            policy(1_000, |i| pretty_statement(&format!("{i:0>200}"))),
            5.0,
        ),
        // Under 256 KiB the statements' trees are kept from the first reading (reading them
        // again cost more CPU than the memory is worth at that size): more memory, bounded.
        (
            "pretty-printed, under 256 KiB",
            policy(1_000, |i| pretty_statement(&i.to_string())),
            10.0,
        ),
        (
            "conditions of two-letter values, under 256 KiB",
            policy(500, two_letter_conditions),
            25.0,
        ),
    ];
    for (name, text, most) in cases {
        let peak = peak_of_reading(&text);
        let ratio = peak as f64 / text.len() as f64;
        eprintln!(
            "{name}: {} bytes, peak {peak} bytes ({ratio:.1}x)",
            text.len()
        );
        assert!(
            ratio <= most,
            "{name}: {ratio:.1} times the text, over {most}"
        );
    }
}
