//! Typed request parameters: `Params<T>` decodes a form body (what Clerk's SDKs send) or a JSON
//! object into `T`, `Query<T>` the query string, with Clerk's error shape for a missing field
//! (`form_param_missing`), a malformed one (`form_param_format_invalid`) or a value this
//! emulator does not implement (`form_param_value_invalid`, e.g. an unknown strategy).

use std::collections::HashMap;

use axum::body::{Bytes, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::de::{self, DeserializeOwned, IntoDeserializer, MapAccess, Visitor};
use serde_json::Value;
use zeroize::Zeroize;

use super::errors::ApiError;
use super::http::{BODY_LIMIT, is_json, query_pairs};

/// The request body (form or JSON object) as `T`. Unknown fields are ignored (SDKs send extras
/// such as `_method` or `locale`); blank values count as absent, as Clerk treats them.
pub struct Params<T>(pub T);

/// The query string as `T`, with the same rules as [`Params`].
pub struct Query<T>(pub T);

/// A `/__dev/` JSON body as `T` (an empty body is `T::default()`), refused in Clerk's error
/// shape when too large or not JSON.
pub struct DevJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for DevJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = to_bytes(req.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| ApiError::body_too_large())?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(DevJson(T::default()));
        }
        serde_json::from_slice(&bytes)
            .map(DevJson)
            .map_err(|e| ApiError::format_invalid("body", &format!("Invalid JSON body: {e}")))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, BODY_LIMIT)
            .await
            .map_err(|_| ApiError::body_too_large())?;
        let mut pairs = body_pairs(&parts.headers, &bytes)?;
        let out = from_pairs(&pairs);
        wipe(&mut pairs);
        out.map(Params)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let mut map = HashMap::new();
        for (k, v) in query_pairs(parts.uri.query()) {
            map.entry(k).or_insert(v);
        }
        from_pairs(&map).map(Query)
    }
}

/// Bodies carry passwords and codes: the decoded copies are wiped once `T` holds them.
fn wipe(pairs: &mut HashMap<String, String>) {
    for v in pairs.values_mut() {
        v.zeroize();
    }
}

fn json_pairs(v: Value) -> Result<HashMap<String, String>, ApiError> {
    let Value::Object(map) = v else {
        return Err(ApiError::format_invalid(
            "body",
            "The JSON body must be an object.",
        ));
    };
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

/// A body as name/value pairs (first value of a repeated name wins).
pub fn body_pairs(headers: &HeaderMap, bytes: &Bytes) -> Result<HashMap<String, String>, ApiError> {
    if bytes.is_empty() {
        return Ok(HashMap::new());
    }
    if is_json(headers) {
        let v: Value = serde_json::from_slice(bytes)
            .map_err(|_| ApiError::format_invalid("body", "The request body is not valid JSON."))?;
        return json_pairs(v);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::format_invalid("body", "The request body is not valid UTF-8."))?;
    let mut form = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        if k.is_empty() {
            return Err(ApiError::format_invalid(
                "body",
                "The form body has a field without a name.",
            ));
        }
        if v.contains('\u{FFFD}') {
            return Err(ApiError::format_invalid(
                &k,
                "The form field is not valid percent-encoded UTF-8.",
            ));
        }
        form.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    Ok(form)
}

/// Decodes `T` from name/value pairs.
pub fn from_pairs<T: DeserializeOwned>(pairs: &HashMap<String, String>) -> Result<T, ApiError> {
    let fields = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>();
    T::deserialize(PairsDe {
        fields: fields.into_iter(),
        current: None,
    })
    .map_err(ParamError::into_api)
}

/// A decoding failure: already an API error, or a message still to be tied to its field.
#[derive(Debug)]
enum ParamError {
    Api(ApiError),
    Value(String),
}

impl ParamError {
    fn into_api(self) -> ApiError {
        match self {
            ParamError::Api(e) => e,
            ParamError::Value(m) => ApiError::format_invalid("body", &m),
        }
    }
    fn for_field(self, name: &str) -> Self {
        match self {
            ParamError::Value(m) => ParamError::Api(ApiError::value_invalid(name, &m)),
            api => api,
        }
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamError::Api(e) => f.write_str(&e.long_message),
            ParamError::Value(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ParamError {}

impl de::Error for ParamError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        ParamError::Value(msg.to_string())
    }
    fn missing_field(field: &'static str) -> Self {
        ParamError::Api(ApiError::missing(field))
    }
    fn unknown_variant(variant: &str, _expected: &'static [&'static str]) -> Self {
        ParamError::Value(format!("{variant} is not a value this instance supports."))
    }
}

struct PairsDe<'a, I: Iterator<Item = (&'a str, &'a str)>> {
    fields: I,
    current: Option<(&'a str, &'a str)>,
}

