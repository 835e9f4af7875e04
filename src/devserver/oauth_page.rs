//! The mock OAuth provider's pages: the consent page (one "Continue as …" form per account, an
//! identifier field, a cancel button) and the closing pages for every outcome.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::model::UserRec;

const PAGE: &str = include_str!("../../assets/email_link.html");

/// How a visit to the consent page ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Verified,
    Denied,
    /// The provider's account has no user here.
    Transferable,
    Expired,
    Used,
    Invalid,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The closing page for an outcome (200 for a finished sign-in, 400 otherwise).
pub fn result(outcome: Outcome) -> Response {
    let (status, mark, title, message) = match outcome {
        Outcome::Verified => (
            "verified",
            "&#10003;",
            "Signed in at the provider",
            "Go back to your terminal. If it does not continue by itself, copy this page's address into it: the address carries a one-time code that finishes the sign-in there.",
        ),
        Outcome::Transferable => (
            "transferable",
            "&#8505;",
            "No account for this sign-in",
            "The provider's account has no user in this application. Go back to your terminal: it says what you can do.",
        ),
        Outcome::Denied => (
            "failed",
            "&#10007;",
            "Sign-in cancelled",
            "You refused the sign-in. You can close this page; the terminal says what happened.",
        ),
        Outcome::Expired => (
            "expired",
            "&#8987;",
            "This sign-in request has expired",
            "It was not finished in time. Go back to your terminal and start the sign-in again.",
        ),
        Outcome::Used => (
            "failed",
            "&#10007;",
            "This sign-in request was already used",
            "Each request works once. Go back to your terminal; start again there if it is not signed in.",
        ),
        Outcome::Invalid => (
            "failed",
            "&#10007;",
            "This sign-in request cannot be used",
            "It is unknown, damaged or replaced by a newer one. Go back to your terminal and start again.",
        ),
    };
    let code = if outcome == Outcome::Verified {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let html = PAGE
        .replace("{{STATUS}}", status)
        .replace("{{MARK}}", mark)
        .replace("{{TITLE}}", title)
        .replace("{{MESSAGE}}", message);
    (code, Html(html)).into_response()
}

fn label(u: &UserRec) -> String {
    let name = [u.first_name.as_deref(), u.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let ident = u.display_identifier();
    if name.is_empty() {
        ident
    } else {
        format!("{name} ({ident})")
    }
}

/// The consent page: which account the mock provider vouches for, or how it ends instead.
pub fn consent(
    provider: &str,
    state: &str,
    token: &str,
    users: &[UserRec],
    any_account: bool,
) -> String {
    render(provider, state, token, users, any_account, None)
}

/// The consent page again, with why the last choice did not work.
pub fn consent_with_error(
    provider: &str,
    state: &str,
    token: &str,
    users: &[UserRec],
    any_account: bool,
    error: &str,
) -> String {
    render(provider, state, token, users, any_account, Some(error))
}

/// `token` is the page's own CSRF token, posted back with every choice.
fn render(
    provider: &str,
    state: &str,
    token: &str,
    users: &[UserRec],
    any_account: bool,
    error: Option<&str>,
) -> String {
    let action = format!("/__dev/oauth/c/{}", esc(state));
    let csrf = format!("<input type=hidden name=csrf value=\"{}\">", esc(token));
    let mut html = String::from(
        "<!doctype html><html lang=en><head><meta charset=utf-8>\
         <meta name=viewport content=\"width=device-width, initial-scale=1\">\
         <title>{{PROVIDER}} - sign in</title><style>\
         body{font-family:system-ui,sans-serif;background:#f6f6f8;color:#151515;margin:0;\
         display:flex;justify-content:center}main{background:#fff;border-radius:12px;\
         box-shadow:0 2px 12px rgba(0,0,0,.12);padding:2rem 2.5rem;margin:2rem;max-width:32rem}\
         form{margin:.5rem 0}button{font-size:1rem;padding:.5rem 1rem;width:100%;cursor:pointer}\
         input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box;margin:.3rem 0}\
         .error{color:#b42318}small{color:#888}</style></head><body><main>\
         <h1>{{PROVIDER}}</h1>\
         <p>An application asks to sign you in with your {{PROVIDER}} account. \
         Choose the account to continue as.</p>",
    )
    .replace("{{PROVIDER}}", &esc(provider));
    if let Some(e) = error {
        html.push_str(&format!("<p class=error role=alert>Error: {}</p>", esc(e)));
    }
    for u in users {
        html.push_str(&format!(
            "<form method=post action=\"{action}\">{csrf}\
             <input type=hidden name=user_id value=\"{}\">\
             <button type=submit>Continue as {}</button></form>",
            esc(&u.id),
            esc(&label(u))
        ));
    }
    if any_account {
        html.push_str(&format!(
            "<form method=post action=\"{action}\">{csrf}\
             <label for=identifier>Or the email address, phone number or username of an account</label>\
             <input id=identifier name=identifier autocomplete=username>\
             <button type=submit>Continue</button></form>"
        ));
    }
    html.push_str(&format!(
        "<h2>Or end the sign-in another way</h2>\
         <form method=post action=\"{action}\">{csrf}\
         <button type=submit name=outcome value=transferable>Continue with a provider account \
         that has no user here</button></form>\
         <form method=post action=\"{action}\">{csrf}\
         <button type=submit name=deny value=1>Cancel (the provider reports access denied)</button></form>\
         <small>clerk-tui development server &middot; a mock provider, not a real one</small>\
         </main></body></html>"
    ));
    html
}
