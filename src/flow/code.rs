//! How a typed one-time code is read: people paste codes as they are shown ("123 456",
//! "123-456", "123–456"), and backup codes keep their letters.

/// The code without the spaces and dashes it was pasted with.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—')))
        .collect()
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::normalize_code;

    #[rstest]
    #[case(" 123-456 ", "123456")]
    #[case("123 456", "123456")]
    #[case("123\t456\n", "123456")]
    #[case("123‐456", "123456")]
    #[case("123–456", "123456")]
    #[case("123—456", "123456")]
    #[case("backup01", "backup01")]
    #[case("ab_cd", "ab_cd")]
    fn pasted_codes_lose_spaces_and_dashes(#[case] typed: &str, #[case] code: &str) {
        assert_eq!(normalize_code(typed), code);
    }
}
