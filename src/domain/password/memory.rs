//! The working memory of one argon2 computation: a fresh anonymous mapping that the
//! kernel is asked to back with 2 MiB pages.
//!
//! Why not the allocator: argon2id at our parameters writes 19 MiB. From `calloc` that
//! is 4,864 page faults of 4 KiB in a fresh process; on the standard VM they cost about
//! 15 ms, a quarter of a login. With transparent huge pages it is ten faults, which a
//! second thread takes while argon2 starts, and the hash's random reads miss the TLB
//! less. Where the kernel offers no huge pages the advice is ignored and this is an
//! ordinary mapping; without a second thread argon2 takes the faults itself.
//!
//! This is the crate's only `unsafe` code: a mapping, a slice over it, advice to the
//! kernel about it, and its release.

#![allow(unsafe_code)]

use std::ptr::NonNull;

use argon2::Block;

/// The size of a transparent huge page on x86-64 and most arm64 kernels; the mapping
/// is aligned to it so that every whole 2 MiB of the blocks can be one page.
const HUGE_PAGE: usize = 2 << 20;

/// `count` argon2 blocks, zero-filled, unmapped when dropped.
#[derive(Debug)]
pub struct HashMemory {
    mapping: NonNull<libc::c_void>,
    mapping_len: usize,
    blocks: NonNull<Block>,
    count: usize,
    /// Set by the first [`HashMemory::run`], which has the pages faulted in.
    resident: bool,
}

impl HashMemory {
    /// Maps memory for `count` blocks; `None` if the system refuses (the caller then
    /// lets argon2 allocate as usual).
    pub fn new(count: usize) -> Option<HashMemory> {
        let bytes = count.checked_mul(size_of::<Block>()).filter(|&b| b > 0)?;
        // Room to start the blocks on a huge-page boundary.
        let mapping_len = bytes.checked_add(HUGE_PAGE)?;
        // SAFETY: asks for a new private anonymous mapping at an address of the
        // kernel's choosing; no existing memory is touched.
        let mapping = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapping_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if mapping == libc::MAP_FAILED {
            return None;
        }
        let mapping = NonNull::new(mapping)?;
        let offset =
            (mapping.as_ptr() as usize).next_multiple_of(HUGE_PAGE) - mapping.as_ptr() as usize;
        // SAFETY: `offset < HUGE_PAGE`, so the blocks, `offset..offset + bytes`, lie
        // inside the mapping of `bytes + HUGE_PAGE` bytes.
        let blocks = unsafe { mapping.byte_add(offset) }.cast::<Block>();
        #[cfg(target_os = "linux")]
        {
            // SAFETY: advice about our own mapping's range; it changes no contents. It
            // fails harmlessly where transparent huge pages are unavailable.
            let _ = unsafe { libc::madvise(blocks.as_ptr().cast(), bytes, libc::MADV_HUGEPAGE) };
        }
        Some(HashMemory { mapping, mapping_len, blocks, count, resident: false })
    }

    /// Runs `work` (argon2) on the blocks. The first time, a second thread has the
    /// kernel fault them in ahead of it, a huge page at a time from the start: argon2's
    /// first pass writes the blocks in order, more slowly than the kernel zeroes pages,
    /// so the zeroing (about 5 ms for 19 MiB here) is paid on the other core.
    pub fn run<T>(&mut self, work: impl FnOnce(&mut [Block]) -> T) -> T {
        if std::mem::replace(&mut self.resident, true) {
            return work(self.as_mut());
        }
        let start = self.blocks.as_ptr() as usize;
        let bytes = self.count * size_of::<Block>();
        std::thread::scope(|scope| {
            // Without a thread (a process limit), argon2 takes the faults itself.
            let _ = std::thread::Builder::new()
                .name("prefault".into())
                .spawn_scoped(scope, move || prefault(start, bytes));
            work(self.as_mut())
        })
    }
}

