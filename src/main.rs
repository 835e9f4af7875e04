//! The `clerk-tui` binary: parse the command line, pick the backend (embedded emulator, a
//! publishable key, or an explicit Frontend API URL), then hand over to a front end or run one
//! of the scripting commands. Exit codes are `clerk_tui::cli::ExitStatus`.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clerk_tui::app::effects::{EffectRunner, now_ms};
use clerk_tui::app::{Action, App, Backend, SeedUserInfo};
use clerk_tui::cli::{Cli, Command, ExitStatus, ServeArgs, SignInArgs};
use clerk_tui::devserver::{self, DbLocation, DevServer, DevServerConfig, DevServerHandle};
use clerk_tui::doctor::DoctorOptions;
use clerk_tui::fapi::{
    FapiClient, FileTokenStore, MemoryTokenStore, PublishableKey, StoreError, Strategy, TokenStore,
};
use clerk_tui::plain::{self, Answers, PlainOptions, ScriptIo, ScriptOptions};
use clerk_tui::tui::Theme;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

mod embedded;

/// The embedded server picks a new port each run; its client token is kept under this key so
/// `clerk-tui sign-in` followed by `clerk-tui token` finds the same client.
const EMBEDDED_STORE_KEY: &str = "embedded";
const DB_FILE_NAME: &str = "devserver.sqlite3";

/// A failure that ends the program: how to exit and what to say on stderr.
struct Fatal(ExitStatus, String);

fn main() -> ExitCode {
    let cli = clerk_tui::cli::parse();
    let _log_guard = match init_logging(cli.log_file.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("Error: cannot open the log file: {e}");
            return ExitStatus::Usage.into();
        }
    };
    limit_malloc_arenas();
    // Two workers whatever the core count: the app and the embedded server need no more, and
    // every thread costs a stack and, with glibc, an allocator arena. Two rather than one so a
    // slow emulator request (SQLite, argon2 outside `spawn_blocking`) never stalls the screen.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return ExitStatus::Other.into();
        }
    };
    let status = match runtime.block_on(run(cli)) {
        Ok(status) => status,
        Err(Fatal(status, message)) => {
            // Messages quote the server (Clerk's error text, a proxy's page): cleaned here,
            // the one place every fatal error is printed.
            eprintln!("Error: {}", clerk_tui::flow::clean(&message));
            status
        }
    };
    // A read of stdin may still be blocked in the runtime's thread pool: do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    status.into()
}

/// glibc gives every thread that allocates its own heap (up to 8 per core), and once a large
/// block (argon2's 19 MiB) has been freed it keeps the next ones instead of returning them:
/// a fixed mmap threshold hands every large block back to the system when it is freed.
/// (`MALLOC_ARENA_MAX` would have to be set before exec; `mallopt` is the same knob from
/// inside.) musl's allocator has neither behaviour.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tunables; it runs before any thread exists, and
    // a refused setting is simply not applied.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Logs go to a file only, and only when asked: the terminal belongs to the app.
fn init_logging(
    path: Option<&Path>,
) -> std::io::Result<Option<tracing_appender::non_blocking::WorkerGuard>> {
    let Some(path) = path else { return Ok(None) };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        // Only the user reads their log: it names the instance, the user's identifier and
        // what they did, even though it never holds a secret. A symlink planted at the path
        // (in /tmp, say) would make us append to a file of the attacker's choosing.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    // `RUST_LOG` in its `target=level,level` form (span and field filters are not parsed).
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| {
            Targets::new()
                .with_target("clerk_tui", LevelFilter::DEBUG)
                .with_default(LevelFilter::INFO)
        });
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(LevelFilter::TRACE)
        .finish()
        .with(filter)
        .init();
    Ok(Some(guard))
}

