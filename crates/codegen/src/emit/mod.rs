//! Emission: one module per artifact, each reading only the IR and the settings, each rendered through
//! [`crate::tokens::render`]. [`emit`] runs the ones the settings ask for.

mod client;
mod dispatch;
mod local;
mod local_events;
mod models;
mod webhooks;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::ir::{self, Api};
use crate::settings::Settings;
use crate::tokens::{crate_path, header, render};

/// The output of [`crate::generate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// File contents keyed by path relative to the output root.
    pub files: BTreeMap<String, String>,
    /// Number of model structs.
    pub structs: usize,
    /// Number of model enums (string enums and `oneOf` enums).
    pub enums: usize,
    /// Number of operations (one builder each).
    pub operations: usize,
}

/// Emits and renders every file `settings` asks for, in two halves of about the same size: the models, the
/// conformance dispatch and the webhook events on a second thread, the client, the IR text and the local route
/// table on this one. Each file is the same whichever half finishes first.
pub(crate) fn emit(api: &Api, settings: &Settings) -> Result<Generated, Error> {
    crate_path("models_crate", &settings.models_crate)?;
    crate_path("runtime_crate", &settings.runtime_crate)?;
    crate_path("client_crate", &settings.client_crate)?;
    crate_path("core_crate", &settings.core_crate)?;
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| models_and_table(api, settings));
        let second = the_rest(api, settings);
        let first = first.join().unwrap_or_else(|_| {
            Err(Error::new(
                None,
                "",
                "the models emitter stopped unexpectedly",
            ))
        });
        (first, second)
    });
    let mut files = first?;
    files.extend(second?);
    let structs = api
        .schemas
        .values()
        .filter(|s| matches!(s, ir::Schema::Struct(_)))
        .count();
    Ok(Generated {
        files,
        structs,
        enums: api.schemas.len() - structs,
        operations: api.operations.len(),
    })
}

/// The models file and, when asked for, the conformance dispatch and the webhook events.
fn models_and_table(api: &Api, settings: &Settings) -> Result<BTreeMap<String, String>, Error> {
    let display = settings.spec_path_display.as_str();
    let core = crate_path("core_crate", &settings.core_crate)?;
    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/mod.rs", settings.models_dir),
        render(models::emit(api, &core), display, "models")?,
    );
    if let Some(dispatch) = &settings.dispatch {
        files.insert(
            dispatch.file.clone(),
            render(
                dispatch::emit(api, settings, dispatch)?,
                display,
                "dispatch",
            )?,
        );
    }
    if let Some(webhook) = &settings.webhooks {
        let hooks = api.webhooks.as_ref().ok_or_else(|| {
            Error::new(
                None,
                "/x-twilio-webhooks",
                "settings ask for webhook events, but the description declares none",
            )
        })?;
        files.insert(
            webhook.file.clone(),
            render(
                webhooks::emit(hooks, settings, webhook)?,
                display,
                "webhook events",
            )?,
        );
    }
    Ok(files)
}

/// The client and, when asked for, the IR text and the local service's route table.
fn the_rest(api: &Api, settings: &Settings) -> Result<BTreeMap<String, String>, Error> {
    let display = settings.spec_path_display.as_str();
    let models_path = crate_path("models_crate", &settings.models_crate)?;
    let runtime_path = crate_path("runtime_crate", &settings.runtime_crate)?;
    let mut files = BTreeMap::new();
    files.insert(
        format!("{}/mod.rs", settings.client_dir),
        render(
            client::emit(api, &runtime_path, &models_path),
            display,
            "client",
        )?,
    );
    if let Some(path) = &settings.ir_path {
        let header = format!("# {}", header(display).trim_start_matches("// "));
        files.insert(path.clone(), crate::ir_text::render(api, &header));
    }
    if let Some(local) = &settings.local {
        files.insert(
            local.file.clone(),
            render(local::emit(api, local)?, display, "route table")?,
        );
    }
    Ok(files)
}
