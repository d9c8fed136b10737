//! Trace generation in three flat passes, never recursing over spans (traces may be 1,000,000 spans
//! deep): (1) topology — which span calls which, built breadth-first from a work queue; (2) timing —
//! durations in reverse creation order (children are always created after their parent, so they are
//! done first), then start times forwards; (3) materialisation of one [`Span`] at a time, so huge
//! traces can be streamed without holding a million `Span` structs.

use crate::catalog::{self, Backend, ENDPOINTS, GATEWAY, SERVICES, TOPICS};
use crate::model::{hex16, ipv4_text, Annotation, Endpoint, Kind, Span};
use crate::rng::{mix64, Rng};
use std::collections::{BTreeMap, VecDeque};

/// What the generated trace looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A believable request through the gateway, gRPC services, databases and Kafka.
    Realistic,
    /// One long chain: every span is the only child of the previous one (depth = span count).
    Chain,
    /// One root with every other span as its direct child.
    Wide,
}

impl std::str::FromStr for Shape {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "realistic" => Ok(Shape::Realistic),
            "chain" => Ok(Shape::Chain),
            "wide" => Ok(Shape::Wide),
            other => Err(format!(
                "unknown shape {other:?} (expected realistic, chain or wide)"
            )),
        }
    }
}

/// Everything that decides a generated trace. Equal configs give byte-identical output.
#[derive(Clone, Debug, PartialEq)]
pub struct GenConfig {
    pub seed: u64,
    /// Exact number of spans to produce (below `u32::MAX`; span indices are 32-bit).
    pub spans_target: usize,
    /// Deepest span depth (root = 0) for [`Shape::Realistic`]; at least 1.
    pub max_depth: usize,
    /// Most children a span gets each time it is expanded (realistic shape).
    pub fanout: usize,
    /// How many services of the catalogue may appear (the gateway is always first).
    pub services: usize,
    /// Clock skew: every span of the skewed service is shifted by this many microseconds.
    pub skew_us: i64,
    /// Which service's clock is skewed (index into the catalogue); `None` = the first service
    /// the trace calls over gRPC.
    pub skew_service: Option<usize>,
    /// Start of the root span, epoch microseconds.
    pub start_ts_us: u64,
    pub shape: Shape,
    /// Probability that a leaf operation fails; failures propagate towards the root.
    pub error_rate: f64,
    /// Probability that a gRPC client/server pair shares one span id (`shared: true`).
    pub shared_ratio: f64,
    /// Make one leaf operation very slow (hundreds of milliseconds).
    pub slow: bool,
    /// Gateway endpoint of the root span (index into the catalogue); `None` = chosen by seed.
    pub endpoint: Option<usize>,
    /// 128-bit (32 hex) trace id rather than 64-bit.
    pub trace_id_128: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            spans_target: 50,
            max_depth: 12,
            fanout: 6,
            services: SERVICES.len(),
            skew_us: 0,
            skew_service: None,
            // 2023-11-14T22:13:20Z: fixed so that output is reproducible.
            start_ts_us: 1_700_000_000_000_000,
            shape: Shape::Realistic,
            error_rate: 0.0,
            shared_ratio: 0.5,
            slow: false,
            endpoint: None,
            trace_id_128: true,
        }
    }
}

/// The operation a span stands for. Service indices point into [`SERVICES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Root { endpoint: u8 },
    GrpcClient { callee: u8, method: u8 },
    GrpcServer { caller: u8, method: u8 },
    Db { backend: u8, stmt: u8 },
    Produce { topic: u8 },
    Consume { topic: u8 },
    Local { op: u8 },
}

const BACKENDS: [Backend; 4] = [
    Backend::Postgres,
    Backend::Mysql,
    Backend::Redis,
    Backend::Etcd,
];

fn backend_index(b: Backend) -> u8 {
    match b {
        Backend::Postgres => 0,
        Backend::Mysql => 1,
        Backend::Redis => 2,
        Backend::Etcd => 3,
    }
}

const NO_PARENT: u32 = u32::MAX;
const FLAG_SHARED: u8 = 1;
const FLAG_ERROR: u8 = 2;
const FLAG_WIRE_ANNOTATIONS: u8 = 4;

