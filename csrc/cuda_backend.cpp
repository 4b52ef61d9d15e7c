#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "allocation.h"
#include "cuda_kernels.h"
#include "file_reader.h"
#include "openssl_sha256.h"

namespace vrr {

namespace {

std::string describeCudaError(cudaError_t e, const std::string& what) {
  std::string message = what + " failed: " + cudaGetErrorName(e) + " (code " + std::to_string(static_cast<int>(e)) +
                        "): " + cudaGetErrorString(e);
  if (e == cudaErrorInsufficientDriver) {
    message +=
        " - no CUDA driver is installed (or it is older than this CUDA runtime); install the NVIDIA driver "
        "or use backend 'host-sim'";
  } else if (e == cudaErrorNoDevice) {
    message += " - no CUDA device is visible (check CUDA_VISIBLE_DEVICES); use backend 'host-sim' for CPU-only runs";
  }
  return message;
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

// Device scratch buffer freed on scope exit (errors included).
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes) {
    if (bytes > 0) check(cudaMalloc(&p_, bytes), "cudaMalloc (scratch)");
  }
  ~DeviceBuffer() {
    if (p_ != nullptr) cudaFree(p_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  uint8_t* get() const { return static_cast<uint8_t*>(p_); }

 private:
  void* p_ = nullptr;
};

class PinnedBuffer {
 public:
  explicit PinnedBuffer(size_t bytes) {
    check(cudaHostAlloc(&p_, std::max<size_t>(bytes, 1), cudaHostAllocDefault), "cudaHostAlloc (staging)");
  }
  ~PinnedBuffer() {
    if (p_ != nullptr) cudaFreeHost(p_);
  }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  uint8_t* get() const { return static_cast<uint8_t*>(p_); }

 private:
  void* p_ = nullptr;
};

class Stream {
 public:
  Stream() { check(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "cudaStreamCreate"); }
  ~Stream() {
    if (s_ != nullptr) cudaStreamDestroy(s_);
  }
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

class Event {
 public:
  Event() { check(cudaEventCreateWithFlags(&e_, cudaEventDisableTiming), "cudaEventCreate"); }
  ~Event() {
    if (e_ != nullptr) cudaEventDestroy(e_);
  }
  cudaEvent_t get() const { return e_; }

 private:
  cudaEvent_t e_ = nullptr;
};

std::string formatUuid(const cudaUUID_t& uuid) {
  const auto* b = reinterpret_cast<const unsigned char*>(uuid.bytes);
  char text[64];
  std::snprintf(text, sizeof text, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text;
}

class CudaBackend final : public DeviceBackend {
 public:
  explicit CudaBackend(int index) : index_(index) {
    check(cudaSetDevice(index_), "cudaSetDevice");
    check(cudaGetDeviceProperties(&props_, index_), "cudaGetDeviceProperties");
  }

  const char* backendName() const override { return "cuda"; }
  int index() const override { return index_; }

  DeviceProperties properties() override {
    DeviceProperties p;
    p.index = index_;
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
    select();
    size_t free = 0, total = 0;
    check(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
    return MemInfo{free, total};
  }

  void* allocateRaw(uint64_t size) override {
    select();
    void* p = nullptr;
    check(cudaMalloc(&p, static_cast<size_t>(size)), "cudaMalloc");
    // Only real device memory may back a shard: refuse anything the runtime does not call device memory.
    if (!isDeviceMemory(p)) {
      cudaFree(p);
      fail("E_CUDA", "cudaMalloc returned memory the runtime does not report as device memory");
    }
    return p;
  }

  // Runs from destructors too: never throws; a failure here leaves nothing more to do.
  void zeroAndFree(void* base, uint64_t size) override {
    cudaSetDevice(index_);
    cudaMemset(base, 0, static_cast<size_t>(size));
    cudaDeviceSynchronize();
    cudaFree(base);
    cudaGetLastError();
  }

  bool isDeviceMemory(const void* base) override {
    cudaPointerAttributes attributes{};
    if (cudaPointerGetAttributes(&attributes, base) != cudaSuccess) {
      cudaGetLastError();
      return false;
    }
    return attributes.type == cudaMemoryTypeDevice && attributes.device == index_;
  }

  void copyIn(void* base, uint64_t offset, const uint8_t* src, uint64_t length) override {
    select();
    check(cudaMemcpy(static_cast<uint8_t*>(base) + offset, src, static_cast<size_t>(length), cudaMemcpyHostToDevice),
          "cudaMemcpy (upload)");
  }

  void leafHashes(const void* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf, uint64_t count,
                  const std::vector<uint64_t>* indices, uint8_t* out) override {
    if (count == 0) return;
    select();
    Stream stream;
    DeviceBuffer hashes(32 * count);
    DeviceBuffer deviceIndices(indices != nullptr ? sizeof(uint64_t) * indices->size() : 0);
    if (indices != nullptr) {
      check(cudaMemcpyAsync(deviceIndices.get(), indices->data(), sizeof(uint64_t) * indices->size(),
                            cudaMemcpyHostToDevice, stream.get()),
            "cudaMemcpy (leaf indices)");
    }
    LeafJob job{static_cast<const uint8_t*>(base),
                size,
                leafSize,
                firstLeaf,
                indices != nullptr ? reinterpret_cast<const uint64_t*>(deviceIndices.get()) : nullptr,
                count,
                hashes.get(),
                1};
    check(launchLeafHashes(job, stream.get()), "leaf hash kernel launch");
    check(cudaMemcpyAsync(out, hashes.get(), 32 * count, cudaMemcpyDeviceToHost, stream.get()),
          "cudaMemcpy (leaf hashes)");
    check(cudaStreamSynchronize(stream.get()), "leaf hash kernel");
  }

  void root(const void* base, uint64_t size, uint32_t leafSize, uint8_t out[32]) override {
    select();
    uint64_t count = leafCountFor(size, leafSize);
    Stream stream;
    DeviceBuffer levelA(32 * count), levelB(32 * nextLevelCount(count));
    LeafJob job{static_cast<const uint8_t*>(base), size, leafSize, 0, nullptr, count, levelA.get(), 1};
    check(launchLeafHashes(job, stream.get()), "leaf hash kernel launch");
    uint8_t* current = levelA.get();
    uint8_t* next = levelB.get();
    while (count > 1) {
      check(launchNodeLevel(current, count, next, stream.get()), "node level kernel launch");
      std::swap(current, next);
      count = nextLevelCount(count);
    }
    check(cudaMemcpyAsync(out, current, 32, cudaMemcpyDeviceToHost, stream.get()), "cudaMemcpy (root)");
    check(cudaStreamSynchronize(stream.get()), "root kernels");
  }

  // Disk reads (reader thread) overlap the async copy of the previous chunk and the leaf kernel;
  // the plain SHA-256 runs on the CPU over the pinned staging bytes while the copy is in flight.
  void uploadFile(void* base, const UploadFileRequest& request, UploadFileResult& result,
                  const ProgressFn& progress) override {
    select();
    ReadOnlyFile file(request.path);
    resolveFileRange(file, request.fileOffset, static_cast<int64_t>(request.length));
    uint8_t* target = static_cast<uint8_t*>(base) + request.deviceOffset;
    const uint64_t chunk = std::min(request.chunkBytes, std::max<uint64_t>(request.length, 1));
    const uint64_t leaves = leafCountFor(request.length, request.leafSize);
    PinnedBuffer staging0(chunk), staging1(chunk);
    uint8_t* buffers[2] = {staging0.get(), staging1.get()};
    Stream stream;
    Event copied[2];
    DeviceBuffer hashes(32 * leaves);
    Sha256Stream content;
    const int aligned = reinterpret_cast<uintptr_t>(target) % 4 == 0 ? 1 : 0;
    {
      DoubleBufferedReader reader(file, request.fileOffset, request.length, chunk, buffers);
      DoubleBufferedReader::Chunk c{};
      while (reader.next(c)) {
        check(cudaMemcpyAsync(target + c.rangeOffset, c.data, c.length, cudaMemcpyHostToDevice, stream.get()),
              "cudaMemcpyAsync (upload)");
        check(cudaEventRecord(copied[c.slot].get(), stream.get()), "cudaEventRecord");
        const uint64_t firstLeaf = c.rangeOffset / request.leafSize;
        LeafJob job{target,
                    request.length,
                    request.leafSize,
                    firstLeaf,
                    nullptr,
                    leafCountFor(c.length, request.leafSize),
                    hashes.get() + 32 * firstLeaf,
                    aligned};
        check(launchLeafHashes(job, stream.get()), "leaf hash kernel launch");
        if (request.sha256) content.update(c.data, c.length);
        check(cudaEventSynchronize(copied[c.slot].get()), "upload copy");
        reader.release(c.slot);
        if (progress) progress(c.rangeOffset + c.length);
      }
    }
    result.leafHashes.assign(32 * leaves, 0);
    if (leaves > 0) {
      check(cudaMemcpyAsync(result.leafHashes.data(), hashes.get(), 32 * leaves, cudaMemcpyDeviceToHost, stream.get()),
            "cudaMemcpy (leaf hashes)");
    }
    check(cudaStreamSynchronize(stream.get()), "upload leaf hash kernels");
    if (request.sha256) {
      content.finish(result.sha256);
      result.hasSha256 = true;
    }
  }

  void xorByte(void* base, uint64_t offset, uint8_t mask) override {
    select();
    uint8_t value = 0;
    uint8_t* p = static_cast<uint8_t*>(base) + offset;
    check(cudaMemcpy(&value, p, 1, cudaMemcpyDeviceToHost), "cudaMemcpy (fault injection read)");
    value ^= mask;
    check(cudaMemcpy(p, &value, 1, cudaMemcpyHostToDevice), "cudaMemcpy (fault injection write)");
  }

 private:
  // The current device is per host thread; every op may run on a different libuv worker.
  void select() { check(cudaSetDevice(index_), "cudaSetDevice"); }

  const int index_;
  cudaDeviceProp props_{};
};

}  // namespace

CudaProbe probeCuda() {
  CudaProbe probe;
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();
    probe.reason = e == cudaErrorInsufficientDriver
                       ? std::string("no CUDA driver: ") + describeCudaError(e, "cudaGetDeviceCount")
                   : e == cudaErrorNoDevice ? std::string("no device: ") + describeCudaError(e, "cudaGetDeviceCount")
                                            : describeCudaError(e, "cudaGetDeviceCount");
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
