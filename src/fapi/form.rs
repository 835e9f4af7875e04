//! The `application/x-www-form-urlencoded` body every non-GET Frontend API call sends:
//! snake_case keys, absent values omitted, booleans as `true`/`false`. Secrets are exposed only
//! here, into buffers that are wiped when the form is dropped.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

#[derive(Default)]
pub(crate) struct Form {
    fields: Vec<(&'static str, Zeroizing<String>)>,
}

impl Form {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn field(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((key, Zeroizing::new(value.into())));
        self
    }

    pub(crate) fn opt(self, key: &'static str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    pub(crate) fn opt_bool(self, key: &'static str, value: Option<bool>) -> Self {
        match value {
            Some(v) => self.field(key, if v { "true" } else { "false" }),
            None => self,
        }
    }

    pub(crate) fn secret(self, key: &'static str, value: Option<&SecretString>) -> Self {
        match value {
            Some(v) => self.field(key, v.expose_secret()),
            None => self,
        }
    }

    /// The encoded body, wiped on drop like the fields.
    pub(crate) fn encode(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.fields {
            serializer.append_pair(key, value);
        }
        let mut encoded = serializer.finish();
        out.push_str(&encoded);
        zeroize::Zeroize::zeroize(&mut encoded);
        out
    }

    #[cfg(test)]
    pub(crate) fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(k, _)| *k).collect()
    }
}

impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values may be passwords or codes.
        f.debug_list()
            .entries(self.fields.iter().map(|(k, _)| k))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omits_absent_values_and_encodes_bools() {
        let form = Form::new()
            .field("strategy", "password")
            .opt("identifier", Some("a+b@example.com"))
            .opt("redirect_url", None)
            .opt_bool("transfer", Some(true))
            .opt_bool("sign_out_of_other_sessions", Some(false))
            .secret("password", Some(&SecretString::from("p&ss w=rd")));
        assert_eq!(
            form.encode().as_str(),
            "strategy=password&identifier=a%2Bb%40example.com&transfer=true\
             &sign_out_of_other_sessions=false&password=p%26ss+w%3Drd"
        );
    }

    #[test]
    fn debug_never_shows_values() {
        let form = Form::new().secret("code", Some(&SecretString::from("424242")));
        let dbg = format!("{form:?}");
        assert!(dbg.contains("code"));
        assert!(!dbg.contains("424242"));
        assert_eq!(form.keys(), vec!["code"]);
    }
}
