//! Patterns: binding a value to the names of a `let`/`match`/`if let`
//! pattern, and what the failure edge of a refutable pattern means.

use super::builder::LocalInfo;
use super::lower::{Lowerer, Operand};
use super::types;
use crate::ir::{Event, Mode, PlaceId, PlaceKind, Span, TypeRef};
use syn::Pat;
use syn::spanned::Spanned;

/// An identifier pattern that is really a constant or a unit variant (`None`, `MAX`).
fn is_constant_ident(id: &syn::PatIdent) -> bool {
    id.subpat.is_none()
        && id
            .ident
            .to_string()
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase())
}

/// Does the pattern bind no names at all (`None`, `Err(_)`, `_`, `Kind::A`)?
pub fn binds_nothing(pat: &Pat) -> bool {
    let mut names = Vec::new();
    collect_names(pat, &mut names);
    names.is_empty()
}

fn collect_names<'p>(pat: &'p Pat, out: &mut Vec<&'p syn::PatIdent>) {
    match pat {
        Pat::Ident(id) => {
            if !is_constant_ident(id) {
                out.push(id);
            }
            if let Some((_, sub)) = &id.subpat {
                collect_names(sub, out);
            }
        }
        Pat::Or(o) => {
            if let Some(first) = o.cases.first() {
                collect_names(first, out);
            }
        }
        Pat::Paren(p) => collect_names(&p.pat, out),
        Pat::Reference(r) => collect_names(&r.pat, out),
        Pat::Slice(s) => s.elems.iter().for_each(|p| collect_names(p, out)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| collect_names(&f.pat, out)),
        Pat::Tuple(t) => t.elems.iter().for_each(|p| collect_names(p, out)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| collect_names(p, out)),
        Pat::Type(t) => collect_names(&t.pat, out),
        Pat::Guard(g) => collect_names(&g.pat, out),
        _ => {}
    }
}

/// The one sub-pattern of `Some(x)`, `Ok(x)`, `Wrapper(x, _)` that binds names, if only one does.
fn single_binding_elem(t: &syn::PatTupleStruct) -> Option<&Pat> {
    let mut binding = t.elems.iter().filter(|p| !binds_nothing(p));
    let first = binding.next()?;
    binding.next().is_none().then_some(first)
}

impl<'f> Lowerer<'f> {
    /// Declare every name of a pattern as a local that holds nothing tracked.
    pub fn declare_pattern_names(&mut self, pat: &Pat) {
        let mut names = Vec::new();
        collect_names(pat, &mut names);
        for id in names {
            self.b.declare(&id.ident.to_string(), LocalInfo::default());
        }
    }

    /// The places of the names `pat` binds, once they are declared.
    pub fn pattern_places(&mut self, pat: &Pat) -> Vec<PlaceId> {
        let mut names = Vec::new();
        collect_names(pat, &mut names);
        names
            .iter()
            .filter_map(|id| self.b.lookup(&id.ident.to_string()))
            .collect()
    }

