//! The full-screen UI over `App`: `render` routes on the sign-in step to one file per screen,
//! `on_key`/`on_paste` turn input into `Action`s. `Ui` holds only what the server cannot know
//! (typed text, focus, open overlays); the flow itself always comes from `App`.

mod backup_codes;
mod choose;
mod common;
mod confirm;
mod factor;
mod handoff;
mod identifier;
mod new_password;
mod problem;
mod signed_in;
mod start;
mod totp_setup;
mod ui;
mod waiting;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_handoff;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_signed_in;

pub use ui::{Hyperlink, Ui};

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};

use crate::app::{AccountTask, Action, App};
use crate::fapi::Strategy;
use crate::flow::{Stage, Step};
use crate::tui::Theme;
use crate::tui::widgets::{HelpOverlay, KeyHelp, StatusBar, sanitize};

use common::Column;

/// Below this size the screens do not fit; a message says what is needed instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Width of the dev outbox pane when it is open.
const OUTBOX_WIDTH: u16 = 36;

/// Which screen is showing. Inputs are reset when it changes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScreenId {
    Start,
    Identifier,
    Password,
    Code(Stage, Strategy),
    BackupCode(Stage),
    /// An email link or a browser hand-off (OAuth, SAML, enterprise SSO).
    Waiting(Stage, Strategy),
    /// A factor this terminal cannot complete (picked before the list refused it, or preferred).
    Unusable(Stage, Strategy),
    Choose(Stage),
    NoFactor(Stage),
    NewPassword,
    SignedIn,
    /// Signed in, setting up an authenticator app (QR, secret, code).
    EnrolTotp,
    /// Signed in, backup codes shown once.
    BackupCodes,
    /// Signed in, a question before removing the app or replacing the backup codes.
    Confirm(crate::app::Confirm),
    Unsupported(String),
}

impl ScreenId {
    pub(crate) fn of(app: &App) -> ScreenId {
        if app.loading() && app.signed_in.is_none() {
            return ScreenId::Start;
        }
        match app.step() {
            Step::Identifier => ScreenId::Identifier,
            Step::Factor(f) => {
                let strategy = f.strategy().clone();
                match strategy {
                    Strategy::Password => ScreenId::Password,
                    Strategy::BackupCode => ScreenId::BackupCode(f.stage),
                    s if s.is_code() => ScreenId::Code(f.stage, s),
                    s if s.completes_elsewhere() => ScreenId::Waiting(f.stage, s),
                    s => ScreenId::Unusable(f.stage, s),
                }
            }
            Step::ChooseFactor(stage) => ScreenId::Choose(stage),
            Step::NoFactor(stage) => ScreenId::NoFactor(stage),
            Step::NewPassword => ScreenId::NewPassword,
            Step::Complete { .. } => match &app.account {
                None => ScreenId::SignedIn,
                Some(AccountTask::EnrolTotp { .. }) => ScreenId::EnrolTotp,
                Some(AccountTask::BackupCodes { .. }) => ScreenId::BackupCodes,
                Some(AccountTask::Confirm(which)) => ScreenId::Confirm(*which),
            },
            Step::Unsupported { status } => ScreenId::Unsupported(status),
        }
    }

    /// Screens where "use another method" applies.
    fn has_other_methods(&self) -> bool {
        matches!(
            self,
            ScreenId::Password
                | ScreenId::Code(..)
                | ScreenId::BackupCode(_)
                | ScreenId::Waiting(..)
                | ScreenId::Unusable(..)
        )
    }
}

/// Draws the whole screen for the current state.
pub fn render(frame: &mut Frame, app: &App, ui: &mut Ui, theme: Theme) {
    let (buf, cursor) = render_to_buffer(frame.area(), app, ui, theme);
    *frame.buffer_mut() = buf;
    frame.set_cursor_position(cursor);
}

