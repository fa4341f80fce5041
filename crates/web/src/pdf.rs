//! A small PDF writer for the committee documents (the R7 comparative study, the R9 derogation
//! request): A4 pages of headings, paragraphs and label–value rows in the PDF standard fonts
//! (Helvetica), so the file needs no embedded font and opens everywhere.
//!
//! Text is encoded in WinAnsiEncoding, which covers French (accents, « », ’, œ, €); a character
//! outside it prints as `?`. Lines are wrapped with Helvetica's real glyph widths.

use std::fmt::Write as _;

/// One block of the document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    /// A label and its value, the label in bold on the left.
    Row(String, String),
    /// A small grey line (sources, dates).
    Note(String),
    /// Vertical space.
    Gap,
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const LABEL_W: f32 = 170.0;

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    grey: bool,
    leading: f32,
}

/// The document's pages as content streams, then the file.
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    let mut pages: Vec<String> = Vec::new();
    let mut page = String::new();
    let mut y = PAGE_H - MARGIN;
    let width = PAGE_W - 2.0 * MARGIN;
    let ensure = |page: &mut String, y: &mut f32, needed: f32, pages: &mut Vec<String>| {
        if *y - needed < MARGIN {
            pages.push(std::mem::take(page));
            *y = PAGE_H - MARGIN;
        }
    };
    for block in blocks {
        match block {
            Block::Gap => y -= 8.0,
            Block::Title(t) | Block::Heading(t) | Block::Paragraph(t) | Block::Note(t) => {
                let style = match block {
                    Block::Title(_) => Style {
                        size: 18.0,
                        bold: true,
                        grey: false,
                        leading: 24.0,
                    },
                    Block::Heading(_) => Style {
                        size: 13.0,
                        bold: true,
                        grey: false,
                        leading: 18.0,
                    },
                    Block::Note(_) => Style {
                        size: 8.5,
                        bold: false,
                        grey: true,
                        leading: 11.0,
                    },
                    _ => Style {
                        size: 10.0,
                        bold: false,
                        grey: false,
                        leading: 13.5,
                    },
                };
                if matches!(block, Block::Heading(_)) {
                    y -= 6.0;
                }
                for line in wrap(t, style.size, style.bold, width) {
                    ensure(&mut page, &mut y, style.leading, &mut pages);
                    y -= style.leading;
                    text(&mut page, MARGIN, y, style, &line);
                }
                if matches!(block, Block::Title(_)) {
                    y -= 6.0;
                }
            }
            Block::Row(label, value) => {
                let style = Style {
                    size: 10.0,
                    bold: false,
                    grey: false,
                    leading: 13.5,
                };
                let labels = wrap(label, 10.0, true, LABEL_W - 10.0);
                let values = wrap(value, 10.0, false, width - LABEL_W);
                let lines = labels.len().max(values.len()).max(1);
                ensure(&mut page, &mut y, style.leading * lines as f32, &mut pages);
                for i in 0..lines {
                    y -= style.leading;
                    if let Some(l) = labels.get(i) {
                        text(
                            &mut page,
                            MARGIN,
                            y,
                            Style {
                                bold: true,
                                ..style
                            },
                            l,
                        );
                    }
                    if let Some(v) = values.get(i) {
                        text(&mut page, MARGIN + LABEL_W, y, style, v);
                    }
                }
                y -= 3.0;
            }
        }
    }
    pages.push(page);
    assemble(title, &pages)
}

fn text(out: &mut String, x: f32, y: f32, style: Style, line: &str) {
    let font = if style.bold { "F2" } else { "F1" };
    let grey = if style.grey { "0.4 g" } else { "0 g" };
    let _ = writeln!(
        out,
        "BT {grey} /{font} {:.1} Tf {x:.1} {y:.1} Td ({}) Tj ET",
        style.size,
        escape(line)
    );
}

/// Letters WinAnsiEncoding lacks but names use (« Cloud π »), spelt out.
fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('π') {
        std::borrow::Cow::Owned(text.replace('π', "pi"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Breaks `text` into lines no wider than `width` points.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let text = normalize(text);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate, size, bold) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_owned();
            }
        }
        lines.push(line);
    }
    lines
}

fn measure(text: &str, size: f32, bold: bool) -> f32 {
    text.chars()
        .map(|c| f32::from(glyph_width(winansi(c), bold)))
        .sum::<f32>()
        * size
        / 1000.0
}

