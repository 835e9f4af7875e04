//! The development server's notion of "now": real time plus an offset, or frozen.
//!
//! Every expiry, lockout and TOTP check reads this clock so that demos and tests can jump
//! ahead (`POST /__dev/clock`) instead of waiting.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// How the clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockConfig {
    /// Wall-clock time.
    #[default]
    Real,
    /// Wall-clock time shifted by this many milliseconds (may be negative).
    Offset(i64),
    /// Time stands still at this Unix time in milliseconds.
    Frozen(i64),
}

#[derive(Debug, Clone, Copy)]
struct ClockState {
    offset_ms: i64,
    frozen_at: Option<i64>,
}

/// A shared, adjustable clock. Cheap to read; all methods take `&self`.
#[derive(Debug)]
pub struct Clock {
    state: Mutex<ClockState>,
}

/// Time can move at most a century either way, so expiry arithmetic never overflows.
const MAX_SHIFT_MS: i64 = 100 * 365 * 24 * 3600 * 1000;

fn clamp_instant(at: i64) -> i64 {
    let wall = wall_ms();
    at.clamp(wall - MAX_SHIFT_MS, wall + MAX_SHIFT_MS)
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl Clock {
    pub fn new(config: ClockConfig) -> Self {
        let state = match config {
            ClockConfig::Real => ClockState {
                offset_ms: 0,
                frozen_at: None,
            },
            ClockConfig::Offset(ms) => ClockState {
                offset_ms: ms.clamp(-MAX_SHIFT_MS, MAX_SHIFT_MS),
                frozen_at: None,
            },
            ClockConfig::Frozen(at) => ClockState {
                offset_ms: 0,
                frozen_at: Some(clamp_instant(at)),
            },
        };
        Self {
            state: Mutex::new(state),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut ClockState) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Current time in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.with(|s| {
            s.frozen_at
                .unwrap_or_else(|| wall_ms().saturating_add(s.offset_ms))
        })
    }

    /// Current time in whole Unix seconds (what JWT and TOTP use).
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves time forward (or back, if negative) by `ms`, frozen or not.
    pub fn shift_ms(&self, ms: i64) {
        self.with(|s| match s.frozen_at.as_mut() {
            Some(at) => *at = clamp_instant(at.saturating_add(ms)),
            None => {
                s.offset_ms = s
                    .offset_ms
                    .saturating_add(ms)
                    .clamp(-MAX_SHIFT_MS, MAX_SHIFT_MS)
            }
        });
    }

    /// Stops time at the current instant.
    pub fn freeze(&self) {
        let now = self.now_ms();
        self.with(|s| s.frozen_at = Some(now));
    }

    /// Lets time run again from where it stood (keeping any shift).
    pub fn unfreeze(&self) {
        self.with(|s| {
            if let Some(at) = s.frozen_at.take() {
                s.offset_ms = at - wall_ms();
            }
        });
    }

    /// Offset from wall-clock time in milliseconds, and whether time is frozen.
    pub fn describe(&self) -> (i64, bool) {
        let now = self.now_ms();
        self.with(|s| (now - wall_ms(), s.frozen_at.is_some()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_shifted() {
        let clock = Clock::new(ClockConfig::Frozen(1_000_000));
        assert_eq!(clock.now_ms(), 1_000_000);
        clock.shift_ms(61_000);
        assert_eq!(clock.now_ms(), 1_061_000);
        assert_eq!(clock.now_secs(), 1_061);
    }

    #[test]
    fn absurd_shifts_are_bounded() {
        let clock = Clock::new(ClockConfig::Real);
        clock.shift_ms(i64::MAX);
        assert!(clock.now_ms().checked_add(400 * 24 * 3600 * 1000).is_some());
        clock.freeze();
        clock.shift_ms(i64::MIN);
        assert!(clock.now_ms().checked_sub(400 * 24 * 3600 * 1000).is_some());
    }

    #[test]
    fn unfreeze_keeps_the_shifted_time() {
        let clock = Clock::new(ClockConfig::Real);
        clock.shift_ms(3_600_000);
        clock.freeze();
        let frozen = clock.now_ms();
        clock.unfreeze();
        let (offset, frozen_now) = clock.describe();
        assert!(!frozen_now);
        assert!((offset - 3_600_000).abs() < 1_000, "offset {offset}");
        assert!(clock.now_ms() >= frozen);
    }
}
