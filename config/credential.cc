#include "config/credential.h"

#include <fcntl.h>
#include <string.h>  // explicit_bzero
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace tw::config {
namespace {

// Owns a file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// A buffer that is wiped when it goes out of scope unless its contents were handed over.
class SecretBuffer {
 public:
  explicit SecretBuffer(std::size_t size) : bytes_(size, '\0') {}
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  ~SecretBuffer() { explicit_bzero(bytes_.data(), bytes_.size()); }
  [[nodiscard]] std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

std::string describe_errno(int error) {
  return std::generic_category().message(error);
}

std::string in_quotes(const std::filesystem::path& file) {
  return "'" + file.string() + "'";
}

std::string octal_mode(mode_t mode) {
  char buffer[8] = {};
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777U));
  return buffer;
}

// Reads up to `buffer.size()` bytes; returns how many, or -1 with errno set.
ssize_t read_fully(int fd, std::string& buffer) {
  std::size_t total = 0;
  while (total < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + total, buffer.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(total);
}

bool is_token_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte < 0x7f;
}

}  // namespace

std::expected<Secret, std::string> read_credential(const std::filesystem::path& file) {
  // O_NONBLOCK so that a FIFO planted under the credential's name cannot hang the load.
  const FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT)
      return std::unexpected("credential file " + in_quotes(file) + " does not exist");
    return std::unexpected("cannot open credential file " + in_quotes(file) + ": " +
                           describe_errno(error));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    return std::unexpected("cannot inspect credential file " + in_quotes(file) + ": " +
                           describe_errno(errno));
  }
  if (!S_ISREG(status.st_mode)) {
    return std::unexpected("credential " + in_quotes(file) + " is not a regular file");
  }
  if ((status.st_mode & 077U) != 0) {
    return std::unexpected("credential file " + in_quotes(file) +
                           " is accessible by group or others (mode " + octal_mode(status.st_mode) +
                           "); run: chmod 600 " + in_quotes(file));
  }

  // Room for the longest token, its line ending, and one byte more to detect a longer file.
  SecretBuffer buffer(kMaxCredentialBytes + 3);
  std::string& bytes = buffer.bytes();
  const ssize_t length = read_fully(fd.get(), bytes);
  if (length < 0) {
    return std::unexpected("cannot read credential file " + in_quotes(file) + ": " +
                           describe_errno(errno));
  }
  auto size = static_cast<std::size_t>(length);
  if (size > 0 && bytes[size - 1] == '\n') {
    --size;
    if (size > 0 && bytes[size - 1] == '\r') --size;
  }
  if (size == 0) return std::unexpected("credential file " + in_quotes(file) + " is empty");
  if (size > kMaxCredentialBytes) {
    return std::unexpected("credential file " + in_quotes(file) + " is longer than " +
                           std::to_string(kMaxCredentialBytes) + " bytes");
  }
  if (!std::all_of(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size),
                   is_token_char)) {
    return std::unexpected("credential file " + in_quotes(file) +
                           " must hold the token alone on one line; it contains whitespace, "
                           "control or non-ASCII characters");
  }
  return Secret(std::string(bytes.data(), size));
}

}  // namespace tw::config
