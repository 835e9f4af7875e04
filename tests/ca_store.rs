//! Real HTTPS trusts the system's CA store, whatever TLS features the build trims: the built
//! binary signs in over TLS to a server whose certificate comes from a throwaway test CA that
//! is trusted only through `SSL_CERT_FILE` (where Linux's CA store is read from), and refuses
//! the same server when that file names another CA.
//!
//! The TLS server is a loopback front end that hands the decrypted bytes to the emulator, so
//! the sign-in is a real one end to end. And the embedded emulator (plain http on loopback)
//! needs no CA store at all: a bare server or container may have none.

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use support::server::{Background, PASSWORD};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority made for this test only (no system trusts it by default).
fn test_ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().expect("CA key");
    CertifiedIssuer::self_signed(params, key).expect("CA certificate")
}

/// A TLS front end on loopback for `backend`, its certificate (for `127.0.0.1`) issued by
/// `ca`; counts the handshakes that succeeded (a refused certificate never gets that far).
struct TlsFront {
    addr: SocketAddr,
    handshakes: Arc<AtomicUsize>,
}

fn tls_front(
    bg: &Background,
    ca: &CertifiedIssuer<'static, KeyPair>,
    backend: SocketAddr,
) -> TlsFront {
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .expect("leaf params")
        .signed_by(&leaf_key, ca)
        .expect("leaf certificate");
    let chain = vec![leaf.der().clone(), CertificateDer::from(ca.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server certificate");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = bg
        .rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    bg.rt.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, counted) = (acceptor.clone(), counted.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    TlsFront { addr, handshakes }
}

/// `clerk-tui sign-in` as a demo user against `https://{addr}` (with no address: the
/// embedded emulator), in a clean environment with `SSL_CERT_FILE` set to `ca_file` and
/// `SSL_CERT_DIR` to a directory without certificates.
fn sign_in(addr: Option<SocketAddr>, ca_file: &Path, empty_dir: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clerk-tui"));
    cmd.arg("--no-store");
    if let Some(addr) = addr {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{addr}$"));
        cmd.args(["--publishable-key", &format!("pk_test_{encoded}")]);
    }
    let out = cmd
        .args([
            "sign-in",
            "--identifier",
            "ada@example.com",
            "--password-env",
            "PW",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PW", PASSWORD)
        .env("SSL_CERT_FILE", ca_file)
        .env("SSL_CERT_DIR", empty_dir)
        .stdin(Stdio::null())
        .output();
    out.unwrap_or_else(|e| panic!("run clerk-tui: {e}"))
}

fn said(o: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_embedded_emulator_needs_no_ca_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let no_certs = dir.path().join("no-certs.pem");
    std::fs::write(&no_certs, "").expect("empty CA file");
    let out = sign_in(None, &no_certs, dir.path());
    assert_eq!(out.status.code(), Some(0), "signed in: {}", said(&out));
}

#[test]
fn https_trusts_the_ca_in_the_system_store_and_only_that() {
    let bg = Background::start();
    let ca = test_ca("clerk-tui test CA");
    let front = tls_front(&bg, &ca, bg.handle().addr());
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("no-certs");
    std::fs::create_dir(&empty).expect("empty dir");
    let trusted = dir.path().join("trusted.pem");
    std::fs::write(&trusted, ca.pem()).expect("CA file");
    let other = dir.path().join("other.pem");
    std::fs::write(&other, test_ca("another CA").pem()).expect("other CA file");

    let out = sign_in(Some(front.addr), &trusted, &empty);
    assert_eq!(
        out.status.code(),
        Some(0),
        "signed in over TLS: {}",
        said(&out)
    );
    let seen = front.handshakes.load(Ordering::SeqCst);
    assert!(seen > 0, "the requests went through the TLS front end");

    let out = sign_in(Some(front.addr), &other, &empty);
    assert_eq!(out.status.code(), Some(6), "unreachable: {}", said(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .to_lowercase()
            .contains("certificate"),
        "the error names the certificate: {}",
        said(&out)
    );
    assert_eq!(
        front.handshakes.load(Ordering::SeqCst),
        seen,
        "no handshake completed with a certificate the store does not vouch for"
    );
}
