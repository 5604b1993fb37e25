//! Unit tests of the bench driver: options, the section splice and the rows built from results.

use super::builds::{CratePair, product_lines};
use super::exec::children_cpu_secs;
use super::generator_rows::product_rows;
use super::report::{BEGIN, END, splice};
use super::table::{app_build_rows, at_least, at_most, media_rows, notes, render, table, under};
use super::{COMPARED, Compared, Only, Results, parse};
use crate::codegen::project_root;
use crate::products::{PRODUCTS, Product};

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
        Err(
            "--only `runtime` is none of: cold-build, app-build, local-memory, local-load"
                .to_owned()
        )
    );
    assert_eq!(
        parse(&args(&["--only"])).map(|_| ()),
        Err("--only needs one of: cold-build, app-build, local-memory, local-load".to_owned())
    );
    for (name, only) in [
        ("local-memory", Only::LocalMemory),
        ("local-load", Only::LocalLoad),
    ] {
        let opts = parse(&args(&["--only", name, "--quick"])).unwrap_or_default();
        assert_eq!((opts.only, opts.quick), (Some(only), true));
    }
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

/// The compared product named `name`.
fn compared(name: &str) -> &'static Compared {
    COMPARED
        .iter()
        .find(|c| c.product == name)
        .unwrap_or_else(|| panic!("`{name}` is not compared"))
}

/// Results holding `values`.
fn results(values: &[(&str, f64)]) -> Results {
    let mut r = Results::default();
    for (name, value) in values {
        r.values.insert((*name).to_owned(), *value);
    }
    r
}

