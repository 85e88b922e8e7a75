// Image folders, read with OpenCV (the desktop build).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>

#include "engine/attributes.h"
#include "engine/dataset.h"
#include "engine/files.h"
#include "engine/folder_cache.h"
#include "engine/threads.h"
#include "engine/image.h"

namespace gan {
namespace fs = std::filesystem;


// Any depth and channel count to 8-bit grey or RGB.
static cv::Mat to_8bit(const cv::Mat& in) {
  cv::Mat m = in;
  if (m.depth() != CV_8U) {
    double lo, hi;
    cv::minMaxLoc(m.reshape(1), &lo, &hi);
    m.convertTo(m, CV_8U, m.depth() == CV_16U ? 1.0 / 257.0 : (hi > 1.0 ? 1.0 : 255.0));
  }
  if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2BGR);
  if (m.channels() == 2) cv::extractChannel(m, m, 0);
  if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  return m;
}

// Walks a JPEG's marker segments from after its start-of-image marker: calls visit(marker, at), `at`
// being the index just after the marker byte, until visit returns true (then true) or the bytes end.
template <typename Visit>
static bool walk_jpeg_segments(const std::string& b, Visit visit) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  size_t i = 2;
  while (i + 4 <= b.size()) {
    while (i < b.size() && at(i) != 0xFF) ++i;  // stray bytes between segments: libjpeg skips them too
    while (i < b.size() && at(i) == 0xFF) ++i;  // fill bytes
    if (i >= b.size()) break;
    const unsigned m = at(i++);
    if (visit(m, i)) return true;
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;  // markers without a length
    if (i + 2 > b.size()) break;
    i += (static_cast<size_t>(at(i)) << 8 | at(i + 1));
  }
  return false;
}

// Why a file's bytes are not a whole image, or empty when they may be: a JPEG must reach its end
// marker after its scan, a PNG its IEND chunk. Other formats are left to their decoders.
std::string incomplete_image(const std::string& b) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 3 && at(0) == 0xFF && at(1) == 0xD8 && at(2) == 0xFF) {  // JPEG: walk the segments to the scan
    std::string why;
    const bool scan = walk_jpeg_segments(b, [&](unsigned m, size_t i) {
      if (m != 0xDA) return false;
      // The scan: entropy-coded data never hold FF D9, so the end marker must follow.
      why = "it is cut short (the JPEG has no end marker)";
      for (size_t j = i; j + 1 < b.size(); ++j)
        if (at(j) == 0xFF && at(j + 1) == 0xD9) {
          why.clear();
          break;
        }
      return true;
    });
    return scan ? why : "it is cut short (the JPEG ends before its image data)";
  }
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n", 8) == 0) {  // PNG: walk the chunks to IEND
    size_t i = 8;
    while (i + 12 <= b.size()) {
      const size_t len = static_cast<size_t>(at(i)) << 24 | static_cast<size_t>(at(i + 1)) << 16 |
                         static_cast<size_t>(at(i + 2)) << 8 | at(i + 3);
      if (b.compare(i + 4, 4, "IEND") == 0) return "";
      if (len > b.size() - i - 12) break;
      i += 12 + len;
    }
    return "it is cut short (the PNG has no IEND chunk)";
  }
  return "";
}

// A baseline or progressive 8-bit JPEG's size and component count, from its frame header; false when
// the bytes hold none (or another precision).
static bool jpeg_frame(const std::string& b, int& width, int& height, int& components) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() < 4 || at(0) != 0xFF || at(1) != 0xD8) return false;
  bool found = false;
  walk_jpeg_segments(b, [&](unsigned m, size_t i) {
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && i + 8 <= b.size() && at(i + 2) == 8) {  // length, precision, height, width, components
      height = at(i + 3) << 8 | at(i + 4);
      width = at(i + 5) << 8 | at(i + 6);
      components = at(i + 7);
      found = width > 0 && height > 0;
    }
    return sof || m == 0xDA;  // the frame header, or the scan without one: stop
  });
  return found;
}