async fn run(cli: Cli) -> Result<ExitStatus, Fatal> {
    match &cli.command {
        Some(Command::Serve(args)) => serve(&cli, args).await,
        Some(Command::Token(args)) => {
            let conn = connect(&cli).await?;
            let mut stdout = std::io::stdout();
            let result =
                plain::print_token(&conn.client, args.template.as_deref(), &mut stdout).await;
            conn.close().await;
            result.map(|()| ExitStatus::Success).map_err(command_fatal)
        }
        Some(Command::Status(args)) => {
            let conn = connect(&cli).await?;
            let embedded = conn.backend.is_embedded();
            let mut stdout = std::io::stdout();
            let result = plain::status(&conn.client, embedded, args.json, &mut stdout).await;
            conn.close().await;
            match result.map_err(command_fatal)? {
                plain::SessionStatus::SignedIn { .. } => Ok(ExitStatus::Success),
                plain::SessionStatus::SignedOut => Ok(ExitStatus::NeedsInput),
            }
        }
        Some(Command::SignOut(args)) => {
            let conn = connect(&cli).await?;
            let result = plain::sign_out(&conn.client, args.all).await;
            conn.close().await;
            let sentence = result.map_err(command_fatal)?;
            eprintln!("{}", clerk_tui::flow::clean(&sentence));
            Ok(ExitStatus::Success)
        }
        Some(Command::SignIn(args)) => sign_in(&cli, args).await,
        Some(Command::Doctor(args)) => Ok(doctor(&cli, args.json).await),
        Some(Command::Completions(args)) => {
            let mut stdout = std::io::stdout();
            clerk_tui::cli::write_completions(args.shell, &mut stdout);
            flush_stdout()
        }
        Some(Command::Man) => {
            clerk_tui::cli::write_man_page(&mut std::io::stdout())
                .map_err(|e| Fatal(ExitStatus::Other, format!("cannot write the man page: {e}")))?;
            flush_stdout()
        }
        None => run_app(&cli).await,
    }
}

fn flush_stdout() -> Result<ExitStatus, Fatal> {
    std::io::stdout()
        .flush()
        .map(|()| ExitStatus::Success)
        .map_err(|e| Fatal(ExitStatus::Other, format!("cannot write to stdout: {e}")))
}

/// Runs every check and prints the report; exit 1 when a check failed.
async fn doctor(cli: &Cli, json: bool) -> ExitStatus {
    let report = clerk_tui::doctor::run(&DoctorOptions::from_cli(cli)).await;
    let text = if json {
        format!("{:#}\n", report.to_json())
    } else {
        report.to_text(clerk_tui::doctor::colour_output(cli))
    };
    let mut stdout = std::io::stdout();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        eprintln!("Error: cannot write to stdout: {e}");
        return ExitStatus::Other;
    }
    report.exit_status()
}

fn command_fatal(e: plain::CommandError) -> Fatal {
    Fatal(e.status, e.message)
}

async fn serve(cli: &Cli, args: &ServeArgs) -> Result<ExitStatus, Fatal> {
    if !args.addr.ip().is_loopback() && !args.allow_remote {
        return Err(Fatal(
            ExitStatus::Usage,
            format!(
                "{} is not a loopback address. The emulator has no real security; pass --allow-remote to bind it anyway.",
                args.addr
            ),
        ));
    }
    // serve_standalone itself warns on stderr when the address is not loopback.
    let opts = devserver::StandaloneOptions {
        addr: args.addr,
        db: args
            .db
            .clone()
            .or_else(|| cli.config_dir.as_ref().map(|d| d.join(DB_FILE_NAME))),
        ephemeral: args.ephemeral,
        seed: args.seed.clone(),
        ..Default::default()
    };
    devserver::serve_standalone(opts)
        .await
        .map_err(|e| Fatal(ExitStatus::Other, e.to_string()))?;
    Ok(ExitStatus::Success)
}

/// A `TokenStore` that files every token under one fixed key, whatever host asks.
struct FixedKeyStore {
    inner: Arc<dyn TokenStore>,
    key: &'static str,
}

impl TokenStore for FixedKeyStore {
    fn load_token(&self, _host: &str) -> Result<Option<SecretString>, StoreError> {
        self.inner.load_token(self.key)
    }
    fn save_token(&self, _host: &str, token: &SecretString) -> Result<(), StoreError> {
        self.inner.save_token(self.key, token)
    }
    fn clear_token(&self, _host: &str) -> Result<(), StoreError> {
        self.inner.clear_token(self.key)
    }
    fn device_id(&self) -> Result<String, StoreError> {
        self.inner.device_id()
    }
}

fn token_store(cli: &Cli) -> Arc<dyn TokenStore> {
    if cli.no_store {
        return Arc::new(MemoryTokenStore::new());
    }
    if let Some(dir) = &cli.config_dir {
        return Arc::new(FileTokenStore::at(dir.join(FileTokenStore::FILE_NAME)));
    }
    match FileTokenStore::open_default() {
        Ok(store) => Arc::new(store),
        Err(e) => {
            eprintln!("Warning: {e}; the client token is kept in memory only.");
            Arc::new(MemoryTokenStore::new())
        }
    }
}

