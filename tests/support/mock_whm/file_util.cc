#include "tests/support/mock_whm/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace tw::mock {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what) {
  throw std::system_error(errno, std::generic_category(), std::string(what) + " " + path.string());
}

}  // namespace

void write_file(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) fail(path, "cannot open");
  if (::fchmod(fd, mode) != 0) {
    ::close(fd);
    fail(path, "cannot chmod");
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail(path, "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail(path, "cannot close");
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  write_file(temporary, content, mode);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail(path, "cannot rename to");
}

}  // namespace tw::mock
