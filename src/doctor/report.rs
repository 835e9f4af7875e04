//! What `clerk-tui doctor` reports: one `Check` per finding (pass, warn or fail, with the fix
//! when it is not a pass), rendered as sentences for people or as one JSON object for scripts.

use serde::Serialize;

use crate::cli::ExitStatus;

/// How a check came out. Only `Fail` changes the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One finding: a stable `name` for scripts, a one-line `summary`, supporting `details`, and
/// for a warning or failure the `fix` a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub summary: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn pass(name: &'static str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Pass, summary)
    }
    pub fn warn(name: &'static str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Warn, summary)
    }
    pub fn fail(name: &'static str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, summary)
    }
    fn new(name: &'static str, status: Status, summary: impl Into<String>) -> Self {
        Check {
            name,
            status,
            summary: summary.into(),
            details: Vec::new(),
            fix: None,
        }
    }
    pub fn detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// Every check of one `doctor` run, in the order they were made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.count(Status::Fail)
    }
    pub fn warned(&self) -> usize {
        self.count(Status::Warn)
    }
    fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// 0 when nothing failed (warnings included), 1 when any check failed.
    pub fn exit_status(&self) -> ExitStatus {
        if self.failed() > 0 {
            ExitStatus::Other
        } else {
            ExitStatus::Success
        }
    }

    pub fn get(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// `{"ok": bool, "failed": n, "warned": n, "checks": [...]}`. Summaries and details quote
    /// the server (provider and application names, error text): every string is cleaned.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "ok": self.failed() == 0,
            "failed": self.failed(),
            "warned": self.warned(),
            "checks": self.checks,
        });
        crate::flow::clean_json(&mut value);
        value
    }

    /// Plain text: status words in brackets (colour never carries the meaning alone), details
    /// indented, the fix on its own `Fix:` line, a one-line verdict at the end.
    pub fn to_text(&self, colour: bool) -> String {
        let mut out = String::new();
        for check in &self.checks {
            let word = format!("[{}]", check.status.as_str().to_uppercase());
            let word = if colour {
                let code = match check.status {
                    Status::Pass => "32",
                    Status::Warn => "33",
                    Status::Fail => "1;31",
                };
                format!("\x1b[{code}m{word}\x1b[0m")
            } else {
                word
            };
            let clean = crate::flow::clean;
            out.push_str(&format!(
                "{word} {}: {}\n",
                check.name,
                clean(&check.summary)
            ));
            for line in &check.details {
                out.push_str(&format!("       {}\n", clean(line)));
            }
            if let Some(fix) = &check.fix {
                out.push_str(&format!("       Fix: {}\n", clean(fix)));
            }
        }
        out.push_str(&match (self.failed(), self.warned()) {
            (0, 0) => "All checks passed.\n".to_owned(),
            (0, w) => format!("No check failed; {w} warning(s).\n"),
            (f, w) => format!("{f} check(s) failed, {w} warning(s). Exit status 1.\n"),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            checks: vec![
                Check::pass("a", "fine"),
                Check::warn("b", "meh").detail("more").fix("do x"),
            ],
        }
    }

    #[test]
    fn warnings_do_not_fail_but_a_failure_does() {
        let mut r = report();
        assert_eq!(r.exit_status(), ExitStatus::Success);
        assert!(
            r.to_text(false)
                .ends_with("No check failed; 1 warning(s).\n")
        );
        r.checks.push(Check::fail("c", "broken").fix("repair"));
        assert_eq!(r.exit_status().code(), 1);
        let text = r.to_text(false);
        assert!(
            text.contains("[FAIL] c: broken\n       Fix: repair\n"),
            "{text}"
        );
        assert!(text.contains("1 check(s) failed"), "{text}");
        assert_eq!(r.to_json()["ok"], false);
    }

    #[test]
    fn json_carries_status_words_and_omits_empty_fields() {
        let json = report().to_json();
        assert_eq!(json["ok"], true);
        assert_eq!(json["checks"][0]["status"], "pass");
        assert!(json["checks"][0].get("fix").is_none());
        assert_eq!(json["checks"][1]["fix"], "do x");
        assert_eq!(json["checks"][1]["details"][0], "more");
    }

    #[test]
    fn colour_wraps_only_the_status_word() {
        let text = report().to_text(true);
        assert!(text.starts_with("\x1b[32m[PASS]\x1b[0m a: fine"), "{text}");
    }
}
