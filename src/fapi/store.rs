//! Where the client token (the native-app `Authorization` value) and the device id live between
//! runs: a `TokenStore` trait, an in-memory store for `--no-store` and tests, and a private file
//! under the config directory. Tokens are keyed by Frontend API host.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// A token store failed to read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the token file {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("the token file {path} is damaged ({detail}); delete it to sign in again")]
    Corrupt { path: PathBuf, detail: String },
    #[error("no configuration directory could be found for clerk-tui (is $HOME set?)")]
    NoConfigDir,
}

/// Persists the client token per Frontend API host, and one device id for this machine.
///
/// `host` is the authority of the Frontend API base URL (`clerk.example.com`,
/// `127.0.0.1:4010`), so a token issued by a local development server is never sent to Clerk.
pub trait TokenStore: Send + Sync {
    fn load_token(&self, host: &str) -> Result<Option<SecretString>, StoreError>;
    fn save_token(&self, host: &str, token: &SecretString) -> Result<(), StoreError>;
    fn clear_token(&self, host: &str) -> Result<(), StoreError>;
    /// The `x-native-device-id`: created on first use, then the same on every call.
    fn device_id(&self) -> Result<String, StoreError>;
}

/// Keeps everything in memory: nothing survives the process (`--no-store`, tests).
#[derive(Debug)]
pub struct MemoryTokenStore {
    tokens: Mutex<BTreeMap<String, SecretString>>,
    device_id: String,
}

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self {
            tokens: Mutex::new(BTreeMap::new()),
            device_id: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// Starts with a token already stored for `host`.
    pub fn with_token(host: &str, token: &str) -> Self {
        let store = Self::new();
        store
            .lock()
            .insert(host.to_owned(), SecretString::from(token.to_owned()));
        store
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, SecretString>> {
        // A poisoned lock only means another thread panicked mid-insert; the map is still usable.
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for MemoryTokenStore {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load_token(&self, host: &str) -> Result<Option<SecretString>, StoreError> {
        Ok(self.lock().get(host).cloned())
    }
    fn save_token(&self, host: &str, token: &SecretString) -> Result<(), StoreError> {
        self.lock().insert(host.to_owned(), token.clone());
        Ok(())
    }
    fn clear_token(&self, host: &str) -> Result<(), StoreError> {
        self.lock().remove(host);
        Ok(())
    }
    fn device_id(&self) -> Result<String, StoreError> {
        Ok(self.device_id.clone())
    }
}

/// On-disk shape of the token file.
#[derive(Default, Serialize, Deserialize)]
struct FileContents {
    #[serde(default)]
    device_id: Option<String>,
    #[serde(default)]
    tokens: BTreeMap<String, String>,
}

impl Drop for FileContents {
    fn drop(&mut self) {
        for token in self.tokens.values_mut() {
            token.zeroize();
        }
    }
}

/// A JSON file readable only by its owner (0600, in a 0700 directory), replaced atomically.
#[derive(Debug)]
pub struct FileTokenStore {
    path: PathBuf,
    /// Only the app's own config directory is tightened to 0700; a directory the user chose
    /// (say `/tmp`) is left alone.
    own_dir: bool,
    lock: Mutex<()>,
}

impl FileTokenStore {
    /// The file name inside the config directory.
    pub const FILE_NAME: &'static str = "client-tokens.json";

    /// `<config dir of dev.clerk-tui.clerk-tui>/client-tokens.json`.
    pub fn default_path() -> Result<PathBuf, StoreError> {
        directories::ProjectDirs::from("dev", "clerk-tui", "clerk-tui")
            .map(|dirs| dirs.config_dir().join(Self::FILE_NAME))
            .ok_or(StoreError::NoConfigDir)
    }

    /// The store at the default path.
    pub fn open_default() -> Result<Self, StoreError> {
        let path = Self::default_path()?;
        Ok(Self {
            path,
            own_dir: true,
            lock: Mutex::new(()),
        })
    }

    /// A store at a path of the user's choosing.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            own_dir: false,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io_err(&self, source: io::Error) -> StoreError {
        StoreError::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn read(&self) -> Result<FileContents, StoreError> {
        let mut text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FileContents::default()),
            Err(e) => return Err(self.io_err(e)),
        };
        self.tighten_file().map_err(|e| self.io_err(e))?;
        let parsed = serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: format!(
                "not the expected JSON: line {} column {}",
                e.line(),
                e.column()
            ),
        });
        text.zeroize();
        parsed
    }

    fn write(&self, contents: &FileContents) -> Result<(), StoreError> {
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        self.ensure_dir(&dir).map_err(|e| self.io_err(e))?;
        let mut json = serde_json::to_string_pretty(contents).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        let result = self.write_atomically(&dir, json.as_bytes());
        json.zeroize();
        result.map_err(|e| self.io_err(e))
    }

    /// Writes a temp file created with mode 0600 from the start, then renames it over the
    /// target, so the token is never readable by others, not even for a moment.
    fn write_atomically(&self, dir: &Path, bytes: &[u8]) -> io::Result<()> {
        let file_name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| Self::FILE_NAME.to_owned());
        let tmp = dir.join(format!(
            ".{file_name}.{}.tmp",
            uuid::Uuid::new_v4().simple()
        ));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let outcome = (|| {
            let mut file = options.open(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)
        })();
        if outcome.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        outcome
    }

    fn ensure_dir(&self, dir: &Path) -> io::Result<()> {
        if !dir.exists() {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(dir)?;
            return set_mode_if_looser(dir, 0o700);
        }
        if self.own_dir {
            set_mode_if_looser(dir, 0o700)?;
        }
        Ok(())
    }

    fn tighten_file(&self) -> io::Result<()> {
        set_mode_if_looser(&self.path, 0o600)?;
        if self.own_dir
            && let Some(dir) = self.path.parent()
        {
            set_mode_if_looser(dir, 0o700)?;
        }
        Ok(())
    }

    fn update(&self, change: impl FnOnce(&mut FileContents)) -> Result<(), StoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut contents = self.read()?;
        change(&mut contents);
        self.write(&contents)
    }
}

#[cfg(unix)]
fn set_mode_if_looser(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = fs::metadata(path)?.permissions().mode() & 0o777;
    if current & !mode != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_mode_if_looser(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

impl TokenStore for FileTokenStore {
    fn load_token(&self, host: &str) -> Result<Option<SecretString>, StoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let contents = self.read()?;
        Ok(contents
            .tokens
            .get(host)
            .map(|t| SecretString::from(t.clone())))
    }

    fn save_token(&self, host: &str, token: &SecretString) -> Result<(), StoreError> {
        self.update(|c| {
            if let Some(mut old) = c
                .tokens
                .insert(host.to_owned(), token.expose_secret().to_owned())
            {
                old.zeroize();
            }
        })
    }

    fn clear_token(&self, host: &str) -> Result<(), StoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut contents = self.read()?;
        match contents.tokens.remove(host) {
            Some(mut old) => {
                old.zeroize();
                self.write(&contents)
            }
            None => Ok(()),
        }
    }

    fn device_id(&self) -> Result<String, StoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut contents = self.read()?;
        if let Some(id) = contents.device_id.as_ref().filter(|id| !id.is_empty()) {
            return Ok(id.clone());
        }
        let id = uuid::Uuid::new_v4().to_string();
        contents.device_id = Some(id.clone());
        self.write(&contents)?;
        Ok(id)
    }
}
