// Sharing a sealed allocation with another process on the same device, read-only by contract.
// An IpcHandle is what lib/native turns into the JSON a consumer receives: the kind says which
// mechanism made it (host-sim: a sealed memfd; cuda: a legacy cudaIpcMemHandle or an exportable
// memory pool's pointer export), and every kind names the exporter so a stale one fails cleanly.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vrr {

struct IpcHandle {
  std::string kind;             // "host-memfd" | "cuda-legacy" | "cuda-mempool"
  int64_t pid = 0;              // the exporting process
  int64_t fd = -1;              // host-memfd: the exporter's memfd number
  std::string token;            // host-memfd: the memfd's name suffix; cuda-mempool: the fd socket name
  std::vector<uint8_t> opaque;  // cuda: the 64-byte cudaIpcMemHandle_t / cudaMemPoolPtrExportData
  uint64_t size = 0;            // bytes of the allocation the handle covers
};

// What a backend can share on this machine (doctor prints it).
struct IpcSupport {
  bool available = false;
  std::string kind;    // the kind exportIpc would produce
  std::string detail;  // why not, or which attribute said yes
};

// host-sim memory: an anonymous memfd mapped shared, so it can be handed to another process.
struct MemfdRegion {
  void* base = nullptr;
  int fd = -1;  // -1: plain host memory (memfd unavailable), not exportable
  std::string token;
};

MemfdRegion memfdAllocate(uint64_t size);                  // zeroed; throws E_OUT_OF_MEMORY
void memfdFree(const MemfdRegion& region, uint64_t size);  // never throws
// Seals the memfd against any new writer (F_SEAL_FUTURE_WRITE) and describes it.
IpcHandle memfdExport(const MemfdRegion& region, uint64_t size);
// Maps a host-memfd handle read-only (PROT_READ of an O_RDONLY descriptor); E_STALE_HANDLE when
// the exporter no longer holds that memory.
void* memfdImport(const IpcHandle& handle);
void memfdUnmap(void* base, uint64_t size);
// Throws E_STALE_HANDLE unless the exporter still holds the handle's memory.
void memfdCheckLive(const IpcHandle& handle);
IpcSupport memfdSupport();
std::string randomToken();

}  // namespace vrr
