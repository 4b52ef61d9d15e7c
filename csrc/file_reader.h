// File access for uploads and the CPU engine: positional reads (no shared file offset, so several
// threads can read one descriptor) and a reader thread that fills staging slots ahead of the
// consumer that copies and hashes them.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

// A reader thread that fills staging slots in turn (pinned memory on CUDA) while the consumer
// copies earlier slots to the device; a slot is refilled only after the consumer released it.
class StagingReader {
 public:
  struct Chunk {
    int slot;
    uint64_t rangeOffset;  // offset of this chunk inside the requested range
    uint64_t length;
    uint8_t* data;
  };

  // `buffers` are caller-owned buffers of chunkBytes each, used round-robin.
  StagingReader(const ReadOnlyFile& file, uint64_t fileOffset, uint64_t length, uint64_t chunkBytes,
                std::vector<uint8_t*> buffers);
  ~StagingReader();
  // Waits for the next chunk; false at the end. Rethrows a read error.
  bool next(Chunk& chunk);
  // The consumer is done with the slot's bytes; the reader may refill it.
  void release(int slot);

 private:
  void run();

  const ReadOnlyFile& file_;
  uint64_t fileOffset_, length_, chunkBytes_;
  std::vector<uint8_t*> buffers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<bool> filled_;
  std::vector<uint64_t> filledLength_;
  std::vector<uint64_t> filledOffset_;
  uint64_t nextToConsume_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace vrr