/// The rendered rows of `compared` (without the header), one string per row.
fn rendered(r: &Results, compared: &Compared) -> Vec<String> {
    render(&product_rows(r, compared))
        .lines()
        .skip(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_compared_product_is_a_product_with_its_own_crates() {
    for c in COMPARED {
        let product = c.product().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            CratePair::of(&project_root(), product).is_ok(),
            "{}",
            c.product
        );
    }
}

#[test]
fn verdicts_say_by_how_much_a_target_is_missed() {
    assert_eq!(under(Some(99.0), 100.0), "met");
    assert_eq!(under(Some(100.0), 100.0), "**missed** by 0%");
    assert_eq!(under(Some(150.0), 100.0), "**missed** by 50%");
    assert_eq!(under(None, 100.0), "not measured");
    assert_eq!(at_least(Some(20.0), 20.0), "met");
    assert_eq!(at_least(Some(15.0), 20.0), "**missed** by 25%");
    assert_eq!(at_least(None, 20.0), "not measured");
}

#[test]
fn conversations_rows_render_their_values_and_verdicts() {
    let r = results(&[
        ("conversations-v1.codegen.generate", 60.0),
        ("conversations-v1.codegen.parse_lower", 6.0),
        ("conversations-v1.codegen.emit_render", 54.0),
        ("conversations-v1.codegen.operations", 103.0),
        ("conversations-v1.oag.generate", 2400.0),
        ("conversations-v1.lines.models", 7316.0),
        ("conversations-v1.lines.client", 4869.0),
        ("conversations-v1.lines.webhooks", 1311.0),
        ("conversations-v1.oag.lines", 12185.0),
        ("conversations-v1.build.crates_debug", 1.5),
        ("conversations-v1.oag.crate_debug", 2.5),
        // Another product's values never show in these rows.
        ("chat-v2.codegen.generate", 500.0),
    ]);
    let rows = rendered(&r, compared("conversations-v1"));
    assert_eq!(rows.len(), 7, "{rows:#?}");
    assert_eq!(
        rows[0],
        "| Codegen: parse + lower + emit + render of conversations-v1 (release, `codegen_bench --spec`, median) \
         | 60.0 ms | 2400 ms (openapi-generator `generate -g rust` on twilio_conversations_v1.json, median of 3) \
         | 40x faster | < 100 ms | met |"
    );
    assert_eq!(rows[1], "|   of which parse + lower | 6.0 ms |  |  |  |  |");
    assert_eq!(
        rows[3],
        "| Generated code of conversations-v1: models + client modules (lines of .rs) \
         | 12185 lines (7316 models + 4869 client) | 12185 lines (openapi-generator crate) | 1.00x |  |  |"
    );
    assert_eq!(
        rows[4],
        "|   client lines per operation (client module / operations) | 47.3 lines (4869 / 103) |  |  \
         | <= 45 | **missed** by 5% |"
    );
    // Conversations has typed webhook events: their lines are a row of their own.
    assert_eq!(
        rows[5],
        "|   typed webhook events (generated) | 1311 lines (not in the counts above) |  |  |  |  |"
    );
    assert_eq!(
        rows[6],
        "| Crate-only debug build of conversations-v1: models + client (deps built, sources touched, \
         CARGO_INCREMENTAL=0) | 1.5 s | openapi-generator crate of twilio_conversations_v1.json (with its \
         one-line fix): 2.5 s | 0.60x | <= 0.5x | **missed** by 20% |"
    );
}

#[test]
fn rows_without_values_say_not_measured() {
    let mut r = Results::default();
    r.notes.insert("oag".into(), "not installed".into());
    let rows = rendered(&r, compared("conversations-v1"));
    assert_eq!(rows.len(), 7, "{rows:#?}");
    assert!(
        rows[0].ends_with("| — | not installed | — | < 100 ms | not measured |"),
        "{}",
        rows[0]
    );
    assert!(rows[3].ends_with("| — | — | — |  |  |"), "{}", rows[3]);
    assert!(
        rows[4].ends_with("| — |  |  | <= 45 | not measured |"),
        "{}",
        rows[4]
    );
    assert!(
        rows[6].ends_with("| — | openapi-generator crate of twilio_conversations_v1.json (with its one-line fix): not installed | — | <= 0.5x | not measured |"),
        "{}",
        rows[6]
    );
    // A product's own note wins over the run's.
    r.notes.insert(
        "conversations-v1.oag".into(),
        "not run: twilio_conversations_v1.json is missing".into(),
    );
    let rows = rendered(&r, compared("conversations-v1"));
    assert!(
        rows[0].contains("| — | not run: twilio_conversations_v1.json is missing |"),
        "{}",
        rows[0]
    );
}

#[test]
fn a_baseline_crate_that_fails_to_build_has_no_ratio_and_says_why() {
    let mut r = results(&[
        ("conversations-v1.build.crates_debug", 1.5),
        ("conversations-v1.oag.crate_debug", 0.8),
    ]);
    r.notes.insert(
        "conversations-v1.oag.build".into(),
        "does not compile as generated: 2 errors, first `error[E0433]`".into(),
    );
    let rows = rendered(&r, compared("conversations-v1"));
    assert!(
        rows[6].ends_with(
            "| 1.5 s | openapi-generator crate of twilio_conversations_v1.json (with its one-line fix): failed \
             after 0.8 s: does not compile as generated: 2 errors, first `error[E0433]` | — | <= 0.5x | not measured |"
        ),
        "{}",
        rows[5]
    );
    assert!(
        notes(&r).contains(
            "- openapi-generator crate of twilio_conversations_v1.json did not build, so its crate-only ratio is not \
             measured: does not compile as generated: 2 errors, first `error[E0433]`."
        ),
        "{}",
        notes(&r)
    );
}

#[test]
fn chat_rows_show_the_webhook_events_apart_and_every_build() {
    let r = results(&[
        ("chat-v2.codegen.generate", 34.0),
        ("chat-v2.codegen.operations", 58.0),
        ("chat-v2.oag.generate", 510.0),
        ("chat-v2.lines.models", 3891.0),
        ("chat-v2.lines.client", 2459.0),
        ("chat-v2.lines.webhooks", 854.0),
        ("chat-v2.build.crates_debug", 1.2),
        ("chat-v2.build.client_release", 2.9),
    ]);
    let rows = rendered(&r, compared("chat-v2"));
    assert_eq!(rows.len(), 10, "{rows:#?}");
    assert!(
        rows[0].ends_with("| 15x faster | < 100 ms; >= 20x faster | met / **missed** by 25% |"),
        "{}",
        rows[0]
    );
    assert!(
        rows[3].contains("| 6350 lines (3891 models + 2459 client) |"),
        "{}",
        rows[3]
    );
    assert!(
        rows[4].ends_with("| 42.4 lines (2459 / 58) |  |  | <= 45 | met |"),
        "{}",
        rows[4]
    );
    assert_eq!(
        rows[5],
        "|   typed webhook events (generated) | 854 lines (not in the counts above) |  |  |  |  |"
    );
    assert!(
        rows[6].ends_with("| — | <= 0.5x | not measured |"),
        "{}",
        rows[6]
    );
    assert_eq!(
        rows[9],
        "|   client crate only, release | 2.9 s |  |  |  |  |"
    );
    // Without openapi-generator the speedup is not judged.
    let r = results(&[("chat-v2.codegen.generate", 120.0)]);
    let rows = rendered(&r, compared("chat-v2"));
    assert!(
        rows[0].ends_with("| **missed** by 20% / baseline not run |"),
        "{}",
        rows[0]
    );
}

#[test]
fn the_table_has_every_compared_product() {
    let table = table(&Results::default());
    let chat = table.find("Codegen: parse + lower + emit + render of chat-v2");
    let conversations = table.find("Codegen: parse + lower + emit + render of conversations-v1");
    assert!(
        chat.is_some() && conversations.is_some() && chat < conversations,
        "{table}"
    );
}

#[test]
fn absorbed_results_take_a_prefix() {
    let mut r = Results::default();
    r.absorb_as(
        "noise\n{\"name\": \"codegen.generate\", \"value\": 12.5, \"unit\": \"ms\"}\n",
        "conversations-v1.",
    );
    assert_eq!(r.get("conversations-v1.codegen.generate"), Some(12.5));
    assert_eq!(r.get("codegen.generate"), None);
}

/// A product whose generated folders are under `root`: models `m`, client `c`, webhook events in `c`.
const LINES_PRODUCT: Product = Product {
    name: "lines",
    spec: "spec/lines.json",
    models_crate: "lines_models",
    models_dir: "m/src/generated",
    client_crate: "lines",
    client_dir: "c/src/generated",
    ir: Some("c/src/generated/ir.txt"),
    dispatch: None,
    local: None,
    webhooks: Some(("c/src/generated/webhook.rs", "crate::webhook")),
};

#[test]
fn client_lines_count_the_client_module_only() {
    let root = std::env::temp_dir().join(format!("xtask-bench-lines-{}", std::process::id()));
    let write = |path: &str, lines: usize| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(&root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&path, "line\n".repeat(lines)).unwrap_or_else(|e| panic!("{e}"));
    };
    write("m/src/generated/mod.rs", 7);
    write("c/src/generated/mod.rs", 3);
    write("c/src/generated/webhook.rs", 5);
    write("c/src/generated/extra.rs", 11);
    write("c/src/generated/ir.txt", 13);
    write("c/src/v3/generated/mod.rs", 17);
    let lines = product_lines(&root, &LINES_PRODUCT);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        lines,
        vec![
            ("lines.models", 7),
            ("lines.client", 3),
            ("lines.webhooks", 5)
        ]
    );
    // Files that cannot be read have no count (the rows then say "not measured").
    let missing = product_lines(&root, &LINES_PRODUCT);
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn chat_client_lines_leave_out_its_webhook_events() {
    let root = project_root();
    let chat = &PRODUCTS[0];
    let lines = |path: &str| std::fs::read_to_string(root.join(path)).map(|t| t.lines().count());
    let (Ok(client), Some(Ok(webhooks))) = (
        lines(&format!("{}/mod.rs", chat.client_dir)),
        chat.webhooks.map(|(file, _)| lines(file)),
    ) else {
        panic!("chat-v2's generated client and webhook events are committed");
    };
    let counted = product_lines(&root, chat);
    assert!(counted.contains(&("lines.client", client)), "{counted:?}");
    assert!(
        counted.contains(&("lines.webhooks", webhooks)),
        "{counted:?}"
    );
}

