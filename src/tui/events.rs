//! The terminal's input as one async source: crossterm key, paste and resize events plus
//! the signals that must end the app (SIGINT from outside, SIGTERM, SIGHUP). In raw mode
//! Ctrl-C arrives as a key event; a SIGINT can still come from `kill`, so both are covered.
//! A terminal that hangs up must end the app too, and crossterm's reader does not say so (it
//! retries the failing read for ever, holding the lock its stream waits on): signals and the
//! hang-up are watched apart from it.

use futures::{Stream, StreamExt};
use ratatui::crossterm::event::{
    Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use std::fmt;
use std::io;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A signal asking the app to quit (and restore the terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitSignal {
    Interrupt,
    Terminate,
    Hangup,
}

/// SIGINT, SIGTERM and SIGHUP as one future. Creating it replaces the default "die at once"
/// action of those signals, so the event loop must poll it to quit.
pub struct QuitSignals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl QuitSignals {
    /// Must be called inside a tokio runtime.
    pub fn new() -> io::Result<Self> {
        Ok(QuitSignals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// Waits for the next quit signal.
    pub async fn recv(&mut self) -> QuitSignal {
        loop {
            let got = tokio::select! {
                s = self.interrupt.recv() => s.map(|()| QuitSignal::Interrupt),
                s = self.terminate.recv() => s.map(|()| QuitSignal::Terminate),
                s = self.hangup.recv() => s.map(|()| QuitSignal::Hangup),
            };
            if let Some(signal) = got {
                return signal;
            }
        }
    }
}

/// What the terminal sends the app.
#[derive(Clone, PartialEq, Eq)]
pub enum TermEvent {
    /// A key press or repeat (releases are dropped so nothing acts twice).
    Key(KeyEvent),
    /// Bracketed paste: may hold a password, so Debug hides it.
    Paste(String),
    Resize(u16, u16),
    /// A quit signal arrived: restore and exit.
    Quit(QuitSignal),
    /// Reading the terminal failed; the app should restore and exit with this message.
    Error(String),
}

impl fmt::Debug for TermEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Typed characters may be a password: show which key kind, never the character.
            TermEvent::Key(key) => match key.code {
                KeyCode::Char(_) => write!(f, "Key(Char(***), {:?})", key.modifiers),
                code => write!(f, "Key({code:?}, {:?})", key.modifiers),
            },
            TermEvent::Paste(_) => f.write_str("Paste(***)"),
            TermEvent::Resize(w, h) => write!(f, "Resize({w}, {h})"),
            TermEvent::Quit(signal) => write!(f, "Quit({signal:?})"),
            TermEvent::Error(e) => write!(f, "Error({e:?})"),
        }
    }
}

/// Terminal events and quit signals merged; generic over the event stream for tests.
pub struct EventSource<S = EventStream> {
    events: S,
    signals: Option<QuitSignals>,
    ended: bool,
}

impl EventSource<EventStream> {
    /// Reads the real terminal; must be called inside a tokio runtime.
    pub fn new() -> io::Result<Self> {
        Ok(EventSource::from_parts(
            EventStream::new(),
            Some(QuitSignals::new()?),
        ))
    }
}

impl<S> EventSource<S>
where
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    pub fn from_parts(events: S, signals: Option<QuitSignals>) -> Self {
        EventSource {
            events,
            signals,
            ended: false,
        }
    }

    /// The next event; `None` once the terminal stream has ended and no signals are watched.
    pub async fn next(&mut self) -> Option<TermEvent> {
        loop {
            let event = match (&mut self.signals, self.ended) {
                (None, true) => return None,
                (Some(signals), true) => return Some(TermEvent::Quit(signals.recv().await)),
                (None, false) => self.events.next().await,
                (Some(signals), false) => tokio::select! {
                    signal = signals.recv() => return Some(TermEvent::Quit(signal)),
                    event = self.events.next() => event,
                },
            };
            match event {
                None => self.ended = true,
                Some(Err(e)) => {
                    self.ended = true;
                    return Some(TermEvent::Error(e.to_string()));
                }
                Some(Ok(event)) => {
                    if let Some(event) = convert(event) {
                        return Some(event);
                    }
                }
            }
        }
    }
}

/// Ctrl-C: in raw mode the terminal sends it as a key, and it must always quit (after
/// restoring the terminal), whichever widget has focus.
pub fn is_quit_key(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c')
        && key.modifiers.contains(KeyModifiers::CONTROL)
        && key.kind != KeyEventKind::Release
}

fn convert(event: Event) -> Option<TermEvent> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(TermEvent::Key(key)),
        Event::Paste(text) => Some(TermEvent::Paste(text)),
        Event::Resize(w, h) => Some(TermEvent::Resize(w, h)),
        _ => None,
    }
}

/// Watches the quit signals on their own task, so a terminal reader that never returns cannot
/// hide them; stops after the first.
pub fn spawn_signal_task(mut signals: QuitSignals, tx: mpsc::Sender<TermEvent>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let signal = signals.recv().await;
        let _ = tx.send(TermEvent::Quit(signal)).await;
    })
}

