#include "daemon/audit/trail_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "daemon/audit/events.h"
#include "daemon/audit/trail_reader.h"

namespace tw::audit {
namespace {

std::string system_error(std::string_view what, const std::filesystem::path& path, int error) {
  return "audit trail: cannot " + std::string(what) + " " + path.string() + ": " +
         std::strerror(error);
}

EpochMillis system_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Where the chain continues from when the trail file holds no record.
struct Head {
  std::uint64_t seq = 0;
  std::string hash;
  std::optional<std::string> file;  // where that record is (or was)
};

bool is_hash(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The head file: nullopt when there is none; an error when it is there but unreadable.
std::expected<std::optional<Head>, std::string> read_head(const std::filesystem::path& file) {
  if (file.empty()) return std::nullopt;
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    return std::unexpected(system_error("read the chain head", file, errno));
  }
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(content, error);
  const auto bad = [&] {
    return std::unexpected("audit trail: the chain head " + file.string() +
                           " is not {\"seq\":N,\"hash\":\"<64 hex>\",\"file\":\"...\"}; an "
                           "operator must check the trail and remove or fix it");
  };
  if (error || !value.is_object()) return bad();
  const auto& object = value.get_object();
  const auto seq = seq_of(object);
  const auto hash = string_member(object, "hash");
  if (!seq || !hash || !is_hash(*hash)) return bad();
  return Head{*seq, *hash, string_member(object, "file")};
}

std::expected<void, std::string> sync_directory(const std::filesystem::path& file) {
  std::filesystem::path directory = file.parent_path();
  if (directory.empty()) directory = ".";
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(system_error("open the directory", directory, errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return std::unexpected(system_error("sync the directory", directory, error));
  return {};
}

// Writes `content` to `file` atomically: a temporary file, synced, renamed over it.
std::expected<void, std::string> write_atomically(const std::filesystem::path& file,
                                                  std::string_view content) {
  const std::filesystem::path temporary = file.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return std::unexpected(system_error("create", temporary, errno));
  const ssize_t written = ::write(fd, content.data(), content.size());
  int error = errno;
  if (written != static_cast<ssize_t>(content.size())) {
    ::close(fd);
    ::unlink(temporary.c_str());
    return std::unexpected(system_error("write", temporary, written < 0 ? error : EIO));
  }
  if (::fsync(fd) != 0) {
    error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return std::unexpected(system_error("sync", temporary, error));
  }
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    error = errno;
    ::unlink(temporary.c_str());
    return std::unexpected(system_error("rename " + temporary.string() + " to", file, error));
  }
  return sync_directory(file);
}

// The path the open file `fd` has now (after a rename), if the system says.
std::optional<std::string> current_name(int fd) {
  std::error_code error;
  const auto link = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), error);
  if (error) return std::nullopt;
  std::string name = link.string();
  if (name.ends_with(" (deleted)")) return std::nullopt;
  return name;
}

}  // namespace

