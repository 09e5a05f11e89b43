//! Allocator tuning for long builds.
//!
//! glibc raises its mmap threshold each time a large block is freed, so after the first
//! decoded render, every later render, crop and encoded picture is carved out of the heap
//! instead of being mapped and unmapped. The heap then fragments and the resident size
//! climbs with the number of slides, although nothing is kept. A fixed threshold keeps
//! large, short-lived buffers mapped, so memory stays flat however long the deck.

/// The size from which glibc maps allocations of their own (its initial default).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Fixes glibc's mmap threshold; elsewhere nothing needs doing.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: mallopt only changes allocator parameters; it is called once at start-up,
    // before any thread exists, with a documented parameter and a valid value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
