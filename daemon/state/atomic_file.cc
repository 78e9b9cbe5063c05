#include "daemon/state/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tw::state {
namespace {

std::string system_error_text(int error) {
  return std::strerror(error);
}

// Closes a descriptor once; close errors matter only where checked explicitly.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }
  // Closes now and returns errno on failure (0 on success).
  int close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

int write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

int open_temporary(const std::filesystem::path& temp, unsigned mode) {
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
  int fd = ::open(temp.c_str(), flags, static_cast<mode_t>(mode));
  if (fd < 0 && errno == EEXIST) {
    // Left by a process with our pid that died before cleaning up (pids repeat across boots,
    // and in containers): nothing else can own that name, so it is stale.
    ::unlink(temp.c_str());
    fd = ::open(temp.c_str(), flags, static_cast<mode_t>(mode));
  }
  return fd;
}

}  // namespace

std::expected<void, std::string> write_file_atomically(const std::filesystem::path& target,
                                                       std::string_view content, unsigned mode) {
  const std::filesystem::path temp = target.string() + ".tmp." + std::to_string(::getpid());
  const auto failure = [&](std::string_view step, const std::filesystem::path& file, int error) {
    return std::unexpected("cannot write " + target.string() + ": " + std::string(step) + " " +
                           file.string() + ": " + system_error_text(error));
  };

  Descriptor file(open_temporary(temp, mode));
  if (file.get() < 0) return failure("creating", temp, errno);
  // Exactly `mode`, whatever the umask.
  int error = ::fchmod(file.get(), static_cast<mode_t>(mode)) == 0 ? 0 : errno;
  std::string_view step = "setting the mode of";
  if (error == 0) {
    error = write_all(file.get(), content);
    step = "writing";
  }
  if (error == 0) {
    error = ::fsync(file.get()) == 0 ? 0 : errno;
    step = "syncing";
  }
  if (const int close_error = file.close(); error == 0 && close_error != 0) {
    error = close_error;
    step = "closing";
  }
  if (error == 0 && ::rename(temp.c_str(), target.c_str()) != 0) {
    error = errno;
    step = "renaming";
  }
  if (error != 0) {
    ::unlink(temp.c_str());
    return failure(step, temp, error);
  }

  // The rename is durable once the directory is synced.
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return failure("opening the directory", directory, errno);
  // EINVAL: the file system cannot sync directories; there is nothing more to do.
  if (::fsync(dir.get()) != 0 && errno != EINVAL) {
    return failure("syncing the directory", directory, errno);
  }
  return {};
}

}  // namespace tw::state
