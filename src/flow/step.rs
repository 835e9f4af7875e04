//! `Step`: the screen-level state of a sign-in, computed from `SignIn.status`, its factors and
//! verifications, and the user's local choices. Screens never keep their own idea of the flow.

use crate::fapi::{Factor, SignIn, SignInStatus, Strategy, Verification, VerificationStatus};

use super::choose::{preferred_first_factor, preferred_second_factor, support_here};

/// Which verification stage of a sign-in a factor belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// `needs_first_factor`: prove who you are.
    First,
    /// `needs_second_factor`: multi-factor authentication.
    Second,
    /// `needs_client_trust`: a known user on a new device.
    ClientTrust,
}

impl Stage {
    /// The `SignIn` field that carries this stage's verification.
    pub fn verification<'a>(&self, sign_in: &'a SignIn) -> Option<&'a Verification> {
        match self {
            Stage::First => sign_in.first_factor_verification.as_ref(),
            Stage::Second | Stage::ClientTrust => sign_in.second_factor_verification.as_ref(),
        }
    }

    /// The factors the server offers for this stage.
    pub fn factors<'a>(&self, sign_in: &'a SignIn) -> &'a [Factor] {
        match self {
            Stage::First => &sign_in.supported_first_factors,
            Stage::Second | Stage::ClientTrust => &sign_in.supported_second_factors,
        }
    }
}

/// What the user chose locally; everything else comes from the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    /// The first factor the user picked ("use another method"), if not the preferred one.
    pub first: Option<Strategy>,
    /// The second factor (or client-trust factor) the user picked.
    pub second: Option<Strategy>,
    /// The factor list is open for this stage.
    pub choosing: Option<Stage>,
    /// The instance's rule, not a choice: email links must be opened on the client that
    /// asked (`require_same_client`), so one is never started on here ([`support_here`]).
    pub email_link_same_client: bool,
}

/// A factor the user is working on, with what the server says about its verification.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorStep {
    pub stage: Stage,
    pub factor: Factor,
    /// A code or link was sent for this factor and is still waiting to be used.
    pub sent: bool,
    /// When the sent code or link expires (ms since the epoch).
    pub expire_at: Option<i64>,
    /// The verification of this factor ended badly (`failed` or `expired`); send a new one.
    pub ended: Option<VerificationStatus>,
}

impl FactorStep {
    pub fn strategy(&self) -> &Strategy {
        &self.factor.strategy
    }

    /// The code or link that was sent has passed its expiry time (`now_ms`: ms since the epoch).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.sent && self.expire_at.is_some_and(|at| at <= now_ms)
    }
}

/// What the user must do next.
// Derived per frame and dropped; one factor's size is not worth an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// No sign-in yet, or `needs_identifier`.
    Identifier,
    /// Work on one factor of a stage (password, code, email link, OAuth hand-off, ...).
    Factor(FactorStep),
    /// The list of every factor of a stage ("use another method").
    ChooseFactor(Stage),
    /// A stage whose factor list is empty: nothing this client can do.
    NoFactor(Stage),
    /// `needs_new_password`.
    NewPassword,
    /// `complete`, with the session that was created.
    Complete { session_id: Option<String> },
    /// A status this client cannot continue from (`needs_protect_check`, `abandoned`, unknown).
    Unsupported { status: String },
}

