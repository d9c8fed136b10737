//! The imaginary shop whose traces we generate: services, what they call, their databases and
//! topics, and the HTTP endpoints of the gateway. Static data only; generation is in `plan`.

/// A backend a service talks to over a CLIENT span whose remote side is not instrumented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Mysql,
    Redis,
    Etcd,
}

impl Backend {
    pub fn service_name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Mysql => "mysql",
            Backend::Redis => "redis",
            Backend::Etcd => "etcd",
        }
    }

    pub fn port(self) -> u16 {
        match self {
            Backend::Postgres => 5432,
            Backend::Mysql => 3306,
            Backend::Redis => 6379,
            Backend::Etcd => 2379,
        }
    }

    /// A fixed cluster address per backend, so every span to it agrees.
    pub fn ipv4(self) -> u32 {
        match self {
            Backend::Postgres => 0x0a00_c80a,
            Backend::Mysql => 0x0a00_c814,
            Backend::Redis => 0x0a00_c81e,
            Backend::Etcd => 0x0a00_c828,
        }
    }
}

/// One database statement a service may run: (span name, `db.statement`).
pub type Statement = (&'static str, &'static str);

pub struct Service {
    pub name: &'static str,
    pub namespace: &'static str,
    /// Fully qualified gRPC service, e.g. `order.v1.OrderService` (empty for the gateway).
    pub grpc_service: &'static str,
    pub methods: &'static [&'static str],
    /// Indices into [`SERVICES`] this service calls over gRPC. Always higher-level to lower-level
    /// so calls form a DAG, as they do in a healthy system.
    pub calls: &'static [usize],
    pub backends: &'static [Backend],
    /// Kafka topics this service produces to.
    pub produces: &'static [usize],
    pub local_ops: &'static [&'static str],
}

pub const GATEWAY: usize = 0;
pub const AUTH: usize = 1;
pub const ORDER: usize = 2;
pub const INVENTORY: usize = 3;
pub const PAYMENT: usize = 4;
pub const USER: usize = 5;
pub const RECOMMENDATION: usize = 6;
pub const PRICING: usize = 7;
pub const SEARCH: usize = 8;
pub const SHIPPING: usize = 9;
pub const NOTIFICATION: usize = 10;
pub const CART: usize = 11;

pub const SERVICES: &[Service] = &[
    Service {
        name: "api-gateway",
        namespace: "edge",
        grpc_service: "",
        methods: &[],
        calls: &[],
        backends: &[],
        produces: &[],
        local_ops: &["route-match", "rate-limit", "serialize-response"],
    },
    Service {
        name: "auth-service",
        namespace: "platform",
        grpc_service: "auth.v1.AuthService",
        methods: &["ValidateToken", "Introspect"],
        calls: &[],
        backends: &[Backend::Redis, Backend::Etcd],
        produces: &[],
        local_ops: &["jwt.verify", "policy.evaluate"],
    },
    Service {
        name: "order-service",
        namespace: "shop",
        grpc_service: "order.v1.OrderService",
        methods: &["GetOrder", "ListOrders", "CreateOrder"],
        calls: &[INVENTORY, PAYMENT, USER, PRICING],
        backends: &[Backend::Postgres, Backend::Redis],
        produces: &[0],
        local_ops: &["validate-order", "compute-totals", "map-to-proto"],
    },
    Service {
        name: "inventory-service",
        namespace: "shop",
        grpc_service: "inventory.v1.InventoryService",
        methods: &["CheckStock", "ReserveStock"],
        calls: &[],
        backends: &[Backend::Mysql, Backend::Redis, Backend::Etcd],
        produces: &[],
        local_ops: &["allocate-warehouse", "stock.merge"],
    },
    Service {
        name: "payment-service",
        namespace: "shop",
        grpc_service: "payment.v1.PaymentService",
        methods: &["Authorize", "Capture"],
        calls: &[USER],
        backends: &[Backend::Postgres],
        produces: &[1],
        local_ops: &["fraud-check", "tokenize-card"],
    },
    Service {
        name: "user-service",
        namespace: "shop",
        grpc_service: "user.v1.UserService",
        methods: &["GetUser", "GetProfile"],
        calls: &[],
        backends: &[Backend::Postgres, Backend::Redis],
        produces: &[],
        local_ops: &["decode-profile"],
    },
    Service {
        name: "recommendation-service",
        namespace: "shop",
        grpc_service: "recommendation.v1.RecommendationService",
        methods: &["Recommend"],
        calls: &[USER, INVENTORY, PRICING],
        backends: &[Backend::Redis],
        produces: &[],
        local_ops: &["model.score", "rank-candidates", "feature-lookup"],
    },
    Service {
        name: "pricing-service",
        namespace: "shop",
        grpc_service: "pricing.v1.PricingService",
        methods: &["GetPrice", "Quote"],
        calls: &[],
        backends: &[Backend::Redis, Backend::Postgres],
        produces: &[],
        local_ops: &["apply-discounts", "currency.convert"],
    },
    Service {
        name: "search-service",
        namespace: "shop",
        grpc_service: "search.v1.SearchService",
        methods: &["Search"],
        calls: &[RECOMMENDATION, PRICING],
        backends: &[Backend::Redis],
        produces: &[],
        local_ops: &["parse-query", "merge-results"],
    },
    Service {
        name: "shipping-service",
        namespace: "shop",
        grpc_service: "shipping.v1.ShippingService",
        methods: &["Estimate"],
        calls: &[INVENTORY],
        backends: &[Backend::Postgres],
        produces: &[],
        local_ops: &["route-planner"],
    },
    Service {
        name: "notification-service",
        namespace: "shop",
        grpc_service: "notification.v1.NotificationService",
        methods: &["Notify"],
        calls: &[USER],
        backends: &[Backend::Mysql],
        produces: &[],
        local_ops: &["render-template", "smtp.send"],
    },
    Service {
        name: "cart-service",
        namespace: "shop",
        grpc_service: "cart.v1.CartService",
        methods: &["GetCart", "AddItem"],
        calls: &[PRICING, INVENTORY],
        backends: &[Backend::Redis],
        produces: &[],
        local_ops: &["cart.merge"],
    },
];

