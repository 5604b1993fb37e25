//! Unit tests of the bench driver: options, the section splice and the rows built from results.

use super::exec::children_cpu_secs;
use super::report::{BEGIN, END, splice};
use super::table::{app_build_rows, at_most, media_rows, render};
use super::{Only, Results, parse};

#[test]
fn splice_keeps_the_text_around_the_markers() {
    let old = format!("intro\n\n{BEGIN}\nold table\n{END}\n\n## Findings\n");
    let section = format!("{BEGIN}\nnew table\n{END}\n");
    assert_eq!(
        splice(&old, &section),
        format!("intro\n\n{BEGIN}\nnew table\n{END}\n\n## Findings\n")
    );
    assert!(splice("", &section).starts_with("# Benchmarks\n"));
    assert!(splice("", &section).ends_with(&section));
}

#[test]
fn options() {
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let opts = parse(&args(&["--quick", "--skip-baselines"])).unwrap_or_default();
    assert!(opts.quick && opts.skip_baselines && !opts.skip_builds);
    assert_eq!(
        parse(&args(&["--fast"])).map(|_| ()),
        Err("unknown argument `--fast` for bench".to_owned())
    );
}

#[test]
fn at_most_reports_the_excess() {
    assert_eq!(at_most(Some(1.05), 1.1), "met");
    assert_eq!(at_most(Some(2.2), 1.1), "**missed** by 100%");
    assert_eq!(at_most(None, 1.1), "not measured");
}

#[test]
fn media_rows_compare_with_reqwest_and_the_small_transfer() {
    let mut r = Results::default();
    r.absorb(
        &[
            ("media.upload_200mb.ours.ms", 110.0),
            ("media.upload_200mb.reqwest.ms", 100.0),
            ("media.download_200mb.ours.ms", 130.0),
            ("media.download_200mb.reqwest.ms", 100.0),
            ("media.peak_rss.upload.ours.200mb", 9000.0),
            ("media.peak_rss.upload.ours.1mb", 8000.0),
            ("media.peak_rss.download.ours.200mb", 20000.0),
            ("media.peak_rss.download.ours.1mb", 8000.0),
        ]
        .iter()
        .map(|(name, value)| {
            format!("{{\"name\": \"{name}\", \"value\": {value}, \"unit\": \"x\"}}\n")
        })
        .collect::<String>(),
    );
    let rows: Vec<String> = media_rows(&r).lines().map(str::to_owned).collect();
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].contains("| 1.10x | <= 1.2x | met |"), "{}", rows[0]);
    assert!(rows[1].contains("**missed** by 8%"), "{}", rows[1]);
    assert!(
        rows[2].ends_with("| +1000 KiB | within 4 MiB | met |"),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].ends_with("| +12000 KiB | within 4 MiB | **missed** |"),
        "{}",
        rows[3]
    );
}

#[test]
fn only_and_runs() {
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let opts = parse(&args(&["--only", "app-build", "--runs", "3"])).unwrap_or_default();
    assert_eq!((opts.only, opts.runs), (Some(Only::AppBuild), Some(3)));
    assert_eq!(
        parse(&args(&["--only", "cold-build"]))
            .unwrap_or_default()
            .only,
        Some(Only::ColdBuild)
    );
    assert_eq!(
        parse(&args(&["--only", "runtime"])).map(|_| ()),
        Err("--only `runtime` is none of: cold-build, app-build".to_owned())
    );
    assert_eq!(
        parse(&args(&["--only"])).map(|_| ()),
        Err("--only needs one of: cold-build, app-build".to_owned())
    );
    assert_eq!(
        parse(&args(&["--runs", "0"])).map(|_| ()),
        Err("--runs `0` is not a positive number".to_owned())
    );
    assert!(parse(&args(&["--only", "app-build", "--skip-builds"])).is_err());
}

#[test]
fn app_build_rows_compare_with_reqwest_and_the_derive_feature() {
    let mut r = Results::default();
    for (name, value) in [
        ("app.client", 22.0),
        ("app.reqwest", 20.0),
        ("app.client_no_derive_feature", 21.0),
        ("app.client.cpu", 40.0),
        ("app.ratio_low", 1.05),
        ("app.ratio_high", 1.15),
    ] {
        r.values.insert(name.to_owned(), value);
    }
    let table = render(&app_build_rows(&r));
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(
        rows[2].ends_with("| 1.10x (1.05x-1.15x) | <= 1.1x | met |"),
        "{}",
        rows[2]
    );
    assert!(
        rows[2].contains(
            "| 22.0 s (CPU 40.0 s; crates/bench/app-client) | 20.0 s (CPU —; crates/bench/app-reqwest"
        ),
        "{}",
        rows[2]
    );
    assert!(
        rows[3].ends_with(
            "| 21.0 s (CPU —) | 22.0 s (CPU 40.0 s) with the feature on | 0.95x |  |  |"
        ),
        "{}",
        rows[3]
    );
}

#[test]
fn children_cpu_counts_a_waited_for_child() {
    let before = children_cpu_secs();
    let status = std::process::Command::new("sh")
        .args(["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"])
        .status()
        .map(|s| s.success());
    let after = children_cpu_secs();
    assert_eq!(status.ok(), Some(true));
    let spent = after.zip(before).map(|(a, b)| a - b);
    assert!(spent.is_some_and(|s| s > 0.0), "{spent:?}");
}
