//! Where tree-sitter's memory comes from. Its parser and trees allocate on their own, through the C
//! library's `malloc` unless told otherwise; on infrastructure-dense code that was a twentieth of
//! a check's instructions, the trees' freeing included. The binary routes them to mimalloc, its
//! global allocator, and so does the benchmark's parse-only floor, so that its ratios compare
//! infrafix with the same parse.

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};
use std::ffi::c_void;

/// Makes tree-sitter allocate with mimalloc.
///
/// # Safety
/// Call it before any parser or tree exists and while no other thread runs: tree-sitter keeps its
/// allocator in a global, and memory one allocator gave must not reach the other's `free`.
pub unsafe fn route_tree_sitter_to_mimalloc() {
    let allocator = tree_sitter::Allocator {
        malloc,
        calloc,
        realloc,
        free,
    };
    // SAFETY: the four functions are one allocator's; none returns null for a non-empty
    // allocation (they abort); mimalloc aligns as `malloc` does; the caller vouches for the rest.
    unsafe { tree_sitter::set_allocator(Some(allocator)) }
}

/// tree-sitter takes a null for a non-empty allocation as memory it may use: stop instead, as its
/// own default allocator does.
fn checked(pointer: *mut c_void, size: usize) -> *mut c_void {
    if pointer.is_null() && size > 0 {
        std::process::abort();
    }
    pointer
}

unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    // SAFETY: mimalloc's `malloc`, with any size.
    checked(unsafe { mi_malloc(size) }, size)
}

unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(total) = count.checked_mul(size) else {
        std::process::abort();
    };
    // SAFETY: mimalloc's zeroing `malloc`, with any size.
    checked(unsafe { mi_zalloc(total) }, total)
}

unsafe extern "C" fn realloc(pointer: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: tree-sitter passes null or a pointer this allocator gave it.
    checked(unsafe { mi_realloc(pointer, size) }, size)
}

unsafe extern "C" fn free(pointer: *mut c_void) {
    // SAFETY: tree-sitter passes null or a pointer this allocator gave it.
    unsafe { mi_free(pointer) }
}