impl<'de, 'a, I: Iterator<Item = (&'a str, &'a str)>> de::Deserializer<'de> for PairsDe<'a, I> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, 'a, I: Iterator<Item = (&'a str, &'a str)>> MapAccess<'de> for PairsDe<'a, I> {
    type Error = ParamError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ParamError> {
        let Some((k, v)) = self.fields.next() else {
            return Ok(None);
        };
        self.current = Some((k, v));
        seed.deserialize(de::value::StrDeserializer::<ParamError>::new(k))
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ParamError> {
        let (name, value) = self.current.take().unwrap_or(("body", ""));
        seed.deserialize(FieldDe { name, value })
            .map_err(|e| e.for_field(name))
    }
}

/// One field's text, read as whatever type the parameter struct asks for.
struct FieldDe<'a> {
    name: &'a str,
    value: &'a str,
}

impl<'a> FieldDe<'a> {
    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, ParamError> {
        self.value.parse().map_err(|_| {
            ParamError::Api(ApiError::format_invalid(
                self.name,
                &format!("{} must be {what}.", self.name),
            ))
        })
    }
}

impl<'de, 'a> de::Deserializer<'de> for FieldDe<'a> {
    type Error = ParamError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_string(self.value.to_string())
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        match self.value {
            "true" | "1" => visitor.visit_bool(true),
            "false" | "0" => visitor.visit_bool(false),
            _ => Err(ParamError::Api(ApiError::format_invalid(
                self.name,
                &format!("{} must be true or false.", self.name),
            ))),
        }
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_i64(self.parse("a whole number")?)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_u64(self.parse("a whole number")?)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_f64(self.parse("a number")?)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParamError> {
        visitor.visit_enum(IntoDeserializer::<ParamError>::into_deserializer(
            self.value,
        ))
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParamError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i128 u8 u16 u32 u128 f32 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devserver::wire::Strategy;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Attempt {
        strategy: Strategy,
        code: Option<String>,
        #[serde(default)]
        flag: bool,
    }

    fn pairs(kv: &[(&str, &str)]) -> HashMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn decodes_typed_fields_and_ignores_extras() {
        let a: Attempt = from_pairs(&pairs(&[
            ("strategy", "email_code"),
            ("code", " 123456 "),
            ("flag", "1"),
            ("_method", "PATCH"),
        ]))
        .expect("decodes");
        assert_eq!(a.strategy, Strategy::EmailCode);
        assert_eq!(a.code.as_deref(), Some("123456"));
        assert!(a.flag);
        let blank: Attempt =
            from_pairs(&pairs(&[("strategy", "totp"), ("code", "  ")])).expect("decodes");
        assert_eq!(blank.code, None);
    }

    #[test]
    fn errors_have_clerks_codes_and_name_the_field() {
        let missing = from_pairs::<Attempt>(&pairs(&[("code", "1")])).expect_err("missing");
        assert_eq!(
            (missing.status.as_u16(), missing.code),
            (422, "form_param_missing")
        );
        assert_eq!(missing.meta["param_name"], "strategy");
        let unknown =
            from_pairs::<Attempt>(&pairs(&[("strategy", "oauth_nowhere")])).expect_err("unknown");
        assert_eq!(
            (unknown.status.as_u16(), unknown.code),
            (422, "form_param_value_invalid")
        );
        assert_eq!(unknown.meta["param_name"], "strategy");
        let bad_bool = from_pairs::<Attempt>(&pairs(&[("strategy", "totp"), ("flag", "maybe")]))
            .expect_err("bad bool");
        assert_eq!(
            (bad_bool.status.as_u16(), bad_bool.code),
            (400, "form_param_format_invalid")
        );
    }
}
