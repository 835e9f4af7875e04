//! Colour themes: the default colour theme, a monochrome one (`NO_COLOR` / `--no-color`) and a
//! high-contrast one that keeps the terminal's own colours. Colour is never the only signal:
//! widgets also draw markers and words, so every theme carries the same information.

use ratatui::style::{Color, Modifier, Style};

/// How the app looks. Widgets ask the theme for a style per role and never pick colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// A few accent colours on the terminal's background.
    #[default]
    Default,
    /// No colours at all, only bold, reverse and underline.
    Monochrome,
    /// The terminal's own default colours plus bold and reverse; never dim.
    HighContrast,
}

impl Theme {
    /// Picks the theme from the command-line flags and the `NO_COLOR` environment variable.
    /// `--high-contrast` wins because it is also colour-free and was asked for explicitly.
    pub fn detect(no_color_flag: bool, high_contrast_flag: bool) -> Theme {
        Theme::from_settings(
            no_color_flag,
            high_contrast_flag,
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    /// [`Theme::detect`] with the environment passed in, so it can be tested without
    /// mutating the process environment. Per no-color.org, an empty `NO_COLOR` is ignored.
    pub fn from_settings(
        no_color_flag: bool,
        high_contrast_flag: bool,
        no_color_env: Option<&std::ffi::OsStr>,
    ) -> Theme {
        let env_no_color = no_color_env.is_some_and(|v| !v.is_empty());
        if high_contrast_flag {
            Theme::HighContrast
        } else if no_color_flag || env_no_color {
            Theme::Monochrome
        } else {
            Theme::Default
        }
    }

    /// Whether the theme may animate (spinners); high contrast stays still.
    pub fn animations(self) -> bool {
        self != Theme::HighContrast
    }

    fn base(self) -> Style {
        match self {
            Theme::HighContrast => Style::new().fg(Color::Reset).bg(Color::Reset),
            _ => Style::new(),
        }
    }

    /// Ordinary text.
    pub fn text(self) -> Style {
        self.base()
    }

    /// Titles and headings.
    pub fn title(self) -> Style {
        self.base().add_modifier(Modifier::BOLD)
    }

    /// A field's label; bold when the field has focus.
    pub fn label(self, focused: bool) -> Style {
        if focused {
            self.base().add_modifier(Modifier::BOLD)
        } else {
            self.base()
        }
    }

    /// The editable part of a field (between its brackets).
    pub fn field(self, focused: bool) -> Style {
        match (self, focused) {
            (Theme::Default, true) => Style::new().fg(Color::Cyan),
            (Theme::Default, false) => Style::new(),
            (Theme::Monochrome, true) => Style::new().add_modifier(Modifier::UNDERLINED),
            (Theme::Monochrome, false) => Style::new(),
            (Theme::HighContrast, true) => self.base().add_modifier(Modifier::REVERSED),
            (Theme::HighContrast, false) => self.base(),
        }
    }

    /// The `>` focus marker.
    pub fn marker(self) -> Style {
        match self {
            Theme::Default => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            _ => self.base().add_modifier(Modifier::BOLD),
        }
    }

    /// The focused row of a list.
    pub fn selected(self) -> Style {
        match self {
            Theme::Default => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            _ => self
                .base()
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    /// Entries that cannot be used; their reason is always written next to them.
    pub fn disabled(self) -> Style {
        match self {
            Theme::Default => Style::new().fg(Color::Gray),
            _ => self.base(),
        }
    }

    /// Error lines (always prefixed with `Error:` by the widget).
    pub fn error(self) -> Style {
        match self {
            Theme::Default => Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Theme::Monochrome => Style::new().add_modifier(Modifier::BOLD),
            Theme::HighContrast => self
                .base()
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// Hints under fields and secondary information. Never dim.
    pub fn hint(self) -> Style {
        match self {
            Theme::Default => Style::new().fg(Color::Gray),
            _ => self.base(),
        }
    }

    /// Key names in the status bar and the help overlay.
    pub fn key(self) -> Style {
        match self {
            Theme::Default => Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            _ => self.base().add_modifier(Modifier::BOLD),
        }
    }

    /// Badges such as `DEV`.
    pub fn badge(self) -> Style {
        match self {
            Theme::Default => Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            _ => self
                .base()
                .add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    /// Borders of panes and popups; the focused one stands out.
    pub fn border(self, focused: bool) -> Style {
        match (self, focused) {
            (Theme::Default, true) => Style::new().fg(Color::Cyan),
            (Theme::Default, false) => Style::new().fg(Color::Gray),
            (_, true) => self.base().add_modifier(Modifier::BOLD),
            (_, false) => self.base(),
        }
    }

    /// Every style this theme can hand out, for checks that apply to all roles.
    pub fn all_styles(self) -> Vec<Style> {
        let mut styles = vec![
            self.text(),
            self.title(),
            self.marker(),
            self.selected(),
            self.disabled(),
            self.error(),
            self.hint(),
            self.key(),
            self.badge(),
        ];
        for focused in [true, false] {
            styles.push(self.label(focused));
            styles.push(self.field(focused));
            styles.push(self.border(focused));
        }
        styles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_env_gives_monochrome_unless_empty() {
        assert_eq!(
            Theme::from_settings(false, false, Some(OsStr::new("1"))),
            Theme::Monochrome
        );
        assert_eq!(
            Theme::from_settings(false, false, Some(OsStr::new(""))),
            Theme::Default
        );
        assert_eq!(Theme::from_settings(false, false, None), Theme::Default);
        assert_eq!(Theme::from_settings(true, false, None), Theme::Monochrome);
        assert_eq!(
            Theme::from_settings(true, true, Some(OsStr::new("1"))),
            Theme::HighContrast
        );
    }

    #[test]
    fn monochrome_has_no_colour_at_all() {
        for style in Theme::Monochrome.all_styles() {
            assert_eq!(style.fg, None, "{style:?}");
            assert_eq!(style.bg, None, "{style:?}");
        }
    }

    #[test]
    fn high_contrast_uses_only_terminal_defaults_and_no_theme_is_dim() {
        for style in Theme::HighContrast.all_styles() {
            assert_eq!(style.fg, Some(Color::Reset), "{style:?}");
            assert_eq!(style.bg, Some(Color::Reset), "{style:?}");
        }
        for theme in [Theme::Default, Theme::Monochrome, Theme::HighContrast] {
            for style in theme.all_styles() {
                assert!(
                    !style.add_modifier.contains(Modifier::DIM),
                    "{theme:?} {style:?}"
                );
            }
        }
    }

    #[test]
    fn focus_is_visible_without_colour() {
        for theme in [Theme::Monochrome, Theme::HighContrast] {
            assert_ne!(theme.field(true), theme.field(false), "{theme:?}");
            assert_ne!(theme.label(true), theme.label(false), "{theme:?}");
            assert!(!theme.selected().add_modifier.is_empty(), "{theme:?}");
        }
    }
}
