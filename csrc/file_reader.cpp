#include "file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "native_error.h"

namespace vrr {

ReadOnlyFile::ReadOnlyFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail("E_IO", "cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    fail("E_IO", "cannot stat " + path + ": " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    fail("E_IO", path + " is not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ReadOnlyFile::readExactly(uint64_t offset, uint8_t* out, uint64_t length) const {
  uint64_t done = 0;
  while (done < length) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, 1u << 30));
    const ssize_t got = ::pread(fd_, out + done, want, static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("E_IO", "read of " + path_ + " failed: " + std::strerror(errno));
    }
    if (got == 0) fail("E_IO", path_ + " ended early (file shrank while being read?)");
    done += static_cast<uint64_t>(got);
  }
}

uint64_t resolveFileRange(const ReadOnlyFile& file, uint64_t offset, int64_t length) {
  if (offset > file.size()) {
    fail("E_BOUNDS", "file offset " + std::to_string(offset) + " is past the end of the file (" +
                         std::to_string(file.size()) + " bytes)");
  }
  if (length < 0) return file.size() - offset;
  if (static_cast<uint64_t>(length) > file.size() - offset) {
    fail("E_BOUNDS", "file range [" + std::to_string(offset) + ", +" + std::to_string(length) +
                         ") is past the end of the file (" + std::to_string(file.size()) + " bytes)");
  }
  return static_cast<uint64_t>(length);
}

StagingReader::StagingReader(const ReadOnlyFile& file, uint64_t fileOffset, uint64_t length, uint64_t chunkBytes,
                             std::vector<uint8_t*> buffers)
    : file_(file),
      fileOffset_(fileOffset),
      length_(length),
      chunkBytes_(chunkBytes),
      buffers_(std::move(buffers)),
      filled_(buffers_.size(), false),
      filledLength_(buffers_.size(), 0),
      filledOffset_(buffers_.size(), 0) {
  thread_ = std::thread([this] { run(); });
}

StagingReader::~StagingReader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void StagingReader::run() {
  try {
    uint64_t index = 0;
    for (uint64_t offset = 0; offset < length_; offset += chunkBytes_, index++) {
      const int slot = static_cast<int>(index % buffers_.size());
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || !filled_[slot]; });
        if (stop_) return;
      }
      const uint64_t n = std::min(chunkBytes_, length_ - offset);
      file_.readExactly(fileOffset_ + offset, buffers_[slot], n);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        filled_[slot] = true;
        filledLength_[slot] = n;
        filledOffset_[slot] = offset;
      }
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
    changed_.notify_all();
  }
}

bool StagingReader::next(Chunk& chunk) {
  if (nextToConsume_ * chunkBytes_ >= length_) return false;
  const int slot = static_cast<int>(nextToConsume_ % buffers_.size());
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return filled_[slot] || error_; });
  if (!filled_[slot] && error_) std::rethrow_exception(error_);
  chunk = Chunk{slot, filledOffset_[slot], filledLength_[slot], buffers_[slot]};
  nextToConsume_++;
  return true;
}

void StagingReader::release(int slot) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    filled_[slot] = false;
  }
  changed_.notify_all();
}

}  // namespace vrr
