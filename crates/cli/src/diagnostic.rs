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

/// Characters of a line shown at most: a longer line is cut around the column, with `…`.
const SHOWN: usize = 100;

/// The part of `line` to show and the caret's 1-based column in it.
fn window(line: &str, column: Option<usize>) -> (String, Option<usize>) {
    let len = line.chars().count();
    if len <= SHOWN {
        return (line.to_owned(), column);
    }
    let col = column.unwrap_or(1).clamp(1, len + 1);
    let start = col.saturating_sub(SHOWN / 2).min(len.saturating_sub(SHOWN));
    let mut shown: String = line.chars().skip(start).take(SHOWN).collect();
    let mut caret = col - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if start + SHOWN < len {
        shown.push('…');
    }
    (shown, column.map(|_| caret))
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
        let (shown, caret) = window(text, err.column);
        let gutter = line_no.to_string();
        let pad = " ".repeat(gutter.len());
        let _ = writeln!(out, "{pad} {}", paint(color, "1;34", "|"));
        let _ = writeln!(
            out,
            "{} {} {shown}",
            paint(color, "1;34", &gutter),
            paint(color, "1;34", "|")
        );
        if let Some(col) = caret {
            let before: String = shown
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

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn long_lines_are_cut_around_the_column() {
        assert_eq!(window("short", Some(3)), ("short".to_owned(), Some(3)));
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, caret) = window(&line, Some(501));
        assert_eq!(shown.chars().count(), 102);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(caret.unwrap() - 1), Some('X'));
        let (shown, caret) = window(&line, Some(2));
        assert!(!shown.starts_with('…'));
        assert_eq!(caret, Some(2));
        let (_, caret) = window(&line, None);
        assert_eq!(caret, None);
    }
}
