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
        let chars: Vec<char> = id.chars().collect();
        let keep_head = 2.min(chars.len());
        let keep_tail = 4.min(chars.len() - keep_head);
        let hidden = chars.len() - keep_head - keep_tail;
        let mut out: String = chars[..keep_head].iter().collect();
        out.push_str(&"*".repeat(hidden));
        out.extend(&chars[chars.len() - keep_tail..]);
        return out;
    }
    let first: String = id.chars().take(1).collect();
    format!("{first}***")
}

#[cfg(test)]
mod tests {
    use super::mask_identifier;

    #[test]
    fn masks_email_phone_and_username() {
        assert_eq!(mask_identifier("jane@example.com"), "j***@example.com");
        assert_eq!(mask_identifier("+15555550100"), "+1******0100");
        assert_eq!(mask_identifier("operator"), "o***");
        assert_eq!(mask_identifier(""), "***");
    }
}
