// The cuda backend: real VRAM through the CUDA runtime (statically linked, so the addon loads on
// machines without a driver and reports that as a clean error instead).
#pragma once
#include <memory>
#include <string>

#include "device_backend.h"

namespace vrr {

struct CudaProbe {
  int deviceCount = 0;
  std::string reason;  // empty when at least one device is usable
};

CudaProbe probeCuda();
std::shared_ptr<DeviceBackend> openCudaDevice(int index);

}  // namespace vrr
