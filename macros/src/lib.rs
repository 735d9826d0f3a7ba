//! Attributes that tell [`cargo poollint`](https://crates.io/crates/cargo-poollint)
//! what your pool API does.
//!
//! Every attribute expands to the item it is put on, unchanged (the
//! `#[pooled(keep)]` field helpers are removed): no runtime code, no new public
//! items. The attributes only validate their arguments, with compile errors that
//! point at the offending token. `cargo poollint` reads them syntactically from
//! your source, in the path form (`#[poollint::acquire]`) or the imported form
//! (`use poollint::acquire;` then `#[acquire]`), and uses them to check every
//! caller for values that leak, are used after release or are abandoned.
//!
//! | attribute | on | meaning |
//! |---|---|---|
//! | `acquire` | fn, method, trait method | returns a raw pooled value: the caller must release it |
//! | `acquire(guard)` | fn, method | returns a guard that releases itself on drop |
//! | `release` | fn, method | releases its first non-receiver argument; `release(arg = "buf")` names it, `release(self)` releases the receiver |
//! | `detach` | guard method | returns the raw value detached from its guard |
//! | `reset` | method | resets a pooled value for reuse |
//! | `pooled` | struct, enum | values of this type are pooled; `pooled(reset = "reset")` names the reset method, `#[pooled(keep)]` marks a field kept across reuse |
//! | `guard` | struct | a guard type whose `Drop` releases |
//!
//! `acquire`, `release`, `detach`, `pooled` and `guard` also take
//! `pool = "family"` to tie acquires and releases of one pool together.
//!
//! # Example
//!
//! A buffer pool annotated with every attribute:
//!
//! ```
//! use std::sync::Mutex;
//!
//! #[poollint::pooled(reset = "reset", pool = "bufs")]
//! #[derive(Default)]
//! pub struct Buf {
//!     data: Vec<u8>,
//!     #[pooled(keep)]
//!     id: u64,
//! }
//!
//! impl Buf {
//!     #[poollint::reset]
//!     pub fn reset(&mut self) {
//!         self.data.clear();
//!     }
//!
//!     #[poollint::release(self)]
//!     pub fn recycle(self, pool: &BufPool) {
//!         pool.put(self);
//!     }
//! }
//!
//! #[derive(Default)]
//! pub struct BufPool {
//!     free: Mutex<Vec<Buf>>,
//! }
//!
//! #[poollint::guard(pool = "bufs")]
//! pub struct Reusable<'a> {
//!     pool: &'a BufPool,
//!     buf: Option<Buf>,
//! }
//!
//! impl Drop for Reusable<'_> {
//!     fn drop(&mut self) {
//!         if let Some(buf) = self.buf.take() {
//!             self.pool.put(buf);
//!         }
//!     }
//! }
//!
//! impl Reusable<'_> {
//!     #[poollint::detach]
//!     pub fn detach(mut self) -> Buf {
//!         self.buf.take().unwrap_or_default()
//!     }
//! }
//!
//! impl BufPool {
//!     #[poollint::acquire(pool = "bufs")]
//!     pub fn get(&self) -> Buf {
//!         self.free.lock().unwrap().pop().unwrap_or_default()
//!     }
//!
//!     #[poollint::acquire(guard, pool = "bufs")]
//!     pub fn pull(&self) -> Reusable<'_> {
//!         Reusable { pool: self, buf: Some(self.get()) }
//!     }
//!
//!     #[poollint::release(arg = "buf", pool = "bufs")]
//!     pub fn put(&self, mut buf: Buf) {
//!         buf.reset();
//!         self.free.lock().unwrap().push(buf);
//!     }
//! }
//!
//! let pool = BufPool::default();
//! let buf = pool.get();
//! pool.put(buf);
//! let guard = pool.pull();
//! drop(guard);
//! ```
//!
//! The imported form reads the same:
//!
//! ```
//! use poollint::{acquire, release};
//!
//! pub struct Pool;
//!
//! impl Pool {
//!     #[acquire]
//!     pub fn get(&self) -> Vec<u8> { Vec::new() }
//!
//!     #[release]
//!     pub fn put(&self, buf: Vec<u8>) {}
//! }
//! # let p = Pool; let b = p.get(); p.put(b);
//! ```

use proc_macro::TokenStream;

mod args;
mod expand;

/// The function returns a raw pooled value that the caller must release;
/// `acquire(guard)`: a guard that releases itself on drop.
#[proc_macro_attribute]
pub fn acquire(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Acquire, args.into(), item.into()).into()
}

/// The function gives a value back to its pool: its first non-receiver
/// argument, the one named by `release(arg = "name")`, or the receiver with
/// `release(self)`.
#[proc_macro_attribute]
pub fn release(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Release, args.into(), item.into()).into()
}

/// A guard method that returns the raw value detached from its guard: the
/// caller now owns the obligation to release it.
#[proc_macro_attribute]
pub fn detach(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Detach, args.into(), item.into()).into()
}

/// A method that resets a pooled value for reuse.
#[proc_macro_attribute]
pub fn reset(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Reset, args.into(), item.into()).into()
}

/// Values of this type are raw pooled values. `pooled(reset = "method")`
/// names the reset method (checked to exist and take `&mut self`); fields
/// marked `#[pooled(keep)]` are deliberately kept across reuse.
#[proc_macro_attribute]
pub fn pooled(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Pooled, args.into(), item.into()).into()
}

/// A guard type whose `Drop` releases: forgetting or leaking one is a finding.
#[proc_macro_attribute]
pub fn guard(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(expand::Word::Guard, args.into(), item.into()).into()
}