/// Faults in `start..start + bytes` without changing any contents. The scope in
/// [`HashMemory::run`] ends this thread before the mapping can be released.
fn prefault(start: usize, bytes: usize) {
    #[cfg(target_os = "linux")]
    for offset in (0..bytes).step_by(HUGE_PAGE) {
        let len = HUGE_PAGE.min(bytes - offset);
        // SAFETY: the range lies inside the live mapping (see `run`). The kernel maps
        // zeroed pages only where none are present yet and leaves a page argon2 has
        // already written as it is: no contents change, so this never races with
        // argon2's writes. It is a system call on an address range, not a Rust access.
        let advised = unsafe {
            libc::madvise((start + offset) as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE)
        };
        if advised != 0 {
            return; // Before Linux 5.14: argon2 takes the faults itself.
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

impl AsMut<[Block]> for HashMemory {
    fn as_mut(&mut self) -> &mut [Block] {
        // SAFETY: the blocks are inside a live, readable and writable mapping owned by
        // `self`; page alignment satisfies `Block`'s 64; the kernel zero-fills anonymous
        // memory and all-zero bytes are a valid `Block` (an array of `u64`); and the
        // `&mut self` borrow makes this the only reference for its lifetime.
        unsafe { std::slice::from_raw_parts_mut(self.blocks.as_ptr(), self.count) }
    }
}

impl Drop for HashMemory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`; no slice borrowed from it
        // outlives `self`. The kernel zeroes the pages before anyone else gets them.
        unsafe { libc::munmap(self.mapping.as_ptr(), self.mapping_len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_zeroed_aligned_writable_and_the_asked_number() {
        let mut memory = HashMemory::new(3000).unwrap();
        let blocks = memory.as_mut();
        assert_eq!(blocks.len(), 3000);
        assert_eq!(blocks.as_ptr() as usize % HUGE_PAGE, 0);
        assert!(blocks.iter().all(|b| b.as_ref().iter().all(|&word| word == 0)));
        blocks[2999].as_mut()[127] = 7;
        assert_eq!(blocks[2999].as_ref()[127], 7);
        assert!(HashMemory::new(0).is_none());
        assert!(HashMemory::new(usize::MAX / 2).is_none());
    }

    /// Fails without the `madvise`: on a kernel in `madvise` mode the blocks would be
    /// ordinary 4 KiB pages. Skipped where the kernel offers no huge pages at all.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_kernel_backs_the_blocks_with_huge_pages_where_it_offers_them() {
        let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .unwrap_or_default();
        if !mode.contains("[madvise]") && !mode.contains("[always]") {
            return;
        }
        let mut memory =
            HashMemory::new(usize::try_from(crate::domain::password::MEMORY_KIB).unwrap()).unwrap();
        let blocks = memory.as_mut();
        for block in blocks.iter_mut() {
            block.as_mut()[0] = 1;
        }
        let huge_kib = smaps_kib(blocks.as_ptr() as usize, "AnonHugePages:");
        assert!(huge_kib >= 2048, "no huge pages behind the blocks ({huge_kib} KiB)");
    }

    /// Fails without the prefault thread: the work touches nothing, yet every block is
    /// resident once `run` returns.
    #[cfg(target_os = "linux")]
    #[test]
    fn run_has_the_blocks_faulted_in_beside_the_work() {
        let count = usize::try_from(crate::domain::password::MEMORY_KIB).unwrap();
        let mut memory = HashMemory::new(count).unwrap();
        let start = memory.as_mut().as_ptr() as usize;
        assert!(smaps_kib(start, "Rss:") < 1024, "nothing resident before");
        let seen = memory.run(|blocks| blocks.len());
        assert_eq!(seen, count);
        let resident = smaps_kib(start, "Rss:");
        assert!(resident >= 19_456, "only {resident} KiB resident after run");
    }

    /// A field (`Rss:`, `AnonHugePages:`) of the mapping in /proc/self/smaps that
    /// contains `address`, in KiB.
    #[cfg(target_os = "linux")]
    fn smaps_kib(address: usize, field: &str) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().and_then(|r| r.split_once('-'));
            if let Some((from, to)) = range
                && let (Ok(from), Ok(to)) =
                    (usize::from_str_radix(from, 16), usize::from_str_radix(to, 16))
            {
                inside = (from..to).contains(&address);
                continue;
            }
            if inside && let Some(kib) = line.strip_prefix(field) {
                return kib.trim().trim_end_matches("kB").trim().parse().unwrap();
            }
        }
        0
    }
}
