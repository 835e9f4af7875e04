//! The embedded server for pseudo-terminal tests (a `support::server::Background`: the test
//! drives the terminal from plain threads), with a private directory for config, data and home,
//! and the app started against it in a pty.

use std::ops::Deref;
use std::path::Path;

use super::pty::Term;
use super::support::server::Background;

pub struct Server {
    server: Background,
    config_dir: tempfile::TempDir,
}

/// `rt`, `handle()`, `add_user`, `code_for`, `link_for` of the background server.
impl Deref for Server {
    type Target = Background;
    fn deref(&self) -> &Background {
        &self.server
    }
}

impl Server {
    pub fn start() -> Server {
        Server {
            server: Background::start(),
            config_dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The test's own directory (config, data and home of the app).
    pub fn dir(&self) -> String {
        self.dir_path().to_string_lossy().into_owned()
    }

    pub fn dir_path(&self) -> &Path {
        self.config_dir.path()
    }

    /// The app in an 80x24 pty against this server, with these extra arguments.
    pub fn spawn(&self, extra: &[&str]) -> Term {
        let dir = self.dir();
        let base = self.base_url();
        let mut args = vec!["--frontend-api", base.as_str()];
        args.extend_from_slice(extra);
        Term::spawn(
            &args,
            &[
                ("XDG_CONFIG_HOME", &dir),
                ("XDG_DATA_HOME", &dir),
                ("HOME", &dir),
            ],
        )
    }
}
