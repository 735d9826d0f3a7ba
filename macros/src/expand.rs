//! Validation and expansion: every attribute expands to its item unchanged
//! (minus the `#[pooled(keep)]` helpers), plus all the errors found at once.

use crate::args::{self, Accepts, Arg};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Item, ReturnType, Signature};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Word {
    Acquire,
    Release,
    Detach,
    Reset,
    Pooled,
    Guard,
}

impl Word {
    fn name(self) -> &'static str {
        match self {
            Word::Acquire => "acquire",
            Word::Release => "release",
            Word::Detach => "detach",
            Word::Reset => "reset",
            Word::Pooled => "pooled",
            Word::Guard => "guard",
        }
    }

    fn accepts(self) -> Accepts {
        match self {
            Word::Acquire => Accepts {
                flags: &["guard"],
                keys: &["pool"],
            },
            Word::Release => Accepts {
                flags: &["self"],
                keys: &["arg", "pool"],
            },
            Word::Detach | Word::Guard => Accepts {
                flags: &[],
                keys: &["pool"],
            },
            Word::Reset => Accepts {
                flags: &[],
                keys: &[],
            },
            Word::Pooled => Accepts {
                flags: &["keep"],
                keys: &["reset", "pool"],
            },
        }
    }

    fn on_fn(self) -> bool {
        matches!(
            self,
            Word::Acquire | Word::Release | Word::Detach | Word::Reset
        )
    }
}

/// Is this attribute `word`, in the path form or the imported form?
fn is_word(attr: &Attribute, word: &str) -> bool {
    let segs: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segs.as_slice() {
        [krate, w] => krate == "poollint" && w == word,
        [w] => w == word,
        _ => false,
    }
}

pub fn expand(word: Word, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Vec::new();
    let args = args::parse(args).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    args::check(&args, word.name(), &word.accepts(), &mut errors);
    let (output, extra) = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(f)) => {
            check_fn(word, &args, &f.attrs, &f.sig, &mut errors);
            (item, TokenStream::new())
        }
        Ok(Item::Struct(mut s)) => {
            check_type(word, &args, &s.attrs, s.struct_token.span, &mut errors);
            let fields: Vec<&mut syn::Field> = s.fields.iter_mut().collect();
            strip_keep(word, fields, &mut errors);
            let extra = reset_check(word, &args, &s.ident, &s.generics);
            (s.into_token_stream(), extra)
        }
        Ok(Item::Enum(mut e)) => {
            if word == Word::Guard {
                errors.push(syn::Error::new(
                    e.enum_token.span,
                    "`guard` goes on a struct whose `Drop` releases",
                ));
            }
            check_type(word, &args, &e.attrs, e.enum_token.span, &mut errors);
            let fields: Vec<&mut syn::Field> = e
                .variants
                .iter_mut()
                .flat_map(|v| v.fields.iter_mut())
                .collect();
            strip_keep(word, fields, &mut errors);
            let extra = reset_check(word, &args, &e.ident, &e.generics);
            (e.into_token_stream(), extra)
        }
        Ok(other) if !matches!(other, Item::Verbatim(_)) => {
            errors.push(wrong_item(word, other.span()));
            (item, TokenStream::new())
        }
        // A trait method without a body does not parse as an item.
        _ => match syn::parse2::<syn::TraitItemFn>(item.clone()) {
            Ok(f) => {
                check_fn(word, &args, &f.attrs, &f.sig, &mut errors);
                (item, TokenStream::new())
            }
            Err(_) => {
                errors.push(wrong_item(word, Span::call_site()));
                (item, TokenStream::new())
            }
        },
    };
    let errors = errors.into_iter().map(|e| e.to_compile_error());
    quote!(#(#errors)* #output #extra)
}

/// The attribute's own name (`acquire` in `#[poollint::acquire]`): spans do
/// not join outside nightly, so point at the word itself.
fn word_span(attr: &Attribute) -> Span {
    attr.path()
        .segments
        .last()
        .map(|s| s.ident.span())
        .unwrap_or_else(|| attr.span())
}

fn wrong_item(word: Word, span: Span) -> syn::Error {
    let goes_on = if word.on_fn() {
        "a function or method"
    } else if word == Word::Guard {
        "a struct"
    } else {
        "a struct or enum"
    };
    syn::Error::new(span, format!("`{}` goes on {goes_on}", word.name()))
}

/// The same attribute written twice on one item.
fn check_duplicates(word: Word, attrs: &[Attribute], errors: &mut Vec<syn::Error>) {
    for attr in attrs.iter().filter(|a| is_word(a, word.name())) {
        errors.push(syn::Error::new(
            word_span(attr),
            format!("`#[{}]` is given twice on this item", word.name()),
        ));
    }
}

