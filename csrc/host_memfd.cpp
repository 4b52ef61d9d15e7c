// host-sim memory as a sealed memfd: the same pages another process maps read-only through
// /proc/<exporter pid>/fd/<fd>. Exporting adds F_SEAL_FUTURE_WRITE, so no process can gain a new
// writable mapping or write() it, while the exporter's own mapping (zeroing on free, fault
// injection) keeps working. The memfd's name carries a random token: a handle whose fd number now
// names another file, or nothing, is refused as stale instead of mapping other bytes.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ipc.h"
#include "native_error.h"

namespace vrr {

namespace {

constexpr const char* kNamePrefix = "vram-residency-";
constexpr unsigned kExportSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE;

[[noreturn]] void failStale(const IpcHandle& h, const std::string& why) {
  fail("E_STALE_HANDLE", "the IPC handle no longer names sealed memory of process " + std::to_string(h.pid) + " (" +
                             why +
                             "): the lease was released or the exporter ended; ask the exporter for a new handle");
}

// Opens the exporter's memfd read-only and checks it is the one the handle names; returns the fd.
int openExported(const IpcHandle& h) {
  if (h.kind != "host-memfd") fail("E_ARG", "not a host-memfd handle");
  const std::string path = "/proc/" + std::to_string(h.pid) + "/fd/" + std::to_string(h.fd);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == EACCES || e == EPERM) {
      fail("E_IPC_UNAVAILABLE", "cannot open " + path + ": " + std::strerror(e) +
                                    " (the consumer must run as the exporter's user, in the same PID namespace)");
    }
    failStale(h, std::strerror(e));
  }
  char link[512];
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
  const std::string expected = std::string("/memfd:") + kNamePrefix + h.token;
  struct stat st {};
  const bool same = n > 0 && std::string(link, static_cast<size_t>(n)).rfind(expected, 0) == 0 && fstat(fd, &st) == 0 &&
                    static_cast<uint64_t>(st.st_size) == h.size;
  const int seals = fcntl(fd, F_GET_SEALS);
  if (!same || seals < 0 || (static_cast<unsigned>(seals) & F_SEAL_FUTURE_WRITE) == 0) {
    close(fd);
    failStale(h, "the descriptor now names other memory");
  }
  return fd;
}

}  // namespace

std::string randomToken() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("E_IO", "getrandom failed");
    got += static_cast<size_t>(n);
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

MemfdRegion memfdAllocate(uint64_t size) {
  MemfdRegion region;
  region.token = randomToken();
  const std::string name = kNamePrefix + region.token;
  const int fd = memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd >= 0) {
    if (ftruncate(fd, static_cast<off_t>(size)) == 0) {
      void* p = mmap(nullptr, static_cast<size_t>(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (p != MAP_FAILED) {
        region.base = p;
        region.fd = fd;
        return region;
      }
    }
    close(fd);
  }
  // No memfd here (or no room for it): plain zeroed host memory, which cannot be exported.
  region.base = std::calloc(1, static_cast<size_t>(size));
  if (region.base == nullptr)
    fail("E_OUT_OF_MEMORY", "host-sim: the host has no " + std::to_string(size) + " bytes left");
  return region;
}

void memfdFree(const MemfdRegion& region, uint64_t size) {
  if (region.fd < 0) {
    std::free(region.base);
    return;
  }
  munmap(region.base, static_cast<size_t>(size));
  close(region.fd);
}

IpcHandle memfdExport(const MemfdRegion& region, uint64_t size) {
  if (region.fd < 0) {
    fail("E_IPC_UNAVAILABLE", "this host-sim allocation is plain host memory (memfd_create failed when it was made)");
  }
  const int seals = fcntl(region.fd, F_GET_SEALS);
  if (seals < 0 || ((static_cast<unsigned>(seals) & kExportSeals) != kExportSeals &&
                    fcntl(region.fd, F_ADD_SEALS, kExportSeals) != 0)) {
    fail("E_IPC_UNAVAILABLE", std::string("cannot seal the memfd against writers: ") + std::strerror(errno) +
                                  " (F_SEAL_FUTURE_WRITE needs Linux 5.1 or newer)");
  }
  IpcHandle h;
  h.kind = "host-memfd";
  h.pid = getpid();
  h.fd = region.fd;
  h.token = region.token;
  h.size = size;
  return h;
}

void* memfdImport(const IpcHandle& h) {
  const int fd = openExported(h);
  void* p = mmap(nullptr, static_cast<size_t>(h.size), PROT_READ, MAP_SHARED, fd, 0);
  const int e = errno;
  close(fd);  // the mapping keeps the memory; no descriptor stays open in the consumer
  if (p == MAP_FAILED)
    fail("E_IPC_UNAVAILABLE", std::string("mmap of the exported memory failed: ") + std::strerror(e));
  return p;
}

void memfdUnmap(void* base, uint64_t size) { munmap(base, static_cast<size_t>(size)); }

void memfdCheckLive(const IpcHandle& h) { close(openExported(h)); }

IpcSupport memfdSupport() {
  IpcSupport s;
  s.kind = "host-memfd";
  const int fd = memfd_create("vram-residency-probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    s.detail = std::string("memfd_create failed: ") + std::strerror(errno);
    return s;
  }
  const bool sealed = ftruncate(fd, 4096) == 0 && fcntl(fd, F_ADD_SEALS, kExportSeals) == 0;
  s.detail = sealed ? "memfd sealed with F_SEAL_FUTURE_WRITE, opened read-only through /proc/<pid>/fd"
                    : std::string("F_SEAL_FUTURE_WRITE refused: ") + std::strerror(errno) + " (needs Linux 5.1+)";
  s.available = sealed;
  close(fd);
  return s;
}

}  // namespace vrr
