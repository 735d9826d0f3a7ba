//! poollint: static analysis of object-pool discipline.

pub mod allocator;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod fix;
pub mod flow;
pub mod frontend;
pub mod gomod;
pub mod ir;
pub mod knowledge;
pub mod report;
pub mod rules;
pub mod source;
pub mod store;
pub mod suppress;
pub mod wording;
pub mod workspace;