TrailWriter::TrailWriter(TrailWriter&& other) noexcept
    : options_(std::move(other.options_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      last_seq_(other.last_seq_),
      last_hash_(std::move(other.last_hash_)),
      failure_(std::move(other.failure_)) {}

TrailWriter& TrailWriter::operator=(TrailWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) (void)close();
    options_ = std::move(other.options_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    last_seq_ = other.last_seq_;
    last_hash_ = std::move(other.last_hash_);
    failure_ = std::move(other.failure_);
  }
  return *this;
}

TrailWriter::~TrailWriter() {
  if (fd_ >= 0) (void)close();
}

// Opens options_.path and sets the chain from its last record; when it holds none, from
// `fallback` with a "trail.continued" record (`from`), else from the genesis.
static std::expected<void, std::string> attach(TrailWriter& writer, int& fd, std::uint64_t& size,
                                               std::uint64_t& last_seq, std::string& last_hash,
                                               const std::filesystem::path& path,
                                               const std::optional<Head>& fallback,
                                               std::string_view from, std::string_view head_source,
                                               OpenReport* report);

std::expected<TrailWriter, std::string> TrailWriter::open(TrailOptions options,
                                                          OpenReport* report) {
  if (!options.clock) options.clock = system_millis;
  auto head = read_head(options.head_file);
  if (!head) {
    if (report != nullptr) report->problem = head.error();
    return std::unexpected(head.error());
  }
  TrailWriter writer;
  writer.options_ = std::move(options);
  const std::string head_source = "(" + writer.options_.head_file.string() + ")";
  auto attached = attach(writer, writer.fd_, writer.size_, writer.last_seq_, writer.last_hash_,
                         writer.options_.path, *head, "head", head_source, report);
  if (!attached) return std::unexpected(attached.error());
  return writer;
}

static std::expected<void, std::string> attach(TrailWriter& writer, int& fd, std::uint64_t& size,
                                               std::uint64_t& last_seq, std::string& last_hash,
                                               const std::filesystem::path& path,
                                               const std::optional<Head>& fallback,
                                               std::string_view from, std::string_view head_source,
                                               OpenReport* report) {
  OpenReport ignored;
  OpenReport& found = report != nullptr ? *report : ignored;
  found = OpenReport{};
  const auto refuse = [&](std::string message) -> std::expected<void, std::string> {
    found.problem = message;
    if (fd >= 0) ::close(fd);
    fd = -1;
    return std::unexpected(std::move(message));
  };

  fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return refuse(system_error("open", path, errno));
  // One writer per trail: two would interleave two chains.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return refuse("audit trail: " + path.string() +
                    " is being written by another tokenwarden process (it holds the lock)");
    }
    return refuse(system_error("lock", path, errno));
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0) return refuse(system_error("stat", path, errno));
  std::string content(static_cast<std::size_t>(status.st_size), '\0');
  std::size_t have = 0;
  while (have < content.size()) {
    const ssize_t n =
        ::pread(fd, content.data() + have, content.size() - have, static_cast<off_t>(have));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refuse(system_error("read", path, errno));
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  content.resize(have);

  // A torn last line (the machine stopped mid-write) is cut off.
  const std::size_t last_newline = content.rfind('\n');
  const std::size_t whole = last_newline == std::string::npos ? 0 : last_newline + 1;
  found.torn_bytes = content.size() - whole;
  if (found.torn_bytes > 0) {
    if (::ftruncate(fd, static_cast<off_t>(whole)) != 0) {
      return refuse(system_error("cut the unfinished last line of", path, errno));
    }
  }
  size = whole;
  found.created = whole == 0;

  std::optional<Event> first;
  if (whole > 0) {
    const std::size_t begin = content.rfind('\n', whole - 2);
    const std::string line =
        content.substr(begin == std::string::npos ? 0 : begin + 1,
                       whole - 1 - (begin == std::string::npos ? 0 : begin + 1));
    boost::system::error_code error;
    const boost::json::value value = boost::json::parse(line, error);
    std::optional<std::uint64_t> seq;
    std::optional<std::string> hash;
    if (!error && value.is_object()) {
      seq = seq_of(value.get_object());
      hash = string_member(value.get_object(), "hash");
    }
    if (!seq || !hash || expected_hash(line) != hash) {
      // Fail safe: appending would chain onto something that is not a record (or was changed),
      // and restarting the chain would hide that. An operator must look first.
      return refuse("audit trail: the last line of " + path.string() +
                    " is not an intact audit record; refusing to append. Run `tokenwarden "
                    "audit verify` on it and move the file away once it has been looked at");
    }
    // The head is never ahead of the trail it was taken from: the head file is written only
    // after the records it names were synced. A head ahead of the file (or at the same seq with
    // another hash) means the file was replaced by an older copy (a rollback) or cut short:
    // appending would fork the chain there. An operator must look first.
    if (fallback && (fallback->seq > *seq || (fallback->seq == *seq && fallback->hash != *hash))) {
      return refuse("audit trail: " + path.string() + " ends at seq " + std::to_string(*seq) +
                    " but the chain head " + std::string(head_source) + " is at seq " +
                    std::to_string(fallback->seq) +
                    (fallback->seq == *seq ? " with another hash" : "") +
                    ": the trail was replaced by an older copy (rolled back) or cut short; "
                    "refusing to append. Run `tokenwarden audit verify` on the trail files, "
                    "keep this file as evidence and restore the trail or move this file away "
                    "once it has been looked at");
    }
    last_seq = *seq;
    last_hash = *hash;
  } else if (fallback) {
    last_seq = fallback->seq;
    last_hash = fallback->hash;
    first = trail_continued(fallback->file, from);
  } else {
    last_seq = 0;
    last_hash = std::string(kGenesisHash);
  }
  if (found.created) {
    if (auto synced = sync_directory(path); !synced) return refuse(synced.error());
  }
  if (found.torn_bytes > 0) {
    if (auto appended = writer.append(trail_repaired(found.torn_bytes), Durability::synced);
        !appended) {
      return refuse(appended.error());
    }
  }
  if (first) {
    if (auto appended = writer.append(*first, Durability::synced); !appended) {
      return refuse(appended.error());
    }
  }
  return {};
}

std::expected<Record, std::string> TrailWriter::append(const Event& event, Durability durability) {
  if (failure_) return std::unexpected(*failure_);
  if (fd_ < 0) return std::unexpected("audit trail " + options_.path.string() + " is closed");
  Record record = make_record(event, last_seq_ + 1, options_.clock(), last_hash_);
  std::string buffer = record.line;
  buffer.push_back('\n');
  ssize_t written = -1;
  do {
    written = ::write(fd_, buffer.data(), buffer.size());
  } while (written < 0 && errno == EINTR);
  if (written != static_cast<ssize_t>(buffer.size())) {
    const int error = errno;
    // Leave no partial line behind (best effort: the failure is latched anyway).
    if (written > 0) (void)::ftruncate(fd_, static_cast<off_t>(size_));
    failure_ = written < 0 ? system_error("write to", options_.path, error)
                           : "audit trail: cannot write to " + options_.path.string() +
                                 ": short write (" + std::to_string(written) + " of " +
                                 std::to_string(buffer.size()) + " bytes; file system full?)";
    return std::unexpected(*failure_);
  }
  size_ += buffer.size();
  last_seq_ = record.seq;
  last_hash_ = record.hash;
  if (durability == Durability::synced) {
    if (auto synced = sync(); !synced) return std::unexpected(synced.error());
  }
  return record;
}

