//! Timing helpers (warm-up, then the median of samples) and the JSON result lines the binaries print.

use std::hint::black_box;
use std::time::Instant;

/// The median of `samples` (NaN when empty).
pub fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => samples[n / 2],
        _ => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
    }
}

/// Runs `f` `warmup` times untimed, then takes `samples` samples of `batch` calls each, and returns the median
/// time of one call in nanoseconds.
pub fn time_ns<R>(warmup: usize, samples: usize, batch: usize, mut f: impl FnMut() -> R) -> f64 {
    for _ in 0..warmup {
        black_box(f());
    }
    let batch = batch.max(1);
    let mut per_call = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        per_call.push(start.elapsed().as_nanos() as f64 / batch as f64);
    }
    median(per_call)
}

/// Prints one result line: `{"name": name, "value": value, "unit": unit}`.
pub fn report(name: &str, value: f64, unit: &str) {
    println!(
        "{}",
        serde_json::json!({ "name": name, "value": value, "unit": unit })
    );
}

/// Prints one text result line (a note for the table, such as a failure reason).
pub fn report_text(name: &str, text: &str) {
    println!("{}", serde_json::json!({ "name": name, "text": text }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(super::median(Vec::new()).is_nan());
    }
}
