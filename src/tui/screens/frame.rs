//! Drawing the whole frame from `App` and `Ui`: the header, the current screen, the dev
//! outbox pane, the status bar and the help overlay. Drawing reads `Ui` and never changes it;
//! what a frame hands back (cursor, hyperlink) is data.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::common::{self, Column};
use super::shared::{Drawn, Hyperlink, View};
use super::ui::Ui;
use crate::app::App;
use crate::tui::Theme;
use crate::tui::widgets::{OutboxMessage, OutboxPane, QrWidget, StatusBar, sanitize};

/// Below this size the screens do not fit; a message says what is needed instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// The status bar's keys while the demo users' list is open.
const DEMO_LIST_KEYS: &[crate::tui::widgets::KeyHelp] = &[
    crate::tui::widgets::KeyHelp {
        keys: std::borrow::Cow::Borrowed("Enter"),
        action: "put it in the field",
    },
    crate::tui::widgets::KeyHelp {
        keys: std::borrow::Cow::Borrowed("Up/Down"),
        action: "choose",
    },
    crate::tui::widgets::KeyHelp {
        keys: std::borrow::Cow::Borrowed("Esc"),
        action: "close",
    },
];

/// Width of the dev outbox pane when it is open beside the screen.
const OUTBOX_WIDTH: u16 = 36;
/// The narrowest terminal that shows the outbox beside the screen (the form keeps 76 cells).
const OUTBOX_BESIDE: u16 = 4 + 76 + OUTBOX_WIDTH + 1;

/// Draws the whole screen for the current state.
pub fn render(frame: &mut Frame, app: &App, ui: &mut Ui, theme: Theme) {
    let (buf, cursor) = render_to_buffer(frame.area(), app, ui, theme);
    *frame.buffer_mut() = buf;
    frame.set_cursor_position(cursor);
}

/// What [`render`] draws, into a fresh buffer of `area`, with the cursor position: the event
/// loop compares it with the last frame and leaves the terminal alone when nothing changed.
/// `Ui` follows the app first (a new step builds a new screen); then the frame is drawn from
/// a shared borrow, and the hyperlink it reports is kept for the loop.
pub fn render_to_buffer(area: Rect, app: &App, ui: &mut Ui, theme: Theme) -> (Buffer, Position) {
    ui.sync(app);
    let (buf, cursor, hyperlink) = draw(area, app, ui, theme);
    ui.hyperlink = hyperlink;
    (buf, cursor)
}

/// The frame, the cursor and the address to mark as a hyperlink; reads only.
pub(crate) fn draw(
    area: Rect,
    app: &App,
    ui: &Ui,
    theme: Theme,
) -> (Buffer, Position, Option<Hyperlink>) {
    let mut buf = Buffer::empty(area);
    // The QR view needs only the code's own size: it shows whenever the code physically fits.
    if ui.qr_view
        && let Some(text) = ui.screen.qr(app)
    {
        let cursor = qr_view(&mut buf, area, &ui.shared.qr(text), theme);
        return (buf, cursor, None);
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let cursor = too_small(&mut buf, area, theme);
        return (buf, cursor, None);
    }
    let (cursor, hyperlink) = body(&mut buf, area, app, ui, theme);
    (buf, cursor, hyperlink)
}

fn body(
    buf: &mut Buffer,
    area: Rect,
    app: &App,
    ui: &Ui,
    theme: Theme,
) -> (Position, Option<Hyperlink>) {
    header(buf, area, app, theme);
    let mut body = Rect::new(area.x + 2, area.y + 2, area.width - 4, area.height - 4);
    let outbox = outbox(app, ui);
    let outbox = outbox.as_ref().filter(|_| ui.outbox_open);
    // Beside the screen only where both fit; at 80 columns the pane takes the body, so
    // neither the form nor a link in the pane is squeezed and cut.
    let beside = area.width >= OUTBOX_BESIDE;
    if outbox.is_some() && beside {
        body.width -= OUTBOX_WIDTH + 1;
    }
    let view = View {
        app,
        shared: &ui.shared,
        theme,
    };
    let Drawn { cursor, hyperlink } = match (&ui.demo_list, outbox) {
        (_, Some(_)) if !beside => Drawn::default(),
        (Some(list), _) => Drawn::at(Some(list.render(app, buf, body, theme))),
        (None, _) => ui.screen.render(&view, buf, body),
    };
    if let Some(outbox) = outbox {
        let pane = if beside {
            Rect::new(
                area.right() - OUTBOX_WIDTH - 1,
                area.y + 1,
                OUTBOX_WIDTH,
                area.height - 2,
            )
        } else {
            Rect::new(area.x + 1, area.y + 1, area.width - 2, area.height - 2)
        };
        let _ = outbox.render(pane, buf, theme, false);
    }
    let (state, keys) = match (&app.busy, &ui.demo_list) {
        (Some(busy), _) => (format!("{}…", busy.what), ui.status_keys(app)),
        // The list takes the keys while it is open: the bar says what they do there.
        (None, Some(_)) => ("Choose a demo user".to_string(), DEMO_LIST_KEYS.to_vec()),
        (None, None) => (ui.screen.state(app), ui.status_keys(app)),
    };
    StatusBar {
        state: &state,
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
        // The overlay covers the address: no hyperlink may be written over it.
        return (at, None);
    }
    (cursor.unwrap_or(Position::new(body.x, body.y)), hyperlink)
}

