//! Matches a concrete request path (`/v1/client/sign_ins/sia_1/attempt_first_factor?x=1`)
//! against the spec's path templates (`/v1/client/sign_ins/{sign_in_id}/attempt_first_factor`).
//! The spec writes every template with its `/v1` prefix and its server URL has no path.

/// One piece of a template segment: literal text or a `{param}` (non-empty, no `/`).
#[derive(Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Param,
}

#[derive(Debug)]
pub(super) struct Template {
    pub(super) raw: String,
    segments: Vec<Vec<Part>>,
}

impl Template {
    pub(super) fn parse(raw: &str) -> Template {
        let segments = split(raw).into_iter().map(parse_segment).collect();
        Template {
            raw: raw.to_owned(),
            segments,
        }
    }

    pub(super) fn matches(&self, concrete: &[&str]) -> bool {
        self.segments.len() == concrete.len()
            && self
                .segments
                .iter()
                .zip(concrete)
                .all(|(parts, segment)| match_parts(parts, segment))
    }

    /// Router-style precedence: a literal segment beats a parameter at the first position
    /// where two matching templates differ, so `/v1/me/sessions/active` wins over
    /// `/v1/me/sessions/{session_id}`.
    pub(super) fn precedence(&self) -> Vec<bool> {
        self.segments
            .iter()
            .map(|parts| parts.iter().all(|part| matches!(part, Part::Literal(_))))
            .collect()
    }
}

/// Reduces what a caller may pass (full URL, query string, fragment) to path segments.
pub(super) fn concrete_segments(path: &str) -> Vec<&str> {
    let without_origin = ["https://", "http://"]
        .iter()
        .find_map(|scheme| path.strip_prefix(scheme))
        .map_or(path, |rest| rest.find('/').map_or("/", |at| &rest[at..]));
    let end = without_origin
        .find(['?', '#'])
        .unwrap_or(without_origin.len());
    split(&without_origin[..end])
}

fn split(path: &str) -> Vec<&str> {
    path.strip_prefix('/').unwrap_or(path).split('/').collect()
}

fn parse_segment(segment: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(Part::Literal(rest[..open].to_owned()));
        }
        parts.push(Part::Param);
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Literal(rest.to_owned()));
    }
    parts
}

fn match_parts(parts: &[Part], segment: &str) -> bool {
    match parts.split_first() {
        None => segment.is_empty(),
        Some((Part::Literal(text), rest)) => segment
            .strip_prefix(text.as_str())
            .is_some_and(|tail| match_parts(rest, tail)),
        // A parameter takes at least one character; try every split so `{id}.xml` works.
        Some((Part::Param, rest)) => segment
            .char_indices()
            .skip(1)
            .map(|(at, _)| at)
            .chain(std::iter::once(segment.len()))
            .filter(|&at| at > 0)
            .any(|at| match_parts(rest, &segment[at..])),
    }
}
