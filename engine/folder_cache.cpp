#include "engine/folder_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/files.h"
#include "engine/hash.h"

namespace gan {
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'G', 'A', 'N', 'X', 'F', 'O', 'L', 'D'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 4096;  // the images start page-aligned

// The fixed part of the header, little-endian as this machine writes it (x86-64 and arm64 alike).
struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t channels;
  std::uint64_t key;
  std::uint64_t count;       // images
  std::uint32_t resolution;
  std::uint32_t images_crc;
  std::uint64_t images_bytes;
  std::uint64_t meta_bytes;
  std::uint32_t meta_crc;
  std::uint32_t reserved;
};
static_assert(sizeof(Header) == 64, "the header's layout is part of the file format");

std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (is_disk_full(err)) s += " (the disk is full)";
  return s;
}

bool read_exactly(int fd, void* buf, std::size_t n, off_t at) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    at += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

void write_exactly(int fd, const void* buf, std::size_t n, off_t at, const std::string& path) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, p, n, at);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error("could not write " + path + ": " + errno_text(errno));
    if (r == 0) throw std::runtime_error("could not write " + path + ": " + errno_text(ENOSPC));
    p += r;
    at += r;
    n -= static_cast<std::size_t>(r);
  }
}

}  // namespace

std::uint64_t folder_key(const std::vector<FolderEntry>& files, int resolution) {
  // The version names the layout and the decoding (resize and crop) that filled it.
  const std::string head = "gan-explorer folder cache v" + std::to_string(kVersion) + " resolution " +
                           std::to_string(resolution) + " files " + std::to_string(files.size());
  std::uint64_t h = fnv1a(head.data(), head.size());
  for (const auto& f : files) {
    h = fnv1a(f.relative.data(), f.relative.size() + 1, h);  // with its terminating zero: names cannot run together
    h = fnv1a(&f.size, sizeof f.size, h);
    h = fnv1a(&f.mtime_ns, sizeof f.mtime_ns, h);
  }
  return h;
}

std::string folder_cache_path(std::uint64_t key, const std::string& cache) {
  return (cache.empty() ? cache_dir() : cache) + "/folders/" + hex64(key) + ".gxf";
}

void touch_folder_cache(const std::string& path) { ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

std::uint64_t folder_cache_limit() {
  if (const char* env = std::getenv("GAN_EXPLORER_FOLDER_CACHE_MB")) {
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(env, &end, 10);
    if (end != env && *end == 0) return static_cast<std::uint64_t>(mb) << 20;
  }
  return std::uint64_t(4) << 30;
}

std::vector<std::string> prune_folder_cache(const std::string& keep, std::uint64_t limit) {
  struct File {
    fs::path path;
    std::uint64_t size;
    fs::file_time_type used;
  };
  std::vector<File> files;
  std::uint64_t total = 0;
  std::error_code ec;
  const fs::path kept(keep);
  for (const auto& e : fs::directory_iterator(kept.parent_path(), ec)) {
    if (e.path().extension() != ".gxf" || !e.is_regular_file(ec)) continue;
    File f{e.path(), static_cast<std::uint64_t>(e.file_size(ec)), e.last_write_time(ec)};
    if (ec) continue;
    total += f.size;
    if (e.path() != kept) files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.used < b.used; });
  std::vector<std::string> removed;
  for (const auto& f : files) {
    if (total <= limit) break;
    if (fs::remove(f.path, ec)) {
      total -= f.size;
      removed.push_back(f.path.filename().string());
    }
  }
  return removed;
}

void pack_slots(std::uint8_t* base, const std::vector<long long>& kept, int channels, int resolution) {
  const std::size_t plane = static_cast<std::size_t>(resolution) * resolution;
  std::size_t to = 0;
  for (long long i : kept) {
    const std::size_t from = static_cast<std::size_t>(i) * 3 * plane;
    if (from != to) std::memmove(base + to, base + from, channels * plane);
    to += channels * plane;
  }
}