    /// Bind `op` to the names of `pat` on the edge where the pattern matched.
    pub fn bind(&mut self, op: Operand, pat: &Pat, info: LocalInfo, span: Span) {
        if result_variant(pat) == Some("Ok") {
            // The success edge: what the call handed back in an `Err` is not here.
            for &(place, mode) in &op.places {
                if mode == Mode::Move {
                    self.b.emit(Event::Unwrapped { place });
                }
            }
        }
        match pat {
            Pat::Ident(id) if !is_constant_ident(id) => {
                let op = if id.by_ref.is_some() {
                    op.borrowed()
                } else {
                    op
                };
                let place = self.b.declare(&id.ident.to_string(), info);
                self.assign_to(place, op, span);
                if let Some((_, sub)) = &id.subpat {
                    self.declare_pattern_names(sub);
                }
            }
            Pat::Type(pt) => {
                let info = LocalInfo {
                    ty: self.type_ref(&pt.ty).or(info.ty),
                    shared: types::is_shared_pointer(&pt.ty) || info.shared,
                };
                self.bind(op, &pt.pat, info, span);
            }
            Pat::Paren(p) => self.bind(op, &p.pat, info, span),
            Pat::Reference(r) => self.bind(op.borrowed(), &r.pat, info, span),
            Pat::Wild(_) => self.discard(op, span),
            Pat::TupleStruct(t) if single_binding_elem(t).is_some() => {
                let inner = single_binding_elem(t).expect("checked");
                // `Option` and `Result` are peeled from types: `Some(x)`/`Ok(x)`
                // bind the payload the scrutinee's type already names.
                let payload = t
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Some" || s.ident == "Ok");
                let info = if payload { info } else { LocalInfo::default() };
                self.bind(op, inner, info, span);
            }
            Pat::Struct(s) if self.part_base(&op).is_some() => {
                let base = self.destructured(op, pat, info, span);
                for f in &s.fields {
                    let member = match &f.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    self.bind_part(base, &member, &f.pat, span);
                }
            }
            // A tuple returned by a call (`let (pool, conn) = lease.detach()`,
            // `let (data, len) = r.pop_buf()`): its names own its parts; a
            // raw region's pointer part carries the value on into the view
            // built from it (see `result_parts`).
            Pat::Tuple(t) if self.part_base(&op).is_some() => {
                let from_call = self.part_base(&op).is_some_and(|p| self.is_temp(p));
                let base = self.destructured(op, pat, info, span);
                for (i, elem) in t.elems.iter().enumerate() {
                    self.bind_part(base, &i.to_string(), elem, span);
                    if from_call {
                        let mut names = Vec::new();
                        collect_names(elem, &mut names);
                        for id in names {
                            if let Some(p) = self.b.lookup(&id.ident.to_string()) {
                                self.result_parts.insert(p);
                            }
                        }
                    }
                }
            }
            Pat::TupleStruct(t) if self.part_base(&op).is_some() => {
                let base = self.destructured(op, pat, info, span);
                for (i, elem) in t.elems.iter().enumerate() {
                    self.bind_part(base, &i.to_string(), elem, span);
                }
            }
            // A borrowed tuple (`let (inner_pool, condvar) = &*self.inner`):
            // its names view its parts, typed as the tuple's elements.
            Pat::Tuple(t) if info.ty.is_some() => {
                for (i, elem) in t.elems.iter().enumerate() {
                    match elem {
                        Pat::Ident(id) if id.subpat.is_none() && !is_constant_ident(id) => {
                            let ty = info
                                .ty
                                .clone()
                                .map(|ty| TypeRef::FieldOf(Box::new(ty), i.to_string()));
                            let info = LocalInfo { ty, shared: false };
                            self.b.declare(&id.ident.to_string(), info);
                        }
                        other => self.declare_pattern_names(other),
                    }
                }
                self.consume(op, span, false);
            }
            other => {
                // Destructuring we do not follow: the value is taken apart here.
                self.declare_pattern_names(other);
                self.consume(op, span, false);
            }
        }
    }

    /// A local or a field, not a temporary.
    fn is_named(&self, place: PlaceId) -> bool {
        !self.is_temp(place)
    }

    fn is_temp(&self, place: PlaceId) -> bool {
        self.b.body.places[place as usize].kind == PlaceKind::Temp
    }

    /// The one place a destructured value is in, when it is moved from one.
    fn part_base(&self, op: &Operand) -> Option<PlaceId> {
        match op.places.as_slice() {
            [(place, Mode::Move)] => Some(*place),
            _ => None,
        }
    }