// Decodes an image file; an empty matrix, with `why` set, when it cannot be read whole. With
// `min_side` > 0, a JPEG whose shorter side is at least 2, 4 or 8 times `min_side` is decoded at that
// fraction of its size (libjpeg's scaled inverse DCT, which averages as it shrinks: several times
// faster, and the result is shrunk to `min_side` afterwards anyway).
static cv::Mat decode(const std::string& path, std::string& why, int min_side = 0) {
  std::string bytes;
  try {
    bytes = read_file_bytes(path, "image", std::uint64_t(1) << 31);
  } catch (const std::exception& e) {
    why = e.what();
    return {};
  }
  why = incomplete_image(bytes);
  if (!why.empty()) return {};
  int flags = cv::IMREAD_UNCHANGED;
  int w = 0, h = 0, comps = 0;
  if (min_side > 0 && jpeg_frame(bytes, w, h, comps) && (comps == 1 || comps == 3)) {
    const int shorter = std::min(w, h);
    // IMREAD_UNCHANGED ignores the EXIF orientation; the reduced modes must too.
    const int base = (comps == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR) | cv::IMREAD_IGNORE_ORIENTATION;
    if ((shorter + 7) / 8 >= min_side) flags = base | (comps == 1 ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8);
    else if ((shorter + 3) / 4 >= min_side) flags = base | (comps == 1 ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_COLOR_4);
    else if ((shorter + 1) / 2 >= min_side) flags = base | (comps == 1 ? cv::IMREAD_REDUCED_GRAYSCALE_2 : cv::IMREAD_REDUCED_COLOR_2);
  }
  cv::Mat m;
  try {
    m = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data()), flags);
  } catch (const cv::Exception& e) {
    why = std::string("the decoder failed: ") + e.what();
    return {};
  }
  if (m.empty() || m.cols < 1 || m.rows < 1) why = "it is not an image that can be read";
  return m;
}

Image8 read_image(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw std::runtime_error("file not found: " + path);
  std::string why;
  cv::Mat m = decode(path, why);
  if (m.empty())  // "it is cut short (...)" -> "PATH is cut short (...)"
    throw std::runtime_error(why.rfind("it ", 0) == 0 ? path + why.substr(2) : path + ": " + why);
  m = to_8bit(m);
  Image8 img;
  img.width = m.cols;
  img.height = m.rows;
  img.channels = m.channels();
  img.pixels.resize(static_cast<size_t>(m.cols) * m.rows * m.channels());
  for (int y = 0; y < m.rows; ++y)
    std::copy(m.ptr<std::uint8_t>(y), m.ptr<std::uint8_t>(y) + m.cols * m.channels(),
              img.pixels.begin() + static_cast<size_t>(y) * m.cols * m.channels());
  return img;
}

