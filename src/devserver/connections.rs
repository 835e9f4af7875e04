//! The seed's mock enterprise connections (`[[enterprise_connections]]`) and which one a user
//! signs in through: data only, read by the seed, the sign-in renderer and `sso.rs`.

use serde::Deserialize;

use super::model::{EmailRec, UserRec};

/// A mock enterprise connection.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseConnection {
    /// `ent_…`, as Clerk's ids.
    pub id: String,
    pub name: String,
    /// Email domains whose users sign in through this connection.
    pub domains: Vec<String>,
}

/// The connection a user signs in through, and the email address that puts them there.
pub fn connection_for<'a, 'u>(
    connections: &'a [EnterpriseConnection],
    user: &'u UserRec,
) -> Option<(&'a EnterpriseConnection, &'u EmailRec)> {
    user.emails.iter().find_map(|e| {
        let domain = e.email.rsplit_once('@')?.1;
        connections
            .iter()
            .find(|c| c.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
            .map(|c| (c, e))
    })
}
