//! File transfers through the generated media operations (`CreateMedia` with a streamed `UploadBody`,
//! `FetchMediaContent` read as a `Download` stream) against plain reqwest streaming of the same bytes, over a loopback
//! server
//! ([`bench::media_server`]): throughput of a 200 MB upload and download, side by side in the same run, and the peak
//! memory (VmHWM) of child processes moving 200 MB versus 1 MB.
//!
//! `media_bench [--quick]` prints JSON result lines (see [`bench::stats::report`]);
//! `media_bench --child upload|download ours|reqwest BYTES BASE_URL` is the child mode of the memory measurement.

use bench::fixtures::{ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID};
use bench::media_server::{MediaServer, media_sid, pattern_byte};
use bench::stats::{median, report};
use bytes::Bytes;
use std::process::ExitCode;
use std::time::Instant;
use twilio_chat_v2::runtime::UploadBody;
use twilio_chat_v2::{Client, Credentials, models};

/// Size of the large transfer.
const LARGE: u64 = 200 * 1024 * 1024;
/// Size of the small transfer the large one's memory is compared with.
const SMALL: u64 = 1024 * 1024;
/// Chunk size of the generated upload stream (the runtime's own chunk size).
const CHUNK: usize = 64 * 1024;

fn main() -> ExitCode {
    bench::main_with("media_bench", |first, rest| match first {
        Some("--child") => child(rest),
        Some("--quick") => run(3),
        None => run(15),
        Some(other) => bench::unknown_argument(other, "--quick or nothing"),
    })
}

fn ours(base_url: &str) -> Result<Client, String> {
    let credentials =
        Credentials::auth_token(ACCOUNT_SID, AUTH_TOKEN).map_err(|e| e.to_string())?;
    Client::builder()
        .credentials(credentials)
        .base_url(base_url)
        .allow_insecure_http(true)
        .build()
        .map_err(|e| e.to_string())
}

/// `size` bytes as a stream of 64 KiB chunks cut from one shared buffer (nothing is copied or held).
fn chunks(size: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let buffer = Bytes::from(vec![0x5a_u8; CHUNK]);
    let count = size.div_ceil(CHUNK as u64);
    futures_util::stream::iter((0..count).map(move |i| {
        let left = size - i * CHUNK as u64;
        Ok(buffer.slice(..(left.min(CHUNK as u64) as usize)))
    }))
}

/// Upload through the generated `CreateMedia` operation; returns the size the server saw.
async fn upload_ours(client: &Client, size: u64) -> Result<u64, String> {
    let record = client
        .service(&models::ServiceSid::from_wire(SERVICE_SID))
        .media()
        .create(
            "application/octet-stream",
            UploadBody::from_stream(chunks(size)).with_length(size),
        )
        .category(models::MediaCategory::Media)
        .filename("bench.bin")
        .await
        .map_err(|e| e.to_string())?;
    record
        .size
        .and_then(|n| u64::try_from(n).ok())
        .ok_or("no size in the answer".to_owned())
}

/// The same upload with plain reqwest streaming.
async fn upload_plain(http: &reqwest::Client, base: &str, size: u64) -> Result<u64, String> {
    let response = http
        .post(format!(
            "{base}/v1/Services/{SERVICE_SID}/Media?Category=media&Filename=bench.bin"
        ))
        .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .header(reqwest::header::CONTENT_LENGTH, size)
        .body(reqwest::Body::wrap_stream(chunks(size)))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let record: serde_json::Value =
        serde_json::from_slice(&response.bytes().await.map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    record["size"]
        .as_u64()
        .ok_or("no size in the answer".to_owned())
}

/// Download through the generated `FetchMediaContent` operation, read as a stream; returns the bytes received (and
/// checks them when `verify`).
async fn download_ours(client: &Client, size: u64, verify: bool) -> Result<u64, String> {
    use futures_util::StreamExt as _;
    let mut download = client
        .service(&models::ServiceSid::from_wire(SERVICE_SID))
        .media_instance(&models::MediaSid::from_wire(media_sid(size)))
        .content()
        .fetch()
        .await
        .map_err(|e| e.to_string())?;
    let mut seen = 0_u64;
    while let Some(chunk) = download.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if verify {
            check(&chunk, seen)?;
        }
        seen += chunk.len() as u64;
    }
    Ok(seen)
}

