use super::{RuleContext, declare_rule};
use crate::diagnostic::{Diagnostic, Label};
use crate::flow::ReleaseArg;
use crate::ir::Event;
use crate::knowledge::{ReleaseParam, Role};

declare_rule! {
    /// ## What it does
    /// Finds a value that is not a pointer (a slice, a struct, a string, a
    /// number) given back to a pool whose release takes an interface value:
    /// Go's `sync.Pool.Put(x any)`, and any release declared with
    /// `boxes = true`.
    ///
    /// ## Why is this bad
    /// Converting a non-pointer value to an interface copies it to the heap.
    /// A pool exists to save allocations; a `Put` that allocates on every call
    /// costs what it was meant to save (staticcheck's SA6002). A slice header
    /// is three words: `pool.Put(buf[:0])` allocates one each time.
    ///
    /// ## Example
    /// ```go
    /// var pool = sync.Pool{New: func() any { return make([]byte, 0, 1024) }}
    /// func put(b []byte) { pool.Put(b[:0]) } // allocates a slice header
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// var pool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
    /// func put(b *[]byte) { *b = (*b)[:0]; pool.Put(b) }
    /// ```
    ///
    /// ## Known limits
    /// Only values the source shows are not pointers count: a slice
    /// expression, a composite literal, `make(..)`, a string, or a variable or
    /// parameter declared with a slice, struct or basic type. A parameter of
    /// a named type declared in another file of the package counts when the
    /// index knows that name as a struct (`ts TimeSeries`); the name is not
    /// told apart from a struct of the same name in another package, and a
    /// local variable of such a type is not known.
    pub struct NonPointerPut {
        code: "PL012",
        name: "non-pointer-put",
        level: Warn,
        summary: "a non-pointer value is put into a pool that takes an interface (it allocates on every put)",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    for ev in cx.body.blocks.iter().flat_map(|b| &b.events) {
        let Event::Call {
            call, recv, args, ..
        } = ev
        else {
            continue;
        };
        let non_pointer = |a: &crate::ir::Arg| {
            a.non_pointer
                || a.value_of
                    .as_deref()
                    .is_some_and(|t| cx.index.struct_decl_in(t, cx.file).is_some())
        };
        if !args.iter().any(non_pointer) {
            continue;
        }
        let callee = &cx.body.callees[*call as usize];
        let Some(api) = cx.index.lookup(callee, cx.file) else {
            continue;
        };
        let Role::Release(param) = api.role else {
            continue;
        };
        if !api.boxes {
            continue;
        }
        let target = match cx.index.effect(callee, cx.file) {
            crate::flow::CallEffect::Release { arg, .. } => arg,
            _ => match param {
                ReleaseParam::Param(i) => ReleaseArg::Arg(i),
                ReleaseParam::Receiver => continue,
            },
        };
        let arg = match target {
            ReleaseArg::Arg(i) => args.get(i),
            ReleaseArg::Receiver => recv.as_ref(),
            ReleaseArg::Token => None,
        };
        let Some(arg) = arg.filter(|a| non_pointer(a)) else {
            continue;
        };
        let value = cx.snippet(arg.span);
        let mut d = cx.diagnostic(
            &NonPointerPut::INFO,
            format!(
                "`{value}` is not a pointer: `{}` copies it to the heap on every call",
                api.display_name().replace("::", cx.wording.method_sep)
            ),
            Label::new(
                arg.span,
                "converted to an interface here: one allocation per put",
            ),
        );
        d.help = Some(
            "pool pointers (`*[]byte`, `*T`): allocate `&b` once in `New`, and put the same pointer back"
                .to_string(),
        );
        d.notes.push(
            "a pool that allocates on every put saves nothing (staticcheck SA6002)".to_string(),
        );
        out.push(d);
    }
}
