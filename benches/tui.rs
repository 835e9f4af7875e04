//! What one keystroke costs the full-screen UI: `on_key` + `update` + render + ratatui's diff,
//! written by the app's backend (`tui::backend::TrackingBackend`) into a counting writer
//! (80×24). Prints the bytes each typed character puts on the wire - beside ratatui's own
//! crossterm backend, what a plain ratatui app writes for the same frames - then times the
//! same work with criterion.

use std::cell::Cell;
use std::hint::black_box;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::Duration;

use clerk_tui::app::{Action, App, Backend, Reply, SignInReply, update};
use clerk_tui::fapi::{Environment, SignIn};
use clerk_tui::tui::backend::TrackingBackend;
use clerk_tui::tui::{Theme, Ui, on_key, render};
use criterion::{BatchSize, Criterion, Throughput};
use ratatui::backend::{Backend as TermBackend, CrosstermBackend};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::json;

const NOW: i64 = 1_800_000_000_000;
const EMAIL: &str = "jane.doe@example.com";
const PASSWORD: &str = "correct-Horse-9!";

/// Counts what the backend writes and throws it away, as a terminal that keeps up would.
/// The count is shared: ratatui keeps the backend's writer to itself.
#[derive(Default, Clone)]
struct Counting(Rc<Cell<u64>>);

impl Counting {
    fn bytes(&self) -> u64 {
        self.0.get()
    }
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<TrackingBackend<Counting>>;

fn terminal(counter: &Counting) -> Term {
    // Full screen, as the app runs; the backend reports 80x24 instead of asking a tty.
    let backend = TrackingBackend::with_size(counter.clone(), Size::new(80, 24));
    let options = TerminalOptions {
        viewport: Viewport::Fullscreen,
    };
    match Terminal::with_options(backend, options) {
        Ok(t) => t,
        Err(e) => panic!("terminal: {e}"),
    }
}

/// The anchor: ratatui's crossterm backend, as a plain ratatui app draws.
fn crossterm_terminal(counter: &Counting) -> Terminal<CrosstermBackend<Counting>> {
    // A fixed viewport: the backend never asks a real tty for its size.
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
    };
    match Terminal::with_options(CrosstermBackend::new(counter.clone()), options) {
        Ok(t) => t,
        Err(e) => panic!("terminal: {e}"),
    }
}

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    match serde_json::from_value(v) {
        Ok(t) => t,
        Err(e) => panic!("fixture: {e}"),
    }
}

fn api(app: &mut App, reply: Reply) {
    let epoch = app.epoch;
    let _ = update(app, Action::Api { epoch, reply });
}

/// The identifier screen of the embedded backend, as the app shows it after loading.
fn identifier_screen() -> App {
    let mut app = App::new(
        Backend::Remote {
            base_url: "http://127.0.0.1:40123".into(),
        },
        NOW,
    );
    let env: Environment = parse(json!({
        "auth_config": {"object": "auth_config", "single_session_mode": true},
        "display_config": {"application_name": "Clerk Demo", "instance_environment_type": "development"},
        "user_settings": {
            "attributes": {
                "email_address": {"enabled": true, "used_for_first_factor": true},
                "password": {"enabled": true, "used_for_first_factor": true}
            },
            "password_settings": {"min_length": 8}
        }
    }));
    api(&mut app, Reply::Environment(Ok(Box::new(env))));
    app
}

/// The password screen (a masked field), reached as a person gets there.
fn password_screen() -> App {
    let mut app = identifier_screen();
    let _ = update(
        &mut app,
        Action::SubmitIdentifier {
            identifier: EMAIL.into(),
            password: None,
        },
    );
    let sign_in: SignIn = parse(json!({
        "object": "sign_in_attempt", "id": "sia_1", "status": "needs_first_factor",
        "identifier": EMAIL,
        "supported_first_factors": [
            {"strategy": "password"},
            {"strategy": "reset_password_email_code", "safe_identifier": "j***@example.com", "email_address_id": "idn_e"}
        ],
        "supported_second_factors": null,
        "first_factor_verification": null, "second_factor_verification": null,
        "created_session_id": null, "abandon_at": NOW + 3_600_000
    }));
    api(
        &mut app,
        Reply::SignIn(Ok(SignInReply {
            sign_in: Box::new(sign_in),
            client: None,
        })),
    );
    app
}

