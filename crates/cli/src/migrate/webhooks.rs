//! `migrate webhooks`: the Conversations webhook configuration matching the Chat service's, as text for people,
//! and applied (then read back) with `--apply`.

use crate::migrate::api::{ApiError, ChatRead, ConversationsApi, WebhookConfig};
use crate::migrate::events;
use crate::migrate::table::Table;

/// Prints the matching configuration; with `apply`, sets it and checks it by reading it back.
pub async fn webhooks<A: ChatRead + ConversationsApi>(
    api: &A,
    apply: bool,
) -> Result<String, ApiError> {
    let service = api.service().await?;
    let (config, unmapped) = events::matching_config(&service);
    let mut out = format!(
        "Conversations webhook configuration for service {}\n",
        service.sid
    );
    out.push_str(&render(&config));
    if !unmapped.is_empty() {
        out.push_str(&format!(
            "Chat filters with no Conversations event (left out): {}\n",
            unmapped.join(", ")
        ));
    }
    out.push_str("\nChat event -> Conversations event\n");
    let mut mapping = Table::new(&["chat event", "conversations event"]);
    for chat in &service.webhook_filters {
        let to = events::conversations_event(chat).unwrap_or("-");
        mapping.row(vec![chat.clone(), to.to_owned()]);
    }
    out.push_str(&mapping.render());
    if apply {
        api.set_webhook_config(&config).await?;
        let now = api.webhook_config().await?;
        if now != config {
            return Err(ApiError(format!(
                "the configuration was sent, but Conversations now reports:\n{}",
                render(&now)
            )));
        }
        out.push_str("\nApplied: Conversations reports this configuration for the service.");
    } else {
        out.push_str("\nNothing changed; run again with --apply to set it.");
    }
    Ok(out)
}

/// The configuration as a two-column table.
fn render(config: &WebhookConfig) -> String {
    let none = || "-".to_owned();
    let mut table = Table::new(&["setting", "value"]);
    table.row(vec![
        "PreWebhookUrl".to_owned(),
        config.pre_webhook_url.clone().unwrap_or_else(none),
    ]);
    table.row(vec![
        "PostWebhookUrl".to_owned(),
        config.post_webhook_url.clone().unwrap_or_else(none),
    ]);
    table.row(vec![
        "Method".to_owned(),
        config.method.clone().unwrap_or_else(none),
    ]);
    let filters = if config.filters.is_empty() {
        none()
    } else {
        config.filters.join(",")
    };
    table.row(vec!["Filters".to_owned(), filters]);
    table.render()
}
