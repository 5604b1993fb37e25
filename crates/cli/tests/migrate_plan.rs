//! `twilio-chat migrate plan` and `migrate webhooks` (without `--apply`) against the local Chat v2 service
//! (`twilio-chat-local`), which is all they read: the table and the JSON plan are pinned with insta (SIDs
//! redacted), and nothing on the service changes. `webhooks --apply` writes Conversations v1, which the local
//! service does not serve yet: it is tested against the in-test fake.

mod support;

use std::process::{Command, Stdio};

use twilio_chat_local::LocalChat;
use twilio_chat_v2::models::{
    ChannelType, ChannelWebhookMethod, ChannelWebhookType, UpdateServiceWebhookMethod,
};

use support::fake::Fake;
use support::{Backend, Ran, Scenario, output, temp_dir};

/// The local service with one Chat service: webhooks set, two public channels and a private one with members and
/// messages, a channel webhook, the default roles, and the users members made.
fn seeded(runtime: &tokio::runtime::Runtime) -> (LocalChat, String) {
    runtime.block_on(async {
        let chat = twilio_chat_local::start().await.unwrap();
        let client = chat.client();
        let service = client.services().create("Support desk").await.unwrap();
        let s = client.service(&service.sid);
        s.update()
            .pre_webhook_url("https://example.com/chat/pre")
            .post_webhook_url("https://example.com/chat/post")
            .webhook_method(UpdateServiceWebhookMethod::Post)
            .webhook_filters([
                "onMessageSend",
                "onMessageSent",
                "onMemberAdded",
                "onChannelDestroyed",
            ])
            .await
            .unwrap();
        for (name, kind, members, messages) in [
            ("general", ChannelType::Public, &["alice", "bob"][..], 3),
            ("random", ChannelType::Public, &["alice"][..], 0),
            ("team", ChannelType::Private, &["carol"][..], 1),
        ] {
            let channel = s
                .channels()
                .create()
                .unique_name(name)
                .friendly_name(name)
                .type_(kind)
                .await
                .unwrap();
            let c = s.channel(&channel.sid);
            for member in members {
                c.members().create(*member).await.unwrap();
            }
            for i in 0..messages {
                c.messages()
                    .create()
                    .from(members[0])
                    .body(format!("message {i}"))
                    .await
                    .unwrap();
            }
        }
        s.channel("general")
            .webhooks()
            .create(ChannelWebhookType::Webhook)
            .configuration_url("https://example.com/hooks/general")
            .configuration_method(ChannelWebhookMethod::Post)
            .configuration_filters(["onMessageSent"])
            .await
            .unwrap();
        (chat, service.sid.to_string())
    })
}

/// Runs the binary against the local service.
fn run(chat: &LocalChat, args: &[&str]) -> Ran {
    output(
        Command::new(env!("CARGO_BIN_EXE_twilio-chat"))
            .args(args)
            .env_clear()
            .env("TWILIO_ACCOUNT_SID", chat.credentials().account_sid())
            .env("TWILIO_AUTH_TOKEN", chat.credentials().auth_token())
            .env("TWILIO_BASE_URL", chat.base_url())
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    )
}

/// SIDs vary from run to run: keep their prefix, and their length so tables stay aligned.
fn redacted() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"\b([A-Z]{2})[0-9a-f]{32}\b",
        format!("${{1}}{}", "*".repeat(32)),
    );
    settings
}

#[test]
fn plan_describes_the_service_and_changes_nothing() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (chat, service) = seeded(&runtime);
    let before = chat.state().records("Channel");
    let dir = temp_dir("plan");
    let json = dir.join("plan.json");
    let ran = run(
        &chat,
        &[
            "migrate",
            "plan",
            "--service",
            &service,
            "--json",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stderr, "");
    assert_eq!(
        chat.state().records("Channel"),
        before,
        "plan changed a channel"
    );
    let written = std::fs::read_to_string(&json).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        plan["actions"],
        serde_json::json!({"convert": 2, "check": 1})
    );
    redacted().bind(|| {
        insta::assert_snapshot!("plan_table", ran.stdout);
        insta::assert_snapshot!("plan_json", written);
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn webhooks_prints_the_matching_conversations_configuration() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (chat, service) = seeded(&runtime);
    let ran = run(&chat, &["migrate", "webhooks", "--service", &service]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    redacted().bind(|| insta::assert_snapshot!("webhooks", ran.stdout));
}

#[test]
fn webhooks_apply_sets_the_conversations_configuration() {
    let fake = Fake::start(Scenario::default());
    let service = fake.service_sid();
    let ran = output(
        support::command(
            &fake,
            &["migrate", "webhooks", "--service", &service, "--apply"],
        )
        .output()
        .unwrap(),
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        ran.stdout
            .ends_with("Applied: Conversations reports this configuration for the service.\n"),
        "{}",
        ran.stdout
    );
    assert_eq!(
        fake.conversations_webhooks(),
        serde_json::json!({
            "pre_webhook_url": "https://example.com/chat/pre",
            "post_webhook_url": "https://example.com/chat/post",
            "filters": ["onConversationRemoved", "onMessageAdd", "onParticipantAdded"],
            "method": "POST",
        })
    );
}

#[test]
fn a_malformed_service_sid_is_a_usage_error() {
    let fake = Fake::start(Scenario::default());
    for sub in ["plan", "run", "webhooks"] {
        let mut args = vec![
            "migrate",
            sub,
            "--service",
            "CH00000000000000000000000000000001",
        ];
        if sub == "run" {
            args.push("--yes");
        }
        let ran = output(support::command(&fake, &args).output().unwrap());
        assert_eq!(ran.code, Some(2), "{sub}: {ran:?}");
        assert!(
            ran.stderr.starts_with("error: --service: "),
            "{sub}: {}",
            ran.stderr
        );
    }
    assert_eq!(fake.requests(), 0);
}

#[test]
fn migrate_help_names_the_subcommands_and_what_is_not_done() {
    let fake = Fake::start(Scenario::default());
    let ran = output(
        support::command(&fake, &["migrate", "--help"])
            .output()
            .unwrap(),
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    for needle in [
        "plan",
        "run",
        "webhooks",
        "Conversations SDKs",
        "docs/migration.md",
    ] {
        assert!(ran.stdout.contains(needle), "{needle}: {}", ran.stdout);
    }
    let ran = output(support::command(&fake, &["migrate"]).output().unwrap());
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert!(
        ran.stderr.contains("`plan`, `run` or `webhooks`"),
        "{}",
        ran.stderr
    );
    let ran = output(
        support::command(&fake, &["migrate", "run", "--help"])
            .output()
            .unwrap(),
    );
    for needle in [
        "--concurrency",
        "--yes",
        "--state",
        "--base-url",
        "TWILIO_BASE_URL",
        "Retry-After",
    ] {
        assert!(ran.stdout.contains(needle), "{needle}: {}", ran.stdout);
    }
}

#[test]
fn missing_credentials_are_a_usage_error_before_any_request() {
    let fake = Fake::start(Scenario::default());
    let service = fake.service_sid();
    let ran = output(
        Command::new(env!("CARGO_BIN_EXE_twilio-chat"))
            .args([
                "migrate",
                "plan",
                "--service",
                &service,
                "--base-url",
                &fake.base_url(),
            ])
            .env_clear()
            .output()
            .unwrap(),
    );
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("TWILIO_ACCOUNT_SID"), "{}", ran.stderr);
    assert_eq!(fake.requests(), 0);
}
