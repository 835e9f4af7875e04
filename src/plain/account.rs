//! The signed-in account tasks in line mode: authenticator-app enrolment (the QR drawn once as
//! text, plus the secret in groups of four), backup codes shown once, and the questions before
//! removing the app or replacing the codes. Pure, like the rest of `describe`/`interpret`.

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};
use secrecy::{ExposeSecret, SecretString};

use crate::app::{AccountTask, Action, App, BackupCodesReason, Confirm};
use crate::flow::normalize_code;

/// The sentences for an account task on the signed-in screen, if one is open.
pub fn situation(app: &App) -> Option<Vec<String>> {
    Some(match app.account.as_ref()? {
        AccountTask::EnrolTotp { secret, uri } => {
            let mut lines = vec![
                "Set up an authenticator app: scan this QR code with it, or type the secret by hand."
                    .to_string(),
            ];
            lines.extend(qr_drawings(uri.expose_secret()));
            lines.push(format!("Secret: {}", grouped(secret.expose_secret())));
            lines.push(format!("Or open: {}", uri.expose_secret()));
            lines
        }
        AccountTask::BackupCodes { codes, reason } => {
            let mut lines = vec![match reason {
                BackupCodesReason::TotpEnabled => {
                    "The authenticator app is set up. Save these backup codes now; they are shown once \
                     and each works once if you lose the app:"
                }
                BackupCodesReason::Regenerated => {
                    "New backup codes (the old ones no longer work). Save them now; they are shown once:"
                }
            }
            .to_string()];
            lines.extend(codes.iter().map(|c| format!("  {}", c.expose_secret())));
            lines
        }
        AccountTask::Confirm(Confirm::RemoveTotp) => {
            vec!["Remove the authenticator app from this account?".to_string()]
        }
        AccountTask::Confirm(Confirm::RegenerateBackupCodes) => vec![
            "Replace your backup codes with a new set? The current ones stop working.".to_string(),
        ],
    })
}

/// Which account task is open, as a name (so the line mode prints each task once).
pub fn kind(app: &App) -> Option<&'static str> {
    Some(match app.account.as_ref()? {
        AccountTask::EnrolTotp { .. } => "enrol_totp",
        AccountTask::BackupCodes { .. } => "backup_codes",
        AccountTask::Confirm(Confirm::RemoveTotp) => "confirm_remove_totp",
        AccountTask::Confirm(Confirm::RegenerateBackupCodes) => "confirm_new_backup_codes",
    })
}

/// What to type during an account task.
pub fn instruction(app: &App) -> Option<String> {
    Some(match app.account.as_ref()? {
        AccountTask::EnrolTotp { .. } => {
            "Type the 6-digit code the app shows, or 'b' to cancel.".to_string()
        }
        AccountTask::BackupCodes { .. } => "Type 'y' when you have saved them.".to_string(),
        AccountTask::Confirm(_) => {
            "Type 'y' to go ahead, or 'n' to keep things as they are.".to_string()
        }
    })
}

/// A typed line during an account task, or the signed-in keys that start one.
pub fn interpret(app: &App, word: &str) -> Option<Vec<Action>> {
    match app.account.as_ref() {
        Some(AccountTask::EnrolTotp { .. }) => Some(match word {
            "" => Vec::new(),
            "b" | "n" => vec![Action::Back],
            code => vec![Action::VerifyTotp(SecretString::from(normalize_code(code)))],
        }),
        Some(AccountTask::BackupCodes { .. }) => Some(match word {
            "y" | "yes" => vec![Action::BackupCodesSaved],
            _ => Vec::new(),
        }),
        Some(AccountTask::Confirm(_)) => Some(match word {
            "y" | "yes" => vec![Action::Confirm],
            "n" | "no" | "b" => vec![Action::Back],
            _ => Vec::new(),
        }),
        None => match word {
            "a" if app.user().is_some_and(|u| u.totp_enabled) => Some(vec![Action::AskRemoveTotp]),
            "a" => Some(vec![Action::SetUpTotp]),
            "b" => Some(vec![Action::AskRegenerateBackupCodes]),
            _ => None,
        },
    }
}

/// Whether the next line during an account task is a secret (the enrolment code).
pub fn wants_secret(app: &App) -> bool {
    matches!(app.account, Some(AccountTask::EnrolTotp { .. }))
}

/// The otpauth URI as two QR codes of half-block characters, each under a line saying which
/// background it is drawn for: a code must be dark on light, and only blocks and spaces
/// (no escape codes, which line mode never writes) cannot say which colour a terminal's
/// background is. Empty when the URI does not fit a QR code.
fn qr_drawings(uri: &str) -> Vec<String> {
    let (Some(dark), Some(light)) = (qr_lines(uri, true), qr_lines(uri, false)) else {
        return Vec::new();
    };
    let mut lines = vec!["QR code for a terminal with a dark background:".to_string()];
    lines.extend(dark);
    lines.push("The same QR code for a terminal with a light background:".to_string());
    lines.extend(light);
    lines
}

/// One drawing: on a dark background the light modules are the blocks, on a light one the
/// dark modules are. Error correction L, as on the full screen, keeps it small.
fn qr_lines(uri: &str, dark_background: bool) -> Option<Vec<String>> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::L).ok()?;
    let (dark, light) = if dark_background {
        (Dense1x2::Light, Dense1x2::Dark)
    } else {
        (Dense1x2::Dark, Dense1x2::Light)
    };
    let art = code
        .render::<Dense1x2>()
        .dark_color(dark)
        .light_color(light)
        .quiet_zone(true)
        .build();
    Some(art.lines().map(str::to_string).collect())
}

/// `JBSWY3DPEHPK3PXP` -> `JBSW Y3DP EHPK 3PXP`.
fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_grouped_by_four() {
        assert_eq!(grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(grouped("ABCDEF"), "ABCD EF");
    }

    #[test]
    fn qr_text_is_square_ish_and_has_no_escape_sequences() {
        let uri = "otpauth://totp/Demo:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Demo";
        let lines = qr_lines(uri, true).unwrap_or_default();
        assert!(
            lines.len() > 10,
            "a QR code is drawn: {} lines",
            lines.len()
        );
        assert!(lines.iter().all(|l| !l.contains('\x1b')));
        let width = lines[0].chars().count();
        assert!(
            lines.iter().all(|l| l.chars().count() == width),
            "every row as wide"
        );
        // The light-background drawing is the same code with blocks and spaces swapped.
        let light = qr_lines(uri, false).unwrap_or_default();
        let swapped: Vec<String> = lines
            .iter()
            .map(|l| {
                l.chars()
                    .map(|c| match c {
                        '█' => ' ',
                        ' ' => '█',
                        '▀' => '▄',
                        '▄' => '▀',
                        other => other,
                    })
                    .collect()
            })
            .collect();
        // (The last row holds half a row of modules; the rest is the same code.)
        assert_eq!(light[..light.len() - 1], swapped[..swapped.len() - 1]);
        let both = qr_drawings(uri);
        assert!(both[0].contains("dark background"), "{both:?}");
        assert!(
            both.iter().any(|l| l.contains("light background")),
            "{both:?}"
        );
    }
}
