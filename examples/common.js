// Shared by the example dashboards: where tracescope is, and showing what it reports.
const params = new URLSearchParams(location.search);

/** The tracescope deployment: ?tracescope=URL, else the README's `bash scripts/serve.sh`. */
export const TRACESCOPE = new URL(params.get('tracescope') ?? 'http://127.0.0.1:8080/');
export const TRACE_ID = params.get('trace') ?? '';

/** Appends one event to the log list. */
export function logEvent(type, detail) {
  const li = document.createElement('li');
  li.dataset.type = type;
  li.textContent = `${type} ${JSON.stringify(detail) ?? ''}`;
  document.getElementById('events').prepend(li);
}

/** Shows the selected span and a "logs for this span" link built from its ids. */
export function showSpan(span) {
  const box = document.getElementById('span');
  box.replaceChildren();
  if (!span) {
    box.textContent = 'No span selected.';
    return;
  }
  const dl = document.createElement('dl');
  for (const [k, v] of [['Service', span.service], ['Span', span.name], ['Span ID', span.spanId],
    ['Duration', `${(span.durationUs / 1000).toFixed(2)} ms`]]) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v; // names come from traces: text, never HTML
    dl.append(dt, dd);
  }
  const logs = document.createElement('a');
  logs.id = 'logs-link';
  logs.href = `https://logs.example/search?traceId=${encodeURIComponent(span.traceId)}&spanId=${encodeURIComponent(span.spanId)}`;
  logs.textContent = 'Logs for this span';
  logs.target = '_blank';
  logs.rel = 'noopener';
  box.append(dl, logs);
}
