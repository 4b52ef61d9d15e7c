// Bindings of the CPU engine, the build's status and the core's test hook.
#include <array>
#include <memory>

#include "bindings.h"
#include "cpu_engine.h"
#include "js_args.h"
#include "leaf_limits.h"
#include "mth_core.cuh"
#include "promise_worker.h"

#if VRR_WITH_CUDA
#include <cuda_runtime_api.h>

#include "cuda_backend.h"
#endif

namespace vrr {

namespace {

Napi::Value digestPromise(Napi::Env env, PromiseWorker::Run run, std::shared_ptr<std::array<uint8_t, 32>> digest,
                          Napi::Uint8Array input) {
  auto* worker = new PromiseWorker(env, std::move(run),
                                   [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, digest->data(), 32); });
  worker->keepAlive(input);
  return worker->queue();
}

}  // namespace

Napi::Value Status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("sha256Accelerated", cpuHasShaExtensions());
#if VRR_WITH_CUDA
  const CudaProbe probe = probeCuda();
  out.Set("withCuda", true);
  out.Set("cudaDeviceCount", probe.deviceCount);
  out.Set("reason", probe.reason.empty() ? env.Null() : Napi::String::New(env, probe.reason));
  out.Set("driverCudaVersion",
          probe.driverCudaVersion > 0 ? Napi::Number::New(env, probe.driverCudaVersion) : env.Null());
  out.Set("runtimeVersion", CUDART_VERSION);
  out.Set("minimumDriverBranch", kMinimumDriverBranch);
#else
  out.Set("withCuda", false);
  out.Set("cudaDeviceCount", 0);
  out.Set("reason", "built without CUDA");
#endif
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("minLeafSize", kMinLeafSize);
  limits.Set("maxLeafSize", kMaxLeafSize);
  limits.Set("maxChunkBytes", static_cast<double>(kMaxChunkBytes));
  limits.Set("maxThreads", kMaxThreads);
  limits.Set("maxDeviceIndex", kMaxDeviceIndex);
  out.Set("limits", limits);
  return out;
}

// The portable __host__ __device__ core, exposed so tests can check it against NIST answers.
Napi::Value CoreSha256(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    Napi::Uint8Array bytes = JsOptions(info).bytes("bytes");
    uint8_t out[32];
    sha256Bytes(bytes.Data(), bytes.ByteLength(), out);
    return copyToBuffer(info.Env(), out, 32);
  });
}

Napi::Value CpuMth(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    Napi::Uint8Array bytes = args.bytes("data");
    const uint32_t leafSize = args.leafSize();
    const unsigned threads = args.threads();
    const uint8_t* data = bytes.Data();
    const uint64_t size = bytes.ByteLength();
    auto digest = std::make_shared<std::array<uint8_t, 32>>();
    return digestPromise(
        env, [=] { cpuMth(data, size, leafSize, threads, digest->data()); }, digest, bytes);
  });
}

Napi::Value CpuSha256(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    Napi::Uint8Array bytes = JsOptions(info).bytes("data");
    const uint8_t* data = bytes.Data();
    const uint64_t size = bytes.ByteLength();
    auto digest = std::make_shared<std::array<uint8_t, 32>>();
    return digestPromise(
        env, [=] { cpuSha256(data, size, digest->data()); }, digest, bytes);
  });
}

Napi::Value CpuMthFile(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const std::string path = args.string("path");
    const uint32_t leafSize = args.leafSize();
    const uint64_t offset = args.integer("offset");
    const int64_t length = args.lengthOrToEnd("length");
    const unsigned threads = args.threads();
    const bool sha256 = args.flag("sha256");
    auto result = std::make_shared<CpuFileDigest>();
    auto* worker = new PromiseWorker(
        env, [=] { *result = cpuMthFile(path, leafSize, offset, length, threads, sha256); },
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

// Plain SHA-256 of a whole file (model signatures hash many files, one stream each).
Napi::Value CpuSha256File(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const std::string path = JsOptions(info).string("path");
    auto result = std::make_shared<CpuFileSha256>();
    auto* worker = new PromiseWorker(
        env, [=] { *result = cpuSha256File(path); },
        [=](Napi::Env e) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("sha256", copyToBuffer(e, result->sha256, 32));
          out.Set("size", Napi::Number::New(e, static_cast<double>(result->size)));
          return out;
        });
    return worker->queue();
  });
}

}  // namespace vrr
