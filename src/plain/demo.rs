//! Sentences about the backend: which Frontend API this is, the embedded server's demo users,
//! and (embedded only) the codes and links its outbox holds for the current sign-in.

use crate::app::{App, Backend, OutboxEntry};

use super::words::clean;

pub(crate) fn backend_sentences(backend: &Backend) -> Vec<String> {
    match backend {
        Backend::Remote { base_url } => {
            vec![format!(
                "Connecting to the Clerk Frontend API at {}.",
                clean(base_url)
            )]
        }
        Backend::Embedded {
            base_url,
            seed_users,
        } => {
            let mut lines = vec![format!(
                "Using the embedded development server at {} (demo data; nothing leaves this machine).",
                clean(base_url)
            )];
            if !seed_users.is_empty() {
                lines.push("Demo users:".to_string());
            }
            for u in seed_users {
                let password = match &u.password {
                    Some(p) => format!(", password {}", clean(p)),
                    None => String::new(),
                };
                lines.push(format!(
                    "- {}{password}: {}.",
                    clean(&u.identifier),
                    clean(&u.demonstrates)
                ));
            }
            lines
        }
    }
}

/// The embedded server's outbox entries for the current sign-in, as sentences (dev mode only:
/// the emulator sends nothing anywhere, so this is how a demo gets its codes and links).
pub fn dev_outbox(app: &App) -> Vec<(&OutboxEntry, String)> {
    let (Backend::Embedded { .. }, Some(sign_in)) = (&app.backend, app.sign_in.as_ref()) else {
        return Vec::new();
    };
    app.outbox
        .iter()
        .rev()
        .filter(|e| e.sign_in_id.as_deref() == Some(sign_in.id.as_str()))
        .filter_map(|e| {
            let to = clean(&e.to);
            let sentence = match (&e.code, &e.link) {
                (Some(code), _) => {
                    format!("Development outbox: the code for {to} is {}.", clean(code))
                }
                (None, Some(link)) => {
                    format!("Development outbox: the link for {to} is {}", clean(link))
                }
                (None, None) => return None,
            };
            Some((e, sentence))
        })
        .collect()
}
