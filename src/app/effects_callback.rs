//! Part of the effects runner: the loopback callback a browser hand-off comes back to,
//! `http://127.0.0.1:PORT/callback?state=…`. It accepts one GET from a loopback peer carrying
//! this hand-off's own random state and ignores (and reports) anything else. Where the instance
//! allows only the bare address (no query), it passes on every plausible GET instead, and the
//! app believes none of them until Clerk does (docs/THREAT_MODEL.md, "The loopback callback").
//! Cancelled, or closed at its deadline.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rand::Rng;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::callback::{self, CALLBACK_PATH, DEFAULT_CALLBACK_PORT, Returned};
use super::{Action, Call, CallbackEvent, Redirect};

/// A listener the runner started: stop it with `token`; `state` goes into the redirect URL.
pub struct Listener {
    pub token: CancellationToken,
    pub state: String,
    pub port: u16,
    /// Set once the hand-off was sent with the bare address: the state is not checked.
    bare: Arc<AtomicBool>,
}

impl Listener {
    /// The redirect URL this listener accepts: the printed address plus its state.
    pub fn redirect_url(&self) -> String {
        format!("{}?state={}", callback::callback_url(self.port), self.state)
    }
}

/// A hand-off call bound for the loopback callback gets the listener's address with its
/// state; only the runner holds the state, so nothing else can forge the callback.
pub fn resolve(call: Call, listener: Option<&Listener>) -> Call {
    let url = |redirect: Redirect| match (redirect, listener) {
        (Redirect::Callback, Some(l)) => Redirect::Url(l.redirect_url()),
        (Redirect::BareCallback, Some(l)) => {
            l.bare.store(true, Ordering::SeqCst);
            Redirect::Url(callback::callback_url(l.port))
        }
        (Redirect::Callback | Redirect::BareCallback, None) => {
            Redirect::Url(callback::callback_url(DEFAULT_CALLBACK_PORT))
        }
        (url @ Redirect::Url(_), _) => url,
    };
    match call {
        Call::CreateRedirectSignIn { strategy, redirect } => Call::CreateRedirectSignIn {
            strategy,
            redirect: url(redirect),
        },
        Call::PrepareHandOff {
            sign_in_id,
            factor,
            redirect,
        } => Call::PrepareHandOff {
            sign_in_id,
            factor,
            redirect: url(redirect),
        },
        other => other,
    }
}

/// The address a hand-off call sends: `resolve` put the listener's in; a call made without
/// the runner (tests) gets the default callback address.
pub fn target(redirect: Redirect) -> String {
    match redirect {
        Redirect::Url(url) => url,
        Redirect::Callback | Redirect::BareCallback => {
            callback::callback_url(DEFAULT_CALLBACK_PORT)
        }
    }
}

/// 128 random bits, URL-safe: the check that a callback belongs to this hand-off.
fn new_state() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How long a fixed port in use is tried again: the listener of the hand-off this one replaces
/// (`r` starts again on the same port) lets go of it within milliseconds.
const REBIND_FOR: Duration = Duration::from_secs(2);

fn bind(port: u16) -> std::io::Result<std::net::TcpListener> {
    let l = std::net::TcpListener::bind(("127.0.0.1", port))?;
    l.set_nonblocking(true)?;
    Ok(l)
}

/// Binds `127.0.0.1:port` (0: any free port) and serves until the token is cancelled, the
/// deadline passes, or one callback with the right state arrived. What happens comes back as
/// `Action::Callback` with `epoch`. A fixed port still held (by the hand-off this replaces) is
/// tried again briefly; one that stays taken is said, and the returned listener still carries
/// a state (the user can paste the address instead).
pub fn listen(tx: UnboundedSender<Action>, epoch: u64, port: u16, deadline: Duration) -> Listener {
    let token = CancellationToken::new();
    let state = new_state();
    let send = move |event: CallbackEvent| {
        let _ = tx.send(Action::Callback { epoch, event });
    };
    let first = bind(port);
    let bound_port = first
        .as_ref()
        .ok()
        .and_then(|l| l.local_addr().ok())
        .map_or(port, |a| a.port());
    let bare = Arc::new(AtomicBool::new(false));
    let listener = Listener {
        token: token.clone(),
        state: state.clone(),
        port: bound_port,
        bare: Arc::clone(&bare),
    };
    let checks = Checks { state, bare };
    // Bound at once (the usual case): said before the hand-off's own call is even sent, so
    // the first words about the hand-off already name the callback.
    if let Ok(std) = first {
        match tokio::net::TcpListener::from_std(std) {
            Ok(tcp) => {
                send(CallbackEvent::Listening { port: bound_port });
                tokio::spawn(serve(tcp, checks, Box::new(send), token, deadline));
            }
            Err(e) => send(CallbackEvent::NotListening {
                port,
                why: e.to_string(),
            }),
        }
        return listener;
    }
    tokio::spawn(async move {
        let mut bound = first;
        let until = tokio::time::Instant::now() + REBIND_FOR;
        while matches!(&bound, Err(e) if e.kind() == std::io::ErrorKind::AddrInUse)
            && port != 0
            && tokio::time::Instant::now() < until
            && !token.is_cancelled()
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
            bound = bind(port);
        }
        let tcp = match bound.and_then(tokio::net::TcpListener::from_std) {
            Ok(l) => l,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::AddrInUse => {
                        "another program is already listening on it".to_string()
                    }
                    _ => e.to_string(),
                };
                send(CallbackEvent::NotListening { port, why });
                return;
            }
        };
        send(CallbackEvent::Listening { port: bound_port });
        serve(tcp, checks, Box::new(send), token, deadline).await;
    });
    listener
}

