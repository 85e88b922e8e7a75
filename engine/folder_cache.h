#pragma once
// The prepared images of an image folder, cached: one file per folder content and resolution under
// cache_dir()/folders, which a later load maps into memory instead of decoding every image again.
//
// The key is a hash of every image file's path (relative to the folder), size and modification time,
// and the resolution: a changed, added or removed file gives another key. The file is
//   [4096-byte header][N x C x R x R uint8 images][JSON: labels, class names, notes]
// with a CRC-32 of the images and of the JSON in the header. It is mapped copy-on-write: pages are
// read when a batch needs them and are the kernel's to drop, so a data set larger than memory streams
// from the cache.
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gan {

struct FolderEntry {
  std::string relative;  // path below the folder
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

// The cache key of these files (sorted by path) at `resolution`.
std::uint64_t folder_key(const std::vector<FolderEntry>& files, int resolution);
// CACHE/folders/KEY.gxf, CACHE being `cache` or, when empty, cache_dir().
std::string folder_cache_path(std::uint64_t key, const std::string& cache = "");

// What a folder's images came with.
struct FolderMeta {
  std::vector<std::int64_t> labels;  // one per image, or empty when unlabelled
  std::vector<std::string> class_names;
  long long files = 0;    // image files found
  long long skipped = 0;  // of them unreadable
  std::vector<std::string> warnings;
};

struct CachedFolder {
  torch::Tensor images;  // N x C x R x R uint8, mapped from the file
  FolderMeta meta;
};

// The cache file at `path`: nullopt when there is none. Throws std::runtime_error saying what is wrong
// when it is damaged (cut short, a checksum that does not match, a foreign file) or is not for `key`.
// `verify` = false skips the checksums (the file was just written by this process).
std::optional<CachedFolder> read_folder_cache(const std::string& path, std::uint64_t key, bool verify = true);

// Marks a cache file as used now (its modification time), for prune_folder_cache.
void touch_folder_cache(const std::string& path);
// The most the folder cache may hold: $GAN_EXPLORER_FOLDER_CACHE_MB (MiB) when set, else 4 GiB.
std::uint64_t folder_cache_limit();
// Removes the least recently used cache files in the folder of `keep` until the files there take at
// most `limit` bytes; `keep` (the file just written or read) stays whatever its size. Returns the
// names removed.
std::vector<std::string> prune_folder_cache(const std::string& keep, std::uint64_t limit);

// Keeps the slots `kept` (in increasing order) of `base`, whose slots each hold 3 x R x R bytes, with
// their first `channels` channels, packed from the start of `base`. In place: a slot only moves down.
void pack_slots(std::uint8_t* base, const std::vector<long long>& kept, int channels, int resolution);

// Writes a cache file: room for `slots` images of 3 x R x R is reserved on disk first (a full disk is
// said then, not while images are written), each worker fills its slots, and finish() packs them,
// writes the JSON and the header, syncs, and renames the file into place. Until then the file is a
// temporary (PATH.tmp-PID-N), removed when the writer is destroyed unfinished.
class FolderCacheWriter {
 public:
  // Throws std::runtime_error when the file cannot be created or the disk has no room.
  FolderCacheWriter(std::string path, std::uint64_t key, long long slots, int resolution);
  ~FolderCacheWriter();
  FolderCacheWriter(const FolderCacheWriter&) = delete;
  FolderCacheWriter& operator=(const FolderCacheWriter&) = delete;

  std::uint8_t* slot_memory() { return base_; }  // slot i at i * 3 * R * R
  // Throws std::runtime_error (a full disk, a failed rename); the temporary is then removed.
  void finish(const std::vector<long long>& kept, int channels, const FolderMeta& meta);

 private:
  void discard();
  std::string path_, tmp_;
  std::uint64_t key_;
  long long slots_;
  int res_;
  int fd_ = -1;
  std::uint8_t* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  std::uint8_t* base_ = nullptr;
};

}  // namespace gan
