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

namespace {

Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const JsOptions args(info);
    const std::string backend = args.string("backend");
    const int index = static_cast<int>(args.integerAtMost("index", kMaxDeviceIndex));
    const uint64_t capacity = args.integer("capacityBytes");
    const bool faultInjection = args.flag("faultInjection");
    const unsigned threads = args.threads();
    std::shared_ptr<DeviceBackend> device;
    if (backend == "host-sim") {
      device = openHostSimDevice(index, capacity, threads);
    } else if (backend == "cuda") {
#if VRR_WITH_CUDA
      device = openCudaDevice(index);
#else
      fail("E_NO_DEVICE",
           "this build of the addon has no CUDA support (built without CUDA: nvcc was not found or "
           "VRAM_RESIDENCY_CUDA=0); rebuild with the CUDA toolkit or use backend 'host-sim'");
#endif
    } else {
      fail("E_ARG", "backend must be 'cuda' or 'host-sim'");
    }
    return Napi::Number::New(info.Env(), registry().addDevice(device, faultInjection));
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
    auto* worker = new PromiseWorker(
        env,
        [=] {
          allocation->waitAndRelease();
          registry().forgetAllocation(allocationId);
        },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
    return worker->queue();
  });
}

}  // namespace

void registerDeviceBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("openDevice", Napi::Function::New(env, OpenDevice));
  exports.Set("deviceProperties", Napi::Function::New(env, DeviceProps));
  exports.Set("deviceMemInfo", Napi::Function::New(env, DeviceMemInfo));
  exports.Set("deviceClose", Napi::Function::New(env, DeviceClose));
  exports.Set("allocate", Napi::Function::New(env, Allocate));
  exports.Set("free", Napi::Function::New(env, Free));
}

}  // namespace vrr
