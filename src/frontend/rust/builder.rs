//! The CFG builder every body is lowered through: blocks, places, lexical
//! scopes, loop targets and the exits that drop locals on their way out.

use crate::ir::{
    Arg, Block, BlockId, Body, BodyKind, CallId, Callee, DropKind, Event, ExitKind, Place, PlaceId,
    PlaceKind, Span, TypeRef,
};
use std::collections::HashMap;

/// What is known about a local's type.
#[derive(Clone, Debug, Default)]
pub struct LocalInfo {
    pub ty: Option<TypeRef>,
    /// Declared as `Rc<..>`/`Arc<..>`: `.clone()` aliases it.
    pub shared: bool,
}

#[derive(Default)]
struct Scope {
    names: Vec<(String, PlaceId)>,
}

/// A `loop`/`while`/`for` or a labelled block that `break`/`continue` can target.
pub struct Target {
    pub label: Option<String>,
    pub is_loop: bool,
    pub head: BlockId,
    pub after: BlockId,
    pub result: PlaceId,
    scope_depth: usize,
    temp_mark: usize,
}

pub struct Builder {
    pub body: Body,
    pub cur: BlockId,
    scopes: Vec<Scope>,
    /// Per name, the places it names in the open scopes, innermost last: a
    /// lookup must not scan every local of a long fn.
    visible: HashMap<String, Vec<PlaceId>>,
    pub targets: Vec<Target>,
    /// Temps created by the statement(s) being lowered; dropped at statement end.
    temps: Vec<PlaceId>,
    pub locals: HashMap<PlaceId, LocalInfo>,
    fields: HashMap<(PlaceId, String), PlaceId>,
    /// Names visible in the enclosing body, for closures and async blocks.
    outer: Option<Vec<(String, LocalInfo)>>,
    /// Outer names this body uses, with the local that stands for each here.
    pub captures: Vec<(String, PlaceId)>,
    /// Set when the body nests deeper than the lowering follows: not analysed.
    pub too_deep: bool,
    pub depth: usize,
}

impl Builder {
    pub fn new(
        kind: BodyKind,
        name: String,
        span: Span,
        outer: Option<Vec<(String, LocalInfo)>>,
    ) -> Builder {
        let body = Body {
            kind,
            name,
            fn_name: None,
            self_type: None,
            trait_name: None,
            span,
            line: 0,
            places: Vec::new(),
            callees: Vec::new(),
            blocks: vec![Block::default(), Block::default()],
            entry: 0,
            exit: 1,
            params: Vec::new(),
            receiver: None,
            returns: None,
            returns_wrapped: false,
            type_args: Vec::new(),
            debug_only: Vec::new(),
            scope_guards: Vec::new(),
            later_results: Vec::new(),
        };
        Builder {
            body,
            cur: 0,
            scopes: vec![Scope::default()],
            visible: HashMap::new(),
            targets: Vec::new(),
            temps: Vec::new(),
            locals: HashMap::new(),
            fields: HashMap::new(),
            outer,
            captures: Vec::new(),
            too_deep: false,
            depth: 0,
        }
    }

    pub fn new_block(&mut self) -> BlockId {
        self.body.blocks.push(Block::default());
        (self.body.blocks.len() - 1) as BlockId
    }

    pub fn edge(&mut self, from: BlockId, to: BlockId) {
        let succs = &mut self.body.blocks[from as usize].succs;
        if !succs.contains(&to) {
            succs.push(to);
        }
    }

    /// Continue lowering in `block`.
    pub fn goto(&mut self, block: BlockId) {
        self.edge(self.cur, block);
        self.cur = block;
    }

    pub fn emit(&mut self, ev: Event) {
        let events = &mut self.body.blocks[self.cur as usize].events;
        // A temp dropped twice in a row (by its statement and its scope) is one drop.
        if let (
            Event::Drop { place, kind, .. },
            Some(Event::Drop {
                place: p, kind: k, ..
            }),
        ) = (&ev, events.last())
            && (place, kind) == (p, k)
        {
            return;
        }
        events.push(ev);
    }

