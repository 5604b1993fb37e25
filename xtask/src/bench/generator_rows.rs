//! The table's rows of each compared product (`COMPARED`): its generator run against openapi-generator's
//! `generate` on Twilio's description of the same API, the lines of its generated code, and the crate-only builds
//! of its generated crates against openapi-generator's crate. Every result they read is named
//! `<product>.<result>` (`conversations-v1.codegen.generate`).

use super::table::{Row, at_least, at_most, info, num, ratio, row, times, under};
use super::{Compared, Results, key};

/// The codegen target: one generator run under this many milliseconds.
const CODEGEN_MS: f64 = 100.0;

/// The target of generated client lines per operation.
const LINES_PER_OPERATION: f64 = 45.0;

/// The target of the crate-only debug build, as a ratio of openapi-generator's crate.
const CRATE_BUILD_RATIO: f64 = 0.5;

/// Every row of `compared`: codegen, generated lines, crate-only builds.
pub(super) fn product_rows(r: &Results, compared: &Compared) -> Vec<Row> {
    let mut rows = codegen_rows(r, compared);
    rows.extend(lines_rows(r, compared));
    rows.extend(crate_build_rows(r, compared));
    rows
}

/// What the table shows where openapi-generator did not run: the product's own note, else the run's, else `—`.
fn oag_note(r: &Results, c: &Compared) -> String {
    r.note(&key(c.product, "oag"))
        .or_else(|| r.note("oag"))
        .unwrap_or("—")
        .to_owned()
}

/// The codegen row (`codegen_bench --spec` against openapi-generator's `generate`) and its two parts.
pub(super) fn codegen_rows(r: &Results, c: &Compared) -> Vec<Row> {
    let g = |what: &str| r.get(&key(c.product, what));
    let ours = g("codegen.generate");
    let oag = g("oag.generate");
    let speedup = ratio(oag, ours);
    let (target, status) = codegen_target(ours, speedup, c.codegen_speedup);
    vec![
        row(
            &format!(
                "Codegen: parse + lower + emit + render of {} (release, `codegen_bench --spec`, median)",
                c.product
            ),
            num(ours, "ms", 1),
            oag.map_or_else(
                || oag_note(r, c),
                |v| {
                    format!(
                        "{v:.0} ms (openapi-generator `generate -g rust` on {}, median of 3)",
                        c.twilio
                    )
                },
            ),
            speedup.map_or_else(|| "—".into(), |x| format!("{x:.0}x faster")),
            &target,
            status,
        ),
        info(
            "  of which parse + lower",
            num(g("codegen.parse_lower"), "ms", 1),
        ),
        info(
            "  of which emit + render (quote, syn, prettyplease)",
            num(g("codegen.emit_render"), "ms", 1),
        ),
    ]
}

/// The codegen row's target and status: under [`CODEGEN_MS`], and at least `min_speedup` times faster than
/// openapi-generator when the product has that target.
fn codegen_target(
    ms: Option<f64>,
    speedup: Option<f64>,
    min_speedup: Option<f64>,
) -> (String, String) {
    let time = under(ms, CODEGEN_MS);
    let Some(min) = min_speedup else {
        return (format!("< {CODEGEN_MS:.0} ms"), time);
    };
    let status = match (ms, speedup) {
        (None, _) => time,
        (Some(_), None) => format!("{time} / baseline not run"),
        (Some(_), Some(_)) => format!("{time} / {}", at_least(speedup, min)),
    };
    (format!("< {CODEGEN_MS:.0} ms; >= {min:.0}x faster"), status)
}

/// The generated-code rows: models + client module files against openapi-generator's crate, client lines per
/// operation, and the typed webhook events apart (products that have them).
pub(super) fn lines_rows(r: &Results, c: &Compared) -> Vec<Row> {
    let g = |what: &str| r.get(&key(c.product, what));
    let (models, client) = (g("lines.models"), g("lines.client"));
    let total = models.zip(client).map(|(m, c)| m + c);
    let operations = g("codegen.operations").filter(|ops| *ops > 0.0);
    let per_op = client.zip(operations).map(|(lines, ops)| lines / ops);
    let mut rows = vec![
        row(
            &format!(
                "Generated code of {}: models + client modules (lines of .rs)",
                c.product
            ),
            models.zip(client).map_or_else(
                || "—".to_owned(),
                |(m, cl)| {
                    format!(
                        "{} ({m:.0} models + {cl:.0} client)",
                        num(total, "lines", 0)
                    )
                },
            ),
            num(g("oag.lines"), "lines (openapi-generator crate)", 0),
            times(ratio(total, g("oag.lines"))),
            "",
            String::new(),
        ),
        row(
            "  client lines per operation (client module / operations)",
            client.zip(operations).map_or_else(
                || num(per_op, "lines", 1),
                |(lines, ops)| format!("{} ({lines:.0} / {ops:.0})", num(per_op, "lines", 1)),
            ),
            String::new(),
            String::new(),
            &format!("<= {LINES_PER_OPERATION:.0}"),
            at_most(per_op, LINES_PER_OPERATION),
        ),
    ];
    if c.product().is_ok_and(|p| p.webhooks.is_some()) {
        rows.push(info(
            "  typed webhook events (generated)",
            format!(
                "{} (not in the counts above)",
                num(g("lines.webhooks"), "lines", 0)
            ),
        ));
    }
    rows
}

/// The crate-only build rows: models + client in debug against openapi-generator's crate, and for the product
/// with `every_build` the client alone and the release builds.
pub(super) fn crate_build_rows(r: &Results, c: &Compared) -> Vec<Row> {
    let g = |what: &str| r.get(&key(c.product, what));
    let failure = r.note(&key(c.product, "oag.build"));
    let theirs = match (g("oag.crate_debug"), failure) {
        (Some(s), Some(failure)) => format!("failed after {s:.1} s: {failure}"),
        (Some(s), None) => format!("{s:.1} s"),
        (None, Some(failure)) => failure.to_owned(),
        (None, None) => oag_note(r, c),
    };
    let x = match failure {
        Some(_) => None,
        None => ratio(g("build.crates_debug"), g("oag.crate_debug")),
    };
    let mut rows = vec![row(
        &format!(
            "Crate-only debug build of {}: models + client (deps built, sources touched, CARGO_INCREMENTAL=0)",
            c.product
        ),
        num(g("build.crates_debug"), "s", 1),
        format!(
            "openapi-generator crate of {} (with its one-line fix): {theirs}",
            c.twilio
        ),
        times(x),
        &format!("<= {CRATE_BUILD_RATIO}x"),
        at_most(x, CRATE_BUILD_RATIO),
    )];
    if c.every_build {
        rows.extend([
            info(
                "  client crate only, debug",
                num(g("build.client_debug"), "s", 1),
            ),
            info(
                &format!("Crate-only release build of {}: models + client", c.product),
                num(g("build.crates_release"), "s", 1),
            ),
            info(
                "  client crate only, release",
                num(g("build.client_release"), "s", 1),
            ),
        ]);
    }
    rows
}
