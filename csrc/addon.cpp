// N-API surface of the addon. Every long operation runs in a Napi::AsyncWorker (libuv pool) and
// returns a Promise; every failure becomes an Error with a stable `code` that lib/native maps to
// DeviceError. JS only ever sees integer handles, never addresses.
#include <napi.h>
#include <v8.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "allocation.h"
#include "cpu_engine.h"
#include "file_reader.h"
#include "host_sim_backend.h"
#include "registry.h"
#include "mth_core.cuh"

#if VRR_WITH_CUDA
#include "cuda_backend.h"
#endif

namespace vrr {
namespace {

Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

// --- argument parsing (lib/native validates first; this is the last line of defence) ---

uint64_t integerArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) fail("E_ARG", std::string(name) + " must be a number");
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0) || v > 9007199254740991.0 || std::floor(v) != v) {
    fail("E_ARG", std::string(name) + " must be an integer between 0 and 2^53-1");
  }
  return static_cast<uint64_t>(v);
}

int64_t optionalLengthArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i < info.Length() && info[i].IsNumber() && info[i].As<Napi::Number>().DoubleValue() == -1) return -1;
  return static_cast<int64_t>(integerArg(info, i, name));
}

bool boolArg(const Napi::CallbackInfo& info, size_t i) { return i < info.Length() && info[i].ToBoolean().Value(); }

std::string stringArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsString()) fail("E_ARG", std::string(name) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Uint8Array bytesArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    fail("E_ARG", std::string(name) + " must be a Uint8Array");
  }
  return info[i].As<Napi::Uint8Array>();
}

uint32_t handleArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const uint64_t v = integerArg(info, i, name);
  if (v > 0xffffffffu) fail("E_ARG", std::string(name) + " is not a handle");
  return static_cast<uint32_t>(v);
}

Napi::Buffer<uint8_t> copyToBuffer(Napi::Env env, const uint8_t* data, size_t length) {
  return Napi::Buffer<uint8_t>::Copy(env, data, length);
}

// --- Promise-returning worker ---

// In Node a napi_value is a v8::Local<v8::Value> (src/js_native_api_v8.h); this reads the V8
// BackingStore behind a Uint8Array, a reference-counted owner of its bytes.
std::shared_ptr<v8::BackingStore> backingStoreOf(Napi::Uint8Array bytes) {
  napi_value raw = bytes;
  v8::Local<v8::Value> value;
  static_assert(sizeof(value) == sizeof(raw), "napi_value must be a v8::Local<v8::Value>");
  std::memcpy(static_cast<void*>(&value), &raw, sizeof(raw));
  return value.As<v8::Uint8Array>()->Buffer()->GetBackingStore();
}

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Run = std::function<void()>;
  using Resolve = std::function<Napi::Value(Napi::Env)>;

  PromiseWorker(Napi::Env env, Run run, Resolve resolve)
      : Napi::AsyncWorker(env, "vram-residency"), deferred_(Napi::Promise::Deferred::New(env)),
        run_(std::move(run)), resolve_(std::move(resolve)) {}

  // Keeps an input buffer's bytes alive until the worker is destroyed on the main thread. The
  // reference keeps the view; the BackingStore keeps the memory even if JS transfers the buffer
  // away and the receiver is collected (N-API alone cannot pin it: that crashed the process).
  // lib/native copies resizable and shared buffers first, whose memory can shrink or change.
  void keepAlive(Napi::Uint8Array bytes) {
    kept_.push_back(Napi::Persistent(static_cast<Napi::Value>(bytes)));
    pinned_.push_back(backingStoreOf(bytes));
  }

  Napi::Promise queue() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      run_();
    } catch (const NativeError& e) {
      code_ = e.code();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = "E_OUT_OF_MEMORY";
      SetError("out of host memory");
    } catch (const std::exception& e) {
      code_ = "E_IO";  // a host resource failed (thread creation, ...)
      SetError(std::string("internal failure: ") + e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(resolve_(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(codedError(Env(), code_, e.Message()).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Run run_;
  Resolve resolve_;
  std::string code_ = "E_IO";
  std::vector<Napi::Reference<Napi::Value>> kept_;
  std::vector<std::shared_ptr<v8::BackingStore>> pinned_;
};

Napi::Value rejected(Napi::Env env, const NativeError& e) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(codedError(env, e.code(), e.what()).Value());
  return deferred.Promise();
}

// Runs `setup` (argument checks, handle lookups) on the JS thread; a failure there is a rejected
// Promise, like a failure in the worker, so callers see one error path.
Napi::Value asyncOp(const Napi::CallbackInfo& info, const std::function<Napi::Value(Napi::Env)>& setup) {
  try {
    return setup(info.Env());
  } catch (const NativeError& e) {
    return rejected(info.Env(), e);
  }
}

template <typename F>
auto syncOp(const Napi::CallbackInfo& info, F body) -> decltype(body()) {
  try {
    return body();
  } catch (const NativeError& e) {
    throw codedError(info.Env(), e.code(), e.what());
  }
}

// --- status and test hooks ---

Napi::Value Status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("sha256Accelerated", cpuHasShaExtensions());
#if VRR_WITH_CUDA
  const CudaProbe probe = probeCuda();
  out.Set("withCuda", true);
  out.Set("cudaDeviceCount", probe.deviceCount);
  out.Set("reason", probe.reason.empty() ? env.Null() : Napi::String::New(env, probe.reason));
#else
  out.Set("withCuda", false);
  out.Set("cudaDeviceCount", 0);
  out.Set("reason", "built without CUDA");
#endif
  return out;
}

// The portable __host__ __device__ core, exposed so tests can check it against NIST answers.
Napi::Value CoreSha256(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    Napi::Uint8Array bytes = bytesArg(info, 0, "bytes");
    uint8_t out[32];
    sha256Bytes(bytes.Data(), bytes.ByteLength(), out);
    return copyToBuffer(info.Env(), out, 32);
  });
}

