//! The JS side of a message: `{ id, msg, buf?, file? }`. `msg` is the JSON of a
//! [`crate::protocol::Request`] or [`crate::protocol::Reply`]; `buf` is an `ArrayBuffer` that
//! is transferred with the message (the sender's copy becomes detached, nothing is copied);
//! `file` is a `Blob` handle (structured clone of a handle, not of its bytes).

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{from_json, to_json};

pub struct Envelope<T> {
    pub id: u32,
    pub msg: T,
    pub buf: Option<ArrayBuffer>,
    pub file: Option<web_sys::Blob>,
}

impl<T> Envelope<T> {
    pub fn new(id: u32, msg: T) -> Envelope<T> {
        Envelope {
            id,
            msg,
            buf: None,
            file: None,
        }
    }

    pub fn with_buf(mut self, buf: ArrayBuffer) -> Envelope<T> {
        self.buf = Some(buf);
        self
    }

    pub fn with_file(mut self, file: web_sys::Blob) -> Envelope<T> {
        self.file = Some(file);
        self
    }
}

impl<T: Serialize> Envelope<T> {
    /// The message object and its transfer list.
    pub fn to_js(&self) -> (JsValue, Array) {
        let obj = Object::new();
        let transfer = Array::new();
        let set = |k: &str, v: &JsValue| {
            // Setting a data property on a fresh plain object cannot fail.
            let _ = Reflect::set(&obj, &JsValue::from_str(k), v);
        };
        set("id", &JsValue::from(self.id));
        set("msg", &JsValue::from_str(&to_json(&self.msg)));
        if let Some(buf) = &self.buf {
            set("buf", buf);
            transfer.push(buf);
        }
        if let Some(file) = &self.file {
            set("file", file);
        }
        (obj.into(), transfer)
    }
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Reads a message; `None` for anything that is not an envelope of `T`.
    pub fn from_js(data: &JsValue) -> Option<Envelope<T>> {
        let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).ok();
        let id = get("id")?.as_f64()? as u32;
        let msg = from_json::<T>(&get("msg")?.as_string()?)?;
        Some(Envelope {
            id,
            msg,
            buf: get("buf").and_then(|b| b.dyn_into::<ArrayBuffer>().ok()),
            file: get("file").and_then(|f| f.dyn_into::<web_sys::Blob>().ok()),
        })
    }
}

/// Bytes in wasm memory → a fresh `ArrayBuffer` (one copy, made to be transferred).
pub fn buffer_from(bytes: &[u8]) -> ArrayBuffer {
    let array = Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(bytes);
    array.buffer()
}

/// A received `ArrayBuffer` → bytes in wasm memory (one copy).
pub fn bytes_of(buf: &ArrayBuffer) -> Vec<u8> {
    Uint8Array::new(buf).to_vec()
}

/// Bytes of this thread's wasm memory.
pub fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<ArrayBuffer>().ok())
        .map_or(0, |b| u64::from(b.byte_length()))
}