/// What [`render`] draws, into a fresh buffer of `area`, with the cursor position: the event
/// loop compares it with the last frame and leaves the terminal alone when nothing changed.
pub fn render_to_buffer(area: Rect, app: &App, ui: &mut Ui, theme: Theme) -> (Buffer, Position) {
    ui.sync(app);
    ui.hyperlink = None;
    let mut buf = Buffer::empty(area);
    let cursor = if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(&mut buf, area, theme)
    } else {
        draw(&mut buf, area, app, ui, theme)
    };
    (buf, cursor)
}

fn draw(buf: &mut Buffer, area: Rect, app: &App, ui: &mut Ui, theme: Theme) -> Position {
    ui.sync_outbox(app);
    header(buf, area, app, theme);
    let mut body = Rect::new(area.x + 2, area.y + 2, area.width - 4, area.height - 4);
    let outbox_shown = ui.outbox_open && ui.outbox.is_some();
    if outbox_shown {
        body.width -= OUTBOX_WIDTH + 1;
    }
    let cursor = match ui.screen.clone() {
        ScreenId::Start => start::render(buf, body, app, ui, theme),
        ScreenId::Identifier => identifier::render(buf, body, app, ui, theme),
        ScreenId::Password | ScreenId::Code(..) | ScreenId::BackupCode(_) => {
            factor::render(buf, body, app, ui, theme)
        }
        ScreenId::Waiting(..) => waiting::render(buf, body, app, ui, theme),
        ScreenId::Choose(_) => choose::render(buf, body, app, ui, theme),
        ScreenId::NoFactor(_) | ScreenId::Unusable(..) | ScreenId::Unsupported(_) => {
            problem::render(buf, body, app, ui, theme)
        }
        ScreenId::NewPassword => new_password::render(buf, body, app, ui, theme),
        ScreenId::SignedIn => signed_in::render(buf, body, app, ui, theme),
        ScreenId::EnrolTotp => totp_setup::render(buf, body, app, ui, theme),
        ScreenId::BackupCodes => backup_codes::render(buf, body, app, ui, theme),
        ScreenId::Confirm(which) => confirm::render(buf, body, app, which, theme),
    };
    if let (true, Some(outbox)) = (outbox_shown, ui.outbox.as_ref()) {
        let pane = Rect::new(
            area.right() - OUTBOX_WIDTH - 1,
            area.y + 1,
            OUTBOX_WIDTH,
            area.height - 2,
        );
        let _ = outbox.render(pane, buf, theme, false);
    }
    let keys = status_keys(app, ui);
    StatusBar {
        state: &state(app, ui),
        keys: &keys,
        dev: app.backend.is_embedded(),
    }
    .render(
        Rect::new(area.x, area.bottom() - 1, area.width, 1),
        buf,
        theme,
    );
    if let Some(help) = ui.help.as_ref()
        && let Some(at) = help.render(area, buf, theme)
    {
        return at;
    }
    cursor.unwrap_or(Position::new(body.x, body.y))
}

/// The application's name on the left, where the Frontend API lives on the right.
fn header(buf: &mut Buffer, area: Rect, app: &App, theme: Theme) {
    let name = app
        .environment
        .as_ref()
        .and_then(|e| e.application_name())
        .map(|n| format!("Sign in to {}", sanitize(n)))
        .unwrap_or_else(|| "Sign in".to_string());
    let left = format!("clerk-tui · {name}");
    let right = match &app.backend {
        crate::app::Backend::Embedded { .. } => "embedded Clerk emulator".to_string(),
        crate::app::Backend::Remote { base_url } => sanitize(base_url).into_owned(),
    };
    let room = usize::from(area.width.saturating_sub(2));
    let right = common::truncate(&right, room / 2).into_owned();
    let left = common::truncate(&left, room - common::width(&right) - 1).into_owned();
    buf.set_string(area.x + 1, area.y, left, theme.title());
    let x = area.right() - 1 - u16::try_from(common::width(&right)).unwrap_or(0);
    buf.set_string(x, area.y, right, theme.hint());
}

