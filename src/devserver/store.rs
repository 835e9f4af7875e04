//! SQLite persistence: every record is written through before the response that acknowledges
//! it, as JSON in one `objects` table, plus a `meta` table for the instance's keys.
//!
//! A file database runs in WAL mode, so a restart on the same file finds everything.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::errors::DevServerError;

/// Where the development server keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite file (created with its parent directory if missing).
    File(PathBuf),
    /// In memory, gone when the server stops.
    Ephemeral,
}

impl DbLocation {
    /// `<data_local_dir>/devserver.sqlite3` for `dev.clerk-tui.clerk-tui`, when the platform
    /// has a home directory.
    pub fn default_file() -> Option<PathBuf> {
        directories::ProjectDirs::from("dev", "clerk-tui", "clerk-tui")
            .map(|dirs| dirs.data_local_dir().join("devserver.sqlite3"))
    }
}

pub struct Sqlite {
    conn: Connection,
    location: DbLocation,
}

fn db_err(e: impl std::fmt::Display) -> DevServerError {
    DevServerError::Database(e.to_string())
}

impl Sqlite {
    pub fn open(location: &DbLocation) -> Result<Self, DevServerError> {
        let conn = match location {
            DbLocation::Ephemeral => Connection::open_in_memory().map_err(db_err)?,
            DbLocation::File(path) => {
                ensure_parent(path)?;
                private_file(path)?;
                let conn = Connection::open(path).map_err(db_err)?;
                // WAL keeps readers and the writer apart; NORMAL sync survives a process crash.
                conn.pragma_update(None, "journal_mode", "WAL")
                    .map_err(db_err)?;
                conn.pragma_update(None, "synchronous", "NORMAL")
                    .map_err(db_err)?;
                conn
            }
        };
        if let DbLocation::File(path) = location {
            // WAL mode made its side files; they hold the same secrets as the database.
            for suffix in ["-wal", "-shm"] {
                let mut side = path.clone().into_os_string();
                side.push(suffix);
                let side = PathBuf::from(side);
                if side.exists() {
                    private_file(&side)?;
                }
            }
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        // Reads are served from the in-memory maps (SQLite is read once, at start), so a page
        // cache beyond the few pages a write touches is memory for nothing (default: 2 MiB).
        conn.pragma_update(None, "cache_size", -256)
            .map_err(db_err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS objects (
                kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
                PRIMARY KEY (kind, id));
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);",
        )
        .map_err(db_err)?;
        Ok(Self {
            conn,
            location: location.clone(),
        })
    }

    /// Where this database lives (another connection to a file sees the same data).
    pub fn location(&self) -> &DbLocation {
        &self.location
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>, DevServerError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db_err)
    }

    pub fn meta_put(&self, key: &str, value: &[u8]) -> Result<(), DevServerError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(db_err)
    }

    pub fn put<T: Serialize>(&self, kind: &str, id: &str, value: &T) -> Result<(), DevServerError> {
        let data = serde_json::to_string(value).map_err(db_err)?;
        self.conn
            .execute(
                "INSERT INTO objects (kind, id, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT(kind, id) DO UPDATE SET data = excluded.data",
                params![kind, id, data],
            )
            .map(|_| ())
            .map_err(db_err)
    }

    pub fn delete(&self, kind: &str, id: &str) -> Result<(), DevServerError> {
        self.conn
            .execute(
                "DELETE FROM objects WHERE kind = ?1 AND id = ?2",
                params![kind, id],
            )
            .map(|_| ())
            .map_err(db_err)
    }

    /// Every record of a kind. A row that no longer parses is skipped (and logged), so an
    /// older database never stops the server from starting.
    pub fn load_all<T: DeserializeOwned>(&self, kind: &str) -> Result<Vec<T>, DevServerError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, data FROM objects WHERE kind = ?1")
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![kind], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(db_err)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, data) = row.map_err(db_err)?;
            match serde_json::from_str(&data) {
                Ok(v) => out.push(v),
                Err(e) => tracing::warn!(kind, id, error = %e, "skipping unreadable record"),
            }
        }
        Ok(out)
    }

    /// Drops every record (the instance keys in `meta` stay).
    pub fn clear_objects(&self) -> Result<(), DevServerError> {
        self.conn
            .execute("DELETE FROM objects", [])
            .map(|_| ())
            .map_err(db_err)
    }

    /// Runs `f` in one transaction, so a multi-record change lands whole or not at all.
    pub fn transaction<R>(
        &mut self,
        f: impl FnOnce(&Sqlite) -> Result<R, DevServerError>,
    ) -> Result<R, DevServerError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(db_err)?;
        match f(self) {
            Ok(r) => {
                self.conn.execute_batch("COMMIT").map_err(db_err)?;
                Ok(r)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Creates the database's missing directories readable by the owner only (0700): the file
/// holds the signing keys and TOTP secrets. Existing directories are left as they are.
fn ensure_parent(path: &Path) -> Result<(), DevServerError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut dirs = std::fs::DirBuilder::new();
        dirs.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
        dirs.create(parent).map_err(|e| {
            DevServerError::Database(format!("cannot create {}: {e}", parent.display()))
        })?;
    }
    Ok(())
}

/// Creates `path` as 0600 if missing (before SQLite could create it world-readable), and
/// tightens an existing one that is looser.
fn private_file(path: &Path) -> Result<(), DevServerError> {
    let fail = |e: std::io::Error| {
        DevServerError::Database(format!("cannot protect {}: {e}", path.display()))
    };
    let mut open = std::fs::OpenOptions::new();
    open.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let file = open.open(path).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata().map_err(fail)?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))
                .map_err(fail)?;
        }
    }
    drop(file);
    Ok(())
}
