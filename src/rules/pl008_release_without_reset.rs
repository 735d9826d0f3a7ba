use super::{RuleContext, declare_rule};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Label, Suggestion};
use crate::flow::Origin;
use crate::ir::{Event, PlaceId, Span};
use crate::knowledge::{Role, release_paths};
use std::collections::BTreeSet;

declare_rule! {
    /// ## What it does
    /// Finds a value whose type declares a reset (`pooled(reset = "..")`, a
    /// `#[poollint::reset]` method, or the config's `reset = [..]`) released
    /// on a path where it was not reset. A release function that resets its
    /// parameter itself (inferred from its body) makes the reset unnecessary
    /// for every caller; releases whose body poollint cannot see are assumed
    /// to reset, except a container's that stores whatever it is given (a
    /// pool declared `boxes = true`: Go's `sync.Pool.Put`). An acquire whose
    /// API does not name the type it hands out (`sync.Pool.Get` returns
    /// `any`) takes the type of the local its result lands in
    /// (`buf := pool.Get().(*bytes.Buffer)`).
    ///
    /// On the pool's own release path: a release that resets the value (or
    /// hands it to another fn, a recycler) on some paths but pushes it back
    /// onto the free list un-reset on another is reported at that push. A
    /// guard's raw value taken out of its detach field (`self.conn.take()`)
    /// and released un-reset is reported at the release.
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
    /// Only values from acquires whose declared return type is known, or
    /// whose result lands in a local of a known type, are followed (for a
    /// configured acquire, the return type its signature declares). A reset through a helper function is seen only when the
    /// helper is named like a reset (`reset_*`, `clear_*`). A put-back is a
    /// `push`/`push_back`/`send` onto something reached from `self`.
    pub struct ReleaseWithoutReset {
        code: "PL008",
        name: "release-without-reset",
        level: Warn,
        summary: "a value with a declared reset is released without being reset",
    }
}

/// In a release fn: the place of the value it takes back, and its type.
fn released_value(cx: &RuleContext<'_>) -> Option<(PlaceId, String)> {
    let body = cx.body;
    let place = cx.released_place()?;
    let ty = body.places[place as usize]
        .ty
        .as_ref()
        .and_then(|t| cx.index.resolve_type(t))?;
    Some((place, ty))
}

/// A release that resets (or hands on) what it takes back on some paths but
/// puts it back on its free list un-reset on another.
fn check_release_paths(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    let Some((place, ty)) = released_value(cx) else {
        return;
    };
    if !cx.index.type_has_reset(&ty) {
        return;
    }
    let paths = release_paths::analyse(cx.index, cx.body, cx.file, place);
    if !paths.mixed() {
        return;
    }
    let name = &cx.body.places[place as usize].name;
    for span in paths.unreset_put_backs {
        let mut d = cx.diagnostic(
            &ReleaseWithoutReset::INFO,
            format!("`{name}` goes back to the pool without being reset"),
            Label::new(span, "put back here on a path with no reset"),
        );
        d.secondary.push(Label::new(
            cx.body.span,
            format!("this release resets (or hands on) `{name}` on its other paths"),
        ));
        d.help = Some(format!(
            "reset `{name}` (the `{ty}` reset) before this put-back, or send it down the path that resets"
        ));
        d.notes
            .push("the next user of the pooled value would see this user's data".to_string());
        out.push(d);
    }
}

pub fn check(cx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
    check_release_paths(cx, out);
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
