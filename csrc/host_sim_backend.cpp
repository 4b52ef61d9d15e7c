#include "host_sim_backend.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <new>
#include <thread>

#include "allocation.h"
#include "host_grid.h"
#include "ipc.h"
#include "lane_ops.h"
#include "parallel.h"

namespace vrr {

namespace {

// An in-order queue run by its own thread, like a CUDA stream: work is queued and returns at
// once; a failure is kept and rethrown by the next synchronisation.
class SimStream {
 public:
  SimStream() : thread_([this] { run(); }) {}
  ~SimStream() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  void enqueue(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(task));
      queued_++;
    }
    changed_.notify_all();
  }
  void sync() {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t target = queued_;
    changed_.wait(lock, [&] { return done_ >= target; });
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      std::function<void()> task = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      std::exception_ptr failure;
      try {
        task();
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      if (failure && !error_) error_ = failure;
      done_++;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  uint64_t queued_ = 0, done_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// Events with CUDA's semantics: record marks the work queued so far; waits capture the newest
// record at the time they are made.
class SimEvents {
 public:
  uint64_t recordTicket(int e) {
    std::lock_guard<std::mutex> lock(mutex_);
    return ++recorded_[e];
  }
  uint64_t newestTicket(int e) {
    std::lock_guard<std::mutex> lock(mutex_);
    return recorded_[e];
  }
  void complete(int e, uint64_t ticket) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      completed_[e] = std::max(completed_[e], ticket);
    }
    changed_.notify_all();
  }
  void await(int e, uint64_t ticket) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return completed_[e] >= ticket; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t recorded_[kLaneEvents] = {0};
  uint64_t completed_[kLaneEvents] = {0};
};

// The late-copies fault: a host->device copy on the copy stream is held until no work queued on
// the hash stream after it can still run before it — that work has finished, or is blocked on an
// event — or, when no hash work came after it, until the host waits for that very copy. Copies
// then land as late as the stream ordering allows, every time: a pipeline that orders hashing
// after its copies hashes the right bytes, and one that forgets the wait hashes stale ones, with
// no timing in either outcome. Hash tasks and copies are numbered from 1 in the order queued.
class LateCopyGate {
 public:
  struct Ticket {
    uint64_t hashesBefore, copy;
  };
  Ticket queueCopy() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {hashes_, ++copies_};
  }
  uint64_t queueHash() {
    std::lock_guard<std::mutex> lock(mutex_);
    return ++hashes_;
  }
  uint64_t copiesQueued() {
    std::lock_guard<std::mutex> lock(mutex_);
    return copies_;
  }
  // The hash task `index` finished or is blocked on an event: everything queued before it has run.
  void reached(uint64_t index) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reached_ = std::max(reached_, index);
    }
    changed_.notify_all();
  }
  // The host blocks until copy `copy` has landed (0: it stopped waiting).
  void hostWaitsFor(uint64_t copy) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hostWaitsFor_ = copy;
    }
    changed_.notify_all();
  }
  // A pipeline bug that leaves nothing to release the copy fails instead of hanging.
  void hold(Ticket t) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool released = changed_.wait_for(lock, std::chrono::seconds(30), [&] {
      return reached_ > t.hashesBefore || (hostWaitsFor_ >= t.copy && hashes_ == t.hashesBefore);
    });
    if (!released) fail("E_CUDA", "host-sim late copy: nothing waited for the copy within 30 s");
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t hashes_ = 0, copies_ = 0, reached_ = 0, hostWaitsFor_ = 0;
};

class HostSimLane final : public Lane {
 public:
  HostSimLane(unsigned threads, LaneFaults faults, const std::atomic<bool>& lost)
      : threads_(threads), faults_(faults), lost_(lost) {}

