//! Forgiving field deserializers: a newer Clerk server may add, drop, null out or retype fields,
//! and none of that may break parsing of the object around them.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

/// Absent, `null` or wrongly typed values become `T::default()`.
///
/// Used on every optional-in-practice field (lists, bools, nested settings), so that one odd
/// field costs that field only, never the whole SignIn or Environment.
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = Value::deserialize(deserializer)?;
    if value.is_null() {
        return Ok(T::default());
    }
    Ok(T::deserialize(value).unwrap_or_default())
}

/// Lists: absent, `null` or not-a-list reads as empty, and an element that does not fit is
/// dropped instead of emptying the whole list (one odd factor must not hide the others).
pub(crate) fn lenient_vec<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| T::deserialize(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// Integers (timestamps, counters) that might arrive as floats or numeric strings; anything
/// else is treated as absent.
pub(crate) fn lenient_i64<'de, D>(deserializer: D) -> Result<Option<i64>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    Ok(number_from(&value))
}

/// Like [`lenient_i64`] for counters where absent means zero.
pub(crate) fn lenient_count<'de, D>(deserializer: D) -> Result<i64, D::Error>
where
    D: Deserializer<'de>,
{
    lenient_i64(deserializer).map(Option::unwrap_or_default)
}

/// The raw wire string of an enum-like value: `null` reads as "", a non-string keeps its JSON
/// text, so an odd value lands in `Unknown(..)` instead of failing the object.
pub(crate) fn wire_string<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

fn number_from(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(float_to_i64)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().and_then(float_to_i64))
        }
        _ => None,
    }
}

fn float_to_i64(f: f64) -> Option<i64> {
    // i64::MAX as f64 rounds up to 2^63, so the upper bound must be exclusive.
    (f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default, Debug, PartialEq)]
    struct Probe {
        #[serde(default, deserialize_with = "lenient_vec")]
        list: Vec<String>,
        #[serde(default, deserialize_with = "lenient")]
        flag: bool,
        #[serde(default, deserialize_with = "lenient_i64")]
        at: Option<i64>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn null_and_missing_become_defaults() {
        assert_eq!(
            probe(r#"{"list":null,"flag":null,"at":null}"#),
            Probe::default()
        );
        assert_eq!(probe("{}"), Probe::default());
    }

    #[test]
    fn wrong_types_do_not_fail_the_object() {
        let p = probe(r#"{"list":"oops","flag":"yes","at":{"ms":1}}"#);
        assert_eq!(p, Probe::default());
    }

    #[test]
    fn a_bad_list_element_costs_only_itself() {
        assert_eq!(probe(r#"{"list":["a",5,"b",null]}"#).list, ["a", "b"]);
    }

    #[test]
    fn numbers_in_other_clothes_are_read() {
        assert_eq!(probe(r#"{"at":1700000000000}"#).at, Some(1_700_000_000_000));
        assert_eq!(
            probe(r#"{"at":1700000000000.0}"#).at,
            Some(1_700_000_000_000)
        );
        assert_eq!(probe(r#"{"at":" 42 "}"#).at, Some(42));
        assert_eq!(probe(r#"{"at":"2026-01-01T00:00:00Z"}"#).at, None);
        assert_eq!(probe(r#"{"at":1e300}"#).at, None);
    }
}
