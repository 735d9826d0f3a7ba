//! Which stored data holds pooled values: a field whose declared type
//! mentions a pooled type (`Option<Token>`, `Vec<Buf>`), or an aggregate
//! that carries one inside without a `Drop` of its own (an enum whose
//! variant holds a `Token`: `sink: Option<CommandSink>`). Overwriting such a
//! field drops the pooled value with it (PL003), and the methods of its
//! type start with pooled values in `self`.

use super::Index;

/// How deep an aggregate inside an aggregate is looked into.
const DEPTH: usize = 2;

impl Index {
    /// Types with a field that holds a pooled value: their methods start
    /// with pooled values in `self`.
    pub fn types_with_pooled_fields(&self) -> Vec<String> {
        // Most trees have no pooled type at all: no walk of every struct.
        if !self.structs.values().any(|s| s.pooled) {
            return Vec::new();
        }
        self.structs
            .values()
            .filter(|s| {
                s.fields
                    .iter()
                    .any(|f| f.mentions.iter().any(|m| self.holds_pooled(m, DEPTH)))
            })
            .map(|s| s.name.clone())
            .collect()
    }

    /// Does the declared type of field `field` of `ty` hold a pooled value?
    pub fn field_holds_pooled(&self, ty: &str, field: &str) -> bool {
        let Some(decl) = self.structs.get(ty) else {
            return false;
        };
        decl.fields
            .iter()
            .find(|f| f.name == field)
            .is_some_and(|f| f.mentions.iter().any(|m| self.holds_pooled(m, DEPTH)))
    }

    /// Is field `field` of `ty` a map behind a lock (`RwLock<HashMap<u64,
    /// PoolNode<Conn>>>`) whose values hold pooled values, or values a pool
    /// API hands out?
    pub fn locked_map_holds_pooled(&self, ty: &str, field: &str) -> bool {
        let Some(decl) = self.structs.get(ty) else {
            return false;
        };
        let Some(f) = decl.fields.iter().find(|f| f.name == field) else {
            return false;
        };
        let is_map = f.core.as_deref().is_some_and(|c| {
            let last = c.rsplit("::").next().unwrap_or(c);
            matches!(last, "HashMap" | "BTreeMap" | "IndexMap")
        });
        let locked = f
            .mentions
            .iter()
            .any(|m| matches!(m.as_str(), "Mutex" | "RwLock"));
        let handed_out = |t: &str| {
            self.is_pooled(t)
                || self.apis().iter().any(|a| {
                    matches!(a.role, super::Role::Acquire { .. }) && a.returns.as_deref() == Some(t)
                })
        };
        is_map && locked && f.mentions.iter().any(|m| self.holds(m, DEPTH, &handed_out))
    }

    /// A pooled type: see [`Self::holds`].
    fn holds_pooled(&self, ty: &str, depth: usize) -> bool {
        self.holds(ty, depth, &|t| self.is_pooled(t))
    }

    /// A type `leaf` accepts, or an aggregate of this crate that carries one
    /// in a field or variant and has no `Drop` (a `Drop` may give it back,
    /// as a guard's does): dropping it drops that value.
    fn holds(&self, ty: &str, depth: usize, leaf: &dyn Fn(&str) -> bool) -> bool {
        if leaf(ty) {
            return true;
        }
        if depth == 0 || self.has_drop(ty) {
            return false;
        }
        let Some(decl) = self.structs.get(ty) else {
            return false;
        };
        !decl.guard
            && decl.fields.iter().any(|f| {
                f.mentions
                    .iter()
                    .any(|m| m != ty && self.holds(m, depth - 1, leaf))
            })
    }

    fn has_drop(&self, ty: &str) -> bool {
        self.traits_of
            .get(ty)
            .is_some_and(|traits| traits.iter().any(|t| t == "Drop" || t == "std::Drop"))
    }
}
