//! Clock-skew correction, after Zipkin Lens (`clock-skew.js`).
//!
//! Hosts' clocks disagree, so a server half of an RPC can appear to start before its client
//! sent the request. Skew is only detectable between a CLIENT span and its SERVER child on a
//! different host. When found, the server's start is moved so that it sits inside the client
//! with the spare time split evenly between request and response ("latency"). The same shift
//! is carried down the server's subtree and applied to every descendant on the server's
//! host; a descendant RPC to yet another host is checked against its (shifted) client in
//! turn. Only [`SpanTree::start`] changes: the spans keep their reported times.
//!
//! The skew of a CLIENT `c` / SERVER `s` pair (times after earlier shifts), as in Lens:
//! - either has no timestamp, or both are on one host: none;
//! - either has no duration ("one way"): if `s` starts after `c`, none; else move `s` to
//!   start 1 µs after `c`;
//! - `c` is shorter than `s` (async): if `s` starts after `c`, none; else move `s` to start
//!   1 µs after `c`;
//! - otherwise latency = (dur(c) − dur(s)) / 2 and `s` is moved to start at `c` + latency
//!   when it started at or before `c`, **or** (beyond Lens, which ignores this case) when it
//!   ends after `c` ends — a server that runs past its client's end is as impossible as one
//!   that starts before it.
//!
//! "Host" is the IP (IPv6 when both sides have one, else IPv4) as in Lens; when the
//! endpoints carry no IPs — usual outside Zipkin — the service name stands in, so skew is
//! corrected for those traces too (Lens would leave them). Lens also skips traces without a
//! single root; here each top-level subtree is corrected on its own.

use super::SpanTree;
use crate::model::{Endpoint, Kind, Span, SpanIdx, StrId, Trace};

/// A span whose effective start was moved by skew correction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkewAdjustment {
    pub span: SpanIdx,
    /// Corrected start minus reported start, µs (positive: moved later).
    pub delta_us: i64,
}

/// A detected skew: the host it applies to (the server span's local endpoint) and the µs to
/// subtract from that host's times.
#[derive(Clone, Copy)]
struct Skew {
    host: u32,
    skew: i64,
}

/// Corrects `tree.start` in place and returns the adjustments, by span index. Children are
/// re-sorted by their corrected starts.
pub fn correct(trace: &Trace, tree: &mut SpanTree) -> Vec<SkewAdjustment> {
    let spans = &trace.spans;
    let n = spans.len();
    let original = tree.start.clone();
    let mut carried: Vec<Option<Skew>> = vec![None; n];
    let mut any = false;
    for k in 0..tree.preorder.len() {
        let node = tree.preorder[k];
        let i = node.get();
        let parent = tree.parent(node);
        let inherited = parent.and_then(|p| carried[p.get()]);
        if let Some(sk) = inherited {
            if same_host(
                spans[sk.host as usize].local.as_ref(),
                spans[i].local.as_ref(),
            ) {
                tree.start[i] = tree.start[i].saturating_sub(sk.skew);
            }
        }
        let own = parent.and_then(|p| clock_skew(spans, tree, p, node));
        if let Some(sk) = own {
            tree.start[i] = tree.start[i].saturating_sub(sk.skew);
            any = true;
        }
        carried[i] = own.or(inherited);
    }
    if !any {
        return Vec::new();
    }
    tree.reorder();
    (0..n)
        .filter(|&i| tree.start[i] != original[i])
        .map(|i| SkewAdjustment {
            span: SpanIdx(i as u32),
            delta_us: tree.start[i].saturating_sub(original[i]),
        })
        .collect()
}

/// The skew between a CLIENT `parent` and its SERVER `child`, if any (see the module docs).
fn clock_skew(spans: &[Span], tree: &SpanTree, parent: SpanIdx, child: SpanIdx) -> Option<Skew> {
    let (client, server) = (&spans[parent.get()], &spans[child.get()]);
    if client.kind != Kind::Client || server.kind != Kind::Server {
        return None;
    }
    // Only reported timestamps count; derived ones carry no clock.
    client.start?;
    server.start?;
    let client_ts = tree.start[parent.get()];
    let server_ts = tree.start[child.get()];
    // Without both endpoints there is no telling the hosts apart (as Lens).
    let (Some(client_ep), Some(server_ep)) = (&client.local, &server.local) else {
        return None;
    };
    if same_host(Some(client_ep), Some(server_ep)) {
        return None;
    }
    let host = child.0;
    let starts_after = server_ts > client_ts;
    let (Some(client_dur), Some(server_dur)) = (client.duration, server.duration) else {
        // One way: all we know is that the server cannot start before the client.
        return (!starts_after).then_some(Skew {
            host,
            skew: server_ts.saturating_sub(client_ts).saturating_sub(1),
        });
    };
    let (client_dur, server_dur) = (client_dur.0, server_dur.0);
    if client_dur < server_dur {
        // The client did not wait (async): only push the server after the client.
        return (!starts_after).then_some(Skew {
            host,
            skew: server_ts.saturating_sub(client_ts).saturating_sub(1),
        });
    }
    let ends_after = server_ts.saturating_add(server_dur) > client_ts.saturating_add(client_dur);
    if starts_after && !ends_after {
        return None;
    }
    let latency = client_dur.saturating_sub(server_dur) / 2;
    let skew = server_ts.saturating_sub(latency).saturating_sub(client_ts);
    (skew != 0).then_some(Skew { host, skew })
}

