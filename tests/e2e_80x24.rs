//! The real binary in an 80×24 pseudo-terminal, the size every screen is designed for: the
//! QR codes decode (rqrr) from what the terminal shows, in both polarities; the whole
//! hand-off address can be had without OSC 52; resize storms never crash it; Ctrl-Z and `fg`
//! bring the screen back; and a terminal that closes ends it.

mod e2e;

use std::time::{Duration, Instant};

use e2e::fit::assert_nothing_cut;
use e2e::pty::Term;
use e2e::server::Server;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

const PASSWORD: &str = "Pty-80x24-Secret-5120";

impl Server {
    fn app(&self) -> Term {
        self.spawn(&["--no-store"])
    }
}

fn sign_in(t: &mut Term, email: &str) {
    t.wait_for("Email address");
    t.type_text(email);
    t.enter();
    t.wait_for("Enter your password");
    assert_nothing_cut(t, "password");
    t.type_text(PASSWORD);
    t.enter();
    t.wait_for("Session token");
}

/// The QR code drawn in `dark` on `light` (256-colour indices), read back into modules.
fn qr_modules(t: &Term, dark: u8, light: u8) -> Vec<Vec<bool>> {
    let vt = t.vt();
    let (rows, cols) = vt.size();
    let (rows, cols) = (rows.get(), cols.get());
    let colours = |y: u16, x: u16| {
        vt.cell(y, x)
            .map(|c| (c.fgcolor(), c.bgcolor(), c.contents().to_string()))
    };
    let is_code = |y: u16, x: u16| {
        colours(y, x).is_some_and(|(fg, bg, _)| {
            fg == vt100::Color::Idx(dark) && bg == vt100::Color::Idx(light)
        })
    };
    let cells: Vec<(u16, u16)> = (0..rows)
        .flat_map(|y| (0..cols).map(move |x| (y, x)))
        .filter(|&(y, x)| is_code(y, x))
        .collect();
    assert!(!cells.is_empty(), "no QR code on screen:\n{}", t.screen());
    let (y0, y1) = (
        cells.iter().map(|c| c.0).min(),
        cells.iter().map(|c| c.0).max(),
    );
    let (x0, x1) = (
        cells.iter().map(|c| c.1).min(),
        cells.iter().map(|c| c.1).max(),
    );
    let (Some(y0), Some(y1), Some(x0), Some(x1)) = (y0, y1, x0, x1) else {
        panic!("no box")
    };
    let mut modules = Vec::new();
    for y in y0..=y1 {
        let (mut top, mut bottom) = (Vec::new(), Vec::new());
        for x in x0..=x1 {
            let (fg, bg, symbol) = colours(y, x).unwrap_or((
                vt100::Color::Default,
                vt100::Color::Default,
                String::new(),
            ));
            let dark_is = |c: vt100::Color| c == vt100::Color::Idx(dark);
            let (up, down) = match symbol.as_str() {
                "█" => (dark_is(fg), dark_is(fg)),
                "▀" => (dark_is(fg), dark_is(bg)),
                "▄" => (dark_is(bg), dark_is(fg)),
                _ => (dark_is(bg), dark_is(bg)),
            };
            top.push(up);
            bottom.push(down);
        }
        modules.push(top);
        modules.push(bottom);
    }
    modules
}

