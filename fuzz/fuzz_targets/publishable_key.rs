//! Arbitrary text as a publishable key (it comes from the command line, the environment or a
//! config file): parsing must never panic, and a key that parses must name a usable host.
#![no_main]

use clerk_tui::fapi::{FapiClient, MemoryTokenStore, PublishableKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = PublishableKey::parse(text) {
        let url = key.frontend_api_url();
        assert!(url.starts_with("https://"), "{url}");
        assert!(!key.host().is_empty());
        let again = PublishableKey::parse(key.as_str()).expect("a parsed key parses again");
        assert_eq!(again.host(), key.host());
        let _ = key.instance_type().as_str();
        // The host a key names must be one a key could be built for, and a client for it
        // must set up or refuse with an error (never panic).
        assert!(
            PublishableKey::for_host(key.host(), key.is_production()).is_ok(),
            "parsed a key whose host {:?} no key could be made for",
            key.host()
        );
        let store = std::sync::Arc::new(MemoryTokenStore::new());
        let _ = FapiClient::new(&key, store);
    }
});
