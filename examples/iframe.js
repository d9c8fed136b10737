// tracescope in an <iframe>: options in the URL, events and commands by postMessage.
// The tracescope deployment must list this page's origin in its config.json
// (`"embed": {"allowedOrigins": ["https://dashboards.example"]}`), or it neither sends
// events here nor accepts commands from here.
import { TRACESCOPE, TRACE_ID, logEvent, showSpan } from './common.js';

const frame = document.getElementById('frame');
const src = new URL('index.html', TRACESCOPE);
src.search = new URLSearchParams({ embed: '1', hide: 'search', theme: 'auto', trace: TRACE_ID }).toString();
frame.src = src.href;

window.addEventListener('message', (ev) => {
  // Only our frame, from the tracescope origin.
  if (ev.source !== frame.contentWindow || ev.origin !== TRACESCOPE.origin) return;
  const { source, type, detail } = ev.data ?? {};
  if (source !== 'tracescope') return;
  logEvent(type, detail);
  if (type === 'span-select') showSpan(detail);
});

document.getElementById('filter-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const arg = document.getElementById('filter').value;
  frame.contentWindow.postMessage({ source: 'tracescope', type: 'setFilter', arg }, TRACESCOPE.origin);
});