/// Helvetica and Helvetica-Bold advance widths (per 1000 em) for printable ASCII; accented
/// letters take their base letter's width, other characters an average one.
fn glyph_width(byte: u8, bold: bool) -> u16 {
    const REGULAR: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    const BOLD: [u16; 95] = [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
        722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
        611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
        500, 389, 280, 389, 584,
    ];
    let table = if bold { &BOLD } else { &REGULAR };
    let base = match byte {
        0x20..=0x7E => byte,
        0xC0..=0xC5 => b'A',
        0xC7 => b'C',
        0xC8..=0xCB => b'E',
        0xCC..=0xCF => b'I',
        0xD2..=0xD6 => b'O',
        0xD9..=0xDC => b'U',
        0xE0..=0xE5 => b'a',
        0xE7 => b'c',
        0xE8..=0xEB => b'e',
        0xEC..=0xEF => b'i',
        0xF2..=0xF6 => b'o',
        0xF9..=0xFC => b'u',
        0x9C => return 944,
        0x97 => return 1000,
        0x96 => return 556,
        0xAB | 0xBB => return 556,
        _ => b'n',
    };
    table.get(usize::from(base - 0x20)).copied().unwrap_or(556)
}

/// The WinAnsiEncoding byte for a character (`?` when it has none).
fn winansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7E}' => c as u8,
        '\u{A0}' | '\u{202F}' | '\u{2009}' => b' ',
        '\u{A1}'..='\u{FF}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        'Œ' => 0x8C,
        'œ' => 0x9C,
        '←' => b'<',
        '→' => b'>',
        _ => b'?',
    }
}

/// A PDF literal string: WinAnsi bytes with `\`, `(` and `)` escaped, others in octal.
fn escape(line: &str) -> String {
    let line = normalize(line);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        let b = winansi(c);
        match b {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out
}

/// Objects, cross-reference table and trailer (PDF 1.4, uncompressed).
fn assemble(title: &str, pages: &[String]) -> Vec<u8> {
    // 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content per page.
    let n = pages.len();
    let mut objects: Vec<String> = Vec::with_capacity(5 + 2 * n);
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .into(),
    );
    objects.push(format!(
        "<< /Title ({}) /Producer (Nuage) >>",
        escape(title)
    ));
    for (i, content) in pages.iter().enumerate() {
        let footer = format!(
            "BT 0.4 g /F1 8 Tf {MARGIN:.1} 30 Td ({} - {}/{n}) Tj ET\n",
            escape(title),
            i + 1
        );
        let stream = format!("{content}{footer}");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            7 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}endstream",
            stream.len()
        ));
    }
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{object}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(out, "{offset:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cross-reference entry points at its object: a reader can open the file.
    fn check_structure(pdf: &[u8]) {
        let text = String::from_utf8(pdf.to_vec()).unwrap();
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[startxref..].starts_with("xref\n"));
        let entries: Vec<&str> = text[startxref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .collect();
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj\n", i + 1)),
                "object {}",
                i + 1
            );
        }
    }

    #[test]
    fn a_document_is_a_well_formed_pdf_with_french_text() {
        let pdf = render(
            "Étude comparative",
            &[
                Block::Title("Étude comparative — « Portail » (R7)".into()),
                Block::Row("Coût complet".into(), "3 500 000 €".into()),
                Block::Paragraph(
                    "Les données d'une sensibilité particulière ; l'œuvre (secret).".into(),
                ),
                Block::Note("Circulaire n° 6404/SG ; Cloud π".into()),
            ],
        );
        check_structure(&pdf);
        let text = String::from_utf8_lossy(&pdf);
        // « É » is 0xC9 = \311 in octal, « € » 0x80 = \200, « œ » 0x9C = \234.
        assert!(
            text.contains("(\\311tude comparative \\227 \\253 Portail \\273 \\(R7\\)) Tj"),
            "{text}"
        );
        assert!(text.contains("3 500 000 \\200"));
        assert!(text.contains("l'\\234uvre \\(secret\\)"));
        assert!(
            text.contains("Cloud pi"),
            "letters outside WinAnsi are spelt out"
        );
    }

    #[test]
    fn poppler_reads_it_back_when_installed() {
        let pdf = render(
            "Demande",
            &[
                Block::Title("Demande de dérogation".into()),
                Block::Row("Échéance".into(), "2026-12-17".into()),
            ],
        );
        let path = std::env::temp_dir().join(format!("nuage-pdf-{}.pdf", std::process::id()));
        std::fs::write(&path, &pdf).unwrap();
        let Ok(out) = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
        else {
            return; // poppler-utils not installed: the structure test above still runs
        };
        let _ = std::fs::remove_file(&path);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("Demande de dérogation") && text.contains("Échéance"),
            "{text}"
        );
    }

    #[test]
    fn long_text_wraps_and_flows_onto_new_pages() {
        let long = "mot ".repeat(4000);
        let pdf = render("Long", &[Block::Paragraph(long)]);
        check_structure(&pdf);
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page /Parent").count();
        assert!(pages >= 3, "{pages} pages");
        assert!(text.contains(&format!("/Count {pages}")));
        for line in wrap(&"mot ".repeat(200), 10.0, false, 483.0) {
            assert!(measure(&line, 10.0, false) <= 483.0);
        }
    }
}