/// Kafka topics: (name, consuming services).
pub const TOPICS: &[(&str, &[usize])] = &[
    ("order.created", &[SHIPPING, NOTIFICATION]),
    ("payment.authorized", &[NOTIFICATION]),
];

/// Statements per backend. Postgres and MySQL use their own placeholder styles.
pub fn statements(backend: Backend) -> &'static [Statement] {
    match backend {
        Backend::Postgres => &[
            (
                "SELECT orders",
                "SELECT id, status, total FROM orders WHERE id = $1",
            ),
            (
                "SELECT users",
                "SELECT id, email, name FROM users WHERE id = $1",
            ),
            (
                "INSERT orders",
                "INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3)",
            ),
            (
                "UPDATE payments",
                "UPDATE payments SET state = $1 WHERE id = $2",
            ),
            (
                "SELECT order_items",
                "SELECT sku, qty FROM order_items WHERE order_id = $1",
            ),
        ],
        Backend::Mysql => &[
            ("SELECT stock", "SELECT sku, qty FROM stock WHERE sku = ?"),
            (
                "UPDATE stock",
                "UPDATE stock SET qty = qty - ? WHERE sku = ? AND qty >= ?",
            ),
            (
                "INSERT notifications",
                "INSERT INTO notifications (user_id, kind) VALUES (?, ?)",
            ),
        ],
        Backend::Redis => &[
            ("GET", "GET cache:{key}"),
            ("SET", "SET cache:{key} ? EX 300"),
            ("HGETALL", "HGETALL session:{key}"),
            ("MGET", "MGET price:{key} price:{key2}"),
        ],
        Backend::Etcd => &[
            ("etcdserverpb.KV/Range", "Range /config/{key}"),
            ("etcdserverpb.Lease/LeaseKeepAlive", "LeaseKeepAlive"),
        ],
    }
}

/// Gateway endpoints: (method, route, services called first, gRPC method index of each).
pub struct Endpoint {
    pub method: &'static str,
    pub route: &'static str,
    pub calls: &'static [(usize, usize)],
}

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        route: "/api/orders/{id}",
        calls: &[(ORDER, 0)],
    },
    Endpoint {
        method: "POST",
        route: "/api/orders",
        calls: &[(CART, 0), (ORDER, 2)],
    },
    Endpoint {
        method: "GET",
        route: "/api/products/{id}",
        calls: &[(INVENTORY, 0), (PRICING, 0), (RECOMMENDATION, 0)],
    },
    Endpoint {
        method: "GET",
        route: "/api/recommendations",
        calls: &[(RECOMMENDATION, 0)],
    },
    Endpoint {
        method: "POST",
        route: "/api/checkout",
        calls: &[(CART, 0), (PAYMENT, 0), (ORDER, 2)],
    },
    Endpoint {
        method: "GET",
        route: "/api/users/{id}/profile",
        calls: &[(USER, 1)],
    },
    Endpoint {
        method: "GET",
        route: "/api/search",
        calls: &[(SEARCH, 0)],
    },
];
