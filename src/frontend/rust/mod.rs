//! The Rust frontend: one parse per file with `syn`, then one walk over its
//! items that both extracts what the knowledge index needs and lowers every
//! body to the pool IR, or only scans the bodies for their keys when the
//! caller defers lowering (`Bodies::Defer`). The AST is dropped before the
//! function returns.

mod async_macros;
pub mod attrs;
pub(in crate::frontend) mod builder;
mod call;
mod claims;
mod conversions;
mod expr;
mod inline_closures;
mod lean;
mod lower;
mod macros;
mod method_call;
mod pattern;
mod scan;
mod skeleton;
mod spans;
mod type_of;
mod types;

use super::{Bodies, FileFacts, SyntaxError};
use crate::knowledge::{DeclaredApi, FieldDecl, FnSig, ReleaseParam, Role, StructDecl};
use crate::store::Key;
use attrs::Imports;
use lower::{FileCx, FnHeader};
use syn::{Attribute, FnArg, Item, ReturnType, Signature};

/// Parse and lower one file.
pub fn lower_source(text: &str) -> Result<FileFacts, SyntaxError> {
    parse_source(text, Bodies::Lower)
}

/// Parse one file, and lower its bodies or defer that.
pub fn parse_source(text: &str, bodies: Bodies) -> Result<FileFacts, SyntaxError> {
    // syn strips a byte-order mark and a shebang line itself, which would shift
    // every offset: strip the mark here, and blank the shebang out in place.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let content = &text[base..];
    let blanked;
    let content = if content.starts_with("#!") && !content[2..].trim_start().starts_with('[') {
        let end = content.find('\n').unwrap_or(content.len());
        blanked = format!("{}{}", " ".repeat(end), &content[end..]);
        blanked.as_str()
    } else {
        content
    };
    // A file whose bodies are deferred is parsed as its skeleton: its items
    // with the bodies nobody may lower blanked out (see `skeleton`). What the
    // skeleton cannot vouch for is parsed in full.
    let skeleton = (bodies == Bodies::Defer)
        .then(|| skeleton::blank_bodies(content))
        .flatten();
    if let Some(skeleton) = &skeleton
        && let Ok(Some(facts)) = parse_content(
            &skeleton.text,
            base,
            bodies,
            Some(Blanked {
                skeleton,
                text: content,
                reasons: &[],
            }),
        )
    {
        return Ok(facts);
    }
    let facts = parse_content(content, base, bodies, None)?
        .expect("only a skeleton asks to be parsed in full");
    if facts.skipped.is_empty() {
        return Ok(facts);
    }
    // An item did not parse. If a fn's body is why, index the fn by its
    // signature, as the skeleton does (the index must not depend on whether
    // the load deferred the file's bodies), and step over the body alone.
    if let Some((unparsed, reasons)) = skeleton
        .or_else(|| skeleton::blank_bodies(content))
        .and_then(|s| s.unparsed_bodies(content))
        && let Ok(Some(facts)) = parse_content(
            &unparsed.text,
            base,
            bodies,
            Some(Blanked {
                skeleton: &unparsed,
                text: content,
                reasons: &reasons,
            }),
        )
    {
        return Ok(facts);
    }
    Ok(facts)
}

/// The skeleton a walk parses, and the text whose bodies it blanked.
#[derive(Clone, Copy)]
struct Blanked<'a> {
    skeleton: &'a skeleton::Skeleton,
    text: &'a str,
    /// Set when the blanked bodies are those that do not parse: why each
    /// does not.
    reasons: &'a [(usize, String)],
}

