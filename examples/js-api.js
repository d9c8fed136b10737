// tracescope mounted into this page by its JS API. The tracescope host must serve the
// bundle with CORS (`Access-Control-Allow-Origin`) when it is on another origin: the page
// imports its modules and wasm.
import { TRACESCOPE, TRACE_ID, logEvent, showSpan } from './common.js';

const { mount } = await import(new URL('tracescope-embed.js', TRACESCOPE).href);
const host = document.getElementById('view');
for (const type of ['trace-load', 'span-select', 'error']) {
  host.addEventListener(type, (ev) => {
    logEvent(type, ev.detail);
    if (type === 'span-select') showSpan(ev.detail);
  });
}
const view = await mount(host, { traceId: TRACE_ID, hide: ['search'], theme: 'auto' });
window.tracescopeView = view; // for the browser test

document.getElementById('filter-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  view.setFilter(document.getElementById('filter').value);
});
