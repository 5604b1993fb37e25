//! The products this workspace generates: one row per description, naming its crates, the folders their
//! generated files go to, and the extra artifacts it has (IR snapshot, conformance dispatch, local route table,
//! typed webhook events). `cargo xtask codegen` generates every row; a new product is a new row.

use twilio_codegen::{DispatchSettings, LocalSettings, Settings, WebhookSettings};

/// One generated product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// Short name, as `--product` takes it (`chat-v2`).
    pub name: &'static str,
    /// The description, relative to the workspace root.
    pub spec: &'static str,
    /// Rust name of the models crate.
    pub models_crate: &'static str,
    /// Folder of the generated models file.
    pub models_dir: &'static str,
    /// Rust name of the client crate.
    pub client_crate: &'static str,
    /// Folder of the generated client file.
    pub client_dir: &'static str,
    /// The IR snapshot, when committed.
    pub ir: Option<&'static str>,
    /// The conformance dispatch: file, argument helpers' module, scenario call module.
    pub dispatch: Option<(&'static str, &'static str, &'static str)>,
    /// The local service's route table: file, module of the table's types.
    pub local: Option<(&'static str, &'static str)>,
    /// The typed webhook events: file, module of their shared support.
    pub webhooks: Option<(&'static str, &'static str)>,
}

/// Every product of the workspace.
pub const PRODUCTS: &[Product] = &[
    Product {
        name: "chat-v2",
        spec: "spec/chat-v2.json",
        models_crate: "twilio_chat_v2_models",
        models_dir: "crates/chat-v2-models/src/generated",
        client_crate: "twilio_chat_v2",
        client_dir: "crates/chat-v2/src/generated",
        ir: Some("crates/chat-v2/src/generated/ir.txt"),
        dispatch: Some((
            "crates/conformance/src/generated/chat_v2.rs",
            "crate::args",
            "crate::format",
        )),
        local: Some(("crates/chat-local/src/generated/chat_v2.rs", "crate::table")),
        webhooks: Some((
            "crates/chat-v2/src/generated/webhook.rs",
            "::twilio_rest_runtime::__private::webhook",
        )),
    },
    Product {
        name: "conversations-v1",
        spec: "spec/conversations-v1.json",
        models_crate: "twilio_conversations_v1_models",
        models_dir: "crates/conversations-v1-models/src/generated",
        client_crate: "twilio_conversations_v1",
        client_dir: "crates/conversations-v1/src/generated",
        ir: Some("crates/conversations-v1/src/generated/ir.txt"),
        dispatch: Some((
            "crates/conformance/src/generated/conversations_v1.rs",
            "crate::args",
            "crate::format",
        )),
        local: Some((
            "crates/chat-local/src/generated/conversations_v1.rs",
            "crate::table",
        )),
        webhooks: Some((
            "crates/conversations-v1/src/generated/webhook.rs",
            "::twilio_rest_runtime::__private::webhook",
        )),
    },
    // Chat v3's one operation lives beside Chat v2: its models are the `v3` module of the Chat models crate and its
    // client the `v3` module of the Chat crate (`client.v3()`), so Chat users need no second crate or client.
    Product {
        name: "chat-v3",
        spec: "spec/chat-v3.json",
        models_crate: "twilio_chat_v2_models::v3",
        models_dir: "crates/chat-v2-models/src/v3/generated",
        client_crate: "twilio_chat_v2::v3",
        client_dir: "crates/chat-v2/src/v3/generated",
        ir: Some("crates/chat-v2/src/v3/generated/ir.txt"),
        dispatch: Some((
            "crates/conformance/src/generated/chat_v3.rs",
            "crate::args",
            "crate::format",
        )),
        local: Some(("crates/chat-local/src/generated/chat_v3.rs", "crate::table")),
        webhooks: None,
    },
];

impl Product {
    /// The generator's settings for this product, with `display` naming the description in file headers.
    pub fn settings(&self, display: &str) -> Settings {
        Settings {
            spec_path_display: display.to_owned(),
            models_crate: self.models_crate.to_owned(),
            runtime_crate: "twilio_rest_runtime".to_owned(),
            core_crate: "twilio_rest_core".to_owned(),
            models_dir: self.models_dir.to_owned(),
            client_dir: self.client_dir.to_owned(),
            client_crate: self.client_crate.to_owned(),
            ir_path: self.ir.map(str::to_owned),
            dispatch: self.dispatch.map(|(file, args, call)| DispatchSettings {
                file: file.to_owned(),
                args_path: args.to_owned(),
                call_path: call.to_owned(),
            }),
            local: self.local.map(|(file, table)| LocalSettings {
                file: file.to_owned(),
                table_path: table.to_owned(),
            }),
            webhooks: self.webhooks.map(|(file, support)| WebhookSettings {
                file: file.to_owned(),
                support_path: support.to_owned(),
            }),
        }
    }

    /// The product named `name`.
    pub fn named(name: &str) -> Result<&'static Product, String> {
        PRODUCTS.iter().find(|p| p.name == name).ok_or_else(|| {
            let names: Vec<&str> = PRODUCTS.iter().map(|p| p.name).collect();
            format!("no product `{name}` (products: {})", names.join(", "))
        })
    }
}
