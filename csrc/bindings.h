// The addon's exported functions, one group per file; addon.cpp registers them from one table.
// Each takes one options object (js_args.h) and returns a value or a Promise (promise_worker.h).
#pragma once
#include <napi.h>

namespace vrr {

// bind_cpu.cpp: status, CPU engine, core test hook
Napi::Value Status(const Napi::CallbackInfo& info);
Napi::Value CoreSha256(const Napi::CallbackInfo& info);
Napi::Value CpuMth(const Napi::CallbackInfo& info);
Napi::Value CpuSha256(const Napi::CallbackInfo& info);
Napi::Value CpuMthFile(const Napi::CallbackInfo& info);
Napi::Value CpuSha256File(const Napi::CallbackInfo& info);

// bind_tlog.cpp: the audit writer's SPEC §8 tree, one call per batch
Napi::Value TlogAppend(const Napi::CallbackInfo& info);

// bind_device.cpp: devices and allocation lifetimes
Napi::Value OpenDevice(const Napi::CallbackInfo& info);
Napi::Value LoseDevice(const Napi::CallbackInfo& info);
Napi::Value DeviceProps(const Napi::CallbackInfo& info);
Napi::Value DeviceMemInfo(const Napi::CallbackInfo& info);
Napi::Value DeviceClose(const Napi::CallbackInfo& info);
Napi::Value Allocate(const Napi::CallbackInfo& info);
Napi::Value Free(const Napi::CallbackInfo& info);

// bind_allocation.cpp: operations on one allocation
Napi::Value Upload(const Napi::CallbackInfo& info);
Napi::Value UploadFile(const Napi::CallbackInfo& info);
Napi::Value LeafHashes(const Napi::CallbackInfo& info);
Napi::Value ChosenLeafHashes(const Napi::CallbackInfo& info);
Napi::Value Root(const Napi::CallbackInfo& info);
Napi::Value FlipBits(const Napi::CallbackInfo& info);
Napi::Value IsDeviceMemory(const Napi::CallbackInfo& info);

// bind_lease.cpp: sealed memory for inference (address, IPC, range reads and digests)
Napi::Value AllocationAddress(const Napi::CallbackInfo& info);
Napi::Value ExportIpc(const Napi::CallbackInfo& info);
Napi::Value OpenIpc(const Napi::CallbackInfo& info);
Napi::Value CheckIpc(const Napi::CallbackInfo& info);
Napi::Value IpcStatus(const Napi::CallbackInfo& info);
Napi::Value ReadRange(const Napi::CallbackInfo& info);
Napi::Value RangeRoots(const Napi::CallbackInfo& info);

// bind_testing.cpp: internal test helpers (host-sim only)
Napi::Value ReadAtAddressForTesting(const Napi::CallbackInfo& info);
Napi::Value TryWriteForTesting(const Napi::CallbackInfo& info);

}  // namespace vrr