#[test]
fn crate_pairs_come_from_the_products_table() {
    let root = std::path::Path::new("/ws");
    let conversations = Product::named("conversations-v1").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        CratePair::of(root, conversations),
        Ok(CratePair {
            package: "twilio-conversations-v1".into(),
            models_src: root.join("crates/conversations-v1-models/src"),
            client_src: root.join("crates/conversations-v1/src"),
        })
    );
    let v3 = Product::named("chat-v3").unwrap_or_else(|e| panic!("{e}"));
    assert!(CratePair::of(root, v3).is_err());
}

#[test]
fn migrate_rows_state_the_rate_and_the_429s() {
    let r = results(&[
        ("migrate.channels", 1000.0),
        ("migrate.throttle_every", 10.0),
        ("migrate.samples", 5.0),
        ("migrate.c1.channels_per_s", 1211.3),
        ("migrate.c1.throttled", 223.0),
        ("migrate.c8.channels_per_s", 3037.6),
        ("migrate.c8.throttled", 223.0),
    ]);
    let rows = render(&super::table::migrate_rows(&r));
    let rows: Vec<&str> = rows.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(
        rows[0].starts_with(
            "| `twilio-chat migrate run --concurrency 1` (release) against the local service: 1000 public channels \
             turned private (Chat v3) and checked (Conversations v1), 1 request in 10 answered 429"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].contains("| 1211 channels/s (223 429s in a run) |"),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("--concurrency 8"), "{}", rows[1]);
    assert!(rows[1].contains("| 3038 channels/s"), "{}", rows[1]);
    // Without a run, the rows say so.
    let empty = render(&super::table::migrate_rows(&Results::default()));
    assert!(empty.contains("| — (— 429s in a run) |"), "{empty}");
}

