//! The Zipkin v2 span as we emit it. Field order and omission rules follow Zipkin's own JSON
//! encoder (traceId, parentId, id, kind, name, timestamp, duration, endpoints, annotations, tags,
//! shared; absent and empty fields are left out; tags sorted by key), so our output looks like what
//! a real Zipkin server returns.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Kind {
    Client,
    Server,
    Producer,
    Consumer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    pub timestamp: u64,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub trace_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    pub name: String,
    /// Epoch microseconds.
    pub timestamp: u64,
    /// Microseconds, at least 1.
    pub duration: u64,
    pub local_endpoint: Endpoint,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_endpoint: Option<Endpoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
}

/// Lower-hex, zero-padded to 16 characters, as Zipkin writes 64-bit ids.
#[must_use]
pub fn hex16(v: u64) -> String {
    format!("{v:016x}")
}

/// Dotted-quad text of an IPv4 address held as a `u32`.
#[must_use]
pub fn ipv4_text(v: u32) -> String {
    std::net::Ipv4Addr::from(v).to_string()
}
