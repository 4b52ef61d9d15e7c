// Minimal fork-join helper: runs body(i) for i in [0, count) on up to `threads` OS threads.
// Long operations already run off the event loop (libuv worker); this only splits one of them
// across cores. The first exception thrown by any part is rethrown to the caller.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace vrr {

template <typename Body>
void parallelFor(uint64_t count, unsigned threads, Body body) {
  if (count == 0) return;
  const unsigned workers = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, count)));
  std::atomic<uint64_t> next{0};
  std::exception_ptr firstError;
  std::mutex errorMutex;
  auto run = [&]() {
    try {
      for (uint64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) body(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (!firstError) firstError = std::current_exception();
      next.store(count);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; w++) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (firstError) std::rethrow_exception(firstError);
}

inline unsigned defaultThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace vrr
