// An allocation's lifetime: ops hold a Use for their whole run; free() marks the allocation
// freed at once (later ops fail with E_FREED) and waits until every Use taken before it ended,
// then zeroes and releases the memory. The base address never leaves this object.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "device_backend.h"
#include "mth_core.cuh"
#include "native_error.h"

namespace vrr {

class Allocation {
 public:
  // `imported`: another process's export mapped here (openIpc): read-only, unmapped (never zeroed) on free.
  Allocation(uint32_t deviceId, std::shared_ptr<DeviceBackend> backend, void* base, uint64_t size,
             bool imported = false)
      : deviceId_(deviceId), backend_(std::move(backend)), base_(base), size_(size), imported_(imported) {}
  ~Allocation() { releaseNow(); }

  uint32_t deviceId() const { return deviceId_; }
  uint64_t size() const { return size_; }
  bool imported() const { return imported_; }

  class Use {
   public:
    explicit Use(std::shared_ptr<Allocation> a) : a_(std::move(a)) {}
    Use(Use&& other) noexcept = default;
    Use(const Use&) = delete;
    ~Use() {
      if (a_) a_->endUse();
    }
    void* base() const { return a_->base_; }
    uint64_t size() const { return a_->size_; }
    DeviceBackend& backend() const { return *a_->backend_; }
    bool imported() const { return a_->imported_; }

   private:
    std::shared_ptr<Allocation> a_;
  };

  // Taken on the JS thread when an op is started, so free() waits for ops started before it.
  static Use begin(const std::shared_ptr<Allocation>& a) {
    std::lock_guard<std::mutex> lock(a->mutex_);
    if (a->freeRequested_) fail("E_FREED", "the allocation was freed; allocate a new one");
    a->inFlight_++;
    return Use(a);
  }

  // Marks the allocation freed (throws E_FREED if it already was); the caller then runs
  // waitAndRelease() off the event loop.
  void requestFree() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (freeRequested_) fail("E_FREED", "the allocation was already freed");
    freeRequested_ = true;
  }

  // True when the memory was zeroed before it was released (false: the device was lost).
  bool waitAndRelease() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [&] { return inFlight_ == 0; });
    lock.unlock();
    return releaseNow();
  }

 private:
  void endUse() {
    std::lock_guard<std::mutex> lock(mutex_);
    inFlight_--;
    if (inFlight_ == 0) idle_.notify_all();
  }

  bool releaseNow() {
    std::lock_guard<std::mutex> lock(releaseMutex_);
    if (base_ == nullptr || !backend_) return zeroed_;
    if (imported_) {
      backend_->closeImported(base_, size_);  // not ours to zero: the exporter zeroes on release
      zeroed_ = true;
    } else {
      zeroed_ = backend_->zeroAndFree(base_, size_);
    }
    base_ = nullptr;
    return zeroed_;
  }

  const uint32_t deviceId_;
  std::shared_ptr<DeviceBackend> backend_;
  void* base_;
  const uint64_t size_;
  const bool imported_;
  std::mutex mutex_;
  std::mutex releaseMutex_;
  std::condition_variable idle_;
  int inFlight_ = 0;
  bool freeRequested_ = false;
  bool zeroed_ = false;
};

// Overflow-safe range check used by every op.
inline void checkRange(uint64_t offset, uint64_t length, uint64_t size, const char* what) {
  if (offset > size || length > size - offset) {
    fail("E_BOUNDS", std::string(what) + " [" + std::to_string(offset) + ", +" + std::to_string(length) +
                         ") is outside the allocation of " + std::to_string(size) + " bytes");
  }
}

inline void checkLeafSize(uint64_t leafSize) {
  if (!isValidLeafSize(leafSize)) {
    fail("E_ARG", "leafSize must be a power of two between " + std::to_string(kMinLeafSize) + " and " +
                      std::to_string(kMaxLeafSize) + ", got " + std::to_string(leafSize));
  }
}

}  // namespace vrr
