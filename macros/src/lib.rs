//! Attributes that tell `cargo poollint` what a pool API does.
//!
//! Every attribute expands to its item unchanged: no runtime code, no cost.
//! `cargo poollint` reads them syntactically from the source, in the path form
//! (`#[poollint::acquire]`) or the imported form (`use poollint::acquire;`).

use proc_macro::TokenStream;

/// The function returns a raw pooled value that the caller must release
/// (`acquire(guard)`: a guard that releases itself on drop).
#[proc_macro_attribute]
pub fn acquire(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// The function gives a value back to its pool: its first non-receiver
/// argument, `release(arg = "name")`, or `release(self)`.
#[proc_macro_attribute]
pub fn release(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// A guard method that returns the raw value detached from its guard.
#[proc_macro_attribute]
pub fn detach(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// A method that resets a pooled value for reuse.
#[proc_macro_attribute]
pub fn reset(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Values of this type are raw pooled values; `pooled(reset = "method")`
/// names the reset; fields marked `#[pooled(keep)]` are kept across reuse.
#[proc_macro_attribute]
pub fn pooled(_args: TokenStream, item: TokenStream) -> TokenStream {
    strip_keep(item)
}

/// A guard type whose `Drop` releases.
#[proc_macro_attribute]
pub fn guard(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Remove the `#[pooled(keep)]` field helpers, which are ours.
fn strip_keep(item: TokenStream) -> TokenStream {
    let mut item: syn::Item = match syn::parse(item.clone()) {
        Ok(i) => i,
        Err(_) => return item,
    };
    let fields: Vec<&mut syn::Field> = match &mut item {
        syn::Item::Struct(s) => s.fields.iter_mut().collect(),
        syn::Item::Enum(e) => e
            .variants
            .iter_mut()
            .flat_map(|v| v.fields.iter_mut())
            .collect(),
        _ => Vec::new(),
    };
    for f in fields {
        f.attrs.retain(|a| !a.path().is_ident("pooled"));
    }
    quote::quote!(#item).into()
}