// --- CPU engine ---

Napi::Value CpuMth(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    Napi::Uint8Array bytes = bytesArg(info, 0, "data");
    const uint64_t leafSize = integerArg(info, 1, "leafSize");
    checkLeafSize(leafSize);
    const unsigned threads = static_cast<unsigned>(std::min<uint64_t>(integerArg(info, 2, "threads"), 256));
    const uint8_t* data = bytes.Data();
    const uint64_t size = bytes.ByteLength();
    auto digest = std::make_shared<std::array<uint8_t, 32>>();
    auto* worker = new PromiseWorker(
        env, [=] { cpuMth(data, size, static_cast<uint32_t>(leafSize), threads, digest->data()); },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, digest->data(), 32); });
    worker->keepAlive(bytes);
    return worker->queue();
  });
}

Napi::Value CpuSha256(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    Napi::Uint8Array bytes = bytesArg(info, 0, "data");
    const uint8_t* data = bytes.Data();
    const uint64_t size = bytes.ByteLength();
    auto digest = std::make_shared<std::array<uint8_t, 32>>();
    auto* worker = new PromiseWorker(
        env, [=] { cpuSha256(data, size, digest->data()); },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, digest->data(), 32); });
    worker->keepAlive(bytes);
    return worker->queue();
  });
}

Napi::Value CpuMthFile(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const std::string path = stringArg(info, 0, "path");
    const uint64_t leafSize = integerArg(info, 1, "leafSize");
    checkLeafSize(leafSize);
    const uint64_t offset = integerArg(info, 2, "offset");
    const int64_t length = optionalLengthArg(info, 3, "length");
    const unsigned threads = static_cast<unsigned>(std::min<uint64_t>(integerArg(info, 4, "threads"), 256));
    const bool sha256 = boolArg(info, 5);
    auto result = std::make_shared<CpuFileDigest>();
    auto* worker = new PromiseWorker(
        env, [=] { *result = cpuMthFile(path, static_cast<uint32_t>(leafSize), offset, length, threads, sha256); },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("digest", copyToBuffer(e, result->digest, 32));
          out.Set("size", Napi::Number::New(e, static_cast<double>(result->size)));
          out.Set("sha256", result->hasSha256 ? copyToBuffer(e, result->sha256, 32) : e.Null());
          return out;
        });
    return worker->queue();
  });
}

// --- devices ---

Napi::Value OpenDevice(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    const std::string backend = stringArg(info, 0, "backend");
    const uint64_t index = integerArg(info, 1, "index");
    if (index > 1023) fail("E_ARG", "index must be between 0 and 1023");
    const uint64_t capacity = integerArg(info, 2, "capacityBytes");
    const bool faultInjection = boolArg(info, 3);
    const unsigned threads = static_cast<unsigned>(std::min<uint64_t>(integerArg(info, 4, "threads"), 256));
    std::shared_ptr<DeviceBackend> device;
    if (backend == "host-sim") {
      device = openHostSimDevice(static_cast<int>(index), capacity, threads);
    } else if (backend == "cuda") {
#if VRR_WITH_CUDA
      device = openCudaDevice(static_cast<int>(index));
#else
      fail("E_NO_DEVICE", "this build of the addon has no CUDA support (built without CUDA: nvcc was not found or "
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
    const DeviceProperties p = registry().device(handleArg(info, 0, "device")).backend->properties();
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
    const MemInfo m = registry().device(handleArg(info, 0, "device")).backend->memInfo();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("free", static_cast<double>(m.free));
    out.Set("total", static_cast<double>(m.total));
    return out;
  });
}

