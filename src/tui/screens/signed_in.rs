//! The signed-in screen: who (name, primary identifier, two-step verification), the session
//! (id, status, expiry, the client's other sessions to switch to), and a fresh session token
//! (JWT) with its claims decoded, its JWKS check and its lifetime counting down in server time.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use secrecy::ExposeSecret;

use super::common::{Column, duration, utc};
use super::component::Component;
use super::keymap::{Binding, Key, bind};
use super::shared::{Cx, Drawn, Printout, View};
use super::token::token;
use crate::app::{Action, App};

/// The signed-in screen keeps nothing of its own: the session and token come from `App`.
#[derive(Debug, Default)]
pub(crate) struct SignedInScreen;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Cmd {
    Totp,
    Copy,
    SignOut,
    Quit,
    Refresh,
    SignOutAll,
    BackupCodes,
    Switch,
    DemoCode,
    ShiftClock,
}

fn has_totp(app: &App) -> bool {
    app.user().is_some_and(|u| u.totp_enabled)
}

fn embedded(_: &SignedInScreen, app: &App) -> bool {
    app.backend.is_embedded()
}

const KEYS: &[Binding<SignedInScreen, Cmd>] = &[
    // Most important first: the status bar keeps sign out and quit (then help) whatever
    // the width.
    bind(&[Key::Char('s')], Cmd::SignOut, "sign out"),
    bind(&[Key::Char('q')], Cmd::Quit, "quit"),
    bind(
        &[Key::Char('r')],
        Cmd::Refresh,
        "mint a new session token now",
    ),
    // `a` as in line mode; `t` shows the token as text on every screen that has one.
    bind(&[Key::Char('a')], Cmd::Totp, "set up authenticator app").words(|_, app| {
        if has_totp(app) {
            "remove authenticator app"
        } else {
            "set up authenticator app"
        }
    }),
    bind(&[Key::Char('c')], Cmd::Copy, "copy token"),
    bind(
        &[Key::Char('S')],
        Cmd::SignOutAll,
        "sign out of all sessions on this device",
    ),
    bind(
        &[Key::Char('b')],
        Cmd::BackupCodes,
        "new backup codes (the old ones stop working)",
    ),
    bind(&[Key::Digits('1')], Cmd::Switch, "switch to that session")
        .when(|_, app| app.active_sessions().len() > 1),
    bind(
        &[Key::Char('d')],
        Cmd::DemoCode,
        "show or hide the demo user's authenticator code",
    )
    .when(embedded),
    bind(
        &[Key::Char('+')],
        Cmd::ShiftClock,
        "move the emulator's clock 5 minutes ahead",
    )
    .when(embedded),
];

impl Component for SignedInScreen {
    type Cmd = Cmd;

    fn keymap(&self) -> &'static [Binding<Self, Cmd>] {
        KEYS
    }

    fn run(&mut self, cmd: Cmd, cx: &mut Cx<'_>, key: KeyEvent) -> Vec<Action> {
        let app = cx.app;
        match cmd {
            Cmd::Copy => {
                match app.signed_in.as_ref().and_then(|s| s.jwt.clone()) {
                    Some(jwt) => cx.shared.request_copy(jwt, COPIED),
                    None => cx.shared.copied = Some("There is no session token to copy yet."),
                }
                Vec::new()
            }
            Cmd::Refresh => vec![Action::RefreshToken],
            Cmd::SignOut => vec![Action::SignOut { all: false }],
            Cmd::SignOutAll => vec![Action::SignOut { all: true }],
            Cmd::Quit => vec![Action::Quit],
            Cmd::Totp if has_totp(app) => vec![Action::AskRemoveTotp],
            Cmd::Totp => vec![Action::SetUpTotp],
            Cmd::BackupCodes => vec![Action::AskRegenerateBackupCodes],
            Cmd::DemoCode => vec![Action::ToggleDemoTotp],
            Cmd::ShiftClock => vec![Action::ShiftClock {
                seconds: CLOCK_STEP_SECS,
            }],
            Cmd::Switch => {
                let KeyCode::Char(c @ '1'..='9') = key.code else {
                    return Vec::new();
                };
                let index = usize::from(c as u8 - b'1');
                match app.active_sessions().get(index) {
                    Some(s) => vec![Action::SwitchSession(s.id.clone())],
                    None => Vec::new(),
                }
            }
        }
    }

    fn render(&self, view: &View<'_>, buf: &mut Buffer, area: Rect) -> Drawn {
        Drawn::at(Some(render(buf, area, view)))
    }

    fn as_text(&self, app: &App) -> Option<Printout> {
        let jwt = app.signed_in.as_ref()?.jwt.clone()?;
        Some(Printout {
            heading: "The session token (JWT):",
            help: "show the session token as plain text (to select)",
            text: jwt,
        })
    }

    fn state(&self, app: &App) -> String {
        match who(app).1 {
            Some(id) => format!("Signed in as {id}"),
            None => "Signed in".to_string(),
        }
    }

    fn title(&self) -> &'static str {
        "Signed in"
    }
}

