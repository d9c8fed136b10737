//! `<input type=datetime-local>` values (local time, `YYYY-MM-DDTHH:MM`) to and from
//! milliseconds since the epoch, for the search form and the dependency page's range.

use wasm_bindgen::JsValue;

/// `YYYY-MM-DDTHH:MM` in local time, as `<input type=datetime-local>` wants it.
pub fn local_input(ms: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Milliseconds since the epoch of a `datetime-local` value (read as local time).
pub fn parse_local_input(v: &str) -> Option<u64> {
    if v.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&JsValue::from_str(v)).get_time();
    (ms.is_finite() && ms > 0.0).then_some(ms as u64)
}