Napi::Value DeviceClose(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    registry().closeDevice(handleArg(info, 0, "device"));
    return info.Env().Undefined();
  });
}

// --- allocations ---

Napi::Value Allocate(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const uint32_t deviceId = handleArg(info, 0, "device");
    const uint64_t size = integerArg(info, 1, "size");
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

// A closed device still serves its live allocations (so they can be read and freed).
std::shared_ptr<Allocation> allocationArg(const Napi::CallbackInfo& info) {
  return registry().allocation(handleArg(info, 0, "device"), handleArg(info, 1, "allocation"));
}

Napi::Value IsDeviceMemory(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    auto use = Allocation::begin(allocationArg(info));
    return Napi::Boolean::New(info.Env(), use.backend().isDeviceMemory(use.base()));
  });
}

Napi::Value Upload(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    const uint64_t offset = integerArg(info, 2, "deviceOffset");
    Napi::Uint8Array bytes = bytesArg(info, 3, "bytes");
    const uint8_t* data = bytes.Data();
    const uint64_t length = bytes.ByteLength();
    checkRange(offset, length, use->size(), "upload");
    auto* worker = new PromiseWorker(
        env,
        [=] {
          if (length > 0) use->backend().copyIn(use->base(), offset, data, length);
        },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
    worker->keepAlive(bytes);
    return worker->queue();
  });
}

Napi::Value UploadFile(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    auto request = std::make_shared<UploadFileRequest>();
    request->path = stringArg(info, 2, "path");
    request->fileOffset = integerArg(info, 3, "fileOffset");
    const int64_t length = optionalLengthArg(info, 4, "length");
    request->deviceOffset = integerArg(info, 5, "deviceOffset");
    request->leafSize = static_cast<uint32_t>(integerArg(info, 6, "leafSize"));
    checkLeafSize(integerArg(info, 6, "leafSize"));
    request->sha256 = boolArg(info, 7);
    request->chunkBytes = integerArg(info, 8, "chunkBytes");
    if (request->chunkBytes == 0 || request->chunkBytes % request->leafSize != 0 || request->chunkBytes > (1ull << 30)) {
      fail("E_ARG", "chunkBytes must be a positive multiple of leafSize, at most 1 GiB");
    }
    std::shared_ptr<Napi::ThreadSafeFunction> progress;
    if (info.Length() > 9 && info[9].IsFunction()) {
      progress = std::make_shared<Napi::ThreadSafeFunction>(
          Napi::ThreadSafeFunction::New(env, info[9].As<Napi::Function>(), "vram-residency:progress", 0, 1));
    }
    auto result = std::make_shared<UploadFileResult>();
    auto* worker = new PromiseWorker(
        env,
        [=] {
          struct ReleaseOnExit {
            std::shared_ptr<Napi::ThreadSafeFunction> tsfn;
            ~ReleaseOnExit() {
              if (tsfn) tsfn->Release();
            }
          } releaseOnExit{progress};
          {
            ReadOnlyFile file(request->path);
            request->length = resolveFileRange(file, request->fileOffset, length);
          }
          checkRange(request->deviceOffset, request->length, use->size(), "uploadFile destination");
          ProgressFn onProgress;
          if (progress) {
            onProgress = [progress](uint64_t done) {
              auto* value = new uint64_t(done);
              const napi_status status = progress->NonBlockingCall(value, [](Napi::Env e, Napi::Function fn, uint64_t* v) {
                const double n = static_cast<double>(*v);
                delete v;
                try {
                  fn.Call({Napi::Number::New(e, n)});
                } catch (const Napi::Error&) {
                  // lib/native wraps the user's callback and keeps its errors; nothing to do here
                }
              });
              if (status != napi_ok) delete value;
            };
          }
          use->backend().uploadFile(use->base(), *request, *result, onProgress);
        },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("leafHashes", copyToBuffer(e, result->leafHashes.data(), result->leafHashes.size()));
          out.Set("sha256", result->hasSha256 ? copyToBuffer(e, result->sha256, 32) : e.Null());
          out.Set("length", Napi::Number::New(e, static_cast<double>(request->length)));
          return out;
        });
    return worker->queue();
  });
}

Napi::Value LeafHashes(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    const uint64_t leafSize = integerArg(info, 2, "leafSize");
    checkLeafSize(leafSize);
    const uint64_t first = integerArg(info, 3, "firstLeaf");
    const uint64_t count = integerArg(info, 4, "count");
    const uint64_t leaves = leafCountFor(use->size(), leafSize);
    if (first > leaves || count > leaves - first) {
      fail("E_BOUNDS", "leaves [" + std::to_string(first) + ", +" + std::to_string(count) + ") are outside the " +
                           std::to_string(leaves) + " leaves of the allocation");
    }
    auto out = std::make_shared<std::vector<uint8_t>>(32 * count);
    auto* worker = new PromiseWorker(
        env,
        [=] {
          use->backend().leafHashes(use->base(), use->size(), static_cast<uint32_t>(leafSize), first, count, nullptr,
                                    out->data());
        },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), out->size()); });
    return worker->queue();
  });
}