/// Watches standard input (the terminal) for a hang-up or error on a thread of its own: a
/// closed pseudo-terminal (a killed tmux pane, a dropped ssh link) then ends the app instead
/// of leaving crossterm's reader spinning on `EIO`. Asking `poll` for no events still
/// reports `POLLHUP`, `POLLERR` and `POLLNVAL`, so the thread sleeps until one comes.
pub fn spawn_hangup_watch(tx: mpsc::Sender<TermEvent>) {
    std::thread::spawn(move || {
        let mut fd = libc::pollfd {
            fd: libc::STDIN_FILENO,
            events: 0,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd, for the length of the call.
            let ready = unsafe { libc::poll(&mut fd, 1, -1) };
            if ready > 0 && fd.revents != 0 {
                break;
            }
            if ready < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                // Polling itself fails: nothing to watch, and nothing to report.
                return;
            }
        }
        let _ = tx.blocking_send(TermEvent::Error("the terminal hung up".into()));
    });
}

/// Runs `source` on its own task, sending each event through `map` into the app's one
/// channel. Stops after a quit signal or error, or when the app drops its receiver.
pub fn spawn_event_task<S, A, F>(
    mut source: EventSource<S>,
    tx: mpsc::Sender<A>,
    map: F,
) -> JoinHandle<()>
where
    S: Stream<Item = io::Result<Event>> + Unpin + Send + 'static,
    A: Send + 'static,
    F: Fn(TermEvent) -> A + Send + 'static,
{
    tokio::spawn(async move {
        while let Some(event) = source.next().await {
            let last = matches!(event, TermEvent::Quit(_) | TermEvent::Error(_));
            if tx.send(map(event)).await.is_err() || last {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventState;

    fn press(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    #[tokio::test]
    async fn terminal_events_are_converted_and_releases_dropped() {
        let release = Event::Key(KeyEvent {
            code: KeyCode::Char('x'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        });
        let events = futures::stream::iter(vec![
            Ok(press('a')),
            Ok(release),
            Ok(Event::FocusGained),
            Ok(Event::Paste("hunter2".into())),
            Ok(Event::Resize(100, 30)),
        ]);
        let mut source = EventSource::from_parts(events, None);
        assert!(
            matches!(source.next().await, Some(TermEvent::Key(k)) if k.code == KeyCode::Char('a'))
        );
        assert_eq!(
            source.next().await,
            Some(TermEvent::Paste("hunter2".into()))
        );
        assert_eq!(source.next().await, Some(TermEvent::Resize(100, 30)));
        assert_eq!(source.next().await, None);
    }

    #[tokio::test]
    async fn read_errors_end_the_stream_with_a_message() {
        let events = futures::stream::iter(vec![Err(io::Error::other("tty gone")), Ok(press('a'))]);
        let mut source = EventSource::from_parts(events, None);
        assert_eq!(
            source.next().await,
            Some(TermEvent::Error("tty gone".into()))
        );
        assert_eq!(source.next().await, None);
    }

    #[test]
    fn ctrl_c_is_the_quit_key() {
        assert!(is_quit_key(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
        assert!(!is_quit_key(&KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::NONE
        )));
        assert!(!is_quit_key(&KeyEvent::new(
            KeyCode::Char('r'),
            KeyModifiers::CONTROL
        )));
    }

    #[test]
    fn debug_hides_typed_characters_and_pastes() {
        let key = TermEvent::Key(KeyEvent::new(KeyCode::Char('h'), KeyModifiers::NONE));
        assert_eq!(format!("{key:?}"), "Key(Char(***), KeyModifiers(0x0))");
        assert_eq!(
            format!("{:?}", TermEvent::Paste("hunter2".into())),
            "Paste(***)"
        );
        let enter = TermEvent::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert!(format!("{enter:?}").contains("Enter"));
    }

    /// Sends `sig` to this test process; tokio's handler (installed first) catches it.
    fn raise(sig: &str) {
        let status = std::process::Command::new("kill")
            .args([sig, &std::process::id().to_string()])
            .status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "kill {sig}: {status:?}"
        );
    }

    #[tokio::test]
    async fn outside_signals_become_quit_events_on_the_channel() {
        let signals = match QuitSignals::new() {
            Ok(s) => s,
            Err(e) => panic!("signal handlers: {e}"),
        };
        // A terminal stream that never yields, like an idle keyboard.
        let source = EventSource::from_parts(futures::stream::pending(), Some(signals));
        let (tx, mut rx) = mpsc::channel(4);
        let task = spawn_event_task(source, tx, |e| e);
        raise("-TERM");
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await;
        assert_eq!(
            got.ok().flatten(),
            Some(TermEvent::Quit(QuitSignal::Terminate))
        );
        assert!(task.await.is_ok(), "the task ends after a quit");

        let mut signals = match QuitSignals::new() {
            Ok(s) => s,
            Err(e) => panic!("signal handlers: {e}"),
        };
        for (sig, expected) in [
            ("-HUP", QuitSignal::Hangup),
            ("-INT", QuitSignal::Interrupt),
        ] {
            raise(sig);
            let got = tokio::time::timeout(std::time::Duration::from_secs(5), signals.recv()).await;
            assert_eq!(got.ok(), Some(expected));
        }
    }
}
