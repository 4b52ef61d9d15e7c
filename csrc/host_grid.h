// The host-simulated device's "GPU": walks the same launch grid as kernels.cu and runs the same
// phase functions, blocks spread over a CPU thread pool, barriers simulated by running each
// phase for every thread of a block before the next phase starts.
#pragma once
#include "leaf_kernel_body.cuh"

namespace vrr {

void hostRunLeafHashes(const LeafJob& job, unsigned threads);
void hostRunNodeLevel(const uint8_t* level, uint64_t count, uint8_t* next, unsigned threads);
// Root of `count` leaf hashes by level-by-level reduction (the same steps the device runs).
void hostReduceToRoot(const uint8_t* leafHashes, uint64_t count, uint8_t out[32], unsigned threads);

}  // namespace vrr