Napi::Value ChosenLeafHashes(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    const uint64_t leafSize = integerArg(info, 2, "leafSize");
    checkLeafSize(leafSize);
    if (info.Length() < 4 || !info[3].IsArray()) fail("E_ARG", "indices must be an array of leaf indices");
    Napi::Array array = info[3].As<Napi::Array>();
    const uint64_t leaves = leafCountFor(use->size(), leafSize);
    auto indices = std::make_shared<std::vector<uint64_t>>();
    indices->reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); i++) {
      Napi::Value v = array.Get(i);
      if (!v.IsNumber()) fail("E_ARG", "indices must hold integers");
      const double d = v.As<Napi::Number>().DoubleValue();
      if (!(d >= 0) || std::floor(d) != d || d > 9007199254740991.0) fail("E_ARG", "indices must hold non-negative integers");
      if (static_cast<uint64_t>(d) >= leaves) {
        fail("E_BOUNDS", "leaf index " + std::to_string(static_cast<uint64_t>(d)) + " is outside the " +
                             std::to_string(leaves) + " leaves of the allocation");
      }
      indices->push_back(static_cast<uint64_t>(d));
    }
    auto out = std::make_shared<std::vector<uint8_t>>(32 * indices->size());
    auto* worker = new PromiseWorker(
        env,
        [=] {
          use->backend().leafHashes(use->base(), use->size(), static_cast<uint32_t>(leafSize), 0, indices->size(),
                                    indices.get(), out->data());
        },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), out->size()); });
    return worker->queue();
  });
}

Napi::Value Root(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    const uint64_t leafSize = integerArg(info, 2, "leafSize");
    checkLeafSize(leafSize);
    auto out = std::make_shared<std::array<uint8_t, 32>>();
    auto* worker = new PromiseWorker(
        env, [=] { use->backend().root(use->base(), use->size(), static_cast<uint32_t>(leafSize), out->data()); },
        [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), 32); });
    return worker->queue();
  });
}

Napi::Value FlipBits(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const uint32_t deviceId = handleArg(info, 0, "device");
    auto use = std::make_shared<Allocation::Use>(Allocation::begin(allocationArg(info)));
    const DeviceEntry device = registry().device(deviceId);
    if (!device.faultInjection) {
      fail("E_POLICY", "fault injection is disabled on this device; open it with faultInjection: true (tests only)");
    }
    const uint64_t offset = integerArg(info, 2, "offset");
    const uint64_t mask = integerArg(info, 3, "mask");
    if (mask == 0 || mask > 255) fail("E_ARG", "mask must be between 1 and 255");
    checkRange(offset, 1, use->size(), "flipBits");
    auto* worker = new PromiseWorker(
        env, [=] { use->backend().xorByte(use->base(), offset, static_cast<uint8_t>(mask)); },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
    return worker->queue();
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const uint32_t allocationId = handleArg(info, 1, "allocation");
    std::shared_ptr<Allocation> allocation = allocationArg(info);
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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("status", Napi::Function::New(env, Status));
  exports.Set("coreSha256", Napi::Function::New(env, CoreSha256));
  exports.Set("cpuMth", Napi::Function::New(env, CpuMth));
  exports.Set("cpuMthFile", Napi::Function::New(env, CpuMthFile));
  exports.Set("cpuSha256", Napi::Function::New(env, CpuSha256));
  exports.Set("openDevice", Napi::Function::New(env, OpenDevice));
  exports.Set("deviceProperties", Napi::Function::New(env, DeviceProps));
  exports.Set("deviceMemInfo", Napi::Function::New(env, DeviceMemInfo));
  exports.Set("deviceClose", Napi::Function::New(env, DeviceClose));
  exports.Set("allocate", Napi::Function::New(env, Allocate));
  exports.Set("isDeviceMemory", Napi::Function::New(env, IsDeviceMemory));
  exports.Set("upload", Napi::Function::New(env, Upload));
  exports.Set("uploadFile", Napi::Function::New(env, UploadFile));
  exports.Set("leafHashes", Napi::Function::New(env, LeafHashes));
  exports.Set("chosenLeafHashes", Napi::Function::New(env, ChosenLeafHashes));
  exports.Set("root", Napi::Function::New(env, Root));
  exports.Set("flipBits", Napi::Function::New(env, FlipBits));
  exports.Set("free", Napi::Function::New(env, Free));
  return exports;
}

}  // namespace
}  // namespace vrr

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return vrr::Init(env, exports); }

NODE_API_MODULE(vram_residency, InitAddon)
