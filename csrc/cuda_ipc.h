// CUDA inter-process sharing of sealed allocations. Where the device supports memory pools with
// POSIX-fd handles, allocations come from one exportable pool per device and a handle is a
// cudaMemPoolExportPointer (kind "cuda-mempool"; the pool's fd is passed over fd_pass.h); otherwise
// they come from cudaMalloc and a handle is a legacy cudaIpcGetMemHandle (kind "cuda-legacy").
#pragma once
#include <cuda_runtime_api.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "fd_pass.h"
#include "ipc.h"

namespace vrr {

class CudaIpc {
 public:
  explicit CudaIpc(int device);  // creates the exportable pool when the device supports one
  ~CudaIpc();
  CudaIpc(const CudaIpc&) = delete;
  CudaIpc& operator=(const CudaIpc&) = delete;
  // nullptr: allocate with cudaMalloc (legacy handles).
  cudaMemPool_t pool() const { return pool_; }
  IpcHandle exportPointer(void* base, uint64_t size);
  IpcSupport support() const;
  // The consumer side: maps a handle in this process (read-only where the driver allows it).
  void* import(const IpcHandle& handle);
  void closeImported(void* base);

 private:
  struct Imported {
    std::string kind;
    cudaMemPool_t pool = nullptr;
  };
  const int device_;
  cudaMemPool_t pool_ = nullptr;
  std::string detail_;
  std::mutex mutex_;
  int poolFd_ = -1;
  std::unique_ptr<FdServer> server_;
  std::map<void*, Imported> imported_;
};

}  // namespace vrr
