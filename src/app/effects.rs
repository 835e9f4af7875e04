//! Runs `Effect`s: the only place in the app that spawns tasks. Each call runs on tokio and its
//! result returns as an `Action` on the one channel, tagged with the epoch that asked for it.
//! The sign-in poller (email link, hand-offs) is one cancellable task with backoff.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::fapi::{FapiClient, FapiError, SignIn};

use super::effects_account as account;
use super::effects_callback::{self as callback, Listener};
use super::effects_sign_in as sign_in;
use super::{Action, Call, Effect, Failure, OutboxEntry, Reply, SignInReply};

pub use super::effects_browser::{display_available, ssh_host};

/// How often the poller asks, and the longest it backs off to after errors.
const POLL_EVERY: Duration = Duration::from_secs(1);
const POLL_MAX_BACKOFF: Duration = Duration::from_secs(8);

pub struct EffectRunner {
    client: Arc<FapiClient>,
    tx: UnboundedSender<Action>,
    poller: Option<CancellationToken>,
    outbox_watch: Option<CancellationToken>,
    /// The hand-off's loopback callback listener, with the state its redirect URL carries.
    callback: Option<Listener>,
    /// Where an email link or OAuth hand-off sends the browser afterwards, if configured.
    redirect_url: Option<String>,
    /// Whether a client token came from the store, read before any call could rotate or clear
    /// it; said once, with the first client load (`None` once said).
    stored_token: Option<bool>,
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl EffectRunner {
    pub fn new(
        client: Arc<FapiClient>,
        tx: UnboundedSender<Action>,
        redirect_url: Option<String>,
    ) -> Self {
        EffectRunner {
            stored_token: Some(client.has_client_token()),
            client,
            tx,
            poller: None,
            outbox_watch: None,
            callback: None,
            redirect_url,
        }
    }

    pub fn client(&self) -> &Arc<FapiClient> {
        &self.client
    }

    /// The redirect URL of the listening hand-off callback (address and state), if one runs.
    pub fn callback_redirect_url(&self) -> Option<String> {
        self.callback.as_ref().map(Listener::redirect_url)
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Call { epoch, call } => {
                let call = callback::resolve(call, self.callback.as_ref());
                if matches!(call, Call::LoadClient)
                    && let Some(had) = self.stored_token.take()
                {
                    // Before the load's own result, on the same channel: the app can then tell
                    // a resumed run whose session ended from a first run.
                    let _ = self.tx.send(Action::StoredClientToken(had));
                }
                let client = Arc::clone(&self.client);
                let tx = self.tx.clone();
                let redirect_url = self.redirect_url.clone();
                tokio::spawn(async move {
                    let reply = execute(&client, call, redirect_url.as_deref()).await;
                    let _ = tx.send(Action::Api { epoch, reply });
                });
            }
            Effect::StartPolling {
                epoch,
                sign_in_id,
                until_ms,
            } => {
                self.stop_polling();
                let token = CancellationToken::new();
                self.poller = Some(token.clone());
                let client = Arc::clone(&self.client);
                let tx = self.tx.clone();
                tokio::spawn(poll(client, tx, token, epoch, sign_in_id, until_ms));
            }
            Effect::WatchOutbox { base_url } => {
                if let Some(old) = self.outbox_watch.replace(CancellationToken::new()) {
                    old.cancel();
                }
                if let Some(token) = self.outbox_watch.clone() {
                    tokio::spawn(watch_outbox(self.tx.clone(), token, base_url));
                }
            }
            Effect::StopPolling => self.stop_polling(),
            Effect::ListenForCallback {
                epoch,
                port,
                until_ms,
            } => {
                self.stop_listening();
                let for_ms = until_ms.saturating_sub(now_ms()).max(0);
                let deadline = Duration::from_millis(u64::try_from(for_ms).unwrap_or(0));
                self.callback = Some(callback::listen(self.tx.clone(), epoch, port, deadline));
            }
            Effect::StopListening => self.stop_listening(),
            Effect::OpenBrowser { url } => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let error = super::effects_browser::open_browser(&url).await.err();
                    let _ = tx.send(Action::BrowserOpened(error));
                });
            }
            Effect::Quit => {
                self.stop_polling();
                self.stop_listening();
                if let Some(token) = self.outbox_watch.take() {
                    token.cancel();
                }
            }
        }
    }

    fn stop_polling(&mut self) {
        if let Some(token) = self.poller.take() {
            token.cancel();
        }
    }

    fn stop_listening(&mut self) {
        if let Some(listener) = self.callback.take() {
            listener.token.cancel();
        }
    }
}

