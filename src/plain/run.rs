//! The line-mode loop: actions and typed lines in, sentences out. A line is read only when
//! the app waits for the user, so piped answers apply to the question they answer; sentences
//! are printed when the state they describe changes, never redrawn.

use std::io::Write;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use zeroize::Zeroize;

use crate::app::effects::EffectRunner;
use crate::app::{Action, App, Notice};
use crate::flow::Step;

use super::demo::dev_outbox;
use super::describe::{expired, instruction, notice, situation, token_sentence, waiting_line};
use super::engine::{Engine, exit_status_for};
use super::input::LineInput;
use super::interpret::{interpret, wants_secret};
use super::{PlainOptions, PlainOutcome};

/// What was last printed, so the same state is never described twice.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    loading: bool,
    load_failed: bool,
    step: Step,
    expired: bool,
    jwt: Option<String>,
    /// Which account task is open on the signed-in screen, if any.
    account: Option<&'static str>,
    /// A browser hand-off's way back and whether it came back failed (not in the `Step`).
    hand_off: Option<(crate::app::Listening, bool)>,
}

impl Shown {
    fn of(app: &App) -> Self {
        Shown {
            loading: app.loading(),
            load_failed: app.load_failed,
            step: app.step(),
            expired: expired(app),
            jwt: app.signed_in.as_ref().and_then(|s| s.jwt.clone()),
            account: super::account::kind(app),
            hand_off: app
                .handoff
                .as_ref()
                .map(|h| (h.listening.clone(), h.ended.is_some())),
        }
    }
}

struct Printer<W: Write> {
    out: W,
    shown: Option<Shown>,
    notice: Option<Notice>,
    /// When the last "still waiting" line was printed (app time, ms).
    waited_at: Option<i64>,
    /// A "> " marker is on screen with no newline after it yet.
    at_prompt: bool,
    /// Dev outbox entries already printed.
    outbox_seen: std::collections::HashSet<String>,
}

impl<W: Write> Printer<W> {
    fn line(&mut self, text: &str) {
        if self.at_prompt {
            let _ = writeln!(self.out);
            self.at_prompt = false;
        }
        // The last guard before stdout: whatever a sentence quoted from the server, no
        // escape sequence, C1 or bidi character is printed (line breaks are kept).
        for part in text.split('\n') {
            let _ = writeln!(self.out, "{}", crate::flow::clean(part));
        }
    }

    /// Print what changed since the last call.
    /// `settled`: the first load of the client has answered (a stored session may resume).
    fn render(&mut self, app: &App, every: Duration, settled: bool) {
        if (app.busy.is_some() || !settled) && !app.loading() {
            // A call is in flight: say where it lands, not the steps on the way.
            return;
        }
        let shown = Shown::of(app);
        let only_token = self.shown.as_ref().is_some_and(|old| {
            old.jwt != shown.jwt
                && Shown {
                    jwt: None,
                    ..old.clone()
                } == Shown {
                    jwt: None,
                    ..shown.clone()
                }
        });
        let step_changed = self.shown.as_ref() != Some(&shown);
        let notice_changed = self.notice != app.notice;
        if only_token {
            if let Some(line) = token_sentence(app) {
                self.line(&line);
            }
        } else if step_changed {
            for line in situation(app) {
                self.line(&line);
            }
            self.waited_at = Some(app.now_ms);
        }
        if notice_changed && let Some(n) = notice(app) {
            self.line(&n);
        }
        if ((step_changed && !only_token) || (notice_changed && app.notice.is_some()))
            && let Some(i) = instruction(app)
        {
            self.line(&i);
        }
        self.shown = Some(shown);
        self.notice = app.notice.clone();
        for (entry, sentence) in dev_outbox(app) {
            if self.outbox_seen.insert(entry.id.clone()) {
                self.line(&sentence);
            }
        }
        let due = self
            .waited_at
            .is_none_or(|at| app.now_ms - at >= every.as_millis() as i64);
        if due && let Some(w) = waiting_line(app) {
            self.line(&w);
            self.waited_at = Some(app.now_ms);
        }
        let _ = self.out.flush();
    }

    fn prompt(&mut self) {
        let _ = write!(self.out, "> ");
        let _ = self.out.flush();
        self.at_prompt = true;
    }
}

