//! What one generation run writes and which crates and modules the generated code names. The library knows no
//! repository: every path, crate name and module path comes from these settings, which the caller fills in.

/// Options of one generation run.
///
/// The models and client files are always written; the IR snapshot, the conformance dispatch and the local
/// service's route table only when their settings are given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// How the description is named in the header line of every file (`spec/demo.json`).
    pub spec_path_display: String,
    /// Rust name of the models crate, as the client refers to it (`demo_models`), or the path of a module of a
    /// crate when the models of a small description live beside another's (`demo_models::v3`).
    pub models_crate: String,
    /// Rust name of the runtime crate the client calls (`twilio_rest_runtime`).
    pub runtime_crate: String,
    /// Rust name of the crate whose support the models call: the shared object reader and date-time members
    /// (`twilio_rest_core`).
    pub core_crate: String,
    /// Directory of the generated models file, relative to the output root (`demo-models/src/generated`).
    pub models_dir: String,
    /// Directory of the generated client file, relative to the output root (`demo/src/generated`).
    pub client_dir: String,
    /// Rust name of the client crate, as the conformance dispatch refers to it (`demo`), or the path of the module
    /// that holds the client, its `models` and its `RequestOptions` (`demo::v3`).
    pub client_crate: String,
    /// Path of the plain-text snapshot of the IR, when one is wanted.
    pub ir_path: Option<String>,
    /// The conformance dispatch, when one is wanted.
    pub dispatch: Option<DispatchSettings>,
    /// The local service's route table, when one is wanted.
    pub local: Option<LocalSettings>,
    /// The typed webhook events, when the description declares events and they are wanted.
    pub webhooks: Option<WebhookSettings>,
}

/// Where the conformance dispatch goes and which modules of its crate it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchSettings {
    /// Path of the generated file relative to the output root.
    pub file: String,
    /// Rust path of the module providing the argument reader and result helpers (`Args`, `CallResult`,
    /// `collect`, `download_value`, `page_value`, `to_value`).
    pub args_path: String,
    /// Rust path of the module providing the scenario's `Call` and `Mode`.
    pub call_path: String,
}

/// Where the local service's route table goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSettings {
    /// Path of the generated file relative to the output root.
    pub file: String,
    /// Rust path of the module defining the table's types (`Route`, `Resource`, `PathParam`, `FormField`,
    /// `Filter`, `Field`, `Literal`, `Kind`, `ValueKind`).
    pub table_path: String,
}

/// Where the typed webhook events go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Path of the generated file relative to the output root.
    pub file: String,
    /// Rust path of the module defining the events' shared field types and readers (`Fields`, `Attributes`,
    /// `Timestamp`, `EventError`, `Field`).
    pub support_path: String,
}

impl Settings {
    /// Settings for a crate pair named `client_name` and `models_name` (package names with `-` or `_`), with files
    /// under `<models_name>/src/generated` and `<client_name>/src/generated`, and the published support crates
    /// (`twilio_rest_runtime`, `twilio_rest_core`); no IR snapshot, dispatch, route table or webhook events.
    pub fn new(spec_path_display: &str, models_name: &str, client_name: &str) -> Self {
        Self {
            spec_path_display: spec_path_display.to_owned(),
            models_crate: models_name.replace('-', "_"),
            runtime_crate: "twilio_rest_runtime".to_owned(),
            core_crate: "twilio_rest_core".to_owned(),
            models_dir: format!("{models_name}/src/generated"),
            client_dir: format!("{client_name}/src/generated"),
            client_crate: client_name.replace('-', "_"),
            ir_path: None,
            dispatch: None,
            local: None,
            webhooks: None,
        }
    }
}
