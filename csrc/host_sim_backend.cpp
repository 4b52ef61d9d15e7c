#include "host_sim_backend.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <new>
#include <vector>

#include "allocation.h"
#include "file_reader.h"
#include "host_grid.h"
#include "openssl_sha256.h"
#include "parallel.h"

namespace vrr {

namespace {

class HostSimBackend final : public DeviceBackend {
 public:
  HostSimBackend(int index, uint64_t capacity, unsigned threads)
      : index_(index), capacity_(capacity), threads_(threads == 0 ? defaultThreads() : threads) {}

  const char* backendName() const override { return "host-sim"; }
  int index() const override { return index_; }

  DeviceProperties properties() override {
    DeviceProperties p;
    p.index = index_;
    p.backend = "host-sim";
    p.name = "host-sim (host memory, not VRAM)";
    p.totalMemory = capacity_;
    return p;
  }

  MemInfo memInfo() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return MemInfo{capacity_ - used_, capacity_};
  }

  void* allocateRaw(uint64_t size) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (size > capacity_ - used_) {
        fail("E_OUT_OF_MEMORY", "host-sim device " + std::to_string(index_) + " cannot hold " + std::to_string(size) +
                                    " more bytes (" + std::to_string(capacity_ - used_) + " of " +
                                    std::to_string(capacity_) + " free); free allocations or raise capacityBytes");
      }
      used_ += size;
    }
    // calloc: fresh pages come zeroed from the kernel, like a scrubbed device buffer.
    void* base = std::calloc(1, static_cast<size_t>(size));
    if (base == nullptr) {
      std::lock_guard<std::mutex> lock(mutex_);
      used_ -= size;
      fail("E_OUT_OF_MEMORY", "host-sim: the host has no " + std::to_string(size) + " bytes left");
    }
    return base;
  }

  void zeroAndFree(void* base, uint64_t size) override {
    explicit_bzero(base, static_cast<size_t>(size));
    std::free(base);
    std::lock_guard<std::mutex> lock(mutex_);
    used_ -= size;
  }

  bool isDeviceMemory(const void*) override { return false; }

  void copyIn(void* base, uint64_t offset, const uint8_t* src, uint64_t length) override {
    std::memcpy(static_cast<uint8_t*>(base) + offset, src, static_cast<size_t>(length));
  }

  void leafHashes(const void* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf, uint64_t count,
                  const std::vector<uint64_t>* indices, uint8_t* out) override {
    LeafJob job{static_cast<const uint8_t*>(base),
                size,
                leafSize,
                firstLeaf,
                indices != nullptr ? indices->data() : nullptr,
                count,
                out,
                isAligned(base)};
    hostRunLeafHashes(job, threads_);
  }

  void root(const void* base, uint64_t size, uint32_t leafSize, uint8_t out[32]) override {
    const uint64_t leaves = leafCountFor(size, leafSize);
    std::vector<uint8_t> hashes(32 * leaves);
    leafHashes(base, size, leafSize, 0, leaves, nullptr, hashes.data());
    hostReduceToRoot(hashes.data(), leaves, out, threads_);
  }

  void uploadFile(void* base, const UploadFileRequest& request, UploadFileResult& result,
                  const ProgressFn& progress) override {
    ReadOnlyFile file(request.path);
    resolveFileRange(file, request.fileOffset, static_cast<int64_t>(request.length));
    uint8_t* target = static_cast<uint8_t*>(base) + request.deviceOffset;
    const uint64_t chunk = std::min(request.chunkBytes, std::max<uint64_t>(request.length, 1));
    std::vector<uint8_t> staging0(chunk), staging1(chunk);
    uint8_t* buffers[2] = {staging0.data(), staging1.data()};
    result.leafHashes.assign(32 * leafCountFor(request.length, request.leafSize), 0);
    Sha256Stream content;
    // Like kernels queued on a stream, each chunk's leaf grid runs while the next chunk is read
    // and copied; at most `threads_` grids are in flight. Progress is reported in chunk order as
    // their hashes complete.
    struct InFlight {
      std::future<void> hashed;
      uint64_t doneBytes;
    };
    std::deque<InFlight> inFlight;
    auto retireOldest = [&] {
      inFlight.front().hashed.get();
      const uint64_t done = inFlight.front().doneBytes;
      inFlight.pop_front();
      if (progress) progress(done);
    };
    try {
      DoubleBufferedReader reader(file, request.fileOffset, request.length, chunk, buffers);
      DoubleBufferedReader::Chunk c{};
      while (reader.next(c)) {
        // "Upload", then hash the chunk's leaves from device memory, not from the staging copy.
        std::memcpy(target + c.rangeOffset, c.data, static_cast<size_t>(c.length));
        if (request.sha256) content.update(c.data, static_cast<size_t>(c.length));
        reader.release(c.slot);
        const uint64_t firstLeaf = c.rangeOffset / request.leafSize;
        // Job j hashes leaf firstLeaf + j into out[j]: point out at this chunk's first leaf.
        const LeafJob job{target,
                          request.length,
                          request.leafSize,
                          firstLeaf,
                          nullptr,
                          leafCountFor(c.length, request.leafSize),
                          result.leafHashes.data() + 32 * firstLeaf,
                          isAligned(target)};
        while (inFlight.size() >= threads_) retireOldest();
        inFlight.push_back(
            {std::async(std::launch::async, [job] { hostRunLeafHashes(job, 1); }), c.rangeOffset + c.length});
      }
      while (!inFlight.empty()) retireOldest();
    } catch (...) {
      for (auto& f : inFlight) f.hashed.wait();  // never leave a grid running on freed buffers
      throw;
    }
    if (request.sha256) {
      content.finish(result.sha256);
      result.hasSha256 = true;
    }
  }

  void xorByte(void* base, uint64_t offset, uint8_t mask) override { static_cast<uint8_t*>(base)[offset] ^= mask; }

 private:
  static int isAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % 4 == 0 ? 1 : 0; }

  const int index_;
  const uint64_t capacity_;
  const unsigned threads_;
  std::mutex mutex_;
  uint64_t used_ = 0;
};

}  // namespace

std::shared_ptr<DeviceBackend> openHostSimDevice(int index, uint64_t capacityBytes, unsigned threads) {
  return std::make_shared<HostSimBackend>(index, capacityBytes, threads);
}

}  // namespace vrr
