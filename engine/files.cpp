#include "engine/files.h"

#include <algorithm>
#include <cctype>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace gan {
namespace fs = std::filesystem;

bool is_disk_full(int err) { return err == ENOSPC || err == EDQUOT || err == EFBIG; }

static std::string reason(int err) {
  std::string s = std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) s += " (the disk is full)";
  return s;
}

static std::runtime_error write_error(const std::string& path, int err) {
  return std::runtime_error("could not write " + path + ": " + reason(err));
}

// What a path is, without following a last link; S_IFMT bits, or 0 when it does not exist.
static mode_t kind_of(const std::string& path, bool follow) {
  struct stat st {};
  const int r = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  return r == 0 ? (st.st_mode & S_IFMT) : 0;
}

static const char* kind_name(mode_t kind) {
  switch (kind) {
    case S_IFDIR: return "a folder";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFIFO: return "a pipe";
    case S_IFSOCK: return "a socket";
    default: return "not a regular file";
  }
}

static void sync_dir(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // some file systems refuse to sync a folder: the rename has happened either way
    ::close(fd);
  }
}

std::string temporary_name(const std::string& path, const std::string& suffix) {
  static std::atomic<unsigned long> writes{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++writes) + suffix;
}

void sync_folder_of(const std::string& path) {
  const fs::path p(path);
  sync_dir(p.has_parent_path() ? p.parent_path().string() : std::string("."));
}

std::string cache_dir() {
  std::string dir;
  if (const char* c = std::getenv("GAN_EXPLORER_CACHE"); c && *c) dir = c;
  else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) dir = std::string(x) + "/gan-explorer";
  else if (const char* home = std::getenv("HOME"); home && *home) dir = std::string(home) + "/.cache/gan-explorer";
  else dir = (fs::temp_directory_path() / "gan-explorer-cache").string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create the cache folder " + dir + ": " + ec.message());
  // The temporaries of cache writes that were killed: removed the first time the cache is used.
  static std::once_flag swept;
  std::call_once(swept, [&] { remove_stale_temporaries(dir); });
  return dir;
}

void write_bytes_atomically(const std::string& path_in, const std::string& bytes) {
  if (path_in.empty()) throw std::runtime_error("no file name to write to");
  std::string path = path_in;
  if (kind_of(path, false) == S_IFLNK) {  // write through a link to its target
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(path, ec);
    if (!ec) path = target.string();
  }
  const mode_t kind = kind_of(path, true);
  if (kind != 0 && kind != S_IFREG)
    throw std::runtime_error("cannot write " + path_in + ": it is " + kind_name(kind) + ", not a regular file");
  const fs::path target(path);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error("could not create the folder " + dir + ": " + ec.message());
  }
  // Created afresh (never through a link planted at its name).
  const std::string tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw write_error(path_in, errno);
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw write_error(path_in, err);
  };
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    if (n == 0) fail(ENOSPC);
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) fail(errno);  // EINVAL: a file system that cannot sync
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw write_error(path_in, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw write_error(path_in, err);
  }
  sync_dir(dir);
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ostringstream out(std::ios::binary);
  write(out);
  if (!out) throw std::runtime_error("could not prepare " + path);
  write_bytes_atomically(path, out.str());
}

std::string archive_bytes(torch::serialize::OutputArchive& archive) {
  std::string bytes;
  archive.save_to([&](const void* data, size_t n) -> size_t {
    bytes.append(static_cast<const char*>(data), n);
    return n;
  });
  return bytes;
}

void require_regular_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw std::runtime_error("no " + what + " given");
  const mode_t kind = kind_of(path, true);
  if (kind == 0) throw std::runtime_error(what + " not found: " + path);
  if (kind != S_IFREG)
    throw std::runtime_error("the " + what + " " + path + " is " + kind_name(kind) + ", not a regular file");
}

std::string read_file_bytes(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  require_regular_file(path, what);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read the " + what + " " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw std::runtime_error("cannot read the " + what + " " + path);
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw std::runtime_error("the " + what + " " + path + " is too large (" + std::to_string(st.st_size) + " bytes)");
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, &bytes[got], bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("cannot read the " + what + " " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;  // it shrank while being read
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(got);
  return bytes;
}

int remove_stale_temporaries(const std::string& dir, const std::string& only_of) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  int removed = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    const auto at = name.rfind(".tmp-");
    if (at == std::string::npos || at == 0 || at + 5 >= name.size()) continue;
    if (!only_of.empty() && name.compare(0, at, only_of) != 0) continue;
    // .tmp-PID (older writes) or .tmp-PID-N, either followed by an extension (.mp4)
    std::string digits = name.substr(at + 5);
    if (const auto dot = digits.find('.'); dot != std::string::npos) {
      const std::string ext = digits.substr(dot + 1);
      if (ext.empty() || ext.size() > 8 ||
          !std::all_of(ext.begin(), ext.end(), [](unsigned char ch) { return std::isalnum(ch) != 0; }))
        continue;
      digits = digits.substr(0, dot);
    }
    const auto dash = digits.find('-');
    if (dash != std::string::npos) {
      const std::string n = digits.substr(dash + 1);
      if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) continue;
      digits = digits.substr(0, dash);
    }
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid()) continue;
    if (pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;  // still running: its write is in flight
    std::error_code rm;
    if (e.is_regular_file(rm) && fs::remove(e.path(), rm)) ++removed;
  }
  return removed;
}

}  // namespace gan
