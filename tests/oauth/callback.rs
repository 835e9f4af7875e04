//! The hand-off's loopback callback under attack, through the effects runner that owns it: a
//! forged `__clerk_status=failed` without the hand-off's state, a POST, another path, a wrong
//! state — each ignored (and reported), the sign-in going on — then the real callback taken
//! once, the browser told it can close the page; a port already taken said at once, one held
//! for a moment waited for; and the bare address (no state) passing each callback on.

use std::sync::Arc;
use std::time::Duration;

use clerk_tui::app::callback::Returned;
use clerk_tui::app::effects::{EffectRunner, now_ms};
use clerk_tui::app::{Action, Call, CallbackEvent, Effect, Redirect};
use clerk_tui::fapi::{FapiClient, MemoryTokenStore};
use secrecy::ExposeSecret;
use tokio::sync::mpsc::UnboundedReceiver;

fn runner() -> (EffectRunner, UnboundedReceiver<Action>) {
    let client = FapiClient::with_base_url("http://127.0.0.1:9", Arc::new(MemoryTokenStore::new()))
        .expect("loopback URL");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (EffectRunner::new(Arc::new(client), tx, None), rx)
}

async fn next_event(rx: &mut UnboundedReceiver<Action>) -> CallbackEvent {
    loop {
        let action = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("the listener reports in time")
            .expect("channel open");
        match action {
            Action::Callback { epoch: 7, event } => return event,
            // The answer of a call a test made only to send the listener's address out.
            Action::Api { .. } => {}
            other => panic!("{other:?}"),
        }
    }
}

/// A runner whose listener is up on a free port.
async fn listening() -> (EffectRunner, UnboundedReceiver<Action>, u16) {
    let (mut runner, mut rx) = runner();
    listen(&mut runner, 0);
    match next_event(&mut rx).await {
        CallbackEvent::Listening { port } => (runner, rx, port),
        other => panic!("not listening: {other:?}"),
    }
}

