// mimalloc: syn's many small allocations are faster, and freed AST memory goes
// back to the system instead of staying in per-thread arenas (peak memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    poollint_core::allocator::set_up();
    std::process::exit(poollint_core::cli::main_with(std::env::args_os().collect()));
}
