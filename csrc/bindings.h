// The addon's exported functions, one group per file; addon.cpp only registers them.
#pragma once
#include <napi.h>

namespace vrr {

void registerCpuBindings(Napi::Env env, Napi::Object exports);         // bind_cpu.cpp
void registerDeviceBindings(Napi::Env env, Napi::Object exports);      // bind_device.cpp
void registerAllocationBindings(Napi::Env env, Napi::Object exports);  // bind_allocation.cpp

}  // namespace vrr
