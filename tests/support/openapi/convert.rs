//! Turns OpenAPI 3.0 schema objects into JSON Schema draft 2020-12 that the `jsonschema` crate
//! evaluates faithfully: component refs become local `$defs` refs (so recursive schemas such as
//! SignIn <-> Client stay finite) and 3.0-only keywords are translated or dropped.

use serde_json::{Map, Value};

/// Where converted component schemas live inside every compiled root schema.
pub(super) const DEFS_PREFIX: &str = "#/$defs/";
const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// Keywords that only annotate (docs, codegen hints) or that 2020-12 would misread.
/// `discriminator` is dropped because `oneOf` already decides; `readOnly`/`writeOnly` because
/// the spec marks nothing write-only and they never constrain a response body.
const DROPPED: &[&str] = &[
    "description",
    "example",
    "examples",
    "discriminator",
    "readOnly",
    "writeOnly",
    "deprecated",
    "externalDocs",
    "xml",
    "title",
    "nullable",
];

/// Converts one schema. `refs` collects every component name referenced so the loader can
/// reject dangling references up front instead of failing at validation time.
pub(super) fn schema(input: &Value, refs: &mut Vec<String>) -> Result<Value, String> {
    let Value::Object(obj) = input else {
        // Boolean schemas are already valid JSON Schema.
        return Ok(input.clone());
    };
    let mut out = Map::new();
    for (key, value) in obj {
        if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "$ref" => Value::String(reference(value, refs)?),
            "properties" | "patternProperties" => schema_map(value, refs)?,
            "items" | "additionalProperties" | "not" => schema(value, refs)?,
            "allOf" | "oneOf" | "anyOf" => schema_list(key, value, refs)?,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        return Ok(nullable(out));
    }
    Ok(Value::Object(out))
}

/// OpenAPI 3.0 `nullable: true` means "null, or whatever the rest says" - including when the
/// rest is an `enum`, an `allOf` of a non-nullable `$ref`, or a `$ref` with a sibling
/// `nullable`. `if null / else rest` states exactly that, and unlike `anyOf` it reports a
/// non-null mismatch with the inner schema's own precise errors and pointers.
fn nullable(rest: Map<String, Value>) -> Value {
    let mut wrapper = Map::new();
    wrapper.insert("if".into(), serde_json::json!({ "type": "null" }));
    wrapper.insert("else".into(), Value::Object(rest));
    Value::Object(wrapper)
}

fn reference(value: &Value, refs: &mut Vec<String>) -> Result<String, String> {
    let Some(target) = value.as_str() else {
        return Err(format!("$ref is not a string: {value}"));
    };
    let Some(name) = target.strip_prefix(COMPONENT_SCHEMAS) else {
        return Err(format!("$ref outside components/schemas: {target}"));
    };
    refs.push(name.to_owned());
    Ok(format!("{DEFS_PREFIX}{}", pointer_token(name)))
}

/// Escapes a component name as one JSON-pointer token inside a URI fragment.
pub(super) fn pointer_token(name: &str) -> String {
    name.replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25")
        .replace(' ', "%20")
}

fn schema_map(value: &Value, refs: &mut Vec<String>) -> Result<Value, String> {
    let Value::Object(members) = value else {
        return Err(format!("expected a map of schemas, got {value}"));
    };
    let mut out = Map::new();
    for (name, member) in members {
        out.insert(name.clone(), schema(member, refs)?);
    }
    Ok(Value::Object(out))
}

fn schema_list(key: &str, value: &Value, refs: &mut Vec<String>) -> Result<Value, String> {
    let Value::Array(items) = value else {
        return Err(format!("{key} is not a list: {value}"));
    };
    items
        .iter()
        .map(|item| schema(item, refs))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}
