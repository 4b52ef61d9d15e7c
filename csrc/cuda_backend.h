// The cuda backend: real VRAM through the CUDA runtime (statically linked, so the addon loads on
// machines without a driver and reports that as a clean error instead).
#pragma once
#include <memory>
#include <string>

#include "device_backend.h"

namespace vrr {

// The static CUDA 13 runtime needs a driver that supports CUDA 13.0: branch R580 or newer.
constexpr const char* kMinimumDriverText = "CUDA 13 needs NVIDIA driver R580 or newer";
constexpr int kMinimumDriverBranch = 580;

struct CudaProbe {
  int deviceCount = 0;
  int driverCudaVersion = 0;  // cudaDriverGetVersion: 0 = no driver
  std::string reason;         // empty when at least one device is usable
};

CudaProbe probeCuda();
std::shared_ptr<DeviceBackend> openCudaDevice(int index);

}  // namespace vrr
