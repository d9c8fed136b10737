// <tracescope-view>: importing tracescope-embed.js defines the element; attributes are the
// mount options (api, trace-id, theme, hide, collapse, filter, span, lang). Changing
// trace-id or filter later updates the view.
import { TRACESCOPE, TRACE_ID, logEvent, showSpan } from './common.js';

await import(new URL('tracescope-embed.js', TRACESCOPE).href);
const view = document.createElement('tracescope-view');
view.className = 'trace';
view.dataset.testid = 'embed-host';
view.setAttribute('trace-id', TRACE_ID);
view.setAttribute('hide', 'search,minimap');
for (const type of ['trace-load', 'span-select', 'error']) {
  view.addEventListener(type, (ev) => {
    logEvent(type, ev.detail);
    if (type === 'span-select') showSpan(ev.detail);
  });
}
document.getElementById('slot').append(view);
