//! The pool IR: a control-flow graph of pool events on places.
//!
//! Nothing in this module knows about `syn` or tree-sitter: a frontend (`frontend/rust`,
//! `frontend/go`) lowers each function body, closure and async
//! block into a [`Body`], and the flow analysis only ever sees this IR. Calls
//! are recorded symbolically ([`Callee`]) so that lowering needs no knowledge of
//! the crate's pool APIs; the knowledge index resolves them afterwards.

/// A byte range in the source file of the body.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
}

pub type PlaceId = u32;
pub type BlockId = u32;
pub type CallId = u32;

/// Something that can hold a pooled value: a local, a field path, a temporary.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Place {
    /// How the place is written in source (`buf`, `self.msg`); temps are `<temp>`.
    pub name: String,
    pub kind: PlaceKind,
    /// The place this one is a field of (`self` for `self.msg`).
    pub parent: Option<PlaceId>,
    /// The declared or inferred type of a local, when known.
    pub ty: Option<TypeRef>,
    /// A local bound to a view of a value stored elsewhere (`let data =
    /// map.get_mut::<Data>().unwrap()`, `let g = self.m.lock().unwrap()`):
    /// its fields hold what the storage held on entry.
    #[serde(default)]
    pub borrowed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlaceKind {
    Local,
    Field,
    Temp,
}

/// A receiver or variable type, as far as it can be known without a type
/// checker. Names are qualified by the frontend as the file's imports say
/// (`tokio::Semaphore`, `std::HashMap`, or a plain `Pool` of the crate's own);
/// the knowledge index resolves the rest (fields, statics, return types).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TypeRef {
    /// A type name (after peeling `&`, `Box`, `Arc`, `Option`, `Result`, ...).
    Named(String),
    /// The type of field `.1` of a value of type `.0`.
    FieldOf(Box<TypeRef>, String),
    /// The type of a `static` or `const` with this name.
    Static(String),
    /// What method `.1` returns when called on a value of type `.0`
    /// (`self.pool.checkout()?`), `Option`/`Result` peeled.
    MethodResult(Box<TypeRef>, String),
    /// What a path call returns: `Type::f(..)` or `module::f(..)` (qualifier
    /// `Some`), `f(..)` (`None`).
    CallResult(Option<String>, String),
    /// A generic parameter or `impl`/`dyn` type known only by its trait bounds.
    Bounded(Vec<String>),
    /// Parameter `param` of the closure passed as argument `arg` (receiver
    /// excluded) to a fn or method, as its signature declares the closure's
    /// type (`f: impl FnOnce(&mut Cache)`): the method `name` of `recv`'s
    /// type, or the path call `qualifier::name` / `name`.
    ClosureArg {
        recv: Option<Box<TypeRef>>,
        qualifier: Option<String>,
        name: String,
        arg: u32,
        param: u32,
    },
}

/// A call as written: resolved against the knowledge index after lowering.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Callee {
    /// The function or method name (last path segment).
    pub name: String,
    /// For path calls, the segment before the name (`BufPool` in `BufPool::get`).
    pub qualifier: Option<String>,
    /// For path calls, the path before the name as a qualified type or module
    /// name (`tokio::Semaphore` in `tokio::sync::Semaphore::new`, `Self` read
    /// as the impl's type).
    pub qualified: Option<String>,
    /// For method calls, what the receiver's type resolved to syntactically.
    pub receiver_type: Option<TypeRef>,
    pub is_method: bool,
    /// Number of arguments, receiver excluded for method calls.
    pub arg_count: usize,
    /// The call claims a field of a pool's slot or counter, or undoes a
    /// claim (`self.n += 1`, `s.busy.swap(true, ..)`, `n.fetch_sub(1, ..)`).
    pub claim: Option<ClaimOp>,
}

impl Callee {
    /// A call by its bare name, with no arguments and nothing known of a
    /// receiver's type (a synthetic call: `truncate`, Go's `recover()`).
    pub fn bare(name: &str, is_method: bool) -> Callee {
        Callee {
            name: name.to_string(),
            qualifier: None,
            qualified: None,
            receiver_type: None,
            is_method,
            arg_count: 0,
            claim: None,
        }
    }
}

