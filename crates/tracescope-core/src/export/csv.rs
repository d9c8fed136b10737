//! Per-service and per-operation statistics of one trace as CSV (RFC 4180), for
//! spreadsheets: one header row, one row per group, durations in µs.

use std::fmt::Write;

use crate::derive::stats::GroupStats;
use crate::model::Strings;

const HEADER: &str =
    "service,operation,spans,errors,total_us,self_us,min_us,avg_us,p50_us,p95_us,max_us";

/// The rows of [`crate::derive::stats`] as CSV; `operation` is empty for per-service rows.
#[must_use]
pub fn stats_csv(rows: &[GroupStats], strings: &Strings) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(HEADER);
    out.push_str("\r\n");
    for r in rows {
        field(&mut out, strings.get(r.service));
        out.push(',');
        field(&mut out, r.name.map(|n| strings.get(n)).unwrap_or(""));
        let _ = write!(
            out,
            ",{},{},{},{},{},{:.0},{},{},{}\r\n",
            r.count,
            r.error_count,
            r.total_us,
            r.self_total_us,
            r.min_us,
            r.avg_us,
            r.p50_us,
            r.p95_us,
            r.max_us
        );
    }
    out
}

/// One text field: quoted when it holds a separator, quote or line break; a leading
/// `= + - @` (or tab/CR) gets a `'` so a spreadsheet shows it instead of running it as a
/// formula (names come from traces: anyone's text).
fn field(out: &mut String, value: &str) {
    let guarded;
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{value}");
        guarded.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::{derive, self_times, stats, DeriveOptions, GroupBy};

    #[test]
    fn stats_rows_as_csv() {
        let json = br#"[
          {"traceId":"1","id":"1","name":"get /","timestamp":1000,"duration":100,"localEndpoint":{"serviceName":"web, front"}},
          {"traceId":"1","id":"2","parentId":"1","name":"=cmd()","timestamp":1010,"duration":40,"localEndpoint":{"serviceName":"db \"main\""},"tags":{"error":"x"}}
        ]"#;
        let trace = crate::import(json).expect("valid").traces.remove(0);
        let d = derive(trace, DeriveOptions::default());
        let st = self_times(&d.tree);
        let rows = stats::stats(&d.trace, &d.tree, &st, GroupBy::Operation);
        let csv = stats_csv(&rows, &d.trace.strings);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "\"web, front\",get /,1,0,100,60,100,100,100,100,100"
        );
        assert_eq!(
            lines[2],
            "\"db \"\"main\"\"\",'=cmd(),1,1,40,40,40,40,40,40,40"
        );
        assert_eq!(lines[3], "", "ends with a line break");
        assert_eq!(lines.len(), 4);
    }
}
