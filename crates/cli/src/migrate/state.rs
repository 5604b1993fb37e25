//! The state file of `migrate run`: what happened to each channel, written atomically (a temporary file beside
//! it, flushed to disk, renamed over it, the directory flushed too), so an interrupted run, whether by ctrl-c,
//! kill or crash, leaves either the previous checkpoint or the new one, and the next run resumes from it.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Version of the file's layout.
const VERSION: u32 = 1;

/// What happened to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Turned private by this tool and fetched as a conversation: done.
    Converted,
    /// Private before this tool got to it, and fetched as a conversation: done.
    AlreadyPrivate,
    /// Turned private, but the conversation could not be fetched; the next run checks again.
    Unchecked {
        /// Why the check failed.
        reason: String,
    },
    /// Still public: Chat v3 refused or could not be reached; the next run tries again.
    Failed {
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// Whether nothing is left to do for the channel.
    pub fn is_done(&self) -> bool {
        matches!(self, Outcome::Converted | Outcome::AlreadyPrivate)
    }
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    version: u32,
    /// The service being migrated (`IS…`).
    pub service_sid: String,
    /// Channel SID → what happened to it.
    pub channels: BTreeMap<String, Outcome>,
}

impl State {
    /// An empty state for `service_sid`.
    pub fn new(service_sid: &str) -> Self {
        Self {
            version: VERSION,
            service_sid: service_sid.to_owned(),
            channels: BTreeMap::new(),
        }
    }

    /// The state at `path`, or an empty one when there is no file; an unreadable file, another layout or another
    /// service's file is an error, so a run never mixes two services' progress.
    pub fn load(path: &Path, service_sid: &str) -> Result<Self, String> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::new(service_sid));
            }
            Err(e) => {
                return Err(format!(
                    "cannot read the state file {}: {e}",
                    path.display()
                ));
            }
        };
        let state: State = serde_json::from_str(&text)
            .map_err(|e| format!("the state file {} is not valid: {e}", path.display()))?;
        if state.version != VERSION {
            return Err(format!(
                "the state file {} has version {}, this tool writes {VERSION}",
                path.display(),
                state.version
            ));
        }
        if state.service_sid != service_sid {
            return Err(format!(
                "the state file {} belongs to service {}, not {service_sid}; pass another --state",
                path.display(),
                state.service_sid
            ));
        }
        Ok(state)
    }

    /// Writes the state to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot encode the state: {e}"))?;
        text.push('\n');
        write_atomically(path, text.as_bytes())
            .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
    }
}

/// Writes `bytes` to a temporary file in `path`'s directory, flushes it to disk, renames it to `path` and flushes
/// the directory, so `path` holds the old bytes or the new ones, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result?;
    // The rename itself is durable once the directory is flushed (not possible on every platform: best effort).
    if let Ok(dir) = fs::File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("twilio-chat-state-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn saved_state_loads_back_and_leaves_no_temporary_file() {
        let dir = temp_dir("roundtrip");
        let path = dir.join("state.json");
        let mut state = State::new("IS0");
        state.channels.insert("CH1".to_owned(), Outcome::Converted);
        state.channels.insert(
            "CH2".to_owned(),
            Outcome::Failed {
                reason: "HTTP 500".to_owned(),
            },
        );
        state.save(&path).unwrap();
        assert_eq!(State::load(&path, "IS0").unwrap(), state);
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["state.json"]);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#""outcome": "failed""#), "{text}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_an_empty_state_and_another_service_is_refused() {
        let dir = temp_dir("refuse");
        let path = dir.join("state.json");
        assert_eq!(State::load(&path, "IS0").unwrap(), State::new("IS0"));
        State::new("IS0").save(&path).unwrap();
        let error = State::load(&path, "IS1").unwrap_err();
        assert!(error.contains("belongs to service IS0"), "{error}");
        fs::write(&path, "{").unwrap();
        assert!(State::load(&path, "IS0").unwrap_err().contains("not valid"));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn only_converted_and_already_private_are_done() {
        assert!(Outcome::Converted.is_done() && Outcome::AlreadyPrivate.is_done());
        assert!(
            !Outcome::Failed {
                reason: String::new()
            }
            .is_done()
        );
        assert!(
            !Outcome::Unchecked {
                reason: String::new()
            }
            .is_done()
        );
    }
}
