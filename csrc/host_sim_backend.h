// host-sim: host memory pretending to be a device. Always labelled as such (never VRAM); it runs
// the device code paths (the same kernel phase functions, the same two-stream lane operations,
// one thread per stream) so CI covers them. A configurable capacity makes out-of-memory testable.
#pragma once
#include <memory>
#include <mutex>

#include "device_backend.h"
#include "lane.h"

namespace vrr {

// `faults` are test hooks (slow copies, a planted ordering bug); the binding accepts them only on
// a device opened with fault injection.
std::shared_ptr<DeviceBackend> openHostSimDevice(int index, uint64_t capacityBytes, unsigned threads,
                                                 const LaneFaults& faults);

}  // namespace vrr
