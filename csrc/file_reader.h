// File access for uploads and the CPU engine: positional reads (no shared file offset, so several
// threads can read one descriptor) and a double-buffered reader thread that fills the next
// staging buffer while the consumer copies and hashes the previous one.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace vrr {

class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::string& path);
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  uint64_t size() const { return size_; }
  // Reads exactly `length` bytes at `offset`; a short file is E_IO.
  void readExactly(uint64_t offset, uint8_t* out, uint64_t length) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// Resolves {offset, length (-1 = to end)} against the file size; out of range is E_BOUNDS.
uint64_t resolveFileRange(const ReadOnlyFile& file, uint64_t offset, int64_t length);

class DoubleBufferedReader {
 public:
  struct Chunk {
    int slot;
    uint64_t rangeOffset;  // offset of this chunk inside the requested range
    uint64_t length;
    uint8_t* data;
  };

  // `buffers` are two caller-owned buffers of chunkBytes each (pinned memory on CUDA).
  DoubleBufferedReader(const ReadOnlyFile& file, uint64_t fileOffset, uint64_t length, uint64_t chunkBytes,
                       uint8_t* buffers[2]);
  ~DoubleBufferedReader();
  // Waits for the next chunk; false at the end. Rethrows a read error.
  bool next(Chunk& chunk);
  // The consumer is done with the slot's bytes; the reader may refill it.
  void release(int slot);

 private:
  void run();

  const ReadOnlyFile& file_;
  uint64_t fileOffset_, length_, chunkBytes_;
  uint8_t* buffers_[2];
  std::mutex mutex_;
  std::condition_variable changed_;
  bool filled_[2] = {false, false};
  uint64_t filledLength_[2] = {0, 0};
  uint64_t filledOffset_[2] = {0, 0};
  uint64_t nextToConsume_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace vrr
