//! The full-screen event loop: terminal events and `Action`s meet in one select; each wake-up
//! takes one input, drains whatever else is waiting, runs `update` on each, hands the effects
//! to the runner, and draws once - only when something changed, never while idle.

use std::io::{self, Write};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::app::effects::{EffectRunner, now_ms};
use crate::app::{Action, App, Effect, update};
use crate::tui::events::{
    EventSource, QuitSignals, TermEvent, spawn_event_task, spawn_hangup_watch, spawn_signal_task,
};
use crate::tui::screens::{self, Ui};
use crate::tui::{Theme, outside, terminal};
use ratatui::crossterm::event::EventStream;

/// Terminal events waiting to be handled; the reader pauses when this many are queued.
const EVENT_QUEUE: usize = 256;

/// Runs the TUI until the user quits, a quit signal arrives, or the terminal fails. The
/// terminal is restored on every way out (the guard's `Drop` covers errors and panics).
pub async fn run(
    app: App,
    runner: EffectRunner,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    theme: Theme,
) -> io::Result<()> {
    run_with(app, runner, tx, rx, theme, async {}).await
}

/// [`run`], awaiting `after_first_frame` once the first frame is on the terminal, before any
/// input or action is handled: work that can wait (starting the embedded server) starts
/// there, not before the person sees anything.
pub async fn run_with(
    mut app: App,
    mut runner: EffectRunner,
    tx: UnboundedSender<Action>,
    mut rx: UnboundedReceiver<Action>,
    theme: Theme,
    after_first_frame: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut after_first_frame = Some(after_first_frame);
    let mut guard = terminal::setup()?;
    let (event_tx, mut events) = mpsc::channel(EVENT_QUEUE);
    let reader = spawn_event_task(
        EventSource::from_parts(EventStream::new(), None),
        event_tx.clone(),
        |e| e,
    );
    let signals = spawn_signal_task(QuitSignals::new()?, event_tx.clone());
    spawn_hangup_watch(event_tx);
    let mut ui = Ui::new();
    // Through the channel like any other action, so it is handled by the same path.
    let _ = tx.send(Action::Start);
    let mut failure = None;
    let mut last_frame: Option<(Buffer, Position)> = None;
    // Text printed outside the full screen is showing (`t`): nothing is drawn over it.
    let mut printed = false;
    loop {
        if printed && !ui.outside(&app) {
            outside::back(&mut guard)?;
            last_frame = None;
            printed = false;
        }
        // Reached only after a batch of input (or at start): idle, the loop sleeps below.
        // A wake-up that changed nothing on screen (a poll with the same answer, say) writes
        // nothing to the terminal.
        if !printed
            && present(&mut *guard, &app, &mut ui, theme, &mut last_frame)?
            && let Some(seq) = ui.hyperlink().and_then(screens::Hyperlink::sequence)
        {
            // The same text again, wrapped in OSC 8, so terminals that know hyperlinks
            // make the address clickable; the others ignore it and show what was there.
            let backend = guard.backend_mut();
            let _ = backend
                .write_all(seq.as_bytes())
                .and_then(|()| backend.flush());
        }
        if let Some(first) = after_first_frame.take() {
            tracing::debug!("first frame drawn");
            first.await;
        }
        let mut inputs = Vec::new();
        tokio::select! {
            event = events.recv() => match event {
                Some(e) => inputs.push(Input::Term(e)),
                None => inputs.push(Input::Term(TermEvent::Error("the terminal closed".into()))),
            },
            action = rx.recv() => match action {
                Some(a) => inputs.push(Input::Action(a)),
                // Every sender is gone: nothing can ever happen again.
                None => break,
            },
            () = tick(screens::needs_tick(&app)) => {
                inputs.push(Input::Action(Action::Tick { now_ms: now_ms() }));
            }
        }
        while let Ok(e) = events.try_recv() {
            inputs.push(Input::Term(e));
        }
        while let Ok(a) = rx.try_recv() {
            inputs.push(Input::Action(a));
        }
        if let Some(e) = apply(&mut app, &mut ui, inputs, &mut |fx| runner.run(fx)) {
            failure = Some(e);
        }
        if let Some(text) = ui.take_copy() {
            // Best effort: a terminal that ignores OSC 52 simply copies nothing (the screen
            // says so), and a failed write shows up on the next draw.
            let backend = guard.backend_mut();
            let _ = backend
                .write_all(osc52(&text).as_bytes())
                .and_then(|()| backend.flush());
        }
        if let Some(printout) = ui.take_printout() {
            outside::print(&mut guard, &printout)?;
            printed = true;
        }
        if ui.take_suspend() {
            outside::suspend(&mut guard)?;
            last_frame = None;
        }
        if app.should_quit {
            break;
        }
    }
    reader.abort();
    signals.abort();
    drop(runner);
    guard.restore()?;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Draws the frame for the terminal's size now; returns whether anything was written (an
/// unchanged frame is not). The size is asked twice, once here and once by ratatui inside
/// `draw`: a resize between the two would hand ratatui a buffer of the old size, and its diff
/// panics on buffers of different widths ("buffer areas must have the same x, y, and width"),
/// so a frame drawn for a size that has gone is drawn again for the new one.
pub(crate) fn present<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    app: &App,
    ui: &mut Ui,
    theme: Theme,
    last: &mut Option<(Buffer, Position)>,
) -> Result<bool, B::Error> {
    let size = terminal.size()?;
    let mut frame =
        screens::render_to_buffer(Rect::new(0, 0, size.width, size.height), app, ui, theme);
    if last.as_ref() == Some(&frame) {
        return Ok(false);
    }
    terminal.draw(|f| {
        if f.area() != frame.0.area {
            frame = screens::render_to_buffer(f.area(), app, ui, theme);
        }
        *f.buffer_mut() = frame.0.clone();
        f.set_cursor_position(frame.1);
    })?;
    *last = Some(frame);
    Ok(true)
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub(crate) fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// One thing the loop woke up for.
pub(crate) enum Input {
    Term(TermEvent),
    Action(Action),
}

/// Runs a batch of inputs through the screens and `update`, in order, handing every effect to
/// `run_effect`. Returns the terminal's failure, if one arrived (the app is then quitting).
pub(crate) fn apply(
    app: &mut App,
    ui: &mut Ui,
    inputs: Vec<Input>,
    run_effect: &mut impl FnMut(Effect),
) -> Option<io::Error> {
    let mut failure = None;
    for input in inputs {
        let actions = match input {
            Input::Action(a) => vec![a],
            Input::Term(TermEvent::Key(key)) => screens::on_key(app, ui, key),
            Input::Term(TermEvent::Paste(text)) => screens::on_paste(app, ui, &text),
            Input::Term(TermEvent::Resize(..)) => Vec::new(),
            Input::Term(TermEvent::Quit(_)) => vec![Action::Quit],
            Input::Term(TermEvent::Error(e)) => {
                failure = Some(io::Error::other(e));
                vec![Action::Quit]
            }
        };
        for action in actions {
            for effect in update(app, action) {
                run_effect(effect);
            }
        }
    }
    failure
}

/// Resolves at the next whole second while something counts down, so every countdown on
/// screen changes together and at most once a second; never resolves otherwise.
async fn tick(needed: bool) {
    if !needed {
        return std::future::pending().await;
    }
    tokio::time::sleep(until_next_second(now_ms())).await;
}

/// Time from `now_ms` to the next whole second (a few ms past it, so the tick lands after).
pub(crate) fn until_next_second(now_ms: i64) -> Duration {
    let into = now_ms.rem_euclid(1000);
    Duration::from_millis(u64::try_from(1000 - into).unwrap_or(1000) + 5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Backend, Call, Reply};
    use crate::tui::events::QuitSignal;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn app() -> App {
        App::new(
            Backend::Remote {
                base_url: "http://127.0.0.1:1".into(),
            },
            1_800_000_000_000,
        )
    }

    fn run_batch(
        app: &mut App,
        ui: &mut Ui,
        inputs: Vec<Input>,
    ) -> (Vec<Effect>, Option<io::Error>) {
        let mut effects = Vec::new();
        let failure = apply(app, ui, inputs, &mut |e| effects.push(e));
        (effects, failure)
    }

    #[test]
    fn keys_become_actions_and_their_effects_run_in_order() {
        let mut app = app();
        let mut ui = Ui::new();
        let (fx, _) = run_batch(&mut app, &mut ui, vec![Input::Action(Action::Start)]);
        assert!(matches!(
            fx.as_slice(),
            [
                Effect::Call {
                    call: Call::LoadEnvironment,
                    ..
                },
                Effect::Call {
                    call: Call::LoadClient,
                    ..
                }
            ]
        ));
        let env = serde_json::from_value(serde_json::json!({})).map_err(|e| e.to_string());
        let Ok(env) = env else { panic!("{env:?}") };
        let mut inputs = vec![Input::Action(Action::Api {
            epoch: 0,
            reply: Reply::Environment(Ok(Box::new(env))),
        })];
        // Typed before the environment arrived, handled after it in the same batch.
        inputs.extend("jo@example.com".chars().map(|c| {
            Input::Term(TermEvent::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )))
        }));
        inputs.push(Input::Term(TermEvent::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        ))));
        let (fx, failure) = run_batch(&mut app, &mut ui, inputs);
        assert!(failure.is_none());
        assert!(
            matches!(fx.as_slice(), [Effect::Call { call: Call::CreateSignIn { identifier, .. }, .. }] if identifier == "jo@example.com"),
            "{fx:?}"
        );
    }

    #[test]
    fn quit_signals_and_terminal_errors_quit() {
        let mut app = app();
        let mut ui = Ui::new();
        let (fx, failure) = run_batch(
            &mut app,
            &mut ui,
            vec![Input::Term(TermEvent::Quit(QuitSignal::Terminate))],
        );
        assert!(app.should_quit && failure.is_none());
        assert!(fx.iter().any(|e| matches!(e, Effect::Quit)));
        let mut app = self::app();
        let (_, failure) = run_batch(
            &mut app,
            &mut ui,
            vec![Input::Term(TermEvent::Error("tty gone".into()))],
        );
        assert!(app.should_quit);
        assert_eq!(failure.map(|e| e.to_string()).as_deref(), Some("tty gone"));
        let mut app = self::app();
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let _ = run_batch(&mut app, &mut ui, vec![Input::Term(TermEvent::Key(ctrl_c))]);
        assert!(app.should_quit);
    }

    #[test]
    fn copies_are_osc52_with_base64() {
        assert_eq!(osc52("hello"), "\x1b]52;c;aGVsbG8=\x07");
    }

    #[test]
    fn ticks_land_on_whole_seconds() {
        assert_eq!(
            until_next_second(1_800_000_000_250),
            Duration::from_millis(755)
        );
        assert_eq!(
            until_next_second(1_800_000_000_000),
            Duration::from_millis(1005)
        );
        assert_eq!(until_next_second(999), Duration::from_millis(6));
    }
}

#[cfg(test)]
#[path = "run_pty_tests.rs"]
mod pty_tests;
