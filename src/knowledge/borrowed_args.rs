//! Arguments a call only looks at: the callee keeps none of them, so a
//! pointer shared into it ([`crate::ir::Mode::Share`]) stays with the caller.
//! Known from the callee's summary, a contract of the standard library
//! (`io.Reader.Read`), or a lint pack's `borrows = [..]`.

use super::{Index, Sig};
use crate::ir::Callee;

/// What a declaration's body says of its parameters: the bits of those it
/// only looks at, and those it only gives to calls that may only look at
/// them (`Sig::via`).
pub type LateSig = (u64, Box<[(u32, Callee, u32)]>);

/// The borrowed parameters of a fn whose file the load did not lower
/// (`frontend::Bodies::Defer`), by (file, position among the file's fns):
/// the engine lowers the file when first asked.
pub type LateBorrowed<'a> = &'a (dyn Fn(usize, u32) -> LateSig + Sync);

/// How deep a parameter given on to calls is followed through their own
/// summaries (`f` gives it to `g`, which gives it to `h`); deeper, or around
/// a cycle, it counts as kept.
const VIA_DEPTH: u32 = 4;

/// A signature's `via` entries, from the frontend's (parameters and
/// arguments past 63 have no bit).
pub fn via_of(via: Vec<(usize, Callee, u32)>) -> Box<[(u32, Callee, u32)]> {
    via.into_iter()
        .filter(|(p, _, at)| *p < 64 && *at < 64)
        .map(|(p, c, at)| (p as u32, c, at))
        .collect()
}

/// Two declarations of one fn: a parameter may be borrowed through calls
/// only where the other declaration may borrow it too (by its bits or its
/// own calls); the calls of both must then borrow it.
pub(super) fn merge_via(a: &Sig, b: &Sig) -> Box<[(u32, Callee, u32)]> {
    let allows = |s: &Sig, p: u32| s.borrowed & (1 << p) != 0 || s.via.iter().any(|e| e.0 == p);
    a.via
        .iter()
        .filter(|e| allows(b, e.0))
        .chain(b.via.iter().filter(|e| allows(a, e.0)))
        .cloned()
        .collect()
}

impl Index {
    /// Bit `i`: every body declared under this signature only looks at
    /// parameter `i`, those not lowered yet asked of `late`.
    fn sig_borrowed(&self, sig: &Sig, late: LateBorrowed<'_>, depth: u32) -> u64 {
        // The calls of its body are made from its own namespace (one, or
        // none known when two packages declare it: their calls say nothing).
        let from = match *sig.namespaces {
            [n] => Some(n),
            _ => None,
        };
        let mut bits = self.decl_borrowed(sig.borrowed, &sig.via, from, late, depth);
        for &(file, at) in &sig.late {
            if bits == 0 {
                break;
            }
            let (own, via) = late(file as usize, at);
            bits &= self.decl_borrowed(own, &via, from, late, depth);
        }
        bits
    }

    /// One declaration's bits: its own, and those of parameters every call
    /// they are given to borrows.
    fn decl_borrowed(
        &self,
        bits: u64,
        via: &[(u32, Callee, u32)],
        from: Option<u32>,
        late: LateBorrowed<'_>,
        depth: u32,
    ) -> u64 {
        let mut through = via.iter().fold(0u64, |m, e| m | (1 << e.0)) & !bits;
        for (p, callee, at) in via {
            if through & (1 << p) == 0 {
                continue;
            }
            if depth >= VIA_DEPTH
                || self.borrowed_args_at(callee, from, late, depth + 1) & (1 << at) == 0
            {
                through &= !(1 << p);
            }
        }
        bits | through
    }
}

/// Methods whose contract forbids keeping what they are given (Go's
/// `io.Reader`/`io.Writer` family: "implementations must not retain p"),
/// whatever the receiver: the caller still holds its buffer afterwards.
pub const NON_RETAINING_METHODS: &[&str] = &["Read", "Write", "ReadAt", "WriteAt", "WriteString"];