fn embedded_db(cli: &Cli) -> DbLocation {
    if cli.no_store {
        return DbLocation::Ephemeral;
    }
    let file: Option<PathBuf> = match &cli.config_dir {
        Some(dir) => Some(dir.join(DB_FILE_NAME)),
        None => DbLocation::default_file(),
    };
    match file {
        Some(path) => DbLocation::File(path),
        None => {
            eprintln!("Warning: no data directory; the embedded server keeps its data in memory.");
            DbLocation::Ephemeral
        }
    }
}

/// A connected backend: the client, what the app shows about it, and the embedded server.
struct Connection {
    client: FapiClient,
    backend: Backend,
    server: Option<Server>,
}

enum Server {
    Running(DevServerHandle),
    /// Started behind the first frame (see `embedded`).
    Starting(embedded::Starting),
}

/// When the embedded server starts: the full screen draws first, the commands need it now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StartServer {
    Now,
    AfterFirstFrame,
}

impl Connection {
    /// What starts a server waiting for the first frame; `None` when there is none.
    fn start_trigger(&mut self) -> Option<embedded::Go> {
        match &mut self.server {
            Some(Server::Starting(starting)) => starting.trigger(),
            _ => None,
        }
    }

    async fn close(self) {
        match self.server {
            Some(Server::Running(server)) => {
                let _ = server.shutdown().await;
            }
            Some(Server::Starting(starting)) => starting.close().await,
            None => {}
        }
    }
}

async fn connect(cli: &Cli) -> Result<Connection, Fatal> {
    connect_with(cli, StartServer::Now).await
}

async fn connect_with(cli: &Cli, start: StartServer) -> Result<Connection, Fatal> {
    let store = token_store(cli);
    let setup = |e: clerk_tui::fapi::FapiError| Fatal(ExitStatus::Usage, e.to_string());
    if let Some(key) = &cli.backend.publishable_key {
        let key = PublishableKey::parse(key).map_err(|e| {
            Fatal(
                ExitStatus::Usage,
                format!("the publishable key is not valid: {e}"),
            )
        })?;
        let client = FapiClient::new(&key, store).map_err(setup)?;
        let base_url = key.frontend_api_url();
        return Ok(Connection {
            client,
            backend: Backend::Remote { base_url },
            server: None,
        });
    }
    if let Some(url) = &cli.backend.frontend_api {
        let client = FapiClient::with_base_url(url, store).map_err(setup)?;
        return Ok(Connection {
            client,
            backend: Backend::Remote {
                base_url: url.clone(),
            },
            server: None,
        });
    }
    let config = DevServerConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        db: embedded_db(cli),
        ..Default::default()
    };
    let cannot = |e: &dyn std::fmt::Display| {
        Fatal(
            ExitStatus::Other,
            format!("cannot start the embedded server: {e}"),
        )
    };
    let (server, base_url, seed_users) = if start == StartServer::AfterFirstFrame {
        // The embedded server always runs the built-in seed, so its demo users are known
        // without waiting for it.
        let starting = embedded::Starting::reserve(config).map_err(|e| cannot(&e))?;
        let base_url = starting.base_url().to_string();
        (
            Server::Starting(starting),
            base_url,
            devserver::default_seed_users(),
        )
    } else {
        let handle = DevServer::start(config).await.map_err(|e| cannot(&e))?;
        let base_url = handle.base_url().to_string();
        let users = handle.seeded_users().to_vec();
        (Server::Running(handle), base_url, users)
    };
    let seed_users = seed_users
        .iter()
        .map(|u| SeedUserInfo {
            identifier: u.identifier().to_string(),
            password: u.password.clone(),
            demonstrates: u.demonstrates.clone(),
        })
        .collect();
    let store: Arc<dyn TokenStore> = Arc::new(FixedKeyStore {
        inner: store,
        key: EMBEDDED_STORE_KEY,
    });
    let client = FapiClient::with_base_url(&base_url, store).map_err(setup)?;
    Ok(Connection {
        client,
        backend: Backend::Embedded {
            base_url,
            seed_users,
        },
        server: Some(server),
    })
}

type Channel = (UnboundedSender<Action>, UnboundedReceiver<Action>);

fn app_parts(conn: &Connection, cli: &Cli) -> Result<(App, EffectRunner, Channel), Fatal> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let runner = EffectRunner::new(Arc::new(conn.client.clone()), tx.clone(), None);
    let mut app = App::new(conn.backend.clone(), now_ms());
    app.display_available = clerk_tui::app::effects::display_available();
    app.handoff_config = hand_off_config(cli)?;
    Ok((app, runner, (tx, rx)))
}