    fn place(&mut self, name: String, kind: PlaceKind, parent: Option<PlaceId>) -> PlaceId {
        self.body.places.push(Place {
            name,
            kind,
            parent,
            ty: None,
            borrowed: false,
        });
        (self.body.places.len() - 1) as PlaceId
    }

    pub fn temp(&mut self) -> PlaceId {
        let t = self.place("<temp>".into(), PlaceKind::Temp, None);
        self.temps.push(t);
        t
    }

    /// A temp that lives across statements (the value of an `if`/`match`/loop).
    pub fn join_temp(&mut self) -> PlaceId {
        self.temp()
    }

    pub fn field(&mut self, base: PlaceId, name: &str) -> PlaceId {
        if let Some(&p) = self.fields.get(&(base, name.to_string())) {
            return p;
        }
        let full = format!("{}.{name}", self.body.places[base as usize].name);
        let p = self.place(full, PlaceKind::Field, Some(base));
        self.fields.insert((base, name.to_string()), p);
        p
    }

    pub fn declare(&mut self, name: &str, info: LocalInfo) -> PlaceId {
        let p = self.place(name.to_string(), PlaceKind::Local, None);
        self.body.places[p as usize].ty = info.ty.clone();
        self.scopes
            .last_mut()
            .expect("scope")
            .names
            .push((name.to_string(), p));
        self.visible.entry(name.to_string()).or_default().push(p);
        self.locals.insert(p, info);
        p
    }

    pub fn lookup(&mut self, name: &str) -> Option<PlaceId> {
        if let Some(&p) = self.visible.get(name).and_then(|ps| ps.last()) {
            return Some(p);
        }
        if let Some((_, p)) = self.captures.iter().find(|(n, _)| n == name) {
            return Some(*p);
        }
        if let Some(info) = self
            .outer
            .as_ref()
            .and_then(|o| o.iter().rev().find(|(n, _)| n == name))
            .map(|(_, info)| info.clone())
        {
            let p = self.place(name.to_string(), PlaceKind::Local, None);
            self.locals.insert(p, info);
            self.captures.push((name.to_string(), p));
            return Some(p);
        }
        None
    }

    /// Every name visible here, for a closure or async block lowered inside.
    pub fn visible_names(&self) -> Vec<(String, LocalInfo)> {
        let mut names = self.outer.clone().unwrap_or_default();
        names.extend(self.scopes.iter().flat_map(|s| {
            s.names
                .iter()
                .map(|(n, p)| (n.clone(), self.locals.get(p).cloned().unwrap_or_default()))
        }));
        names
    }

    /// Was `p` declared in the innermost open scope?
    pub fn in_innermost_scope(&self, p: PlaceId) -> bool {
        self.scopes
            .last()
            .is_some_and(|s| s.names.iter().any(|&(_, q)| q == p))
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }

    /// Close the innermost scope at `span` (its closing brace).
    pub fn pop_scope(&mut self, span: Span) {
        let scope = self.scopes.pop().expect("scope");
        for (name, _) in &scope.names {
            if let Some(places) = self.visible.get_mut(name) {
                places.pop();
            }
        }
        let drops: Vec<PlaceId> = scope.names.into_iter().map(|(_, p)| p).collect();
        if !drops.is_empty() {
            self.emit(Event::Exit {
                kind: ExitKind::End,
                span,
                drops,
            });
        }
    }

    pub fn temp_mark(&self) -> usize {
        self.temps.len()
    }

    /// End of a statement: temps it created and did not hand on are dropped.
    pub fn drop_temps(&mut self, mark: usize, span: Span) {
        let temps: Vec<PlaceId> = self.temps.drain(mark.min(self.temps.len())..).collect();
        for place in temps {
            self.emit(Event::Drop {
                place,
                kind: DropKind::Discarded,
                span,
            });
        }
    }

    fn locals_from(&self, scope_depth: usize, temp_mark: usize) -> Vec<PlaceId> {
        let mut drops: Vec<PlaceId> = self.scopes[scope_depth.min(self.scopes.len())..]
            .iter()
            .rev()
            .flat_map(|s| s.names.iter().rev().map(|(_, p)| *p))
            .collect();
        drops.extend(
            self.temps[temp_mark.min(self.temps.len())..]
                .iter()
                .copied(),
        );
        drops
    }

