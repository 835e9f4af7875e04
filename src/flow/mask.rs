//! Masking of identifiers the client typed itself (the server masks its own as
//! `safe_identifier`); used in plain sentences such as "A code was sent to j***@example.com".

/// `jane@example.com` -> `j***@example.com`; `+15555550100` -> `+1******0100`; else `j***`.
pub fn mask_identifier(identifier: &str) -> String {
    let id = identifier.trim();
    if let Some((local, domain)) = id.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits = id.chars().filter(|c| c.is_ascii_digit()).count();
    if id.starts_with('+') && digits >= 7 {
        // Long enough that the country code's first digit and the last four can show.
        let chars: Vec<char> = id.chars().collect();
        let mut out: String = chars[..2].iter().collect();
        out.push_str(&"*".repeat(chars.len() - 6));
        out.extend(&chars[chars.len() - 4..]);
        return out;
    }
    let first: String = id.chars().take(1).collect();
    format!("{first}***")
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::mask_identifier;

    #[rstest]
    #[case("jane@example.com", "j***@example.com")]
    #[case(" jane@example.com ", "j***@example.com")]
    #[case("@example.com", "***@example.com")]
    #[case("+15555550100", "+1******0100")]
    #[case("+1234567", "+1**4567")]
    #[case("+123456", "+***")]
    #[case("15555550100", "1***")]
    #[case("operator", "o***")]
    #[case("", "***")]
    fn masks_email_phone_and_username(#[case] identifier: &str, #[case] masked: &str) {
        assert_eq!(mask_identifier(identifier), masked);
    }
}
