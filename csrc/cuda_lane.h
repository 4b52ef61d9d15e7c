// The CUDA side of a lane (lane.h): CUDA error classification (sticky errors mark the device
// lost), the per-device state every lane shares, and CudaLane - two non-blocking streams, events,
// pinned staging slots, scratch and a pinned output area, reused from operation to operation.
#pragma once
#include <cuda_runtime_api.h>

#include <atomic>
#include <string>

#include "cuda_backend.h"
#include "cuda_kernels.h"
#include "lane.h"
#include "native_error.h"

namespace vrr {

inline std::string versionText(int v) { return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10); }

inline std::string describeCudaError(cudaError_t e, const std::string& what) {
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
inline bool isSticky(cudaError_t e) {
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

[[noreturn]] inline void throwCuda(cudaError_t e, const std::string& what) {
  cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  const char* code = "E_CUDA";
  if (e == cudaErrorMemoryAllocation) code = "E_OUT_OF_MEMORY";
  if (e == cudaErrorInsufficientDriver || e == cudaErrorNoDevice) code = "E_NO_DEVICE";
  fail(code, describeCudaError(e, what));
}

inline void check(cudaError_t e, const char* what) {
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

}  // namespace vrr