impl Drop for EffectRunner {
    fn drop(&mut self) {
        self.stop_polling();
        self.stop_listening();
        if let Some(token) = self.outbox_watch.take() {
            token.cancel();
        }
    }
}

fn with_client(client: &FapiClient, sign_in: SignIn) -> SignInReply {
    SignInReply {
        sign_in: Box::new(sign_in),
        client: client.cached_client().map(Box::new),
    }
}

/// Make one call; its answer is the `Reply` variant of that call.
pub async fn execute(client: &FapiClient, call: Call, redirect_url: Option<&str>) -> Reply {
    let fail = |e: FapiError| Failure::from(&e);
    match call {
        Call::LoadEnvironment => {
            Reply::Environment(client.environment().await.map(Box::new).map_err(fail))
        }
        Call::LoadClient => Reply::Client(
            client
                .get_client()
                .await
                .map(|c| c.map(Box::new))
                .map_err(fail),
        ),
        Call::CreateSignIn {
            identifier,
            password,
        } => sign_in::create(client, identifier, password).await,
        Call::CreateTicketSignIn { ticket } => sign_in::ticket(client, ticket).await,
        Call::PrepareFirstFactor { sign_in_id, factor } => {
            sign_in::prepare_first(client, sign_in_id, &factor, redirect_url).await
        }
        Call::AttemptFirstFactor {
            sign_in_id,
            strategy,
            secret,
        } => sign_in::attempt_first(client, sign_in_id, strategy, secret).await,
        Call::PrepareSecondFactor { sign_in_id, factor } => {
            sign_in::prepare_second(client, sign_in_id, &factor, redirect_url).await
        }
        Call::AttemptSecondFactor {
            sign_in_id,
            strategy,
            code,
        } => sign_in::attempt_second(client, sign_in_id, strategy, code).await,
        Call::ResetPassword {
            sign_in_id,
            password,
            sign_out_of_other_sessions,
        } => {
            sign_in::reset_password(client, sign_in_id, password, sign_out_of_other_sessions).await
        }
        Call::CreateRedirectSignIn { strategy, redirect } => {
            sign_in::create_redirect(client, strategy, callback::target(redirect)).await
        }
        Call::PrepareHandOff {
            sign_in_id,
            factor,
            redirect,
        } => {
            sign_in::prepare_hand_off(client, sign_in_id, &factor, callback::target(redirect)).await
        }
        Call::RedeemNonce { sign_in_id, nonce } => {
            sign_in::redeem_nonce(client, sign_in_id, &nonce).await
        }
        Call::MintToken { session_id } => Reply::Token(
            client
                .create_session_token(&session_id, None)
                .await
                .map(|t| t.jwt)
                .map_err(fail),
        ),
        Call::SignOut { session_id } => Reply::SignOut(sign_out(client, session_id).await),
        Call::CreateTotp { session_id } => account::create_totp(client, session_id).await,
        Call::VerifyTotp { session_id, code } => {
            account::verify_totp(client, session_id, &code).await
        }
        Call::DeleteTotp { session_id } => account::delete_totp(client, session_id).await,
        Call::CreateBackupCodes { session_id } => {
            account::create_backup_codes(client, session_id).await
        }
        Call::LoadUser { session_id } => account::load_user(client, session_id).await,
        Call::TouchSession { session_id } => account::touch(client, session_id).await,
        Call::VerifyToken { jwt } => account::check_token(client, &jwt).await,
        Call::DemoTotp { base_url, user_id } => account::demo_totp(&base_url, &user_id).await,
        Call::ShiftClock { base_url, seconds } => account::shift_clock(&base_url, seconds).await,
    }
}

