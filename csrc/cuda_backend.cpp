#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "allocation.h"
#include "cuda_kernels.h"
#include "lane_ops.h"

namespace vrr {

namespace {

std::string versionText(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

std::string describeCudaError(cudaError_t e, const std::string& what) {
  std::string message = what + " failed: " + cudaGetErrorName(e) + " (code " + std::to_string(static_cast<int>(e)) +
                        "): " + cudaGetErrorString(e);
  if (e == cudaErrorInsufficientDriver) {
    int driver = 0;
    cudaDriverGetVersion(&driver);
    message += driver > 0 ? " - the NVIDIA driver supports CUDA " + versionText(driver) +
                                " but this addon needs CUDA " + versionText(CUDART_VERSION) + ": " + kMinimumDriverText
                          : std::string(" - no CUDA driver is installed (") + kMinimumDriverText +
                                "); install the NVIDIA driver or use backend 'host-sim'";
  } else if (e == cudaErrorNoDevice) {
    message += " - no CUDA device is visible (check CUDA_VISIBLE_DEVICES); use backend 'host-sim' for CPU-only runs";
  }
  return message;
}

// Errors after which the CUDA context is unusable (they are returned by every later call).
bool isSticky(cudaError_t e) {
  switch (e) {
    case cudaErrorECCUncorrectable:
    case cudaErrorNvlinkUncorrectable:
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchTimeout:
    case cudaErrorContextIsDestroyed:
    case cudaErrorAssert:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchFailure:
    case cudaErrorUnknown:
      return true;
    default:
      return false;
  }
}

[[noreturn]] void throwCuda(cudaError_t e, const std::string& what) {
  cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  const char* code = "E_CUDA";
  if (e == cudaErrorMemoryAllocation) code = "E_OUT_OF_MEMORY";
  if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice) code = "E_NO_DEVICE";
  fail(code, describeCudaError(e, what));
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throwCuda(e, what);
}

// What every lane of one device shares: its index, SM count and the "lost" mark.
struct CudaDeviceState {
  int index = 0;
  uint32_t multiprocessors = 1;
  std::atomic<bool> lost{false};

  void select() const { vrr::check(cudaSetDevice(index), "cudaSetDevice"); }
  // A failure on this device: sticky errors mark it lost and become E_DEVICE_LOST.
  void check(cudaError_t e, const char* what) {
    if (e == cudaSuccess) return;
    if (isSticky(e)) {
      lost.store(true);
      fail("E_DEVICE_LOST", "CUDA device " + std::to_string(index) + ": " + describeCudaError(e, what) +
                                " - a sticky error: the device refuses further work; restart the process and check "
                                "the GPU (nvidia-smi, dmesg)");
    }
    throwCuda(e, what);
  }
  void checkUsable() const {
    if (lost.load()) failDeviceLost("cuda", index);
  }
};

class CudaLane final : public Lane {
 public:
  explicit CudaLane(CudaDeviceState& device) : device_(device) {
    device_.select();
    for (cudaStream_t* s : {&copy_, &hash_}) {
      device_.check(cudaStreamCreateWithFlags(s, cudaStreamNonBlocking), "cudaStreamCreate");
    }
    for (cudaEvent_t& e : events_)
      device_.check(cudaEventCreateWithFlags(&e, cudaEventDisableTiming), "cudaEventCreate");
  }
  ~CudaLane() override {
    cudaSetDevice(device_.index);
    for (cudaStream_t s : {copy_, hash_}) {
      if (s != nullptr) cudaStreamDestroy(s);
    }
    for (cudaEvent_t e : events_) {
      if (e != nullptr) cudaEventDestroy(e);
    }
    for (Buffer& b : staging_) freeHost(b);
    freeHost(hostOut_);
    if (scratch_.p != nullptr) cudaFree(scratch_.p);
    cudaGetLastError();
  }

  // The current device is per host thread; a lane may be used from any libuv worker.
  void bind() { device_.select(); }

