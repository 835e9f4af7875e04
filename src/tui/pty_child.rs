//! Test support: run this test binary again, one ignored test of it, inside an 80x24
//! pseudo-terminal, with its output arriving on a channel for a vt100 emulator to read.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::mpsc;

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub(crate) const ROWS: NonZeroU16 = match NonZeroU16::new(24) {
    Some(n) => n,
    None => NonZeroU16::MIN,
};
pub(crate) const COLS: NonZeroU16 = match NonZeroU16::new(80) {
    Some(n) => n,
    None => NonZeroU16::MIN,
};

pub(crate) struct PtyChild {
    pub output: mpsc::Receiver<Vec<u8>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
}

/// Starts `test` (an ignored test of this binary) in a pty with `env=value` set, so the
/// child knows it is the child.
pub(crate) fn spawn_test(test: &str, env: &str, value: &str) -> PtyChild {
    let size = PtySize {
        rows: ROWS.get(),
        cols: COLS.get(),
        pixel_width: 0,
        pixel_height: 0,
    };
    let pair = match native_pty_system().openpty(size) {
        Ok(p) => p,
        Err(e) => panic!("openpty: {e}"),
    };
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => panic!("current_exe: {e}"),
    };
    let mut cmd = CommandBuilder::new(exe);
    cmd.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env(env, value);
    cmd.env("RUST_BACKTRACE", "0");
    cmd.env("TERM", "xterm-256color");
    let child = match pair.slave.spawn_command(cmd) {
        Ok(c) => c,
        Err(e) => panic!("spawn: {e}"),
    };
    drop(pair.slave);
    let mut reader = match pair.master.try_clone_reader() {
        Ok(r) => r,
        Err(e) => panic!("reader: {e}"),
    };
    let writer = match pair.master.take_writer() {
        Ok(w) => w,
        Err(e) => panic!("writer: {e}"),
    };
    let (tx, output) = mpsc::channel();
    std::thread::spawn(move || {
        // The master stays open while reading, or the child gets SIGHUP early.
        let _master = pair.master;
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    PtyChild {
        output,
        writer,
        child,
    }
}
