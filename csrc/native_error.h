// Failures inside the addon carry a stable code that lib/native maps to DeviceError.
// Messages say what happened; they never carry pointers or data bytes.
#pragma once
#include <stdexcept>
#include <string>

namespace vrr {

class NativeError : public std::runtime_error {
 public:
  NativeError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

[[noreturn]] inline void fail(const char* code, const std::string& message) { throw NativeError(code, message); }

[[noreturn]] inline void failDeviceLost(const std::string& backend, int index) {
  fail("E_DEVICE_LOST", backend + " device " + std::to_string(index) +
                            " was lost after a sticky error (illegal address, launch failure or uncorrectable ECC); "
                            "it refuses further work: restart the process and check the GPU (nvidia-smi, dmesg)");
}

}  // namespace vrr