/// What a callback is checked against: the hand-off's state, unless it went out bare.
struct Checks {
    state: String,
    bare: Arc<AtomicBool>,
}

/// How many callbacks a bare listener passes on: enough for a real one behind a few forged
/// ones, not a flood of redemptions from a page that keeps sending the browser here.
const MAX_BARE_CALLBACKS: u32 = 8;

async fn serve(
    tcp: tokio::net::TcpListener,
    checks: Checks,
    send: Box<dyn Fn(CallbackEvent) + Send + Sync>,
    token: CancellationToken,
    deadline: Duration,
) {
    let shared = Arc::new(Shared {
        state: checks.state,
        bare: checks.bare,
        send,
        done: token.clone(),
        accepted: Mutex::new(0),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared)
        .into_make_service_with_connect_info::<SocketAddr>();
    let until = async move {
        tokio::select! {
            _ = token.cancelled() => {}
            _ = tokio::time::sleep(deadline) => {}
        }
    };
    let _ = axum::serve(tcp, app).with_graceful_shutdown(until).await;
}

struct Shared {
    state: String,
    bare: Arc<AtomicBool>,
    send: Box<dyn Fn(CallbackEvent) + Send + Sync>,
    /// Cancelled once a callback with the state was accepted: the listener stops.
    done: CancellationToken,
    /// Callbacks passed on so far.
    accepted: Mutex<u32>,
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
) -> Response {
    let bare = shared.bare.load(Ordering::SeqCst);
    match check(&shared, bare, peer, &method, &uri) {
        Ok(returned) => {
            // With the state, the one callback is the real one: take it once and close. Bare,
            // only Clerk can tell the real one, so each is passed on (up to a few).
            let accepted = {
                let mut seen = shared.accepted.lock().unwrap_or_else(|e| e.into_inner());
                *seen += 1;
                *seen <= if bare { MAX_BARE_CALLBACKS } else { 1 }
            };
            if !accepted {
                return page(StatusCode::GONE, "This sign-in already came back.");
            }
            let words = match &returned {
                Returned::Nonce(_) => "Done. You can close this page; the terminal continues.",
                Returned::Transferable | Returned::Failed(_) => {
                    "The sign-in did not succeed; the terminal says why. You can close this page."
                }
            };
            (shared.send)(CallbackEvent::Returned(returned));
            if !bare {
                shared.done.cancel();
            }
            page(StatusCode::OK, words)
        }
        Err(why) => {
            // Browsers ask for an icon after any page; not worth a word on screen.
            if uri.path() != "/favicon.ico" {
                (shared.send)(CallbackEvent::Ignored(why.to_string()));
            }
            page(
                StatusCode::BAD_REQUEST,
                "This address only accepts the sign-in it is waiting for. Nothing happened.",
            )
        }
    }
}

/// The one request that counts: a GET of `/callback` from loopback with this hand-off's state
/// (unless it went out bare) and something about the sign-in in its query.
fn check(
    shared: &Shared,
    bare: bool,
    peer: SocketAddr,
    method: &Method,
    uri: &Uri,
) -> Result<Returned, &'static str> {
    if !peer.ip().is_loopback() {
        return Err("a request from another machine");
    }
    if method != Method::GET {
        return Err("a request that was not a GET");
    }
    if uri.path() != CALLBACK_PATH {
        return Err("a request for another path");
    }
    let query = uri.query().unwrap_or_default();
    let state_ok = url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| {
        use subtle::ConstantTimeEq;
        k == "state" && bool::from(v.as_bytes().ct_eq(shared.state.as_bytes()))
    });
    if !state_ok && !bare {
        return Err("a callback without this sign-in's state (not from this hand-off)");
    }
    callback::from_query(query).ok_or("a callback with neither a nonce nor a failure in it")
}

fn page(status: StatusCode, words: &str) -> Response {
    let html = format!(
        "<!doctype html><meta charset=utf-8><title>clerk-tui</title>\
         <body style=\"font-family:sans-serif;margin:3em\"><p>{words}</p></body>"
    );
    (status, Html(html)).into_response()
}
