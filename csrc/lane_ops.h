// The device operations, written once over a Lane so the CUDA backend and host-sim run the same
// copies, launches, events and synchronisations. Every result is read only after the stream that
// produced it was synchronised; every copy a kernel reads is ordered before it by an event.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "device_backend.h"
#include "lane.h"

namespace vrr {

// Pageable bytes -> device, through the lane's pinned slots and its copy stream.
void laneCopyIn(Lane& lane, uint8_t* dst, const uint8_t* src, uint64_t length);
void laneLeafHashes(Lane& lane, const uint8_t* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf,
                    uint64_t count, const std::vector<uint64_t>* indices, uint8_t* out);
void laneRoot(Lane& lane, const uint8_t* base, uint64_t size, uint32_t leafSize, uint8_t out[32]);
void laneUploadFile(Lane& lane, uint8_t* base, const UploadFileRequest& request, UploadFileResult& result,
                    const ProgressFn& progress);
void laneXorByte(Lane& lane, uint8_t* p, uint8_t mask);
// Device -> pageable host through the lane's pinned output area.
void laneCopyOut(Lane& lane, uint8_t* dst, const uint8_t* src, uint64_t length);
// Zeroes [p, p+size) on the hash stream and waits for it; throws when the zeroing failed.
void laneZero(Lane& lane, uint8_t* p, uint64_t size);

// A backend whose operations run on lanes: the data operations are these lane_ops, the same for
// cuda and host-sim; a backend only says how to lend a lane (bound to the calling thread).
class LaneBackend : public DeviceBackend {
 public:
  void copyIn(void* base, uint64_t offset, const uint8_t* src, uint64_t length) override {
    withLane([&](Lane& lane) { laneCopyIn(lane, static_cast<uint8_t*>(base) + offset, src, length); });
  }
  void leafHashes(const void* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf, uint64_t count,
                  const std::vector<uint64_t>* indices, uint8_t* out) override {
    withLane([&](Lane& lane) {
      laneLeafHashes(lane, static_cast<const uint8_t*>(base), size, leafSize, firstLeaf, count, indices, out);
    });
  }
  void root(const void* base, uint64_t size, uint32_t leafSize, uint8_t out[32]) override {
    withLane([&](Lane& lane) { laneRoot(lane, static_cast<const uint8_t*>(base), size, leafSize, out); });
  }
  void uploadFile(void* base, const UploadFileRequest& request, UploadFileResult& result,
                  const ProgressFn& progress) override {
    withLane([&](Lane& lane) { laneUploadFile(lane, static_cast<uint8_t*>(base), request, result, progress); });
  }
  void xorByte(void* base, uint64_t offset, uint8_t mask) override {
    withLane([&](Lane& lane) { laneXorByte(lane, static_cast<uint8_t*>(base) + offset, mask); });
  }
  void copyOut(const void* base, uint64_t offset, uint8_t* dst, uint64_t length) override {
    withLane([&](Lane& lane) { laneCopyOut(lane, dst, static_cast<const uint8_t*>(base) + offset, length); });
  }

 protected:
  // Zeroes through a lane; false (never a throw) when that failed or the device is lost.
  bool zeroOnLane(void* base, uint64_t size) {
    try {
      withLane([&](Lane& lane) { laneZero(lane, static_cast<uint8_t*>(base), size); });
      return true;
    } catch (...) {
      return false;
    }
  }
  // Runs `body` on a lane of this device; throws E_DEVICE_LOST when the device is lost.
  virtual void withLane(const std::function<void(Lane&)>& body) = 0;
};

// 16-byte alignment lets the leaf kernel use vector copies.
inline int isVectorAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0 ? 1 : 0; }

}  // namespace vrr
