//! Where the client token (the native-app `Authorization` value) and the device id live between
//! runs: a `TokenStore` trait, an in-memory store for `--no-store` and tests, and a private file
//! under the config directory. Tokens are keyed by Frontend API host.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::private_file::{self, Untrusted};

/// A token store failed to read or write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the token file {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("the token file {path} is damaged ({detail}); delete it to sign in again")]
    Corrupt { path: PathBuf, detail: String },
    /// Another local user could have written the file: using it could sign this user in to
    /// their session (session fixation). Nothing was changed.
    #[error(
        "refusing the token file {path}: {why}. Nothing was changed; remove it (or choose \
         another --config-dir) to sign in again"
    )]
    Untrusted { path: PathBuf, why: String },
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

/// A JSON file readable only by its owner (0600, in a 0700 directory), replaced atomically,
/// refused when another user could have written it (see `private_file`), and changed under a
/// lock that holds across processes.
#[derive(Debug)]
pub struct FileTokenStore {
    path: PathBuf,
    /// Only the app's own config directory is tightened to 0700; a directory the user chose
    /// (say `~/work`) is left alone (but refused when others can write it).
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

    fn untrusted(&self, why: Untrusted) -> StoreError {
        StoreError::Untrusted {
            path: self.path.clone(),
            why: why.0,
        }
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The file's contents; empty when neither it nor its directory exists yet.
    fn read(&self) -> Result<FileContents, StoreError> {
        match private_file::check_dir(&self.dir(), self.own_dir) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => return Err(self.untrusted(why)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(FileContents::default()),
            Err(e) => return Err(self.io_err(e)),
        }
        let file = match private_file::open_trusted(&self.path).map_err(|e| self.io_err(e))? {
            None => return Ok(FileContents::default()),
            Some(Err(why)) => return Err(self.untrusted(why)),
            Some(Ok(file)) => file,
        };
        let mut text = private_file::read_text(file).map_err(|e| self.io_err(e))?;
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
        let mut json = serde_json::to_string_pretty(contents).map_err(|e| StoreError::Corrupt {
            path: self.path.clone(),
            detail: e.to_string(),
        })?;
        let result = private_file::replace(&self.dir(), &self.path, json.as_bytes());
        json.zeroize();
        result.map_err(|e| self.io_err(e))
    }

    /// Read, change and write back under both locks: the in-process mutex and the advisory
    /// file lock, so the file is re-read after any other process's last write. `change`
    /// returns whether there is anything to write.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut FileContents) -> (bool, T),
    ) -> Result<T, StoreError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let dir = self.dir();
        match std::fs::metadata(&dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                private_file::create_private_dir(&dir).map_err(|e| self.io_err(e))?;
            }
            Err(e) => return Err(self.io_err(e)),
            Ok(_) => {}
        }
        // The directory is checked before a lock file is created in it.
        if let Err(why) = private_file::check_dir(&dir, self.own_dir).map_err(|e| self.io_err(e))? {
            return Err(self.untrusted(why));
        }
        let _file_lock = match private_file::lock_beside(&self.path).map_err(|e| self.io_err(e))? {
            Ok(lock) => lock,
            Err(why) => return Err(self.untrusted(why)),
        };
        let mut contents = self.read()?;
        let (changed, out) = change(&mut contents);
        if changed {
            self.write(&contents)?;
        }
        Ok(out)
    }
}

impl TokenStore for FileTokenStore {
    fn load_token(&self, host: &str) -> Result<Option<SecretString>, StoreError> {
        // No file lock: writers replace the file by renaming, so a read sees a whole file.
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
            (true, ())
        })
    }

    fn clear_token(&self, host: &str) -> Result<(), StoreError> {
        self.update(|c| match c.tokens.remove(host) {
            Some(mut old) => {
                old.zeroize();
                (true, ())
            }
            None => (false, ()),
        })
    }

    fn device_id(&self) -> Result<String, StoreError> {
        {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            let contents = self.read()?;
            if let Some(id) = contents.device_id.as_ref().filter(|id| !id.is_empty()) {
                return Ok(id.clone());
            }
        }
        // Another process may have created one since: re-read under the lock.
        self.update(|c| match c.device_id.as_ref().filter(|id| !id.is_empty()) {
            Some(id) => (false, id.clone()),
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                c.device_id = Some(id.clone());
                (true, id)
            }
        })
    }
}
