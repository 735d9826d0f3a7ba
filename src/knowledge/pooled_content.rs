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

    /// A pooled type, or an aggregate of this crate that carries one in a
    /// field or variant and has no `Drop` (a `Drop` may give it back, as a
    /// guard's does): dropping it drops the pooled value.
    fn holds_pooled(&self, ty: &str, depth: usize) -> bool {
        if self.is_pooled(ty) {
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
                    .any(|m| m != ty && self.holds_pooled(m, depth - 1))
            })
    }

    fn has_drop(&self, ty: &str) -> bool {
        self.traits_of
            .get(ty)
            .is_some_and(|traits| traits.iter().any(|t| t == "Drop" || t == "std::Drop"))
    }
}