/// How a browser hand-off comes back: `--callback-port`, `--redirect-url` (checked here, so a
/// typo is a usage error rather than a hand-off that can never finish).
fn hand_off_config(cli: &Cli) -> Result<clerk_tui::app::HandOffConfig, Fatal> {
    let redirect_url = match cli.hand_off.redirect_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            let parsed = url::Url::parse(raw).map_err(|e| {
                Fatal(
                    ExitStatus::Usage,
                    format!("--redirect-url {raw:?} is not a web address ({e})"),
                )
            })?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(Fatal(
                    ExitStatus::Usage,
                    format!("--redirect-url must be an http(s) address, not {raw:?}"),
                ));
            }
            Some(parsed.to_string())
        }
    };
    Ok(clerk_tui::app::HandOffConfig {
        callback_port: cli.hand_off.port(),
        redirect_url,
        ssh_host: clerk_tui::app::effects::ssh_host(),
    })
}

async fn run_app(cli: &Cli) -> Result<ExitStatus, Fatal> {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let plain = cli.plain || !interactive || dumb;
    let start = if plain {
        StartServer::Now
    } else {
        StartServer::AfterFirstFrame
    };
    let mut conn = connect_with(cli, start).await?;
    let first_frame = conn.start_trigger();
    let theme = Theme::detect(cli.no_color, cli.high_contrast);
    let (app, runner, (tx, rx)) = app_parts(&conn, cli)?;
    let status = if plain {
        plain::run(app, runner, tx, rx, PlainOptions::default())
            .await
            .exit_status()
    } else {
        let after_first_frame = async move {
            if let Some(go) = first_frame {
                go.go().await;
            }
        };
        full_screen(app, runner, tx, rx, theme, after_first_frame).await
    };
    conn.close().await;
    Ok(status)
}

/// The full-screen front end; the terminal is restored on every way out (see `tui::run`).
async fn full_screen(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    theme: Theme,
    after_first_frame: impl Future<Output = ()>,
) -> ExitStatus {
    match clerk_tui::tui::run::run_with(app, runner, tx, rx, theme, after_first_frame).await {
        Ok(()) => ExitStatus::Success,
        Err(e) => {
            eprintln!("Error: the terminal failed: {e}");
            ExitStatus::Other
        }
    }
}

async fn sign_in(cli: &Cli, args: &SignInArgs) -> Result<ExitStatus, Fatal> {
    let from_env = |var: &str, what: &str| -> Result<SecretString, Fatal> {
        match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(SecretString::from(v)),
            _ => Err(Fatal(
                ExitStatus::NeedsInput,
                format!("the environment variable {var} (the {what}) is not set"),
            )),
        }
    };
    let password = match &args.password_env {
        Some(var) => Some(from_env(var, "password")?),
        None => None,
    };
    let totp_secret = match &args.totp_secret_env {
        Some(var) => Some(from_env(var, "TOTP secret")?),
        None => None,
    };
    let strategy = match args.strategy.as_deref().map(Strategy::from) {
        Some(Strategy::Unknown(name)) => {
            return Err(Fatal(
                ExitStatus::Usage,
                format!("--strategy {name} is not a sign-in strategy clerk-tui knows"),
            ));
        }
        other => other,
    };
    // The variable may hold the Backend API's `url` (a `__clerk_ticket` link) or the token.
    let ticket = match &args.ticket_env {
        Some(var) => {
            let raw = from_env(var, "sign-in ticket")?;
            Some(
                clerk_tui::flow::ticket_from_pasted(raw.expose_secret()).ok_or_else(|| {
                    Fatal(
                        ExitStatus::Usage,
                        format!(
                            "the environment variable {var} holds no sign-in ticket \
                             (a __clerk_ticket link or the token itself)"
                        ),
                    )
                })?,
            )
        }
        None => None,
    };
    let answers = Answers {
        ticket,
        ticket_from_input: args.ticket_stdin,
        identifier: args.identifier.clone(),
        password,
        password_from_input: args.password_stdin,
        codes_from_input: args.code_stdin,
        totp_secret,
        strategy,
    };
    let conn = connect(cli).await?;
    let (app, runner, (tx, rx)) = app_parts(&conn, cli)?;
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let status = plain::sign_in(
        app,
        runner,
        tx,
        rx,
        answers,
        ScriptIo {
            input: stdin,
            out: std::io::stdout(),
            err: std::io::stderr(),
        },
        ScriptOptions { json: args.json },
    )
    .await;
    let _ = std::io::stdout().flush();
    conn.close().await;
    Ok(status)
}
