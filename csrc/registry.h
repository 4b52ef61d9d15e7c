// Handles JS holds instead of pointers: small integers naming a device or an allocation. An
// allocation handle is only honoured together with the device handle it was made on, so a
// foreign or forged handle is a clean E_ARG, never a wild pointer.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "allocation.h"
#include "device_backend.h"

namespace vrr {

struct DeviceEntry {
  std::shared_ptr<DeviceBackend> backend;
  bool faultInjection = false;
  bool closed = false;
};

class Registry {
 public:
  uint32_t addDevice(std::shared_ptr<DeviceBackend> backend, bool faultInjection);
  // Throws E_ARG for an unknown handle and E_CLOSED for a closed device.
  DeviceEntry device(uint32_t deviceId);
  void closeDevice(uint32_t deviceId);
  uint32_t addAllocation(std::shared_ptr<Allocation> allocation);
  // Throws E_ARG when the handle is unknown or belongs to another device.
  std::shared_ptr<Allocation> allocation(uint32_t deviceId, uint32_t allocationId);
  // Drops the registry's reference after a free completed (later lookups: E_FREED).
  void forgetAllocation(uint32_t allocationId);

 private:
  std::mutex mutex_;
  uint32_t nextId_ = 1;
  std::map<uint32_t, DeviceEntry> devices_;
  std::map<uint32_t, std::shared_ptr<Allocation>> allocations_;
  std::map<uint32_t, uint32_t> freedAllocations_;  // allocation id -> device id
};

Registry& registry();

}  // namespace vrr