/// Derive the step from the latest sign-in and the user's choices. Pure.
pub fn derive_step(sign_in: Option<&SignIn>, choices: &Choices) -> Step {
    let Some(sign_in) = sign_in else {
        return Step::Identifier;
    };
    let stage = match &sign_in.status {
        SignInStatus::NeedsIdentifier => return hand_off_step(sign_in).unwrap_or(Step::Identifier),
        SignInStatus::NeedsFirstFactor => Stage::First,
        SignInStatus::NeedsSecondFactor => Stage::Second,
        SignInStatus::NeedsClientTrust => Stage::ClientTrust,
        SignInStatus::NeedsNewPassword => return Step::NewPassword,
        SignInStatus::Complete => {
            return Step::Complete {
                session_id: sign_in.created_session_id.clone(),
            };
        }
        other => {
            return Step::Unsupported {
                status: other.as_str().to_string(),
            };
        }
    };
    if choices.choosing == Some(stage) {
        return Step::ChooseFactor(stage);
    }
    let factors = stage.factors(sign_in);
    let picked = match stage {
        Stage::First => choices.first.as_ref(),
        Stage::Second | Stage::ClientTrust => choices.second.as_ref(),
    };
    let factor = picked
        .and_then(|s| factors.iter().find(|f| &f.strategy == s))
        .or_else(|| active_factor(stage, sign_in))
        .cloned()
        .or_else(|| {
            let here: Vec<Factor> = factors
                .iter()
                .filter(|f| support_here(&f.strategy, choices.email_link_same_client).is_ok())
                .cloned()
                .collect();
            match stage {
                Stage::First => preferred_first_factor(&here, sign_in.identifier.as_deref()),
                Stage::Second | Stage::ClientTrust => preferred_second_factor(&here),
            }
            .cloned()
        });
    let Some(factor) = factor else {
        return Step::NoFactor(stage);
    };
    Step::Factor(factor_step(stage, factor, stage.verification(sign_in)))
}

/// A sign-in started with a browser strategy (OAuth, SSO) waits in `needs_identifier` until the
/// provider says who signed in: its first factor verification is the hand-off to show.
fn hand_off_step(sign_in: &SignIn) -> Option<Step> {
    let v = sign_in.first_factor_verification.as_ref()?;
    let strategy = v.strategy.clone()?;
    if !strategy.completes_elsewhere() || strategy == Strategy::EmailLink {
        return None;
    }
    let ended = matches!(
        v.status,
        VerificationStatus::Failed | VerificationStatus::Expired
    );
    if v.external_verification_redirect_url.is_none() && !ended {
        return None;
    }
    let factor = Factor {
        strategy,
        ..Factor::default()
    };
    Some(Step::Factor(factor_step(Stage::First, factor, Some(v))))
}

/// Whether a verification of `verification`'s strategy is the one `factor` started: the same
/// strategy, or an enterprise SSO factor whose connection verifies as the protocol it speaks
/// (SAML, or OIDC as an `oauth_…` strategy; the emulator answers `saml`).
fn verifies(factor: &Strategy, verification: &Strategy) -> bool {
    factor == verification
        || (*factor == Strategy::EnterpriseSso
            && (*verification == Strategy::Saml || verification.is_oauth()))
}

/// The factor whose verification is under way (a code was sent), so a reload resumes it.
fn active_factor(stage: Stage, sign_in: &SignIn) -> Option<&Factor> {
    let v = stage.verification(sign_in)?;
    if v.status != VerificationStatus::Unverified || v.expire_at.is_none() {
        return None;
    }
    let strategy = v.strategy.as_ref()?;
    stage
        .factors(sign_in)
        .iter()
        .find(|f| &f.strategy == strategy)
}

fn factor_step(stage: Stage, factor: Factor, verification: Option<&Verification>) -> FactorStep {
    let own = verification.filter(|v| {
        v.strategy
            .as_ref()
            .is_some_and(|s| verifies(&factor.strategy, s))
    });
    let (sent, expire_at, ended) = match own {
        Some(v) => match &v.status {
            VerificationStatus::Unverified => (v.expire_at.is_some(), v.expire_at, None),
            s @ (VerificationStatus::Failed | VerificationStatus::Expired) => {
                (false, v.expire_at, Some(s.clone()))
            }
            _ => (false, v.expire_at, None),
        },
        None => (false, None, None),
    };
    FactorStep {
        stage,
        factor,
        sent,
        expire_at,
        ended,
    }
}

#[cfg(test)]
#[path = "step_tests.rs"]
mod tests;