/// A claim on a field, or its undo, as the syntax says: `+=`, `fetch_add`,
/// `swap(true, ..)`, `compare_exchange(false, true, ..)` claim; `-=`,
/// `fetch_sub`, `store(false, ..)`, `swap(false, ..)` undo. Whether the
/// field is a pool's is for the knowledge index ([`crate::knowledge::claims`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClaimOp {
    /// The field's name (`num_conns` in `internals.num_conns += 1`).
    pub field: String,
    /// A claim (`true`) or its undo (`false`).
    pub claim: bool,
}

/// How an operand place is passed: by value, or as a borrow/pointer/alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Mode {
    Move,
    /// A borrow that may be mutable (`&mut x`, an auto-referenced method receiver).
    Borrow,
    /// A shared borrow (`&x`): it cannot move anything out.
    Shared,
    /// A pointer copied into a call (Go): the callee may keep the value or
    /// only look at it. It is handed on unless the index knows the callee
    /// keeps none of that argument ([`crate::flow::Resolution::borrowing`]).
    Share,
}

/// One argument of a call: the tracked places its expression mentions.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Arg {
    pub places: Vec<(PlaceId, Mode)>,
    pub span: Span,
    /// The argument is known to be a value that is not a pointer (a slice
    /// header, a struct, a number): where an interface is expected, passing
    /// it copies it to the heap.
    #[serde(default)]
    pub non_pointer: bool,
    /// The argument is a value (no pointer) of this named type, which the
    /// lowering could not see the declaration of (another file of the Go
    /// package): not a pointer when the index knows the type as a struct.
    #[serde(default)]
    pub value_of: Option<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AssignKind {
    /// `x = None`
    Null,
    /// `x = Vec::new()`, `x = Default::default()`, `x = vec![]`: a fresh empty value
    Empty,
    /// `x = Vec::with_capacity(n)`, a literal, a struct literal
    Fresh,
    /// `x = pool.get()`: another acquire (decided by the analysis)
    Other,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ExitKind {
    Return,
    /// `return Err(..)` or `return None`: leaving with a failure.
    Fail,
    Try,
    Break,
    Continue,
    /// Falling off the end of a block: its locals go out of scope.
    End,
    /// A `return` or `?` leaving a closure lowered in line
    /// (`opt.map(|b| { ..; return x })`): the body goes on.
    ClosureReturn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DropKind {
    /// `drop(x)`
    Explicit,
    /// A value produced by an expression statement or `let _ = ..` and discarded.
    Discarded,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// A call; `result` is the temp place its return value lands in.
    Call {
        call: CallId,
        recv: Option<Arg>,
        args: Vec<Arg>,
        result: PlaceId,
        span: Span,
        /// The temps of a Go call's later results, when they are taken
        /// apart (`n, buf := f()`: `buf`'s): see [`result_place`].
        #[serde(default)]
        more_results: Vec<PlaceId>,
    },
    /// `dest` now also owns what `src` owns (`let b = a;`).
    Move {
        dest: PlaceId,
        src: PlaceId,
        span: Span,
    },
    /// `dest` takes what `src` owns and `src` is left empty (`Option::take`, `mem::take`).
    Take {
        dest: PlaceId,
        src: PlaceId,
        span: Span,
    },
    /// `dest` points into what `src` holds (`as_ptr`, `&x[..]`, `Rc::clone`).
    Alias {
        dest: PlaceId,
        of: PlaceId,
        span: Span,
    },
    /// A `for` loop's turn binds `element` afresh to the next element of
    /// the collection at `of` (`for &k in self.keys.iter()`); a draining
    /// loop (`self.keys.drain(..)`) takes it out of the collection; a
    /// `mutable` one (`self.slots.iter_mut()`, `&mut v`) binds a view of
    /// the slot, through which the loop may overwrite what it holds.
    Element {
        element: PlaceId,
        of: PlaceId,
        drains: bool,
        mutable: bool,
        span: Span,
    },
    /// The values of `place` leave this body (returned, moved into a call, stored).
    Transfer {
        place: PlaceId,
        span: Span,
        /// Transferred by `return` or as the body's tail value.
        returned: bool,
    },
    /// `place` is read. A `weak` read only looks at the value itself (an
    /// operator operand, a format argument): for a key-like handle that is no
    /// access to what the key names.
    Use {
        place: PlaceId,
        span: Span,
        weak: bool,
    },
    /// `place` is overwritten; what it owned is abandoned unless released before.
    Assign {
        place: PlaceId,
        kind: AssignKind,
        span: Span,
    },
    /// The value in `place` is dropped here.
    Drop {
        place: PlaceId,
        kind: DropKind,
        span: Span,
    },
    /// A refutable pattern failed: `place` holds nothing on this edge (`None`, `Err`).
    Vanish { place: PlaceId },
    /// The one statement that fills `place` was not reached on this path
    /// (the slot of a `defer` whose block was skipped): what the join of
    /// other paths says it holds came from those paths. A value it holds
    /// that may be absent here is taken to be absent on this path (out of
    /// every place, silently); a value surely present stays.
    Unreached { place: PlaceId },
    /// An `Err` edge of `place` that binds nothing (`Err(_) => ..`, the
    /// `else` of `if let Ok(..)`): what a call handed back inside its `Err`
    /// is dropped here; anything else is not there (as [`Event::Vanish`]).
    ErrArm { place: PlaceId, span: Span },
    /// The success edge of `place` (the way on after `place?`, or its
    /// `unwrap()`): what it held only inside its `Err` is not there.
    Unwrapped { place: PlaceId },
    /// An `.await`.
    Await { span: Span },
    /// The locals in `drops` go out of scope, leaving by `kind`.
    Exit {
        kind: ExitKind,
        span: Span,
        drops: Vec<PlaceId>,
    },
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Block {
    pub events: Vec<Event>,
    pub succs: Vec<BlockId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BodyKind {
    Fn,
    Closure,
    AsyncBlock,
}

/// A scope guard built in a body: the place its value lands in (the guard
/// call's result, or a hidden local for `defer!`), and the calls its
/// closure makes when it drops.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeGuard {
    pub place: PlaceId,
    pub on_drop: Vec<Callee>,
}

/// One analysable body: a fn, a closure or an async block.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Body {
    pub kind: BodyKind,
    /// `BufPool::get`, `handle`, `closure in handle`.
    pub name: String,
    /// The fn's own name and the type of its `impl`, for wrapper inference.
    pub fn_name: Option<String>,
    pub self_type: Option<String>,
    pub trait_name: Option<String>,
    /// Span of the fn's name (or the closure's `|..|`).
    pub span: Span,
    /// 1-based line of `span` (inferred APIs name where they come from).
    pub line: u32,
    pub places: Vec<Place>,
    pub callees: Vec<Callee>,
    pub blocks: Vec<Block>,
    pub entry: BlockId,
    /// Every `return`, `?` and the end of the body lead here.
    pub exit: BlockId,
    /// By-value parameters in declaration order (receiver excluded).
    pub params: Vec<Option<PlaceId>>,
    /// The `self` place, and whether `self` is taken by value.
    pub receiver: Option<(PlaceId, bool)>,
    /// The fn's return type name (after peeling references and smart pointers).
    pub returns: Option<String>,
    /// The return type is an `Option`/`Result` (around `returns`, or around
    /// nothing: `Result<(), E>`).
    pub returns_wrapped: bool,
    /// Types the body looks up by type (`user_data.get_mut::<T>()`) or is
    /// handed as a parameter or a parameter's elements (`&mut Device`,
    /// `I: IntoIterator<Item = &CommandBuffer>`): it may overwrite their
    /// fields ([`crate::store::Key::TypeArg`]).
    #[serde(default)]
    pub type_args: Vec<String>,
    /// Block ranges `start..end` that run only in debug builds (the
    /// arguments of `debug_assert!`): a release build skips them.
    #[serde(default)]
    pub debug_only: Vec<(BlockId, BlockId)>,
    /// Scope guards the body builds (`let g = scopeguard::guard(v, |v|
    /// ..)`, `defer! { .. }`): what runs when each drops.
    #[serde(default)]
    pub scope_guards: Vec<ScopeGuard>,
    /// The places a `return` fills with a result after the first, and that
    /// result's position (Go's `return n, buf`: `buf`'s slot and 1): what an
    /// acquire wrapper gives back in a later result.
    #[serde(default)]
    pub later_results: Vec<(PlaceId, u8)>,
}

/// The position in [`Body::later_results`] of a `return f()` that forwards
/// every result of `f` in its place.
pub const FORWARDED: u8 = u8::MAX;

/// Where result `k` of a call lands: its `result` temp for the first, or
/// when its results are not taken apart (`return f()`), else that result's
/// temp.
pub fn result_place(result: PlaceId, more_results: &[PlaceId], k: u8) -> PlaceId {
    match k {
        0 => result,
        k => more_results.get(k as usize - 1).copied().unwrap_or(result),
    }
}

/// Is a fn of this impl type, trait and name a `Drop::drop`? (Frontends
/// ask before a body is lowered: its keys say where a guard may release.)
pub fn is_drop_fn<N>(self_type: Option<&str>, trait_name: Option<&str>, name: &N) -> bool
where
    N: PartialEq<&'static str> + ?Sized,
{
    self_type.is_some() && trait_name == Some("Drop") && *name == "drop"
}

impl Body {
    /// Is this a `Drop::drop` (a fn of `impl Drop for T`)?
    pub fn is_drop(&self) -> bool {
        self.kind == BodyKind::Fn
            && is_drop_fn(
                self.self_type.as_deref(),
                self.trait_name.as_deref(),
                &self.fn_name.as_deref().unwrap_or_default(),
            )
    }

    /// Where call `call` is written and the place its result lands in.
    pub fn call_site(&self, call: CallId) -> Option<(Span, PlaceId)> {
        self.blocks
            .iter()
            .flat_map(|b| &b.events)
            .find_map(|ev| match ev {
                Event::Call {
                    call: c,
                    span,
                    result,
                    ..
                } if *c == call => Some((*span, *result)),
                _ => None,
            })
    }

    /// The type a `Drop::drop` drops (`T` of `impl Drop for T`).
    pub fn dropped_type(&self) -> Option<&str> {
        self.self_type.as_deref().filter(|_| self.is_drop())
    }

    /// Does `block` run only in debug builds?
    pub fn is_debug_only(&self, block: BlockId) -> bool {
        self.debug_only
            .iter()
            .any(|&(start, end)| (start..end).contains(&block))
    }

    /// Does every way from the entry to the exit pass an event `is_it`?
    pub fn every_way_passes(&self, is_it: impl Fn(&Event) -> bool) -> bool {
        let mut seen = vec![false; self.blocks.len()];
        let mut stack = vec![self.entry];
        while let Some(b) = stack.pop() {
            if std::mem::replace(&mut seen[b as usize], true) {
                continue;
            }
            if b == self.exit {
                return false;
            }
            let block = &self.blocks[b as usize];
            if !block.events.iter().any(&is_it) {
                stack.extend(&block.succs);
            }
        }
        true
    }

    /// `self` or the place a field path starts from.
    pub fn root_of(&self, mut place: PlaceId) -> PlaceId {
        while let Some(parent) = self.places[place as usize].parent {
            place = parent;
        }
        place
    }

    /// The field path below the root (`["msg"]` for `self.msg`).
    /// `place`, then what it is a field of, out to its root (`a.b.c`,
    /// `a.b`, `a`).
    pub fn place_and_owners(&self, place: PlaceId) -> impl Iterator<Item = PlaceId> + '_ {
        std::iter::successors(Some(place), |p| self.places[*p as usize].parent)
    }

    pub fn field_path(&self, mut place: PlaceId) -> Vec<&str> {
        let mut path = Vec::new();
        while let Some(parent) = self.places[place as usize].parent {
            let name = &self.places[place as usize].name;
            path.push(name.rsplit('.').next().unwrap_or(name));
            place = parent;
        }
        path.reverse();
        path
    }
}
