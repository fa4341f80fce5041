//! Charts drawn as SVG on the server: no script, readable when printed, and each one comes with
//! the data table that screen readers read instead (the SVG is `aria-hidden`).

use std::fmt::Write as _;

/// One bar: a label and a count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// Where the bar leads (the list behind it), if anywhere.
    pub href: Option<String>,
    /// A DSFR status colour: `success`, `warning`, `error` or `info`.
    pub tone: Option<&'static str>,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: u64) -> Self {
        Bar {
            label: label.into(),
            value,
            href: None,
            tone: None,
        }
    }

    /// The bar opens `href`.
    pub fn linked(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    /// The bar takes a status colour.
    pub fn toned(mut self, tone: &'static str) -> Self {
        self.tone = Some(tone);
        self
    }
}

const WIDTH: u32 = 560;
const ROW: u32 = 28;
/// The extra height of a row whose label takes two lines.
const SECOND_LINE: u32 = 15;
const LABEL: u32 = 270;
/// The characters a label line holds left of the bars (13 px text, about 7 px a character).
const LABEL_CHARS: usize = 34;

/// A label on at most two lines of [`LABEL_CHARS`], cut at the space nearest the middle that
/// lets both fit; what still does not fit ends with « … » (the data table below the chart has
/// it whole).
fn label_lines(label: &str) -> Vec<String> {
    let words: Vec<&str> = label.split_whitespace().collect();
    let whole = words.join(" ");
    let total = whole.chars().count();
    if total <= LABEL_CHARS {
        return vec![whole];
    }
    let first_of = |k: usize| words.get(..k).unwrap_or_default().join(" ");
    let second_of = |k: usize| words.get(k..).unwrap_or_default().join(" ");
    let mut balanced: Option<(usize, usize)> = None;
    let mut greedy = 1;
    for k in 1..words.len() {
        let first = first_of(k).chars().count();
        let second = total - first - 1;
        if first <= LABEL_CHARS {
            greedy = k;
            if second <= LABEL_CHARS && balanced.is_none_or(|(d, _)| first.abs_diff(second) < d) {
                balanced = Some((first.abs_diff(second), k));
            }
        }
    }
    let k = balanced.map_or(greedy, |(_, k)| k);
    [first_of(k), second_of(k)]
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|line| {
            if line.chars().count() <= LABEL_CHARS {
                return line;
            }
            let kept: String = line.chars().take(LABEL_CHARS - 1).collect();
            let kept = match kept.rfind(' ') {
                Some(at) if at > LABEL_CHARS / 2 => kept.get(..at).unwrap_or_default().to_owned(),
                _ => kept,
            };
            format!("{}…", kept.trim_end())
        })
        .collect()
}

/// A horizontal bar chart. Labels are escaped, on two lines when long; the longest bar spans
/// the chart.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let labels: Vec<Vec<String>> = bars.iter().map(|b| label_lines(&b.label)).collect();
    let rows: u32 = labels
        .iter()
        .map(|l| if l.len() > 1 { ROW + SECOND_LINE } else { ROW })
        .sum();
    let height = rows.max(ROW) + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let span = u64::from(WIDTH - LABEL - 60);
    let mut svg = String::with_capacity(256 + bars.len() * 240);
    let _ = write!(
        svg,
        r#"<svg class="nuage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-hidden="true" focusable="false"><title>{}</title>"#,
        escape(title)
    );
    let mut y = 4;
    for (bar, lines) in bars.iter().zip(&labels) {
        let two = lines.len() > 1;
        // A two-line label is centred on its bar.
        let bar_y = if two { y + SECOND_LINE / 2 } else { y };
        let length = bar.value * span / max;
        // A linked bar is a link for the mouse; keyboards and screen readers use the data
        // table's link (the SVG is hidden from them).
        if let Some(href) = &bar.href {
            let _ = write!(svg, r#"<a href="{}" tabindex="-1">"#, escape(href));
        }
        let tone = bar
            .tone
            .map(|t| format!(" nuage-chart__bar--{t}"))
            .unwrap_or_default();
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="nuage-chart__label">"#,
            x = LABEL - 8,
            ty = y + if two { 11 } else { 17 },
        );
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                svg.push_str(&escape(line));
            } else {
                let _ = write!(
                    svg,
                    r#"<tspan x="{x}" dy="{SECOND_LINE}">{}</tspan>"#,
                    escape(line),
                    x = LABEL - 8,
                );
            }
        }
        let _ = write!(
            svg,
            r#"</text><rect x="{LABEL}" y="{bar_y}" width="{length}" height="{h}" class="nuage-chart__bar{tone}"/><text x="{vx}" y="{ty}" class="nuage-chart__value">{value}</text>"#,
            ty = bar_y + 17,
            h = ROW - 8,
            vx = u64::from(LABEL) + length + 6,
            value = bar.value,
        );
        if bar.href.is_some() {
            svg.push_str("</a>");
        }
        y += if two { ROW + SECOND_LINE } else { ROW };
    }
    svg.push_str("</svg>");
    svg
}