fn too_small(buf: &mut Buffer, area: Rect, theme: Theme) -> Position {
    let message = format!(
        "clerk-tui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} characters; this one \
         is {}×{}. Enlarge the window or make the font smaller. Ctrl-C quits.",
        area.width, area.height
    );
    let mut col = Column::new(buf, area, theme);
    col.wrapped(&message, theme.text());
    Position::new(area.x, area.y)
}

/// The state in words for the status bar: the call in flight, else the screen's own words.
fn state(app: &App, ui: &Ui) -> String {
    if let Some(busy) = &app.busy {
        return format!("{}…", busy.what);
    }
    match &ui.screen {
        ScreenId::Start => start::state(app),
        ScreenId::Identifier => "Enter your identifier to sign in".to_string(),
        ScreenId::Password | ScreenId::Code(..) | ScreenId::BackupCode(_) => factor::state(app),
        ScreenId::Waiting(..) => waiting::state(app),
        ScreenId::Choose(_) => "Choose another way to verify".to_string(),
        ScreenId::NoFactor(_) | ScreenId::Unusable(..) | ScreenId::Unsupported(_) => {
            problem::state(ui)
        }
        ScreenId::NewPassword => "Choose a new password".to_string(),
        ScreenId::SignedIn => signed_in::state(app),
        ScreenId::EnrolTotp => totp_setup::state(),
        ScreenId::BackupCodes => backup_codes::state(),
        ScreenId::Confirm(which) => confirm::state(*which),
    }
}

/// The keys of the current screen, most important first.
fn screen_keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    match &ui.screen {
        ScreenId::Start => start::keys(app),
        ScreenId::Identifier => identifier::keys(app, ui),
        ScreenId::Password | ScreenId::Code(..) | ScreenId::BackupCode(_) => factor::keys(app, ui),
        ScreenId::Waiting(..) => waiting::keys(app, ui),
        ScreenId::Choose(_) => choose::keys(),
        ScreenId::NoFactor(_) | ScreenId::Unusable(..) | ScreenId::Unsupported(_) => {
            problem::keys(ui)
        }
        ScreenId::NewPassword => new_password::keys(),
        ScreenId::SignedIn => signed_in::keys(app),
        ScreenId::EnrolTotp => totp_setup::keys(),
        ScreenId::BackupCodes => backup_codes::keys(),
        ScreenId::Confirm(_) => confirm::keys(),
    }
}

const HELP_KEY: KeyHelp = KeyHelp {
    keys: "F1",
    action: "help",
};

/// The screen's two most important keys, how to get help, then a third key if it fits:
/// what the status bar shows (it drops keys from the end when the line is full).
fn status_keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    let mut keys: Vec<KeyHelp> = screen_keys(app, ui).into_iter().take(3).collect();
    keys.insert(keys.len().min(2), HELP_KEY);
    keys
}

/// Every key of the screen plus the keys that work everywhere: what the help overlay lists.
fn help_keys(app: &App, ui: &Ui) -> Vec<KeyHelp> {
    let mut keys = screen_keys(app, ui);
    if ui.screen.has_other_methods() {
        keys.retain(|k| k.keys != "m" && k.keys != "Ctrl-O");
        keys.push(KeyHelp {
            keys: "m, Ctrl-O",
            action: "use another method (m only outside text fields)",
        });
    }
    keys.push(KeyHelp {
        keys: "?, F1",
        action: "this help (? only outside text fields)",
    });
    if app.backend.is_embedded() && ui.outbox.is_some() {
        keys.push(KeyHelp {
            keys: "o",
            action: "show or hide the dev outbox (codes and links sent)",
        });
    }
    keys.push(KeyHelp {
        keys: "Ctrl-C",
        action: "quit (the terminal is restored)",
    });
    keys
}

