// The span tree, the filter language and duration texts, computed independently of the app
// from the API's JSON (Zipkin v2 spans), so the trace view can be checked against them.
//
// The tree is built the way Zipkin builds it, with the refinement the app documents
// (crates/tracescope-core/src/derive/tree.rs): a shared SERVER half hangs under the CLIENT half
// with the same id; a child of a shared id hangs under the server half on its own endpoint
// (same service, no address or port that differs), else under the client half; a span whose
// parent is missing hangs under the single root. Siblings are ordered by timestamp, then by their
// position in the JSON array (the app keeps the input order of spans: for a trace without
// duplicate reports, a span's index, e.g. `data-selected-span`, is its position in the array).

/**
 * { nodes, order, roots }: `nodes[i]` = { span, index, parent, children, depth, size } for the
 * i-th span of the array; `order` = nodes in display (depth-first) order.
 */
export function spanTree(spans) {
  const nodes = spans.map((span, index) => ({ span, index, parent: null, children: [], depth: 0, size: 1 }));
  // Same service, and no address or port that differs where both have one.
  const conflicts = (a, b) => a !== undefined && b !== undefined && a !== b;
  const compatible = (a, b) =>
    !!a?.serviceName && !!b && a.serviceName === b.serviceName &&
    !conflicts(a.ipv4, b.ipv4) && !conflicts(a.ipv6, b.ipv6) && !conflicts(a.port, b.port);
  const sameEndpoint = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const byId = new Map();
  for (const n of nodes) byId.set(n.span.id, [...(byId.get(n.span.id) ?? []), n]);
  const found = nodes.map((n) => {
    const s = n.span;
    if (s.shared) {
      const halves = (byId.get(s.id) ?? []).filter((c) => !c.span.shared);
      const cli = halves.find((c) => c.span.kind === 'CLIENT') ?? halves[0];
      if (cli) return cli;
    }
    if (!s.parentId) return undefined; // a root
    const same = byId.get(s.parentId) ?? [];
    const find = (shared, pick) => same.find((c) => !!c.span.shared === shared && pick(c.span));
    return (
      find(true, (c) => sameEndpoint(c.localEndpoint, s.localEndpoint)) ??
      find(true, (c) => compatible(c.localEndpoint, s.localEndpoint)) ??
      find(false, (c) => sameEndpoint(c.localEndpoint, s.localEndpoint)) ??
      find(false, (c) => compatible(c.localEndpoint, s.localEndpoint)) ??
      find(false, (c) => c.kind === 'CLIENT') ??
      find(false, () => true) ??
      find(true, () => true) ??
      null // the parent is missing
    );
  });
  const roots = nodes.filter((n, i) => found[i] === undefined);
  const single = roots.length === 1 ? roots[0] : null;
  const top = [];
  nodes.forEach((n, i) => {
    const p = found[i] === undefined ? null : found[i] ?? single;
    if (p) {
      n.parent = p;
      p.children.push(n);
    } else {
      top.push(n);
    }
  });
  const byStart = (a, b) => (a.span.timestamp ?? 0) - (b.span.timestamp ?? 0) || a.index - b.index;
  for (const n of nodes) n.children.sort(byStart);
  top.sort(byStart);
  const order = [];
  const stack = [...top].reverse().map((n) => [n, 0]);
  while (stack.length) {
    const [n, depth] = stack.pop();
    n.depth = depth;
    order.push(n);
    for (let i = n.children.length - 1; i >= 0; i -= 1) stack.push([n.children[i], depth + 1]);
  }
  for (let i = order.length - 1; i >= 0; i -= 1) if (order[i].parent) order[i].parent.size += order[i].size;
  return { nodes, order, roots: top };
}

/** Rows shown (nodes, display order) when the nodes for which `collapsed(node)` holds are collapsed. */
export function visibleAfterCollapse(tree, collapsed) {
  const out = [];
  for (let i = 0; i < tree.order.length; ) {
    const n = tree.order[i];
    out.push(n);
    i += n.children.length && collapsed(n) ? n.size : 1;
  }
  return out;
}