/// A failed sign-out still forgets the local token, so the next run does not resume a session
/// the user ended; the failure comes back so the screen can say what happened. Signing out of
/// every session forgets it even when the server agreed, as Clerk's Android SDK does
/// (`signout/SignOutService.kt` deletes `DEVICE_TOKEN` in `finally`): the next start then
/// begins afresh instead of telling of a "previous session" the user ended on purpose.
async fn sign_out(
    client: &FapiClient,
    session_id: Option<String>,
) -> Result<super::MaybeClient, Failure> {
    let all = session_id.is_none();
    let r = match session_id {
        Some(id) => client
            .remove_session(&id)
            .await
            .map(|_| client.cached_client()),
        None => client.destroy_client().await,
    };
    match r {
        Ok(_) if all => match client.forget_client() {
            Ok(()) => Ok(None),
            Err(store) => Err(Failure {
                kind: super::FailureKind::Setup,
                message: format!(
                    "Every session has ended, but the stored client token could not be removed: {store}"
                ),
                param_name: None,
                trace_id: None,
                session_id: None,
                client: None,
            }),
        },
        Ok(c) => Ok(c.map(Box::new)),
        Err(e) => {
            let mut failure = Failure::from(&e);
            if let Err(store) = client.forget_client() {
                failure.message = format!(
                    "{} (and the stored token could not be removed: {store})",
                    failure.message.trim_end_matches('.')
                );
            }
            Err(failure)
        }
    }
}

/// Reload the sign-in every second until cancelled or past `until_ms`; back off on errors.
async fn poll(
    client: Arc<FapiClient>,
    tx: UnboundedSender<Action>,
    token: CancellationToken,
    epoch: u64,
    sign_in_id: String,
    until_ms: i64,
) {
    let mut delay = POLL_EVERY;
    loop {
        tokio::select! {
            _ = token.cancelled() => return,
            _ = tokio::time::sleep(delay) => {}
        }
        // Past the deadline the server is asked once more, so an expiry it reports is seen
        // (and the screen says so) instead of the wait just going quiet.
        let last = now_ms() > until_ms;
        let result = client.reload_sign_in(&sign_in_id).await;
        if token.is_cancelled() {
            return;
        }
        delay = match &result {
            Ok(_) => POLL_EVERY,
            Err(_) => (delay * 2).min(POLL_MAX_BACKOFF),
        };
        let reply = Reply::Poll(
            result
                .map(|s| with_client(&client, s))
                .map_err(|e| Failure::from(&e)),
        );
        if tx.send(Action::Api { epoch, reply }).is_err() || last {
            return;
        }
    }
}

/// Follow the embedded server's outbox with its long-poll (`since` + `wait`), sending the whole
/// list, newest first, whenever something new arrives. Errors back off quietly: the pane is a
/// demo aid, never a reason to disturb the sign-in.
async fn watch_outbox(tx: UnboundedSender<Action>, token: CancellationToken, base_url: String) {
    let Ok(http) = reqwest::Client::builder()
        .timeout(Duration::from_secs(40))
        .build()
    else {
        return;
    };
    let base = base_url.trim_end_matches('/').to_string();
    let mut entries: Vec<OutboxEntry> = Vec::new();
    let mut since: Option<i64> = None;
    let mut backoff = Duration::from_secs(1);
    loop {
        let url = match since {
            None => format!("{base}/__dev/outbox"),
            Some(s) => format!("{base}/__dev/outbox?since={s}&wait=25"),
        };
        let fetched = tokio::select! {
            _ = token.cancelled() => return,
            r = fetch_outbox(&http, &url) => r,
        };
        match fetched {
            Some(new) => {
                backoff = Duration::from_secs(1);
                let before = entries.len();
                for entry in new {
                    if !entries.iter().any(|e| e.id == entry.id) {
                        entries.push(entry);
                    }
                }
                entries.sort_by_key(|e| std::cmp::Reverse(e.created_at));
                since = Some(entries.first().map_or(0, |e| e.created_at + 1));
                if entries.len() != before && tx.send(Action::Outbox(entries.clone())).is_err() {
                    return;
                }
            }
            None => {
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
}

async fn fetch_outbox(http: &reqwest::Client, url: &str) -> Option<Vec<OutboxEntry>> {
    let response = http.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json::<Vec<OutboxEntry>>().await.ok()
}
