#include "cpu_engine.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "file_reader.h"
#include "mth_core.cuh"
#include "openssl_sha256.h"
#include "parallel.h"

namespace vrr {

namespace {

// Contiguous leaf runs, one per thread: [first, first+count) of `leaves`.
struct LeafRun {
  uint64_t first, count;
};

std::vector<LeafRun> splitLeaves(uint64_t leaves, unsigned threads) {
  const uint64_t parts = std::max<uint64_t>(1, std::min<uint64_t>(threads, leaves));
  std::vector<LeafRun> runs;
  uint64_t first = 0;
  for (uint64_t p = 0; p < parts; p++) {
    const uint64_t count = leaves / parts + (p < leaves % parts ? 1 : 0);
    runs.push_back({first, count});
    first += count;
  }
  return runs;
}

unsigned clampThreads(unsigned threads) { return threads == 0 ? defaultThreads() : std::min(threads, kMaxThreads); }

}  // namespace

void cpuLeafHashes(const uint8_t* data, uint64_t size, uint32_t leafSize, unsigned threads, uint8_t* out) {
  const uint64_t leaves = leafCountFor(size, leafSize);
  const auto runs = splitLeaves(leaves, clampThreads(threads));
  parallelFor(runs.size(), static_cast<unsigned>(runs.size()), [&](uint64_t r) {
    Sha256Stream sha;
    for (uint64_t leaf = runs[r].first; leaf < runs[r].first + runs[r].count; leaf++) {
      const uint64_t start = leaf * leafSize;
      sha.leafHash(data + start, std::min<uint64_t>(leafSize, size - start), out + 32 * leaf);
    }
  });
}

void cpuReduceToRoot(const uint8_t* leafHashes, uint64_t count, uint8_t out[32]) {
  if (count == 0) {
    cpuSha256(nullptr, 0, out);
    return;
  }
  Sha256Stream sha;
  std::vector<uint8_t> level(leafHashes, leafHashes + 32 * count);
  while (count > 1) {
    const uint64_t next = nextLevelCount(count);
    for (uint64_t i = 0; i < next; i++) {
      if (2 * i + 1 < count) {
        uint8_t node[32];
        sha.nodeHash(&level[64 * i], &level[64 * i + 32], node);
        std::memcpy(&level[32 * i], node, 32);  // slot i is below 2i: already consumed
      } else {
        std::memmove(&level[32 * i], &level[64 * i], 32);
      }
    }
    count = next;
  }
  std::memcpy(out, level.data(), 32);
}

void cpuMth(const uint8_t* data, uint64_t size, uint32_t leafSize, unsigned threads, uint8_t out[32]) {
  const uint64_t leaves = leafCountFor(size, leafSize);
  std::vector<uint8_t> hashes(32 * leaves);
  cpuLeafHashes(data, size, leafSize, threads, hashes.data());
  cpuReduceToRoot(hashes.data(), leaves, out);
}

void cpuSha256(const uint8_t* data, uint64_t size, uint8_t out[32]) {
  Sha256Stream sha;
  sha.update(data, size);
  sha.finish(out);
}

CpuFileDigest cpuMthFile(const std::string& path, uint32_t leafSize, uint64_t offset, int64_t length, unsigned threads,
                         bool sha256) {
  ReadOnlyFile file(path);
  const uint64_t size = resolveFileRange(file, offset, length);
  const uint64_t leaves = leafCountFor(size, leafSize);
  std::vector<uint8_t> hashes(32 * leaves);
  // Each leaf run streams through its own buffer of whole leaves (>= 4 MiB), positional reads.
  const uint64_t leavesPerRead = std::max<uint64_t>(1, (4u << 20) / leafSize);
  const auto runs = splitLeaves(leaves, clampThreads(threads));
  CpuFileDigest result{};
  result.size = size;
  result.hasSha256 = sha256;
  // The plain SHA-256 is one sequential stream; it runs beside the leaf runs (page cache serves
  // the second read of the same bytes).
  std::exception_ptr shaError;
  std::thread shaThread;
  if (sha256) {
    shaThread = std::thread([&] {
      try {
        Sha256Stream sha;
        std::vector<uint8_t> buffer(std::min<uint64_t>(std::max<uint64_t>(size, 1), 4u << 20));
        for (uint64_t done = 0; done < size;) {
          const uint64_t n = std::min<uint64_t>(buffer.size(), size - done);
          file.readExactly(offset + done, buffer.data(), n);
          sha.update(buffer.data(), n);
          done += n;
        }
        sha.finish(result.sha256);
      } catch (...) {
        shaError = std::current_exception();
      }
    });
  }
  std::exception_ptr leafError;
  try {
    parallelFor(runs.size(), static_cast<unsigned>(runs.size()), [&](uint64_t r) {
      Sha256Stream sha;
      std::vector<uint8_t> buffer(std::min<uint64_t>(leavesPerRead * leafSize, std::max<uint64_t>(size, 1)));
      const uint64_t end = runs[r].first + runs[r].count;
      for (uint64_t leaf = runs[r].first; leaf < end; leaf += leavesPerRead) {
        const uint64_t start = leaf * leafSize;
        const uint64_t n = std::min<uint64_t>(std::min(leavesPerRead, end - leaf) * leafSize, size - start);
        file.readExactly(offset + start, buffer.data(), n);
        for (uint64_t i = 0; i * leafSize < n; i++) {
          sha.leafHash(buffer.data() + i * leafSize, std::min<uint64_t>(leafSize, n - i * leafSize),
                       &hashes[32 * (leaf + i)]);
        }
      }
    });
  } catch (...) {
    leafError = std::current_exception();
  }
  if (shaThread.joinable()) shaThread.join();
  if (leafError) std::rethrow_exception(leafError);
  if (shaError) std::rethrow_exception(shaError);
  cpuReduceToRoot(hashes.data(), leaves, result.digest);
  return result;
}

CpuFileSha256 cpuSha256File(const std::string& path) {
  ReadOnlyFile file(path);
  CpuFileSha256 result{};
  result.size = resolveFileRange(file, 0, -1);
  Sha256Stream sha;
  std::vector<uint8_t> buffer(std::min<uint64_t>(std::max<uint64_t>(result.size, 1), 4u << 20));
  for (uint64_t done = 0; done < result.size;) {
    const uint64_t n = std::min<uint64_t>(buffer.size(), result.size - done);
    file.readExactly(done, buffer.data(), n);
    sha.update(buffer.data(), n);
    done += n;
  }
  sha.finish(result.sha256);
  return result;
}

bool cpuHasShaExtensions() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  return (b & (1u << 29)) != 0;
#else
  return false;
#endif
}

}  // namespace vrr
