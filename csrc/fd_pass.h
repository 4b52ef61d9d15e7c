// Passing one file descriptor to another process of the same user: an abstract Unix socket whose
// accept thread answers each peer of the same uid with the descriptor (SCM_RIGHTS). The CUDA
// exportable memory pool is shared this way (cudaMemPoolExportToShareableHandle gives a POSIX fd).
#pragma once
#include <atomic>
#include <string>
#include <thread>

namespace vrr {

class FdServer {
 public:
  // Serves `fd` (kept open by the caller) under the abstract name "vram-residency-fd-<token>".
  explicit FdServer(int fd);
  ~FdServer();
  FdServer(const FdServer&) = delete;
  FdServer& operator=(const FdServer&) = delete;
  const std::string& token() const { return token_; }

 private:
  void serve();
  int fd_;
  int listener_ = -1;
  std::string token_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Connects to the server named `token` and returns the descriptor it sends (the caller closes it);
// E_STALE_HANDLE when no server answers (the exporter ended or stopped sharing).
int receiveFd(const std::string& token);

}  // namespace vrr