/// Parse `content` (the text after a byte-order mark of `base` bytes) and
/// walk its items. With a skeleton (and the text it blanks), `None` if a
/// body the walk must see was blanked.
fn parse_content(
    content: &str,
    base: usize,
    bodies: Bodies,
    skeleton: Option<Blanked<'_>>,
) -> Result<Option<FileFacts>, SyntaxError> {
    let _ = lean::take_skipped();
    let file = syn::parse::Parser::parse_str(lean::file, content).map_err(|e| {
        let r = e.span().byte_range();
        let mut message = e.to_string();
        if message == "cannot parse string into token stream" {
            // proc-macro2's lexer error: say what it means.
            message =
                "unbalanced delimiter, or an unterminated string, character or comment".to_string();
        }
        SyntaxError {
            message,
            start: r.start + base,
            end: r.end + base,
        }
    })?;
    let mut cx = FileCx::new(content, base);
    cx.types = types::TypeScope::collect(&file.items);
    let imports = Imports::collect(&file.items);
    let mut walker = ItemWalker {
        cx: &cx,
        imports: &imports,
        facts: FileFacts::default(),
        scan: (bodies == Bodies::Defer).then(Vec::new),
        scan_failed: false,
        blanked: skeleton,
        unparsed: Vec::new(),
    };
    walker.items(&file.items, None);
    if walker.scan_failed && walker.blanked.is_some() {
        return Ok(None);
    }
    if walker.scan_failed {
        // A body the scan cannot vouch for: lower the file after all.
        walker.facts = FileFacts::default();
        walker.scan = None;
        walker.items(&file.items, None);
    }
    walker.facts.deferred_keys = walker.scan.take();
    let lines: Vec<u32> = walker
        .facts
        .bodies
        .iter()
        .map(|b| walker.cx.line_of(b.span.start as usize) as u32)
        .collect();
    let mut facts = walker.facts;
    for (body, line) in facts.bodies.iter_mut().zip(lines) {
        body.line = line;
    }
    facts.skipped = lean::take_skipped();
    facts.skipped.append(&mut walker.unparsed);
    facts.skipped.sort();
    drop(file);
    // Spans are no longer needed: free this thread's copy of the source.
    proc_macro2::extra::invalidate_current_thread_spans();
    Ok(Some(facts))
}

struct ItemWalker<'a> {
    cx: &'a FileCx<'a>,
    imports: &'a Imports,
    facts: FileFacts,
    /// Deferring: the key hashes of the bodies scanned so far.
    scan: Option<Vec<u32>>,
    /// Deferring failed: a scan could not see every nested item.
    scan_failed: bool,
    /// Parsing a skeleton: it, and the text whose bodies it blanked.
    blanked: Option<Blanked<'a>>,
    /// Bodies stepped over because they do not parse: (line, reason).
    unparsed: Vec<(usize, String)>,
}

