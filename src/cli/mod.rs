//! The command line's work beyond parsing arguments: one render, many in parallel, a watch
//! loop, and starting files.

pub mod batch;
pub mod init;
pub mod render;
pub mod watch;