  void copyToDevice(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) override {
    if (faults_.lateCopies && s == StreamId::Copy) {
      const LateCopyGate::Ticket ticket = gate_.queueCopy();
      enqueue(s, [=] {
        gate_.hold(ticket);
        std::memcpy(dst, src, static_cast<size_t>(n));
      });
      return;
    }
    enqueue(s, [=] { std::memcpy(dst, src, static_cast<size_t>(n)); });
  }
  void copyToHost(StreamId s, uint8_t* dst, const uint8_t* src, uint64_t n) override {
    enqueue(s, [=] { std::memcpy(dst, src, static_cast<size_t>(n)); });
  }
  void zeroDevice(StreamId s, uint8_t* dst, uint64_t n) override {
    enqueue(s, [=] { explicit_bzero(dst, static_cast<size_t>(n)); });
  }
  void launchLeafHashes(StreamId s, const LeafJob& job) override {
    const unsigned threads = threads_;
    enqueue(s, [=] { hostRunLeafHashes(job, threads); });
  }
  void launchNodeLevel(StreamId s, const uint8_t* level, uint64_t count, uint8_t* next) override {
    const unsigned threads = threads_;
    enqueue(s, [=] { hostRunNodeLevel(level, count, next, threads); });
  }
  void record(int event, StreamId s) override {
    const uint64_t ticket = events_.recordTicket(event);
    if (s == StreamId::Copy) copiesBehind_[event] = gate_.copiesQueued();
    enqueue(s, [=] { events_.complete(event, ticket); });
  }
  void waitEvent(StreamId s, int event) override {
    const uint64_t ticket = events_.newestTicket(event);
    enqueue(
        s, [=] { events_.await(event, ticket); }, true);
  }
  void syncEvent(int event) override {
    HostWait wait(*this, copiesBehind_[event]);
    events_.await(event, events_.newestTicket(event));
    checkLost();
  }
  void syncStream(StreamId s) override {
    HostWait wait(*this, s == StreamId::Copy ? gate_.copiesQueued() : 0);
    stream(s).sync();
    checkLost();
  }
  uint8_t* staging(int slot, uint64_t bytes) override { return grow(staging_[slot], bytes); }
  uint8_t* scratch(uint64_t bytes) override { return grow(scratch_, bytes); }
  uint8_t* hostOut(uint64_t bytes) override { return grow(hostOut_, bytes); }
  const LaneFaults& faults() const override { return faults_; }
  uint64_t fillLeaves() const override { return static_cast<uint64_t>(threads_) * kLeafMinBlockThreads; }

 private:
  SimStream& stream(StreamId s) {
    checkLost();
    return s == StreamId::Copy ? copy_ : hash_;
  }
  // Queues a task; under late copies the hash stream's tasks report to the gate when they are
  // reached (an event wait: as it starts blocking) and when they finish, failed or not.
  void enqueue(StreamId s, std::function<void()> task, bool isEventWait = false) {
    SimStream& target = stream(s);
    if (!faults_.lateCopies || s != StreamId::Hash) return target.enqueue(std::move(task));
    const uint64_t index = gate_.queueHash();
    target.enqueue([this, index, isEventWait, task = std::move(task)] {
      struct Finished {
        LateCopyGate& gate;
        uint64_t index;
        ~Finished() { gate.reached(index); }
      } finished{gate_, index};
      if (isEventWait) gate_.reached(index);
      task();
    });
  }
  // The host blocks on the lane: under late copies, the copies it waits for may land once no
  // hash work was queued after them.
  struct HostWait {
    HostWait(HostSimLane& lane, uint64_t copies) : lane_(lane) {
      if (lane_.faults_.lateCopies) lane_.gate_.hostWaitsFor(copies);
    }
    ~HostWait() {
      if (lane_.faults_.lateCopies) lane_.gate_.hostWaitsFor(0);
    }
    HostSimLane& lane_;
  };
  void checkLost() const {
    if (lost_.load()) failDeviceLost("host-sim", 0);
  }
  static uint8_t* grow(std::vector<uint8_t>& buffer, uint64_t bytes) {
    if (buffer.size() < bytes) buffer.assign(static_cast<size_t>(bytes), 0);
    return buffer.data();
  }