/// A planned trace: struct-of-arrays, about 50 bytes per span.
pub struct Plan {
    seed: u64,
    skew_us: i64,
    skew_service: Option<u8>,
    trace_id: String,
    id_salt: u64,
    op: Vec<Op>,
    svc: Vec<u8>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    flags: Vec<u8>,
    /// Own time: whole duration of a leaf, overhead of a span with children, network time of a
    /// gRPC client.
    self_us: Vec<u32>,
    dur: Vec<u64>,
    start: Vec<i64>,
}

impl Plan {
    /// Plans a trace for `cfg`. Cost is linear in `cfg.spans_target`.
    ///
    /// # Panics
    /// If `cfg.spans_target` does not fit in a `u32`.
    #[must_use]
    pub fn new(cfg: &GenConfig) -> Self {
        let mut rng = Rng::fork(cfg.seed, 0);
        let high = rng.next_u64();
        let low = rng.next_u64().max(1);
        let trace_id = if cfg.trace_id_128 {
            format!("{:016x}{:016x}", high.max(1), low)
        } else {
            hex16(low)
        };
        let n = cfg.spans_target;
        let mut plan = Plan {
            seed: cfg.seed,
            skew_us: cfg.skew_us,
            skew_service: None,
            trace_id,
            id_salt: rng.next_u64(),
            op: Vec::with_capacity(n),
            svc: Vec::with_capacity(n),
            parent: Vec::with_capacity(n),
            depth: Vec::with_capacity(n),
            flags: Vec::with_capacity(n),
            self_us: Vec::with_capacity(n),
            dur: Vec::new(),
            start: Vec::new(),
        };
        if n == 0 {
            return plan;
        }
        let mut topo = Rng::fork(cfg.seed, 1);
        match cfg.shape {
            Shape::Realistic => plan.build_realistic(cfg, &mut topo),
            Shape::Chain => plan.build_chain(cfg, &mut topo),
            Shape::Wide => plan.build_wide(cfg, &mut topo),
        }
        plan.apply_errors(cfg, &mut Rng::fork(cfg.seed, 2));
        if cfg.slow {
            plan.make_slow(&mut Rng::fork(cfg.seed, 3));
        }
        let parallel = match cfg.shape {
            Shape::Realistic => 0.25,
            Shape::Chain => 0.0,
            Shape::Wide => 0.97,
        };
        plan.compute_timing(cfg.start_ts_us, parallel, &mut Rng::fork(cfg.seed, 4));
        plan.skew_service = match cfg.skew_service {
            Some(s) => u8::try_from(s).ok(),
            None => plan
                .op
                .iter()
                .position(|o| matches!(o, Op::GrpcServer { .. }))
                .map(|i| plan.svc[i]),
        };
        plan
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.op.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.op.is_empty()
    }

    #[must_use]
    pub fn trace_id(&self) -> &str {
        &self.trace_id
    }

    fn push(&mut self, op: Op, svc: usize, parent: u32, flags: u8, self_us: u64) -> u32 {
        let depth = if parent == NO_PARENT {
            0
        } else {
            self.depth[parent as usize] + 1
        };
        let idx = u32::try_from(self.op.len()).expect("traces are limited to u32::MAX spans");
        self.op.push(op);
        self.svc
            .push(u8::try_from(svc).expect("catalogue has fewer than 256 services"));
        self.parent.push(parent);
        self.depth.push(depth);
        self.flags.push(flags);
        self.self_us
            .push(u32::try_from(self_us.max(1)).unwrap_or(u32::MAX));
        idx
    }

    // ---------------------------------------------------------------- topology

