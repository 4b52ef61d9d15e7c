// The leaf-hashing kernel, written as phases separated by block-wide barriers so that the CUDA
// kernel (csrc/kernels.cu) and the host-simulated device (csrc/host_grid.cpp) run the very same
// functions with the same block/thread index math. On the GPU a barrier is __syncthreads();
// the host walker runs each phase for every thread of a block before starting the next.
//
// Layout: one thread owns one leaf's SHA-256 state (SPEC §1 makes a leaf one sequential hash).
// For each 64-byte message block k the thread block stages block k of every leaf it owns into
// shared memory with coalesced loads (4 consecutive threads copy one leaf's 64 contiguous bytes
// as 16-byte vectors when the range is 16-byte aligned), then each thread compresses its own row.
// The tile is double-buffered: block k+1 is copied into one half while block k is compressed
// from the other, with cp.async on sm_80+ so the copy holds no registers and its latency hides
// behind the ~1,500 instructions of a compression. The 0x00 leaf prefix shifts every message
// word one byte against the aligned loads, so words are rebuilt with
// bytePerm(previous, current, 0x3456); `previous` is carried in a register from block to block.
#pragma once
#include "mth_core.cuh"

namespace vrr {

struct GridIndex {
  uint32_t blockIdx;
  uint32_t blockDim;
  uint32_t threadIdx;
};

// Everything a launch needs; all pointers are device memory (host memory on host-sim).
struct LeafJob {
  const uint8_t* data;      // start of the hashed range (leaf 0 starts here)
  uint64_t dataSize;        // bytes in the hashed range
  uint32_t leafSize;        // SPEC §1 L
  uint64_t firstLeaf;       // job j hashes leaf firstLeaf + j ...
  const uint64_t* indices;  // ... or leaf indices[j] when not null
  uint64_t jobCount;
  uint8_t* out;  // jobCount × 32 bytes
  int aligned;   // data is 16-byte aligned: vector copies allowed
};

constexpr uint32_t kLeafBlockThreads = 128;  // the largest block; __launch_bounds__ and shared arrays use it
constexpr uint32_t kLeafMinBlockThreads = 32;
// A staged row: 16 message words + 4 padding words, so rows start 16-byte aligned (vector copies)
// and 8 consecutive rows read as 16-byte vectors hit disjoint banks.
constexpr uint32_t kTileStride = 20;
constexpr uint32_t kQuadsPerThread = 4;  // 16-byte pieces each thread copies per message block

HD uint32_t leafTileWords(uint32_t blockDim) { return blockDim * kTileStride; }  // one half of the tile

HD uint32_t gridBlocksFor(uint64_t jobs, uint32_t blockDim) {
  return static_cast<uint32_t>((jobs + blockDim - 1) / blockDim);
}

// Threads per block for `jobs` leaves on a device with `multiprocessors` SMs (host-sim: its CPU
// threads): the largest of 128/64/32 that still gives every SM a block, so a small launch (one
// 8 MiB chunk of 64 KiB leaves = 128 leaves) spreads over 4 SMs instead of queueing on one.
HD uint32_t leafBlockThreadsFor(uint64_t jobs, uint32_t multiprocessors) {
  uint32_t threads = kLeafBlockThreads;
  while (threads > kLeafMinBlockThreads && gridBlocksFor(jobs, threads) < multiprocessors) threads /= 2;
  return threads;
}

struct LeafSpan {
  const uint8_t* bytes;
  uint64_t length;
  uint64_t fullBlocks;  // 64-byte message blocks made only of message bytes (prefix + data)
  bool active;
};

HD LeafSpan leafSpanForRow(const LeafJob& job, const GridIndex& g, uint32_t row) {
  LeafSpan span{nullptr, 0, 0, false};
  const uint64_t j = static_cast<uint64_t>(g.blockIdx) * g.blockDim + row;
  if (j >= job.jobCount) return span;
  const uint64_t leaf = job.indices != nullptr ? job.indices[j] : job.firstLeaf + j;
  const uint64_t start = leaf * job.leafSize;
  if (start >= job.dataSize) return span;  // callers check bounds; never read outside
  const uint64_t remaining = job.dataSize - start;
  span.bytes = job.data + start;
  span.length = remaining < job.leafSize ? remaining : job.leafSize;
  span.fullBlocks = (span.length + 1) / 64;
  span.active = true;
  return span;
}

// Where each row's leaf lives, computed once per launch by the row's own thread and read by the
// loaders of later phases (shared memory on the device; after the begin phase's barrier).
struct RowSpan {
  uint64_t start;       // byte offset of the leaf in job.data
  uint32_t length;      // leaf bytes (0 = no leaf for this row)
  uint32_t fullBlocks;  // see LeafSpan
};

// Before the block loop: record this row's span; the carried word starts as the 0x00 prefix.
HD void leafBeginPhase(const LeafJob& job, const GridIndex& g, RowSpan* spans, uint32_t state[8], uint32_t& carried) {
  const LeafSpan span = leafSpanForRow(job, g, g.threadIdx);
  RowSpan& row = spans[g.threadIdx];
  row.start = span.active ? static_cast<uint64_t>(span.bytes - job.data) : 0;
  row.length = static_cast<uint32_t>(span.length);
  row.fullBlocks = static_cast<uint32_t>(span.fullBlocks);
  carried = 0;
  sha256Init(state);
}

// 16 bytes from global to shared memory: cp.async (sm_80+, completes at leafAwaitCopies), a
// vector load and store (older GPUs), a memcpy on the host.
HD void copy16(uint32_t* dst, const uint8_t* src) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const unsigned address = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(address), "l"(src));
#elif defined(__CUDA_ARCH__)
  *reinterpret_cast<uint4*>(dst) = __ldg(reinterpret_cast<const uint4*>(src));
