// Reading a call's arguments. Every addon function takes one options object and reads its fields
// by name (lib/native validates first; this is the last line of defence): a wrong type or range
// is E_ARG naming the field.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vrr {

class JsOptions {
 public:
  // The call's first argument, which must be an object.
  explicit JsOptions(const Napi::CallbackInfo& info);
  explicit JsOptions(Napi::Object object) : object_(object) {}

  uint64_t integer(const char* name) const;  // 0 ... 2^53-1
  uint64_t integerAtMost(const char* name, uint64_t max) const;
  uint64_t integerOr(const char* name, uint64_t fallback, uint64_t max) const;  // missing = fallback
  uint32_t handle(const char* name) const;                                      // a device or allocation handle
  uint32_t leafSize(const char* name = "leafSize") const;                       // SPEC §1 limits (leaf_limits.h)
  unsigned threads(const char* name = "threads") const;                         // 0 = all cores, at most kMaxThreads
  int64_t lengthOrToEnd(const char* name) const;                                // missing / -1 = "to the end" (-1)
  bool flag(const char* name) const;                                            // missing = false
  std::string string(const char* name) const;
  Napi::Uint8Array bytes(const char* name) const;
  std::vector<uint64_t> integers(const char* name) const;   // an array of 0 ... 2^53-1
  Napi::Function optionalFunction(const char* name) const;  // empty when missing
  uint64_t bigint(const char* name) const;                  // a BigInt 0 ... 2^64-1
  JsOptions object(const char* name) const;                 // a nested options object

 private:
  Napi::Value get(const char* name) const;
  Napi::Object object_;
};

}  // namespace vrr
