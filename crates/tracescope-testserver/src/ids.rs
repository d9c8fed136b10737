//! Trace and span id normalisation, following Zipkin's `Span.normalizeTraceId` (strictTraceId=true):
//! 1–32 lower-hex characters, left-padded to 16 or 32; a 128-bit id whose high half is zero is the
//! same trace as its 64-bit low half. Error texts are Zipkin's, since clients may show them.

/// Normalises a trace id from a *query* (path or parameter). Like Zipkin, upper-case hex is an
/// error here; surrounding whitespace is trimmed (Zipkin trims the path id).
///
/// # Errors
/// Zipkin's message: `traceId is empty`, `traceId.length > 32`, `<id> should be lower-hex encoded
/// with no prefix`, or `traceId is all zeros`.
pub fn normalize_trace_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty() {
        return Err("traceId is empty".into());
    }
    if id.len() > 32 {
        return Err("traceId.length > 32".into());
    }
    let zeros = hex_zero_prefix(id)?;
    if zeros == id.len() {
        return Err("traceId is all zeros".into());
    }
    Ok(match id.len() {
        32 if zeros >= 16 => id[16..].to_string(),
        16 | 32 => id.to_string(),
        n if n < 16 => format!("{id:0>16}"),
        _ => format!("{id:0>32}"),
    })
}

/// Normalises a trace id found in *data* (files, POST bodies): like [`normalize_trace_id`] but
/// upper-case hex is accepted and lower-cased, since some exporters write it.
///
/// # Errors
/// As [`normalize_trace_id`].
pub fn normalize_data_trace_id(raw: &str) -> Result<String, String> {
    normalize_trace_id(&raw.to_ascii_lowercase())
}

/// Normalises a span id: 1–16 hex characters (upper-case accepted), left-padded to 16.
/// Returns `Ok(None)` for an all-zero id, which Zipkin treats as absent.
///
/// # Errors
/// `id is empty`, `id.length > 16` or `<id> should be lower-hex encoded with no prefix`.
pub fn normalize_span_id(raw: &str) -> Result<Option<String>, String> {
    let id = raw.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err("id is empty".into());
    }
    if id.len() > 16 {
        return Err(format!("{id}: id.length > 16"));
    }
    let zeros = hex_zero_prefix(&id)?;
    if zeros == id.len() {
        return Ok(None);
    }
    Ok(Some(format!("{id:0>16}")))
}

/// Validates lower-hex and returns how many leading `0`s the id has.
fn hex_zero_prefix(id: &str) -> Result<usize, String> {
    if !id
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(format!("{id} should be lower-hex encoded with no prefix"));
    }
    Ok(id.bytes().take_while(|&b| b == b'0').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_and_trims_like_zipkin() {
        assert_eq!(normalize_trace_id("2").as_deref(), Ok("0000000000000002"));
        assert_eq!(
            normalize_trace_id("463ac35c9f6413ad48485a3953bb6124").as_deref(),
            Ok("463ac35c9f6413ad48485a3953bb6124")
        );
        assert_eq!(
            normalize_trace_id("000000000000000048485a3953bb6124").as_deref(),
            Ok("48485a3953bb6124")
        );
        assert_eq!(
            normalize_trace_id("1463ac35c9f6413ad48485a3953bb612").as_deref(),
            Ok("1463ac35c9f6413ad48485a3953bb612")
        );
        assert_eq!(
            normalize_trace_id("463ac35c9f6413ad4").as_deref(),
            Ok("000000000000000463ac35c9f6413ad4")
        );
        assert_eq!(
            normalize_trace_id(" abc ").as_deref(),
            Ok("0000000000000abc")
        );
    }

    #[test]
    fn rejects_like_zipkin() {
        assert_eq!(
            normalize_trace_id("0e8b46e1-81b"),
            Err("0e8b46e1-81b should be lower-hex encoded with no prefix".into())
        );
        assert_eq!(
            normalize_trace_id("ABC"),
            Err("ABC should be lower-hex encoded with no prefix".into())
        );
        assert_eq!(normalize_trace_id(""), Err("traceId is empty".into()));
        assert_eq!(
            normalize_trace_id("000"),
            Err("traceId is all zeros".into())
        );
        assert_eq!(
            normalize_trace_id(&"a".repeat(33)),
            Err("traceId.length > 32".into())
        );
        assert_eq!(
            normalize_data_trace_id("ABC").as_deref(),
            Ok("0000000000000abc")
        );
    }

    #[test]
    fn span_ids() {
        assert_eq!(
            normalize_span_id("8ddf2bbd1e6c1d5").map(Option::unwrap_or_default),
            Ok("08ddf2bbd1e6c1d5".to_string())
        );
        assert_eq!(normalize_span_id("0000"), Ok(None));
        assert!(normalize_span_id("xyz").is_err());
        assert!(normalize_span_id(&"1".repeat(17)).is_err());
    }
}
