//! View-models: what to draw, as flat arrays in pixels. No drawing happens here.

pub mod color;
pub mod dependency;
pub mod graph;
pub mod minimap;
pub mod model;
pub mod rows;
pub mod time_axis;
pub mod waterfall;
