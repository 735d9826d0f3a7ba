use super::{RuleContext, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Label, Suggestion};
use crate::flow::Origin;
use crate::ir::{Event, Span};
use crate::knowledge::Role;
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a value whose type declares a reset (`pooled(reset = "..")` or a
    /// `#[poollint::reset]` method) released on a path where it was not reset.
    /// A release function that resets its parameter itself (inferred from its
    /// body) makes the reset unnecessary; releases whose body poollint cannot
    /// see are assumed to reset.
    ///
    /// ## Why is this bad
    /// The next user of the pooled value gets the previous user's data: a
    /// request body, credentials, a half-built response.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let mut msg = pool.get();
    /// msg.body.extend_from_slice(secret);
    /// pool.put(msg); // `put` pushes it back as it is
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// msg.reset();
    /// pool.put(msg);
    /// ```
    /// or make `put` call `reset()` itself.
    ///
    /// ## Fix
    /// The suggestion inserts the declared reset before the release
    /// (`msg.reset();`). It is not applied by `--fix`: the value may need to
    /// be declared `mut`.
    ///
    /// ## Known limits
    /// Only values from acquires whose declared return type is known are
    /// followed. A reset through a helper function is not seen.
    pub struct ReleaseWithoutReset {
        code: "PL008",
        name: "release-without-reset",
        level: Warn,
        summary: "a value with a declared reset is released without being reset",
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = BTreeSet::new();
    for site in &cx.facts.released_unreset {
        if !seen.insert(site.span) {
            continue;
        }
        let name = cx.value_name(site.value, None);
        let mut d = cx.diagnostic(
            &ReleaseWithoutReset::INFO,
            format!("{name} is released without being reset"),
            Label::new(site.span, "released here on a path with no reset"),
        );
        if let Origin::Acquire { span, .. } = cx.facts.values[site.value].origin {
            d.secondary.push(Label::new(span, "acquired here"));
        }
        d.help = Some(format!(
            "reset {name} before releasing it, or make the release function reset what it takes back"
        ));
        d.notes
            .push("the next user of the pooled value would see this user's data".to_string());
        d.suggestion = reset_suggestion(cx, site.value, site.span);
        out.push(d);
    }
}

/// The reset method declared for the type an acquire returns.
fn reset_method(cx: &RuleContext<'_>, value: usize) -> Option<String> {
    let Origin::Acquire { call, .. } = cx.facts.values[value].origin else {
        return None;
    };
    let api = cx.index.lookup(&cx.body.callees[call as usize], cx.file)?;
    let ty = api.returns.as_deref()?;
    if let Some(reset) = cx.index.struct_decl(ty).and_then(|s| s.reset.clone()) {
        return Some(reset);
    }
    let mut resets = cx
        .index
        .apis()
        .iter()
        .filter(|a| a.role == Role::Reset && a.owner.as_deref() == Some(ty));
    let only = resets.next()?;
    resets.next().is_none().then(|| only.name.clone())
}

/// Insert `msg.reset();` before the release `pool.put(msg)`: on a line of its
/// own when the release starts its line, else as a block around the release
/// (a match arm).
fn reset_suggestion(cx: &RuleContext<'_>, value: usize, release: Span) -> Option<Suggestion> {
    let reset = reset_method(cx, value)?;
    let body = cx.body;
    let (call, recv, args) =
        body.blocks
            .iter()
            .flat_map(|b| &b.events)
            .find_map(|ev| match ev {
                Event::Call {
                    call,
                    recv,
                    args,
                    span,
                    ..
                } if *span == release => Some((*call, recv, args)),
                _ => None,
            })?;
    let effect = cx.index.effect(&body.callees[call as usize], cx.file);
    let arg = effect.target(recv, args)?;
    let name = cx.snippet(arg.span).trim();
    let is_ident = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !is_ident {
        return None;
    }
    let text = cx.text;
    let start = release.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    let message = format!("reset `{name}` before releasing it (it may need to be `mut`)");
    let edits = if indent.chars().all(|c| c == ' ' || c == '\t') {
        vec![Edit {
            span: Span::new(start, start),
            replacement: format!("{name}.{reset}();\n{indent}"),
        }]
    } else {
        vec![Edit {
            span: release,
            replacement: format!("{{ {name}.{reset}(); {} }}", cx.snippet(release)),
        }]
    };
    Some(Suggestion {
        message,
        edits,
        applicability: Applicability::MaybeIncorrect,
    })
}
