// CUDA kernels: thin __global__ shells around the phase functions in leaf_kernel_body.cuh, so
// the GPU runs exactly what the host-simulated device runs in CI.
#include "cuda_kernels.h"

namespace vrr {

// 128 threads × 8 blocks = 1,024 threads per SM, i.e. at most 64 registers per thread on sm_90;
// ptxas must fit them without spilling (`node scripts/ptxas-report.mjs` prints its verdict).
__global__ void __launch_bounds__(kLeafBlockThreads, 8) leafHashKernel(LeafJob job) {
  __shared__ __align__(16) uint32_t tile[2][kLeafBlockThreads * kTileStride];
  __shared__ RowSpan spans[kLeafBlockThreads];
  const GridIndex g{blockIdx.x, blockDim.x, threadIdx.x};
  uint32_t state[8];
  uint32_t carried;
  leafBeginPhase(job, g, spans, state, carried);
  __syncthreads();
  const uint64_t blocks = leafLoopBlocks(job);
  if (blocks > 0) leafCopyPhase(job, g, tile[0], spans, 0);
  for (uint64_t k = 0; k < blocks; k++) {
    leafAwaitCopies();
    __syncthreads();  // block k staged; everyone is done reading block k-1's half
    if (k + 1 < blocks) leafCopyPhase(job, g, tile[(k + 1) & 1], spans, k + 1);  // in flight meanwhile
    leafCompressPhase(g, tile[k & 1], spans, k, state, carried);
  }
  leafFinishPhase(job, g, state);
}

__global__ void nodeLevelKernel(const uint8_t* level, uint64_t count, uint8_t* next) {
  const GridIndex g{blockIdx.x, blockDim.x, threadIdx.x};
  nodeLevelThread(g, level, count, next);
}

cudaError_t launchLeafHashes(const LeafJob& job, uint32_t multiprocessors, cudaStream_t stream) {
  if (job.jobCount == 0) return cudaSuccess;
  const uint32_t threads = leafBlockThreadsFor(job.jobCount, multiprocessors);
  leafHashKernel<<<gridBlocksFor(job.jobCount, threads), threads, 0, stream>>>(job);
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