#else
  for (int w = 0; w < 4; w++) {
    dst[w] = static_cast<uint32_t>(src[4 * w]) | (static_cast<uint32_t>(src[4 * w + 1]) << 8) |
             (static_cast<uint32_t>(src[4 * w + 2]) << 16) | (static_cast<uint32_t>(src[4 * w + 3]) << 24);
  }
#endif
}

// Cooperative, coalesced staging of message block k of every row into `half` of the tile. Each
// thread copies 4 pieces of 16 bytes, 4 consecutive threads per row; a piece that is unaligned or
// reaches past the leaf is assembled from bytes, zero past the end.
HD void leafCopyPhase(const LeafJob& job, const GridIndex& g, uint32_t* half, const RowSpan* spans, uint64_t k) {
  for (uint32_t q = 0; q < kQuadsPerThread; q++) {
    const uint32_t idx = q * g.blockDim + g.threadIdx;
    const uint32_t row = idx / 4;
    const uint32_t part = idx % 4;
    const RowSpan span = spans[row];
    if (k >= span.fullBlocks) continue;
    const uint64_t offset = 64 * k + 16 * part;
    const uint8_t* src = job.data + span.start + offset;
    uint32_t* dst = half + row * kTileStride + 4 * part;
    if (job.aligned && offset + 16 <= span.length) {
      copy16(dst, src);
      continue;
    }
    for (uint32_t w = 0; w < 4; w++) {
      uint32_t word = 0;
      for (uint32_t b = 0; b < 4; b++) {
        if (offset + 4 * w + b < span.length) word |= static_cast<uint32_t>(src[4 * w + b]) << (8 * b);
      }
      dst[w] = word;
    }
  }
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

// This thread's copies have landed (the barrier after it publishes them to the block).
HD void leafAwaitCopies() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_all;\n" ::);
#endif
}

// Each thread compresses its own leaf's block k from its staged row in `half`.
HD void leafCompressPhase(const GridIndex& g, const uint32_t* half, const RowSpan* spans, uint64_t k, uint32_t state[8],
                          uint32_t& carried) {
  if (k >= spans[g.threadIdx].fullBlocks) return;
  const uint32_t* row = half + g.threadIdx * kTileStride;
  uint32_t words[16];
  uint32_t previous = carried;
  VRR_UNROLL
  for (int j = 0; j < 16; j++) {
    const uint32_t current = row[j];
    words[j] = bytePerm(previous, current, 0x3456);
    previous = current;
  }
  carried = previous;  // its top byte is the first message byte of block k+1
  sha256Compress(state, words);
}

// The tail (under 64 message bytes) plus padding, straight from memory, then the digest.
HD void leafFinishPhase(const LeafJob& job, const GridIndex& g, uint32_t state[8]) {
  const LeafSpan span = leafSpanForRow(job, g, g.threadIdx);
  if (!span.active) return;
  const uint64_t messageLength = span.length + 1;
  const uint64_t consumed = span.fullBlocks * 64;  // message bytes already compressed
  uint8_t buffer[128];
  uint32_t filled = 0;
  for (uint64_t m = consumed; m < messageLength; m++) {
    buffer[filled++] = m == 0 ? 0x00 : span.bytes[m - 1];
  }
  buffer[filled++] = 0x80;
  const uint32_t blocks = filled > 56 ? 2 : 1;
  while (filled < blocks * 64 - 8) buffer[filled++] = 0;
  const uint64_t bits = messageLength * 8;
  for (int i = 0; i < 8; i++) buffer[filled++] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  uint32_t words[16];
  for (uint32_t b = 0; b < blocks; b++) {
    for (int j = 0; j < 16; j++) words[j] = loadBigEndian32(buffer + 64 * b + 4 * j);
    sha256Compress(state, words);
  }
  const uint64_t j = static_cast<uint64_t>(g.blockIdx) * g.blockDim + g.threadIdx;
  sha256StoreDigest(state, job.out + 32 * j);
}

// The number of message blocks the block-wide loop must cover: every leaf is at most leafSize.
HD uint64_t leafLoopBlocks(const LeafJob& job) { return (static_cast<uint64_t>(job.leafSize) + 1) / 64; }

// Node reduction: one thread per node of the next level.
HD void nodeLevelThread(const GridIndex& g, const uint8_t* level, uint64_t count, uint8_t* next) {
  const uint64_t i = static_cast<uint64_t>(g.blockIdx) * g.blockDim + g.threadIdx;
  if (i < nextLevelCount(count)) reduceLevelNode(level, count, i, next);
}

}  // namespace vrr
