//! The list of the functions rendering runs (`link/hot-functions.txt`),
//! which the linker places side by side to keep less code in memory, is in
//! step with the code, and the binary has them together. A list written by
//! another compiler names other symbols, and so do a debug build and flags
//! other than `.cargo/config.toml`'s (a `RUSTFLAGS` replaces them): the test
//! then says so and checks nothing.

use std::collections::HashMap;
use std::process::Command;

/// The compiler flags `.cargo/config.toml` gives (as cargo passes them, one space apart).
const CONFIG_FLAGS: &str = "-C symbol-mangling-version=v0";

/// The compiler the list was written with, and the names it lists.
fn listed() -> (Option<String>, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/link/hot-functions.txt");
    let text = std::fs::read_to_string(path).expect("link/hot-functions.txt is readable");
    let built_by = text
        .lines()
        .filter_map(|l| l.strip_prefix("# rustc "))
        .map(|v| format!("rustc {v}"))
        .next();
    let names = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    (built_by, names)
}

/// The binary's functions: name, then address and size.
fn functions() -> HashMap<String, (u64, u64)> {
    let out = Command::new("nm")
        .args(["-S", env!("CARGO_BIN_EXE_maquette")])
        .output()
        .expect("nm (binutils) runs");
    assert!(out.status.success(), "nm failed on the binary");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let p: Vec<&str> = l.split_whitespace().collect();
            let [addr, size, kind, name] = p[..] else {
                return None;
            };
            if !matches!(kind, "t" | "T" | "w" | "W") {
                return None;
            }
            let hex = |s: &str| u64::from_str_radix(s, 16).ok();
            Some((name.to_owned(), (hex(addr)?, hex(size)?)))
        })
        .collect()
}

#[test]
fn the_hot_functions_are_in_the_binary_side_by_side() {
    let (built_by, names) = listed();
    let compiler = option_env!("MAQUETTE_RUSTC").map(str::to_owned);
    let flags = option_env!("MAQUETTE_RUSTFLAGS").unwrap_or_default();
    let debug = cfg!(debug_assertions);
    if debug || built_by.is_none() || built_by != compiler || flags != CONFIG_FLAGS {
        eprintln!(
            "skipped: the list was written by {built_by:?} for a release build with the flags \
             `{CONFIG_FLAGS}`; this is {compiler:?}, {}, with `{flags}`",
            if debug { "debug" } else { "release" }
        );
        return;
    }
    let symbols = functions();
    let found: Vec<(u64, u64)> = names
        .iter()
        .filter_map(|n| symbols.get(n))
        .copied()
        .collect();
    assert!(
        found.len() * 10 >= names.len() * 9,
        "only {} of the {} functions in link/hot-functions.txt are in the binary: \
         the code changed since the list was written; run scripts/hot-functions",
        found.len(),
        names.len()
    );
    if option_env!("MAQUETTE_HOT_ORDER").is_none() {
        eprintln!("the linker reads no symbol ordering file: the functions are where it put them");
        return;
    }
    let start = found.iter().map(|f| f.0).min().unwrap_or(0);
    let end = found.iter().map(|f| f.0 + f.1).max().unwrap_or(0);
    let size: u64 = found.iter().map(|f| f.1).sum();
    assert!(
        end - start <= size * 2,
        "the {} hot functions ({size} bytes) are spread over {} bytes: the linker did not place them together",
        found.len(),
        end - start
    );
}