/// Scans modules as a phone camera would (4 pixels a module, dark on light).
fn decode(modules: &[Vec<bool>]) -> String {
    const PX: usize = 4;
    let (h, w) = (modules.len() * PX, modules[0].len() * PX);
    // A light margin round it, as the terminal's own background would be to a camera.
    let margin = 4 * PX;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(w + 2 * margin, h + 2 * margin, |x, y| {
            let inside = x >= margin && y >= margin && x < w + margin && y < h + margin;
            if inside && modules[(y - margin) / PX][(x - margin) / PX] {
                0
            } else {
                255
            }
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code found");
    match grids[0].decode() {
        Ok((_, content)) => content,
        Err(e) => panic!("decode failed: {e:?}"),
    }
}

/// Black (0) on white (15), or inverted.
fn decode_both(t: &mut Term) -> (String, String) {
    let normal = decode(&qr_modules(t, 0, 15));
    t.send_bytes(b"i");
    t.settle(Duration::from_millis(300));
    let inverted = decode(&qr_modules(t, 15, 0));
    t.send_bytes(b"i");
    t.settle(Duration::from_millis(300));
    (normal, inverted)
}

/// `t`: the text printed on the main screen, soft-wrapped, read back as one line.
fn printed(t: &mut Term, starts: &str) -> String {
    t.send_bytes(b"t");
    let screen = t.wait_for("Press any key to go back to clerk-tui.");
    assert!(!t.vt().alternate_screen(), "printed on the main screen");
    let line = screen
        .lines()
        .find(|l| l.contains(starts))
        .unwrap_or_else(|| panic!("{starts} printed:\n{screen}"))
        .trim()
        .to_string();
    t.send_bytes(b"x");
    t.settle(Duration::from_millis(300));
    assert!(t.vt().alternate_screen(), "back on the full screen");
    line
}

#[test]
fn the_enrolment_qr_decodes_from_80x24_in_both_polarities() {
    let server = Server::start();
    server.add_user(
        json!({"email_address": "quinn@example.com", "password": PASSWORD,
        "first_name": "Quinn", "last_name": "Qr"}),
    );
    let mut t = server.app();
    sign_in(&mut t, "quinn@example.com");
    assert_nothing_cut(&t, "signed in");
    t.send_bytes(b"a");
    let screen = t.wait_for("Set up an authenticator app");
    assert!(screen.contains("v shows it full screen"), "{screen}");
    assert_nothing_cut(&t, "enrolment");
    t.send_bytes(b"v");
    t.settle(Duration::from_millis(300));
    assert_nothing_cut(&t, "enrolment QR view");
    let (normal, inverted) = decode_both(&mut t);
    assert!(normal.starts_with("otpauth://totp/"), "{normal}");
    assert_eq!(normal, inverted);
    // The same address as plain text, from the QR view.
    assert_eq!(printed(&mut t, "otpauth://"), normal);
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

/// The target of the first OSC 8 hyperlink the program wrote: the whole address.
fn osc8_target(raw: &str) -> Option<String> {
    let start = raw.find("\x1b]8;;")? + 5;
    let rest = &raw[start..];
    let end = rest.find("\x1b\\")?;
    Some(rest[..end].to_string()).filter(|u| !u.is_empty())
}

fn hand_off(t: &mut Term) {
    t.wait_for("1. Continue with Mock OAuth");
    t.tab();
    t.tab();
    t.enter();
    t.wait_for("/__dev/oauth/");
    t.wait_for("last checked");
}

#[test]
fn the_whole_hand_off_address_is_had_at_80x24_without_osc52() {
    let server = Server::start();
    let mut t = server.app();
    hand_off(&mut t);
    assert_nothing_cut(&t, "hand-off");
    let whole = osc8_target(&t.raw()).expect("an OSC 8 hyperlink");
    let line = printed(&mut t, "/__dev/oauth/");
    assert_eq!(line, whole, "the printed address is the whole address");
    assert!(
        !t.raw().contains("\x1b]52;"),
        "no clipboard write was needed"
    );
    t.wait_for("Sign in with Mock OAuth in a browser");
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

#[test]
fn the_hand_off_qr_decodes_in_both_polarities() {
    let server = Server::start();
    let mut t = server.app();
    hand_off(&mut t);
    let whole = osc8_target(&t.raw()).expect("an OSC 8 hyperlink");
    t.send_bytes(b"v");
    t.settle(Duration::from_millis(300));
    assert_nothing_cut(&t, "hand-off QR view");
    let screen = t.screen();
    if let Some(at) = screen.find("The QR code needs ") {
        // An address too long for 80×24 (Clerk's consent addresses were 256 characters):
        // the view says so plainly, and shows the code once the terminal is that large.
        let size = &screen[at + "The QR code needs ".len()..];
        let (w, rest) = size.split_once('×').unwrap_or_default();
        let h: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let (w, h) = (w.parse().unwrap_or(200), h.parse().unwrap_or(100));
        eprintln!(
            "the hand-off address ({} characters) needs {w}×{h}; decoding at that size",
            whole.len()
        );
        t.resize(w, h);
        t.settle(Duration::from_millis(500));
    }
    let (normal, inverted) = decode_both(&mut t);
    assert_eq!(normal, whole);
    assert_eq!(inverted, whole);
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

/// 200 seeded sizes (1×1 and below 80×24 among them) while keys that redraw are pressed.
fn storm(t: &mut Term, seed: u64, keys: &[&[u8]]) {
    let mut rng = StdRng::seed_from_u64(seed);
    for i in 0..200 {
        let (cols, rows) = match rng.random_range(0..10) {
            _ if i == 0 => (1, 1),
            0..=2 => (rng.random_range(1..=12), rng.random_range(1..=6)),
            3..=5 => (rng.random_range(1..80), rng.random_range(1..24)),
            _ => (rng.random_range(80..=160), rng.random_range(24..=50)),
        };
        t.resize(cols, rows);
        t.send_bytes(keys[rng.random_range(0..keys.len())]);
        if i % 20 == 0 {
            t.settle(Duration::from_millis(20));
        }
        assert!(
            t.alive(),
            "the app died at {cols}×{rows}:\n{}",
            t.raw_tail()
        );
    }
    // Back to 80×24 by shrinking, so the app clears the screen and draws it whole (vt100
    // keeps what a larger size left where the new frame has blanks).
    t.resize(81, 24);
    t.settle(Duration::from_millis(300));
    t.resize(80, 24);
    t.settle(Duration::from_millis(500));
    assert!(t.alive(), "the app died after the storm");
    assert!(!t.raw().contains("panicked"), "a panic was reported");
    // F1 toggles help: close it if an odd number of presses left it open. On a busy machine
    // the app may still be working through the storm's keys, so wait until the screen holds
    // still without help before going on.
    let mut last = String::new();
    for _ in 0..40 {
        t.settle(Duration::from_millis(300));
        let now = t.screen();
        if now.contains("Help: ") {
            t.send_bytes(F1);
        } else if now == last {
            return;
        }
        last = now;
    }
    panic!("the screen never settled without help:\n{last}");
}

/// F1 as xterm sends it (a bare Esc next to it could read as Alt-Esc and type the rest).
const F1: &[u8] = b"\x1bOP";

#[test]
fn resize_storms_never_crash_any_screen() {
    let server = Server::start();
    server.add_user(json!({"email_address": "rosa@example.com", "password": PASSWORD}));
    let mut t = server.app();
    t.wait_for("Email address");
    // F1 opens and closes help; nothing here leaves the screen or moves the focus.
    storm(&mut t, 1, &[F1]);
    t.wait_for("Email address");
    t.type_text("rosa@example.com");
    t.enter();
    t.wait_for("Enter your password");
    storm(&mut t, 2, &[F1, b"\x12"]);
    t.type_text(PASSWORD);
    t.enter();
    t.wait_for("Session token");
    storm(&mut t, 3, &[F1]);
    t.send_bytes(b"a");
    t.wait_for("Set up an authenticator app");
    storm(&mut t, 4, &[b"v", b"i", b"f", b"x"]);
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();

    let mut t = server.app();
    hand_off(&mut t);
    storm(&mut t, 5, &[b"v", b"f", b"i", b"x", F1]);
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();

    // A code screen and the list of other methods, with a code typed in part.
    server.add_user(json!({"email_address": "cody@example.com"}));
    let mut t = server.app();
    t.wait_for("Email address");
    t.type_text("cody@example.com");
    t.enter();
    t.wait_for("Check your email");
    storm(&mut t, 6, &[F1, b"1"]);
    t.send_bytes(b"\x0f");
    t.wait_for("Use another method");
    storm(&mut t, 7, &[F1]);
    t.ctrl_c();
    t.wait_exit();
    t.assert_restored();
}

#[test]
fn ctrl_z_suspends_and_fg_brings_the_screen_back() {
    let server = Server::start();
    let dir = server.dir();
    let mut t = Term::spawn_program(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[
            ("XDG_CONFIG_HOME", &dir),
            ("XDG_DATA_HOME", &dir),
            ("HOME", &dir),
            ("PS1", "shell$ "),
        ],
    );
    t.wait_for("shell$");
    let command = format!(
        "{} --frontend-api {} --no-store\r",
        env!("CARGO_BIN_EXE_clerk-tui"),
        server.base_url()
    );
    t.send_bytes(command.as_bytes());
    t.wait_for("Email address");
    t.type_text("someone@exa");
    t.send_bytes(b"\x1a");
    t.wait_until("the shell's prompt after the stop", |s| {
        s.contains("Stopped") && s.trim_end().ends_with("shell$")
    });
    assert!(
        !t.vt().alternate_screen(),
        "the shell's screen while suspended"
    );
    t.send_bytes(b"fg\r");
    let screen = t.wait_for("Email address");
    assert!(t.vt().alternate_screen(), "the full screen again");
    assert!(
        screen.contains("[someone@exa"),
        "what was typed is kept:\n{screen}"
    );
    // Keys reach it again (raw mode is back): typing continues the field.
    t.type_text("mple.com");
    t.wait_for("[someone@example.com");
    t.ctrl_c();
    t.wait_for("shell$");
}

/// Whether process `pid` still runs (a zombie has ended).
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit(") ").next().map(|rest| !rest.starts_with('Z')))
        .unwrap_or(false)
}

#[test]
fn a_terminal_that_closes_ends_the_app() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::Read;

    let server = Server::start();
    let dir = server.dir();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    // Through `setsid`: the app runs in a session of its own, so the closing terminal sends it
    // no SIGHUP and only its reads fail (EIO) - the case where it used to spin at ~25 % CPU
    // for ever, crossterm retrying the failing read.
    let mut cmd = CommandBuilder::new("setsid");
    cmd.args([
        "-w",
        env!("CARGO_BIN_EXE_clerk-tui"),
        "--frontend-api",
        &server.base_url(),
        "--no-store",
    ]);
    for (k, v) in [
        ("XDG_CONFIG_HOME", &dir),
        ("XDG_DATA_HOME", &dir),
        ("HOME", &dir),
    ] {
        cmd.env(k, v);
    }
    cmd.env("TERM", "xterm-256color");
    let mut wrapper = pair.slave.spawn_command(cmd).expect("spawn setsid");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    // Read until the first screen is up, then close every handle on the terminal's master
    // side, as a killed tmux pane or a dropped ssh link does.
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("Email address") {
        assert!(Instant::now() < deadline, "no first screen");
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    let wrapper_pid = wrapper.process_id().expect("setsid's pid");
    let children =
        std::fs::read_to_string(format!("/proc/{wrapper_pid}/task/{wrapper_pid}/children"))
            .unwrap_or_default();
    let app: u32 = children
        .split_whitespace()
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(wrapper_pid);
    assert!(running(app), "the app runs before the terminal closes");
    drop(reader);
    drop(pair.master);
    let deadline = Instant::now() + Duration::from_secs(10);
    while running(app) {
        if Instant::now() > deadline {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &app.to_string()])
                .status();
            panic!("the app kept running after its terminal closed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = wrapper.wait();
}
