// CudaIpc (cuda_ipc.h): the exportable pool, handle export and the consumer's import.
#include "cuda_ipc.h"

#include <unistd.h>

#include <cstring>

#include "cuda_lane.h"

namespace vrr {

namespace {

[[noreturn]] void failStale(cudaError_t e, const char* what) {
  cudaGetLastError();
  fail("E_STALE_HANDLE", describeCudaError(e, what) +
                             " - the handle no longer names live sealed memory (released, or the exporter ended)");
}

}  // namespace

CudaIpc::CudaIpc(int device) : device_(device) {
  int pools = 0, handleTypes = 0;
  cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device);
  cudaDeviceGetAttribute(&handleTypes, cudaDevAttrMemoryPoolSupportedHandleTypes, device);
  cudaGetLastError();
  if (pools == 0 || (handleTypes & cudaMemHandleTypePosixFileDescriptor) == 0) {
    detail_ = "cudaMalloc memory, legacy cudaIpcGetMemHandle (no POSIX-fd memory pools on this device)";
    return;
  }
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypePosixFileDescriptor;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = device;
  if (cudaMemPoolCreate(&pool_, &props) != cudaSuccess) {
    cudaGetLastError();
    pool_ = nullptr;
    detail_ = "cudaMalloc memory, legacy cudaIpcGetMemHandle (cudaMemPoolCreate with POSIX-fd handles failed)";
    return;
  }
  detail_ = "stream-ordered memory from an exportable pool: cudaMemPoolExportPointer, pool fd over a Unix socket";
}

CudaIpc::~CudaIpc() {
  server_.reset();
  if (poolFd_ >= 0) close(poolFd_);
  if (pool_ != nullptr) cudaMemPoolDestroy(pool_);
}

IpcHandle CudaIpc::exportPointer(void* base, uint64_t size) {
  check(cudaSetDevice(device_), "cudaSetDevice");
  IpcHandle h;
  h.pid = getpid();
  h.size = size;
  h.opaque.resize(64);
  if (pool_ == nullptr) {
    cudaIpcMemHandle_t m;
    check(cudaIpcGetMemHandle(&m, base), "cudaIpcGetMemHandle");
    static_assert(sizeof m == 64, "cudaIpcMemHandle_t is 64 bytes");
    std::memcpy(h.opaque.data(), &m, 64);
    h.kind = "cuda-legacy";
    return h;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (!server_) {
    int fd = -1;
    check(cudaMemPoolExportToShareableHandle(&fd, pool_, cudaMemHandleTypePosixFileDescriptor, 0),
          "cudaMemPoolExportToShareableHandle");
    poolFd_ = fd;
    server_ = std::make_unique<FdServer>(poolFd_);
  }
  cudaMemPoolPtrExportData data;
  check(cudaMemPoolExportPointer(&data, base), "cudaMemPoolExportPointer");
  static_assert(sizeof data == 64, "cudaMemPoolPtrExportData is 64 bytes");
  std::memcpy(h.opaque.data(), &data, 64);
  h.kind = "cuda-mempool";
  h.token = server_->token();
  return h;
}

IpcSupport CudaIpc::support() const {
  IpcSupport s;
  s.available = true;
  s.kind = pool_ != nullptr ? "cuda-mempool" : "cuda-legacy";
  s.detail = detail_;
  return s;
}

void* CudaIpc::import(const IpcHandle& h) {
  check(cudaSetDevice(device_), "cudaSetDevice");
  if (h.opaque.size() != 64) fail("E_ARG", "a CUDA IPC handle carries 64 bytes");
  void* p = nullptr;
  Imported record;
  record.kind = h.kind;
  if (h.kind == "cuda-legacy") {
    cudaIpcMemHandle_t m;
    std::memcpy(&m, h.opaque.data(), 64);
    const cudaError_t e = cudaIpcOpenMemHandle(&p, m, cudaIpcMemLazyEnablePeerAccess);
    if (e != cudaSuccess) failStale(e, "cudaIpcOpenMemHandle");
  } else if (h.kind == "cuda-mempool") {
    const int fd = receiveFd(h.token);
    cudaMemPool_t pool = nullptr;
    const cudaError_t e = cudaMemPoolImportFromShareableHandle(
        &pool, reinterpret_cast<void*>(static_cast<intptr_t>(fd)), cudaMemHandleTypePosixFileDescriptor, 0);
    close(fd);
    if (e != cudaSuccess) failStale(e, "cudaMemPoolImportFromShareableHandle");
    // Read access only where the driver grants it; otherwise read-write, read-only by contract.
    cudaMemAccessDesc access{};
    access.location.type = cudaMemLocationTypeDevice;
    access.location.id = device_;
    access.flags = cudaMemAccessFlagsProtRead;
    if (cudaMemPoolSetAccess(pool, &access, 1) != cudaSuccess) {
      cudaGetLastError();
      access.flags = cudaMemAccessFlagsProtReadWrite;
      check(cudaMemPoolSetAccess(pool, &access, 1), "cudaMemPoolSetAccess");
    }
    cudaMemPoolPtrExportData data;
    std::memcpy(&data, h.opaque.data(), 64);
    const cudaError_t ie = cudaMemPoolImportPointer(&p, pool, &data);
    if (ie != cudaSuccess) {
      cudaMemPoolDestroy(pool);
      failStale(ie, "cudaMemPoolImportPointer");
    }
    record.pool = pool;
  } else {
    fail("E_ARG", "not a CUDA IPC handle kind: " + h.kind);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  imported_[p] = record;
  return p;
}

void CudaIpc::closeImported(void* base) {
  Imported record;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = imported_.find(base);
    if (it == imported_.end()) return;
    record = it->second;
    imported_.erase(it);
  }
  cudaSetDevice(device_);
  if (record.kind == "cuda-legacy") {
    cudaIpcCloseMemHandle(base);
  } else {
    cudaFree(base);
    cudaMemPoolDestroy(record.pool);
  }
  cudaGetLastError();
}

}  // namespace vrr
