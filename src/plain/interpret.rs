//! `interpret`: one typed line, read against the current state, becomes the `Action`s the
//! full-screen app would send for the same intent. Pure; the flow itself lives in `app::update`.

use secrecy::SecretString;

use crate::app::{Action, App};
use crate::fapi::Strategy;
use crate::flow::{Method, Stage, Step, normalize_code, terminal_support};

/// The actions a typed line stands for (empty: the line means nothing here).
pub fn interpret(app: &App, line: &str) -> Vec<Action> {
    let word = line.trim();
    if word == "q" {
        return vec![Action::Quit];
    }
    if app.loading() {
        return match word {
            "r" if app.load_failed => vec![Action::Retry],
            _ => Vec::new(),
        };
    }
    let retryable = app.notice.as_ref().is_some_and(|n| n.retryable);
    if word == "r" && retryable && !matches!(app.step(), Step::Complete { .. }) {
        return vec![Action::Retry];
    }
    match app.step() {
        Step::Identifier if word.is_empty() => Vec::new(),
        // A number picks a provider: no email, phone or username is one or two digits long.
        Step::Identifier if word.len() <= 2 && word.parse::<usize>().is_ok() => {
            let providers = crate::app::handoff::providers(app);
            match word.parse::<usize>() {
                Ok(i) if i >= 1 && i <= providers.len() => {
                    vec![Action::StartOAuth(providers[i - 1].0.clone())]
                }
                _ => Vec::new(),
            }
        }
        // A pasted `__clerk_ticket` link or bare ticket signs in by itself.
        Step::Identifier if crate::flow::ticket_from_pasted(word).is_some() => {
            crate::flow::ticket_from_pasted(word)
                .map(Action::SubmitTicket)
                .into_iter()
                .collect()
        }
        // Meant as a ticket but unusable: never sent on as someone's identifier.
        Step::Identifier if crate::flow::mentions_ticket(word) => Vec::new(),
        Step::Identifier => vec![Action::SubmitIdentifier {
            identifier: word.to_string(),
            password: None,
        }],
        Step::Factor(f) => {
            let strategy = f.strategy().clone();
            match word {
                "" => Vec::new(),
                "m" => vec![Action::ChooseAnotherMethod],
                "b" => vec![Action::Back],
                "f" if f.stage == Stage::First && has_password_reset(app) => {
                    vec![Action::ForgotPassword]
                }
                // A browser hand-off starts over as a new sign-in with the same provider.
                "r" if crate::app::handoff::is_hand_off(&strategy) => {
                    vec![Action::StartOAuth(strategy)]
                }
                "r" if can_send(&strategy) => vec![Action::SendCode],
                _ if strategy == Strategy::Password => {
                    vec![Action::SubmitPassword(secret(line_secret(line)))]
                }
                _ if strategy.is_code() => vec![Action::SubmitCode(secret(normalize_code(word)))],
                // Anything else on a hand-off is the address the browser ended on, or its nonce.
                _ if crate::app::handoff::is_hand_off(&strategy) => {
                    vec![Action::SubmitReturn(secret(word.to_string()))]
                }
                _ => Vec::new(),
            }
        }
        Step::ChooseFactor(stage) => match word {
            "b" => vec![Action::Back],
            n => match n.parse::<usize>() {
                Ok(i) if i >= 1 => method_choices(app, stage)
                    .get(i - 1)
                    .map(|m| vec![Action::PickFactor(m.factor.strategy.clone())])
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
        },
        Step::NoFactor(_) | Step::Unsupported { .. } => match word {
            "b" => vec![Action::Back],
            "m" => vec![Action::ChooseAnotherMethod],
            _ => Vec::new(),
        },
        Step::NewPassword => match word {
            "" => Vec::new(),
            "b" => vec![Action::Back],
            _ => vec![Action::SubmitNewPassword {
                password: secret(line_secret(line)),
                sign_out_of_other_sessions: true,
            }],
        },
        Step::Complete { .. } => match super::account::interpret(app, word) {
            Some(actions) => actions,
            None => complete_keys(word),
        },
    }
}

/// The signed-in keys that need no account task ('t' printing the token is the loop's).
fn complete_keys(word: &str) -> Vec<Action> {
    match word {
        "r" => vec![Action::RefreshToken],
        "s" => vec![Action::SignOut { all: false }],
        "S" => vec![Action::SignOut { all: true }],
        _ => Vec::new(),
    }
}

/// Whether the next line is a secret (password or code): read without echo on a terminal.
pub fn wants_secret(app: &App) -> bool {
    if app.loading() {
        return false;
    }
    match app.step() {
        Step::Complete { .. } => super::account::wants_secret(app),
        Step::Factor(f) => *f.strategy() == Strategy::Password || f.strategy().is_code(),
        Step::NewPassword => true,
        _ => false,
    }
}

/// The numbered "use another method" list of a stage (`flow`'s list, as the full screen shows).
pub fn method_choices(app: &App, stage: Stage) -> Vec<Method<'_>> {
    app.sign_in
        .as_ref()
        .map(|s| crate::flow::other_methods_here(stage.factors(s), app.email_link_same_client()))
        .unwrap_or_default()
}

/// The sign-in offers a reset-password strategy ("forgot password").
pub fn has_password_reset(app: &App) -> bool {
    app.offers_password_reset()
}

/// Strategies whose code, link or hand-off the server sends (so 'r' sends it again), among
/// those a terminal can finish.
pub fn can_send(strategy: &Strategy) -> bool {
    strategy.needs_prepare() && terminal_support(strategy).is_ok()
}

/// A password is taken as typed, only without the line ending.
fn line_secret(line: &str) -> String {
    line.trim_end_matches(['\r', '\n']).to_string()
}

fn secret(s: String) -> SecretString {
    SecretString::from(s)
}
