#include "host_grid.h"

#include <cstring>
#include <vector>

#include "parallel.h"

namespace vrr {

void hostRunLeafHashes(const LeafJob& job, unsigned threads) {
  if (job.jobCount == 0) return;
  const uint32_t blockDim = leafBlockThreadsFor(job.jobCount, threads);
  const uint32_t gridDim = gridBlocksFor(job.jobCount, blockDim);
  parallelFor(gridDim, threads, [&](uint64_t block) {
    // Per-block "shared memory" (two tile halves, spans) and per-thread "registers".
    std::vector<uint32_t> tile(2 * leafTileWords(blockDim));
    uint32_t* halves[2] = {tile.data(), tile.data() + leafTileWords(blockDim)};
    std::vector<RowSpan> spans(blockDim);
    std::vector<uint32_t> states(static_cast<size_t>(blockDim) * 8);
    std::vector<uint32_t> carried(blockDim);
    auto index = [&](uint32_t t) { return GridIndex{static_cast<uint32_t>(block), blockDim, t}; };
    for (uint32_t t = 0; t < blockDim; t++) leafBeginPhase(job, index(t), spans.data(), &states[t * 8], carried[t]);
    // __syncthreads()
    const uint64_t blocks = leafLoopBlocks(job);
    if (blocks > 0) {
      for (uint32_t t = 0; t < blockDim; t++) leafCopyPhase(job, index(t), halves[0], spans.data(), 0);
    }
    for (uint64_t k = 0; k < blocks; k++) {
      // leafAwaitCopies(); __syncthreads()
      for (uint32_t t = 0; t < blockDim; t++) {
        if (k + 1 < blocks) leafCopyPhase(job, index(t), halves[(k + 1) & 1], spans.data(), k + 1);
        leafCompressPhase(index(t), halves[k & 1], spans.data(), k, &states[t * 8], carried[t]);
      }
    }
    for (uint32_t t = 0; t < blockDim; t++) leafFinishPhase(job, index(t), &states[t * 8]);
  });
}

void hostRunNodeLevel(const uint8_t* level, uint64_t count, uint8_t* next, unsigned threads) {
  const uint32_t blockDim = 128;
  const uint64_t nodes = nextLevelCount(count);
  const uint32_t gridDim = gridBlocksFor(nodes, blockDim);
  parallelFor(gridDim, threads, [&](uint64_t block) {
    for (uint32_t t = 0; t < blockDim; t++)
      nodeLevelThread(GridIndex{static_cast<uint32_t>(block), blockDim, t}, level, count, next);
  });
}

void hostReduceToRoot(const uint8_t* leafHashes, uint64_t count, uint8_t out[32], unsigned threads) {
  if (count == 0) {
    sha256Bytes(nullptr, 0, out);
    return;
  }
  std::vector<uint8_t> current(leafHashes, leafHashes + count * 32);
  std::vector<uint8_t> next;
  while (count > 1) {
    next.assign(nextLevelCount(count) * 32, 0);
    hostRunNodeLevel(current.data(), count, next.data(), threads);
    current.swap(next);
    count = nextLevelCount(count);
  }
  std::memcpy(out, current.data(), 32);
}

}  // namespace vrr
