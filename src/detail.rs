//! The span detail panel (DOM, beside the canvas). Every string in it is untrusted and
//! rendered as text; only tag values that are http(s) URLs become links.

use leptos::prelude::*;
use tracescope_core::engine::SpanDetail;
use tracescope_core::layout::time_axis::format_duration;

use crate::engine_client::EngineClient;
use crate::i18n::{tr, warning_line, Lang, Msg};
use crate::state::use_app;

/// A link target only for plain http(s) URLs; anything else (`javascript:` …) stays text.
fn safe_url(value: &str) -> Option<String> {
    let v = value.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    let ok = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !v.chars().any(|c| c.is_control() || c.is_whitespace());
    if !ok {
        return None;
    }
    // Let the browser's URL parser have the last word.
    let url = web_sys::Url::new(v).ok()?;
    matches!(url.protocol().as_str(), "http:" | "https:").then(|| url.href())
}

fn copy(text: String) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&text);
    }
}

#[component]
pub fn SpanDetailPanel(
    client: EngineClient,
    trace: usize,
    span: u32,
    on_close: impl Fn() + 'static,
    on_focus: impl Fn() + 'static,
) -> impl IntoView {
    let state = use_app();
    let detail: RwSignal<Option<SpanDetail>> = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let d = client.span_detail(trace, span).await;
        let _ = detail.try_set(d);
    });
    view! {
        <aside class="detail" data-testid="span-detail" data-span=span.to_string()>
            <div class="detail-head">
                <button data-testid="detail-close" title=tr(Msg::CloseEsc) on:click=move |_| on_close()>"×"</button>
                <button data-testid="detail-focus" title=tr(Msg::FocusSubtreeTitle) on:click=move |_| on_focus()>{tr(Msg::FocusSubtree)}</button>
            </div>
            {move || {
                let lang = state.lang.get();
                detail.get().map(|d| render(d, lang))
            }}
        </aside>
    }
}

fn id_row(label: &'static str, value: String, lang: Lang) -> impl IntoView {
    let v = value.clone();
    view! {
        <tr>
            <th>{label}</th>
            <td class="mono">{value}" "<button class="copy" title=Msg::CopyTitle.text(lang) on:click=move |_| copy(v.clone())>{Msg::Copy.text(lang)}</button></td>
        </tr>
    }
}

fn render(d: SpanDetail, lang: Lang) -> impl IntoView {
    let t = |m: Msg| m.text(lang);
    let title = format!(
        "{}: {}",
        if d.service.is_empty() {
            t(Msg::Unknown)
        } else {
            &d.service
        },
        d.name
    );
    let raw = d.raw_json.clone();
    let skew = match d.skew_delta_us {
        0 => None,
        us if us > 0 => Some(Msg::SkewMovedLater.fill(lang, &[("d", &format_duration(us))])),
        us => Some(Msg::SkewMovedEarlier.fill(lang, &[("d", &format_duration(-us))])),
    };
    let tags = d
        .tags
        .iter()
        .map(|(k, v)| {
            let value = match safe_url(v) {
                Some(href) => {
                    view! { <a href=href target="_blank" rel="noopener noreferrer">{v.clone()}</a> }
                        .into_any()
                }
                None => view! { <span>{v.clone()}</span> }.into_any(),
            };
            view! { <tr><th class="mono">{k.clone()}</th><td class="value">{value}</td></tr> }
        })
        .collect_view();
    let annotations = d
        .annotations
        .iter()
        .map(|(at, v)| view! { <tr><th>{format!("+{}", format_duration(*at))}</th><td>{v.clone()}</td></tr> })
        .collect_view();
    let links = d
        .links
        .iter()
        .map(|l| {
            let attrs = l.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
            view! { <tr><th>{l.kind.clone()}</th><td class="mono">{format!("{} / {}", l.trace_id, l.span_id)}" "{attrs}</td></tr> }
        })
        .collect_view();
    let resource = d
        .resource
        .iter()
        .map(|(k, v)| view! { <tr><th class="mono">{k.clone()}</th><td>{v.clone()}</td></tr> })
        .collect_view();
    let warnings = d
        .warnings
        .iter()
        .map(|w| view! { <li>{warning_line(w, lang)}</li> })
        .collect_view();
    view! {
        <h3 class="detail-title" title=title.clone()>{title.clone()}</h3>
        {d.error.then(|| view! { <p class="badge-error">{t(Msg::ErrorBadge)}</p> })}
        <table class="kv">
            {id_row(t(Msg::DetailSpanId), d.span_id.clone(), lang)}
            {d.parent_id.clone().map(|p| id_row(t(Msg::DetailParentId), p, lang))}
            {id_row(t(Msg::StatTraceId), d.trace_id.clone(), lang)}
            <tr><th>{t(Msg::DetailKind)}</th><td>{if d.kind.is_empty() { t(Msg::KindLocal).to_string() } else { d.kind.clone() }}{d.shared.then_some(t(Msg::KindShared))}</td></tr>
            {d.local_endpoint.clone().map(|e| view! { <tr><th>{t(Msg::DetailLocal)}</th><td>{e}</td></tr> })}
            {d.remote_endpoint.clone().map(|e| view! { <tr><th>{t(Msg::DetailRemote)}</th><td>{e}</td></tr> })}
            <tr><th>{t(Msg::StatStart)}</th><td>{format!("+{}", format_duration(d.start_offset_us))}</td></tr>
            <tr><th>{t(Msg::StatDuration)}</th><td>{format_duration(d.duration_us)}</td></tr>
            <tr><th>{t(Msg::SelfTime)}</th><td>{format_duration(d.self_time_us)}</td></tr>
            <tr><th>{t(Msg::DetailChildren)}</th><td>{d.child_count}</td></tr>
            {d.status.clone().map(|st| view! { <tr><th>{t(Msg::DetailStatus)}</th><td>{st}</td></tr> })}
            {d.scope.clone().map(|sc| view! { <tr><th>{t(Msg::DetailScope)}</th><td>{sc}</td></tr> })}
            {skew.map(|text| view! {
                <tr><th>{t(Msg::DetailClockSkew)}</th><td data-testid="skew-note" data-skew-delta-us=d.skew_delta_us.to_string()>{text}</td></tr>
            })}
        </table>
        <h4>{Msg::DetailTags.fill(lang, &[("n", &d.tags.len().to_string())])}</h4>
        <table class="kv tags" data-testid="span-tags">{tags}</table>
        {(!d.annotations.is_empty()).then(|| view! {
            <h4>{Msg::DetailAnnotations.fill(lang, &[("n", &d.annotations.len().to_string())])}</h4>
            <table class="kv">{annotations}</table>
        })}
        {(!d.links.is_empty()).then(|| view! {
            <h4>{Msg::DetailLinks.fill(lang, &[("n", &d.links.len().to_string())])}</h4>
            <table class="kv" data-testid="span-links">{links}</table>
        })}
        {(!d.resource.is_empty()).then(|| view! {
            <h4>{t(Msg::DetailResource)}</h4>
            <table class="kv">{resource}</table>
        })}
        {(!d.warnings.is_empty()).then(|| view! {
            <h4>{t(Msg::StatWarnings)}</h4>
            <ul class="warnings">{warnings}</ul>
        })}
        <details>
            <summary>{t(Msg::DetailRawSpan)}</summary>
            <pre class="raw" data-testid="span-raw">{raw}</pre>
        </details>
    }
}
