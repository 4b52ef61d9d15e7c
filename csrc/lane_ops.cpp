#include "lane_ops.h"

#include <algorithm>
#include <cstring>
#include <deque>

#include "file_reader.h"
#include "openssl_sha256.h"

namespace vrr {

namespace {

constexpr uint64_t kCopySlotBytes = 8ull << 20;  // laneCopyIn staging piece

// On an early exit (a read error, a failed launch) the lane may still have work queued that
// reads its buffers: wait for both streams before the lane goes back to the pool.
class DrainOnError {
 public:
  explicit DrainOnError(Lane& lane) : lane_(lane) {}
  ~DrainOnError() {
    if (!done_) {
      for (StreamId s : {StreamId::Copy, StreamId::Hash}) {
        try {
          lane_.syncStream(s);
        } catch (...) {  // the first error is already on its way to the caller
        }
      }
    }
  }
  void done() { done_ = true; }

 private:
  Lane& lane_;
  bool done_ = false;
};

}  // namespace

void laneCopyIn(Lane& lane, uint8_t* dst, const uint8_t* src, uint64_t length) {
  DrainOnError drain(lane);
  const uint64_t piece = std::min(length, kCopySlotBytes);
  uint64_t index = 0;
  for (uint64_t offset = 0; offset < length; offset += piece, index++) {
    const int slot = static_cast<int>(index % kStagingSlots);
    if (index >= static_cast<uint64_t>(kStagingSlots)) lane.syncEvent(kEventCopied + slot);  // slot free again
    const uint64_t n = std::min(piece, length - offset);
    uint8_t* staged = lane.staging(slot, piece);
    std::memcpy(staged, src + offset, static_cast<size_t>(n));
    lane.copyToDevice(StreamId::Copy, dst + offset, staged, n);
    lane.record(kEventCopied + slot, StreamId::Copy);
  }
  lane.syncStream(StreamId::Copy);
  drain.done();
}

void laneLeafHashes(Lane& lane, const uint8_t* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf,
                    uint64_t count, const std::vector<uint64_t>* indices, uint8_t* out) {
  if (count == 0) return;
  DrainOnError drain(lane);
  const uint64_t hashBytes = 32 * count;
  const uint64_t indexBytes = indices != nullptr ? sizeof(uint64_t) * indices->size() : 0;
  uint8_t* scratch = lane.scratch(hashBytes + indexBytes);
  uint8_t* pinned = lane.hostOut(std::max(hashBytes, indexBytes));
  const uint64_t* deviceIndices = nullptr;
  if (indices != nullptr) {
    std::memcpy(pinned, indices->data(), static_cast<size_t>(indexBytes));
    lane.copyToDevice(StreamId::Hash, scratch + hashBytes, pinned, indexBytes);
    deviceIndices = reinterpret_cast<const uint64_t*>(scratch + hashBytes);
  }
  const LeafJob job{base, size, leafSize, firstLeaf, deviceIndices, count, scratch, isVectorAligned(base)};
  lane.launchLeafHashes(StreamId::Hash, job);
  lane.copyToHost(StreamId::Hash, pinned, scratch, hashBytes);  // same stream: after the kernel, after the index copy
  lane.syncStream(StreamId::Hash);
  std::memcpy(out, pinned, static_cast<size_t>(hashBytes));
  drain.done();
}

void laneRoot(Lane& lane, const uint8_t* base, uint64_t size, uint32_t leafSize, uint8_t out[32]) {
  DrainOnError drain(lane);
  uint64_t count = leafCountFor(size, leafSize);
  uint8_t* levelA = lane.scratch(32 * count + 32 * nextLevelCount(count));
  uint8_t* levelB = levelA + 32 * count;
  const LeafJob job{base, size, leafSize, 0, nullptr, count, levelA, isVectorAligned(base)};
  lane.launchLeafHashes(StreamId::Hash, job);
  uint8_t* current = levelA;
  uint8_t* next = levelB;
  while (count > 1) {
    lane.launchNodeLevel(StreamId::Hash, current, count, next);
    std::swap(current, next);
    count = nextLevelCount(count);
  }
  uint8_t* pinned = lane.hostOut(32);
  lane.copyToHost(StreamId::Hash, pinned, current, 32);
  lane.syncStream(StreamId::Hash);
  std::memcpy(out, pinned, 32);
  drain.done();
}

// The two-stream pipeline. A reader thread fills pinned staging slots; each chunk is copied on
// the copy stream and an event recorded behind it. Hash launches cover whole batches of chunks
// (at least fillLeaves() leaves, so a launch fills the device) and are queued on the hash stream
// behind a wait on the newest copy event of the batch: copies are in order on their stream, so
// that one event covers every byte the launch reads. The copy stream never waits for hashing; a
// slot goes back to the reader once its own copy event has completed. The plain SHA-256 runs on
// the CPU over the staging bytes while their copy is in flight.
void laneUploadFile(Lane& lane, uint8_t* base, const UploadFileRequest& request, UploadFileResult& result,
                    const ProgressFn& progress) {
  ReadOnlyFile file(request.path);
  resolveFileRange(file, request.fileOffset, static_cast<int64_t>(request.length));
  uint8_t* target = base + request.deviceOffset;
  const uint64_t chunk = std::min(request.chunkBytes, std::max<uint64_t>(request.length, 1));
  const uint64_t leaves = leafCountFor(request.length, request.leafSize);
  std::vector<uint8_t*> slots;
  for (int s = 0; s < kStagingSlots; s++) slots.push_back(lane.staging(s, chunk));
  uint8_t* hashes = lane.scratch(32 * leaves);
  const uint64_t batchLeaves = std::max<uint64_t>(lane.fillLeaves(), 1);
  Sha256Stream content;
  DrainOnError drain(lane);
  uint64_t batchFirst = 0, batchCount = 0;
  int newestCopy = -1;
  auto launchBatch = [&] {
    if (batchCount == 0) return;
    if (!lane.faults().dropCopyWait) lane.waitEvent(StreamId::Hash, kEventCopied + newestCopy);
    const LeafJob job{target,  request.length, request.leafSize,         batchFirst,
                      nullptr, batchCount,     hashes + 32 * batchFirst, isVectorAligned(target)};
    lane.launchLeafHashes(StreamId::Hash, job);
    batchFirst += batchCount;
    batchCount = 0;
  };
  {
    StagingReader reader(file, request.fileOffset, request.length, chunk, slots);
    struct InFlight {
      int slot;
      uint64_t doneBytes;
    };
    std::deque<InFlight> inFlight;
    auto retireOldest = [&] {
      lane.syncEvent(kEventCopied + inFlight.front().slot);
      reader.release(inFlight.front().slot);
      if (progress) progress(inFlight.front().doneBytes);
      inFlight.pop_front();
    };
    StagingReader::Chunk c{};
    while (reader.next(c)) {
      lane.copyToDevice(StreamId::Copy, target + c.rangeOffset, c.data, c.length);
      lane.record(kEventCopied + c.slot, StreamId::Copy);
      newestCopy = c.slot;
      inFlight.push_back({c.slot, c.rangeOffset + c.length});
      batchCount += leafCountFor(c.length, request.leafSize);
      if (batchCount >= batchLeaves) launchBatch();
      if (request.sha256) content.update(c.data, static_cast<size_t>(c.length));
      // Keep two copies queued; the reader fills the other slots meanwhile.
      while (inFlight.size() >= static_cast<size_t>(kStagingSlots / 2)) retireOldest();
    }
    launchBatch();
    while (!inFlight.empty()) retireOldest();
  }
  result.leafHashes.assign(32 * leaves, 0);
  if (leaves > 0) {
    uint8_t* pinned = lane.hostOut(32 * leaves);
    lane.copyToHost(StreamId::Hash, pinned, hashes, 32 * leaves);
    lane.syncStream(StreamId::Hash);
    std::memcpy(result.leafHashes.data(), pinned, static_cast<size_t>(32 * leaves));
  }
  lane.syncStream(StreamId::Copy);
  drain.done();
  if (request.sha256) {
    content.finish(result.sha256);
    result.hasSha256 = true;
  }
}

void laneXorByte(Lane& lane, uint8_t* p, uint8_t mask) {
  DrainOnError drain(lane);
  uint8_t* pinned = lane.hostOut(1);
  lane.copyToHost(StreamId::Copy, pinned, p, 1);
  lane.syncStream(StreamId::Copy);
  pinned[0] ^= mask;
  lane.copyToDevice(StreamId::Copy, p, pinned, 1);
  lane.syncStream(StreamId::Copy);
  drain.done();
}

// In pieces of one staging slot, so a large read never grows the lane's pinned area for good.
void laneCopyOut(Lane& lane, uint8_t* dst, const uint8_t* src, uint64_t length) {
  if (length == 0) return;
  DrainOnError drain(lane);
  const uint64_t piece = std::min(length, kCopySlotBytes);
  uint8_t* pinned = lane.hostOut(piece);
  for (uint64_t offset = 0; offset < length; offset += piece) {
    const uint64_t n = std::min(piece, length - offset);
    lane.copyToHost(StreamId::Copy, pinned, src + offset, n);
    lane.syncStream(StreamId::Copy);
    std::memcpy(dst + offset, pinned, static_cast<size_t>(n));
  }
  drain.done();
}

void laneZero(Lane& lane, uint8_t* p, uint64_t size) {
  DrainOnError drain(lane);
  lane.zeroDevice(StreamId::Hash, p, size);
  lane.syncStream(StreamId::Hash);
  drain.done();
}

}  // namespace vrr
