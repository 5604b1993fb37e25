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

/// Two measurements taken side by side: medians of each, and the spread of their ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Median time of one call of `a`, in nanoseconds.
    pub a_ns: f64,
    /// Median time of one call of `b`, in nanoseconds.
    pub b_ns: f64,
    /// Median of the per-sample ratios `a / b`.
    pub ratio: f64,
    /// Smallest per-sample ratio.
    pub ratio_low: f64,
    /// Largest per-sample ratio.
    pub ratio_high: f64,
}

/// Like [`time_ns`] for two functions, interleaved: each sample times a batch of `a` and a batch of `b` back to
/// back (in alternating order), so both sides see the same machine load; the ratio is taken per sample.
pub fn time_pair_ns<R, S>(
    warmup: usize,
    samples: usize,
    batch: usize,
    mut a: impl FnMut() -> R,
    mut b: impl FnMut() -> S,
) -> Pair {
    for _ in 0..warmup {
        black_box(a());
        black_box(b());
    }
    let batch = batch.max(1);
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        start.elapsed().as_nanos() as f64 / batch as f64
    };
    let (mut a_ns, mut b_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..samples.max(1) {
        let mut run_a = || {
            black_box(a());
        };
        let mut run_b = || {
            black_box(b());
        };
        let (x, y) = if i % 2 == 0 {
            let x = time(&mut run_a);
            (x, time(&mut run_b))
        } else {
            let y = time(&mut run_b);
            (time(&mut run_a), y)
        };
        a_ns.push(x);
        b_ns.push(y);
        ratios.push(x / y);
    }
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Pair {
        a_ns: median(a_ns),
        b_ns: median(b_ns),
        ratio: median(ratios),
        ratio_low: low,
        ratio_high: high,
    }
}

/// Reports a pair as `<name>.generated`, `<name>.hand` (in `unit`, from nanoseconds divided by `scale`) and
/// `<name>.ratio`, `<name>.ratio_low`, `<name>.ratio_high`.
pub fn report_pair(name: &str, pair: Pair, scale: f64, unit: &str) {
    report(&format!("{name}.generated"), pair.a_ns / scale, unit);
    report(&format!("{name}.hand"), pair.b_ns / scale, unit);
    report(&format!("{name}.ratio"), pair.ratio, "x");
    report(&format!("{name}.ratio_low"), pair.ratio_low, "x");
    report(&format!("{name}.ratio_high"), pair.ratio_high, "x");
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
    fn pairs_are_measured_side_by_side() {
        let pair = super::time_pair_ns(1, 5, 10, || std::hint::black_box(1 + 1), || 2);
        assert_eq!(
            [pair.a_ns, pair.b_ns, pair.ratio]
                .iter()
                .filter(|x| x.is_finite())
                .count(),
            3
        );
        assert!(pair.ratio_low <= pair.ratio && pair.ratio <= pair.ratio_high);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(super::median(Vec::new()).is_nan());
    }
}