    /// Leave the body (`return`, `?`): every local and pending temp is dropped.
    pub fn exit_body(&mut self, kind: ExitKind, span: Span) {
        let drops = self.locals_from(0, 0);
        self.emit(Event::Exit { kind, span, drops });
        let exit = self.body.exit;
        self.edge(self.cur, exit);
        self.cur = self.new_block();
    }

    pub fn push_target(
        &mut self,
        label: Option<String>,
        is_loop: bool,
        head: BlockId,
        after: BlockId,
    ) -> PlaceId {
        let result = self.join_temp();
        self.targets.push(Target {
            label,
            is_loop,
            head,
            after,
            result,
            scope_depth: self.scopes.len(),
            temp_mark: self.temps.len(),
        });
        result
    }

    pub fn pop_target(&mut self) {
        self.targets.pop();
    }

    /// `break`/`continue` to the target named by `label` (innermost loop if `None`).
    pub fn jump(&mut self, label: Option<&str>, kind: ExitKind, span: Span) -> Option<PlaceId> {
        let idx = self.targets.iter().rposition(|t| match label {
            Some(l) => t.label.as_deref() == Some(l),
            None => t.is_loop,
        })?;
        Some(self.jump_to(idx, kind, span))
    }

    /// `break`/`continue` to `targets[idx]`, dropping the locals on the way.
    pub fn jump_to(&mut self, idx: usize, kind: ExitKind, span: Span) -> PlaceId {
        let (scope_depth, temp_mark, to, result) = {
            let t = &self.targets[idx];
            let to = if kind == ExitKind::Continue {
                t.head
            } else {
                t.after
            };
            (t.scope_depth, t.temp_mark, to, t.result)
        };
        let drops = self.locals_from(scope_depth, temp_mark);
        self.emit(Event::Exit { kind, span, drops });
        self.edge(self.cur, to);
        self.cur = self.new_block();
        result
    }

    /// The place `name` names in the innermost scope, if it is declared there.
    pub fn in_current_scope(&self, name: &str) -> Option<PlaceId> {
        let scope = self.scopes.last()?;
        scope
            .names
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, p)| *p)
    }

    /// A local that belongs to no scope: it is never dropped by a scope's
    /// end, only by the exits that name it.
    pub fn unscoped_local(&mut self, name: &str, info: LocalInfo) -> PlaceId {
        let p = self.place(name.to_string(), PlaceKind::Local, None);
        self.body.places[p as usize].ty = info.ty.clone();
        self.locals.insert(p, info);
        p
    }

    pub fn call(
        &mut self,
        callee: Callee,
        recv: Option<Arg>,
        args: Vec<Arg>,
        span: Span,
    ) -> PlaceId {
        let result = self.temp();
        self.call_into(callee, recv, args, span, result);
        result
    }

    /// A call whose result lands in an existing temp.
    pub fn call_into(
        &mut self,
        callee: Callee,
        recv: Option<Arg>,
        args: Vec<Arg>,
        span: Span,
        result: PlaceId,
    ) {
        self.body.callees.push(callee);
        let call = (self.body.callees.len() - 1) as CallId;
        self.emit(Event::Call {
            call,
            recv,
            args,
            result,
            span,
            more_results: Vec::new(),
        });
    }

    pub fn finish(mut self, end: Span) -> Body {
        let drops = self.locals_from(0, 0);
        if !drops.is_empty() {
            self.emit(Event::Exit {
                kind: ExitKind::End,
                span: end,
                drops,
            });
        }
        let exit = self.body.exit;
        self.edge(self.cur, exit);
        let mut body = self.body;
        // Every body of the crate stays alive until the analysis: growth slack
        // (up to half of each vector) would be most of the run's memory.
        body.places.shrink_to_fit();
        body.callees.shrink_to_fit();
        body.blocks.shrink_to_fit();
        for block in &mut body.blocks {
            block.events.shrink_to_fit();
            block.succs.shrink_to_fit();
        }
        body
    }
}
