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
const LABEL: u32 = 270;

/// A horizontal bar chart. Labels are escaped; the longest bar spans the chart.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let height = ROW * u32::try_from(bars.len().max(1)).unwrap_or(1) + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let span = u64::from(WIDTH - LABEL - 60);
    let mut svg = String::with_capacity(256 + bars.len() * 240);
    let _ = write!(
        svg,
        r#"<svg class="nuage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-hidden="true" focusable="false"><title>{}</title>"#,
        escape(title)
    );
    let mut y = 4;
    for bar in bars {
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
            r#"<text x="{x}" y="{ty}" text-anchor="end" class="nuage-chart__label">{label}</text><rect x="{LABEL}" y="{y}" width="{length}" height="{h}" class="nuage-chart__bar{tone}"/><text x="{vx}" y="{ty}" class="nuage-chart__value">{value}</text>"#,
            x = LABEL - 8,
            ty = y + 17,
            label = escape(&bar.label),
            h = ROW - 8,
            vx = u64::from(LABEL) + length + 6,
            value = bar.value,
        );
        if bar.href.is_some() {
            svg.push_str("</a>");
        }
        y += ROW;
    }
    svg.push_str("</svg>");
    svg
}

/// A line of counts over periods (adoption over time): points joined, each labelled.
pub fn timeline(title: &str, points: &[Bar]) -> String {
    let height = 180u32;
    let max = points.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let n = u32::try_from(points.len().max(2)).unwrap_or(2);
    let step = (WIDTH - 60) / (n - 1);
    let plot = u64::from(height - 50);
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
            let x = 30 + step * u32::try_from(i).unwrap_or(0);
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
    for ((x, y), p) in coords.iter().zip(points) {
        let _ = write!(
            svg,
            r#"<circle cx="{x}" cy="{y}" r="4" class="nuage-chart__point"/><text x="{x}" y="{ly}" text-anchor="middle" class="nuage-chart__value">{v}</text><text x="{x}" y="{by}" text-anchor="middle" class="nuage-chart__label">{label}</text>"#,
            ly = y.saturating_sub(8),
            v = p.value,
            by = height - 8,
            label = escape(&p.label),
        );
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