#[test]
fn local_memory_row_compares_the_peak_with_the_stored_json() {
    let r = results(&[
        ("local.memory.messages", 100_000.0),
        ("local.memory.clients", 16.0),
        ("local.memory.start_kib", 6_000.0),
        ("local.memory.peak_kib", 200_000.0),
        ("local.memory.json_bytes", 64_000_000.0),
        ("local.memory.fill_s", 12.34),
    ]);
    let rows = render(&super::local::local_memory_rows(&r));
    let row = rows.lines().nth(2).unwrap_or_default();
    assert!(
        row.starts_with(
            "| Peak RSS (VmHWM) of the local service (`twilio-chat fake`, release, child process) holding 100000 \
             messages in one channel, created through the REST API by 16 concurrent clients | 200000 KiB (2048 bytes \
             per message; 6000 KiB before the messages; filled in 12.3 s) | stored JSON 62500 KiB (640 bytes per \
             message: the records as answered) | 3.20x | <= 4x the stored JSON"
        ),
        "{row}"
    );
    assert!(row.ends_with("| met |"), "{row}");
    let over = results(&[
        ("local.memory.peak_kib", 300_000.0),
        ("local.memory.json_bytes", 64_000_000.0),
    ]);
    let rows = render(&super::local::local_memory_rows(&over));
    assert!(
        rows.contains("| 4.80x |") && rows.contains("**missed** by 20%"),
        "{rows}"
    );
    let empty = render(&super::local::local_memory_rows(&Results::default()));
    assert!(
        empty.contains("| — KiB") || empty.contains("| — (— per message"),
        "{empty}"
    );
    assert!(empty.trim_end().ends_with("| not measured |"), "{empty}");
}

/// Results of a `local_bench load` run: `(op, side, rps, p99)`.
fn load_results(sides: &[(&str, &str, f64, f64)]) -> Results {
    let mut r = results(&[
        ("local.load.clients", 16.0),
        ("local.load.rounds", 3.0),
        ("local.load.round_s", 2.0),
        ("local.load.seeded", 1000.0),
    ]);
    for (op, side, rps, p99) in sides {
        let name = |what: &str| format!("local.load.{op}.{side}.{what}");
        r.values.insert(name("rps"), *rps);
        r.values.insert(name("p99_ms"), *p99);
        r.values.insert(name("p50_ms"), p99 / 4.0);
        r.values.insert(name("bytes"), 700.0);
    }
    r
}

