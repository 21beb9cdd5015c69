//! Links the `maquette` binary at a fixed address (`-no-pie`) on GNU/Linux
//! where the linker takes it: a position-independent binary has 45 000
//! pointers in its read-only data (the glyph-name tables of the font and PDF
//! crates, vtables, string tables) that the loader relocates at every start,
//! writing 843 kB of pages that are then the process's own; at a fixed
//! address they are read from the file where they are used. The C library,
//! the heap and the stacks are still placed at random. With `MAQUETTE_PIE`
//! set at build time, the binary is position-independent, with its
//! relocations packed (DT_RELR) where the C library reads them (glibc 2.36
//! and later, built for the machine it runs on): 14 kB instead of 1.1 MB of
//! RELA entries.
//!
//! Where the linker reads a symbol ordering file (LLD, Rust's default linker
//! on x86-64 Linux), the functions rendering runs, listed in
//! `link/hot-functions.txt` by `scripts/hot-functions`, are placed side by
//! side: the kernel maps code in blocks around each page that runs, and the
//! example kept 6.5 MB of code in memory with them scattered, 2.2 MB with
//! them together. A name the build no longer has is skipped. Elsewhere the
//! binary is linked as usual.
//!
//! The colour profiles shipped in `layouts/icc/` are compressed here, once,
//! at zlib's best level, for the print editions that embed them (`icc`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    compress_shipped_profiles(&Path::new(&var("CARGO_MANIFEST_DIR")).join("layouts/icc"));
    let native = var("HOST") == var("TARGET");
    let gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    println!("cargo:rerun-if-env-changed=MAQUETTE_PIE");
    let pie = std::env::var_os("MAQUETTE_PIE").is_some();
    if gnu_linux && !pie && links_with(&["-no-pie".to_owned()]) {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    } else if native && gnu_linux && glibc_reads_relr() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    // The compiler and its flags, for the test that the list is in step
    // with the code (other flags, RUSTFLAGS replacing .cargo/config.toml's,
    // give other names).
    if let Some(version) = rustc_version() {
        println!("cargo:rustc-env=MAQUETTE_RUSTC={version}");
    }
    let flags = var("CARGO_ENCODED_RUSTFLAGS").replace('\x1f', " ");
    println!("cargo:rustc-env=MAQUETTE_RUSTFLAGS={flags}");
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join("link/hot-functions.txt");
    println!("cargo:rerun-if-changed={}", order.display());
    let args = [
        format!("-Wl,--symbol-ordering-file={}", order.display()),
        "-Wl,--no-warn-symbol-ordering".to_owned(),
    ];
    if order.is_file() && links_with(&args) {
        for arg in args {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
        println!("cargo:rustc-env=MAQUETTE_HOT_ORDER=1");
    }
}

/// Compresses each `.icc` profile in `dir` at zlib's best level into the
/// build's output folder, and writes there `shipped_profiles.rs`: the list of
/// (profile, compressed profile) that `icc` includes.
fn compress_shipped_profiles(dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut profiles: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    profiles.retain(|p| p.extension().is_some_and(|e| e == "icc"));
    profiles.sort();
    let out = PathBuf::from(var("OUT_DIR"));
    let mut list = String::from("&[\n");
    for (i, profile) in profiles.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", profile.display());
        let bytes = std::fs::read(profile).expect("reading a shipped colour profile");
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&bytes).expect("compressing in memory");
        let packed = out.join(format!("profile-{i}.zlib"));
        std::fs::write(&packed, encoder.finish().expect("compressing in memory"))
            .expect("writing to the build's output folder");
        list += &format!("    (include_bytes!({profile:?}), include_bytes!({packed:?})),\n");
    }
    list += "]\n";
    std::fs::write(out.join("shipped_profiles.rs"), list)
        .expect("writing to the build's output folder");
}

/// The build's environment variable `name`, or nothing.
fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// The compiler of the build.
fn rustc() -> Command {
    Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
}

/// What `rustc -V` says of the compiler of the build.
fn rustc_version() -> Option<String> {
    let out = rustc().arg("-V").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()).filter(|v| !v.is_empty())
}

/// Whether the compiler, with the build's flags, links an empty program when
/// given the linker arguments `args`.
fn links_with(args: &[String]) -> bool {
    let dir = PathBuf::from(var("OUT_DIR"));
    let source = dir.join("link_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut probe = rustc();
    probe.args(["--target", &var("TARGET"), "-o"]);
    probe.arg(dir.join("link-probe")).arg(&source);
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    probe.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    probe.args(args.iter().map(|a| format!("-Clink-arg={a}")));
    probe
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether this machine's glibc is 2.36 or later (`getconf GNU_LIBC_VERSION`
/// prints `glibc 2.36`).
fn glibc_reads_relr() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.trim().strip_prefix("glibc ").unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) >= (2, 36)
}
