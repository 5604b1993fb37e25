//! Runs the example Chat backend: `cargo run -p chat-backend-example` (configuration from the environment, see
//! `Config::from_env`; `LISTEN` sets the address, default `127.0.0.1:3000`). Stops on Ctrl-C.

use chat_backend_example::{AppState, Config, serve};

#[tokio::main]
async fn main() {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("chat-backend-example: {e}");
            std::process::exit(2);
        }
    };
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("chat-backend-example: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    println!("chat-backend-example listening on http://{listen} with {config:?}");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = serve(listener, AppState::new(config), shutdown).await {
        eprintln!("chat-backend-example: {e}");
        std::process::exit(1);
    }
}
