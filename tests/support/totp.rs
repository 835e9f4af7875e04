//! TOTP codes as an authenticator app computes them (RFC 6238: SHA-1, 6 digits, 30 s steps, the
//! parameters Clerk uses), so tests can answer the server's TOTP challenge.

/// The code for a base32 secret at this moment.
pub fn totp_now(secret: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    totp_at(secret, now)
}

/// The code for a base32 secret at `unix_seconds`.
pub fn totp_at(secret: &str, unix_seconds: u64) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret)
        .expect("base32 secret")
        .as_bytes()
        .to_vec();
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(bytes)
        .build_noncompliant()
        .generate(unix_seconds)
        .to_string()
}
