//! Error messages that point at the file, line, column and field, with the line itself.

use std::fmt::Write;

use nuage_doctrine::ReadError;

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// `error: MESSAGE` on stderr.
pub(crate) fn print_error(color: bool, message: &str) {
    eprintln!("{} {message}", paint(color, "1;31", "error:"));
}

/// Renders a dossier read error with the offending line.
pub(crate) fn render_read_error(color: bool, path: &str, source: &str, err: &ReadError) -> String {
    let mut out = String::new();
    let mut location = path.to_owned();
    if let Some(line) = err.line {
        let _ = write!(location, ":{line}");
        if let Some(col) = err.column {
            let _ = write!(location, ":{col}");
        }
    }
    let field = err
        .field
        .as_deref()
        .map(|f| format!("field `{f}`: "))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {location}: {field}{}",
        paint(color, "1;31", "error:"),
        err.message
    );
    if let Some(line_no) = err.line
        && let Some(text) = source.lines().nth(line_no.saturating_sub(1))
    {
        let gutter = line_no.to_string();
        let pad = " ".repeat(gutter.len());
        let _ = writeln!(out, "{pad} {}", paint(color, "1;34", "|"));
        let _ = writeln!(
            out,
            "{} {} {text}",
            paint(color, "1;34", &gutter),
            paint(color, "1;34", "|")
        );
        if let Some(col) = err.column {
            let before: String = text
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                "{pad} {} {before}{}",
                paint(color, "1;34", "|"),
                paint(color, "1;31", "^")
            );
        }
    }
    out
}
