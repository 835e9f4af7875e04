//! Test-side contract check: validates JSON response bodies against the response schema of the
//! matching operation in Clerk's official Frontend API description (`fapi-2026-05-12.yml`), so
//! the embedded server and the recorded fixtures are held to the same contract as real Clerk.

mod convert;
mod paths;
pub mod recorded;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use serde_json::{Map, Value, json};

use paths::Template;

pub use super::data::SPEC_FILE;
/// Error messages quote the offending instance; whole Client objects would drown the report.
const MESSAGE_LIMIT: usize = 400;

static SPEC: OnceLock<Spec> = OnceLock::new();
static VALIDATED: AtomicUsize = AtomicUsize::new(0);

/// Cheap handle to the parsed, converted spec, shared by every test in the process.
#[derive(Clone, Copy)]
pub struct OpenApi {
    spec: &'static Spec,
}

struct Spec {
    paths: Vec<(Template, Map<String, Value>)>,
    responses: Map<String, Value>,
    defs: Value,
    compiled: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// Why a body was not accepted. Only `Mismatch` says anything about the body itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    UnknownOperation,
    NoSchema,
    InvalidSchema,
    Mismatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer into the body ("" is the whole body).
    pub pointer: String,
    /// Where in the compiled schema the failing keyword sits.
    pub schema_path: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct SchemaErrors {
    /// `METHOD /concrete/path -> status`, plus the template and response key once known.
    pub operation: String,
    pub failure: Failure,
    pub errors: Vec<SchemaError>,
}

impl SchemaErrors {
    fn single(operation: String, failure: Failure, message: String) -> SchemaErrors {
        let error = SchemaError {
            pointer: String::new(),
            schema_path: String::new(),
            message,
        };
        SchemaErrors {
            operation,
            failure,
            errors: vec![error],
        }
    }

