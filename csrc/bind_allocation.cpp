// Bindings of the operations on one allocation: uploads, hashing, fault injection. Each takes a
// Use of the allocation on the JS thread, so a later free() waits for it.
#include <array>
#include <memory>

#include "allocation.h"
#include "bindings.h"
#include "file_reader.h"
#include "js_args.h"
#include "leaf_limits.h"
#include "promise_worker.h"
#include "registry.h"

namespace vrr {

namespace {

using UsePtr = std::shared_ptr<Allocation::Use>;

// A closed device still serves its live allocations (so they can be read and freed).
UsePtr useOf(const JsOptions& args) {
  return std::make_shared<Allocation::Use>(
      Allocation::begin(registry().allocation(args.handle("device"), args.handle("allocation"))));
}

// Writes are refused on another process's export mapped here: it is read-only by contract.
UsePtr writableUseOf(const JsOptions& args) {
  UsePtr use = useOf(args);
  if (use->imported()) fail("E_POLICY", "this allocation is another process's sealed memory, mapped read-only");
  return use;
}

Napi::Value resolveUndefined(Napi::Env env) { return env.Undefined(); }

Napi::Value hashesPromise(Napi::Env env, PromiseWorker::Run run, std::shared_ptr<std::vector<uint8_t>> out) {
  auto* worker = new PromiseWorker(
      env, std::move(run), [=](Napi::Env e) -> Napi::Value { return copyToBuffer(e, out->data(), out->size()); });
  return worker->queue();
}

}  // namespace

Napi::Value Upload(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    UsePtr use = writableUseOf(args);
    const uint64_t offset = args.integer("deviceOffset");
    Napi::Uint8Array bytes = args.bytes("bytes");
    const uint8_t* data = bytes.Data();
    const uint64_t length = bytes.ByteLength();
    checkRange(offset, length, use->size(), "upload");
    auto* worker = new PromiseWorker(
        env,
        [=] {
          if (length > 0) use->backend().copyIn(use->base(), offset, data, length);
        },
        resolveUndefined);
    worker->keepAlive(bytes);
    return worker->queue();
  });
}