    /// The place whose parts a destructuring pattern binds: the scrutinee's
    /// place, or for a temporary (`let (a, b) = f()`) a local named by the
    /// pattern that keeps the value until its parts are handed on.
    fn destructured(&mut self, op: Operand, pat: &Pat, info: LocalInfo, span: Span) -> PlaceId {
        let base = self.part_base(&op).expect("checked by the caller");
        if !self.is_temp(base) {
            return base;
        }
        let text = self.cx.source(self.cx.span(pat.span()));
        let name = if text.is_empty() || text.len() > 60 {
            "<destructured>".to_string()
        } else {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let local = self.b.declare(&name, info);
        self.b.emit(Event::Move {
            dest: local,
            src: base,
            span,
        });
        local
    }

    /// Bind the part `member` of `base` to a sub-pattern: the names it binds
    /// hold that part of the value (handing one on, or releasing it, hands on
    /// or gives back what the pool cares about: see the flow's parts).
    fn bind_part(&mut self, base: PlaceId, member: &str, pat: &Pat, span: Span) {
        if matches!(pat, Pat::Wild(_) | Pat::Rest(_)) {
            return;
        }
        let part = self.b.field(base, member);
        let info = LocalInfo {
            ty: self
                .place_type(base)
                .map(|t| TypeRef::FieldOf(Box::new(t), member.to_string())),
            shared: false,
        };
        self.bind(Operand::one(part, Mode::Move), pat, info, span);
    }

    /// The type of a local, or of a field path below one, as far as known.
    fn place_type(&self, place: PlaceId) -> Option<TypeRef> {
        let p = &self.b.body.places[place as usize];
        match (p.kind, p.parent) {
            (PlaceKind::Field, Some(parent)) => {
                let member = p.name.rsplit('.').next().unwrap_or(&p.name).to_string();
                Some(TypeRef::FieldOf(Box::new(self.place_type(parent)?), member))
            }
            _ => p.ty.clone(),
        }
    }

    /// The edge where a refutable pattern did not match: the value it would
    /// have bound is not there (`None`, `Err(_)`), so nothing can leak from it.
    pub fn refute(&mut self, op: &Operand, pat: &Pat) {
        // The edge where `Ok(..)` did not match is the `Err` edge.
        let err = result_variant(pat) == Some("Ok");
        // Where `Some(..)` did not match, the place is `None`.
        let empty = is_variant(pat, "Some");
        self.nothing_bound(op, err, empty, pat);
    }

    /// A `match` arm that binds nothing: the scrutinee's value is not in it
    /// (an `Err(_)` arm drops what the call handed back in its `Err`).
    pub fn refute_arm(&mut self, op: &Operand, pat: &Pat) {
        let err = result_variant(pat) == Some("Err");
        let empty = is_variant(pat, "None");
        self.nothing_bound(op, err, empty, pat);
    }

    /// `empty`: on this edge the place is known to be `None`, even when the
    /// scrutinee only borrows it.
    fn nothing_bound(&mut self, op: &Operand, err: bool, empty: bool, pat: &Pat) {
        let span = self.cx.span_of(pat);
        for &(place, mode) in &op.places {
            let event = match mode {
                Mode::Move if err => Event::ErrArm { place, span },
                Mode::Move => Event::Vanish { place },
                // `if let Some(b) = &self.buf { .. } else { .. }`: on the
                // `else` edge the borrowed place is `None` and holds nothing.
                // A borrowed `Err` still holds what it held.
                Mode::Borrow | Mode::Shared if empty && self.is_named(place) => {
                    Event::Vanish { place }
                }
                _ => continue,
            };
            self.b.emit(event);
        }
    }
}

/// Is the pattern the variant `name` (`Some(..)`, `None`, a path ending so)?
fn is_variant(pat: &Pat, name: &str) -> bool {
    let path = match pat {
        Pat::TupleStruct(ts) => &ts.path,
        Pat::Path(p) => &p.path,
        Pat::Ident(id) => return id.subpat.is_none() && id.ident == name,
        _ => return false,
    };
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// `Ok` or `Err` for a pattern `Ok(..)` / `Err(..)` (any path ending so).
fn result_variant(pat: &Pat) -> Option<&'static str> {
    let Pat::TupleStruct(ts) = pat else {
        return None;
    };
    let last = ts.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Ok" => Some("Ok"),
        "Err" => Some("Err"),
        _ => None,
    }
}
