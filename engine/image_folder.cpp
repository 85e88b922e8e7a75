// Image folders, read with OpenCV (the desktop build).
#include <algorithm>
#include <filesystem>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>
#include <stdexcept>

#include "engine/dataset.h"
#include "engine/files.h"
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

// Why a file's bytes are not a whole image, or empty when they may be: a JPEG must reach its end
// marker after its scan, a PNG its IEND chunk. Other formats are left to their decoders.
std::string incomplete_image(const std::string& b) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() >= 3 && at(0) == 0xFF && at(1) == 0xD8 && at(2) == 0xFF) {  // JPEG: walk the segments to the scan
    size_t i = 2;
    while (i + 4 <= b.size()) {
      while (i < b.size() && at(i) != 0xFF) ++i;  // stray bytes between segments: libjpeg skips them too
      while (i < b.size() && at(i) == 0xFF) ++i;  // fill bytes
      if (i >= b.size()) break;
      const unsigned m = at(i++);
      if (m == 0xDA) {  // the scan: entropy-coded data never hold FF D9, so the end marker must follow
        for (size_t j = i; j + 1 < b.size(); ++j)
          if (at(j) == 0xFF && at(j + 1) == 0xD9) return "";
        return "it is cut short (the JPEG has no end marker)";
      }
      if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue;
      if (i + 2 > b.size()) break;
      i += (static_cast<size_t>(at(i)) << 8 | at(i + 1));
    }
    return "it is cut short (the JPEG ends before its image data)";
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

// Decodes an image file; an empty matrix, with `why` set, when it cannot be read whole.
static cv::Mat decode(const std::string& path, std::string& why) {
  std::string bytes;
  try {
    bytes = read_file_bytes(path, "image", std::uint64_t(1) << 31);
  } catch (const std::exception& e) {
    why = e.what();
    return {};
  }
  why = incomplete_image(bytes);
  if (!why.empty()) return {};
  cv::Mat m;
  try {
    m = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, bytes.data()), cv::IMREAD_UNCHANGED);
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

std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int res) {
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

  std::vector<cv::Mat> mats;
  std::vector<std::string> class_of;
  std::vector<std::string> unreadable;  // the first few, with why
  long long skipped = 0;
  bool all_grey = true;
  for (const auto& f : files) {
    std::string why;
    cv::Mat m = decode(f.string(), why);
    if (m.empty()) {
      ++skipped;
      if (unreadable.size() < 3) unreadable.push_back(fs::relative(f, dir).string() + " (" + why + ")");
      continue;
    }
    bool grey = false;
    mats.push_back(normalise(m, res, grey));
    all_grey = all_grey && grey;
    const fs::path rel = fs::relative(f.parent_path(), dir);
    class_of.push_back(rel.empty() || rel == "." ? "" : rel.begin()->string());
  }
  if (mats.empty())
    throw std::runtime_error("none of the " + std::to_string(files.size()) + " image files in " + dir +
                             " could be read" + (unreadable.empty() ? "" : ": " + unreadable.front()));

  const int c = all_grey ? 1 : 3;
  auto images = torch::empty({static_cast<int64_t>(mats.size()), c, res, res}, torch::kUInt8);
  for (size_t i = 0; i < mats.size(); ++i) {
    cv::Mat m = mats[i];
    if (!all_grey && m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2RGB);
    auto hwc = torch::from_blob(m.data, {res, res, c}, torch::kUInt8);
    images[static_cast<int64_t>(i)].copy_(hwc.permute({2, 0, 1}));
  }
  // Classes are the first-level subfolders, when every image sits in one.
  const bool labelled = std::none_of(class_of.begin(), class_of.end(), [](const std::string& s) { return s.empty(); });
  std::vector<std::string> names;
  torch::Tensor labels;
  if (labelled) {
    std::map<std::string, int64_t> index;
    for (const auto& s : class_of) index.emplace(s, 0);
    for (auto& [name, i] : index) i = static_cast<int64_t>(names.size()), names.push_back(name);
    labels = torch::empty({static_cast<int64_t>(class_of.size())}, torch::kLong);
    for (size_t i = 0; i < class_of.size(); ++i) labels[static_cast<int64_t>(i)] = index[class_of[i]];
  }
  std::string desc = "folder " + dir + ": " + std::to_string(mats.size()) + " images, " + std::to_string(c) +
                     " channel(s)" + (labelled ? ", " + std::to_string(names.size()) + " classes" : ", unlabelled");
  if (skipped) desc += "; " + std::to_string(skipped) + " unreadable file(s) skipped";
  auto ds = std::make_shared<Dataset>(images, labels, names, desc);
  ds->set_skipped(skipped);
  for (const auto& u : unreadable) ds->add_warning("could not read " + u);
  // Class folders (first-level subfolders) that gave no image: said, not silently dropped.
  if (labelled) {
    std::set<std::string> have(names.begin(), names.end());
    std::vector<std::string> empty;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_directory(ec) && e.path().filename().string().rfind('.', 0) != 0 &&
          !have.count(e.path().filename().string()))
        empty.push_back(e.path().filename().string());
    std::sort(empty.begin(), empty.end());
    for (const auto& name : empty)
      ds->add_warning("the class folder '" + name + "' has no readable images: it is left out (" +
                      std::to_string(names.size()) + " classes remain)");
  }
  return ds;
}

}  // namespace gan
