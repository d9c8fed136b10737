// tracescope's JS API for pages that host it directly (README "Embedding").
//
//   <script type="module" src="https://tools.example/tracescope/tracescope-embed.js"></script>
//   <tracescope-view api="https://zipkin.example" trace-id="…" theme="dark"></tracescope-view>
//
//   import { mount } from 'https://tools.example/tracescope/tracescope-embed.js';
//   const view = await mount(element, { api, traceId, theme, hide: ['minimap'], filter });
//   view.loadTrace(id); view.loadJson(objectOrText); view.setFilter('error'); view.destroy();
//
// Events (`trace-load`, `span-select`, `error`) are CustomEvents on the element; they bubble.
// The view lives in the element's (open) shadow root with its own styles, so the page's CSS
// and the view's do not touch each other.
//
// The build (scripts/externalize-boot.mjs) fills in the bundle's hashed file names below.
const APP_JS = '__APP_JS__';
const APP_WASM = '__APP_WASM__';
const STYLES = __STYLES__;

const base = new URL('./', import.meta.url).href;
let started;

/** Loads the wasm once per page. */
function start() {
  started ??= (async () => {
    const app = await import(new URL(APP_JS, base).href);
    await app.default({ module_or_path: new URL(APP_WASM, base).href });
    return app;
  })();
  return started;
}

/**
 * Mounts a view into `element`. Options: api, traceId, service, theme (light|dark|auto),
 * hide (array or comma list of minimap, search, detail, summary), collapse (depth), filter,
 * span, lang (en|zh-CN), embed (false to keep the header). One view per page; more by iframe.
 */
export async function mount(element, options = {}) {
  const app = await start();
  const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  container.className = 'tracescope-root';
  const loaded = STYLES.map((name) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = new URL(name, base).href;
    return new Promise((resolve) => {
      link.onload = link.onerror = resolve;
      shadow.append(link);
    });
  });
  shadow.append(container);
  // Styled before the first frame, so the canvas is measured at its real size.
  await Promise.all(loaded);
  const view = app.mount(container, options, base);
  const destroy = view.destroy.bind(view);
  view.destroy = () => {
    destroy();
    shadow.replaceChildren();
  };
  return view;
}

const ATTRIBUTES = {
  api: 'api', 'trace-id': 'traceId', service: 'service', theme: 'theme', hide: 'hide',
  collapse: 'collapse', filter: 'filter', span: 'span', lang: 'lang',
};

class TracescopeView extends HTMLElement {
  static observedAttributes = ['trace-id', 'filter'];

  async connectedCallback() {
    const options = {};
    for (const [attr, key] of Object.entries(ATTRIBUTES)) {
      if (this.hasAttribute(attr)) options[key] = this.getAttribute(attr);
    }
    if (!this.style.display) this.style.display = 'block';
    try {
      const view = await mount(this, options);
      // Removed while the wasm loaded: nothing to show any more.
      if (!this.isConnected) view.destroy();
      else this.view = view;
    } catch (err) {
      this.dispatchEvent(new CustomEvent('error', { detail: { kind: 'mount', message: String(err) }, bubbles: true }));
    }
  }

  attributeChangedCallback(name, old, value) {
    if (!this.view || old === value) return;
    if (name === 'trace-id' && value) this.view.loadTrace(value);
    if (name === 'filter') this.view.setFilter(value ?? '');
  }

  disconnectedCallback() {
    this.view?.destroy();
    this.view = undefined;
  }
}

if (!customElements.get('tracescope-view')) customElements.define('tracescope-view', TracescopeView);
