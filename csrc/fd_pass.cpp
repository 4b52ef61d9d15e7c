// FdServer / receiveFd (fd_pass.h): SCM_RIGHTS over an abstract Unix socket, same uid only.
#include "fd_pass.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ipc.h"
#include "native_error.h"

namespace vrr {

namespace {

socklen_t addressOf(const std::string& token, sockaddr_un& address) {
  std::memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  const std::string name = "vram-residency-fd-" + token;  // abstract: sun_path[0] stays '\0'
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
}

void sendFd(int connection, int fd) {
  char byte = 'f';
  iovec io{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&message);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  sendmsg(connection, &message, MSG_NOSIGNAL);
}

}  // namespace

FdServer::FdServer(int fd) : fd_(fd), token_(randomToken()) {
  listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address;
  const socklen_t length = addressOf(token_, address);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener_, 16) != 0) {
    const int e = errno;
    if (listener_ >= 0) close(listener_);
    fail("E_IPC_UNAVAILABLE", std::string("cannot share the memory pool's descriptor: ") + std::strerror(e));
  }
  thread_ = std::thread([this] { serve(); });
}

FdServer::~FdServer() {
  stop_.store(true);
  shutdown(listener_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  close(listener_);
}

void FdServer::serve() {
  while (!stop_.load()) {
    const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    ucred peer{};
    socklen_t size = sizeof peer;
    // Only processes of this user get the descriptor (the abstract namespace is open to all).
    if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0 && peer.uid == getuid()) {
      sendFd(connection, fd_);
    }
    close(connection);
  }
}

int receiveFd(const std::string& token) {
  const int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("E_IPC_UNAVAILABLE", std::string("socket: ") + std::strerror(errno));
  sockaddr_un address;
  const socklen_t length = addressOf(token, address);
  if (connect(s, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    const int e = errno;
    close(s);
    fail("E_STALE_HANDLE", std::string("the exporter no longer shares this memory pool (") + std::strerror(e) +
                               "): the lease was released or the process ended");
  }
  char byte = 0;
  iovec io{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(s, &message, MSG_CMSG_CLOEXEC);
  close(s);
  cmsghdr* c = n > 0 ? CMSG_FIRSTHDR(&message) : nullptr;
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) {
    fail("E_IPC_UNAVAILABLE", "the exporter refused to share the memory pool (run as the exporter's user)");
  }
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

}  // namespace vrr