  const unsigned threads_;
  const LaneFaults faults_;
  const std::atomic<bool>& lost_;
  SimEvents events_;
  LateCopyGate gate_;
  uint64_t copiesBehind_[kLaneEvents] = {0};  // per event: copies queued before its newest record on the copy stream
  std::vector<uint8_t> staging_[kStagingSlots], scratch_, hostOut_;
  // Declared last: destroyed first, so no queued task outlives the buffers and events it uses.
  SimStream copy_, hash_;
};

class HostSimBackend final : public LaneBackend {
 public:
  HostSimBackend(int index, uint64_t capacity, unsigned threads, LaneFaults faults)
      : index_(index), capacity_(capacity), threads_(threads == 0 ? defaultThreads() : threads), faults_(faults) {}

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
    checkUsable();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (size > capacity_ - used_) {
        fail("E_OUT_OF_MEMORY", "host-sim device " + std::to_string(index_) + " cannot hold " + std::to_string(size) +
                                    " more bytes (" + std::to_string(capacity_ - used_) + " of " +
                                    std::to_string(capacity_) + " free); free allocations or raise capacityBytes");
      }
      used_ += size;
    }
    // A memfd mapped shared (zeroed like a scrubbed device buffer), so a lease can export it.
    MemfdRegion region;
    try {
      region = memfdAllocate(size);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      used_ -= size;
      throw;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    regions_[region.base] = region;
    return region.base;
  }

  // Zeroes on a lane's stream like the device does. A lost simulated device reports "not zeroed"
  // as a real one must; being host memory, the bytes are still wiped before they go back.
  bool zeroAndFree(void* base, uint64_t size) override {
    const bool zeroed = zeroOnLane(base, size);
    if (!zeroed) explicit_bzero(base, static_cast<size_t>(size));
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = regions_.find(base);
    if (it != regions_.end()) {
      memfdFree(it->second, size);
      regions_.erase(it);
    }
    used_ -= size;
    return zeroed;
  }

  IpcHandle exportIpc(void* base, uint64_t size) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = regions_.find(base);
    if (it == regions_.end()) fail("E_FREED", "the allocation was freed");
    return memfdExport(it->second, size);
  }
  void* importIpc(const IpcHandle& handle) override {
    checkUsable();
    return memfdImport(handle);
  }
  void closeImported(void* base, uint64_t size) override { memfdUnmap(base, size); }
  void checkIpcLive(const IpcHandle& handle) override { memfdCheckLive(handle); }
  IpcSupport ipcSupport() override { return memfdSupport(); }

  void trim() override { lanes_.clear(); }
  bool lost() const override { return lost_.load(); }
  void loseForTest() override { lost_.store(true); }

  bool isDeviceMemory(const void*) override { return false; }

 protected:
  void withLane(const std::function<void(Lane&)>& body) override {
    checkUsable();
    auto lane = lanes_.take([&] { return std::make_unique<HostSimLane>(threads_, faults_, lost_); });
    body(*lane);
  }

 private:
  void checkUsable() const {
    if (lost_.load()) failDeviceLost("host-sim", index_);
  }

  const int index_;
  const uint64_t capacity_;
  const unsigned threads_;
  const LaneFaults faults_;
  std::atomic<bool> lost_{false};
  std::mutex mutex_;
  uint64_t used_ = 0;
  std::map<void*, MemfdRegion> regions_;
  LanePool<HostSimLane> lanes_;
};

}  // namespace

std::shared_ptr<DeviceBackend> openHostSimDevice(int index, uint64_t capacityBytes, unsigned threads,
                                                 const LaneFaults& faults) {
  return std::make_shared<HostSimBackend>(index, capacityBytes, threads, faults);
}

}  // namespace vrr
