//! The press's colour profile named by the layout's `print` section: where it
//! is, its header checked (a CMYK ICC profile), its bytes for the print edition.

use crate::error::{Error, Problem, Result};
use crate::model::layout::{Layout, PrintSpec};
use std::path::{Path, PathBuf};

/// The profiles shipped in `layouts/icc/`, each beside its bytes compressed
/// at zlib's best level when maquette was built (see build.rs).
const SHIPPED: &[(&[u8], &[u8])] = include!(concat!(env!("OUT_DIR"), "/shipped_profiles.rs"));

/// The zlib-compressed bytes of a profile shipped with maquette, if `profile`
/// is one of them byte for byte: the work done when maquette was built.
pub fn shipped_deflated(profile: &[u8]) -> Option<&'static [u8]> {
    SHIPPED
        .iter()
        .find(|(shipped, _)| *shipped == profile)
        .map(|(_, deflated)| *deflated)
}

/// The layout's printing condition; an error if it has none.
pub fn print_spec<'l>(layout: &'l Layout, layout_file: &Path) -> Result<&'l PrintSpec> {
    layout.print.as_ref().ok_or_else(|| {
        Error::input(
            Problem::new("the layout has no `print` section, so it cannot make a print edition")
                .in_file(layout_file)
                .hint("add \"print\": { \"icc_profile\": …, \"output_condition_identifier\": …, \"output_condition\": … }"),
        )
    })
}

/// Where the layout's print profile is.
pub fn profile_path(layout: &Layout, layout_file: &Path) -> Result<PathBuf> {
    Ok(crate::model::resolve(
        layout_file,
        &print_spec(layout, layout_file)?.icc_profile,
    ))
}

/// Reads the layout's print profile.
pub fn read(layout: &Layout, layout_file: &Path) -> Result<Vec<u8>> {
    let path = profile_path(layout, layout_file)?;
    let bytes = crate::error::read_input(
        &path,
        "print colour profile (ICC)",
        crate::error::MAX_PROFILE_BYTES,
    )
    .map_err(|e| e.at("print.icc_profile"))?;
    check_whole(&path, &bytes)?;
    Ok(bytes)
}

/// Checks that a profile is whole: its header's size field is the file's
/// size and it carries the ICC signature.
fn check_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let declared = bytes
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    if bytes.get(36..40) != Some(b"acsp".as_slice())
        || declared != Some(bytes.len())
        || bytes.len() < ICC_HEADER
    {
        return Err(Error::input(
            Problem::new(
                "the print profile is corrupt or cut short (its size or signature is wrong)",
            )
            .in_file(path)
            .at("print.icc_profile")
            .hint("use an intact ICC profile file, such as FOGRA39L_coated.icc"),
        ));
    }
    Ok(())
}

/// Checks, from its header alone, that the layout's print profile can be read
/// and is a CMYK profile (the preflight; the whole file is read only to write).
pub fn check_file(layout: &Layout, layout_file: &Path) -> Result<()> {
    use std::io::Read;
    let path = profile_path(layout, layout_file)?;
    let unreadable =
        |e| Error::unreadable(&path, "print colour profile (ICC)", e).at("print.icc_profile");
    let mut header = Vec::with_capacity(ICC_HEADER);
    let file = std::fs::File::open(&path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    file.take(ICC_HEADER as u64)
        .read_to_end(&mut header)
        .map_err(unreadable)?;
    let declared = header
        .get(..4)
        .map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])));
    if declared != Some(len) || header.get(36..40) != Some(b"acsp".as_slice()) {
        return check_whole(&path, &header);
    }
    check_header(&path, &header)
}

/// Bytes of an ICC profile's header read by the preflight: its size, colour
/// space and signature.
const ICC_HEADER: usize = 40;

/// Checks that a profile is a CMYK ICC profile (its colour space field says so).
pub fn check_header(path: &Path, profile: &[u8]) -> Result<()> {
    if profile.get(16..20) == Some(b"CMYK".as_slice()) {
        return Ok(());
    }
    Err(Error::input(
        Problem::new("the print profile is not a CMYK ICC profile")
            .in_file(path)
            .at("print.icc_profile")
            .hint("name a CMYK output profile (.icc) such as FOGRA39L_coated.icc"),
    ))
}
