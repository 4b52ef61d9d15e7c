// Fixed memory map. The module never allocates: every buffer lives at a constant address and the
// memory is declared with initial = maximum pages, so it can never grow and JS views never go
// stale. 0 … 64 KiB is left to the compiler's static data (constants, info strings).

export const PAGE: usize = 65536;

// Scratch for one-shot operations (never holds state between exported calls, except the
// hash contexts named below, which JS drives within one synchronous sequence).
export const SCRATCH: usize = 0x10000;
export const CTX_ONESHOT: usize = SCRATCH + 0x000; // 128 B: sha256 context for one-shot calls
export const CTX_INNER: usize = SCRATCH + 0x080; //   128 B: HMAC inner context
export const CTX_OUTER: usize = SCRATCH + 0x100; //   128 B: HMAC outer context
export const CTX_LEAF: usize = SCRATCH + 0x180; //    128 B: scalar leaf hashing
export const PAD: usize = SCRATCH + 0x200; //         64 B: HMAC key block
export const KEY_HASH: usize = SCRATCH + 0x240; //    32 B: HMAC key longer than a block, hashed
export const PRK: usize = SCRATCH + 0x260; //         32 B: HKDF pseudorandom key
export const T_BLOCK: usize = SCRATCH + 0x280; //     32 B: HKDF T(i)
export const BYTE: usize = SCRATCH + 0x2a0; //        1 B: HKDF counter / leaf prefix
export const NODE_MSG: usize = SCRATCH + 0x300; //    128 B: padded 65-byte node message
export const NODE_STATE: usize = SCRATCH + 0x380; //  32 B: node hash state
export const STATE4: usize = SCRATCH + 0x400; //      128 B: 4-lane hash state
export const W4: usize = SCRATCH + 0x480; //          256 B: 4-lane transposed message words
export const LEAF4_OUT: usize = SCRATCH + 0x580; //   128 B: 4 leaf hashes
export const TMP_HASH: usize = SCRATCH + 0x600; //    32 B
export const OUT: usize = SCRATCH + 0x700; //         64 B: results read by JS
export const FIELD_LENGTHS: usize = SCRATCH + 0x800; // 64 × i32: seal field text lengths (-1 = null)

// Leaf hashes emitted by one absorb call: at most STAGE_SIZE / 4096 + 1 leaves.
export const LEAF_OUT: usize = 0x20000;
export const LEAF_OUT_SIZE: usize = 0x10000;

// Derived seal keys, 32 bytes each. JS hands out slot numbers; a slot is zeroed on dispose.
export const KEY_SLOTS: usize = 0x30000;
export const KEY_SLOT_COUNT: u32 = 256;

// Streaming state slots (sha256 context, tree stack, counters), one per live stream object.
export const STREAM_SLOTS: usize = 0x40000;
export const STREAM_SLOT_SIZE: usize = 4096;
export const STREAM_SLOT_COUNT: u32 = 192;

// Staging area: JS copies input here, at most STAGE_SIZE bytes per call.
export const STAGE: usize = 0x100000;
export const STAGE_SIZE: usize = 0x400000;

export const MEMORY_END: usize = STAGE + STAGE_SIZE; // 5 MiB = 80 pages