namespace {

// Progress from the worker thread to a JS callback; the thread-safe function is released when
// the upload ends, however it ends.
class ProgressSink {
 public:
  ProgressSink(Napi::Env env, Napi::Function callback) {
    if (!callback.IsEmpty()) {
      tsfn_ = std::make_shared<Napi::ThreadSafeFunction>(
          Napi::ThreadSafeFunction::New(env, callback, "vram-residency:progress", 0, 1));
    }
  }
  ProgressFn reporter() const {
    if (!tsfn_) return ProgressFn();
    auto tsfn = tsfn_;
    return [tsfn](uint64_t done) {
      auto* value = new uint64_t(done);
      const napi_status status = tsfn->NonBlockingCall(value, [](Napi::Env e, Napi::Function fn, uint64_t* v) {
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
  void release() const {
    if (tsfn_) tsfn_->Release();
  }

 private:
  std::shared_ptr<Napi::ThreadSafeFunction> tsfn_;
};

}  // namespace

Napi::Value UploadFile(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    UsePtr use = writableUseOf(args);
    auto request = std::make_shared<UploadFileRequest>();
    request->path = args.string("path");
    request->fileOffset = args.integer("fileOffset");
    const int64_t length = args.lengthOrToEnd("length");
    request->deviceOffset = args.integer("deviceOffset");
    request->leafSize = args.leafSize();
    request->sha256 = args.flag("sha256");
    request->chunkBytes = args.integer("chunkBytes");
    if (request->chunkBytes == 0 || request->chunkBytes % request->leafSize != 0 ||
        request->chunkBytes > kMaxChunkBytes) {
      fail("E_ARG", "chunkBytes must be a positive multiple of leafSize, at most 1 GiB");
    }
    const ProgressSink progress(env, args.optionalFunction("onProgress"));
    auto result = std::make_shared<UploadFileResult>();
    auto* worker = new PromiseWorker(
        env,
        [=] {
          struct ReleaseOnExit {
            const ProgressSink& sink;
            ~ReleaseOnExit() { sink.release(); }
          } releaseOnExit{progress};
          {
            ReadOnlyFile file(request->path);
            request->length = resolveFileRange(file, request->fileOffset, length);
          }
          checkRange(request->deviceOffset, request->length, use->size(), "uploadFile destination");
          use->backend().uploadFile(use->base(), *request, *result, progress.reporter());
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

namespace {

// The shared preamble of the hashing calls: options, a Use of the allocation, the leaf size.
template <typename Body>
Napi::Value hashingOp(const Napi::CallbackInfo& info, Body body) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    const UsePtr use = useOf(args);
    return body(env, args, use, args.leafSize());
  });
}

}  // namespace

Napi::Value LeafHashes(const Napi::CallbackInfo& info) {
  return hashingOp(info, [](Napi::Env env, const JsOptions& args, UsePtr use, uint32_t leafSize) {
    const uint64_t first = args.integer("firstLeaf");
    const uint64_t count = args.integer("count");
    const uint64_t leaves = leafCountFor(use->size(), leafSize);
    if (first > leaves || count > leaves - first) {
      fail("E_BOUNDS", "leaves [" + std::to_string(first) + ", +" + std::to_string(count) + ") are outside the " +
                           std::to_string(leaves) + " leaves of the allocation");
    }
    auto out = std::make_shared<std::vector<uint8_t>>(32 * count);
    return hashesPromise(
        env, [=] { use->backend().leafHashes(use->base(), use->size(), leafSize, first, count, nullptr, out->data()); },
        out);
  });
}

Napi::Value ChosenLeafHashes(const Napi::CallbackInfo& info) {
  return hashingOp(info, [](Napi::Env env, const JsOptions& args, UsePtr use, uint32_t leafSize) {
    auto indices = std::make_shared<std::vector<uint64_t>>(args.integers("indices"));
    const uint64_t leaves = leafCountFor(use->size(), leafSize);
    for (const uint64_t index : *indices) {
      if (index >= leaves) {
        fail("E_BOUNDS", "leaf index " + std::to_string(index) + " is outside the " + std::to_string(leaves) +
                             " leaves of the allocation");
      }
    }
    auto out = std::make_shared<std::vector<uint8_t>>(32 * indices->size());
    return hashesPromise(
        env,
        [=] {
          use->backend().leafHashes(use->base(), use->size(), leafSize, 0, indices->size(), indices.get(), out->data());
        },
        out);
  });
}

Napi::Value Root(const Napi::CallbackInfo& info) {
  return hashingOp(info, [](Napi::Env env, const JsOptions&, UsePtr use, uint32_t leafSize) {
    auto out = std::make_shared<std::vector<uint8_t>>(32);
    return hashesPromise(
        env, [=] { use->backend().root(use->base(), use->size(), leafSize, out->data()); }, out);
  });
}

Napi::Value FlipBits(const Napi::CallbackInfo& info) {
  return asyncOp(info, [&](Napi::Env env) -> Napi::Value {
    const JsOptions args(info);
    UsePtr use = writableUseOf(args);
    if (!registry().device(args.handle("device")).faultInjection) {
      fail("E_POLICY", "fault injection is disabled on this device; open it with faultInjection: true (tests only)");
    }
    const uint64_t offset = args.integer("offset");
    const uint64_t mask = args.integer("mask");
    if (mask == 0 || mask > 255) fail("E_ARG", "mask must be between 1 and 255");
    checkRange(offset, 1, use->size(), "flipBits");
    auto* worker = new PromiseWorker(
        env, [=] { use->backend().xorByte(use->base(), offset, static_cast<uint8_t>(mask)); }, resolveUndefined);
    return worker->queue();
  });
}

Napi::Value IsDeviceMemory(const Napi::CallbackInfo& info) {
  return syncOp(info, [&]() -> Napi::Value {
    UsePtr use = useOf(JsOptions(info));
    return Napi::Boolean::New(info.Env(), use->backend().isDeviceMemory(use->base()));
  });
}

}  // namespace vrr