fn help_title(ui: &Ui) -> &'static str {
    match &ui.screen {
        ScreenId::Start => "Starting",
        ScreenId::Identifier => "Sign in",
        ScreenId::Password => "Password",
        ScreenId::Code(..) => "Verification code",
        ScreenId::BackupCode(_) => "Backup code",
        ScreenId::Waiting(_, Strategy::EmailLink) => "Email link",
        ScreenId::Waiting(..) => "Browser sign-in",
        ScreenId::Choose(_) => "Use another method",
        ScreenId::NoFactor(_) | ScreenId::Unusable(..) | ScreenId::Unsupported(_) => {
            "Cannot continue here"
        }
        ScreenId::NewPassword => "New password",
        ScreenId::SignedIn => "Signed in",
        ScreenId::EnrolTotp => "Set up an authenticator app",
        ScreenId::BackupCodes => "Backup codes",
        ScreenId::Confirm(_) => "Are you sure?",
    }
}

/// Turns a key into the user's intent. Widgets take the keys of the focused field first;
/// letter shortcuts only act where no text field has focus.
pub fn on_key(app: &App, ui: &mut Ui, key: KeyEvent) -> Vec<Action> {
    if !crate::tui::widgets::is_press(&key) {
        return Vec::new();
    }
    ui.sync(app);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return vec![Action::Quit];
    }
    ui.copied = None;
    if let Some(help) = ui.help.as_mut() {
        if help.handle_key(key) == crate::tui::widgets::Outcome::Close {
            ui.help = None;
        }
        return Vec::new();
    }
    let plain_char = |c: char| key.code == KeyCode::Char(c) && !ctrl;
    if key.code == KeyCode::F(1) || (plain_char('?') && !ui.text_focused()) {
        ui.help = Some(HelpOverlay::new(help_title(ui), help_keys(app, ui)));
        return Vec::new();
    }
    if plain_char('o') && !ui.text_focused() && app.backend.is_embedded() && ui.outbox.is_some() {
        ui.outbox_open = !ui.outbox_open;
        return Vec::new();
    }
    if ui.screen.has_other_methods()
        && ((ctrl && key.code == KeyCode::Char('o')) || (plain_char('m') && !ui.text_focused()))
    {
        return vec![Action::ChooseAnotherMethod];
    }
    // A second Enter while the first is still on its way would send the form twice; the
    // status bar already says what is in flight.
    if key.code == KeyCode::Enter && app.busy.is_some() {
        return Vec::new();
    }
    let actions = match ui.screen.clone() {
        ScreenId::Start => start::on_key(app, ui, key),
        ScreenId::Identifier => identifier::on_key(app, ui, key),
        ScreenId::Password | ScreenId::Code(..) | ScreenId::BackupCode(_) => {
            factor::on_key(app, ui, key)
        }
        ScreenId::Waiting(..) => waiting::on_key(app, ui, key),
        ScreenId::Choose(_) => choose::on_key(app, ui, key),
        ScreenId::NoFactor(_) | ScreenId::Unusable(..) | ScreenId::Unsupported(_) => {
            problem::on_key(app, ui, key)
        }
        ScreenId::NewPassword => new_password::on_key(app, ui, key),
        ScreenId::SignedIn => signed_in::on_key(app, ui, key),
        ScreenId::EnrolTotp => totp_setup::on_key(app, ui, key),
        ScreenId::BackupCodes => backup_codes::on_key(app, ui, key),
        ScreenId::Confirm(_) => confirm::on_key(app, ui, key),
    };
    ui.after(&actions);
    actions
}

/// A bracketed paste goes to the focused field, whole (never as keys, so it cannot trigger
/// shortcuts); a complete pasted code submits at once.
pub fn on_paste(app: &App, ui: &mut Ui, text: &str) -> Vec<Action> {
    ui.sync(app);
    if ui.help.is_some() {
        return Vec::new();
    }
    let actions = ui.paste(app, text);
    ui.after(&actions);
    actions
}

/// Whether the loop must wake up every second: something on screen counts down or the
/// sign-in is being polled. Cheap enough to ask after every batch.
pub fn needs_tick(app: &App) -> bool {
    // Signed in, the token's lifetime counts down and its refresh is decided on a tick.
    app.signed_in.is_some()
        || app.polling
        || app.blocked_secs().is_some()
        || app.resend_secs().is_some()
        || app.expires_in_secs().is_some_and(|s| s > 0)
}