/// The same download with plain reqwest streaming.
async fn download_plain(
    http: &reqwest::Client,
    base: &str,
    size: u64,
    verify: bool,
) -> Result<u64, String> {
    let mut response = http
        .get(format!(
            "{base}/v1/Services/{SERVICE_SID}/Media/{}/Content",
            media_sid(size)
        ))
        .basic_auth(ACCOUNT_SID, Some(AUTH_TOKEN))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let mut seen = 0_u64;
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if verify {
            check(&chunk, seen)?;
        }
        seen += chunk.len() as u64;
    }
    Ok(seen)
}

fn check(chunk: &[u8], offset: u64) -> Result<(), String> {
    for (i, byte) in chunk.iter().enumerate() {
        let at = offset as usize + i;
        if *byte != pattern_byte(at) {
            return Err(format!(
                "byte {at} is {byte}, expected {}",
                pattern_byte(at)
            ));
        }
    }
    Ok(())
}

fn expect(what: &str, seen: u64, size: u64) -> Result<(), String> {
    if seen == size {
        Ok(())
    } else {
        Err(format!("{what} moved {seen} bytes, expected {size}"))
    }
}

fn run(samples: usize) -> Result<(), String> {
    let server = MediaServer::start().map_err(|e| format!("loopback server: {e}"))?;
    let base = server.base_url().to_owned();
    let rt = bench::runtime()?;
    let client = ours(&base)?;
    let http = reqwest::Client::new();

    // Correctness first (untimed): sizes echoed and every downloaded byte checked.
    let odd = SMALL + 7;
    expect(
        "upload (ours)",
        rt.block_on(upload_ours(&client, odd))?,
        odd,
    )?;
    expect(
        "upload (reqwest)",
        rt.block_on(upload_plain(&http, &base, odd))?,
        odd,
    )?;
    expect(
        "download (ours)",
        rt.block_on(download_ours(&client, odd, true))?,
        odd,
    )?;
    expect(
        "download (reqwest)",
        rt.block_on(download_plain(&http, &base, odd, true))?,
        odd,
    )?;

    // Throughput: each sample moves the same bytes through ours and through reqwest back to back (which goes first
    // alternates), so both see the same machine load. On a small VM a loopback transfer of 200 MB takes from about
    // 30 ms to three times that, on either side and in no pattern, so the table compares the medians of 15 samples
    // and also shows each side's fastest sample and the range of the per-sample ratios.
    let mut times: [Vec<f64>; 4] = Default::default();
    for sample in 0..samples {
        let ours_first = sample % 2 == 0;
        for direction in 0..2 {
            for side in 0..2 {
                let ours_now = (side == 0) == ours_first;
                let start = Instant::now();
                let (what, seen) = match (direction, ours_now) {
                    (0, true) => ("upload (ours)", rt.block_on(upload_ours(&client, LARGE))?),
                    (0, false) => (
                        "upload (reqwest)",
                        rt.block_on(upload_plain(&http, &base, LARGE))?,
                    ),
                    (_, true) => (
                        "download (ours)",
                        rt.block_on(download_ours(&client, LARGE, false))?,
                    ),
                    (_, false) => (
                        "download (reqwest)",
                        rt.block_on(download_plain(&http, &base, LARGE, false))?,
                    ),
                };
                let elapsed = start.elapsed().as_secs_f64();
                expect(what, seen, LARGE)?;
                // `MEDIA_BENCH_TRACE=1` prints every sample (to see the spread behind the medians).
                if std::env::var_os("MEDIA_BENCH_TRACE").is_some() {
                    eprintln!("{what} {:.1} ms", elapsed * 1e3);
                }
                times[direction * 2 + usize::from(!ours_now)].push(elapsed);
            }
        }
    }
    let names = [
        "media.upload_200mb.ours",
        "media.upload_200mb.reqwest",
        "media.download_200mb.ours",
        "media.download_200mb.reqwest",
    ];
    for (direction, name) in ["media.upload_200mb", "media.download_200mb"]
        .iter()
        .enumerate()
    {
        let ratios: Vec<f64> = times[direction * 2]
            .iter()
            .zip(&times[direction * 2 + 1])
            .map(|(ours, plain)| ours / plain)
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        report(&format!("{name}.ratio_low"), low, "x");
        report(&format!("{name}.ratio_high"), high, "x");
    }
    for (name, samples) in names.iter().zip(times) {
        let fastest = samples.iter().copied().fold(f64::INFINITY, f64::min);
        report(&format!("{name}.fastest_ms"), fastest * 1e3, "ms");
        let seconds = median(samples);
        report(&format!("{name}.ms"), seconds * 1e3, "ms");
        report(
            &format!("{name}.mib_s"),
            LARGE as f64 / (1024.0 * 1024.0) / seconds,
            "MiB/s",
        );
    }
    drop(server);
    peak_memory()
}

