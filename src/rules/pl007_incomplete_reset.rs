use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::ir::Span;

declare_rule! {
    /// ## What it does
    /// Checks the reset method of a pooled type and reports the fields it
    /// leaves as they were. The reset is named by `pooled(reset = "..")`,
    /// marked `#[poollint::reset]`, or named in the config (`reset =
    /// ["Msg::reset"]`; `reset = ["Head::clear"]` with `Head` a trait checks
    /// every `impl Head for T`). A field counts as reset when the method
    /// assigns it (also through a lock guard: `*self.state.write() = ..`),
    /// clears, truncates, fills, zeroizes or `take()`s it, `store`s an atomic
    /// or `set`s a cell, resets it element by element
    /// (`self.regs.iter_mut().for_each(|r| *r = 0)`), passes it by `&mut` to a
    /// helper, reassigns the whole value (`*self = Self::default()`), or calls
    /// a method on `self` that does any of that (followed across the crate).
    /// Fields marked `#[pooled(keep)]` or listed in the config's `keep =
    /// ["Msg.id"]` are exempt, and so is a field the reset copies into
    /// another as the new baseline (`self.start = self.count` keeps `count`).
    /// A field every caller of the reset sets on the value it resets
    /// (`c.request = req; c.reset()`) counts as reset: the reset and its
    /// callers prepare the value together. A field the type's own methods
    /// read to reach the pool they give the value back to (`pool :=
    /// e.opts.pool; pool.Put(e)`, `self.pool.put(self)`) is the value's link
    /// to its pool and is kept.
    ///
    /// A pool with no named reset (a hand-rolled pool, a configured
    /// acquire/release pair) resets inline: what its reuse path (the branch
    /// of the acquire that pops a value off the free list) and its release
    /// path (the release fn, and the `Drop` of a guard that pushes the value
    /// back or passes it to the release) do together is its reset. When the
    /// acquire hands out a guard, the pooled type is the one its `Drop`
    /// takes out of the guard and gives back. When they clear
    /// something, a field neither clears nor overwrites is reported on the
    /// acquire fn's name, with a label on the field; a field one of them
    /// appends to (`push`, `extend`, `insert`, `push_str`) without clearing is
    /// reported as accumulating across reuses. Fields every acquire site sets
    /// right after the acquire (or every acquire wrapper sets) count as reset;
    /// a field only some sites set is reported at the sites that forget it.
    ///
    /// ## Why is this bad
    /// Whatever the reset leaves behind reaches the next user of the pooled
    /// value. A VM pool whose reset cleared the interrupt flag but not the
    /// message object leaked one tenant's message to the next.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[poollint::pooled(reset = "reset")]
    /// struct Vm { interrupted: bool, msg: Option<Msg> }
    /// impl Vm {
    ///     fn reset(&mut self) { self.interrupted = false; } // `msg` survives
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// fn reset(&mut self) { self.interrupted = false; self.msg = None; }
    /// ```
    /// or mark a field that is meant to survive with `#[pooled(keep)]`.
    ///
    /// ## Known limits
    /// Any method call that takes the field by `&mut` counts as a reset. Calls
    /// through trait objects are not followed; closures are followed only for
    /// element-wise resets of a field's `iter_mut()`, not `for` loops over
    /// it. An inline reset is looked for in the acquire's, the release's and
    /// the guard `Drop`'s own bodies (and the pooled type's methods they
    /// call); a `Drop` counts when it takes the value out of a field of the
    /// guard (`self.obj.take()`) into a local before giving it back.
    pub struct IncompleteReset {
        code: "PL007",
        name: "incomplete-reset",
        level: Warn,
        summary: "the reset method of a pooled type leaves some field as it was",
    }
}

