// Bindings of devices and of an allocation's lifetime (allocate, free).
#include <memory>

#include "allocation.h"
#include "bindings.h"
#include "host_sim_backend.h"
#include "js_args.h"
#include "leaf_limits.h"
#include "promise_worker.h"
#include "registry.h"

#if VRR_WITH_CUDA
#include "cuda_backend.h"
#endif

namespace vrr {

// Opening a CUDA device initialises the driver (100 ms and more): done on the worker pool.
Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const std::string backend = args.string("backend");
    const int index = static_cast<int>(args.integerAtMost("index", kMaxDeviceIndex));
    const uint64_t capacity = args.integer("capacityBytes");
    const bool faultInjection = args.flag("faultInjection");
    const unsigned threads = args.threads();
    LaneFaults faults;
    faults.lateCopies = args.flag("simulatedLateCopies");
    faults.dropCopyWait = args.flag("simulatedOrderingBug");
    if ((faults.lateCopies || faults.dropCopyWait) && !(faultInjection && backend == "host-sim")) {
      fail("E_POLICY",
           "simulated late copies and ordering bugs are test hooks of host-sim devices opened with "
           "faultInjection: true");
    }
    if (backend != "host-sim" && backend != "cuda") fail("E_ARG", "backend must be 'cuda' or 'host-sim'");
#if !VRR_WITH_CUDA
    if (backend == "cuda") {
      fail("E_NO_DEVICE",
           "this build of the addon has no CUDA support (built without CUDA: nvcc was not found or "
           "VRAM_RESIDENCY_CUDA=0); rebuild with the CUDA toolkit or use backend 'host-sim'");
    }
#endif
    auto id = std::make_shared<uint32_t>(0);
    auto* worker = new PromiseWorker(
        env,
        [=] {
          std::shared_ptr<DeviceBackend> device;
          if (backend == "host-sim") device = openHostSimDevice(index, capacity, threads, faults);
#if VRR_WITH_CUDA
          if (backend == "cuda") device = openCudaDevice(index);
#endif
          *id = registry().addDevice(device, faultInjection);
        },
        [=](Napi::Env e) -> Napi::Value { return Napi::Number::New(e, *id); });
    return worker->queue();
  });
}

// Tests: a host-sim device opened with fault injection behaves as after a sticky CUDA error.
Napi::Value LoseDevice(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const DeviceEntry device = registry().device(JsOptions(info).handle("device"));
    if (!device.faultInjection) fail("E_POLICY", "loseDevice needs a device opened with faultInjection: true");
    device.backend->loseForTest();
    return info.Env().Undefined();
  });
}

Napi::Value DeviceProps(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const DeviceProperties p = registry().device(JsOptions(info).handle("device")).backend->properties();
    Napi::Object out = Napi::Object::New(env);
    out.Set("index", p.index);
    out.Set("backend", p.backend);
    out.Set("name", p.name);
    out.Set("uuid", p.uuid.empty() ? env.Null() : Napi::String::New(env, p.uuid));
    out.Set("totalMemory", static_cast<double>(p.totalMemory));
    Napi::Object cc = Napi::Object::New(env);
    cc.Set("major", p.ccMajor);
    cc.Set("minor", p.ccMinor);
    out.Set("computeCapability", cc);
    out.Set("integrated", p.integrated);
    out.Set("canMapHostMemory", p.canMapHostMemory);
    out.Set("managedMemory", p.managedMemory);
    out.Set("pageableMemoryAccess", p.pageableMemoryAccess);
    out.Set("pageableMemoryAccessUsesHostPageTables", p.pageableMemoryAccessUsesHostPageTables);
    out.Set("driverVersion", p.driverVersion < 0 ? env.Null() : Napi::Number::New(env, p.driverVersion));
    out.Set("runtimeVersion", p.runtimeVersion < 0 ? env.Null() : Napi::Number::New(env, p.runtimeVersion));
    return out;
  });
}

Napi::Value DeviceMemInfo(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const MemInfo m = registry().device(JsOptions(info).handle("device")).backend->memInfo();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("free", static_cast<double>(m.free));
    out.Set("total", static_cast<double>(m.total));
    return out;
  });
}

Napi::Value DeviceClose(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    registry().closeDevice(JsOptions(info).handle("device"));
    return info.Env().Undefined();
  });
}

Napi::Value Allocate(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const uint32_t deviceId = args.handle("device");
    const uint64_t size = args.integer("size");
    if (size == 0) fail("E_ARG", "size must be at least 1 byte");
    std::shared_ptr<DeviceBackend> backend = registry().device(deviceId).backend;
    auto id = std::make_shared<uint32_t>(0);
    auto* worker = new PromiseWorker(
        env,
        [=] {
          void* base = backend->allocateRaw(size);
          *id = registry().addAllocation(std::make_shared<Allocation>(deviceId, backend, base, size));
        },
        [=](Napi::Env e) -> Napi::Value { return Napi::Number::New(e, *id); });
    return worker->queue();
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const uint32_t allocationId = args.handle("allocation");
    std::shared_ptr<Allocation> allocation = registry().allocation(args.handle("device"), allocationId);
    allocation->requestFree();
    auto zeroed = std::make_shared<bool>(false);
    auto* worker = new PromiseWorker(
        env,
        [=] {
          *zeroed = allocation->waitAndRelease();
          registry().forgetAllocation(allocationId);
        },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("zeroed", *zeroed);
          return out;
        });
    return worker->queue();
  });
}

}  // namespace vrr
