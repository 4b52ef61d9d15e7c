// A lane is one operation's view of a device: two in-order streams that run asynchronously to
// the calling thread (copy: host<->device transfers; hash: kernels), events that order one
// stream after the other, and buffers reused from operation to operation (pinned staging slots,
// device scratch, a pinned output area). The CUDA backend implements it with cudaStream_t and
// cudaEvent_t; host-sim with one thread per stream, so the CPU tests run the same ordering logic
// (lane_ops.cpp) that the GPU runs. A device keeps a pool of lanes: concurrent operations take
// different lanes, so a sampled verify never queues behind another operation's work.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "leaf_kernel_body.cuh"

namespace vrr {

enum class StreamId { Copy = 0, Hash = 1 };

constexpr int kStagingSlots = 4;             // pinned chunks: the reader fills ahead while copies run
constexpr int kEventCopied = 0;              // events 0..3: "copy of staging slot s done"
constexpr int kEventHashed = kStagingSlots;  // "hash work queued so far done"
constexpr int kLaneEvents = kStagingSlots + 1;

// Test-only faults a host-sim device can be opened with (never reachable on cuda).
struct LaneFaults {
  bool lateCopies = false;    // every host->device copy lands as late as stream ordering allows
  bool dropCopyWait = false;  // the pipeline "forgets" to order hashing after the copy (a planted bug)
};

class Lane {
 public:
  virtual ~Lane() = default;
  // Asynchronous work, queued in order on one stream. Host pointers must be lane buffers (pinned).
  virtual void copyToDevice(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) = 0;
  virtual void copyToHost(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) = 0;
  virtual void zeroDevice(StreamId s, uint8_t* dst, uint64_t n) = 0;
  virtual void launchLeafHashes(StreamId s, const LeafJob& job) = 0;
  virtual void launchNodeLevel(StreamId s, const uint8_t* level, uint64_t count, uint8_t* next) = 0;
  // Ordering: `record` marks the work queued so far on s; `waitEvent` makes later work on s wait
  // for the last record of the event (captured when called); the syncs block the calling thread
  // and rethrow the first failure of the stream's work.
  virtual void record(int event, StreamId s) = 0;
  virtual void waitEvent(StreamId s, int event) = 0;
  virtual void syncEvent(int event) = 0;
  virtual void syncStream(StreamId s) = 0;
  // Lane buffers, grown on demand and kept for the next operation.
  virtual uint8_t* staging(int slot, uint64_t bytes) = 0;  // pinned host memory
  virtual uint8_t* scratch(uint64_t bytes) = 0;            // device memory
  virtual uint8_t* hostOut(uint64_t bytes) = 0;            // pinned host memory
  virtual const LaneFaults& faults() const = 0;
  // Leaves one hash launch should cover to keep the whole device busy (one warp per SM).
  virtual uint64_t fillLeaves() const = 0;
};

// Lanes of one device, created on demand and reused; a Lease returns its lane when it ends.
template <typename LaneT>
class LanePool {
 public:
  class Lease {
   public:
    Lease(LanePool* pool, std::unique_ptr<LaneT> lane) : pool_(pool), lane_(std::move(lane)) {}
    Lease(Lease&&) noexcept = default;
    ~Lease() {
      if (lane_) pool_->giveBack(std::move(lane_));
    }
    LaneT& operator*() const { return *lane_; }
    LaneT* operator->() const { return lane_.get(); }

   private:
    LanePool* pool_;
    std::unique_ptr<LaneT> lane_;
  };

  // Drops the idle lanes (their streams, events and buffers); lanes in use return later.
  void clear() {
    std::vector<std::unique_ptr<LaneT>> idle;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      idle.swap(idle_);
    }
  }

  template <typename Make>
  Lease take(Make make) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<LaneT> lane = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(lane));
      }
    }
    return Lease(this, make());
  }

 private:
  void giveBack(std::unique_ptr<LaneT> lane) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::move(lane));
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<LaneT>> idle_;
};

}  // namespace vrr
