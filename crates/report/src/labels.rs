//! The reports' own phrasing helper; the words of the doctrine's codes come from
//! `nuage_doctrine::vocabulary`.

use nuage_doctrine::Lang;

/// `fr` or `en` text.
pub(crate) fn pick(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}