    pub fn pointers(&self) -> Vec<&str> {
        self.errors.iter().map(|e| e.pointer.as_str()).collect()
    }
}

impl fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.failure {
            Failure::UnknownOperation => "unknown operation",
            Failure::NoSchema => "no response schema",
            Failure::InvalidSchema => "schema does not compile",
            Failure::Mismatch => "body does not match the schema",
        };
        write!(
            f,
            "{}: {what}, {} error(s)",
            self.operation,
            self.errors.len()
        )?;
        for error in &self.errors {
            let pointer = if error.pointer.is_empty() {
                "(body)"
            } else {
                &error.pointer
            };
            write!(f, "\n  at {pointer}: {}", error.message)?;
            if !error.schema_path.is_empty() {
                write!(f, " [schema {}]", error.schema_path)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for SchemaErrors {}

impl OpenApi {
    /// Parses the spec once per process. Panics (tests only) if the file is missing or broken.
    pub fn load() -> OpenApi {
        OpenApi {
            spec: SPEC.get_or_init(Spec::load),
        }
    }

    /// The directory holding the spec and `recorded/` (vendored in the repository).
    pub fn clerk_dir() -> PathBuf {
        super::data::clerk_dir()
    }

    /// Number of bodies that passed validation so far in this process.
    pub fn validated_count() -> usize {
        VALIDATED.load(Ordering::Relaxed)
    }

    /// Checks `body` against the `application/json` schema of the response `status` of the
    /// operation `method path`. Unknown operations and schema-less responses are errors too,
    /// so a caller can never mistake "nothing to check" for "checked".
    pub fn validate(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), SchemaErrors> {
        let method = method.to_ascii_lowercase();
        let label = format!("{} {path} -> {status}", method.to_ascii_uppercase());
        let (template, operation) = self.spec.operation(&method, path).map_err(|message| {
            SchemaErrors::single(label.clone(), Failure::UnknownOperation, message)
        })?;
        let label = format!("{label} ({template})");
        let (key, schema) = self
            .spec
            .response_schema(operation, status)
            .map_err(|message| SchemaErrors::single(label.clone(), Failure::NoSchema, message))?;
        let label = format!("{label} response {key}");
        let cache_key = format!("{method} {template} {key}");
        let validator = self.spec.validator(&cache_key, schema).map_err(|message| {
            SchemaErrors::single(label.clone(), Failure::InvalidSchema, message)
        })?;
        let errors: Vec<SchemaError> = validator
            .iter_errors(body)
            .map(|error| SchemaError {
                pointer: error.instance_path().to_string(),
                schema_path: error.schema_path().to_string(),
                message: truncate(error.to_string()),
            })
            .collect();
        if errors.is_empty() {
            VALIDATED.fetch_add(1, Ordering::Relaxed);
            Ok(())
        } else {
            Err(SchemaErrors {
                operation: label,
                failure: Failure::Mismatch,
                errors,
            })
        }
    }
}

impl Spec {
    fn load() -> Spec {
        let file = OpenApi::clerk_dir().join(SPEC_FILE);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let doc: Value = yaml_serde::from_str(&text)
            .unwrap_or_else(|e| panic!("cannot parse {} as YAML: {e}", file.display()));
        let section = |pointer: &str| match doc.pointer(pointer) {
            Some(Value::Object(map)) => map.clone(),
            _ => panic!("{} has no {pointer} map", file.display()),
        };
        let mut refs = Vec::new();
        let mut defs = Map::new();
        for (name, schema) in section("/components/schemas") {
            let converted = convert::schema(&schema, &mut refs)
                .unwrap_or_else(|e| panic!("components/schemas/{name}: {e}"));
            defs.insert(name, converted);
        }
        let responses = section("/components/responses");
        // Inline response schemas may reference components too; check those names as well.
        for response in responses.values() {
            if let Some(schema) = json_schema_of(response) {
                convert::schema(schema, &mut refs)
                    .unwrap_or_else(|e| panic!("components/responses: {e}"));
            }
        }
        let dangling: Vec<&String> = refs
            .iter()
            .filter(|name| !defs.contains_key(*name))
            .collect();
        assert!(
            dangling.is_empty(),
            "{SPEC_FILE} references missing schemas {dangling:?}"
        );
        let paths = section("/paths")
            .into_iter()
            .filter_map(|(raw, item)| match item {
                Value::Object(item) => Some((Template::parse(&raw), item)),
                _ => None,
            })
            .collect();
        Spec {
            paths,
            responses,
            defs: Value::Object(defs),
            compiled: Mutex::new(HashMap::new()),
        }
    }

    fn operation(&self, method: &str, path: &str) -> Result<(&str, &Value), String> {
        // Path items also hold `parameters`, `summary`, ...; only these keys are operations.
        const METHODS: &[&str] = &[
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        if !METHODS.contains(&method) {
            return Err(format!("{method} is not an HTTP method"));
        }
        let concrete = paths::concrete_segments(path);
        let matching: Vec<&(Template, Map<String, Value>)> = self
            .paths
            .iter()
            .filter(|(template, _)| template.matches(&concrete))
            .collect();
        let best = matching
            .iter()
            .filter_map(|(template, item)| item.get(method).map(|op| (template, op)))
            .max_by_key(|(template, _)| template.precedence());
        match best {
            Some((template, op)) => Ok((template.raw.as_str(), op)),
            None if matching.is_empty() => {
                Err(format!("no path template in {SPEC_FILE} matches {path}"))
            }
            None => {
                let names: Vec<&str> = matching.iter().map(|(t, _)| t.raw.as_str()).collect();
                Err(format!(
                    "{names:?} match {path} but define no {method} operation"
                ))
            }
        }
    }

    /// Exact status, then its `2XX` range, then `default` - the OpenAPI precedence.
    fn response_schema<'a>(
        &'a self,
        operation: &'a Value,
        status: u16,
    ) -> Result<(String, &'a Value), String> {
        let Some(Value::Object(responses)) = operation.get("responses") else {
            return Err("operation declares no responses".into());
        };
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let (key, response) = [
            exact.as_str(),
            range.as_str(),
            &range.to_lowercase(),
            "default",
        ]
        .into_iter()
        .find_map(|key| responses.get(key).map(|r| (key.to_owned(), r)))
        .ok_or_else(|| {
            let known: Vec<&String> = responses.keys().collect();
            format!("status {status} is not declared (declared: {known:?})")
        })?;
        let response = self.resolve_response(response)?;
        json_schema_of(response)
            .map(|schema| (key.clone(), schema))
            .ok_or_else(|| format!("response {key} has no application/json schema"))
    }

    fn resolve_response<'a>(&'a self, mut response: &'a Value) -> Result<&'a Value, String> {
        for _ in 0..8 {
            let Some(target) = response.get("$ref").and_then(Value::as_str) else {
                return Ok(response);
            };
            let name = target
                .strip_prefix("#/components/responses/")
                .ok_or_else(|| format!("unsupported response $ref {target}"))?;
            response = self
                .responses
                .get(name)
                .ok_or_else(|| format!("missing components/responses/{name}"))?;
        }
        Err("response $ref chain too long".into())
    }

    fn validator(
        &self,
        cache_key: &str,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, String> {
        let mut compiled = self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(validator) = compiled.get(cache_key) {
            return Ok(Arc::clone(validator));
        }
        let converted = convert::schema(schema, &mut Vec::new())?;
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": self.defs,
            "allOf": [converted],
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema for {cache_key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        compiled.insert(cache_key.to_owned(), Arc::clone(&validator));
        Ok(validator)
    }
}

fn json_schema_of(response: &Value) -> Option<&Value> {
    let Some(Value::Object(content)) = response.get("content") else {
        return None;
    };
    content
        .iter()
        .find(|(media, _)| media.starts_with("application/json") || media.ends_with("+json"))
        .and_then(|(_, media)| media.get("schema"))
}

fn truncate(mut message: String) -> String {
    if message.chars().count() > MESSAGE_LIMIT {
        message = message.chars().take(MESSAGE_LIMIT).collect::<String>() + "...";
    }
    message
}
