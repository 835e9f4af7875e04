//! The embedded server for pseudo-terminal tests: on its own runtime (the test drives the
//! terminal from plain threads), with a private directory for config, data and home, and the
//! app started against it in a pty.

use clerk_tui::devserver::{DevServer, DevServerConfig, DevServerHandle};

use super::pty::Term;

pub struct Server {
    pub rt: tokio::runtime::Runtime,
    handle: Option<DevServerHandle>,
    config_dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = rt
            .block_on(DevServer::start(DevServerConfig::default()))
            .expect("dev server starts");
        Server {
            rt,
            handle: Some(handle),
            config_dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn handle(&self) -> &DevServerHandle {
        self.handle.as_ref().expect("server running")
    }

    pub fn base_url(&self) -> String {
        self.handle().base_url().to_string()
    }

    /// The test's own directory (config, data and home of the app).
    pub fn dir(&self) -> String {
        self.config_dir.path().to_string_lossy().into_owned()
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

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.rt.block_on(h.shutdown());
        }
    }
}