/// PL007 on a pool without a named reset: its reuse and release paths are
/// the reset, and they leave fields (or let them grow).
fn check_inline(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    use crate::knowledge::inline_resets::InlineFinding;
    let body = cx.body;
    for finding in cx.index.summaries().inline_resets() {
        match finding {
            InlineFinding::Acquire {
                owner,
                name,
                ty,
                missed,
                accumulates,
            } if body.self_type.as_deref() == Some(owner.as_str())
                && body.fn_name.as_deref() == Some(name.as_str())
                && body.kind == crate::ir::BodyKind::Fn =>
            {
                let Some(decl) = cx.index.struct_decl(ty) else {
                    continue;
                };
                let quote = |v: &[String]| {
                    v.iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut parts = Vec::new();
                if !missed.is_empty() {
                    parts.push(format!("does not reset {}", quote(missed)));
                }
                if !accumulates.is_empty() {
                    parts.push(format!(
                        "lets {} accumulate across reuses",
                        quote(accumulates)
                    ));
                }
                let mut d = cx.diagnostic(
                    &IncompleteReset::INFO,
                    format!(
                        "`{owner}::{name}` hands out reused `{ty}` values but its pool {}",
                        parts.join(" and ")
                    ),
                    Label::new(
                        body.span,
                        "the reuse and release paths of this pool are its reset",
                    ),
                );
                for f in decl.fields.iter() {
                    let label = if missed.contains(&f.name) {
                        format!("`{}` is not reset", f.name)
                    } else if accumulates.contains(&f.name) {
                        format!(
                            "`{}` accumulates across reuses: appended to, never cleared",
                            f.name
                        )
                    } else {
                        continue;
                    };
                    d.secondary.push(Label::in_file(
                        decl.file,
                        Span::new(f.span.0, f.span.1),
                        label,
                    ));
                }
                d.help = Some(
                    "clear or overwrite every field when a value is reused or given back, or declare the fields kept on purpose (`keep = [\"Type.field\"]`)"
                        .to_string(),
                );
                d.notes.push(
                    "whatever a reset leaves behind reaches the next user of the pooled value"
                        .to_string(),
                );
                out.push(d);
            }
            InlineFinding::Site {
                file,
                body: span,
                call,
                acquire,
                ty,
                missed,
            } if *file == cx.file && *span == body.span => {
                let names: Vec<String> = missed.iter().map(|f| format!("`{f}`")).collect();
                let mut d = cx.diagnostic(
                    &IncompleteReset::INFO,
                    format!(
                        "this `{acquire}` leaves {} of the reused `{ty}` as its last user left it",
                        names.join(", ")
                    ),
                    Label::new(
                        *call,
                        "the other acquire sites set these fields; this one does not",
                    ),
                );
                d.help = Some(format!(
                    "set {} after this acquire, as the other sites do",
                    names.join(", ")
                ));
                out.push(d);
            }
            _ => {}
        }
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    check_inline(cx, out);
    let body = cx.body;
    let (Some(ty), Some(name)) = (&body.self_type, &body.fn_name) else {
        return;
    };
    let Some(decl) = cx.index.struct_decl(ty) else {
        return;
    };
    if !cx.index.is_reset_method(ty, name) {
        return;
    }
    let Some(resets) = cx.index.summaries().field_resets(ty, name) else {
        return;
    };
    if resets.all {
        return;
    }
    let missed: Vec<_> = decl
        .fields
        .iter()
        .filter(|f| !f.keep && !resets.fields.contains(&f.name))
        .collect();
    if missed.is_empty() {
        return;
    }
    let names: Vec<String> = missed.iter().map(|f| format!("`{}`", f.name)).collect();
    let mut d = cx.diagnostic(
        &IncompleteReset::INFO,
        format!(
            "`{ty}{}{name}` does not reset {}",
            cx.wording.method_sep,
            names.join(", ")
        ),
        Label::new(
            body.span,
            "this reset leaves fields as the last user left them",
        ),
    );
    for f in missed {
        let span = Span::new(f.span.0, f.span.1);
        d.secondary.push(Label::in_file(
            decl.file,
            span,
            format!("`{}` is not reset", f.name),
        ));
    }
    d.help = Some(cx.wording.reset_every_field.to_string());
    d.notes.push(
        "whatever a reset leaves behind reaches the next user of the pooled value".to_string(),
    );
    out.push(d);
}
