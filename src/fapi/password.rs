//! Checking a new password against the instance's `password_settings` before sending it, the
//! way Clerk's own components do, so a form can list every unmet rule while the user types.

use std::fmt;

use super::models::PasswordSettings;

/// Clerk never accepts fewer than 8 characters, whatever the settings say.
pub const MIN_PASSWORD_FLOOR: usize = 8;
/// bcrypt's limit: Clerk caps every maximum at 72.
pub const MAX_PASSWORD_CEILING: usize = 72;
/// The special characters when the instance does not list its own (ASCII punctuation).
pub const DEFAULT_SPECIAL_CHARACTERS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// One unmet password rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordRule {
    TooShort { min: usize },
    TooLong { max: usize },
    MissingUppercase,
    MissingLowercase,
    MissingNumber,
    MissingSpecialCharacter { allowed: String },
}

impl PasswordRule {
    /// Clerk's name for the setting behind this rule.
    pub fn setting(&self) -> &'static str {
        match self {
            PasswordRule::TooShort { .. } => "min_length",
            PasswordRule::TooLong { .. } => "max_length",
            PasswordRule::MissingUppercase => "require_uppercase",
            PasswordRule::MissingLowercase => "require_lowercase",
            PasswordRule::MissingNumber => "require_numbers",
            PasswordRule::MissingSpecialCharacter { .. } => "require_special_char",
        }
    }
}

impl fmt::Display for PasswordRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordRule::TooShort { min } => write!(f, "Use at least {min} characters"),
            PasswordRule::TooLong { max } => write!(f, "Use at most {max} characters"),
            PasswordRule::MissingUppercase => f.write_str("Add an uppercase letter (A-Z)"),
            PasswordRule::MissingLowercase => f.write_str("Add a lowercase letter (a-z)"),
            PasswordRule::MissingNumber => f.write_str("Add a number (0-9)"),
            PasswordRule::MissingSpecialCharacter { allowed } => {
                write!(f, "Add a special character ({allowed})")
            }
        }
    }
}

/// `(min, max)` length after Clerk's clamping: min at least 8, max 72 when unset and never
/// above 72.
pub fn password_length_bounds(settings: &PasswordSettings) -> (usize, usize) {
    let min = (settings.min_length.max(0) as usize).max(MIN_PASSWORD_FLOOR);
    let max = match settings.max_length.max(0) as usize {
        0 => MAX_PASSWORD_CEILING,
        n => n.min(MAX_PASSWORD_CEILING),
    };
    (min, max)
}

/// Every rule `password` breaks, in a stable order (empty = acceptable).
pub fn validate_password(password: &str, settings: &PasswordSettings) -> Vec<PasswordRule> {
    let (min, max) = password_length_bounds(settings);
    let length = password.chars().count();
    let mut failed = Vec::new();
    if length < min {
        failed.push(PasswordRule::TooShort { min });
    }
    if length > max {
        failed.push(PasswordRule::TooLong { max });
    }
    if settings.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
        failed.push(PasswordRule::MissingUppercase);
    }
    if settings.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
        failed.push(PasswordRule::MissingLowercase);
    }
    if settings.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        failed.push(PasswordRule::MissingNumber);
    }
    if settings.require_special_char {
        let allowed = special_characters(settings);
        if !password.chars().any(|c| allowed.contains(c)) {
            failed.push(PasswordRule::MissingSpecialCharacter {
                allowed: allowed.to_owned(),
            });
        }
    }
    failed
}

fn special_characters(settings: &PasswordSettings) -> &str {
    match settings.allowed_special_characters.as_str() {
        "" => DEFAULT_SPECIAL_CHARACTERS,
        own => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(json: serde_json::Value) -> PasswordSettings {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn lengths_are_clamped_like_clerk() {
        let s = settings(serde_json::json!({"min_length": 0, "max_length": 0}));
        assert_eq!(password_length_bounds(&s), (8, 72));
        let s = settings(serde_json::json!({"min_length": 12, "max_length": 100}));
        assert_eq!(password_length_bounds(&s), (12, 72));
        let s = settings(serde_json::json!({"min_length": 4, "max_length": 20}));
        assert_eq!(password_length_bounds(&s), (8, 20));
    }

    #[test]
    fn reports_every_failing_rule() {
        let s = settings(serde_json::json!({
            "min_length": 10, "max_length": 0,
            "require_uppercase": true, "require_lowercase": true,
            "require_numbers": true, "require_special_char": true,
            "allowed_special_characters": "!?"
        }));
        assert_eq!(
            validate_password("", &s),
            vec![
                PasswordRule::TooShort { min: 10 },
                PasswordRule::MissingUppercase,
                PasswordRule::MissingLowercase,
                PasswordRule::MissingNumber,
                PasswordRule::MissingSpecialCharacter {
                    allowed: "!?".into()
                },
            ]
        );
        // '#' is punctuation but not in this instance's list.
        assert_eq!(
            validate_password("Abcdefgh1#", &s),
            vec![PasswordRule::MissingSpecialCharacter {
                allowed: "!?".into()
            }]
        );
        assert!(validate_password("Abcdefgh1?", &s).is_empty());
        let long = format!("Aa1!{}", "x".repeat(70));
        assert_eq!(
            validate_password(&long, &s),
            vec![PasswordRule::TooLong { max: 72 }]
        );
    }

    #[test]
    fn unrequired_rules_are_not_checked_and_default_specials_apply() {
        let s = settings(serde_json::json!({"min_length": 8}));
        assert!(validate_password("abcdefgh", &s).is_empty());
        let s = settings(serde_json::json!({"require_special_char": true}));
        assert!(validate_password("abcdefg~", &s).is_empty());
        let rules = validate_password("abcdefgh", &s);
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].setting(), "require_special_char");
        assert!(rules[0].to_string().starts_with("Add a special character"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let s = settings(serde_json::json!({}));
        assert!(validate_password("ééééééé", &s).contains(&PasswordRule::TooShort { min: 8 }));
        assert!(validate_password("éééééééé", &s).is_empty());
    }
}