fn check_fn(
    word: Word,
    args: &[Arg],
    attrs: &[Attribute],
    sig: &Signature,
    errors: &mut Vec<syn::Error>,
) {
    if !word.on_fn() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!(
                "`{}` goes on a struct or enum, not on a function",
                word.name()
            ),
        ));
        return;
    }
    check_duplicates(word, attrs, errors);
    let receiver = sig.inputs.iter().find_map(|a| match a {
        FnArg::Receiver(r) => Some(r),
        FnArg::Typed(_) => None,
    });
    let params: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => match &*pt.pat {
                syn::Pat::Ident(id) => Some(id.ident.to_string()),
                _ => Some(String::new()),
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    let returns_unit = match &sig.output {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) => matches!(&**ty, syn::Type::Tuple(t) if t.elems.is_empty()),
    };
    match word {
        Word::Acquire | Word::Detach if returns_unit => errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "`{}` on `{}`, which returns `()`: there is no pooled value for the caller to release",
                word.name(),
                sig.ident
            ),
        )),
        Word::Release => check_release(args, sig, receiver.is_some(), &params, errors),
        Word::Reset => {
            let mut_ref = receiver.is_some_and(|r| match &r.kind {
                syn::ReceiverKind::Reference(_, _, m) => m.is_some(),
                syn::ReceiverKind::Typed(_, ty) => matches!(&**ty, syn::Type::Reference(t) if t.mutability.is_some()),
                _ => false,
            });
            if !mut_ref {
                let span = receiver.map(|r| r.span()).unwrap_or_else(|| sig.ident.span());
                errors.push(syn::Error::new(span, "a reset method takes `&mut self`"));
            }
        }
        _ => {}
    }
}

fn check_release(
    args: &[Arg],
    sig: &Signature,
    has_receiver: bool,
    params: &[String],
    errors: &mut Vec<syn::Error>,
) {
    let self_flag = args::flag(args, "self");
    let arg = args::value(args, "arg");
    if let (Some(_), Some(lit)) = (self_flag, arg) {
        errors.push(syn::Error::new(
            lit.span(),
            "`arg` and `self` cannot be combined: a release gives back one value",
        ));
        return;
    }
    if let Some(span) = self_flag {
        if !has_receiver {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`release(self)` on `{}`, which has no `self` receiver",
                    sig.ident
                ),
            ));
        }
        return;
    }
    if let Some(lit) = arg {
        let name = lit.value();
        if !params.contains(&name) {
            let mut message = format!("`{}` has no parameter named `{name}`", sig.ident);
            match args::closest(&name, params.iter().map(String::as_str)) {
                Some(p) => message.push_str(&format!("; did you mean `{p}`?")),
                None if !params.is_empty() => {
                    let list: Vec<String> = params
                        .iter()
                        .filter(|p| !p.is_empty())
                        .map(|p| format!("`{p}`"))
                        .collect();
                    message.push_str(&format!("; its parameters are {}", list.join(", ")));
                }
                None => {}
            }
            errors.push(syn::Error::new(lit.span(), message));
        }
        return;
    }
    if params.is_empty() {
        let hint = if has_receiver {
            "; write `release(self)` to release the receiver"
        } else {
            ""
        };
        errors.push(syn::Error::new(
            sig.ident.span(),
            format!(
                "`release` on `{}`, which has no parameter to release{hint}",
                sig.ident
            ),
        ));
    }
}

fn check_type(
    word: Word,
    args: &[Arg],
    attrs: &[Attribute],
    span: Span,
    errors: &mut Vec<syn::Error>,
) {
    if word.on_fn() {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{}` goes on a function or method, not on a type",
                word.name()
            ),
        ));
        return;
    }
    check_duplicates(word, attrs, errors);
    if let Some(keep) = args::flag(args, "keep") {
        errors.push(syn::Error::new(
            keep,
            "`keep` goes on a field of a `#[pooled]` type: write `#[pooled(keep)]` above the field",
        ));
    }
}

