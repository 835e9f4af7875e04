//! A QR code drawn with block characters: half-block (two modules per cell, stacked) by
//! default, full-block (two cells per module) on request. Modules are always drawn black on
//! white with explicit styles, whatever the theme, because scanners need dark-on-light;
//! `inverted` swaps them for terminals where that reads better. Error correction L and a quiet
//! zone cut to what the area allows keep it small enough for 80×24; if the area is still too
//! small the widget says what it needs and shows the text instead.

use super::{sanitize, text};
use crate::tui::Theme;
use qrcode::{Color as Module, EcLevel, QrCode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

/// Light modules around the code, as the QR specification asks, when there is room.
pub const QUIET_ZONE: usize = 4;
/// The least quiet zone drawn: phone scanners (ZXing, Apple's and Google's cameras) find a
/// code with one light module round it, and every cell saved counts at 80×24.
pub const MIN_QUIET_ZONE: usize = 1;

/// How modules map to terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrStyle {
    /// One cell holds two modules stacked (`▀`, `▄`, `█`, space): compact, square modules.
    #[default]
    HalfBlock,
    /// Each module is two cells side by side on its own row: twice the size, for scanners
    /// that struggle with the half-block rendering.
    FullBlock,
}

/// A QR code of `text`, ready to draw. Debug hides the text: it may hold a TOTP secret.
#[derive(Clone)]
pub struct QrWidget {
    text: String,
    code: Option<Encoded>,
    style: QrStyle,
    inverted: bool,
}

impl QrWidget {
    /// Encodes `text` at error-correction level L: a screen is not a printed label that gets
    /// scratched, and L makes a 140-character `otpauth://` URI 41 modules a side, not 45.
    /// Text too long for any QR version is kept and shown as text.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L)
            .ok()
            .map(|code| Encoded {
                width: code.width(),
                dark: code
                    .to_colors()
                    .into_iter()
                    .map(|c| c == Module::Dark)
                    .collect(),
            });
        QrWidget {
            text,
            code,
            style: QrStyle::default(),
            inverted: false,
        }
    }

    pub fn style(mut self, style: QrStyle) -> Self {
        self.style = style;
        self
    }

    /// Light modules on dark instead of dark on light.
    pub fn inverted(mut self, inverted: bool) -> Self {
        self.inverted = inverted;
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Columns × rows the code needs, with the least quiet zone; `None` when the text cannot
    /// be encoded at all.
    pub fn required_size(&self) -> Option<(u16, u16)> {
        self.size_with(MIN_QUIET_ZONE)
    }

    /// Columns × rows with `quiet` light modules all round.
    fn size_with(&self, quiet: usize) -> Option<(u16, u16)> {
        let modules = self.code.as_ref()?.width + 2 * quiet;
        let size = match self.style {
            QrStyle::HalfBlock => (modules, modules.div_ceil(2)),
            QrStyle::FullBlock => (modules * 2, modules),
        };
        Some((u16::try_from(size.0).ok()?, u16::try_from(size.1).ok()?))
    }

    /// Columns × rows the code takes when drawn in `area`: the widest quiet zone that fits,
    /// up to the specification's four modules; `None` when it does not fit at all.
    pub fn drawn_size(&self, area: Rect) -> Option<(u16, u16)> {
        (MIN_QUIET_ZONE..=QUIET_ZONE)
            .rev()
            .filter_map(|q| self.size_with(q))
            .find(|&(w, h)| w <= area.width && h <= area.height)
    }

    /// Whether the code itself (not the fallback text) would be drawn in `area`.
    pub fn fits(&self, area: Rect) -> bool {
        self.required_size()
            .is_some_and(|(w, h)| w <= area.width && h <= area.height)
    }

    /// Draws the code centred in `area`, or the size message and the text when it does not
    /// fit. `theme` styles only the fallback; the code keeps its black and white.
    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: Theme) {
        // Callers may hand over an area that pokes out of the buffer; never draw there.
        let area = area.intersection(buf.area);
        let quiet = (MIN_QUIET_ZONE..=QUIET_ZONE).rev().find(|&q| {
            self.size_with(q)
                .is_some_and(|(w, h)| w <= area.width && h <= area.height)
        });
        match (&self.code, quiet, self.required_size()) {
            (Some(code), Some(quiet), _) => {
                let (w, h) = self.size_with(quiet).unwrap_or_default();
                let x = area.x + (area.width - w) / 2;
                let y = area.y + (area.height - h) / 2;
                self.draw_code(code, quiet, Rect::new(x, y, w, h), buf);
            }
            (_, _, Some((w, h))) => {
                let (tw, th) = (buf.area.width, buf.area.height);
                let message = if tw >= w && th >= h {
                    format!(
                        "QR needs {w}×{h}, only {}×{} is free here — the text is shown instead:",
                        area.width, area.height
                    )
                } else {
                    format!("QR needs {w}×{h}, terminal is {tw}×{th} — the text is shown instead:")
                };
                self.draw_fallback(&message, area, buf, theme);
            }
            (_, _, None) => {
                let message = "This text is too long for a QR code; it is shown instead:";
                self.draw_fallback(message, area, buf, theme);
            }
        }
    }

    fn draw_code(&self, code: &Encoded, quiet: usize, at: Rect, buf: &mut Buffer) {
        let (dark, light) = if self.inverted {
            (Color::White, Color::Black)
        } else {
            (Color::Black, Color::White)
        };
        let style = Style::new().fg(dark).bg(light);
        let modules = code.width + 2 * quiet;
        let is_dark = |x: usize, y: usize| {
            let (Some(cx), Some(cy)) = (x.checked_sub(quiet), y.checked_sub(quiet)) else {
                return false;
            };
            cx < code.width && cy < code.width && code.dark.get(cy * code.width + cx) == Some(&true)
        };
        for row in 0..at.height {
            let mut line = String::new();
            for col in 0..modules {
                match self.style {
                    QrStyle::HalfBlock => {
                        let top = is_dark(col, usize::from(row) * 2);
                        let bottom = is_dark(col, usize::from(row) * 2 + 1);
                        line.push(match (top, bottom) {
                            (true, true) => '█',
                            (true, false) => '▀',
                            (false, true) => '▄',
                            (false, false) => ' ',
                        });
                    }
                    QrStyle::FullBlock => {
                        line.push_str(if is_dark(col, usize::from(row)) {
                            "██"
                        } else {
                            "  "
                        });
                    }
                }
            }
            buf.set_string(at.x, at.y + row, line, style);
        }
    }

    fn draw_fallback(&self, message: &str, area: Rect, buf: &mut Buffer, theme: Theme) {
        let width = usize::from(area.width);
        let mut lines = text::word_wrap(message, width);
        let message_rows = lines.len();
        lines.extend(text::hard_wrap(&sanitize(&self.text), width));
        for (i, line) in lines.iter().enumerate().take(usize::from(area.height)) {
            let style = if i < message_rows {
                theme.hint()
            } else {
                theme.text()
            };
            let y = area.y + u16::try_from(i).unwrap_or(0);
            buf.set_string(area.x, y, line, style);
        }
    }
}

/// The module matrix, row by row, without the quiet zone.
#[derive(Clone)]
struct Encoded {
    width: usize,
    dark: Vec<bool>,
}

impl std::fmt::Debug for QrWidget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrWidget")
            .field("text", &format_args!("***"))
            .field("size", &self.required_size())
            .field("style", &self.style)
            .field("inverted", &self.inverted)
            .finish()
    }
}

#[cfg(test)]
#[path = "qr_tests.rs"]
mod tests;
