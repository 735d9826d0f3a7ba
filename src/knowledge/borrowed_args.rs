//! Arguments a call only looks at: the callee keeps none of them, so a
//! pointer shared into it ([`crate::ir::Mode::Share`]) stays with the caller.
//! Known from the callee's summary, a contract of the standard library
//! (`io.Reader.Read`), or a lint pack's `borrows = [..]`.

use super::{Index, Sig};
use crate::ir::Callee;

/// The borrowed-parameter bits of a fn whose file the load did not lower
/// (`frontend::Bodies::Defer`), by (file, position among the file's fns):
/// the engine lowers the file when first asked. Bit `i` as in
/// [`Sig::borrowed`].
pub type LateBorrowed<'a> = &'a (dyn Fn(usize, u32) -> u64 + Sync);

/// For runs or phases where every body asked about was lowered at the load.
pub const NONE_LATE: LateBorrowed<'static> = &|_, _| 0;

impl Sig {
    /// Bit `i`: every body declared under this name only looks at parameter
    /// `i`, those not lowered yet asked of `late`.
    pub fn borrowed_with(&self, late: LateBorrowed<'_>) -> u64 {
        self.late.iter().fold(self.borrowed, |bits, &(file, at)| {
            if bits == 0 {
                return 0;
            }
            bits & late(file as usize, at)
        })
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
    pub fn borrowed_args(&self, callee: &Callee, late: LateBorrowed<'_>) -> u64 {
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
                .map_or(0, |s| s.borrowed_with(late));
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
            .map_or(0, |s| s.borrowed_with(late))
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