/// Remove `#[pooled(keep)]` from fields, validating it (and rejecting it outside `#[pooled]` types).
fn strip_keep(word: Word, fields: Vec<&mut syn::Field>, errors: &mut Vec<syn::Error>) {
    for field in fields {
        let mut kept = Vec::new();
        for attr in field.attrs.drain(..) {
            if !is_word(&attr, "pooled") {
                kept.push(attr);
                continue;
            }
            if word != Word::Pooled {
                errors.push(syn::Error::new(
                    word_span(&attr),
                    "`#[pooled(keep)]` outside a `#[pooled]` type",
                ));
                continue;
            }
            let tokens = match &attr.meta {
                syn::Meta::List(l) => l.tokens.clone(),
                _ => TokenStream::new(),
            };
            match args::parse(tokens) {
                Ok(field_args) => {
                    let accepts = Accepts {
                        flags: &["keep"],
                        keys: &[],
                    };
                    args::check(&field_args, "pooled", &accepts, errors);
                    if field_args.is_empty() {
                        errors.push(syn::Error::new(
                            word_span(&attr),
                            "a field takes `#[pooled(keep)]`",
                        ));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        field.attrs = kept;
    }
}

/// `pooled(reset = "name")`: a hidden const that makes the compiler check that
/// `Type::name` exists and takes `&mut self`, with errors at the string.
fn reset_check(
    word: Word,
    args: &[Arg],
    ident: &syn::Ident,
    generics: &syn::Generics,
) -> TokenStream {
    let Some(lit) = args::value(args, "reset").filter(|_| word == Word::Pooled) else {
        return TokenStream::new();
    };
    let Ok(method) = syn::parse_str::<syn::Ident>(&lit.value()) else {
        return syn::Error::new(
            lit.span(),
            format!("`{}` is not a method name", lit.value()),
        )
        .to_compile_error();
    };
    let method = syn::Ident::new(&method.to_string(), lit.span());
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let check = format_ident!("__poollint_reset_takes_mut_self");
    let call = quote_spanned!(lit.span()=> #check::<#ident #ty_generics, _>(<#ident #ty_generics>::#method));
    quote! {
        const _: () = {
            #[allow(dead_code, non_snake_case)]
            fn __poollint_check_reset #impl_generics () #where_clause {
                fn #check<S: ?Sized, R>(_: fn(&mut S) -> R) {}
                #call;
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(word: Word, args: TokenStream, item: TokenStream) {
        let out = expand(word, args, item.clone());
        assert_eq!(out.to_string(), item.to_string());
    }

    #[test]
    fn every_attribute_expands_to_its_item() {
        same(
            Word::Acquire,
            quote!(),
            quote!(
                fn get(&self) -> Buf {
                    Buf
                }
            ),
        );
        same(
            Word::Acquire,
            quote!(guard, pool = "p"),
            quote!(
                pub fn pull(&self) -> G {
                    G
                }
            ),
        );
        same(
            Word::Acquire,
            quote!(),
            quote!(
                fn get(&self) -> Buf;
            ),
        );
        same(
            Word::Release,
            quote!(),
            quote!(
                fn put(&self, b: Buf) {}
            ),
        );
        same(
            Word::Release,
            quote!(arg = "b"),
            quote!(
                fn put(&self, why: u8, b: Buf) {}
            ),
        );
        same(
            Word::Release,
            quote!(self),
            quote!(
                fn recycle(self) {}
            ),
        );
        same(
            Word::Detach,
            quote!(),
            quote!(
                fn detach(self) -> Buf {
                    self.0
                }
            ),
        );
        same(
            Word::Reset,
            quote!(),
            quote!(
                fn reset(&mut self) {}
            ),
        );
        same(
            Word::Pooled,
            quote!(),
            quote!(
                struct Msg {
                    body: Vec<u8>,
                }
            ),
        );
        same(
            Word::Pooled,
            quote!(pool = "m"),
            quote!(
                enum Slot {
                    A(Vec<u8>),
                    B,
                }
            ),
        );
        same(
            Word::Guard,
            quote!(),
            quote!(
                struct G<'a> {
                    p: &'a Pool,
                }
            ),
        );
    }

    #[test]
    fn keep_helpers_are_removed() {
        let out = expand(
            Word::Pooled,
            quote!(),
            quote!(
                struct Msg {
                    #[pooled(keep)]
                    id: u64,
                    body: Vec<u8>,
                }
            ),
        );
        assert_eq!(
            out.to_string(),
            quote!(
                struct Msg {
                    id: u64,
                    body: Vec<u8>,
                }
            )
            .to_string()
        );
    }

    #[test]
    fn reset_adds_only_an_anonymous_const() {
        let out = expand(
            Word::Pooled,
            quote!(reset = "reset"),
            quote!(
                struct Msg {
                    body: Vec<u8>,
                }
            ),
        )
        .to_string();
        assert!(
            out.starts_with(
                &quote!(
                    struct Msg {
                        body: Vec<u8>,
                    }
                )
                .to_string()
            )
        );
        assert!(out.contains("const _ : ()"), "{out}");
        assert!(!out.contains("pub "), "{out}");
    }

    #[test]
    fn errors_are_all_reported() {
        let out = expand(
            Word::Release,
            quote!(arg = "bf", gaurd),
            quote!(
                fn put(&self, buf: Buf) {}
            ),
        )
        .to_string();
        assert!(out.contains("did you mean `buf`"), "{out}");
        assert!(out.contains("unknown argument `gaurd`"), "{out}");
    }
}