/// Whether two endpoints are on one host: same IPv6, else same IPv4 (as Lens's `ipsMatch`);
/// without IPs on either side, the same service name.
fn same_host(a: Option<&Endpoint>, b: Option<&Endpoint>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    if let (Some(x), Some(y)) = (&a.ipv6, &b.ipv6) {
        if x == y {
            return true;
        }
    }
    match (&a.ipv4, &b.ipv4) {
        (Some(x), Some(y)) => x == y,
        (None, None) if a.ipv6.is_none() || b.ipv6.is_none() => {
            a.service != StrId::EMPTY && a.service == b.service
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::SkewAdjustment;
    use crate::derive::testing::{derived, derived_with, idx, idx_where};
    use crate::derive::DeriveOptions;

    /// A CLIENT on 10.0.0.1 and its SERVER half on 10.0.0.2 with the given times, plus a
    /// local child of the server and a child RPC to 10.0.0.3.
    fn rpc(client: (i64, i64), server: (i64, i64)) -> String {
        format!(
            r#"[
          {{"traceId":"a","id":"1","kind":"SERVER","timestamp":1000,"duration":1000,"localEndpoint":{{"serviceName":"web","ipv4":"10.0.0.1"}}}},
          {{"traceId":"a","id":"2","parentId":"1","kind":"CLIENT","timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"web","ipv4":"10.0.0.1"}}}},
          {{"traceId":"a","id":"2","parentId":"1","kind":"SERVER","shared":true,"timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"api","ipv4":"10.0.0.2"}}}},
          {{"traceId":"a","id":"3","parentId":"2","timestamp":{},"duration":5,"localEndpoint":{{"serviceName":"api","ipv4":"10.0.0.2"}}}},
          {{"traceId":"a","id":"4","parentId":"2","kind":"CLIENT","timestamp":{},"duration":6,"localEndpoint":{{"serviceName":"api","ipv4":"10.0.0.2"}}}},
          {{"traceId":"a","id":"4","parentId":"2","kind":"SERVER","shared":true,"timestamp":{},"duration":2,"localEndpoint":{{"serviceName":"db","ipv4":"10.0.0.3"}}}}
        ]"#,
            client.0 + 1000,
            client.1,
            server.0 + 1000,
            server.1,
            server.0 + 1001,
            server.0 + 1002,
            server.0 + 1003,
        )
    }

    #[test]
    fn server_before_client_is_moved_inside_with_its_subtree() {
        // Client 100..200 (+1000), server reported at 50..130: latency (100-80)/2 = 10.
        let d = derived(&rpc((100, 100), (50, 80)));
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.tree.start[server.get()], 1110);
        let delta = d.skew_delta(server);
        assert_eq!(delta, 60);
        assert_eq!(d.skew_delta(idx(&d, "3")), 60, "same host: moved along");
        assert_eq!(d.skew_delta(idx_where(&d, "4", |s| !s.shared)), 60);
        // The db server (another host) was reported at 1053..1055, inside its client's
        // reported 1052..1058; once that client moved to 1112..1118 with its host, the db
        // server starts before it and is moved inside it by its own skew.
        let db = idx_where(&d, "4", |s| s.shared);
        let db_client = idx_where(&d, "4", |s| !s.shared);
        assert!(d.tree.start[db.get()] >= d.tree.start[db_client.get()]);
        assert!(d.tree.end(db) <= d.tree.end(db_client));
        // The raw span is untouched.
        assert_eq!(d.trace.span(server).start.map(|m| m.0), Some(1050));
    }

    #[test]
    fn server_ending_after_its_client_is_moved_inside() {
        // Client 100..200, server 180..260: starts inside but ends 60 µs after the client.
        let d = derived(&rpc((100, 100), (180, 80)));
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.tree.start[server.get()], 1110);
        assert_eq!(d.skew_delta(server), -70);
    }

    #[test]
    fn server_inside_its_client_is_left_alone() {
        let d = derived(&rpc((100, 100), (120, 60)));
        assert!(d.skew.is_empty(), "{:?}", d.skew);
    }

    #[test]
    fn one_way_and_async_rpcs_are_pushed_just_after_the_client() {
        // Server longer than client (async) and reported 20 µs early.
        let d = derived(&rpc((100, 10), (80, 50)));
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.tree.start[server.get()], 1101);
        // Async server after its client is fine.
        let d = derived(&rpc((100, 10), (150, 50)));
        assert!(d.skew.is_empty());
    }

    #[test]
    fn switched_off_nothing_moves() {
        let d = derived_with(
            &rpc((100, 100), (50, 80)),
            DeriveOptions {
                skew_correction: false,
            },
        );
        assert!(d.skew.is_empty());
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.tree.start[server.get()], 1050);
    }

    #[test]
    fn same_host_rpc_is_not_skew() {
        let json = rpc((100, 100), (50, 80)).replace("10.0.0.2", "10.0.0.1");
        let d = derived(&json);
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.skew_delta(server), 0);
    }

    #[test]
    fn without_ips_the_service_is_the_host() {
        let json = rpc((100, 100), (50, 80))
            .replace(r#","ipv4":"10.0.0.1""#, "")
            .replace(r#","ipv4":"10.0.0.2""#, "")
            .replace(r#","ipv4":"10.0.0.3""#, "");
        let d = derived(&json);
        let server = idx_where(&d, "2", |s| s.shared);
        assert_eq!(d.skew_delta(server), 60);
        assert_eq!(d.skew_delta(idx(&d, "3")), 60);
    }

    #[test]
    fn adjustments_are_sorted_by_span() {
        let d = derived(&rpc((100, 100), (50, 80)));
        let spans: Vec<_> = d.skew.iter().map(|a: &SkewAdjustment| a.span).collect();
        let mut sorted = spans.clone();
        sorted.sort();
        assert_eq!(spans, sorted);
        assert!(!spans.is_empty());
    }
}