    fn build_realistic(&mut self, cfg: &GenConfig, rng: &mut Rng) {
        let n = cfg.spans_target;
        let max_depth = u32::try_from(cfg.max_depth.max(1)).unwrap_or(u32::MAX);
        let fanout = cfg.fanout.max(1) as u64;
        let allowed = cfg.services.clamp(1, SERVICES.len());
        let endpoint = cfg.endpoint.unwrap_or_else(|| rng.index(ENDPOINTS.len())) % ENDPOINTS.len();
        let ep = &ENDPOINTS[endpoint];
        let root = self.push(
            Op::Root {
                endpoint: endpoint as u8,
            },
            GATEWAY,
            NO_PARENT,
            0,
            rng.range(200, 1500),
        );
        // The gateway always authenticates first, then calls what its route needs.
        let mut script: Vec<(usize, usize)> = vec![(catalog::AUTH, 0)];
        script.extend_from_slice(ep.calls);
        script.retain(|(s, _)| *s < allowed);
        let gateway_callees: Vec<usize> = script.iter().map(|(s, _)| *s).collect();

        let mut queue: VecDeque<u32> = VecDeque::new();
        let mut units: Vec<u32> = Vec::new();
        queue.push_back(root);
        units.push(root);
        let mut first = true;
        while self.len() < n {
            let unit = match queue.pop_front() {
                Some(u) => u,
                // Everything was expanded once and budget remains: add more calls to a random
                // unit (real services do fan out in loops, e.g. N+1 queries).
                None => units[rng.index(units.len())],
            };
            let mut k = rng.range(1, fanout);
            if first {
                first = false;
                for &(callee, method) in &script {
                    if n - self.len() < 2 || max_depth < 2 {
                        break;
                    }
                    self.add_grpc(
                        unit, callee, method, cfg, rng, max_depth, &mut queue, &mut units,
                    );
                }
                k = rng.range(0, 2);
            }
            for _ in 0..k {
                if self.len() >= n {
                    break;
                }
                self.add_action(
                    unit,
                    &gateway_callees,
                    allowed,
                    cfg,
                    rng,
                    max_depth,
                    &mut queue,
                    &mut units,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // private helper threading the builder's state
    fn add_action(
        &mut self,
        unit: u32,
        gateway_callees: &[usize],
        allowed: usize,
        cfg: &GenConfig,
        rng: &mut Rng,
        max_depth: u32,
        queue: &mut VecDeque<u32>,
        units: &mut Vec<u32>,
    ) {
        let u = unit as usize;
        let s = self.svc[u] as usize;
        let d = self.depth[u];
        let service = &SERVICES[s];
        let remaining = cfg.spans_target - self.len();
        let callees: Vec<usize> = if s == GATEWAY {
            gateway_callees.to_vec()
        } else {
            service
                .calls
                .iter()
                .copied()
                .filter(|c| *c < allowed)
                .collect()
        };
        let topics: Vec<usize> = service
            .produces
            .iter()
            .copied()
            .filter(|t| TOPICS[*t].1.iter().any(|c| *c < allowed))
            .collect();
        let two_levels = remaining >= 2 && d + 2 <= max_depth;
        let w_grpc = if two_levels && !callees.is_empty() {
            4
        } else {
            0
        };
        let w_db = if service.backends.is_empty() { 0 } else { 5 };
        let w_produce = if two_levels && !topics.is_empty() {
            1
        } else {
            0
        };
        let w_local = 2;
        let total = w_grpc + w_db + w_produce + w_local;
        let mut pick = rng.below(total);
        if pick < w_grpc {
            let callee = callees[rng.index(callees.len())];
            let method = rng.index(SERVICES[callee].methods.len());
            self.add_grpc(unit, callee, method, cfg, rng, max_depth, queue, units);
            return;
        }
        pick -= w_grpc;
        if pick < w_db {
            let b = service.backends[rng.index(service.backends.len())];
            self.add_db(unit, s, b, rng);
            return;
        }
        pick -= w_db;
        if pick < w_produce {
            let topic = topics[rng.index(topics.len())];
            let consumers: Vec<usize> = TOPICS[topic]
                .1
                .iter()
                .copied()
                .filter(|c| *c < allowed)
                .collect();
            let consumer = consumers[rng.index(consumers.len())];
            let p = self.push(
                Op::Produce { topic: topic as u8 },
                s,
                unit,
                0,
                rng.skewed(150, 2500),
            );
            let c = self.push(
                Op::Consume { topic: topic as u8 },
                consumer,
                p,
                0,
                rng.range(50, 500),
            );
            if d + 3 <= max_depth {
                queue.push_back(c);
                units.push(c);
            }
            return;
        }
        let op = rng.index(service.local_ops.len());
        let l = self.push(Op::Local { op: op as u8 }, s, unit, 0, rng.skewed(5, 3000));
        // Some local spans wrap further work (e.g. a loop of queries).
        if d + 2 <= max_depth && s != GATEWAY && rng.chance(0.3) {
            self.self_us[l as usize] = u32::try_from(rng.range(10, 300)).unwrap_or(300);
            queue.push_back(l);
            units.push(l);
        }
    }

    #[allow(clippy::too_many_arguments)] // private helper threading the builder's state
    fn add_grpc(
        &mut self,
        unit: u32,
        callee: usize,
        method: usize,
        cfg: &GenConfig,
        rng: &mut Rng,
        max_depth: u32,
        queue: &mut VecDeque<u32>,
        units: &mut Vec<u32>,
    ) {
        let caller = self.svc[unit as usize] as usize;
        let wire = if rng.chance(0.25) {
            FLAG_WIRE_ANNOTATIONS
        } else {
            0
        };
        let client = self.push(
            Op::GrpcClient {
                callee: callee as u8,
                method: method as u8,
            },
            caller,
            unit,
            wire,
            rng.range(150, 1200),
        );
        let shared = if rng.chance(cfg.shared_ratio) {
            FLAG_SHARED
        } else {
            0
        };
        let server = self.push(
            Op::GrpcServer {
                caller: caller as u8,
                method: method as u8,
            },
            callee,
            client,
            shared,
            rng.range(50, 600),
        );
        if self.depth[server as usize] < max_depth {
            queue.push_back(server);
            units.push(server);
        }
    }

    fn add_db(&mut self, unit: u32, svc: usize, b: Backend, rng: &mut Rng) {
        let stmts = catalog::statements(b);
        let stmt = rng.index(stmts.len());
        let us = match b {
            Backend::Postgres => rng.skewed(300, 8000),
            Backend::Mysql => rng.skewed(400, 9000),
            Backend::Redis => rng.skewed(60, 1500),
            Backend::Etcd => rng.skewed(300, 4000),
        };
        self.push(
            Op::Db {
                backend: backend_index(b),
                stmt: stmt as u8,
            },
            svc,
            unit,
            0,
            us,
        );
    }

    fn build_chain(&mut self, cfg: &GenConfig, rng: &mut Rng) {
        let allowed = cfg.services.clamp(1, SERVICES.len());
        let endpoint = cfg.endpoint.unwrap_or(0) % ENDPOINTS.len();
        let mut prev = self.push(
            Op::Root {
                endpoint: endpoint as u8,
            },
            GATEWAY,
            NO_PARENT,
            0,
            rng.range(20, 200),
        );
        let mut svc = GATEWAY;
        while self.len() < cfg.spans_target {
            let remaining = cfg.spans_target - self.len();
            // Alternate a gRPC hop (client + server) and a local step, so the chain crosses
            // services; the very last span may be a database call.
            if remaining >= 2 && allowed > 1 && rng.chance(0.5) {
                let mut callee = 1 + rng.index(allowed - 1);
                if callee == svc {
                    callee = 1 + (callee % (allowed - 1));
                }
                let method = rng.index(SERVICES[callee].methods.len());
                let client = self.push(
                    Op::GrpcClient {
                        callee: callee as u8,
                        method: method as u8,
                    },
                    svc,
                    prev,
                    0,
                    rng.range(20, 200),
                );
                let shared = if rng.chance(cfg.shared_ratio) {
                    FLAG_SHARED
                } else {
                    0
                };
                prev = self.push(
                    Op::GrpcServer {
                        caller: svc as u8,
                        method: method as u8,
                    },
                    callee,
                    client,
                    shared,
                    rng.range(5, 50),
                );
                svc = callee;
            } else if remaining == 1 && !SERVICES[svc].backends.is_empty() {
                let b = SERVICES[svc].backends[0];
                self.add_db(prev, svc, b, rng);
            } else {
                let op = rng.index(SERVICES[svc].local_ops.len());
                prev = self.push(Op::Local { op: op as u8 }, svc, prev, 0, rng.range(1, 20));
            }
        }
    }

    fn build_wide(&mut self, cfg: &GenConfig, rng: &mut Rng) {
        let endpoint = cfg.endpoint.unwrap_or(0) % ENDPOINTS.len();
        let root = self.push(
            Op::Root {
                endpoint: endpoint as u8,
            },
            GATEWAY,
            NO_PARENT,
            0,
            rng.range(200, 1500),
        );
        while self.len() < cfg.spans_target {
            if rng.chance(0.6) {
                let b = if rng.chance(0.7) {
                    Backend::Redis
                } else {
                    Backend::Postgres
                };
                self.add_db(root, GATEWAY, b, rng);
            } else {
                let op = rng.index(SERVICES[GATEWAY].local_ops.len());
                self.push(
                    Op::Local { op: op as u8 },
                    GATEWAY,
                    root,
                    0,
                    rng.skewed(5, 2000),
                );
            }
        }
    }

    // ---------------------------------------------------------------- errors, slowness

    fn apply_errors(&mut self, cfg: &GenConfig, rng: &mut Rng) {
        if cfg.error_rate <= 0.0 {
            return;
        }
        let n = self.len();
        let mut has_child = vec![false; n];
        for &p in &self.parent {
            if p != NO_PARENT {
                has_child[p as usize] = true;
            }
        }
        for (i, &has_kids) in has_child.iter().enumerate() {
            let origin = match self.op[i] {
                Op::Db { .. } | Op::Local { .. } => !has_kids && rng.chance(cfg.error_rate),
                // Timeouts and unavailable backends fail a call without the server knowing.
                Op::GrpcClient { .. } => rng.chance(cfg.error_rate / 3.0),
                _ => false,
            };
            if origin {
                self.flags[i] |= FLAG_ERROR;
            }
        }
        // Children come after parents, so one reverse pass carries errors up any depth.
        for i in (1..n).rev() {
            let p = self.parent[i];
            if self.flags[i] & FLAG_ERROR == 0 || p == NO_PARENT {
                continue;
            }
            let propagate = match self.op[i] {
                // The client sees exactly what its server returned.
                Op::GrpcServer { .. } => true,
                // Messaging is asynchronous: the producer never learns of consumer failures.
                Op::Consume { .. } => false,
                // Callers often retry or degrade gracefully.
                _ => rng.chance(0.6),
            };
            if propagate {
                self.flags[p as usize] |= FLAG_ERROR;
            }
        }
    }

    fn make_slow(&mut self, rng: &mut Rng) {
        let leaves: Vec<usize> = (0..self.len())
            .filter(|&i| matches!(self.op[i], Op::Db { .. }))
            .collect();
        let victim = if leaves.is_empty() {
            self.len() - 1
        } else {
            leaves[rng.index(leaves.len())]
        };
        self.self_us[victim] = u32::try_from(rng.range(300_000, 2_000_000)).unwrap_or(u32::MAX);
    }

    // ---------------------------------------------------------------- timing

    fn compute_timing(&mut self, start_ts: u64, parallel: f64, rng: &mut Rng) {
        let n = self.len();
        // Children lists as one flat array (CSR), in creation order.
        let mut first_child = vec![0u32; n + 1];
        for &p in &self.parent {
            if p != NO_PARENT {
                first_child[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            first_child[i + 1] += first_child[i];
        }
        let mut fill = first_child.clone();
        let mut children = vec![0u32; n.saturating_sub(1)];
        for (i, &p) in self.parent.iter().enumerate() {
            if p != NO_PARENT {
                let slot = &mut fill[p as usize];
                children[*slot as usize] = i as u32;
                *slot += 1;
            }
        }

        let mut offset = vec![0i64; n];
        self.dur = vec![0u64; n];
        for i in (0..n).rev() {
            let own = u64::from(self.self_us[i]);
            let kids = &children[first_child[i] as usize..first_child[i + 1] as usize];
            let dur = match self.op[i] {
                _ if kids.is_empty() => own,
                Op::GrpcClient { .. } => {
                    // Request and response each cross the network once.
                    let out = own / 2 + rng.below(own / 4 + 1);
                    let server = kids[0] as usize;
                    offset[server] = out as i64;
                    let mut end = out + self.dur[server] + own.saturating_sub(out).max(1);
                    for &k in &kids[1..] {
                        offset[k as usize] = 1;
                        end = end.max(1 + self.dur[k as usize]);
                    }
                    end
                }
                Op::Produce { .. } => {
                    // The consumer runs later, after the message sat in the queue: async.
                    for &k in kids {
                        offset[k as usize] = (own + rng.skewed(300, 40_000)) as i64;
                    }
                    own
                }
                _ => {
                    let pre = own / 2;
                    let mut cursor = pre;
                    let mut prev_start = pre;
                    for (j, &k) in kids.iter().enumerate() {
                        let k = k as usize;
                        let start = if j > 0 && rng.chance(parallel) {
                            prev_start
                        } else {
                            cursor + rng.range(2, 40)
                        };
                        offset[k] = start as i64;
                        prev_start = start;
                        let end = start + self.dur[k];
                        // A producer's consumer is async and must not stretch its ancestors.
                        cursor = cursor.max(end);
                    }
                    cursor + (own - pre).max(1)
                }
            };
            self.dur[i] = dur.max(1);
        }
        self.start = vec![0i64; n];
        let base = i64::try_from(start_ts).unwrap_or(i64::MAX / 2);
        for (i, &off) in offset.iter().enumerate() {
            let p = self.parent[i];
            self.start[i] = if p == NO_PARENT {
                base
            } else {
                self.start[p as usize] + off
            };
        }
    }

    // ---------------------------------------------------------------- materialisation

    fn span_id(&self, i: usize) -> u64 {
        if self.flags[i] & FLAG_SHARED != 0 {
            return self.span_id(self.parent[i] as usize);
        }
        // mix64 is a bijection, so ids are unique within the trace (0 is not a valid id).
        match mix64(self.id_salt.wrapping_add(i as u64)) {
            0 => 0x5eed,
            v => v,
        }
    }

    fn wire_parent_id(&self, i: usize) -> Option<String> {
        let p = self.parent[i];
        if p == NO_PARENT {
            return None;
        }
        if self.flags[i] & FLAG_SHARED != 0 {
            // A shared server span is the same span as its client: same id, same parent.
            return self.wire_parent_id(p as usize);
        }
        Some(hex16(self.span_id(p as usize)))
    }

    /// Builds span `i` (creation order: the root is 0, a parent always precedes its children).
    #[must_use]
    pub fn span(&self, i: usize) -> Span {
        let s = self.svc[i] as usize;
        let service = &SERVICES[s];
        let param = mix64(self.seed ^ mix64(i as u64 ^ 0xa5a5));
        let error = self.flags[i] & FLAG_ERROR != 0;
        let mut ts = self.start[i];
        if self.skew_service == Some(self.svc[i]) {
            ts += self.skew_us;
        }
        let timestamp = u64::try_from(ts.max(1)).unwrap_or(1);
        let duration = self.dur[i];
        let mut tags = BTreeMap::new();
        let pod = (param % 3) as usize;
        tags.insert(
            "k8s.namespace.name".to_string(),
            service.namespace.to_string(),
        );
        tags.insert("k8s.pod.name".to_string(), pod_name(s, pod));
        let local = Endpoint {
            service_name: Some(service.name.to_string()),
            ipv4: Some(ipv4_text(pod_ip(s, pod))),
            port: None,
        };
        let mut span = Span {
            trace_id: self.trace_id.clone(),
            parent_id: self.wire_parent_id(i),
            id: hex16(self.span_id(i)),
            kind: None,
            name: String::new(),
            timestamp,
            duration,
            local_endpoint: local,
            remote_endpoint: None,
            annotations: Vec::new(),
            tags,
            shared: None,
        };
        let number = 1000 + param % 90_000;
        match self.op[i] {
            Op::Root { endpoint } => {
                let ep = &ENDPOINTS[endpoint as usize % ENDPOINTS.len()];
                span.kind = Some(Kind::Server);
                span.name = format!("{} {}", ep.method, ep.route);
                span.local_endpoint.port = Some(8080);
                span.remote_endpoint = Some(Endpoint {
                    service_name: None,
                    ipv4: Some(ipv4_text(0xcb00_7100 | (param >> 8) as u32 & 0xff)),
                    port: Some(40_000 + (param % 20_000) as u16),
                });
                let path = ep.route.replace("{id}", &number.to_string());
                let status = if error {
                    if param & 1 == 0 {
                        "500"
                    } else {
                        "503"
                    }
                } else {
                    "200"
                };
                span.tags.insert("http.method".into(), ep.method.into());
                span.tags.insert("http.path".into(), path);
                span.tags.insert("http.route".into(), ep.route.into());
                span.tags.insert("http.status_code".into(), status.into());
                if error {
                    span.tags.insert("error".into(), status.into());
                }
            }
            Op::GrpcClient { callee, method } => {
                let callee = &SERVICES[callee as usize];
                let m = callee.methods[method as usize % callee.methods.len()];
                span.kind = Some(Kind::Client);
                span.name = format!("{}/{}", callee.grpc_service, m);
                let server_pod = ((param >> 4) % 3) as usize;
                let callee_idx = SERVICES
                    .iter()
                    .position(|x| x.name == callee.name)
                    .unwrap_or(0);
                span.remote_endpoint = Some(Endpoint {
                    service_name: Some(callee.name.to_string()),
                    ipv4: Some(ipv4_text(pod_ip(callee_idx, server_pod))),
                    port: Some(50051),
                });
                grpc_tags(&mut span.tags, callee.grpc_service, m, error, param);
                if self.flags[i] & FLAG_WIRE_ANNOTATIONS != 0 && duration > 2 {
                    span.annotations.push(Annotation {
                        timestamp: timestamp + 1,
                        value: "ws".into(),
                    });
                    span.annotations.push(Annotation {
                        timestamp: timestamp + duration - 1,
                        value: "wr".into(),
                    });
                }
            }
            Op::GrpcServer { caller, method } => {
                let m = service.methods[method as usize % service.methods.len()];
                span.kind = Some(Kind::Server);
                span.name = format!("{}/{}", service.grpc_service, m);
                span.local_endpoint.port = Some(50051);
                span.remote_endpoint = Some(Endpoint {
                    service_name: None,
                    ipv4: Some(ipv4_text(pod_ip(
                        caller as usize,
                        ((param >> 6) % 3) as usize,
                    ))),
                    port: None,
                });
                if self.flags[i] & FLAG_SHARED != 0 {
                    span.shared = Some(true);
                }
                grpc_tags(&mut span.tags, service.grpc_service, m, error, param);
            }
            Op::Db { backend, stmt } => {
                let b = BACKENDS[backend as usize % BACKENDS.len()];
                let stmts = catalog::statements(b);
                let (name, statement) = stmts[stmt as usize % stmts.len()];
                span.kind = Some(Kind::Client);
                span.name = name.to_string();
                span.remote_endpoint = Some(Endpoint {
                    service_name: Some(b.service_name().to_string()),
                    ipv4: Some(ipv4_text(b.ipv4())),
                    port: Some(b.port()),
                });
                let statement = statement
                    .replace("{key2}", &(number + 1).to_string())
                    .replace("{key}", &number.to_string());
                match b {
                    Backend::Etcd => {
                        let (svc, method) = name.split_once('/').unwrap_or((name, ""));
                        span.tags.insert("db.system".into(), "etcd".into());
                        span.tags.insert("rpc.system".into(), "grpc".into());
                        span.tags.insert("rpc.service".into(), svc.into());
                        span.tags.insert("rpc.method".into(), method.into());
                        span.tags.insert(
                            "rpc.grpc.status_code".into(),
                            if error { "14" } else { "0" }.into(),
                        );
                        span.tags.insert("db.statement".into(), statement);
                    }
                    Backend::Redis => {
                        span.tags.insert("db.system".into(), "redis".into());
                        span.tags.insert("db.statement".into(), statement);
                    }
                    Backend::Postgres | Backend::Mysql => {
                        let system = if b == Backend::Postgres {
                            "postgresql"
                        } else {
                            "mysql"
                        };
                        span.tags.insert("db.system".into(), system.into());
                        span.tags.insert("db.name".into(), "shop".into());
                        span.tags.insert("db.statement".into(), statement);
                    }
                }
                if error {
                    let msg = match b {
                        Backend::Postgres => "deadlock detected",
                        Backend::Mysql => "Lock wait timeout exceeded; try restarting transaction",
                        Backend::Redis => "connection reset by peer",
                        Backend::Etcd => "etcdserver: request timed out",
                    };
                    span.tags.insert("error".into(), msg.into());
                }
            }
            Op::Produce { topic } => {
                let (topic, _) = TOPICS[topic as usize % TOPICS.len()];
                span.kind = Some(Kind::Producer);
                span.name = format!("{topic} publish");
                span.remote_endpoint = Some(kafka_endpoint(param));
                messaging_tags(&mut span.tags, topic, "publish");
                if error {
                    span.tags
                        .insert("error".into(), "NOT_LEADER_FOR_PARTITION".into());
                }
            }
            Op::Consume { topic } => {
                let (topic, _) = TOPICS[topic as usize % TOPICS.len()];
                span.kind = Some(Kind::Consumer);
                span.name = format!("{topic} process");
                span.remote_endpoint = Some(kafka_endpoint(param));
                messaging_tags(&mut span.tags, topic, "process");
                span.tags.insert(
                    "messaging.kafka.consumer.group".into(),
                    service.name.to_string(),
                );
                if error {
                    span.tags.insert("error".into(), "handler failed".into());
                }
            }
            Op::Local { op } => {
                span.name = service.local_ops[op as usize % service.local_ops.len()].to_string();
                if error {
                    span.tags.insert("error".into(), "internal error".into());
                }
            }
        }
        span
    }

    /// All spans, in creation order.
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        (0..self.len()).map(|i| self.span(i))
    }

    /// Writes the trace as one Zipkin v2 JSON array, streaming span by span.
    ///
    /// # Errors
    /// Any I/O error of `out`.
    pub fn write_json<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        out.write_all(b"[")?;
        for i in 0..self.len() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut out, &self.span(i))?;
        }
        out.write_all(b"]")?;
        Ok(())
    }

    /// Parent index of span `i` in creation order (`None` for the root).
    #[must_use]
    pub fn parent_index(&self, i: usize) -> Option<usize> {
        match self.parent[i] {
            NO_PARENT => None,
            p => Some(p as usize),
        }
    }

    /// Depth of span `i` (root = 0).
    #[must_use]
    pub fn depth(&self, i: usize) -> usize {
        self.depth[i] as usize
    }
}

fn grpc_tags(
    tags: &mut BTreeMap<String, String>,
    service: &str,
    method: &str,
    error: bool,
    param: u64,
) {
    tags.insert("rpc.system".into(), "grpc".into());
    tags.insert("rpc.service".into(), service.into());
    tags.insert("rpc.method".into(), method.into());
    let (code, name) = if !error {
        ("0", "")
    } else {
        match param % 3 {
            0 => ("13", "INTERNAL"),
            1 => ("14", "UNAVAILABLE"),
            _ => ("4", "DEADLINE_EXCEEDED"),
        }
    };
    tags.insert("rpc.grpc.status_code".into(), code.into());
    if error {
        tags.insert("error".into(), name.into());
    }
}

fn messaging_tags(tags: &mut BTreeMap<String, String>, topic: &str, operation: &str) {
    tags.insert("messaging.system".into(), "kafka".into());
    tags.insert("messaging.destination.name".into(), topic.into());
    tags.insert("messaging.operation".into(), operation.into());
}

fn kafka_endpoint(param: u64) -> Endpoint {
    Endpoint {
        service_name: Some("kafka".into()),
        ipv4: Some(ipv4_text(0x0a00_c900 | (1 + (param >> 12) % 3) as u32)),
        port: Some(9092),
    }
}

/// Pod names are stable across traces (derived from the catalogue, not the seed), like a real
/// deployment: `order-service-7f9c6d5b8-x2k4q`.
fn pod_name(svc: usize, pod: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let h = mix64(0x7ace_5c09e ^ (svc as u64));
    let replica_set = format!("{:x}", h & 0xf_ffff_ffff);
    let mut suffix = String::with_capacity(5);
    let mut r = mix64(h ^ (pod as u64 + 1));
    for _ in 0..5 {
        suffix.push(ALPHABET[(r % ALPHABET.len() as u64) as usize] as char);
        r /= ALPHABET.len() as u64;
    }
    format!(
        "{}-{}-{}",
        SERVICES[svc].name,
        &replica_set[..9.min(replica_set.len())],
        suffix
    )
}

fn pod_ip(svc: usize, pod: usize) -> u32 {
    0x0a00_0000 | ((svc as u32 + 1) << 16) | ((pod as u32 + 1) << 8) | (10 + svc as u32)
}