pub(crate) async fn drive<W: Write>(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    mut input: LineInput,
    out: W,
    opts: PlainOptions,
) -> PlainOutcome {
    let mut engine = Engine::new(app, runner, tx, rx);
    let mut printer = Printer {
        out,
        shown: None,
        notice: None,
        waited_at: None,
        at_prompt: false,
        outbox_seen: Default::default(),
    };
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // `Some(secret)`: a line was asked for, read hidden or not.
    let mut pending: Option<bool> = None;
    let mut hinted = false;
    let mut input_open = true;
    let mut new_password: Option<SecretString> = None;
    engine.start();
    loop {
        printer.render(&engine.app, opts.waiting_every, engine.client_loaded);
        if engine.app.should_quit {
            break;
        }
        let ready = engine.ready();
        if ready && input_open && pending.is_none() {
            let secret = wants_secret(&engine.app);
            if opts.prompt_marker {
                printer.prompt();
            }
            input.request(secret);
            pending = Some(secret);
            hinted = false;
        }
        if input.is_terminal() && pending == Some(false) && wants_secret(&engine.app) && !hinted {
            // The terminal is already reading with echo on; an empty line starts a hidden one.
            printer.line("(Press Enter first to type it hidden.)");
            hinted = true;
        }
        if !input_open && ready && !still_waiting(&engine.app) {
            break;
        }
        tokio::select! {
            action = engine.recv() => {
                if let Some(action) = action {
                    engine.dispatch(action);
                    engine.drain();
                }
            }
            _ = ticker.tick() => engine.tick(),
            line = input.recv(), if pending.is_some() => {
                pending = None;
                printer.at_prompt = false;
                match line {
                    Some(Ok(mut line)) => {
                        on_line(&mut engine, &mut printer, &line, &mut new_password);
                        line.zeroize();
                    }
                    Some(Err(_)) | None => input_open = false,
                }
            }
        }
    }
    let _ = printer.out.flush();
    outcome(&engine)
}

/// A line the user typed: either local to this front end (print the token, confirm a new
/// password) or interpreted into the app's actions.
fn on_line<W: Write>(
    engine: &mut Engine,
    printer: &mut Printer<W>,
    line: &str,
    new_password: &mut Option<SecretString>,
) {
    let app = &engine.app;
    let word = line.trim();
    if matches!(app.step(), Step::Complete { .. }) && word == "t" {
        match app.signed_in.as_ref().and_then(|s| s.jwt.as_deref()) {
            Some(jwt) => printer.line(jwt),
            None => printer.line("There is no session token yet. Type 'r' to mint one."),
        }
        return;
    }
    if app.step() == Step::NewPassword && !matches!(word, "" | "b" | "q") {
        match confirm_new_password(app, line, new_password) {
            Confirm::Ask(sentence) => {
                printer.line(&sentence);
                return;
            }
            Confirm::Submit => {}
        }
    } else {
        *new_password = None;
    }
    let actions = interpret(app, line);
    if actions.is_empty() && !word.is_empty() {
        printer.line("That is not one of the choices.");
        if let Some(i) = instruction(app) {
            printer.line(&i);
        }
        return;
    }
    for action in actions {
        engine.dispatch(action);
    }
}

enum Confirm {
    Ask(String),
    Submit,
}

/// Two entries of the new password, with every unmet rule named before anything is sent.
fn confirm_new_password(app: &App, line: &str, first: &mut Option<SecretString>) -> Confirm {
    if let Some(settings) = app
        .environment
        .as_ref()
        .map(|e| &e.user_settings.password_settings)
    {
        let failed = crate::fapi::validate_password(line, settings);
        if !failed.is_empty() {
            *first = None;
            let rules: Vec<String> = failed.iter().map(|r| r.to_string()).collect();
            return Confirm::Ask(format!(
                "Error: that password does not meet the rules: {}. Type a new password.",
                rules.join("; ")
            ));
        }
    }
    match first.take() {
        None => {
            *first = Some(SecretString::from(line.to_string()));
            Confirm::Ask("Type the new password again.".to_string())
        }
        Some(earlier) if earlier.expose_secret() == line => Confirm::Submit,
        Some(_) => {
            Confirm::Ask("Error: the two passwords differ. Type a new password.".to_string())
        }
    }
}

/// An email link or browser hand-off is still being waited for (polling, not yet expired).
fn still_waiting(app: &App) -> bool {
    app.polling && !expired(app)
}

fn outcome(engine: &Engine) -> PlainOutcome {
    let app = &engine.app;
    if let Some(s) = &app.signed_in {
        return PlainOutcome::SignedIn {
            session_id: s.session_id.clone(),
        };
    }
    if engine.signed_out {
        return PlainOutcome::SignedOut;
    }
    if let Some(f) = &engine.last_failure {
        return PlainOutcome::Failed {
            status: exit_status_for(f),
            message: f.message.clone(),
        };
    }
    if app.should_quit {
        return PlainOutcome::Quit;
    }
    PlainOutcome::InputEnded
}
