// SPDX-License-Identifier: Apache-2.0
#pragma once
// Speed hints for the per-packet path (the input filter and what it records). Where the build
// optimises for speed (-O2: the host, tests/bench) they apply; where it optimises for size
// (-Os: the boards' images) they would cost flash, so there the compiler chooses.

#if defined(__OPTIMIZE_SIZE__)
#define PORTCULLIS_HOT_FLATTEN
#define PORTCULLIS_HOT_UNROLL_4
#else
// Everything the function calls is inlined into it.
#define PORTCULLIS_HOT_FLATTEN [[gnu::flatten]]
// The loop that follows (at most 4 turns: a 4-way set) is written out.
#define PORTCULLIS_HOT_UNROLL_4 _Pragma("GCC unroll 4")
#endif
