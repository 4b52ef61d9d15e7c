#include "js_args.h"

#include <cmath>

#include "allocation.h"
#include "leaf_limits.h"
#include "native_error.h"

namespace vrr {

namespace {

bool isSafeInteger(double v) { return v >= 0 && v <= kMaxSafeInteger && std::floor(v) == v; }

}  // namespace

JsOptions::JsOptions(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) fail("E_ARG", "the addon takes one options object");
  object_ = info[0].As<Napi::Object>();
}

Napi::Value JsOptions::get(const char* name) const { return object_.Get(name); }

uint64_t JsOptions::integer(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsNumber()) fail("E_ARG", std::string(name) + " must be a number");
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!isSafeInteger(v)) fail("E_ARG", std::string(name) + " must be an integer between 0 and 2^53-1");
  return static_cast<uint64_t>(v);
}

uint64_t JsOptions::integerAtMost(const char* name, uint64_t max) const {
  const uint64_t v = integer(name);
  if (v > max) fail("E_ARG", std::string(name) + " must be between 0 and " + std::to_string(max));
  return v;
}

uint64_t JsOptions::integerOr(const char* name, uint64_t fallback, uint64_t max) const {
  return get(name).IsUndefined() ? fallback : integerAtMost(name, max);
}

uint32_t JsOptions::handle(const char* name) const {
  const uint64_t v = integer(name);
  if (v > 0xffffffffu) fail("E_ARG", std::string(name) + " is not a handle");
  return static_cast<uint32_t>(v);
}

uint32_t JsOptions::leafSize(const char* name) const {
  const uint64_t v = integer(name);
  checkLeafSize(v);
  return static_cast<uint32_t>(v);
}

unsigned JsOptions::threads(const char* name) const {
  const Napi::Value value = get(name);
  if (value.IsUndefined()) return 0;
  return static_cast<unsigned>(std::min<uint64_t>(integer(name), kMaxThreads));
}

int64_t JsOptions::lengthOrToEnd(const char* name) const {
  const Napi::Value value = get(name);
  if (value.IsUndefined() || (value.IsNumber() && value.As<Napi::Number>().DoubleValue() == -1)) return -1;
  return static_cast<int64_t>(integer(name));
}

bool JsOptions::flag(const char* name) const { return get(name).ToBoolean().Value(); }

std::string JsOptions::string(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsString()) fail("E_ARG", std::string(name) + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

Napi::Uint8Array JsOptions::bytes(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    fail("E_ARG", std::string(name) + " must be a Uint8Array");
  }
  return value.As<Napi::Uint8Array>();
}

std::vector<uint64_t> JsOptions::integers(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsArray()) fail("E_ARG", std::string(name) + " must be an array of integers");
  const Napi::Array array = value.As<Napi::Array>();
  std::vector<uint64_t> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    const Napi::Value item = array.Get(i);
    if (!item.IsNumber() || !isSafeInteger(item.As<Napi::Number>().DoubleValue())) {
      fail("E_ARG", std::string(name) + " must hold integers between 0 and 2^53-1");
    }
    out.push_back(static_cast<uint64_t>(item.As<Napi::Number>().DoubleValue()));
  }
  return out;
}

Napi::Function JsOptions::optionalFunction(const char* name) const {
  const Napi::Value value = get(name);
  if (value.IsUndefined() || value.IsNull()) return Napi::Function();
  if (!value.IsFunction()) fail("E_ARG", std::string(name) + " must be a function");
  return value.As<Napi::Function>();
}

uint64_t JsOptions::bigint(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsBigInt()) fail("E_ARG", std::string(name) + " must be a bigint");
  bool lossless = false;
  const uint64_t v = value.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) fail("E_ARG", std::string(name) + " must be between 0 and 2^64-1");
  return v;
}

JsOptions JsOptions::object(const char* name) const {
  const Napi::Value value = get(name);
  if (!value.IsObject()) fail("E_ARG", std::string(name) + " must be an object");
  return JsOptions(value.As<Napi::Object>());
}

}  // namespace vrr
