//! Wording helpers: every message exists in French and English, side by side.

use nuage_catalog::Date;

use crate::assessment::Lang;
use crate::dossier::Euros;

/// `text!(lang, fr: "…{x}…", en: "…{x}…")` formats the message of the requested language.
macro_rules! text {
    ($lang:expr, fr: $fr:literal, en: $en:literal $(,)?) => {
        match $lang {
            $crate::assessment::Lang::Fr => format!($fr),
            $crate::assessment::Lang::En => format!($en),
        }
    };
}
pub(crate) use text;

/// `push_text!(buf, lang, fr: …, en: …)` appends a space and the message to `buf`, without
/// an intermediate string.
macro_rules! push_text {
    ($buf:expr, $lang:expr, fr: $fr:literal, en: $en:literal $(,)?) => {{
        use std::fmt::Write as _;
        let buf: &mut String = &mut $buf;
        if !buf.is_empty() {
            buf.push(' ');
        }
        let _ = match $lang {
            $crate::assessment::Lang::Fr => write!(buf, $fr),
            $crate::assessment::Lang::En => write!(buf, $en),
        };
    }};
}
pub(crate) use push_text;

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Appends the decimal digits of `n`, grouped by three with `sep` when given.
fn push_digits(out: &mut String, n: u64, sep: Option<char>) {
    let mut buf = [0u8; 20];
    let mut len = 0;
    let mut v = n;
    loop {
        if let Some(slot) = buf.get_mut(len) {
            *slot = b'0' + (v % 10) as u8;
        }
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for k in (0..len).rev() {
        if let Some(&d) = buf.get(k) {
            out.push(char::from(d));
        }
        if let Some(sep) = sep
            && k > 0
            && k % 3 == 0
        {
            out.push(sep);
        }
    }
}

/// « 31 mai 2023 » / « 31 May 2023 ».
pub(crate) fn date(lang: Lang, d: Date) -> String {
    let idx = usize::try_from(d.month() - 1).unwrap_or(0);
    let months = match lang {
        Lang::Fr => &MONTHS_FR,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(idx).copied().unwrap_or("?");
    let mut out = String::with_capacity(20);
    push_digits(&mut out, u64::try_from(d.day()).unwrap_or(0), None);
    if lang == Lang::Fr && d.day() == 1 {
        out.push_str("er");
    }
    out.push(' ');
    out.push_str(month);
    out.push(' ');
    push_digits(&mut out, u64::try_from(d.year()).unwrap_or(0), None);
    out
}

/// « 3 500 000 € » / « €3,500,000 ».
pub(crate) fn euros(lang: Lang, amount: Euros) -> String {
    let mut out = String::with_capacity(20);
    let cents = amount.cents() % 100;
    match lang {
        Lang::Fr => {
            push_digits(&mut out, amount.whole_euros(), Some(' '));
            if cents != 0 {
                out.push(',');
                out.push(char::from(b'0' + (cents / 10) as u8));
                out.push(char::from(b'0' + (cents % 10) as u8));
            }
            out.push_str(" €");
        }
        Lang::En => {
            out.push('€');
            push_digits(&mut out, amount.whole_euros(), Some(','));
            if cents != 0 {
                out.push('.');
                out.push(char::from(b'0' + (cents / 10) as u8));
                out.push(char::from(b'0' + (cents % 10) as u8));
            }
        }
    }
    out
}

/// « 50 % » / « 50% », to the tenth of a point.
pub(crate) fn percent(lang: Lang, share: f64) -> String {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a share in 0..=1 times 100, rounded: always within u32"
    )]
    let tenths = (share * 1000.0).round().max(0.0) as u64;
    let mut out = String::with_capacity(8);
    push_digits(&mut out, tenths / 10, None);
    if !tenths.is_multiple_of(10) {
        out.push(if lang == Lang::Fr { ',' } else { '.' });
        out.push(char::from(b'0' + (tenths % 10) as u8));
    }
    out.push_str(if lang == Lang::Fr { " %" } else { "%" });
    out
}

/// « a, b et c » / « a, b and c ».
pub(crate) fn list<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    let and = match lang {
        Lang::Fr => " et ",
        Lang::En => " and ",
    };
    let mut out =
        String::with_capacity(items.iter().map(|s| s.as_ref().len() + 2).sum::<usize>() + 4);
    let last = items.len().saturating_sub(1);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i == last { and } else { ", " });
        }
        out.push_str(item.as_ref());
    }
    out
}

/// `a`, `b` for identifiers.
pub(crate) fn ids<S: AsRef<str>>(lang: Lang, items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    list(lang, &quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_amounts_dates_and_lists() {
        assert_eq!(euros(Lang::Fr, Euros::from_euros(3_500_000)), "3 500 000 €");
        assert_eq!(euros(Lang::En, Euros::from_euros(999_999)), "€999,999");
        assert_eq!(euros(Lang::Fr, Euros::from_euros(0)), "0 €");
        assert_eq!(
            date(Lang::Fr, "2023-05-01".parse().unwrap()),
            "1er mai 2023"
        );
        assert_eq!(date(Lang::En, "2023-05-31".parse().unwrap()), "31 May 2023");
        assert_eq!(list(Lang::Fr, &["a", "b", "c"]), "a, b et c");
        assert_eq!(percent(Lang::Fr, 0.5), "50 %");
        assert_eq!(percent(Lang::En, 0.495), "49.5%");
        assert_eq!(percent(Lang::Fr, 0.6), "60 %");
        assert_eq!(euros(Lang::Fr, Euros::from_euros(1_000)), "1 000 €");
        assert_eq!(euros(Lang::Fr, Euros::from_euros(100)), "100 €");
        assert_eq!(
            euros(Lang::En, Euros::from_euros(12_345_678)),
            "€12,345,678"
        );
        assert_eq!(
            date(Lang::Fr, "2024-12-17".parse().unwrap()),
            "17 décembre 2024"
        );
        assert_eq!(list(Lang::En, &["a"]), "a");
        assert_eq!(list(Lang::En, &["a", "b"]), "a and b");
    }
}
