#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "allocation.h"
#include "cuda_ipc.h"
#include "cuda_lane.h"
#include "lane_ops.h"

namespace vrr {

namespace {

// cudaDeviceProp.uuid is the bare 16 bytes; NVIDIA prints a MIG instance as MIG-<uuid>, which is
// how CUDA_VISIBLE_DEVICES names it: keep that form when the environment selected it so.
std::string formatUuid(const cudaUUID_t& uuid) {
  const auto* b = reinterpret_cast<const unsigned char*>(uuid.bytes);
  char text[64];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  const bool mig = visible != nullptr && std::strstr(visible, (std::string("MIG-") + text).c_str()) != nullptr;
  return (mig ? "MIG-" : "GPU-") + std::string(text);
}

class CudaBackend final : public LaneBackend {
 public:
  explicit CudaBackend(int index) : ipc_(index) {
    state_.index = index;
    state_.select();
    check(cudaGetDeviceProperties(&props_, index), "cudaGetDeviceProperties");
    state_.multiprocessors = static_cast<uint32_t>(std::max(props_.multiProcessorCount, 1));
  }

  const char* backendName() const override { return "cuda"; }
  int index() const override { return state_.index; }

  DeviceProperties properties() override {
    DeviceProperties p;
    p.index = state_.index;
    p.backend = "cuda";
    p.name = props_.name;
    p.uuid = formatUuid(props_.uuid);
    p.totalMemory = props_.totalGlobalMem;
    p.ccMajor = props_.major;
    p.ccMinor = props_.minor;
    p.integrated = props_.integrated != 0;
    p.canMapHostMemory = props_.canMapHostMemory != 0;
    p.managedMemory = props_.managedMemory != 0;
    p.pageableMemoryAccess = props_.pageableMemoryAccess != 0;
    p.pageableMemoryAccessUsesHostPageTables = props_.pageableMemoryAccessUsesHostPageTables != 0;
    int version = 0;
    if (cudaDriverGetVersion(&version) == cudaSuccess) p.driverVersion = version;
    if (cudaRuntimeGetVersion(&version) == cudaSuccess) p.runtimeVersion = version;
    return p;
  }

  MemInfo memInfo() override {
    state_.checkUsable();
    state_.select();
    size_t free = 0, total = 0;
    state_.check(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
    return MemInfo{free, total};
  }

  // Stream-ordered allocation from the device's exportable pool (cuda_ipc.h) where it has one, so
  // a free never synchronises the whole device (cudaFree does), a sampled verify on another lane
  // never waits behind it, and a lease can export it; cudaMalloc (legacy IPC handles) otherwise.
  void* allocateRaw(uint64_t size) override {
    state_.checkUsable();
    state_.select();
    void* p = nullptr;
    if (ipc_.pool() != nullptr) {
      cudaStream_t s = nullptr;
      state_.check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
      cudaError_t e = cudaMallocFromPoolAsync(&p, static_cast<size_t>(size), ipc_.pool(), s);
      if (e == cudaSuccess) e = cudaStreamSynchronize(s);
      cudaStreamDestroy(s);
      state_.check(e, "cudaMallocFromPoolAsync");
    } else {
      state_.check(cudaMalloc(&p, static_cast<size_t>(size)), "cudaMalloc");
    }
    // Only real device memory may back a shard: refuse anything the runtime does not call device memory.
    if (!isDeviceMemory(p)) {
      release(p);
      fail("E_CUDA", "cudaMalloc returned memory the runtime does not report as device memory");
    }
    return p;
  }

  // Zero on a lane's stream, synchronise that stream, check it; then free. Never throws.
  bool zeroAndFree(void* base, uint64_t size) override {
    const bool zeroed = zeroOnLane(base, size);  // false: lost device or failed memset
    if (!state_.lost.load()) {
      cudaSetDevice(state_.index);
      release(base);
    }
    cudaGetLastError();
    return zeroed;
  }

  // trim(): a CUDA lane's scratch goes with cudaFree, which waits for the whole device; closing
  // runs on the event loop, so CUDA lanes stay until the process ends (a few MB per lane).
  bool lost() const override { return state_.lost.load(); }
  void loseForTest() override {
    fail("E_POLICY", "loseForTest is for host-sim devices; a CUDA device is lost only by a real sticky error");
  }

  bool isDeviceMemory(const void* base) override {
    cudaPointerAttributes attributes{};
    if (cudaPointerGetAttributes(&attributes, base) != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    return attributes.type == cudaMemoryTypeDevice && attributes.device == state_.index;
  }

  IpcHandle exportIpc(void* base, uint64_t size) override {
    state_.checkUsable();
    return ipc_.exportPointer(base, size);
  }
  void* importIpc(const IpcHandle& handle) override {
    state_.checkUsable();
    return ipc_.import(handle);
  }
  void closeImported(void* base, uint64_t) override { ipc_.closeImported(base); }
  // A CUDA handle is checked when it is opened (the driver refuses a freed allocation).
  void checkIpcLive(const IpcHandle&) override {}
  IpcSupport ipcSupport() override { return ipc_.support(); }

 protected:
  void withLane(const std::function<void(Lane&)>& body) override {
    state_.checkUsable();
    auto lane = lanes_.take([&] { return std::make_unique<CudaLane>(state_); });
    lane->bind();
    body(*lane);
  }

 private:
  void release(void* p) {
    if (ipc_.pool() != nullptr) {
      cudaFreeAsync(p, nullptr);  // legacy stream: ordered after the zeroing lane sync above
      return;
    }
    cudaFree(p);
  }

  CudaDeviceState state_;
  cudaDeviceProp props_{};
  CudaIpc ipc_;
  LanePool<CudaLane> lanes_;
};

}  // namespace

CudaProbe probeCuda() {
  CudaProbe probe;
  int driver = 0;
  if (cudaDriverGetVersion(&driver) == cudaSuccess) probe.driverCudaVersion = driver;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    if (e == cudaErrorInsufficientDriver && driver > 0) {
      probe.reason = "driver too old: " + describeCudaError(e, "cudaGetDeviceCount");
    } else if (e == cudaErrorInsufficientDriver) {
      probe.reason = "no CUDA driver: " + describeCudaError(e, "cudaGetDeviceCount");
    } else if (e == cudaErrorNoDevice) {
      probe.reason = "no device: " + describeCudaError(e, "cudaGetDeviceCount");
    } else {
      probe.reason = describeCudaError(e, "cudaGetDeviceCount");
    }
    return probe;
  }
  probe.deviceCount = count;
  if (count == 0) probe.reason = "no device: the CUDA driver reports no devices";
  return probe;
}

std::shared_ptr<DeviceBackend> openCudaDevice(int index) {
  int count = 0;
  check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
  if (index < 0 || index >= count) {
    fail("E_NO_DEVICE", "CUDA device " + std::to_string(index) + " does not exist (" + std::to_string(count) +
                            " visible); check CUDA_VISIBLE_DEVICES");
  }
  return std::make_shared<CudaBackend>(index);
}

}  // namespace vrr