/// The most period labels a timeline writes under its points (a month is « 2026-12 », about
/// 50 px): beyond, one point in so many is labelled, the last always.
const TIMELINE_LABELS: usize = 8;

/// A line of counts over periods (adoption over time): points joined, labelled one in so many
/// when they are many; a single period stands in the middle.
pub fn timeline(title: &str, points: &[Bar]) -> String {
    let height = 180u32;
    let max = points.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let n = u32::try_from(points.len().max(2)).unwrap_or(2);
    let step = (WIDTH - 60) / (n - 1);
    let plot = u64::from(height - 50);
    let every = points.len().div_ceil(TIMELINE_LABELS).max(1);
    let labelled = |i: usize| i.is_multiple_of(every) || i + 1 == points.len();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="nuage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-hidden="true" focusable="false"><title>{}</title>"#,
        escape(title)
    );
    let coords: Vec<(u32, u64)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = if points.len() == 1 {
                WIDTH / 2
            } else {
                30 + step * u32::try_from(i).unwrap_or(0)
            };
            let y = 20 + plot - p.value * plot / max;
            (x, y)
        })
        .collect();
    let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" class="nuage-chart__line" fill="none"/>"#,
        path.join(" ")
    );
    for (i, ((x, y), p)) in coords.iter().zip(points).enumerate() {
        let _ = write!(
            svg,
            r#"<circle cx="{x}" cy="{y}" r="4" class="nuage-chart__point"/>"#
        );
        if labelled(i) {
            let _ = write!(
                svg,
                r#"<text x="{x}" y="{ly}" text-anchor="middle" class="nuage-chart__value">{v}</text><text x="{x}" y="{by}" text-anchor="middle" class="nuage-chart__label">{label}</text>"#,
                ly = y.saturating_sub(8),
                v = p.value,
                by = height - 8,
                label = escape(&p.label),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_escape_labels() {
        let svg = bars(
            "Hébergement",
            &[Bar::new("cloud <interne>", 4), Bar::new("saas", 2)],
        );
        insta::assert_snapshot!(svg);
        assert!(!svg.contains("<interne>"));
    }

    #[test]
    fn empty_charts_are_still_valid_svg() {
        assert!(bars("t", &[]).ends_with("</svg>"));
        let line = timeline("t", &[Bar::new("2024", 0)]);
        assert!(line.contains("<polyline"));
    }

    #[test]
    fn long_labels_take_two_lines_and_never_run_off_the_chart() {
        let svg = bars(
            "Dérogations",
            &[
                Bar::new("Demandées — échéance au-delà de 90 jours", 2),
                Bar::new("Court", 1),
            ],
        );
        assert!(svg.contains(">Demandées — échéance<tspan"));
        assert!(svg.contains(">au-delà de 90 jours</tspan>"));
        // Two rows, one of them on two lines.
        assert!(svg.contains(&format!(
            "viewBox=\"0 0 {WIDTH} {}\"",
            2 * ROW + SECOND_LINE + 8
        )));
        for label in [
            "un mot-beaucoup-trop-long-pour-une-seule-ligne-du-graphique et la suite encore plus longue que la première ligne",
            "x",
        ] {
            for line in label_lines(label) {
                assert!(line.chars().count() <= LABEL_CHARS, "{line}");
            }
        }
        assert_eq!(label_lines("a b c").len(), 1);
        assert_eq!(
            label_lines(
                "Obstacle : compétences internes insuffisantes pour exploiter un cluster Kubernetes"
            ),
            [
                "Obstacle : compétences internes",
                "insuffisantes pour exploiter un…"
            ]
        );
    }

    #[test]
    fn a_single_period_stands_in_the_middle_and_many_are_labelled_sparsely() {
        let one = timeline("t", &[Bar::new("2026-12", 3)]);
        assert!(one.contains(&format!(r#"<circle cx="{}""#, WIDTH / 2)));
        assert!(one.contains(">2026-12</text>"));
        let months: Vec<Bar> = (1..=24).map(|i| Bar::new(format!("m{i:02}"), i)).collect();
        let many = timeline("t", &months);
        assert_eq!(many.matches("<circle").count(), 24);
        let labels = many.matches(r#"class="nuage-chart__label""#).count();
        assert!(labels <= TIMELINE_LABELS + 1, "{labels}");
        assert!(many.contains(">m01</text>") && many.contains(">m24</text>"));
    }

    #[test]
    fn timeline_marks_every_point() {
        let svg = timeline(
            "Adoption",
            &[
                Bar::new("2023", 1),
                Bar::new("2024", 5),
                Bar::new("2025", 3),
            ],
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        insta::assert_snapshot!(svg);
    }
}
