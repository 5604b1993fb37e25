//! The client's main job end to end: create a service, a channel and members, send messages, edit one, read the
//! channel page by page, remove a member and show the error a fetch of it then gets.
//!
//! With no `TWILIO_ACCOUNT_SID` in the environment it starts the local Chat v2 service in process and needs no
//! account and no network: `cargo run --example quickstart`. With `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (or
//! `TWILIO_API_KEY` and `TWILIO_API_SECRET`) set, the same calls go to Twilio, and the service it creates is
//! deleted at the end.

use twilio_chat_v2::{Client, models};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the local service alive until the end of `main`.
    let (client, _local) = if std::env::var_os("TWILIO_ACCOUNT_SID").is_some() {
        println!("TWILIO_ACCOUNT_SID is set: talking to Twilio");
        (Client::from_env()?, None)
    } else {
        let local = twilio_chat_local::start().await?;
        println!("Started the local Chat v2 service at {}", local.base_url());
        (local.client().clone(), Some(local))
    };

    let service = client.services().create("Quickstart").await?;
    let service_sid = service.sid;
    println!("Created service {service_sid}");
    let result = walk_through(&client, &service_sid).await;
    client.service(&service_sid).delete().await?;
    println!("Deleted service {service_sid}");
    result
}

async fn walk_through(
    client: &Client,
    service_sid: &models::ServiceSid,
) -> Result<(), Box<dyn std::error::Error>> {
    let service = client.service(service_sid);
    let channel = service
        .channels()
        .create()
        .friendly_name("General")
        .unique_name("general")
        .type_(models::ChannelType::Public)
        .await?;
    let channel_sid = channel.sid;
    println!("Created channel {channel_sid} (unique name `general`)");
    let channel = service.channel(&channel_sid);

    for identity in ["alice", "bob"] {
        let member = channel.members().create(identity).await?;
        println!("Added member {identity}: {}", member.sid);
    }

    let lines = [
        ("alice", "Hi Bob!"),
        ("bob", "Hello Alice"),
        ("alice", "Lunch at noon?"),
        ("bob", "Sure"),
        ("alice", "See you there"),
    ];
    let mut first_sid = None;
    for (from, body) in lines {
        let message = channel.messages().create().from(from).body(body).await?;
        println!("Message #{} from {from}: {body}", message.index);
        first_sid.get_or_insert(message.sid);
    }
    let first_sid = first_sid.ok_or("no message was sent")?;

    let edited = channel
        .message(&first_sid)
        .update()
        .body("Hi Bob, how are you?")
        .await?;
    println!(
        "Edited message #{}: {} (was_edited: {})",
        edited.index,
        edited.body.unwrap_or_default(),
        edited.was_edited.unwrap_or_default()
    );

    println!("Reading the channel two messages per page:");
    let mut page = channel.messages().list().page_size(2).await?;
    loop {
        println!("  page {}", page.meta.page.unwrap_or_default());
        for message in &page.records {
            println!(
                "    #{} {}: {}",
                message.index,
                message.from.as_deref().unwrap_or_default(),
                message.body.as_deref().unwrap_or_default()
            );
        }
        match client.runtime().next_page(&page).await? {
            Some(next) => page = next,
            None => break,
        }
    }

    channel.member("bob").delete().await?;
    println!("Removed member bob");
    match channel.member("bob").fetch().await {
        Ok(member) => {
            return Err(format!("bob is still a member after the delete: {:?}", member.sid).into());
        }
        Err(error) => println!(
            "Fetching bob now fails: HTTP {} code {} ({}) see {}",
            error.status().unwrap_or_default(),
            error.code().unwrap_or_default(),
            error.message().unwrap_or_default(),
            error.more_info().unwrap_or_default()
        ),
    }
    Ok(())
}