std::expected<void, std::string> TrailWriter::sync() {
  if (failure_) return std::unexpected(*failure_);
  if (fd_ < 0) return std::unexpected("audit trail " + options_.path.string() + " is closed");
  if (::fdatasync(fd_) != 0) {
    failure_ = system_error("sync", options_.path, errno);
    return std::unexpected(*failure_);
  }
  return {};
}

namespace {

std::string head_json(std::uint64_t seq, const std::string& hash,
                      const std::filesystem::path& file) {
  boost::json::object head;
  head["seq"] = seq;
  head["hash"] = hash;
  head["file"] = file.string();
  return boost::json::serialize(head) + "\n";
}

}  // namespace

std::expected<void, std::string> TrailWriter::write_head(const std::filesystem::path& file) {
  if (options_.head_file.empty()) return {};
  if (auto written = write_atomically(options_.head_file, head_json(last_seq_, last_hash_, file));
      !written) {
    failure_ = written.error();
    return std::unexpected(*failure_);
  }
  return {};
}

std::expected<void, std::string> TrailWriter::continue_in_new_file(
    std::optional<std::string> previous_file) {
  const Head head{last_seq_, last_hash_, std::move(previous_file)};
  if (auto attached = attach(*this, fd_, size_, last_seq_, last_hash_, options_.path, head, "file",
                             "(this writer's last record)", nullptr);
      !attached) {
    failure_ = attached.error();
    return std::unexpected(*failure_);
  }
  return write_head(options_.path);
}

std::expected<std::optional<std::filesystem::path>, std::string> TrailWriter::rotate_if_due() {
  if (failure_) return std::unexpected(*failure_);
  if (fd_ < 0) return std::unexpected("audit trail " + options_.path.string() + " is closed");
  if (size_ < options_.max_bytes) return std::nullopt;
  if (auto synced = sync(); !synced) return std::unexpected(synced.error());

  // <path>.<yyyymmddThhmmss.mmmZ>, from the ISO form of the clock's time.
  std::string stamp;
  for (const char c : format_utc_millis(options_.clock())) {
    if (c != '-' && c != ':') stamp.push_back(c);
  }
  std::filesystem::path rotated = options_.path.string() + "." + stamp;
  for (int n = 1; std::filesystem::exists(rotated); ++n) {
    rotated = options_.path.string() + "." + stamp + "-" + std::to_string(n);
  }
  // The head first, naming the file's new name: if the process is killed after the rename and
  // before the new file's first record, the next start continues the chain from this head, not
  // from an older one.
  if (auto written = write_head(rotated); !written) return std::unexpected(written.error());
  if (::rename(options_.path.c_str(), rotated.c_str()) != 0) {
    failure_ = system_error("rename " + options_.path.string() + " to", rotated, errno);
    return std::unexpected(*failure_);
  }
  ::close(fd_);
  fd_ = -1;
  if (auto continued = continue_in_new_file(rotated.string()); !continued) {
    return std::unexpected(continued.error());
  }
  return rotated;
}

std::expected<void, std::string> TrailWriter::reopen() {
  if (failure_) return std::unexpected(*failure_);
  if (fd_ < 0) return std::unexpected("audit trail " + options_.path.string() + " is closed");
  if (auto synced = sync(); !synced) return std::unexpected(synced.error());
  struct stat open_file {};
  struct stat at_path {};
  if (::fstat(fd_, &open_file) == 0 && ::stat(options_.path.c_str(), &at_path) == 0 &&
      open_file.st_dev == at_path.st_dev && open_file.st_ino == at_path.st_ino) {
    return {};  // not moved: nothing to do
  }
  auto previous_file = current_name(fd_);
  ::close(fd_);
  fd_ = -1;
  return continue_in_new_file(std::move(previous_file));
}

std::expected<void, std::string> TrailWriter::close() {
  if (fd_ < 0) return {};
  std::expected<void, std::string> result;
  if (!failure_) {
    if (auto synced = sync(); !synced) result = std::unexpected(synced.error());
  }
  if (!failure_) {
    if (auto written = write_head(options_.path); !written)
      result = std::unexpected(written.error());
  }
  ::close(fd_);
  fd_ = -1;
  if (failure_ && result) result = std::unexpected(*failure_);
  return result;
}

}  // namespace tw::audit
