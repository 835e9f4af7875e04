//! Reading a session token (JWT) for display: header and claims decoded without verification
//! (verification against the JWKS is a separate step), and its expiry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// A JWT split into its decoded header and claims.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: Value,
    pub claims: Value,
}

/// Decode a compact JWT's header and claims; `None` if it is not one.
pub fn decode_jwt(jwt: &str) -> Option<DecodedJwt> {
    let mut parts = jwt.trim().split('.');
    let (h, c, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let part = |s: &str| -> Option<Value> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    };
    Some(DecodedJwt {
        header: part(h)?,
        claims: part(c)?,
    })
}

/// The token's `exp` claim in ms since the epoch; `None` when it has none or one that does not
/// fit in milliseconds (a hostile `exp` must not wrap round to a time long past).
pub fn jwt_expiry_ms(jwt: &str) -> Option<i64> {
    decode_jwt(jwt)?
        .claims
        .get("exp")?
        .as_i64()?
        .checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_too_large_for_milliseconds_is_no_expiry() {
        assert_eq!(jwt_expiry_ms(&jwt(r#"{"exp":9223372036854776}"#)), None);
        assert_eq!(jwt_expiry_ms(&jwt(r#"{"exp":-9223372036854776}"#)), None);
        assert_eq!(
            jwt_expiry_ms(&jwt(r#"{"exp":9223372036854775}"#)),
            Some(9_223_372_036_854_775_000)
        );
    }

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k1"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn decodes_claims_and_expiry() {
        let t = jwt(r#"{"sub":"user_1","exp":1700000060}"#);
        let d = decode_jwt(&t).expect("decodes");
        assert_eq!(d.header["kid"], "k1");
        assert_eq!(d.claims["sub"], "user_1");
        assert_eq!(jwt_expiry_ms(&t), Some(1_700_000_060_000));
    }

    #[test]
    fn rejects_what_is_not_a_jwt() {
        assert_eq!(
            decode_jwt("e30=.e30=.e30="),
            Some(DecodedJwt {
                header: serde_json::json!({}),
                claims: serde_json::json!({})
            })
        );
        assert!(decode_jwt("not a jwt").is_none());
        assert!(decode_jwt("a.b.c.d").is_none());
        assert!(jwt_expiry_ms("e30.e30.x").is_none());
    }
}
