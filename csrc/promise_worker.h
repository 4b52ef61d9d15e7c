// Every long operation runs in a Napi::AsyncWorker (libuv pool) and settles a Promise; every
// failure becomes an Error with a stable `code` that lib/native maps to a typed error.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "native_error.h"

namespace v8 {
class BackingStore;
}

namespace vrr {

Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message);
Napi::Buffer<uint8_t> copyToBuffer(Napi::Env env, const uint8_t* data, size_t length);

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Run = std::function<void()>;
  using Resolve = std::function<Napi::Value(Napi::Env)>;

  PromiseWorker(Napi::Env env, Run run, Resolve resolve);

  // Keeps an input buffer's bytes alive until the worker is destroyed on the main thread. The
  // reference keeps the view; the V8 BackingStore keeps the memory even if JS transfers the buffer
  // away and the receiver is collected (N-API alone cannot pin it: that crashed the process).
  // lib/native copies resizable and shared buffers first, whose memory can shrink or change.
  void keepAlive(Napi::Uint8Array bytes);
  Napi::Promise queue();

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& e) override;

 private:
  Napi::Promise::Deferred deferred_;
  Run run_;
  Resolve resolve_;
  std::string code_ = "E_IO";
  std::vector<Napi::Reference<Napi::Value>> kept_;
  std::vector<std::shared_ptr<v8::BackingStore>> pinned_;
};

// Starts an async operation: `setup` (argument checks, handle lookups) runs on the JS thread and
// queues a PromiseWorker; a failure there is a rejected Promise too, so callers see one error path.
Napi::Value asyncOp(const Napi::CallbackInfo& info, const std::function<Napi::Value(Napi::Env)>& setup);

// A synchronous call whose NativeError becomes a thrown coded JS Error.
template <typename F>
auto syncOp(const Napi::CallbackInfo& info, F body) -> decltype(body()) {
  try {
    return body();
  } catch (const NativeError& e) {
    throw codedError(info.Env(), e.code(), e.what());
  }
}

}  // namespace vrr
