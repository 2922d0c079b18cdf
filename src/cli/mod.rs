//! The command line's work beyond parsing arguments: one render, many in parallel, a watch
//! loop, starting files, pipes, and the HTTP service.

pub mod batch;
pub mod init;
pub mod pipe;
pub mod render;
pub mod serve;
pub mod watch;
