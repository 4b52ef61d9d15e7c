// Bindings that hand sealed memory to inference (lib/manager/lease.ts, lib/native/ipc.ts): the
// allocation's address (a BigInt: device pointer on cuda, host pointer on host-sim), IPC export
// and import, device -> host reads of a range (tensor headers) and per-range device digests.
#include <memory>
#include <vector>

#include "allocation.h"
#include "bindings.h"
#include "js_args.h"
#include "mth_core.cuh"
#include "promise_worker.h"
#include "registry.h"

namespace vrr {

namespace {

constexpr uint64_t kMaxReadBytes = 256ull << 20;  // a tensor header is far smaller

using UsePtr = std::shared_ptr<Allocation::Use>;

UsePtr useOf(const JsOptions& args) {
  return std::make_shared<Allocation::Use>(
      Allocation::begin(registry().allocation(args.handle("device"), args.handle("allocation"))));
}

Napi::Object handleToJs(Napi::Env env, const IpcHandle& h) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", h.kind);
  out.Set("pid", static_cast<double>(h.pid));
  out.Set("fd", static_cast<double>(h.fd));
  out.Set("token", h.token);
  out.Set("opaque", copyToBuffer(env, h.opaque.data(), h.opaque.size()));
  out.Set("size", static_cast<double>(h.size));
  return out;
}

IpcHandle handleFromJs(const JsOptions& o) {
  IpcHandle h;
  h.kind = o.string("kind");
  h.pid = static_cast<int64_t>(o.integerAtMost("pid", 0x7fffffff));
  h.fd = static_cast<int64_t>(o.integerAtMost("fd", 0x7fffffff));
  h.token = o.string("token");
  const Napi::Uint8Array opaque = o.bytes("opaque");
  h.opaque.assign(opaque.Data(), opaque.Data() + opaque.ByteLength());
  h.size = o.integer("size");
  if (h.size == 0) fail("E_ARG", "handle.size must be at least 1");
  return h;
}

}  // namespace

Napi::Value AllocationAddress(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const UsePtr use = useOf(JsOptions(info));
    return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(reinterpret_cast<uintptr_t>(use->base())));
  });
}

Napi::Value ExportIpc(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const UsePtr use = useOf(JsOptions(info));
    if (use->imported()) fail("E_POLICY", "an imported allocation cannot be exported again");
    return handleToJs(info.Env(), use->backend().exportIpc(use->base(), use->size()));
  });
}

// Maps another process's export on this device; resolves with an allocation handle whose free()
// unmaps it. Upload, uploadFile and flipBits refuse it (read-only).
Napi::Value OpenIpc(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const uint32_t deviceId = args.handle("device");
    auto handle = std::make_shared<IpcHandle>(handleFromJs(args.object("handle")));
    std::shared_ptr<DeviceBackend> backend = registry().device(deviceId).backend;
    auto id = std::make_shared<uint32_t>(0);
    auto* worker = new PromiseWorker(
        env,
        [=] {
          void* base = backend->importIpc(*handle);
          *id = registry().addAllocation(std::make_shared<Allocation>(deviceId, backend, base, handle->size, true));
        },
        [=](Napi::Env e) -> Napi::Value { return Napi::Number::New(e, *id); });
    return worker->queue();
  });
}

Napi::Value CheckIpc(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const JsOptions args(info);
    registry().device(args.handle("device")).backend->checkIpcLive(handleFromJs(args.object("handle")));
    return info.Env().Undefined();
  });
}

Napi::Value IpcStatus(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const IpcSupport s = registry().device(JsOptions(info).handle("device")).backend->ipcSupport();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("available", s.available);
    out.Set("kind", s.kind);
    out.Set("detail", s.detail);
    return out;
  });
}

Napi::Value ReadRange(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const UsePtr use = useOf(args);
    const uint64_t offset = args.integer("offset");
    const uint64_t length = args.integerAtMost("length", kMaxReadBytes);
    checkRange(offset, length, use->size(), "readRange");
    auto out = std::make_shared<std::vector<uint8_t>>(length);
    auto* worker = new PromiseWorker(
        env, [=] { use->backend().copyOut(use->base(), offset, out->data(), length); },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), out->size()); });
    return worker->queue();
  });
}

// SPEC §1 roots of byte ranges inside the allocation (per-tensor digests), computed on the device;
// `ranges` is [offset0, length0, offset1, length1, ...], every length at least 1.
Napi::Value RangeRoots(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const UsePtr use = useOf(args);
    const uint32_t leafSize = args.leafSize();
    auto ranges = std::make_shared<std::vector<uint64_t>>(args.integers("ranges"));
    if (ranges->size() % 2 != 0) fail("E_ARG", "ranges must hold offset, length pairs");
    for (size_t i = 0; i < ranges->size(); i += 2) {
      if ((*ranges)[i + 1] == 0) fail("E_ARG", "a range must hold at least one byte");
      checkRange((*ranges)[i], (*ranges)[i + 1], use->size(), "range");
    }
    auto out = std::make_shared<std::vector<uint8_t>>(16 * ranges->size());
    auto* worker = new PromiseWorker(
        env,
        [=] {
          const auto* base = static_cast<const uint8_t*>(use->base());
          for (size_t i = 0; i < ranges->size(); i += 2) {
            use->backend().root(base + (*ranges)[i], (*ranges)[i + 1], leafSize, out->data() + 16 * i);
          }
        },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), out->size()); });
    return worker->queue();
  });
}

}  // namespace vrr
