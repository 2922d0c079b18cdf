//! Exporters: the only stage that knows about output formats. They draw from the Frame alone.

pub mod archive;
pub mod content;
pub mod deflate;
pub mod pdf;
pub mod png;
pub mod serialize;
pub mod subset;
pub mod tags;
