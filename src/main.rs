//! The `solidarnist` binary: everything lives in the library; this only hands
//! the command line to it and turns a failure into an exit code.

fn main() -> std::process::ExitCode {
    solidarnist::cli::main()
}
