//! Build-script helper shared by every hyperdpo package that links libtorch through `tch`.
//!
//! `torch-sys` finds libtorch at build time but does not make the binaries find it at run time:
//! without help, every test, example and benchmark binary needs `LD_LIBRARY_PATH`. Call
//! [`link_libtorch`] from the `build.rs` of a package that depends on `torch-sys` directly (so
//! cargo passes it `DEP_TCH_LIBTORCH_LIB`) and the package's binaries get
//!
//! * an rpath to libtorch's `lib/` directory, so they start without `LD_LIBRARY_PATH`;
//! * on Linux, `libtorch_cuda.so` linked with `--no-as-needed` when the libtorch is a CUDA build.
//!   Without it the linker drops the library (no symbol of it is referenced directly) and
//!   `tch::Cuda::is_available()` reports `false` even on a GPU machine.
//!
//! `cargo:rustc-link-arg` only reaches the binaries of the package whose build script prints it,
//! which is why each package calls this helper from its own `build.rs`:
//!
//! ```text
//! // build.rs of a package that depends on torch-sys
//! fn main() {
//!     hyperdpo_build::link_libtorch();
//! }
//! ```
//!
//! A downstream crate that builds its own binaries on hyperdpo can do the same, or run them with
//! `LD_LIBRARY_PATH=<libtorch>/lib`.

use std::env;
use std::path::Path;

/// Emits the linker arguments described in the [crate docs](crate) for the current package.
///
/// Does nothing when `DEP_TCH_LIBTORCH_LIB` is not set (e.g. `torch-sys` built in its `doc-only`
/// mode), so it never fails a build by itself.
///
/// ```no_run
/// hyperdpo_build::link_libtorch();
/// ```
pub fn link_libtorch() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let Ok(lib) = env::var("DEP_TCH_LIBTORCH_LIB") else {
        return;
    };
    let target = env::var("TARGET").unwrap_or_default();
    if target.contains("windows") {
        // No rpath on Windows: the DLL directory must be on PATH.
        return;
    }
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    if target.contains("linux") && Path::new(&lib).join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed,-ltorch_cuda,--as-needed");
    }
}
