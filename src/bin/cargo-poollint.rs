//! `cargo poollint ARGS`: cargo runs `cargo-poollint poollint ARGS`; drop the
//! subcommand name so it behaves exactly like `poollint ARGS`.

// mimalloc: syn's many small allocations are faster, and freed AST memory goes
// back to the system instead of staying in per-thread arenas (peak memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    poollint_core::allocator::set_up();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "poollint") {
        args.remove(1);
    }
    std::process::exit(poollint_core::cli::main_with(args));
}
