//! Token storage checks: where the client token lives (a private file; there is no OS keyring
//! backend), whether the file and its directory are private, and whether a token for the chosen
//! backend is there. The file is only inspected, never rewritten or tightened.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::Check;
use crate::fapi::FileTokenStore;

/// What is on disk, gathered by [`gather`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageFacts {
    pub no_store: bool,
    /// The token file, or why there is none.
    pub path: Result<PathBuf, String>,
    pub file: FileState,
    /// Permission bits of the file's directory (unix), when it exists.
    pub dir_mode: Option<u32>,
    /// The key the chosen backend's token is filed under.
    pub backend_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// `mode` is the permission bits (unix only); `has_token` whether `backend_key` has one.
    Present {
        mode: Option<u32>,
        has_token: bool,
    },
    /// It exists but cannot be read or is not the expected JSON.
    Unreadable(String),
}

/// Looks at the token file the other commands would use, without changing it.
pub fn gather(no_store: bool, config_dir: Option<&Path>, backend_key: &str) -> StorageFacts {
    let path = match config_dir {
        Some(dir) => Ok(dir.join(FileTokenStore::FILE_NAME)),
        None => FileTokenStore::default_path().map_err(|e| e.to_string()),
    };
    let (file, dir_mode) = match &path {
        Ok(path) if !no_store => (
            file_state(path, backend_key),
            path.parent().and_then(mode_of),
        ),
        _ => (FileState::Missing, None),
    };
    StorageFacts {
        no_store,
        path,
        file,
        dir_mode,
        backend_key: backend_key.to_owned(),
    }
}

fn file_state(path: &Path, key: &str) -> FileState {
    if let Some(why) = untrusted(path) {
        return FileState::Unreadable(why);
    }
    #[derive(serde::Deserialize)]
    struct Tokens {
        // IgnoredAny: the token values are never held in memory here.
        #[serde(default)]
        tokens: BTreeMap<String, serde::de::IgnoredAny>,
    }
    let text = match std::fs::read(path) {
        Ok(text) => zeroize::Zeroizing::new(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileState::Missing,
        Err(e) => return FileState::Unreadable(format!("cannot read it: {e}")),
    };
    match serde_json::from_slice::<Tokens>(&text) {
        Ok(t) => FileState::Present {
            mode: mode_of(path),
            has_token: t.tokens.contains_key(key),
        },
        Err(e) => FileState::Unreadable(format!(
            "it is not the expected JSON (line {} column {})",
            e.line(),
            e.column()
        )),
    }
}

/// What the token store would refuse (see `fapi::private_file`): a symlink, or a file or
/// directory of another user. Looked at without following the link and without changing it.
#[cfg(unix)]
fn untrusted(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let other = |what: &str, uid: u32| {
        format!("{what} belongs to another user (uid {uid}), so clerk-tui refuses it")
    };
    if let Some(dir) = path.parent().and_then(|d| std::fs::metadata(d).ok())
        && dir.uid() != me
    {
        return Some(other("its directory", dir.uid()));
    }
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        return Some("it is a symbolic link, which clerk-tui never follows".to_owned());
    }
    (meta.uid() != me).then(|| other("it", meta.uid()))
}

#[cfg(not(unix))]
fn untrusted(_path: &Path) -> Option<String> {
    None
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> Option<u32> {
    None
}

/// Single-quotes a path for a copy-pasteable shell command when it needs it
/// (macOS config paths contain a space).
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@~".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

pub fn keyring(facts: &StorageFacts) -> Check {
    const NAME: &str = "keyring";
    if facts.no_store {
        return Check::pass(NAME, "--no-store: the client token is kept in memory only");
    }
    match &facts.path {
        Ok(path) => Check::pass(
            NAME,
            "no OS keyring is used: the client token is kept in a file only you can read (0600)",
        )
        .detail(path.display().to_string()),
        Err(why) => Check::pass(
            NAME,
            "no OS keyring is used: the client token is kept in a private file",
        )
        .detail(why.clone()),
    }
}

pub fn token_storage(facts: &StorageFacts) -> Check {
    const NAME: &str = "token_storage";
    if facts.no_store {
        return Check::pass(NAME, "--no-store: no token file is read or written");
    }
    let path = match &facts.path {
        Ok(path) => path,
        Err(why) => {
            return Check::fail(NAME, format!("no place for the token file: {why}"))
                .fix("set HOME, or pass --config-dir DIR (or CLERK_TUI_CONFIG_DIR)");
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let (mode, has_token) = match &facts.file {
        FileState::Missing => {
            return Check::pass(
                NAME,
                format!(
                    "{}: not created yet (the first sign-in creates it, mode 0600)",
                    path.display()
                ),
            )
            .detail(format!("no client token stored for {}", facts.backend_key));
        }
        FileState::Unreadable(why) => {
            return Check::fail(NAME, format!("{}: {why}", path.display())).fix(format!(
                "delete it (`rm {}`) and sign in again",
                shell_quote(path)
            ));
        }
        FileState::Present { mode, has_token } => (*mode, *has_token),
    };
    let mut fixes = Vec::new();
    let mut problems = Vec::new();
    if let Some(mode) = mode.filter(|m| m & 0o077 != 0) {
        problems.push(format!(
            "the file is mode {mode:04o}: others on this machine can read the token"
        ));
        fixes.push(format!("chmod 600 {}", shell_quote(path)));
    }
    if let Some(mode) = facts.dir_mode.filter(|m| m & 0o077 != 0) {
        problems.push(format!(
            "its directory is mode {mode:04o}: open to group or others"
        ));
        fixes.push(format!("chmod 700 {}", shell_quote(dir)));
    }
    let stored = if has_token {
        format!(
            "a client token is stored for {}: the next run resumes its session",
            facts.backend_key
        )
    } else {
        format!(
            "no client token stored for {}: the next run starts signed out",
            facts.backend_key
        )
    };
    if !problems.is_empty() {
        return Check::fail(NAME, format!("{}: {}", path.display(), problems.join("; ")))
            .detail(stored)
            .fix(format!("run `{}`", fixes.join(" && ")));
    }
    let modes = match (mode, facts.dir_mode) {
        (Some(f), Some(d)) => format!(" (mode {f:04o}, directory {d:04o})"),
        _ => String::new(),
    };
    Check::pass(NAME, format!("{}{modes}", path.display())).detail(stored)
}

#[cfg(test)]
#[path = "storage_tests.rs"]
mod tests;