/// The pane's contents: the app's copy of the embedded server's outbox (ages as of now),
/// else what was fed to the `Ui`.
fn outbox(app: &App, ui: &Ui) -> Option<OutboxPane> {
    if app.outbox.is_empty() {
        return ui.outbox.clone();
    }
    let messages = app
        .outbox
        .iter()
        .map(|e| OutboxMessage {
            to: e.to.clone(),
            kind: match (e.channel.as_str(), e.kind.as_str()) {
                ("", kind) => kind.to_string(),
                (channel, kind) => format!("{channel} {kind}"),
            },
            code: e.code.clone(),
            link: e.link.clone(),
            age: std::time::Duration::from_millis(
                u64::try_from(app.now_ms.saturating_sub(e.created_at)).unwrap_or(0),
            ),
        })
        .collect();
    let mut pane = OutboxPane::new();
    pane.set_messages(messages);
    Some(pane)
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

/// The keys of the QR view, under the code when there is a row for them.
const QR_VIEW_KEYS: &str = "any key: back · i: invert · f: full-block · t: as text";

/// The QR code alone, as large as the screen allows (the widget picks the quiet zone), or
/// plainly what size it needs.
fn qr_view(buf: &mut Buffer, area: Rect, qr: &QrWidget, theme: Theme) -> Position {
    let Some((w, h)) = qr.required_size() else {
        let mut col = Column::new(buf, area, theme);
        col.wrapped(
            "This text is too long for a QR code. Press t to see it as plain text; any other key goes back.",
            theme.text(),
        );
        return Position::new(area.x, area.y);
    };
    if w > area.width || h > area.height {
        let mut col = Column::new(buf, area, theme);
        col.wrapped(
            &format!(
                "The QR code needs {w}×{h} characters; this terminal is {}×{}. Enlarge the \
                 window or make the font smaller, or press t to see the text. Any other key \
                 goes back.",
                area.width, area.height
            ),
            theme.text(),
        );
        return Position::new(area.x, area.y);
    }
    let keys_row = h < area.height && common::width(QR_VIEW_KEYS) <= usize::from(area.width);
    let code = Rect {
        height: area.height - u16::from(keys_row),
        ..area
    };
    qr.render(code, buf, theme);
    if keys_row {
        buf.set_string(area.x, area.bottom() - 1, QR_VIEW_KEYS, theme.hint());
    }
    Position::new(area.x, area.bottom() - 1)
}

fn too_small(buf: &mut Buffer, area: Rect, theme: Theme) -> Position {
    let message = format!(
        "clerk-tui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT} characters; this one \
         is {}×{}. Enlarge the window or make the font smaller, or run clerk-tui --plain, \
         which works at any size. Ctrl-C quits.",
        area.width, area.height
    );
    let mut col = Column::new(buf, area, theme);
    col.wrapped(&message, theme.text());
    Position::new(area.x, area.y)
}

/// Whether the loop must wake up every second: something on screen counts down or the
/// sign-in is being polled. Cheap enough to ask after every batch.
pub fn needs_tick(app: &App) -> bool {
    // Signed in, the token's lifetime counts down and its refresh is decided on a tick.
    app.signed_in.is_some()
        || app.demo_totp.is_some()
        || app.polling
        || app.blocked_secs().is_some()
        || app.resend_secs().is_some()
        || app.expires_in_secs().is_some_and(|s| s > 0)
}
