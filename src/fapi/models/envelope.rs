//! The `{response, client}` envelope most Frontend API calls answer with, and the bare
//! deleted-object shape. The piggy-backed client may sit at `client` or at `meta.client`.

use serde::{Deserialize, Serialize};

use super::Client;
use super::de::lenient;

/// Where older/other endpoints put the piggy-backed client.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EnvelopeMeta {
    #[serde(default, deserialize_with = "lenient")]
    pub client: Option<Client>,
}

/// A response wrapped as `{"response": T, "client": Client}`.
///
/// `response` is parsed strictly (a body of the wrong shape is an error the caller reports);
/// the piggy-backed client is parsed leniently because it is only a cache refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    #[serde(default = "none")]
    pub response: Option<T>,
    #[serde(default, deserialize_with = "lenient")]
    pub client: Option<Client>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub meta: Option<EnvelopeMeta>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            response: None,
            client: None,
            meta: None,
        }
    }
}

impl<T> Envelope<T> {
    pub fn new(response: T, client: Option<Client>) -> Self {
        Envelope {
            response: Some(response),
            client,
            meta: None,
        }
    }

    /// The client that came along with the response, from `client` or else `meta.client`.
    pub fn piggybacked_client(&self) -> Option<&Client> {
        self.client
            .as_ref()
            .or_else(|| self.meta.as_ref()?.client.as_ref())
    }

    /// Split into the response and the piggy-backed client (same precedence as above).
    pub fn into_parts(self) -> (Option<T>, Option<Client>) {
        let client = self.client.or(self.meta.and_then(|m| m.client));
        (self.response, client)
    }
}

/// What a DELETE answers with (`{object, id, deleted: true}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeletedObject {
    #[serde(default, deserialize_with = "lenient")]
    pub object: String,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub deleted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fapi::SignIn;

    #[test]
    fn client_comes_from_either_place() {
        let top: Envelope<SignIn> =
            serde_json::from_str(r#"{"response":{"id":"sia_1"},"client":{"id":"client_top"}}"#)
                .unwrap();
        assert_eq!(top.piggybacked_client().unwrap().id, "client_top");

        let meta: Envelope<SignIn> = serde_json::from_str(
            r#"{"response":{"id":"sia_1"},"client":null,"meta":{"client":{"id":"client_meta"}}}"#,
        )
        .unwrap();
        assert_eq!(meta.piggybacked_client().unwrap().id, "client_meta");
        let (response, client) = meta.into_parts();
        assert_eq!(response.unwrap().id, "sia_1");
        assert_eq!(client.unwrap().id, "client_meta");
    }

    #[test]
    fn empty_and_null_envelopes() {
        let e: Envelope<SignIn> =
            serde_json::from_str(r#"{"response":null,"client":null}"#).unwrap();
        assert_eq!(e, Envelope::default());
        let e: Envelope<SignIn> = serde_json::from_str("{}").unwrap();
        assert!(e.response.is_none() && e.piggybacked_client().is_none());
    }

    #[test]
    fn wrong_response_shape_is_an_error() {
        assert!(serde_json::from_str::<Envelope<SignIn>>(r#"{"response":"nope"}"#).is_err());
    }

    #[test]
    fn deleted_object_parses() {
        let d: DeletedObject =
            serde_json::from_str(r#"{"object":"totp","id":null,"deleted":true}"#).unwrap();
        assert!(d.deleted && d.id.is_none());
        assert_eq!(d.object, "totp");
    }
}
