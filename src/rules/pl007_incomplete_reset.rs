use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::ir::Span;

declare_rule! {
    /// ## What it does
    /// Checks the reset method of a `#[poollint::pooled]` type (named by
    /// `pooled(reset = "..")` or marked `#[poollint::reset]`) and reports the
    /// fields it leaves as they were. A field counts as reset when the method
    /// assigns it, clears, truncates, fills, zeroizes or `take()`s it, passes
    /// it by `&mut` to a helper, reassigns the whole value (`*self =
    /// Self::default()`), or calls a method on `self` that does any of that
    /// (followed across the crate). Fields marked `#[pooled(keep)]` are exempt.
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
    /// through trait objects or closures are not followed.
    pub struct IncompleteReset {
        code: "PL007",
        name: "incomplete-reset",
        level: Warn,
        summary: "the reset method of a pooled type leaves some field as it was",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let body = cx.body;
    let (Some(ty), Some(name)) = (&body.self_type, &body.fn_name) else {
        return;
    };
    let Some(decl) = cx.index.struct_decl(ty).filter(|d| d.pooled) else {
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