impl<'a> ItemWalker<'a> {
    fn items<'x>(&mut self, items: impl IntoIterator<Item = &'x Item>, module: Option<&str>) {
        for item in items {
            self.item(item, module);
        }
    }

    fn item(&mut self, item: &Item, module: Option<&str>) {
        match item {
            Item::Fn(f) => {
                self.api_attrs(&f.attrs, &f.sig, None);
                let generics = self.generics(&f.sig.generics, Vec::new());
                self.signature(&f.sig, None, &generics);
                let header = FnHeader {
                    sig: &f.sig,
                    self_type: None,
                    trait_name: None,
                    display: f.sig.ident.to_string(),
                    generics,
                };
                self.lower(&header, &f.attrs, &f.block, module);
            }
            Item::Impl(imp) => {
                let self_type = types::self_type_name(&imp.self_ty);
                let trait_name = imp
                    .trait_
                    .as_ref()
                    .and_then(|(p, _)| p.segments.last().map(|s| s.ident.to_string()));
                if let (Some(ty), Some(tr)) = (&self_type, &trait_name) {
                    self.facts.items.trait_impls.push((ty.clone(), tr.clone()));
                    if tr == "Deref" {
                        self.deref_target(ty, &imp.items);
                    }
                }
                let impl_generics = self.generics(&imp.generics, Vec::new());
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it {
                        self.api_attrs(&f.attrs, &f.sig, self_type.as_deref());
                        let generics = self.generics(&f.sig.generics, impl_generics.clone());
                        self.signature(&f.sig, self_type.as_deref(), &generics);
                        if let (Some(ty), Some(FnArg::Receiver(r))) =
                            (&self_type, f.sig.inputs.first())
                            && matches!(r.kind, syn::ReceiverKind::Value)
                        {
                            self.facts
                                .items
                                .consuming_methods
                                .push((ty.clone(), f.sig.ident.to_string()));
                        }
                        let header = FnHeader {
                            sig: &f.sig,
                            self_type: self_type.clone(),
                            trait_name: trait_name.clone(),
                            display: match &self_type {
                                Some(t) => format!("{t}::{}", f.sig.ident),
                                None => f.sig.ident.to_string(),
                            },
                            generics,
                        };
                        self.lower(&header, &f.attrs, &f.block, module);
                    }
                }
            }
            Item::Trait(tr) => {
                let name = tr.ident.to_string();
                self.facts.items.traits.push(name.clone());
                // Inside a trait, `Self` is some implementor: known by the trait.
                let trait_generics =
                    self.generics(&tr.generics, vec![("Self".to_string(), vec![name.clone()])]);
                for it in &tr.items {
                    if let syn::TraitItem::Fn(f) = it {
                        self.api_attrs(&f.attrs, &f.sig, Some(&name));
                        if let Some(FnArg::Receiver(r)) = f.sig.inputs.first()
                            && matches!(r.kind, syn::ReceiverKind::Value)
                        {
                            self.facts
                                .items
                                .consuming_methods
                                .push((name.clone(), f.sig.ident.to_string()));
                        }
                        let generics = self.generics(&f.sig.generics, trait_generics.clone());
                        self.signature(&f.sig, Some(&name), &generics);
                        if let Some(block) = &f.default {
                            let header = FnHeader {
                                sig: &f.sig,
                                self_type: None,
                                trait_name: Some(name.clone()),
                                display: format!("{name}::{}", f.sig.ident),
                                generics,
                            };
                            self.lower(&header, &f.attrs, block, module);
                        }
                    }
                }
            }
            Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| self.field(i, f))
                    .collect();
                self.type_decl(&s.attrs, s.ident.to_string(), &s.generics, fields);
            }
            Item::Enum(e) => {
                let fields = e
                    .variants
                    .iter()
                    .flat_map(|v| v.fields.iter())
                    .enumerate()
                    .map(|(i, f)| self.field(i, f))
                    .collect();
                self.type_decl(&e.attrs, e.ident.to_string(), &e.generics, fields);
            }
            Item::Static(s) => {
                if let Some(ty) = types::core_name(&s.ty, &self.cx.types, None) {
                    self.facts.items.statics.push((s.ident.to_string(), ty));
                }
            }
            Item::Const(c) => {
                if let Some(ty) = types::core_name(&c.ty, &self.cx.types, None) {
                    self.facts.items.statics.push((c.ident.to_string(), ty));
                }
            }
            Item::Type(t) => {
                if let Some(target) = types::core_name(&t.ty, &self.cx.types, None) {
                    self.facts.items.aliases.push((t.ident.to_string(), target));
                }
            }
            Item::Use(u) => {
                if let syn::UseTree::Path(p) = &u.tree {
                    let krate = p.ident.to_string();
                    if !matches!(
                        krate.as_str(),
                        "crate" | "self" | "super" | "std" | "core" | "alloc"
                    ) && !self.facts.items.imported_crates.contains(&krate)
                    {
                        self.facts.items.imported_crates.push(krate);
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    let name = m.ident.to_string();
                    self.items(items, Some(&name));
                }
            }
            _ => {}
        }
    }

    fn field(&self, i: usize, f: &syn::Field) -> FieldDecl {
        let keep = f.attrs.iter().any(|a| {
            let word = self
                .imports
                .resolve(a)
                .or_else(|| a.path().is_ident("pooled").then_some("pooled"));
            word == Some("pooled") && attrs::parse_args(a).keep
        });
        let (start, end) = spans::field_bounds(f);
        let mut span = self.cx.join_pub(start, end);
        if let Some(b) = self.blanked {
            // Its doc comments were blanked.
            let base = self.cx.base as u32;
            span.start = b.skeleton.field_start(span.start - base) + base;
        }
        FieldDecl {
            name: f
                .ident
                .as_ref()
                .map(|i| i.to_string())
                .unwrap_or_else(|| i.to_string()),
            core: types::core_name(&f.ty, &self.cx.types, None),
            mentions: types::mentions(&f.ty),
            keep,
            collection: types::collection(&f.ty, &self.cx.types),
            span: (span.start as usize, span.end as usize),
            view: false,
            tuple: types::tuple_cores(&f.ty, &self.cx.types),
        }
    }

    fn type_decl(
        &mut self,
        attrs: &[Attribute],
        name: String,
        generics: &syn::Generics,
        fields: Vec<FieldDecl>,
    ) {
        let mut decl = StructDecl {
            name,
            fields,
            generics: generics
                .type_params()
                .map(|p| p.ident.to_string())
                .collect(),
            generic_bounds: self
                .generics(generics, Vec::new())
                .into_iter()
                .filter(|(_, bounds)| !bounds.is_empty())
                .collect(),
            ..StructDecl::default()
        };
        for attr in attrs {
            match self.imports.resolve(attr) {
                Some("pooled") => {
                    let args = attrs::parse_args(attr);
                    decl.pooled = true;
                    decl.reset = args.reset;
                    decl.pool = args.pool;
                    decl.line = self.cx.line_of(self.cx.span_of(attr).start as usize);
                }
                Some("guard") => {
                    decl.guard = true;
                    decl.pool = attrs::parse_args(attr).pool;
                }
                _ => {}
            }
            if attr.path().is_ident("derive") && derives_copy(attr) {
                // A `Copy` type: calling its by-value methods moves nothing.
                let ty = decl.name.clone();
                self.facts.items.trait_impls.push((ty, "Copy".to_string()));
            }
        }
        self.facts.items.structs.push(decl);
    }

    /// Record the pool API attributes on a fn or method.
    fn api_attrs(&mut self, attrs: &[Attribute], sig: &Signature, owner: Option<&str>) {
        let has_receiver = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
        let params = || -> Vec<String> {
            sig.inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(pt) => Some(match &*pt.pat {
                        syn::Pat::Ident(id) => id.ident.to_string(),
                        _ => String::new(),
                    }),
                    FnArg::Receiver(_) => None,
                })
                .collect()
        };
        for attr in attrs {
            let Some(word) = self.imports.resolve(attr) else {
                continue;
            };
            let params = params();
            let args = attrs::parse_args(attr);
            let role = match word {
                "acquire" => {
                    if matches!(sig.output, ReturnType::Default) {
                        continue;
                    }
                    Role::Acquire { guard: args.guard }
                }
                "release" => {
                    Role::Release(if args.receiver || (params.is_empty() && has_receiver) {
                        ReleaseParam::Receiver
                    } else if let Some(name) = &args.arg {
                        match params.iter().position(|p| p == name) {
                            Some(i) => ReleaseParam::Param(i),
                            None => continue,
                        }
                    } else {
                        ReleaseParam::Param(0)
                    })
                }
                "detach" => Role::Detach,
                "reset" => Role::Reset,
                _ => continue,
            };
            self.facts.items.apis.push(DeclaredApi {
                role,
                owner: owner.map(str::to_string),
                name: sig.ident.to_string(),
                has_receiver,
                returns: match &sig.output {
                    ReturnType::Type(_, ty) => types::core_name(ty, &self.cx.types, owner),
                    ReturnType::Default => None,
                },
                pool: args.pool,
                line: self.cx.line_of(self.cx.span_of(attr).start as usize),
            });
        }
    }

    /// Generic parameters in scope, with their trait bounds (inline and
    /// `where` clauses), added to those of the enclosing impl or trait.
    fn generics(
        &self,
        generics: &syn::Generics,
        mut out: Vec<(String, Vec<String>)>,
    ) -> Vec<(String, Vec<String>)> {
        let scope = &self.cx.types;
        for p in generics.type_params() {
            out.push((
                p.ident.to_string(),
                types::bound_traits(p.bounds.iter(), scope),
            ));
        }
        for pred in generics.where_clause.iter().flat_map(|w| &w.predicates) {
            let syn::WherePredicate::Type(pt) = pred else {
                continue;
            };
            let syn::Type::Path(tp) = &pt.bounded_ty else {
                continue;
            };
            let Some(name) = tp.path.get_ident().map(|i| i.to_string()) else {
                continue;
            };
            let traits = types::bound_traits(pt.bounds.iter(), scope);
            match out.iter_mut().rev().find(|(n, _)| *n == name) {
                Some((_, bounds)) => bounds.extend(traits),
                None => out.push((name, traits)),
            }
        }
        out
    }

    /// Record a fn's signature: what it returns and takes, for receiver
    /// resolution and for which argument a release gives back.
    fn signature(
        &mut self,
        sig: &Signature,
        owner: Option<&str>,
        generics: &[(String, Vec<String>)],
    ) {
        let scope = &self.cx.types;
        let closure_params = sig
            .inputs
            .iter()
            .filter(|a| matches!(a, FnArg::Typed(_)))
            .enumerate()
            .filter_map(|(i, a)| {
                let FnArg::Typed(pt) = a else { return None };
                let inputs = types::closure_inputs(&pt.ty, &sig.generics)?;
                let named = inputs
                    .iter()
                    .map(|t| {
                        types::core_name(t, scope, owner)
                            .filter(|n| !generics.iter().any(|(g, _)| g == n))
                    })
                    .collect();
                Some((i as u32, named))
            })
            .collect();
        let named = |ty: &syn::Type| {
            types::core_name(ty, scope, owner).filter(|n| !generics.iter().any(|(g, _)| g == n))
        };
        let receiver = match sig.inputs.first() {
            Some(FnArg::Receiver(r)) => Some(matches!(r.kind, syn::ReceiverKind::Value)),
            _ => None,
        };
        let (returns, unit) = match &sig.output {
            ReturnType::Default => (None, true),
            ReturnType::Type(_, ty) => (named(ty), types::carries_no_value(ty)),
        };
        self.facts.items.fns.push(FnSig {
            owner: owner.map(str::to_string),
            name: sig.ident.to_string(),
            returns,
            returns_nothing: unit,
            params: sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(pt) => Some(named(&pt.ty)),
                    FnArg::Receiver(_) => None,
                })
                .collect(),
            param_names: sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(pt) => Some(match &*pt.pat {
                        syn::Pat::Ident(id) => id.ident.to_string(),
                        _ => String::new(),
                    }),
                    FnArg::Receiver(_) => None,
                })
                .collect(),
            receiver,
            borrowed: Vec::new(),
            borrowed_via: Vec::new(),
            borrowed_later: false,
            hands_back: types::handed_back_in_err(sig),
            returns_closure: types::returns_closure_output(sig),
            closure_params,
        });
    }

    /// `impl Deref for X { type Target = Y; }`: methods of `Y` are callable on `X`.
    fn deref_target(&mut self, ty: &str, items: &[syn::ImplItem]) {
        for it in items {
            if let syn::ImplItem::Type(t) = it
                && t.ident == "Target"
                && let Some(target) = types::core_name(&t.ty, &self.cx.types, Some(ty))
            {
                self.facts.items.derefs.push((ty.to_string(), target));
            }
        }
    }

    fn lower(
        &mut self,
        header: &FnHeader<'_>,
        attrs: &[Attribute],
        block: &syn::Block,
        module: Option<&str>,
    ) {
        // A `#[should_panic]` test does the wrong thing on purpose.
        if attrs.iter().any(|a| a.path().is_ident("should_panic")) {
            return;
        }
        // The fn item's extent, attributes included, for fn-wide suppressions.
        // (Its first outer attribute: syn lists the body's inner ones too.)
        let start = attrs
            .iter()
            .find(|a| matches!(a.style, syn::AttrStyle::Outer))
            .map(|a| a.pound_token.span)
            .unwrap_or(header.sig.fn_token.span);
        let mut start = self.cx.span(start).start;
        let end = self.cx.close(&block.brace_token.span).end;
        let open = self.cx.span(block.brace_token.span.open()).start as usize - self.cx.base;
        // The body's `{` and `}` in the text, if the skeleton blanked it.
        let mut blanked = None;
        if let Some(b) = self.blanked {
            // Its doc comments were blanked with its body.
            let base = self.cx.base as u32;
            start = b.skeleton.fn_start(open as u32, start - base) + base;
            let i = b
                .skeleton
                .blanked
                .binary_search_by_key(&open, |&(o, _)| o as usize);
            blanked = i.ok().map(|i| (i, b.skeleton.blanked[i], b));
        }
        self.facts.fn_ranges.push((start, end));
        let Some(keys) = &mut self.scan else {
            if let Some((i, _, b)) = blanked {
                // A body that does not parse: its fn is indexed, not lowered.
                let (lines_in, reason) = b.reasons.get(i).cloned().unwrap_or_default();
                let line = self.cx.line_of(open + self.cx.base) + lines_in;
                self.unparsed
                    .push((line, format!("the body of `{}`: {reason}", header.display)));
                return;
            }
            let (bodies, nested_items) = lower::lower_fn(self.cx, header, block);
            self.facts.bodies.extend(bodies);
            self.items(&nested_items, module);
            return;
        };
        let in_drop = crate::ir::is_drop_fn(
            header.self_type.as_deref(),
            header.trait_name.as_deref(),
            &header.sig.ident,
        );
        let mut scan = scan::BodyScan {
            self_type: header.self_type.clone(),
            in_drop,
            ..Default::default()
        };
        if let Some((_, (open, close), b)) = blanked {
            let inside = &b.text[open as usize + 1..close as usize];
            skeleton::body_keys(inside, header.self_type.as_deref(), in_drop, keys);
        } else {
            syn::visit::Visit::visit_block(&mut scan, block);
            self.scan_failed |= scan.needs_lowering;
            keys.extend(scan.keys);
        }
        // As lowering records them in `Body::type_args`.
        for ty in types::param_type_names(header.sig, &self.cx.types, header.self_type.as_deref()) {
            keys.push(Key::type_arg_hash(&ty));
        }
        let name = header.sig.ident.to_string();
        keys.push(Key::Defines(&name).hash());
        if header.self_type.is_none() && header.trait_name.is_none() {
            keys.push(Key::DefinesFree(&name).hash());
        }
        // As lowering sets `returns_wrapped`.
        if let ReturnType::Type(_, ty) = &header.sig.output
            && types::is_option_or_result(ty)
        {
            keys.push(Key::DefinesFallible(&name).hash());
        }
        if let Some(ty) = &header.self_type {
            keys.push(Key::MethodOf(ty).hash());
        }
        if let Some(tr) = &header.trait_name {
            keys.push(Key::Implements(tr).hash());
        }
        self.items(scan.items, module);
    }
}

/// `#[derive(.., Copy, ..)]`.
fn derives_copy(attr: &Attribute) -> bool {
    let mut copy = false;
    let _ = attr.parse_nested_meta(|meta| {
        copy |= meta.path.segments.last().is_some_and(|s| s.ident == "Copy");
        Ok(())
    });
    copy
}