  void copyToDevice(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) override {
    device_.check(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, stream(s)), "cudaMemcpyAsync (to device)");
  }
  void copyToHost(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) override {
    device_.check(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, stream(s)), "cudaMemcpyAsync (to host)");
  }
  void zeroDevice(StreamId s, uint8_t* dst, uint64_t n) override {
    device_.check(cudaMemsetAsync(dst, 0, n, stream(s)), "cudaMemsetAsync (zero)");
  }
  void launchLeafHashes(StreamId s, const LeafJob& job) override {
    device_.check(vrr::launchLeafHashes(job, device_.multiprocessors, stream(s)), "leaf hash kernel launch");
  }
  void launchNodeLevel(StreamId s, const uint8_t* level, uint64_t count, uint8_t* next) override {
    device_.check(vrr::launchNodeLevel(level, count, next, stream(s)), "node level kernel launch");
  }
  void record(int event, StreamId s) override {
    device_.check(cudaEventRecord(events_[event], stream(s)), "cudaEventRecord");
  }
  void waitEvent(StreamId s, int event) override {
    device_.check(cudaStreamWaitEvent(stream(s), events_[event], 0), "cudaStreamWaitEvent");
  }
  void syncEvent(int event) override { device_.check(cudaEventSynchronize(events_[event]), "cudaEventSynchronize"); }
  void syncStream(StreamId s) override { device_.check(cudaStreamSynchronize(stream(s)), "cudaStreamSynchronize"); }

  uint8_t* staging(int slot, uint64_t bytes) override { return growHost(staging_[slot], bytes); }
  uint8_t* hostOut(uint64_t bytes) override { return growHost(hostOut_, bytes); }
  uint8_t* scratch(uint64_t bytes) override {
    if (scratch_.size < bytes) {
      if (scratch_.p != nullptr) cudaFree(scratch_.p);  // rare: lanes keep their largest scratch
      scratch_ = Buffer{};
      device_.check(cudaMalloc(&scratch_.p, static_cast<size_t>(bytes)), "cudaMalloc (scratch)");
      scratch_.size = bytes;
    }
    return static_cast<uint8_t*>(scratch_.p);
  }
  const LaneFaults& faults() const override { return faults_; }
  uint64_t fillLeaves() const override { return static_cast<uint64_t>(device_.multiprocessors) * kLeafMinBlockThreads; }

 private:
  struct Buffer {
    void* p = nullptr;
    uint64_t size = 0;
  };
  cudaStream_t stream(StreamId s) const { return s == StreamId::Copy ? copy_ : hash_; }
  uint8_t* growHost(Buffer& b, uint64_t bytes) {
    if (b.size < bytes) {
      freeHost(b);
      device_.check(cudaHostAlloc(&b.p, static_cast<size_t>(bytes), cudaHostAllocDefault), "cudaHostAlloc (staging)");
      b.size = bytes;
    }
    return static_cast<uint8_t*>(b.p);
  }
  static void freeHost(Buffer& b) {
    if (b.p != nullptr) cudaFreeHost(b.p);
    b = Buffer{};
  }

  CudaDeviceState& device_;
  const LaneFaults faults_{};
  cudaStream_t copy_ = nullptr, hash_ = nullptr;
  cudaEvent_t events_[kLaneEvents] = {};
  Buffer staging_[kStagingSlots], hostOut_, scratch_;
};

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
  explicit CudaBackend(int index) {
    state_.index = index;
    state_.select();
    check(cudaGetDeviceProperties(&props_, index), "cudaGetDeviceProperties");
    state_.multiprocessors = static_cast<uint32_t>(std::max(props_.multiProcessorCount, 1));
    int pools = 0;
    cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, index);
    memoryPools_ = pools != 0;
    cudaGetLastError();
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

  // Stream-ordered allocation (cudaMallocAsync) where the device supports memory pools, so a free
  // never synchronises the whole device (cudaFree does) and a sampled verify on another lane never
  // waits behind it.
  void* allocateRaw(uint64_t size) override {
    state_.checkUsable();
    state_.select();
    void* p = nullptr;
    if (memoryPools_) {
      cudaStream_t s = nullptr;
      state_.check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
      cudaError_t e = cudaMallocAsync(&p, static_cast<size_t>(size), s);
      if (e == cudaSuccess) e = cudaStreamSynchronize(s);
      cudaStreamDestroy(s);
      state_.check(e, "cudaMallocAsync");
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

 protected:
  void withLane(const std::function<void(Lane&)>& body) override {
    state_.checkUsable();
    auto lane = lanes_.take([&] { return std::make_unique<CudaLane>(state_); });
    lane->bind();
    body(*lane);
  }

 private:
  void release(void* p) {
    if (memoryPools_) {
      cudaFreeAsync(p, nullptr);  // legacy stream: ordered after the zeroing lane sync above
      return;
    }
    cudaFree(p);
  }

  CudaDeviceState state_;
  cudaDeviceProp props_{};
  bool memoryPools_ = false;
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
