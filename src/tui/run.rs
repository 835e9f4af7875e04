//! The full-screen event loop: terminal events and `Action`s meet in one select; each wake-up
//! takes one input, drains whatever else is waiting, runs `update` on each, hands the effects
//! to the runner, and draws once - only when something changed, never while idle.

use std::io;
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::app::effects::{EffectRunner, now_ms};
use crate::app::{Action, App, update};
use crate::tui::events::{EventSource, TermEvent, spawn_event_task};
use crate::tui::screens::{self, Ui};
use crate::tui::{Theme, terminal};

/// Terminal events waiting to be handled; the reader pauses when this many are queued.
const EVENT_QUEUE: usize = 256;

/// Runs the TUI until the user quits, a quit signal arrives, or the terminal fails. The
/// terminal is restored on every way out (the guard's `Drop` covers errors and panics).
pub async fn run(
    mut app: App,
    mut runner: EffectRunner,
    tx: UnboundedSender<Action>,
    mut rx: UnboundedReceiver<Action>,
    theme: Theme,
) -> io::Result<()> {
    let mut guard = terminal::setup()?;
    let (event_tx, mut events) = mpsc::channel(EVENT_QUEUE);
    let reader = spawn_event_task(EventSource::new()?, event_tx, |e| e);
    let mut ui = Ui::new();
    // Through the channel like any other action, so it is handled by the same path.
    let _ = tx.send(Action::Start);
    let mut failure = None;
    let mut dirty = true;
    loop {
        if dirty {
            guard.draw(|frame| screens::render(frame, &app, &mut ui, theme))?;
            dirty = false;
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
        for input in inputs {
            let actions = match input {
                Input::Action(a) => vec![a],
                Input::Term(TermEvent::Key(key)) => screens::on_key(&app, &mut ui, key),
                Input::Term(TermEvent::Paste(text)) => screens::on_paste(&app, &mut ui, &text),
                Input::Term(TermEvent::Resize(..)) => Vec::new(),
                Input::Term(TermEvent::Quit(_)) => vec![Action::Quit],
                Input::Term(TermEvent::Error(e)) => {
                    failure = Some(io::Error::other(e));
                    vec![Action::Quit]
                }
            };
            for action in actions {
                for effect in update(&mut app, action) {
                    runner.run(effect);
                }
            }
            dirty = true;
        }
        if app.should_quit {
            break;
        }
    }
    reader.abort();
    drop(runner);
    guard.restore()?;
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

enum Input {
    Term(TermEvent),
    Action(Action),
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
