//! Where in the input an error is: byte offset and line/column.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    /// Zero-based byte offset into the input.
    pub offset: usize,
    /// One-based line and column (column counted in bytes, as serde_json does).
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// Converts serde_json's line/column into a byte offset within `input`.
    pub fn from_line_column(input: &[u8], line: usize, column: usize) -> Position {
        let mut line_start = 0;
        if line > 1 {
            let mut seen = 1;
            for (i, &b) in input.iter().enumerate() {
                if b == b'\n' {
                    seen += 1;
                    if seen == line {
                        line_start = i + 1;
                        break;
                    }
                }
            }
        }
        let offset = (line_start + column.saturating_sub(1)).min(input.len());
        Position {
            offset,
            line,
            column,
        }
    }

    /// The position of byte `offset` within `input`.
    pub fn from_offset(input: &[u8], offset: usize) -> Position {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        Position {
            offset,
            line,
            column: offset - line_start + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}, byte offset {}",
            self.line, self.column, self.offset
        )
    }
}
