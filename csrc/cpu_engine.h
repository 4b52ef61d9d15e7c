// The native CPU engine: SPEC §1 digests of host bytes on Node's OpenSSL, leaves split across
// threads (each thread hashes a contiguous run of leaves, so no locking on the hot path).
#pragma once
#include <cstdint>
#include <string>

namespace vrr {

void cpuLeafHashes(const uint8_t* data, uint64_t size, uint32_t leafSize, unsigned threads, uint8_t* out);
void cpuReduceToRoot(const uint8_t* leafHashes, uint64_t count, uint8_t out[32]);
void cpuMth(const uint8_t* data, uint64_t size, uint32_t leafSize, unsigned threads, uint8_t out[32]);
void cpuSha256(const uint8_t* data, uint64_t size, uint8_t out[32]);

struct CpuFileDigest {
  uint8_t digest[32];
  uint64_t size;
  bool hasSha256;
  uint8_t sha256[32];
};
CpuFileDigest cpuMthFile(const std::string& path, uint32_t leafSize, uint64_t offset, int64_t length, unsigned threads,
                         bool sha256);

// Plain SHA-256 of a whole file, one sequential stream (callers hash many files in parallel).
struct CpuFileSha256 {
  uint8_t sha256[32];
  uint64_t size;
};
CpuFileSha256 cpuSha256File(const std::string& path);

// True when the CPU has the SHA extensions OpenSSL uses (SHA-NI on x86-64).
bool cpuHasShaExtensions();

}  // namespace vrr