std::optional<CachedFolder> read_folder_cache(const std::string& path, std::uint64_t key, bool verify) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw std::runtime_error("cannot open it: " + errno_text(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) throw std::runtime_error("it is not a regular file");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  Header h{};
  if (size < kHeaderBytes || !read_exactly(fd, &h, sizeof h, 0))
    throw std::runtime_error("it is cut short (" + std::to_string(size) + " bytes, not even a header)");
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) throw std::runtime_error("it is not a folder cache file");
  if (h.version != kVersion) throw std::runtime_error("it has format version " + std::to_string(h.version));
  if (h.key != key) throw std::runtime_error("it belongs to other files (key " + hex64(h.key) + ")");
  if (h.channels != 1 && h.channels != 3) throw std::runtime_error("its header is damaged (channels)");
  const unsigned __int128 want = static_cast<unsigned __int128>(h.count) * h.channels * h.resolution * h.resolution;
  if (h.resolution < 1 || h.resolution > 4096 || want != h.images_bytes)
    throw std::runtime_error("its header is damaged (sizes)");
  if (static_cast<unsigned __int128>(kHeaderBytes) + h.images_bytes + h.meta_bytes != size)
    throw std::runtime_error("it is " + std::to_string(size) + " bytes where its header promises " +
                             std::to_string(kHeaderBytes + h.images_bytes + h.meta_bytes) + " (cut short, or grown)");
  void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) throw std::runtime_error("cannot map it: " + errno_text(errno));
  auto* bytes = static_cast<std::uint8_t*>(map);
  auto unmap = [map, size] { ::munmap(map, size); };
  const std::uint8_t* images = bytes + kHeaderBytes;
  const char* meta_text = reinterpret_cast<const char*>(images + h.images_bytes);
  if (verify && crc32_of(images, h.images_bytes) != h.images_crc) {
    unmap();
    throw std::runtime_error("its images do not match their checksum (the file changed after it was written)");
  }
  if (crc32_of(meta_text, h.meta_bytes) != h.meta_crc) {
    unmap();
    throw std::runtime_error("its labels and notes do not match their checksum");
  }
  CachedFolder out;
  try {
    const auto j = nlohmann::json::parse(meta_text, meta_text + h.meta_bytes);
    out.meta.labels = j.at("labels").get<std::vector<std::int64_t>>();
    out.meta.class_names = j.at("class_names").get<std::vector<std::string>>();
    out.meta.files = j.at("files").get<long long>();
    out.meta.skipped = j.at("skipped").get<long long>();
    out.meta.warnings = j.at("warnings").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    unmap();
    throw std::runtime_error(std::string("its labels and notes cannot be read: ") + e.what());
  }
  if (!out.meta.labels.empty() && out.meta.labels.size() != h.count) {
    unmap();
    throw std::runtime_error("it has " + std::to_string(out.meta.labels.size()) + " labels for " +
                             std::to_string(h.count) + " images");
  }
  const auto r = static_cast<std::int64_t>(h.resolution);
  out.images = torch::from_blob(bytes + kHeaderBytes, {static_cast<std::int64_t>(h.count), h.channels, r, r},
                                [map, size](void*) { ::munmap(map, size); }, torch::kUInt8);
  return out;
}

FolderCacheWriter::FolderCacheWriter(std::string path, std::uint64_t key, long long slots, int resolution)
    : path_(std::move(path)), key_(key), slots_(slots), res_(resolution) {
  std::error_code ec;
  fs::create_directories(fs::path(path_).parent_path(), ec);
  if (ec) throw std::runtime_error("cannot create the folder " + fs::path(path_).parent_path().string() + ": " + ec.message());
  tmp_ = temporary_name(path_);
  fd_ = ::open(tmp_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot create " + tmp_ + ": " + errno_text(errno));
  map_bytes_ = kHeaderBytes + static_cast<std::size_t>(slots) * 3 * resolution * resolution;
  // Blocks reserved now: writing into a mapping of a sparse file on a full disk would kill the program
  // (SIGBUS) instead of returning an error.
  const int err = ::posix_fallocate(fd_, 0, static_cast<off_t>(map_bytes_));
  if (err != 0) {
    discard();
    const std::string size = map_bytes_ >= (1u << 20) ? std::to_string(map_bytes_ >> 20) + " MiB"
                                                      : std::to_string((map_bytes_ + 1023) >> 10) + " KiB";
    throw std::runtime_error("no room for the cache (" + size + "): " + errno_text(err));
  }
  void* m = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (m == MAP_FAILED) {
    const int e = errno;
    discard();
    throw std::runtime_error("cannot map " + tmp_ + ": " + errno_text(e));
  }
  map_ = static_cast<std::uint8_t*>(m);
  base_ = map_ + kHeaderBytes;
}

FolderCacheWriter::~FolderCacheWriter() { discard(); }

void FolderCacheWriter::discard() {
  if (map_) ::munmap(map_, map_bytes_);
  map_ = base_ = nullptr;
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
  fd_ = -1;
}

void FolderCacheWriter::finish(const std::vector<long long>& kept, int channels, const FolderMeta& meta) {
  if (fd_ < 0) throw std::runtime_error("the cache file was already written or discarded");
  try {
    pack_slots(base_, kept, channels, res_);
    const std::size_t images_bytes = kept.size() * static_cast<std::size_t>(channels) * res_ * res_;
    const nlohmann::json j = {{"labels", meta.labels},   {"class_names", meta.class_names}, {"files", meta.files},
                              {"skipped", meta.skipped}, {"warnings", meta.warnings}};
    const std::string text = j.dump();
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kVersion;
    h.channels = static_cast<std::uint32_t>(channels);
    h.key = key_;
    h.count = kept.size();
    h.resolution = static_cast<std::uint32_t>(res_);
    h.images_crc = crc32_of(base_, images_bytes);
    h.images_bytes = images_bytes;
    h.meta_bytes = text.size();
    h.meta_crc = crc32_of(text.data(), text.size());
    if (::msync(map_, kHeaderBytes + images_bytes, MS_SYNC) != 0)
      throw std::runtime_error("could not write " + tmp_ + ": " + errno_text(errno));
    ::munmap(map_, map_bytes_);
    map_ = base_ = nullptr;
    const off_t end = static_cast<off_t>(kHeaderBytes + images_bytes);
    if (::ftruncate(fd_, end) != 0) throw std::runtime_error("could not write " + tmp_ + ": " + errno_text(errno));
    write_exactly(fd_, text.data(), text.size(), end, tmp_);
    write_exactly(fd_, &h, sizeof h, 0, tmp_);
    if (::fsync(fd_) != 0 && errno != EINVAL) throw std::runtime_error("could not write " + tmp_ + ": " + errno_text(errno));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("could not rename " + tmp_ + " to " + path_ + ": " + errno_text(errno));
    ::close(fd_);
    fd_ = -1;
    sync_folder_of(path_);
  } catch (...) {
    discard();
    throw;
  }
}

}  // namespace gan
