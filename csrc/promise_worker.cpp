#include "promise_worker.h"

#include <v8.h>

#include <cstring>

namespace vrr {

Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

Napi::Buffer<uint8_t> copyToBuffer(Napi::Env env, const uint8_t* data, size_t length) {
  return Napi::Buffer<uint8_t>::Copy(env, data, length);
}

namespace {

// In Node a napi_value is a v8::Local<v8::Value> (src/js_native_api_v8.h); this reads the V8
// BackingStore behind a Uint8Array, a reference-counted owner of its bytes.
std::shared_ptr<v8::BackingStore> backingStoreOf(Napi::Uint8Array bytes) {
  napi_value raw = bytes;
  v8::Local<v8::Value> value;
  static_assert(sizeof(value) == sizeof(raw), "napi_value must be a v8::Local<v8::Value>");
  std::memcpy(static_cast<void*>(&value), &raw, sizeof(raw));
  return value.As<v8::Uint8Array>()->Buffer()->GetBackingStore();
}

}  // namespace

PromiseWorker::PromiseWorker(Napi::Env env, Run run, Resolve resolve)
    : Napi::AsyncWorker(env, "vram-residency"),
      deferred_(Napi::Promise::Deferred::New(env)),
      run_(std::move(run)),
      resolve_(std::move(resolve)) {}

void PromiseWorker::keepAlive(Napi::Uint8Array bytes) {
  kept_.push_back(Napi::Persistent(static_cast<Napi::Value>(bytes)));
  pinned_.push_back(backingStoreOf(bytes));
}

Napi::Promise PromiseWorker::queue() {
  Napi::Promise promise = deferred_.Promise();
  Queue();
  return promise;
}

void PromiseWorker::Execute() {
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

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  try {
    deferred_.Resolve(resolve_(env));
  } catch (const Napi::Error& e) {
    deferred_.Reject(e.Value());
  }
}

void PromiseWorker::OnError(const Napi::Error& e) { deferred_.Reject(codedError(Env(), code_, e.Message()).Value()); }

Napi::Value asyncOp(const Napi::CallbackInfo& info, const std::function<Napi::Value(Napi::Env)>& setup) {
  try {
    return setup(info.Env());
  } catch (const NativeError& e) {
    auto deferred = Napi::Promise::Deferred::New(info.Env());
    deferred.Reject(codedError(info.Env(), e.code(), e.what()).Value());
    return deferred.Promise();
  }
}

}  // namespace vrr