#[test]
fn local_load_rows_compare_with_prism() {
    let mut r = load_results(&[
        ("create", "local", 12_000.0, 3.0),
        ("create", "prism", 1_000.0, 40.0),
        ("list", "local", 3_000.0, 9.0),
        ("list", "prism", 600.0, 50.0),
        ("list-conversation", "local", 2_400.0, 9.0),
        ("list-conversation", "prism", 200.0, 60.0),
    ]);
    r.notes
        .insert("local.load.prism.version".into(), "5.14.2".into());
    let rows = render(&super::local::local_load_rows(&r));
    let rows: Vec<&str> = rows.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(
        rows[2].contains("through Conversations v1")
            && rows[2]
                .contains("Prism 5.14.2 (`prism mock` of twilio_conversations_v1.json): 200 req/s")
            && rows[2].ends_with("| 12.00x | >= 10x Prism's req/s | met |"),
        "{}",
        rows[2]
    );
    assert!(
        rows[0].starts_with(
            "| Local service (`twilio-chat fake`, release) under 16 concurrent clients on loopback, create message \
             (`POST` form with `From` and `Body`) (median of 3 rounds of 2 s alternating with Prism) | 12000 req/s, \
             p99 3.00 ms (p50 0.75 ms; 700 B answers) | Prism 5.14.2 (`prism mock` of twilio_chat_v2.json): 1000 \
             req/s, p99 40.00 ms"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].ends_with("| 12.00x | >= 10x Prism's req/s | met |"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].contains("on a channel of 1000 messages"),
        "{}",
        rows[1]
    );
    assert!(
        rows[1].ends_with("| 5.00x | >= 10x Prism's req/s | **missed** by 50% |"),
        "{}",
        rows[1]
    );
}

#[test]
fn local_load_rows_say_when_prism_is_missing() {
    let mut r = load_results(&[
        ("create", "local", 12_000.0, 3.0),
        ("list", "local", 3_000.0, 9.0),
        ("list-conversation", "local", 3_000.0, 9.0),
    ]);
    r.notes.insert(
        "local.load.prism".into(),
        "Prism not installed: npm install -g @stoplight/prism-cli".into(),
    );
    let rows = render(&super::local::local_load_rows(&r));
    assert_eq!(rows.lines().skip(2).count(), 3, "{rows}");
    for row in rows.lines().skip(2) {
        assert!(
            row.contains("| 12000 req/s") || row.contains("| 3000 req/s"),
            "{row}"
        );
        assert!(
            row.ends_with(
                "| Prism not installed: npm install -g @stoplight/prism-cli | — | >= 10x Prism's req/s | not measured |"
            ),
            "{row}"
        );
    }
}

#[test]
fn prism_is_found_by_variable_then_path_then_the_work_dir() {
    use super::local::find_prism;
    let dir = std::env::temp_dir().join(format!("xtask-prism-{}", std::process::id()));
    let bin = dir.join("bin");
    let work = dir.join("work");
    let cached = work.join("prism/node_modules/.bin");
    for d in [&bin, &cached] {
        std::fs::create_dir_all(d).unwrap_or_default();
    }
    // Nothing installed: not found.
    let path = Some(bin.clone().into_os_string());
    assert_eq!(find_prism(None, path.clone(), &work), None);
    // The copy under the work dir.
    std::fs::write(cached.join("prism"), "").unwrap_or_default();
    assert_eq!(
        find_prism(None, path.clone(), &work),
        Some(cached.join("prism"))
    );
    // `prism` on PATH comes first.
    std::fs::write(bin.join("prism"), "").unwrap_or_default();
    assert_eq!(
        find_prism(None, path.clone(), &work),
        Some(bin.join("prism"))
    );
    // The variable comes before both; an empty one is unset.
    assert_eq!(
        find_prism(Some("/opt/prism".into()), path.clone(), &work),
        Some("/opt/prism".into())
    );
    assert_eq!(
        find_prism(Some("".into()), path, &work),
        Some(bin.join("prism"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_full_table_has_the_local_service_rows() {
    let r = load_results(&[("create", "local", 12_000.0, 3.0)]);
    let table = table(&r);
    assert!(
        table.contains("| Peak RSS (VmHWM) of the local service"),
        "{table}"
    );
    assert_eq!(
        table
            .matches("| Local service (`twilio-chat fake`, release) under")
            .count(),
        3
    );
}
