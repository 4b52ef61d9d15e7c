// One device abstraction, two backends (cuda, host-sim). A backend only moves and hashes bytes;
// bounds, lifetime and ownership checks live in Allocation / the registry so both behave alike.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ipc.h"

namespace vrr {

struct DeviceProperties {
  int index = 0;
  std::string backend;
  std::string name;
  std::string uuid;  // empty = none
  uint64_t totalMemory = 0;
  int ccMajor = 0, ccMinor = 0;
  bool integrated = false, canMapHostMemory = false, managedMemory = false;
  bool pageableMemoryAccess = false, pageableMemoryAccessUsesHostPageTables = false;
  int driverVersion = -1, runtimeVersion = -1;  // -1 = none
};

struct MemInfo {
  uint64_t free = 0, total = 0;
};

struct UploadFileRequest {
  std::string path;
  uint64_t fileOffset = 0;
  uint64_t length = 0;  // resolved by the caller (never "to end of file" here)
  uint64_t deviceOffset = 0;
  uint32_t leafSize = 0;
  bool sha256 = false;
  uint64_t chunkBytes = 0;  // multiple of leafSize
};

struct UploadFileResult {
  std::vector<uint8_t> leafHashes;
  bool hasSha256 = false;
  uint8_t sha256[32] = {0};
};

using ProgressFn = std::function<void(uint64_t bytesDone)>;

class DeviceBackend {
 public:
  virtual ~DeviceBackend() = default;
  virtual const char* backendName() const = 0;
  virtual int index() const = 0;
  virtual DeviceProperties properties() = 0;
  virtual MemInfo memInfo() = 0;
  // Returns an opaque base; throws E_OUT_OF_MEMORY when the device cannot hold `size` bytes.
  virtual void* allocateRaw(uint64_t size) = 0;
  // Never throws (runs from destructors too). False when the bytes could not be zeroed (the device
  // was lost): the caller reports it, the memory is released either way.
  virtual bool zeroAndFree(void* base, uint64_t size) = 0;
  // A sticky failure (illegal address, launch failure, uncorrectable ECC, ...) left the device
  // unusable: every later operation is E_DEVICE_LOST.
  virtual bool lost() const = 0;
  // Tests: make the device lost as a sticky error would (host-sim with fault injection only).
  virtual void loseForTest() = 0;
  // The device was closed: let go of cached resources (idle lanes: threads, streams, buffers).
  virtual void trim() {}
  virtual bool isDeviceMemory(const void* base) = 0;
  virtual void copyIn(void* base, uint64_t offset, const uint8_t* src, uint64_t length) = 0;
  // Leaf hashes over the whole allocation [0, size): leaves first..first+count, or `indices`.
  virtual void leafHashes(const void* base, uint64_t size, uint32_t leafSize, uint64_t firstLeaf, uint64_t count,
                          const std::vector<uint64_t>* indices, uint8_t* out) = 0;
  virtual void root(const void* base, uint64_t size, uint32_t leafSize, uint8_t out[32]) = 0;
  virtual void uploadFile(void* base, const UploadFileRequest& request, UploadFileResult& result,
                          const ProgressFn& progress) = 0;
  virtual void xorByte(void* base, uint64_t offset, uint8_t mask) = 0;
  // Device -> host copy of [offset, offset+length) (tensor headers; read-through tests).
  virtual void copyOut(const void* base, uint64_t offset, uint8_t* dst, uint64_t length) = 0;
  // Sharing with another process (ipc.h): export a live allocation, map another process's
  // export (read-only where the OS or driver allows), unmap it, and say what is possible here.
  virtual IpcHandle exportIpc(void* base, uint64_t size) = 0;
  virtual void* importIpc(const IpcHandle& handle) = 0;
  virtual void closeImported(void* base, uint64_t size) = 0;
  virtual void checkIpcLive(const IpcHandle& handle) = 0;
  virtual IpcSupport ipcSupport() = 0;
};

}  // namespace vrr