/// Functions of the standard library (package path, name) that read into or
/// compare the buffers they are given and keep none of them (`io.ReadFull`
/// reads into `buf` through the reader's `Read`).
pub const NON_RETAINING_FUNCS: &[(&str, &str)] = &[
    ("io", "ReadFull"),
    ("io", "ReadAtLeast"),
    ("bytes", "Equal"),
    ("bytes", "Compare"),
];

/// Does the callee's contract forbid keeping any argument it is given?
pub fn keeps_no_args(callee: &Callee) -> bool {
    if callee.is_method {
        return NON_RETAINING_METHODS.contains(&callee.name.as_str());
    }
    callee.qualified.as_deref().is_some_and(|path| {
        NON_RETAINING_FUNCS
            .iter()
            .any(|(p, f)| *p == path && *f == callee.name)
    })
}

impl Index {
    /// The arguments of a call that the callee only looks at (bit `i` for
    /// argument `i`): a fn of the scanned sources whose body neither keeps,
    /// hands on nor releases them.
    pub fn borrowed_args(&self, callee: &Callee, file: usize, late: LateBorrowed<'_>) -> u64 {
        self.borrowed_args_at(callee, self.namespace_of_file(file), late, 0)
    }

    /// [`Index::borrowed_args`] of a call made from namespace `from`: a
    /// signature of another namespace's fn of the same name says nothing.
    fn borrowed_args_at(
        &self,
        callee: &Callee,
        from: Option<u32>,
        late: LateBorrowed<'_>,
        depth: u32,
    ) -> u64 {
        use super::resolve::{Resolved, TypeOrigin};
        if keeps_no_args(callee) {
            return u64::MAX;
        }
        if callee.is_method {
            let Some(Resolved::Type(ty)) = callee.receiver_type.as_ref().map(|t| self.resolve(t))
            else {
                return 0;
            };
            if let TypeOrigin::External(c) = &ty.origin {
                return self.pack_borrows_call(c, Some(&ty.name), &callee.name);
            }
            if ty.origin != TypeOrigin::Local {
                return 0;
            }
            return self
                .method_owners(&ty.name)
                .iter()
                .find_map(|o| self.sig(Some(o), &callee.name))
                .filter(|s| self.sig_visible(s, from, None))
                .map_or(0, |s| self.sig_borrowed(s, late, depth));
        }
        let own = match (&callee.qualifier, &callee.qualified) {
            (None, _) => true,
            // A package of a scanned module.
            (Some(_), Some(path)) => self.is_workspace_path(path),
            (Some(_), None) => false,
        };
        if !own {
            let path = callee.qualified.as_deref().unwrap_or_default();
            return self.pack_borrows_call(&super::packs::normalize(path), None, &callee.name);
        }
        self.sig(None, &callee.name)
            .filter(|s| self.sig_visible(s, from, callee.qualifier.as_deref()))
            .map_or(0, |s| self.sig_borrowed(s, late, depth))
    }

    /// Record a pack's `borrows` (`Do`, `HostClient.Do`).
    pub fn add_pack_borrows(&mut self, crates: &[String], borrows: &[String]) {
        let crates: Vec<String> = crates.iter().map(|c| super::packs::normalize(c)).collect();
        for b in borrows {
            let (ty, name) = match b.rsplit_once('.') {
                Some((ty, name)) => (Some(ty.to_string()), name.to_string()),
                None => (None, b.clone()),
            };
            self.pack_borrows.push((crates.clone(), ty, name));
        }
    }

    /// All arguments (`u64::MAX`) when a pack says this call of its crate
    /// `krate` keeps none of them, else none.
    fn pack_borrows_call(&self, krate: &str, ty: Option<&str>, name: &str) -> u64 {
        let listed = self.pack_borrows.iter().any(|(crates, t, n)| {
            n == name && t.as_deref() == ty && crates.iter().any(|c| c == krate)
        });
        if listed { u64::MAX } else { 0 }
    }
}
