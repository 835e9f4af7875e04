//! A `pending` session's task in words. Clerk signs a user in with session tasks left to do
//! (`session.status == "pending"`, `tasks: [{key}]`); clerk-js keeps such a session as
//! `clerk.session` and sends the user to its task (`core/resources/Session.ts` `currentTask`;
//! `core/clerk.ts` `isSignedIn` is false only until the task is done), so both front ends keep
//! it signed in and say which task is left.

use crate::fapi::{Session, SessionStatus};

use super::clean::clean;

/// What the session still asks for, when it is `pending`: its current task (else its first),
/// named in words. Keys come with dashes (clerk-js) or underscores (Clerk's Android SDK).
pub fn session_task(session: &Session) -> Option<String> {
    if session.status != SessionStatus::Pending {
        return None;
    }
    let key = session
        .current_task
        .as_ref()
        .or_else(|| session.tasks.first())
        .map(|t| t.key.trim().replace('_', "-"));
    Some(match key.as_deref() {
        Some("choose-organization") => "choose an organization".to_string(),
        Some("reset-password") => "set a new password".to_string(),
        Some("setup-mfa") => "set up two-step verification".to_string(),
        Some("") | None => "a task Clerk did not name".to_string(),
        Some(other) => format!("a task this app does not know ({})", clean(other)),
    })
}

/// The sentence both front ends show for a pending session.
pub fn session_task_sentence(session: &Session) -> Option<String> {
    session_task(session).map(|task| {
        format!(
            "Signed in, with a task left: {task}. Finish it in the application's own pages; \
             until then the session is pending."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session as Clerk sends it in a client (`tasks` and `current_task`, status `pending`).
    fn session(json: serde_json::Value) -> Session {
        serde_json::from_value(json).expect("a session")
    }

    #[test]
    fn a_pending_session_names_its_task() {
        let pending = session(serde_json::json!({
            "object": "session", "id": "sess_1", "status": "pending",
            "tasks": [{"key": "choose-organization"}],
            "current_task": {"key": "choose-organization"},
            "expire_at": 1_764_400_000_000_i64, "abandon_at": 1_766_400_000_000_i64,
            "last_active_token": null, "user": null
        }));
        assert_eq!(
            session_task(&pending).as_deref(),
            Some("choose an organization")
        );
        let mfa = session(serde_json::json!({
            "object": "session", "id": "sess_2", "status": "pending",
            "tasks": [{"key": "setup_mfa"}]
        }));
        assert_eq!(
            session_task(&mfa).as_deref(),
            Some("set up two-step verification")
        );
        let odd = session(serde_json::json!({
            "object": "session", "id": "sess_3", "status": "pending",
            "tasks": [{"key": "sign\u{202e}-terms"}]
        }));
        let odd = session_task(&odd).unwrap_or_default();
        assert!(
            odd.starts_with("a task this app does not know (sign") && !odd.contains('\u{202e}'),
            "{odd}"
        );
        let active = session(serde_json::json!({
            "object": "session", "id": "sess_4", "status": "active", "tasks": []
        }));
        assert_eq!(session_task(&active), None);
        assert!(
            session_task_sentence(&pending).is_some_and(|s| s.contains("choose an organization"))
        );
    }
}
