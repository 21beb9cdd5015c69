//! The process's memory: freed pages given back to the system between stages.

/// Gives back to the system the pages glibc holds free in its arenas.
///
/// glibc keeps freed pages in the arena of the thread that used them, where
/// the next stage's threads cannot reuse them, so a stage that frees much
/// (the layout's paragraphs and the lines it tried; the PDF writer's page
/// streams once drawn) leaves them counted in the process's peak.
/// Elsewhere it does nothing.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and may be called from any thread
    // at any time; it only returns free pages of glibc's arenas to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