const LABEL: usize = 12;
const COPIED: &str = "Copy sent to the terminal (OSC 52). If your terminal blocks clipboard writes, nothing was copied.";

fn who(app: &App) -> (Option<String>, Option<String>) {
    let session = app.session();
    let user = app.user();
    let name = user.and_then(|u| u.full_name()).or_else(|| {
        let p = session?.public_user_data.as_ref()?;
        let parts: Vec<&str> = [p.first_name.as_deref(), p.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    let identifier = user
        .and_then(|u| {
            u.primary_email()
                .map(str::to_string)
                .or_else(|| u.primary_phone_number().map(|p| p.phone_number.clone()))
                .or_else(|| u.username.clone())
        })
        .or_else(|| session?.display_identifier().map(str::to_string))
        .or_else(|| app.identifier.clone());
    (name, identifier)
}

fn render(buf: &mut Buffer, area: Rect, view: &View<'_>) -> ratatui::layout::Position {
    let (app, theme) = (view.app, view.theme);
    let mut col = Column::new(buf, area, theme);
    let cursor = col.here();
    let signed_in = app.signed_in.clone().unwrap_or_default();
    let (name, identifier) = who(app);
    col.line("Signed in", theme.title());
    col.gap();
    if let Some(name) = &name {
        row(&mut col, "Name", name);
    }
    row(
        &mut col,
        "Identifier",
        identifier.as_deref().unwrap_or("(unknown)"),
    );
    if let Some(user) = app.user() {
        row(&mut col, "Two-step", &two_step(user));
    }
    let session = app.session();
    let status = session
        .map(|s| s.status.as_str().to_string())
        .unwrap_or_else(|| "unknown".to_string());
    row(
        &mut col,
        "Session",
        &format!("{} ({status})", signed_in.session_id),
    );
    if let Some(at) = session.and_then(|s| s.expire_at) {
        let left = duration((at - app.server_now()) / 1000);
        row(&mut col, "Expires", &format!("in {left} ({})", utc(at)));
    }
    if let Some(task) = session.and_then(crate::flow::session_task) {
        row(
            &mut col,
            "Task left",
            &format!("{task} (in the application)"),
        );
    }
    sessions(&mut col, app);
    demo_code(&mut col, app);
    col.gap();
    token(&mut col, app, &signed_in);
    if let Some(copied) = view.shared.copied {
        col.wrapped(copied, theme.text());
    }
    col.notice(app, app.notice.as_ref());
    cursor
}

fn row(col: &mut Column<'_>, label: &str, value: &str) {
    let theme = col.theme;
    col.spans(&[
        (&format!("{label:<LABEL$}"), theme.hint()),
        (value, theme.text()),
    ]);
}

/// Whether signing in asks for a second factor, and which ones the user has.
fn two_step(user: &crate::fapi::User) -> String {
    let mut factors = Vec::new();
    if user.totp_enabled {
        factors.push("authenticator app");
    }
    if user
        .phone_numbers
        .iter()
        .any(|p| p.reserved_for_second_factor)
    {
        factors.push("text message");
    }
    if user.backup_code_enabled {
        factors.push("backup codes");
    }
    match (user.two_factor_enabled, factors.is_empty()) {
        (true, false) => format!("on ({})", factors.join(", ")),
        (true, true) => "on".to_string(),
        (false, _) => "off (a sets up an authenticator app)".to_string(),
    }
}

/// Every active session of this client, numbered for switching (only when there are several).
fn sessions(col: &mut Column<'_>, app: &App) {
    let active = app.active_sessions();
    if active.len() < 2 {
        return;
    }
    let current = app.signed_in.as_ref().map(|s| s.session_id.as_str());
    let list = active
        .iter()
        .take(9)
        .enumerate()
        .map(|(i, s)| {
            let name = s
                .user
                .as_ref()
                .and_then(|u| u.primary_email().map(str::to_string))
                .or_else(|| s.display_identifier().map(str::to_string))
                .unwrap_or_else(|| s.id.clone());
            let this = if Some(s.id.as_str()) == current {
                " (this)"
            } else {
                ""
            };
            format!("{} {name}{this}", i + 1)
        })
        .collect::<Vec<_>>()
        .join(" · ");
    row(col, "Sessions", &format!("{list} — a number switches"));
}

fn demo_code(col: &mut Column<'_>, app: &App) {
    let Some(demo) = &app.demo_totp else { return };
    let text = match &demo.code {
        Some(code) => {
            let code = code.expose_secret();
            let (a, b) = code.split_at(code.len() / 2);
            let left = ((demo.valid_until - app.now_ms) / 1000).max(0);
            format!("{a} {b} · {left} s left (from the emulator; d hides it)")
        }
        None => "reading it from the emulator…".to_string(),
    };
    row(col, "Demo code", &text);
}

/// How far `+` moves the emulator's clock: far past a token's 60 s life.
const CLOCK_STEP_SECS: i64 = 300;