/// Peak resident memory of child processes moving 1 MB and 200 MB, per direction and client.
fn peak_memory() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let server = MediaServer::start().map_err(|e| format!("loopback server: {e}"))?;
    for direction in ["upload", "download"] {
        for client in ["ours", "reqwest"] {
            for (label, size) in [("1mb", SMALL), ("200mb", LARGE)] {
                let output = std::process::Command::new(&exe)
                    .args([
                        "--child",
                        direction,
                        client,
                        &size.to_string(),
                        server.base_url(),
                    ])
                    .output()
                    .map_err(|e| format!("child process: {e}"))?;
                if !output.status.success() {
                    return Err(format!(
                        "child {direction} {client} {size} failed: {}",
                        String::from_utf8_lossy(&output.stderr).trim()
                    ));
                }
                let text = String::from_utf8_lossy(&output.stdout);
                let (seen, kb) = text
                    .trim()
                    .split_once(' ')
                    .and_then(|(seen, kb)| {
                        Some((seen.parse::<u64>().ok()?, kb.parse::<f64>().ok()?))
                    })
                    .ok_or_else(|| format!("child printed `{}`", text.trim()))?;
                expect(&format!("child {direction} {client}"), seen, size)?;
                report(
                    &format!("media.peak_rss.{direction}.{client}.{label}"),
                    kb,
                    "KiB",
                );
            }
        }
    }
    Ok(())
}

/// Child mode: one transfer, then print `<bytes moved> <VmHWM KiB>`.
fn child(args: &[String]) -> Result<(), String> {
    let [direction, client, size, base] = args else {
        return Err("--child needs DIRECTION CLIENT BYTES BASE_URL".to_owned());
    };
    let size: u64 = size.parse().map_err(|_| format!("bad size `{size}`"))?;
    let rt = bench::runtime()?;
    let seen = match (direction.as_str(), client.as_str()) {
        ("upload", "ours") => rt.block_on(upload_ours(&ours(base)?, size))?,
        ("upload", "reqwest") => rt.block_on(upload_plain(&reqwest::Client::new(), base, size))?,
        ("download", "ours") => rt.block_on(download_ours(&ours(base)?, size, false))?,
        ("download", "reqwest") => {
            rt.block_on(download_plain(&reqwest::Client::new(), base, size, false))?
        }
        other => return Err(format!("unknown child {other:?}")),
    };
    let hwm = bench::vm_hwm()?;
    println!("{seen} {hwm}");
    Ok(())
}
