// host-sim: host memory pretending to be a device. Always labelled as such (never VRAM); it runs
// the device code paths (the same kernel phase functions, the same upload pipeline) so CI covers
// them. A configurable capacity makes out-of-memory testable.
#pragma once
#include <memory>
#include <mutex>

#include "device_backend.h"

namespace vrr {

std::shared_ptr<DeviceBackend> openHostSimDevice(int index, uint64_t capacityBytes, unsigned threads);

}  // namespace vrr
