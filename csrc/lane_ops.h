// The device operations, written once over a Lane so the CUDA backend and host-sim run the same
// copies, launches, events and synchronisations. Every result is read only after the stream that
// produced it was synchronised; every copy a kernel reads is ordered before it by an event.
#pragma once
#include <cstdint>
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
// Zeroes [p, p+size) on the hash stream and waits for it; throws when the zeroing failed.
void laneZero(Lane& lane, uint8_t* p, uint64_t size);

// 16-byte alignment lets the leaf kernel use vector copies.
inline int isVectorAligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0 ? 1 : 0; }

}  // namespace vrr
