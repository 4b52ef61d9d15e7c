// Launchers for the CUDA kernels in kernels.cu; called from the CUDA backend (g++-compiled).
#pragma once
#include <cuda_runtime_api.h>
#include "leaf_kernel_body.cuh"

namespace vrr {

// Leaf hashes of job.jobCount leaves into job.out (device memory), queued on `stream`; the block
// size spreads the leaves over the device's `multiprocessors` (leafBlockThreadsFor).
cudaError_t launchLeafHashes(const LeafJob& job, uint32_t multiprocessors, cudaStream_t stream);

// One reduction level: ceil(count/2) nodes from `count` nodes, queued on `stream`.
cudaError_t launchNodeLevel(const uint8_t* level, uint64_t count, uint8_t* next, cudaStream_t stream);

}  // namespace vrr
