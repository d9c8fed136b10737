// Facts about traces computed independently of the app, from the API's JSON.

/** Every trace the server holds from the last two days (array of span arrays). */
export async function allTraces(server, { prefix = '' } = {}) {
  const endTs = Date.now() + 60_000;
  return server.getJson(`/traces?limit=100000&lookback=${2 * 86_400_000}&endTs=${endTs}`, { prefix });
}

/** Service names of local endpoints, and of local or remote endpoints. */
export function servicesOf(spans) {
  const local = new Set();
  const any = new Set();
  for (const s of spans) {
    if (s.localEndpoint?.serviceName) {
      local.add(s.localEndpoint.serviceName);
      any.add(s.localEndpoint.serviceName);
    }
    if (s.remoteEndpoint?.serviceName) any.add(s.remoteEndpoint.serviceName);
  }
  return { local, any };
}

/** Microseconds from the earliest start to the latest end of the spans with a timestamp. */
export function extentUs(spans) {
  const timed = spans.filter((s) => typeof s.timestamp === 'number');
  const start = Math.min(...timed.map((s) => s.timestamp));
  const end = Math.max(...timed.map((s) => s.timestamp + (s.duration ?? 0)));
  return end - start;
}

/**
 * Depth (root = 0) of the deepest span, two ways:
 * - `plain`: following parentId only (a shared server half sits beside its client half);
 * - `nested`: as Zipkin builds the tree, a shared SERVER half is the child of the CLIENT half
 *   with the same id, and children of that id hang under the server half.
 * An app's tree depth lies between plain and nested (and may be 1-based: +1).
 */
export function depthsOf(spans) {
  const plainDepth = () => {
    const byId = new Map();
    for (const s of spans) if (!byId.has(s.id) || !s.shared) byId.set(s.id, s);
    let max = 0;
    for (const s of spans) {
      let d = 0;
      let cur = s;
      const seen = new Set([cur.id]);
      while (cur.parentId && byId.has(cur.parentId) && !seen.has(cur.parentId)) {
        seen.add(cur.parentId);
        cur = byId.get(cur.parentId);
        d += 1;
      }
      max = Math.max(max, d);
    }
    return max;
  };
  const nestedDepth = () => {
    const server = new Map(spans.filter((s) => s.shared).map((s) => [s.id, s]));
    const other = new Map(spans.filter((s) => !s.shared).map((s) => [s.id, s]));
    const parentOf = (s) => {
      if (s.shared && other.has(s.id)) return other.get(s.id);
      if (!s.parentId) return null;
      return server.get(s.parentId) ?? other.get(s.parentId) ?? null;
    };
    let max = 0;
    for (const s of spans) {
      let d = 0;
      const seen = new Set([s]);
      for (let p = parentOf(s); p && !seen.has(p); p = parentOf(p)) {
        seen.add(p);
        d += 1;
      }
      max = Math.max(max, d);
    }
    return max;
  };
  return { plain: plainDepth(), nested: nestedDepth() };
}

/** Duration of the longest root span (no parentId), in microseconds. */
export function rootDurationUs(spans) {
  return Math.max(0, ...spans.filter((s) => !s.parentId).map((s) => s.duration ?? 0));
}

/** Picks the trace that makes the nicest picture: most services, 10-60 spans. */
export function pickShowcase(traces) {
  const candidates = traces.filter((tr) => tr.length >= 10 && tr.length <= 60);
  const pool = candidates.length ? candidates : traces;
  return [...pool].sort((a, b) => servicesOf(b).local.size - servicesOf(a).local.size || b.length - a.length)[0];
}