/** Nodes and their ancestors (what "only matches" mode shows), display order. */
export function withAncestors(tree, matched) {
  const keep = new Set();
  for (const n of tree.order) {
    if (!matched(n)) continue;
    for (let a = n; a && !keep.has(a); a = a.parent) keep.add(a);
  }
  return tree.order.filter((n) => keep.has(n));
}

/** Whether a span has an error, as Zipkin Lens and the app define it. */
export function isError(span) {
  const tags = span.tags ?? {};
  return 'error' in tags || String(tags['otel.status_code'] ?? '').toUpperCase() === 'ERROR';
}

/** µs of a duration as the filter language writes it: 250us, 10ms, 1.5s, 2m, bare µs. */
export function parseQueryDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)?$/.exec(text);
  if (!m) return null;
  const scale = { us: 1, µs: 1, ms: 1e3, s: 1e6, m: 60e6 }[m[2] ?? 'us'];
  return Math.round(Number(m[1]) * scale);
}

/**
 * A reading of the filter language of crates/tracescope-core/src/filter.rs (terms ANDed,
 * case-insensitive substrings): service:, name:, key=value, tag:, dur>/>=/</<=, is:error,
 * plain words. Returns a predicate on a Zipkin v2 span (JSON).
 */
export function spanFilter(query) {
  const terms = query.trim().split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
  const has = (hay, needle) => String(hay ?? '').toLowerCase().includes(needle);
  const tagPairs = (s) => Object.entries(s.tags ?? {});
  const preds = terms.map((t) => {
    let m;
    if ((m = /^service:(.+)$/.exec(t))) return (s) => has(s.localEndpoint?.serviceName, m[1]) || has(s.remoteEndpoint?.serviceName, m[1]);
    if ((m = /^name:(.+)$/.exec(t))) return (s) => has(s.name, m[1]);
    if (t === 'is:error' || t === 'error') return isError;
    if ((m = /^(?:duration|dur)(>=|<=|>|<)(.+)$/.exec(t))) {
      const us = parseQueryDuration(m[2]);
      if (us === null) throw new Error(`bad duration in ${t}`);
      const op = { '>': (a) => a > us, '>=': (a) => a >= us, '<': (a) => a < us, '<=': (a) => a <= us }[m[1]];
      return (s) => op(s.duration ?? 0);
    }
    if ((m = /^tag:([^=]+)=(.*)$/.exec(t)) || (m = /^([^:=]+)=(.*)$/.exec(t))) {
      const [, k, v] = m;
      return (s) => tagPairs(s).some(([key, val]) => key.toLowerCase() === k && has(val, v));
    }
    if ((m = /^tag:(.+)$/.exec(t))) return (s) => tagPairs(s).some(([k, v]) => has(k, m[1]) || has(v, m[1]));
    return (s) => has(s.localEndpoint?.serviceName, t) || has(s.name, t) || tagPairs(s).some(([k, v]) => has(k, t) || has(v, t));
  });
  return (span) => preds.every((p) => p(span));
}

/** µs from a duration as the app prints it (`850µs`, `1.5ms`, `12.3ms`, `1.25s`, `3m 20s`). */
export function parseShownDuration(text) {
  const t = text.trim();
  let m = /^(-?)(\d+)m (\d+)s$/.exec(t);
  if (m) return (m[1] ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 1e6;
  m = /^(-?\d+(?:\.\d+)?)(µs|us|ms|s)$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * { µs: 1, us: 1, ms: 1e3, s: 1e6 }[m[2]];
}

/** Whether a shown duration agrees with `us` within its printed precision. */
export function durationAgrees(text, us) {
  const shown = parseShownDuration(text);
  if (shown === null) return false;
  const tolerance = Math.abs(us) >= 60e6 ? 1e6 : Math.max(1, Math.abs(us) * 0.006);
  return Math.abs(shown - us) <= tolerance;
}