/// One wake-up of the event loop for one key: screens, `update`, draw (render + diff + write).
fn keystroke<B: TermBackend>(app: &mut App, ui: &mut Ui, term: &mut Terminal<B>, key: KeyEvent)
where
    B::Error: std::fmt::Display,
{
    for action in on_key(app, ui, key) {
        for effect in update(app, action) {
            black_box(effect);
        }
    }
    if let Err(e) = term.draw(|f| render(f, app, ui, Theme::Default)) {
        panic!("draw: {e}");
    }
}

fn ch(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// A screen drawn once, as the loop does before the first key.
fn ready(app: App, counter: &Counting) -> (App, Ui, Term) {
    let mut ui = Ui::new();
    let mut term = terminal(counter);
    if let Err(e) = term.draw(|f| render(f, &app, &mut ui, Theme::Default)) {
        panic!("draw: {e}");
    }
    (app, ui, term)
}

/// Bytes written per typed character, and by a draw when nothing changed, through the app's
/// backend and through ratatui's crossterm backend (the anchor), same frames.
fn report_bytes() {
    for (name, screen, text) in [
        ("identifier", identifier_screen as fn() -> App, EMAIL),
        ("password", password_screen as fn() -> App, PASSWORD),
    ] {
        let counter = Counting::default();
        let (mut app, mut ui, mut term) = ready(screen(), &counter);
        let label = format!("{name}, clerk-tui backend");
        type_bytes(&label, &mut app, &mut ui, &mut term, &counter, text);
        let counter = Counting::default();
        let (mut app, mut ui) = (screen(), Ui::new());
        let mut term = crossterm_terminal(&counter);
        if let Err(e) = term.draw(|f| render(f, &app, &mut ui, Theme::Default)) {
            panic!("draw: {e}");
        }
        let label = format!("{name}, ratatui's crossterm backend (anchor)");
        type_bytes(&label, &mut app, &mut ui, &mut term, &counter, text);
    }
}

/// Types `text` into a screen already drawn once and prints what reached the terminal.
fn type_bytes<B: TermBackend>(
    name: &str,
    app: &mut App,
    ui: &mut Ui,
    term: &mut Terminal<B>,
    counter: &Counting,
    text: &str,
) where
    B::Error: std::fmt::Display,
{
    let first = counter.bytes();
    let mut per_key = Vec::new();
    for c in text.chars() {
        let at = counter.bytes();
        keystroke(app, ui, term, ch(c));
        per_key.push(counter.bytes() - at);
    }
    let typed = counter.bytes() - first;
    let at = counter.bytes();
    if let Err(e) = term.draw(|f| render(f, app, ui, Theme::Default)) {
        panic!("draw: {e}");
    }
    let idle = counter.bytes() - at;
    let (min, max) = (
        per_key.iter().min().copied().unwrap_or(0),
        per_key.iter().max().copied().unwrap_or(0),
    );
    println!(
        "bytes/{name}: first frame {first} B; {} chars typed -> {typed} B, {:.1} B/char (min {min}, max {max}); redraw with nothing changed {idle} B",
        per_key.len(),
        typed as f64 / per_key.len() as f64,
    );
}

fn bench_keystrokes(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (name, screen, text) in [
        ("identifier", identifier_screen as fn() -> App, EMAIL),
        ("password", password_screen as fn() -> App, PASSWORD),
    ] {
        // One iteration types the whole text then clears it (Ctrl-U): a field in steady state.
        let keys: Vec<KeyEvent> = text
            .chars()
            .map(ch)
            .chain([KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)])
            .collect();
        group.throughput(Throughput::Elements(keys.len() as u64));
        let (mut app, mut ui, mut term) = ready(screen(), &Counting::default());
        group.bench_function(format!("{name}/update+render+diff"), |b| {
            b.iter(|| {
                for key in &keys {
                    keystroke(&mut app, &mut ui, &mut term, *key);
                }
            });
        });
        // The first frame of a screen: everything is new to the diff.
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("{name}/first-frame"), |b| {
            b.iter_batched(
                || (screen(), Ui::new(), terminal(&Counting::default())),
                |(app, mut ui, mut term)| {
                    if let Err(e) = term.draw(|f| render(f, &app, &mut ui, Theme::Default)) {
                        panic!("draw: {e}");
                    }
                    term
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn main() {
    report_bytes();
    let mut c = Criterion::default().configure_from_args();
    bench_keystrokes(&mut c);
    c.final_summary();
}
