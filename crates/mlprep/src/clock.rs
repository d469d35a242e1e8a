//! The current time, read in one place. `MLPREP_NOW` (RFC 3339, or Unix seconds) fixes it, so a
//! review history can be replayed at chosen times; nothing else in mlprep reads the clock.

use anyhow::{Context, Result};

/// The current time in Unix seconds.
pub fn now() -> Result<i64> {
    match std::env::var("MLPREP_NOW") {
        Ok(text) => parse(&text).with_context(|| {
            format!("MLPREP_NOW=`{text}` is not a time; use RFC 3339 (2026-01-31T09:00:00Z) or Unix seconds")
        }),
        Err(_) => Ok(chrono::Utc::now().timestamp()),
    }
}

fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse::<i64>().ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.timestamp())
    })
}

/// A Unix time as an RFC 3339 string in UTC.
pub fn format(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).map_or_else(
        || ts.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// The UTC calendar day of a Unix time, as `YYYY-MM-DD`.
pub fn day(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// A duration in days, said in words: "5 h", "2.3 days".
pub fn span(days: f64) -> String {
    if days < 1.0 {
        format!("{:.0} h", (days * 24.0).max(1.0))
    } else {
        format!("{days:.1} days")
    }
}
