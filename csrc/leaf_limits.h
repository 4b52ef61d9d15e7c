// The one home of the size limits both compilers and every binding check against (SPEC §1 leaf
// sizes, staging chunks, thread counts, device indices). lib/native mirrors them for early,
// friendlier errors; the addon's status() reports these so a test can hold the two equal.
#pragma once
#include <stdint.h>

namespace vrr {

constexpr uint32_t kMinLeafSize = 4096;          // SPEC §1: L is a power of two, 4 KiB ...
constexpr uint32_t kMaxLeafSize = 16777216;      // ... to 16 MiB
constexpr uint64_t kMaxChunkBytes = 1ull << 30;  // one staging chunk of uploadFile
constexpr uint32_t kMaxThreads = 256;            // CPU threads of one operation
constexpr uint32_t kMaxDeviceIndex = 1023;
constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53-1: the largest exact JS integer

}  // namespace vrr
