//! How rule messages put things in the language of the file they are about:
//! phrases and small templates only. The rules choose what to say from the
//! IR and its facts; this table only says it in Rust's or Go's terms.

pub struct Wording {
    /// The language's name.
    pub language: &'static str,
    /// The null value (`None`, `nil`).
    pub null: &'static str,
    /// How to release `name` on every path, given the release call to use
    /// (`putBuffer(bp)`) when one is known.
    pub release_on_every_path: fn(&str, Option<&str>) -> String,
    /// PL006's help: empty the buffer at this place in place instead.
    pub clear_in_place: fn(&str) -> String,
    /// PL006's label on a truncation made pointless: the method's name and
    /// the call's source.
    pub pointless: fn(&str, &str) -> String,
    /// What may alias a pooled value.
    pub aliases: &'static str,
    /// How to give back the old value before overwriting it.
    pub release_old: &'static str,
    /// Help for a collection of pooled values dropped in place (`clear()`).
    pub release_elements: &'static str,
    /// How to reset every field, and mark one kept on purpose.
    pub reset_every_field: &'static str,
    /// Between a type and its method's name (`Vm::reset`, `Vm.reset`).
    pub method_sep: &'static str,
    /// The suppression comment.
    pub suppression: &'static str,
}

fn rust_release(name: &str, _release: Option<&str>) -> String {
    format!(
        "release {name} on every path before it goes out of scope, or acquire a guard that releases it on drop"
    )
}

fn go_release(name: &str, release: Option<&str>) -> String {
    match release {
        Some(call) => format!(
            "release {name} on every path: `defer {call}` right after acquiring it does that"
        ),
        None => format!(
            "release {name} on every path: a `defer` of its release right after acquiring it does that"
        ),
    }
}

pub static RUST: Wording = Wording {
    language: "Rust",
    null: "`None`",
    release_on_every_path: rust_release,
    clear_in_place: |p| {
        format!("call `{p}.clear()` instead: it keeps the allocation for the next user")
    },
    pointless: |method, _| format!("this `{method}()` is pointless: the buffer is replaced"),
    aliases: "pointers, slices and clones of it",
    release_old: "release the old value first (`pool.put(old)`), or `take()` it and release what it returns",
    release_elements: "release each element first: `for b in v.drain(..) { pool.put(b) }`",
    reset_every_field: "reset every field (assign, `clear()`, `take()`), or mark a field kept on purpose with `#[pooled(keep)]`",
    method_sep: "::",
    suppression: "`// poollint: allow(..)`",
};

pub static GO: Wording = Wording {
    language: "Go",
    null: "`nil`",
    release_on_every_path: go_release,
    clear_in_place: |p| {
        format!(
            "truncate it in place (`{p} = {p}[:0]`) instead: it keeps the allocation for the next user"
        )
    },
    pointless: |_, code| format!("this `{code}` is pointless: the buffer is replaced"),
    aliases: "sub-slices, `.Bytes()` and fields of it",
    release_old: "give the old value back first (`pool.Put(old)`), then overwrite it",
    release_elements: "give each element back first: `for _, b := range s { pool.Put(b) }`",
    reset_every_field: "reset every field (assign it, truncate it with `x = x[:0]`, call its `Reset`), or list a field kept on purpose in `keep=` of the `//poollint:pooled` directive",
    method_sep: ".",
    suppression: "`//poollint:allow`",
};
