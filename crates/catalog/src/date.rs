//! A calendar day, the only notion of time the doctrine needs.
//!
//! Wraps [`jiff::civil::Date`] so that dossiers and catalog files can write dates
//! either as TOML dates (`2024-06-03`) or as strings (`"2024-06-03"` in JSON and YAML).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day (« date ») in the proleptic Gregorian calendar.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// Why a text is not a `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {text} » n'est pas une date AAAA-MM-JJ valide / is not a valid YYYY-MM-DD date")]
pub struct DateError {
    text: String,
}

impl Date {
    /// Builds a date from its parts; `None` when the day does not exist.
    pub fn new(year: i16, month: i8, day: i8) -> Option<Self> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// The same day `months` months later, clamped to the month's last day
    /// (31 January + 1 month = 28 or 29 February), as a deadline « 12 mois après » reads.
    pub fn add_months(self, months: i32) -> Option<Self> {
        let span = jiff::Span::new().try_months(months).ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    /// The previous day.
    /// The date `days` days later (earlier when negative); `None` past year 9999.
    pub fn add_days(self, days: i32) -> Option<Self> {
        let span = jiff::Span::new().try_days(days).ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    pub fn yesterday(self) -> Option<Self> {
        self.0.yesterday().ok().map(Date)
    }

    /// The next day.
    pub fn tomorrow(self) -> Option<Self> {
        self.0.tomorrow().ok().map(Date)
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        self.0
            .until(other.0)
            .map(|span| i64::from(span.get_days()))
            .unwrap_or(0)
    }

    /// Wraps a jiff date (used at the edges, where the clock is read).
    pub fn from_jiff(date: jiff::civil::Date) -> Self {
        Date(date)
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || DateError {
            text: text.to_owned(),
        };
        let bytes = text.as_bytes();
        // Exactly YYYY-MM-DD: jiff alone would also take other ISO 8601 shapes.
        let shape_ok = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(err());
        }
        let num =
            |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i16>().ok());
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(err());
        };
        let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
            return Err(err());
        };
        Date::new(y, m, d).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The key under which the `toml` crate hands a TOML date to a deserializer.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
        match map.next_key::<String>()? {
            Some(key) if key == TOML_DATETIME_KEY => {
                let text: String = map.next_value()?;
                text.parse().map_err(de::Error::custom)
            }
            _ => Err(de::Error::custom("expected a date YYYY-MM-DD")),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_plain_days() {
        assert_eq!("2023-05-31".parse::<Date>().ok(), Date::new(2023, 5, 31));
        for bad in [
            "2023-5-31",
            "2023-02-30",
            "31/05/2023",
            "2023-05-31T00:00:00",
            "",
            "２０２３-05-31",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn months_are_added_like_a_deadline() {
        let d = |s: &str| s.parse::<Date>().ok();
        assert_eq!(
            d("2024-01-15").and_then(|x| x.add_months(12)),
            d("2025-01-15")
        );
        assert_eq!(
            d("2024-02-29").and_then(|x| x.add_months(12)),
            d("2025-02-28")
        );
        assert_eq!(
            d("2023-01-31").and_then(|x| x.add_months(1)),
            d("2023-02-28")
        );
    }

    #[test]
    fn reads_toml_dates_and_json_strings() {
        #[derive(Deserialize)]
        struct T {
            d: Date,
        }
        let t: Result<T, _> = toml::from_str("d = 2024-06-03");
        assert_eq!(
            t.ok().map(|t| t.d.to_string()).as_deref(),
            Some("2024-06-03")
        );
        let t: Result<T, _> = serde_json::from_str(r#"{"d":"2024-06-03"}"#);
        assert_eq!(
            t.ok().map(|t| t.d.to_string()).as_deref(),
            Some("2024-06-03")
        );
        let t: Result<T, _> = toml::from_str("d = 2024-06-03T10:00:00");
        assert!(t.is_err());
    }

    #[test]
    fn counts_days() {
        let a: Date = "2024-01-01".parse().unwrap();
        let b: Date = "2024-03-01".parse().unwrap();
        assert_eq!(a.days_until(b), 60);
        assert_eq!(b.days_until(a), -60);
    }
}
