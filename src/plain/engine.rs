//! The loop core both line-mode drivers share: the app, its effect runner and the one action
//! channel, plus what a front end may observe on the way past (the last failure, whether the
//! client has loaded) to know when to read and how to exit. No flow decisions are made here.

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use crate::app::effects::{EffectRunner, now_ms};
use crate::app::{Action, App, Failure, FailureKind, Reply, update};
use crate::cli::ExitStatus;

pub(crate) struct Engine {
    pub app: App,
    runner: EffectRunner,
    rx: UnboundedReceiver<Action>,
    /// Kept so the channel never closes while the loop waits on it.
    _tx: UnboundedSender<Action>,
    /// The first `GET /v1/client` answered (a stored session may resume).
    pub client_loaded: bool,
    /// The last failed call of the current flow that still stands.
    pub last_failure: Option<Failure>,
    /// The last thing that happened was a sign-out.
    pub signed_out: bool,
}

impl Engine {
    pub fn new(
        app: App,
        runner: EffectRunner,
        tx: UnboundedSender<Action>,
        rx: UnboundedReceiver<Action>,
    ) -> Self {
        Engine {
            app,
            runner,
            rx,
            _tx: tx,
            client_loaded: false,
            last_failure: None,
            signed_out: false,
        }
    }

    pub fn start(&mut self) {
        self.tick();
        self.dispatch(Action::Start);
    }

    pub fn tick(&mut self) {
        self.dispatch(Action::Tick { now_ms: now_ms() });
    }

    /// Hand one action to `update` and run what it asks for.
    pub fn dispatch(&mut self, action: Action) {
        self.observe(&action);
        for effect in update(&mut self.app, action) {
            self.runner.run(effect);
        }
        if self.app.signed_in.is_some() {
            self.signed_out = false;
        }
    }

    fn observe(&mut self, action: &Action) {
        match action {
            Action::Api { epoch, reply } if reply.is_environment() || *epoch == self.app.epoch => {
                if matches!(reply, Reply::Client(_)) {
                    self.client_loaded = true;
                }
                match reply.failure() {
                    // A poll that fails for a passing reason is retried by the poller.
                    Some(f) if matches!(reply, Reply::Poll(_)) && f.retryable() => {}
                    Some(f) => self.last_failure = Some(f.clone()),
                    None => {
                        if !matches!(reply, Reply::Environment(_) | Reply::Poll(_)) {
                            self.last_failure = None;
                        }
                        if matches!(reply, Reply::SignOut(Ok(_))) {
                            self.signed_out = true;
                        }
                    }
                }
            }
            Action::SubmitIdentifier { .. }
            | Action::SubmitTicket(_)
            | Action::SubmitPassword(_)
            | Action::SubmitCode(_)
            | Action::SubmitNewPassword { .. } => self.last_failure = None,
            _ => {}
        }
    }

    /// The next action from the channel (never `None` while the engine holds a sender).
    pub async fn recv(&mut self) -> Option<Action> {
        self.rx.recv().await
    }

    /// Everything else already waiting, so one state change prints once.
    pub fn drain(&mut self) {
        while let Ok(action) = self.rx.try_recv() {
            self.dispatch(action);
        }
    }

    /// Nothing in flight: the app is waiting for the user (or could only retry).
    pub fn ready(&self) -> bool {
        (!self.app.loading() || self.app.load_failed)
            && self.client_loaded
            && self.app.busy.is_none()
    }
}

/// How a failure ends a command, by the documented exit codes.
pub fn exit_status_for(failure: &Failure) -> ExitStatus {
    match &failure.kind {
        FailureKind::RateLimited { .. } | FailureKind::Locked { .. } => {
            ExitStatus::LockedOrRateLimited
        }
        FailureKind::Network | FailureKind::Timeout | FailureKind::BadResponse => {
            ExitStatus::Unreachable
        }
        FailureKind::Setup => ExitStatus::Usage,
        FailureKind::Api { status, code } => match code.as_str() {
            "user_locked" | "too_many_requests" => ExitStatus::LockedOrRateLimited,
            "form_password_incorrect"
            | "form_code_incorrect"
            | "form_identifier_not_found"
            | "form_password_pwned"
            | "form_password_validation_failed"
            | "verification_failed"
            | "verification_expired"
            | "strategy_for_user_invalid"
            | "not_allowed_access" => ExitStatus::WrongCredentials,
            _ if *status >= 500 => ExitStatus::Unreachable,
            _ => ExitStatus::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: &str) -> Failure {
        Failure {
            kind: FailureKind::Api {
                status,
                code: code.to_string(),
            },
            message: String::new(),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        }
    }

    #[test]
    fn failures_map_to_the_documented_exit_codes() {
        assert_eq!(
            exit_status_for(&api(422, "form_password_incorrect")).code(),
            4
        );
        assert_eq!(
            exit_status_for(&api(422, "form_identifier_not_found")).code(),
            4
        );
        assert_eq!(exit_status_for(&api(403, "user_locked")).code(), 5);
        assert_eq!(exit_status_for(&api(503, "whatever")).code(), 6);
        assert_eq!(
            exit_status_for(&api(400, "sign_in_status_invalid")).code(),
            1
        );
        let limited = Failure {
            kind: FailureKind::RateLimited {
                retry_after_secs: 3,
            },
            message: String::new(),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        };
        assert_eq!(exit_status_for(&limited).code(), 5);
        let down = Failure {
            kind: FailureKind::Network,
            message: String::new(),
            param_name: None,
            trace_id: None,
            session_id: None,
            client: None,
        };
        assert_eq!(exit_status_for(&down).code(), 6);
    }
}
