// CUDA kernels: thin __global__ shells around the phase functions in leaf_kernel_body.cuh, so
// the GPU runs exactly what the host-simulated device runs in CI.
#include "cuda_kernels.h"

namespace vrr {

__global__ void __launch_bounds__(kLeafBlockThreads) leafHashKernel(LeafJob job) {
  __shared__ uint32_t tile[kLeafBlockThreads * kTileStride];
  __shared__ RowSpan spans[kLeafBlockThreads];
  const GridIndex g{blockIdx.x, blockDim.x, threadIdx.x};
  uint32_t state[8];
  leafBeginPhase(job, g, tile, spans, state);
  __syncthreads();
  const uint64_t blocks = leafLoopBlocks(job);
  for (uint64_t k = 0; k < blocks; k++) {
    leafLoadPhase(job, g, tile, spans, k);
    __syncthreads();
    leafCompressPhase(g, tile, spans, k, state);
    __syncthreads();
  }
  leafFinishPhase(job, g, state);
}

__global__ void nodeLevelKernel(const uint8_t* level, uint64_t count, uint8_t* next) {
  const GridIndex g{blockIdx.x, blockDim.x, threadIdx.x};
  nodeLevelThread(g, level, count, next);
}

cudaError_t launchLeafHashes(const LeafJob& job, cudaStream_t stream) {
  if (job.jobCount == 0) return cudaSuccess;
  const uint32_t grid = gridBlocksFor(job.jobCount, kLeafBlockThreads);
  leafHashKernel<<<grid, kLeafBlockThreads, 0, stream>>>(job);
  return cudaGetLastError();
}

cudaError_t launchNodeLevel(const uint8_t* level, uint64_t count, uint8_t* next, cudaStream_t stream) {
  const uint64_t nodes = nextLevelCount(count);
  if (nodes == 0) return cudaSuccess;
  const uint32_t threads = 128;
  nodeLevelKernel<<<gridBlocksFor(nodes, threads), threads, 0, stream>>>(level, count, next);
  return cudaGetLastError();
}

}  // namespace vrr
