//! Pieces of the browser hand-off shared by the waiting and identifier screens: the OSC 8
//! hyperlink of the address drawn this frame, the hint line (the open-in-browser key only
//! where there is a display), and the identifier screen's numbered provider rows.

use ratatui::layout::Position;

use super::common::{Column, duration};
use super::shared::Hyperlink;
use crate::app::App;
use crate::app::handoff::providers;
use crate::fapi::Strategy;
use crate::flow::FactorStep;
use crate::tui::Theme;
use crate::tui::widgets::sanitize;

/// The hyperlink for an address drawn by `Column::unwrapped` at `at` (cut at `right`).
pub(crate) fn hyperlink(at: Position, right: u16, url: &str, theme: Theme) -> Option<Hyperlink> {
    let room = usize::from(right.saturating_sub(at.x));
    let visible: String = sanitize(url).chars().take(room).collect();
    let sgr = if matches!(theme, Theme::Default) {
        "1;4;33"
    } else {
        "1;4"
    };
    Some(Hyperlink {
        x: at.x,
        y: at.y,
        url: url.to_string(),
        visible,
        sgr,
    })
}

/// The address the browser must open, once the server gave it.
pub(crate) fn hand_off_url(app: &App, f: &FactorStep) -> Option<String> {
    let sign_in = app.sign_in.as_ref()?;
    f.stage
        .verification(sign_in)?
        .external_verification_redirect_url
        .clone()
        .filter(|u| !u.is_empty())
}

/// "Checking every second (last checked 2 s ago)." while the poller runs.
pub(crate) fn checking_line(app: &App) -> String {
    match (app.polling, app.last_poll_at) {
        (true, Some(at)) => format!(
            "Checking every second (last checked {} ago).",
            duration((app.now_ms - at) / 1000)
        ),
        (true, None) => "Checking every second.".to_string(),
        (false, _) => "Not checking right now.".to_string(),
    }
}

pub(crate) fn hint_line(app: &App) -> String {
    let open = if app.display_available {
        "w: open in this computer's browser · "
    } else {
        ""
    };
    format!("c: copy · {open}i: invert the QR · f: full-block QR · m: other method · Esc: cancel")
}

/// The providers as numbered rows under the form; the focused one carries `>`. Returns the
/// position of the focused row for the cursor.
pub(crate) fn provider_rows(
    col: &mut Column<'_>,
    app: &App,
    focused: Option<usize>,
) -> Option<Position> {
    let list = providers(app);
    if list.is_empty() {
        return None;
    }
    let theme = col.theme;
    col.gap();
    col.line(
        "Or continue in a browser (Tab to reach, then Enter or its number):",
        theme.text(),
    );
    let mut cursor = None;
    for (i, (_, name)) in list.iter().enumerate() {
        let here = focused == Some(i);
        if here {
            cursor = Some(col.here());
        }
        let marker = if here { ">" } else { " " };
        let style = if here { theme.key() } else { theme.text() };
        col.line(
            &format!("{marker} {}. Continue with {}", i + 1, sanitize(name)),
            style,
        );
    }
    cursor
}

/// The provider behind row `index`, if there is one.
pub(crate) fn provider_at(app: &App, index: usize) -> Option<Strategy> {
    providers(app).into_iter().nth(index).map(|(s, _)| s)
}

pub(crate) fn provider_count(app: &App) -> usize {
    providers(app).len()
}
