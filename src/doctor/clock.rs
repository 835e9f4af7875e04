//! Clock check: this machine's time against the Frontend API's `Date` header. A clock that is
//! off by more than one 30-second TOTP step is the usual reason authenticator codes are refused.

use std::time::{Duration, SystemTime};

use super::report::Check;

/// Past this the code from an authenticator app may already be a step off.
pub const WARN_AFTER: Duration = Duration::from_secs(15);
/// One TOTP step: codes generated here will be refused.
pub const FAIL_AFTER: Duration = Duration::from_secs(30);

const FIX: &str = "turn on network time: `sudo timedatectl set-ntp true` (Linux), \
                   `sudo sntp -sS time.apple.com` or Date & Time > Set automatically (macOS)";

/// One request's timing: the local time halfway through it and the server's `Date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockSample {
    pub local_midpoint: SystemTime,
    pub round_trip: Duration,
    pub date_header: Option<String>,
}

/// The server's clock minus ours, in seconds (positive: this machine is behind).
/// `Date` has one-second resolution and is truncated, so its middle is half a second later.
pub fn offset_seconds(sample: &ClockSample) -> Result<f64, String> {
    let raw = sample
        .date_header
        .as_deref()
        .ok_or_else(|| "the server sent no Date header".to_owned())?;
    let server = httpdate::parse_http_date(raw.trim())
        .map_err(|_| format!("the server's Date header {raw:?} is not an HTTP date"))?;
    let server = server + Duration::from_millis(500);
    Ok(match server.duration_since(sample.local_midpoint) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    })
}

/// `reached` is the request's outcome; an unreachable server leaves the clock unchecked.
pub fn clock(reached: Result<&ClockSample, &str>) -> Check {
    const NAME: &str = "clock";
    let sample = match reached {
        Ok(sample) => sample,
        Err(why) => {
            return Check::warn(NAME, format!("not checked: {why}"))
                .fix("fix the frontend_api check first, then run `clerk-tui doctor` again");
        }
    };
    let offset = match offset_seconds(sample) {
        Ok(offset) => offset,
        Err(why) => {
            return Check::warn(NAME, format!("not checked: {why}")).fix(format!(
                "if authenticator codes are refused, check this machine's clock: {FIX}"
            ));
        }
    };
    let size = offset.abs();
    let direction = if offset > 0.0 { "behind" } else { "ahead of" };
    // The Date header cannot tell apart offsets smaller than its resolution plus the trip.
    let resolution = 0.5 + sample.round_trip.as_secs_f64() / 2.0;
    let summary = if size <= resolution {
        "this machine's clock agrees with the server's (within 1 s)".to_owned()
    } else {
        format!("this machine is {size:.1} s {direction} the server")
    };
    let precision = format!(
        "measured against the HTTP Date header (1 s resolution, round trip {} ms)",
        sample.round_trip.as_millis()
    );
    if size > FAIL_AFTER.as_secs_f64() {
        Check::fail(
            NAME,
            format!("{summary}: more than one 30 s TOTP step, authenticator codes will be refused"),
        )
        .detail(precision)
        .fix(FIX)
    } else if size > WARN_AFTER.as_secs_f64() {
        Check::warn(
            NAME,
            format!("{summary}: authenticator codes may be refused near the end of each 30 s step"),
        )
        .detail(precision)
        .fix(FIX)
    } else {
        Check::pass(NAME, summary).detail(precision)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::report::Status;

    fn sample(local: u64, server: u64) -> ClockSample {
        ClockSample {
            local_midpoint: SystemTime::UNIX_EPOCH + Duration::from_secs(local),
            round_trip: Duration::from_millis(40),
            date_header: Some(httpdate::fmt_http_date(
                SystemTime::UNIX_EPOCH + Duration::from_secs(server),
            )),
        }
    }

    const T: u64 = 1_790_000_000;

    #[test]
    fn in_sync_passes() {
        let check = clock(Ok(&sample(T, T)));
        assert_eq!(check.status, Status::Pass);
        assert!(
            check.summary.contains("agrees with the server"),
            "{}",
            check.summary
        );
        let check = clock(Ok(&sample(T, T + 3)));
        assert_eq!(check.status, Status::Pass);
        assert!(
            check.summary.contains("3.5 s behind the server"),
            "{}",
            check.summary
        );
        assert!(check.fix.is_none());
    }

    #[test]
    fn over_fifteen_seconds_warns_with_the_ntp_fix() {
        let check = clock(Ok(&sample(T + 20, T)));
        assert_eq!(check.status, Status::Warn);
        assert!(
            check.summary.contains("19.5 s ahead of the server"),
            "{}",
            check.summary
        );
        assert!(
            check
                .fix
                .unwrap_or_default()
                .contains("timedatectl set-ntp true")
        );
    }

    #[test]
    fn over_one_totp_step_fails() {
        let check = clock(Ok(&sample(T, T + 45)));
        assert_eq!(check.status, Status::Fail);
        assert!(
            check.summary.contains("45.5 s behind the server"),
            "{}",
            check.summary
        );
        assert!(check.summary.contains("will be refused"));
        assert!(
            check
                .fix
                .unwrap_or_default()
                .contains("timedatectl set-ntp true")
        );
    }

    #[test]
    fn boundaries() {
        // 15.5 s off warns; 14.5 s passes; 30.5 s fails; 29.5 s warns.
        assert_eq!(clock(Ok(&sample(T, T + 15))).status, Status::Warn);
        assert_eq!(clock(Ok(&sample(T, T + 14))).status, Status::Pass);
        assert_eq!(clock(Ok(&sample(T, T + 30))).status, Status::Fail);
        assert_eq!(clock(Ok(&sample(T, T + 29))).status, Status::Warn);
    }

    #[test]
    fn missing_or_bad_date_and_unreachable_server_warn() {
        let mut s = sample(T, T);
        s.date_header = None;
        let check = clock(Ok(&s));
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.contains("no Date header"));
        s.date_header = Some("yesterday".into());
        assert!(clock(Ok(&s)).summary.contains("not an HTTP date"));
        let check = clock(Err("the Frontend API could not be reached"));
        assert_eq!(check.status, Status::Warn);
        assert!(check.summary.starts_with("not checked: the Frontend API"));
    }
}
