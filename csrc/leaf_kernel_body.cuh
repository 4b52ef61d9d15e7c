// The leaf-hashing kernel, written as phases separated by block-wide barriers so that the CUDA
// kernel (csrc/kernels.cu) and the host-simulated device (csrc/host_grid.cpp) run the very same
// functions with the same block/thread index math. On the GPU a barrier is __syncthreads();
// the host walker runs each phase for every thread of a block before starting the next.
//
// Layout: one thread owns one leaf's SHA-256 state. For each 64-byte message block k the whole
// thread block first stages the k-th block of every leaf it owns into shared memory with
// coalesced 32-bit loads (16 consecutive threads read one leaf's 64 contiguous bytes), then each
// thread compresses its own row. The 0x00 leaf prefix shifts every message word one byte against
// the aligned loads, so words are rebuilt with bytePerm(previous, current, 0x3456).
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
  int aligned;   // data is 4-byte aligned: word loads allowed
};

constexpr uint32_t kLeafBlockThreads = 128;
constexpr uint32_t kTileStride = 17;  // slot 0 = carried word, 1..16 = staged block; odd stride avoids bank conflicts

HD uint32_t leafTileWords(uint32_t blockDim) { return blockDim * kTileStride; }

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

// Before the block loop: record this row's span, and put the 0x00 prefix in the top byte of the
// row's carried word.
HD void leafBeginPhase(const LeafJob& job, const GridIndex& g, uint32_t* tile, RowSpan* spans, uint32_t state[8]) {
  const LeafSpan span = leafSpanForRow(job, g, g.threadIdx);
  RowSpan& row = spans[g.threadIdx];
  row.start = span.active ? static_cast<uint64_t>(span.bytes - job.data) : 0;
  row.length = static_cast<uint32_t>(span.length);
  row.fullBlocks = static_cast<uint32_t>(span.fullBlocks);
  tile[g.threadIdx * kTileStride] = 0;
  sha256Init(state);
}

// Cooperative, coalesced staging of message block k of every leaf in this thread block.
HD void leafLoadPhase(const LeafJob& job, const GridIndex& g, uint32_t* tile, const RowSpan* spans, uint64_t k) {
  const uint32_t wordsPerBlock = 16;
  for (uint32_t r = 0; r < wordsPerBlock; r++) {
    const uint32_t idx = r * g.blockDim + g.threadIdx;
    const uint32_t row = idx / wordsPerBlock;
    const uint32_t col = idx % wordsPerBlock;
    const RowSpan span = spans[row];
    if (k >= span.fullBlocks) continue;
    const uint64_t offset = 64 * k + 4 * col;
    const uint8_t* p = job.data + span.start + offset;
    uint32_t word;
    if (job.aligned && offset + 4 <= span.length) {
      word = *reinterpret_cast<const uint32_t*>(p);
    } else {  // unaligned destination, or the word reaches past the leaf: bytes, zero past the end
      word = 0;
      for (uint32_t b = 0; b < 4; b++) {
        if (offset + b < span.length) word |= static_cast<uint32_t>(p[b]) << (8 * b);
      }
    }
    tile[row * kTileStride + 1 + col] = word;
  }
}

// Each thread compresses its own leaf's block k from the staged row.
HD void leafCompressPhase(const GridIndex& g, uint32_t* tile, const RowSpan* spans, uint64_t k, uint32_t state[8]) {
  if (k >= spans[g.threadIdx].fullBlocks) return;
  uint32_t* row = tile + g.threadIdx * kTileStride;
  uint32_t words[16];
  uint32_t previous = row[0];
  VRR_UNROLL
  for (int j = 0; j < 16; j++) {
    const uint32_t current = row[1 + j];
    words[j] = bytePerm(previous, current, 0x3456);
    previous = current;
  }
  row[0] = previous;  // its top byte is the first message byte of block k+1
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

HD uint32_t gridBlocksFor(uint64_t jobs, uint32_t blockDim) {
  return static_cast<uint32_t>((jobs + blockDim - 1) / blockDim);
}

// Node reduction: one thread per node of the next level.
HD void nodeLevelThread(const GridIndex& g, const uint8_t* level, uint64_t count, uint8_t* next) {
  const uint64_t i = static_cast<uint64_t>(g.blockIdx) * g.blockDim + g.threadIdx;
  if (i < nextLevelCount(count)) reduceLevelNode(level, count, i, next);
}

}  // namespace vrr
