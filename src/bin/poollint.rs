fn main() {
    std::process::exit(poollint_core::cli::main_with(std::env::args_os().collect()));
}
