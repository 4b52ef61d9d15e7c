#include "registry.h"

#include "native_error.h"

namespace vrr {

uint32_t Registry::addDevice(std::shared_ptr<DeviceBackend> backend, bool faultInjection) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint32_t id = nextId_++;
  devices_[id] = DeviceEntry{std::move(backend), faultInjection, false};
  return id;
}

DeviceEntry Registry::device(uint32_t deviceId) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = devices_.find(deviceId);
  if (it == devices_.end()) fail("E_ARG", "not a device handle of this addon");
  if (it->second.closed) fail("E_CLOSED", "the device was closed; open it again");
  if (it->second.backend->lost()) failDeviceLost(it->second.backend->backendName(), it->second.backend->index());
  return it->second;
}

void Registry::closeDevice(uint32_t deviceId) {
  std::shared_ptr<DeviceBackend> backend;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = devices_.find(deviceId);
    if (it == devices_.end()) fail("E_ARG", "not a device handle of this addon");
    it->second.closed = true;
    backend = it->second.backend;
  }
  backend->trim();
}

uint32_t Registry::addAllocation(std::shared_ptr<Allocation> allocation) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint32_t id = nextId_++;
  allocations_[id] = std::move(allocation);
  return id;
}

std::shared_ptr<Allocation> Registry::allocation(uint32_t deviceId, uint32_t allocationId) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = allocations_.find(allocationId);
  if (it == allocations_.end()) {
    const auto freed = freedAllocations_.find(allocationId);
    if (freed != freedAllocations_.end() && freed->second == deviceId) fail("E_FREED", "the allocation was freed");
    fail("E_ARG", "not an allocation of this device");
  }
  if (it->second->deviceId() != deviceId) fail("E_ARG", "the allocation belongs to another device");
  return it->second;
}

void Registry::forgetAllocation(uint32_t allocationId) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = allocations_.find(allocationId);
  if (it == allocations_.end()) return;
  freedAllocations_[allocationId] = it->second->deviceId();
  allocations_.erase(it);
}

Registry& registry() {
  static Registry* instance = new Registry();  // never destroyed: workers may outlive static teardown
  return *instance;
}

}  // namespace vrr