// Any depth and channel count to 8-bit grey or RGB; the shorter side to `res`, centre-cropped.
static cv::Mat normalise(const cv::Mat& in, int res, bool& grey) {
  cv::Mat m = to_8bit(in);
  grey = m.channels() == 1;
  const double scale = static_cast<double>(res) / std::min(m.cols, m.rows);
  const int w = std::max(res, static_cast<int>(std::lround(m.cols * scale)));
  const int h = std::max(res, static_cast<int>(std::lround(m.rows * scale)));
  cv::resize(m, m, cv::Size(w, h), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  return m(cv::Rect((w - res) / 2, (h - res) / 2, res, res)).clone();
}

namespace {

// What decoding one file gave.
struct Decoded {
  bool ok = false;
  bool grey = false;
  std::string why;  // when not ok
};

// Decodes files[i] for i drawn from a shared counter, on `threads` threads (the calling thread waits,
// reports progress and watches for cancellation). Each image goes to its own slot of `slots` (3 x R x R
// bytes, grey repeated), so the bytes do not depend on the thread count.
std::vector<Decoded> decode_all(const std::vector<fs::path>& files, int res, std::uint8_t* slots, int threads,
                                const LoadOptions& options) {
  const long long n = static_cast<long long>(files.size());
  const std::size_t plane = static_cast<std::size_t>(res) * res;
  std::vector<Decoded> out(files.size());
  std::atomic<long long> next{0}, done{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (;;) {
      const long long i = next.fetch_add(1);
      if (i >= n || stop.load(std::memory_order_relaxed)) return;
      Decoded& d = out[static_cast<size_t>(i)];
      try {
        cv::Mat m = decode(files[static_cast<size_t>(i)].string(), d.why, res);
        if (!m.empty()) {
          m = normalise(m, res, d.grey);
          if (d.grey) cv::cvtColor(m, m, cv::COLOR_GRAY2RGB);
          std::uint8_t* slot = slots + static_cast<std::size_t>(i) * 3 * plane;
          for (int y = 0; y < res; ++y) {  // HWC -> CHW
            const std::uint8_t* row = m.ptr<std::uint8_t>(y);
            for (int x = 0; x < res; ++x)
              for (int c = 0; c < 3; ++c) slot[c * plane + static_cast<std::size_t>(y) * res + x] = row[x * 3 + c];
          }
          d.ok = true;
        }
      } catch (const std::exception& e) {  // OpenCV throws on what it cannot resize: that file is unreadable
        d.ok = false;
        d.why = e.what();
      }
      done.fetch_add(1);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  auto joined = [&] {
    for (auto& t : pool)
      if (t.joinable()) t.join();
  };
  for (;;) {
    if (options.cancel && options.cancel->load()) {
      stop = true;
      joined();
      throw Cancelled();
    }
    const long long d = done.load();
    if (options.progress) options.progress(d, n);
    if (d >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  joined();
  if (options.cancel && options.cancel->load()) throw Cancelled();  // asked for while the last files were read
  return out;
}

// Which decoded files were read: their indices, whether all were grey, the count that were not and
// the first three reasons why ("could not read NAME (why)", NAME from `names`). Throws when none was
// read, naming `what` and the first reason.
struct Kept {
  std::vector<long long> index;
  bool all_grey = true;
  long long skipped = 0;
  std::vector<std::string> warnings;
};
Kept kept_of(const std::vector<Decoded>& decoded, const std::vector<std::string>& names, const std::string& what) {
  Kept k;
  for (size_t i = 0; i < decoded.size(); ++i) {
    const Decoded& d = decoded[i];
    if (!d.ok) {
      ++k.skipped;
      if (k.warnings.size() < 3) k.warnings.push_back("could not read " + names[i] + " (" + d.why + ")");
      continue;
    }
    k.index.push_back(static_cast<long long>(i));
    k.all_grey = k.all_grey && d.grey;
  }
  if (k.index.empty())
    throw std::runtime_error("none of the " + std::to_string(decoded.size()) + " " + what + " could be read" +
                             (k.warnings.empty() ? "" : ": " + k.warnings.front().substr(std::string("could not read ").size())));
  return k;
}

std::string seconds_text(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", s);
  return b;
}

}  // namespace

std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int res, const LoadOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec) && is_image_name(it->path().string())) files.push_back(it->path());
  }
  if (ec) throw std::runtime_error("cannot read the folder " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw std::runtime_error("the folder " + dir + " has no images (looked for .png, .jpg, .bmp, .webp, .tif, .pnm)");

  // The cache key: every file's path, size and modification time, and the resolution.
  std::vector<FolderEntry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) {
    struct stat st {};
    FolderEntry e;
    e.relative = f.lexically_relative(dir).string();
    if (::stat(f.c_str(), &st) == 0) {
      e.size = static_cast<std::uint64_t>(st.st_size);
      e.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    entries.push_back(std::move(e));
  }
  const std::uint64_t key = folder_key(entries, res);
  std::string cache_path;
  std::vector<std::string> cache_notes;  // said as warnings: a damaged cache, no room for one
  std::string pruned_note;                // said as a note: older cache files removed
  if (options.use_cache) {
    try {
      cache_path = folder_cache_path(key, options.cache_dir);
    } catch (const std::exception& e) {
      cache_notes.push_back(std::string("the prepared images are not cached: ") + e.what());
    }
  }

  auto make_dataset = [&](torch::Tensor images, const FolderMeta& meta, bool from_cache, int threads) {
    torch::Tensor labels;
    if (!meta.labels.empty()) labels = torch::tensor(meta.labels, torch::kLong);
    const long long n = images.size(0);
    const int c = static_cast<int>(images.size(1));
    std::string desc = "folder " + dir + ": " + std::to_string(n) + " images, " + std::to_string(c) + " channel(s)" +
                       (labels.defined() ? ", " + std::to_string(meta.class_names.size()) + " classes" : ", unlabelled");
    if (meta.skipped) desc += "; " + std::to_string(meta.skipped) + " unreadable file(s) skipped";
    auto ds = std::make_shared<Dataset>(images, labels, meta.class_names, desc);
    ds->set_skipped(meta.skipped);
    for (const auto& w : meta.warnings) ds->add_warning(w);
    for (const auto& w : cache_notes) ds->add_warning(w);
    if (!pruned_note.empty()) ds->add_note(pruned_note);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (from_cache)
      ds->add_note(dir + ": " + std::to_string(n) + " images at " + std::to_string(res) + "x" + std::to_string(res) +
                   " read from the cache in " + seconds_text(s) + " (" + cache_path + ")");
    else
      ds->add_note(dir + ": " + std::to_string(meta.files) + " files decoded in " + seconds_text(s) + " on " +
                   std::to_string(threads) + " thread(s), " + std::to_string(n) + " read, " +
                   std::to_string(meta.skipped) + " skipped" +
                   (cache_path.empty() ? "; not cached" : "; cached as " + cache_path));
    return ds;
  };

  if (!cache_path.empty()) {
    try {
      if (auto cached = read_folder_cache(cache_path, key)) {
        touch_folder_cache(cache_path);  // recently used: the last to be pruned
        if (options.progress) options.progress(static_cast<long long>(files.size()), static_cast<long long>(files.size()));
        return make_dataset(cached->images, cached->meta, true, 0);
      }
    } catch (const std::exception& e) {
      cache_notes.push_back("the cache file " + cache_path + " was damaged (" + e.what() + "): the images were read again");
      std::error_code rm;
      fs::remove(cache_path, rm);
    }
  }

  const long long n = static_cast<long long>(files.size());
  std::unique_ptr<FolderCacheWriter> writer;
  torch::Tensor memory;  // the slots when there is no cache file to write them into
  if (!cache_path.empty()) {
    try {
      writer = std::make_unique<FolderCacheWriter>(cache_path, key, n, res);
    } catch (const std::exception& e) {
      cache_notes.push_back(std::string("the prepared images are not cached: ") + e.what());
      cache_path.clear();
    }
  }
  if (!writer) memory = torch::empty({n, 3, res, res}, torch::kUInt8);
  std::uint8_t* slots = writer ? writer->slot_memory() : memory.data_ptr<std::uint8_t>();
  const int threads = std::max(1, options.threads > 0 ? options.threads : available_cpus());
  const std::vector<Decoded> decoded = decode_all(files, res, slots, static_cast<int>(std::min<long long>(threads, n)), options);

  std::vector<std::string> relative;
  for (const auto& e : entries) relative.push_back(e.relative);
  const Kept read = kept_of(decoded, relative, "image files in " + dir);
  const std::vector<long long>& kept = read.index;
  FolderMeta meta;
  meta.files = n;
  meta.skipped = read.skipped;
  meta.warnings = read.warnings;
  std::vector<std::string> class_of;
  for (long long i : kept) {
    const fs::path rel = files[static_cast<size_t>(i)].parent_path().lexically_relative(dir);  // from iterating `dir`
    class_of.push_back(rel.empty() || rel == "." ? "" : rel.begin()->string());
  }
  const int c = read.all_grey ? 1 : 3;
  // Classes are the first-level subfolders, when every image sits in one.
  const bool labelled = std::none_of(class_of.begin(), class_of.end(), [](const std::string& s) { return s.empty(); });
  if (labelled) {
    std::map<std::string, int64_t> index;
    for (const auto& s : class_of) index.emplace(s, 0);
    for (auto& [name, i] : index) i = static_cast<int64_t>(meta.class_names.size()), meta.class_names.push_back(name);
    for (const auto& s : class_of) meta.labels.push_back(index[s]);
    // Class folders (first-level subfolders) that gave no image: said, not silently dropped.
    std::set<std::string> have(meta.class_names.begin(), meta.class_names.end());
    std::vector<std::string> empty;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory(ec) && e.path().filename().string().rfind('.', 0) != 0 &&
          !have.count(e.path().filename().string()))
        empty.push_back(e.path().filename().string());
    std::sort(empty.begin(), empty.end());
    for (const auto& name : empty)
      meta.warnings.push_back("the class folder '" + name + "' has no readable images: it is left out (" +
                              std::to_string(meta.class_names.size()) + " classes remain)");
  }
  const auto count = static_cast<int64_t>(kept.size());
  if (writer) {
    try {
      writer->finish(kept, c, meta);
      writer.reset();
      const auto pruned = prune_folder_cache(cache_path, folder_cache_limit());
      if (!pruned.empty())
        pruned_note = "the folder cache was over " + std::to_string(folder_cache_limit() >> 20) + " MiB: the " +
                      std::to_string(pruned.size()) +
                      " least recently used file(s) were removed (GAN_EXPLORER_FOLDER_CACHE_MB sets the limit)";
      if (auto cached = read_folder_cache(cache_path, key, /*verify=*/false))
        return make_dataset(cached->images, cached->meta, false, threads);
      throw std::runtime_error("it vanished as it was written");
    } catch (const std::exception& e) {
      // The images are in the slots no more (packed, or the file is gone): read them again, uncached.
      LoadOptions again = options;
      again.use_cache = false;
      auto ds = load_image_folder(dir, res, again);
      auto out = std::make_shared<Dataset>(*ds);
      out->add_warning(std::string("the prepared images are not cached: ") + e.what());
      return out;
    }
  }
  pack_slots(slots, kept, c, res);
  torch::Tensor images = memory.flatten().narrow(0, 0, count * c * res * res).view({count, c, res, res}).clone();
  return make_dataset(images, meta, false, threads);
}

std::shared_ptr<const Dataset> load_attribute_images(const std::string& path, int res, const LoadOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const AttributeTable table = read_attribute_file(path);
  const fs::path dir = fs::path(path).parent_path();
  std::vector<fs::path> files;
  for (const auto& f : table.files) files.push_back(dir / f);
  const long long n = static_cast<long long>(files.size());
  const int64_t k = static_cast<int64_t>(table.names.size());
  torch::Tensor memory = torch::empty({n, 3, res, res}, torch::kUInt8);
  const int threads = std::max(1, options.threads > 0 ? options.threads : available_cpus());
  const auto decoded = decode_all(files, res, memory.data_ptr<std::uint8_t>(),
                                  static_cast<int>(std::min<long long>(threads, n)), options);
  const Kept read = kept_of(decoded, table.files,
                            "images that " + path + " lists (looked for beside it, in " + dir.string() + ")");
  const std::vector<long long>& kept = read.index;
  const std::vector<std::string>& warnings = read.warnings;
  const int c = read.all_grey ? 1 : 3;
  pack_slots(memory.data_ptr<std::uint8_t>(), kept, c, res);
  const auto count = static_cast<int64_t>(kept.size());
  auto images = memory.flatten().narrow(0, 0, count * c * res * res).view({count, c, res, res}).clone();
  auto all = torch::from_blob(const_cast<std::uint8_t*>(table.values.data()), {n, k}, torch::kUInt8);
  auto labels = all.index_select(0, torch::tensor(std::vector<int64_t>(kept.begin(), kept.end()))).to(torch::kLong);
  const long long skipped = n - count;
  std::string desc = "attributes " + path + ": " + std::to_string(count) + " images, " + std::to_string(c) +
                     " channel(s), " + std::to_string(k) + " attributes";
  if (skipped) desc += "; " + std::to_string(skipped) + " missing or unreadable file(s) skipped";
  auto ds = std::make_shared<Dataset>(images, labels, table.names, desc);
  ds->set_skipped(skipped);
  for (const auto& w : warnings) ds->add_warning(w);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ds->add_note(path + ": " + std::to_string(n) + " files decoded in " + seconds_text(s) + " on " +
               std::to_string(threads) + " thread(s); not cached");
  return ds;
}

void write_benchmark_jpegs(const std::string& dir, long long n, int width, int height) {
  const std::string stem = fashion_mnist_dir() + "/train";
  const torch::Tensor images = read_idx(stem + "-images-idx3-ubyte.gz").contiguous();
  const torch::Tensor labels = read_idx(stem + "-labels-idx1-ubyte.gz");
  for (int k = 0; k < 10; ++k) fs::create_directories(dir + "/" + std::to_string(k));
  const long long count = images.size(0);
  std::atomic<long long> next{0};
  std::atomic<bool> failed{false};
  std::string error;
  std::mutex error_mutex;
  auto work = [&] {
    for (long long i = next++; i < n && !failed; i = next++) {
      const long long src = i % count;
      cv::Mat small(28, 28, CV_8UC1, images[src].data_ptr<std::uint8_t>());
      cv::Mat big, colour;
      cv::resize(small, big, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
      cv::cvtColor(big, colour, cv::COLOR_GRAY2BGR);
      const cv::Scalar tint(60 + (i * 37) % 160, 60 + (i * 71) % 160, 60 + (i * 113) % 160);
      cv::addWeighted(colour, 0.7, cv::Mat(colour.size(), colour.type(), tint), 0.3, 0, colour);
      cv::Mat noise(colour.size(), CV_16SC3);
      cv::RNG rng(static_cast<std::uint64_t>(i) + 1);
      rng.fill(noise, cv::RNG::NORMAL, 0, 6);
      colour.convertTo(colour, CV_16SC3);
      colour += noise;
      colour.convertTo(colour, CV_8UC3);
      char name[64];
      std::snprintf(name, sizeof name, "/%lld/%06lld.jpg", static_cast<long long>(labels[src].item<std::int64_t>()), i);
      if (!cv::imwrite(dir + name, colour, {cv::IMWRITE_JPEG_QUALITY, 90})) {
        std::lock_guard<std::mutex> lock(error_mutex);
        error = "could not write " + dir + name;
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < available_cpus(); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failed) throw std::runtime_error(error);
}

}  // namespace gan
