//! Where typed lines come from: any async line stream (pipes, tests), or the terminal, where
//! each line is read on request so secrets can be read without echo (`rpassword`).

use std::io::{self, BufRead};

use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::sync::mpsc;
use zeroize::Zeroize;

/// A source of lines; `recv` is cancel-safe, so it can sit in a `select!`.
pub(crate) enum LineInput {
    /// Lines read ahead from a stream; secrecy does not apply (nothing is echoed by us).
    Stream(mpsc::UnboundedReceiver<io::Result<String>>),
    /// The terminal: a reader thread reads one line per request, hidden when asked.
    Terminal {
        requests: std::sync::mpsc::Sender<bool>,
        lines: mpsc::UnboundedReceiver<io::Result<String>>,
    },
}

impl LineInput {
    /// Reads `reader` line by line in a task; the stream ends at end of input or an error.
    pub(crate) fn from_reader<R>(reader: R) -> Self
    where
        R: AsyncBufRead + Unpin + Send + 'static,
    {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = reader.lines();
            loop {
                match lines.next_line().await {
                    Ok(Some(line)) => {
                        if tx.send(Ok(line)).is_err() {
                            return;
                        }
                    }
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        LineInput::Stream(rx)
    }

    /// Reads the process's terminal. The thread blocks in a read, so it is never joined: it
    /// ends with the process.
    pub(crate) fn terminal() -> Self {
        let (req_tx, req_rx) = std::sync::mpsc::channel::<bool>();
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            while let Ok(secret) = req_rx.recv() {
                let line = if secret {
                    match rpassword::read_password() {
                        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return,
                        other => other,
                    }
                } else {
                    let mut line = String::new();
                    match io::stdin().lock().read_line(&mut line) {
                        Ok(0) => return,
                        Ok(_) => {
                            let text = line.trim_end_matches(['\r', '\n']).to_string();
                            line.zeroize();
                            Ok(text)
                        }
                        Err(e) => Err(e),
                    }
                };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        LineInput::Terminal {
            requests: req_tx,
            lines: rx,
        }
    }

    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, LineInput::Terminal { .. })
    }

    /// Asks for the next line (a no-op for streams, which read ahead).
    pub(crate) fn request(&mut self, secret: bool) {
        if let LineInput::Terminal { requests, .. } = self {
            let _ = requests.send(secret);
        }
    }

    /// The next line; `None` at end of input.
    pub(crate) async fn recv(&mut self) -> Option<io::Result<String>> {
        match self {
            LineInput::Stream(rx) => rx.recv().await,
            LineInput::Terminal { lines, .. } => lines.recv().await,
        }
    }
}
