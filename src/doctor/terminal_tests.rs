use super::*;
use crate::doctor::report::Status;

fn tty(size: Option<(u16, u16)>) -> TerminalFacts {
    TerminalFacts {
        stdout_is_terminal: true,
        stdin_is_terminal: true,
        size,
    }
}

#[test]
fn terminal_front_end_choice() {
    let env = Env::from_pairs([("TERM", "xterm-256color")]);
    let full = terminal(&env, &tty(None), UiFlags::default());
    assert_eq!(full.status, Status::Pass);
    assert!(full.summary.contains("full-screen"));

    let dumb = terminal(
        &Env::from_pairs([("TERM", "dumb")]),
        &tty(None),
        UiFlags::default(),
    );
    assert_eq!(dumb.status, Status::Warn);
    assert!(dumb.summary.contains("plain mode") && dumb.fix.is_some());

    let piped = TerminalFacts {
        stdout_is_terminal: false,
        ..tty(None)
    };
    let check = terminal(&env, &piped, UiFlags::default());
    assert_eq!(check.status, Status::Warn);
    assert!(
        check.summary.starts_with("stdout is not a terminal"),
        "{}",
        check.summary
    );

    let plain = UiFlags {
        plain: true,
        ..UiFlags::default()
    };
    assert_eq!(terminal(&env, &piped, plain).status, Status::Pass);
}

#[test]
fn qr_sizes_are_computed_from_the_widget() {
    let [(_, totp), (_, handoff)] = qr_needs();
    // A 150-character otpauth URI at error correction L is version 7 (45 modules), plus
    // one light module round it: the whole of a 24-row screen, the QR view's.
    assert_eq!(totp, (47, 24));
    assert_eq!(totp.1, totp.0.div_ceil(2));
    assert!(handoff.0 > totp.0, "{handoff:?}");
}

#[test]
fn terminal_size_branches() {
    let [(_, totp), (_, handoff)] = qr_needs();
    let unknown = terminal_size(&tty(None));
    assert_eq!(unknown.status, Status::Warn);
    assert!(unknown.summary.contains("unknown"));

    let small = terminal_size(&tty(Some((79, 30))));
    assert_eq!(small.status, Status::Warn);
    assert!(
        small.summary.contains("below the 80×24 minimum"),
        "{}",
        small.summary
    );
    assert!(small.fix.as_deref().is_some_and(|f| f.contains("--plain")));

    // 80×24 is enough for the screens but not for the TOTP code's rows.
    let minimum = terminal_size(&tty(Some((80, 24))));
    if totp.1 > 24 {
        assert_eq!(minimum.status, Status::Warn);
        assert!(
            minimum.summary.contains("authenticator (TOTP) QR"),
            "{}",
            minimum.summary
        );
    }
    let big = (totp.0.max(handoff.0).max(80), totp.1.max(handoff.1).max(24));
    let fits = terminal_size(&tty(Some(big)));
    assert_eq!(fits.status, Status::Pass, "{}", fits.summary);
    assert!(
        fits.details
            .iter()
            .any(|d| d.contains(&format!("needs {}×{}", totp.0, totp.1)))
    );

    let only_totp = terminal_size(&tty(Some((totp.0.max(80), totp.1.max(24)))));
    if handoff.1 > totp.1.max(24) {
        assert_eq!(only_totp.status, Status::Warn);
        assert!(only_totp.summary.contains("sign-in link QR"));
        assert!(!only_totp.summary.contains("TOTP"));
        let fix = only_totp.fix.unwrap_or_default();
        assert!(
            fix.contains(&format!("{}×{}", handoff.0.max(totp.0), handoff.1)),
            "{fix}"
        );
    }
}

#[test]
fn locale_precedence_and_utf8() {
    let check = locale(&Env::from_pairs([("LANG", "en_US.UTF-8")]));
    assert_eq!(check.status, Status::Pass);
    let check = locale(&Env::from_pairs([("LANG", "en_US.UTF-8"), ("LC_ALL", "C")]));
    assert_eq!(check.status, Status::Warn);
    assert!(
        check.summary.starts_with("LC_ALL=C is not UTF-8"),
        "{}",
        check.summary
    );
    assert!(check.fix.unwrap_or_default().contains("LANG=C.UTF-8"));
    let check = locale(&Env::from_pairs([
        ("LC_CTYPE", "de_DE.utf8"),
        ("LC_ALL", ""),
    ]));
    assert_eq!(check.status, Status::Pass);
    let check = locale(&Env::default());
    assert_eq!(check.status, Status::Warn);
    assert!(check.summary.contains("no locale"));
}

#[test]
fn colour_theme_and_depth() {
    let flags = UiFlags::default();
    let check = colour(
        &Env::from_pairs([("TERM", "xterm"), ("COLORTERM", "truecolor")]),
        flags,
    );
    assert_eq!(check.status, Status::Pass);
    assert!(
        check
            .summary
            .contains("theme: colour; terminal: 24-bit colour"),
        "{}",
        check.summary
    );

    let check = colour(
        &Env::from_pairs([("TERM", "screen-256color"), ("NO_COLOR", "1")]),
        flags,
    );
    assert!(
        check.summary.contains("monochrome (NO_COLOR is set)"),
        "{}",
        check.summary
    );
    assert!(check.summary.contains("256 colours"));

    // An empty NO_COLOR is ignored, per no-color.org.
    let check = colour(
        &Env::from_pairs([("TERM", "xterm"), ("NO_COLOR", "")]),
        flags,
    );
    assert!(
        check
            .summary
            .contains("theme: colour; terminal: 16 colours"),
        "{}",
        check.summary
    );

    let hc = UiFlags {
        high_contrast: true,
        ..flags
    };
    assert!(
        colour(&Env::from_pairs([("TERM", "dumb")]), hc)
            .summary
            .contains("high contrast")
    );

    let unset = colour(&Env::default(), flags);
    assert_eq!(unset.status, Status::Warn);
    assert!(unset.fix.is_some());
}

#[test]
fn headless_detection() {
    let ssh = headless(
        &Env::from_pairs([
            ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"),
            ("DISPLAY", ":0"),
        ]),
        "linux",
    );
    assert_eq!(ssh.status, Status::Pass);
    assert!(
        ssh.summary.starts_with("headless (an SSH session)"),
        "{}",
        ssh.summary
    );
    assert!(ssh.summary.contains("never opened automatically"));

    let server = headless(&Env::default(), "linux");
    assert!(
        server.summary.starts_with("headless (no DISPLAY"),
        "{}",
        server.summary
    );

    let desktop = headless(
        &Env::from_pairs([("WAYLAND_DISPLAY", "wayland-0")]),
        "linux",
    );
    assert!(
        desktop.summary.starts_with("a desktop session"),
        "{}",
        desktop.summary
    );
    let mac = headless(&Env::default(), "macos");
    assert!(mac.summary.starts_with("a desktop session"));
}
