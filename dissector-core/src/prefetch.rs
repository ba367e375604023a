//! A prefetch hint: the core's one `unsafe` outside its C ABI (`crate::ffi`).
//!
//! With a hundred thousand live conversations, the index bucket, the conversation and the
//! per-direction statistics of each packet are out of cache, and the analysis waits for
//! them one after the other (each address is read from the one before). A caller that
//! knows the next packets (`conns`, which analyses its segments in batches on one thread as
//! on several) asks for their lines a few packets ahead, one level at a time
//! ([`crate::flow::Prefetch`]), so the misses overlap with work.

/// Asks the CPU to bring the cache line holding `p` closer. A hint only: nothing is read
/// that the program can observe, and nothing happens on targets without the instruction.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 reads no memory the program can observe and never faults, whatever
    // the address (Intel SDM Vol. 2B, PREFETCHh: "a hint ... does not affect program
    // behavior"); SSE, which provides it, is part of every x86_64 target.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// [`prefetch`] for every cache line of `*r`.
#[inline(always)]
pub fn prefetch_all<T>(r: &T) {
    let start = (r as *const T).cast::<u8>();
    let mut offset = 0;
    while offset < core::mem::size_of::<T>() {
        prefetch(start.wrapping_add(offset));
        offset += 64;
    }
}