fn listen(runner: &mut EffectRunner, port: u16) {
    runner.run(Effect::ListenForCallback {
        epoch: 7,
        port,
        until_ms: now_ms() + 60_000,
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_failure_without_the_state_is_ignored_and_the_sign_in_goes_on() {
    let (runner, mut rx, port) = listening().await;
    let redirect = runner.callback_redirect_url().expect("a redirect URL");
    assert!(
        redirect.starts_with(&format!("http://127.0.0.1:{port}/callback?state=")),
        "{redirect}"
    );
    let state = redirect.split("state=").nth(1).expect("state").to_string();
    assert_eq!(state.len(), 32, "128 random bits");
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    // What a hostile page can make the browser send: no state, or a guessed one.
    for forged in [
        format!("{base}/callback?__clerk_status=failed"),
        format!("{base}/callback?state=00000000000000000000000000000000&__clerk_status=failed"),
        format!("{base}/callback?rotating_token_nonce=rtn_attacker"),
    ] {
        let r = http.get(&forged).send().await.expect("answered");
        assert_eq!(r.status(), 400, "{forged}");
        let page = r.text().await.expect("page");
        assert!(page.contains("Nothing happened"), "{page}");
        match next_event(&mut rx).await {
            CallbackEvent::Ignored(why) => assert!(why.contains("state"), "{why}"),
            other => panic!("{forged}: {other:?}"),
        }
    }
    let good = format!(
        "{base}/callback?state={state}&rotating_token_nonce=rtn_real&__clerk_status=verified"
    );
    let r = http.get(&good).send().await.expect("answered");
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("You can close this page")
    );
    match next_event(&mut rx).await {
        CallbackEvent::Returned(Returned::Nonce(n)) => assert_eq!(n.expose_secret(), "rtn_real"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn only_a_get_of_the_callback_path_with_the_state_is_taken_and_only_once() {
    let (runner, mut rx, port) = listening().await;
    let redirect = runner.callback_redirect_url().expect("a redirect URL");
    let state = redirect.split("state=").nth(1).expect("state").to_string();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let post = http
        .post(format!(
            "{base}/callback?state={state}&__clerk_status=failed"
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(post.status(), 400);
    assert!(
        matches!(next_event(&mut rx).await, CallbackEvent::Ignored(w) if w.contains("not a GET"))
    );
    let other = http
        .get(format!(
            "{base}/elsewhere?state={state}&__clerk_status=failed"
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(other.status(), 400);
    assert!(
        matches!(next_event(&mut rx).await, CallbackEvent::Ignored(w) if w.contains("another path"))
    );
    // The real callback, with a provider's refusal: taken, and said as a failure.
    let denied = http
        .get(format!(
            "{base}/callback?state={state}&__clerk_status=failed&error_description=Denied+by+user"
        ))
        .send()
        .await
        .expect("answered");
    assert_eq!(denied.status(), 200);
    match next_event(&mut rx).await {
        CallbackEvent::Returned(Returned::Failed(w)) => assert_eq!(w, "Denied by user"),
        other => panic!("{other:?}"),
    }
    // Nothing more is taken: the listener answers no further callback (closed, or 410).
    let again = http
        .get(format!(
            "{base}/callback?state={state}&rotating_token_nonce=rtn_late"
        ))
        .send()
        .await;
    if let Ok(r) = again {
        assert_ne!(r.status(), 200);
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(300), rx.recv())
            .await
            .is_err(),
        "no second callback is reported"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_port_in_use_is_said_and_stopping_frees_the_port() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let (mut runner, mut rx) = runner();
    listen(&mut runner, port);
    match next_event(&mut rx).await {
        CallbackEvent::NotListening { port: p, why } => {
            assert_eq!(p, port);
            assert!(why.contains("already listening"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    drop(taken);
    listen(&mut runner, port);
    assert!(matches!(next_event(&mut rx).await, CallbackEvent::Listening { port: p } if p == port));
    runner.run(Effect::StopListening);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
        assert!(tokio::time::Instant::now() < deadline, "the port is freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `r` on the hand-off screen stops the old listener and asks for the same fixed port at
/// once, while the old one may still hold it for a moment (its task lets go asynchronously).
/// Held here for 300 ms on purpose, so the test depends on the listener waiting for the port
/// rather than on which task the scheduler happens to run first.
#[tokio::test(flavor = "multi_thread")]
async fn starting_again_on_the_same_fixed_port_listens_again() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = held.local_addr().expect("addr").port();
    let (mut runner, mut rx) = runner();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(held);
    });
    listen(&mut runner, port);
    match next_event(&mut rx).await {
        CallbackEvent::Listening { port: p } => assert_eq!(p, port),
        other => panic!("{other:?}"),
    }
    release.join().expect("released");
    let redirect = runner.callback_redirect_url().expect("a redirect URL");
    let r = reqwest::get(format!("{redirect}&rotating_token_nonce=rtn_again"))
        .await
        .expect("answered");
    assert_eq!(r.status(), 200);
    match next_event(&mut rx).await {
        CallbackEvent::Returned(Returned::Nonce(n)) => assert_eq!(n.expose_secret(), "rtn_again"),
        other => panic!("{other:?}"),
    }
}

/// An instance that refused the address with `?state=` gets the bare one: the listener then
/// has no state to check, so it passes on each plausible callback (the app believes only
/// what Clerk accepts) and stays open for the real one after a forged one.
#[tokio::test(flavor = "multi_thread")]
async fn a_bare_callback_address_passes_each_callback_on_and_stays_open() {
    let (mut runner, mut rx, port) = listening().await;
    // The hand-off's create, sent with the bare address (its answer is of no interest here).
    runner.run(Effect::Call {
        epoch: 7,
        call: Call::CreateRedirectSignIn {
            strategy: clerk_tui::fapi::Strategy::Oauth("mock".into()),
            redirect: Redirect::BareCallback,
        },
    });
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for (query, nonce) in [
        ("rotating_token_nonce=rtn_forged", "rtn_forged"),
        (
            "rotating_token_nonce=rtn_real&created_session_id=sess_1",
            "rtn_real",
        ),
    ] {
        let r = http
            .get(format!("{base}/callback?{query}"))
            .send()
            .await
            .expect("answered");
        assert_eq!(r.status(), 200, "{query}");
        match next_event(&mut rx).await {
            CallbackEvent::Returned(Returned::Nonce(n)) => assert_eq!(n.expose_secret(), nonce),
            other => panic!("{query}: {other:?}"),
        }
    }
    // Still only GETs of the callback path with something in them, from loopback.
    let elsewhere = format!("{base}/elsewhere?rotating_token_nonce=x");
    let other = http.get(elsewhere).send().await.expect("answered");
    assert_eq!(other.status(), 400);
    assert!(
        matches!(next_event(&mut rx).await, CallbackEvent::Ignored(w) if w.contains("another path"))
    );
}
