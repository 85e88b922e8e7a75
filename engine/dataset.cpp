#include "engine/dataset.h"
#include "engine/attributes.h"
#include "engine/glyphs.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "engine/files.h"
#include "engine/image.h"

#ifdef GAN_HAVE_ZLIB
#include <zlib.h>
#endif

namespace gan {
namespace fs = std::filesystem;

const std::vector<BuiltinDataset>& builtin_datasets() {
  static const std::vector<BuiltinDataset> all = {
      {"fashion-mnist", "Fashion-MNIST", {"train", "test"},
       {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}},
      {"glyphs", "Glyphs (typefaces)", {"train", "test"},
       [] {
         std::vector<std::string> names;
         for (const auto& f : glyph_faces()) names.push_back(f.name);
         return names;
       }()},
  };
  return all;
}

const BuiltinDataset* find_builtin(const std::string& name) {
  for (const auto& b : builtin_datasets())
    if (b.name == name) return &b;
  return nullptr;
}

DatasetSpec parse_dataset(const std::string& text, const std::string& split) {
  DatasetSpec spec;
  spec.split = split;
  spec.source = text;
  const auto colon = text.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    const std::string head = text.substr(0, colon), tail = text.substr(colon + 1);
    std::error_code ec;
    if (find_builtin(head) || (fs::exists(head, ec) && !fs::exists(text, ec))) {
      spec.source = head;
      size_t start = 0;
      while (start <= tail.size()) {
        const auto comma = tail.find(',', start);
        const std::string item = tail.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) spec.classes.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  }
  return spec;
}

std::string label(const DatasetSpec& spec) {
  std::string out = find_builtin(spec.source) ? spec.source + " " + spec.split : spec.source;
  if (!spec.classes.empty()) {
    out += " [";
    for (size_t i = 0; i < spec.classes.size(); ++i) out += (i ? ", " : "") + spec.classes[i];
    out += "]";
  }
  return out;
}

DatasetSpec all_classes(const DatasetSpec& spec) {
  DatasetSpec out = spec;
  out.classes.clear();
  return out;
}

std::optional<DatasetSpec> test_split(const DatasetSpec& spec) {
  const BuiltinDataset* b = find_builtin(spec.source);
  if (!b || spec.split != "train") return std::nullopt;
  for (const auto& s : b->splits)
    if (s == "test") {
      DatasetSpec out = spec;
      out.split = "test";
      return out;
    }
  return std::nullopt;
}

Dataset::Dataset(torch::Tensor images, torch::Tensor labels, std::vector<std::string> class_names,
                 std::string description)
    : images_(std::move(images)),
      labels_(std::move(labels)),
      class_names_(std::move(class_names)),
      description_(std::move(description)) {
  if (images_.dim() != 4 || images_.scalar_type() != torch::kUInt8 || images_.size(2) != images_.size(3))
    throw std::invalid_argument("dataset images must be N x C x R x R uint8");
  if (labels_.defined() && labels_.size(0) != images_.size(0))
    throw std::invalid_argument("dataset has a different number of labels and images");
}

std::string fashion_mnist_dir() {
  if (const char* env = std::getenv("GAN_EXPLORER_FASHION_MNIST")) return env;
  return "/usr/share/datasets/fashion-mnist";
}

namespace {

// Reads a file, gzip-compressed or not (gzip needs zlib), in pieces: only as much as asked for, so an
// endless or huge stream never fills the memory.
class IdxStream {
 public:
  explicit IdxStream(const std::string& path) : path_(path) {
    require_regular_file(path, "dataset file");
#ifdef GAN_HAVE_ZLIB
    gz_ = gzopen(path.c_str(), "rb");  // reads plain files unchanged
    if (!gz_) throw std::runtime_error("cannot open " + path);
#else
    in_.open(path, std::ios::binary);
    if (!in_) throw std::runtime_error("cannot open " + path);
#endif
  }
  ~IdxStream() {
#ifdef GAN_HAVE_ZLIB
    if (gz_) gzclose(gz_);
#endif
  }
  IdxStream(const IdxStream&) = delete;
  IdxStream& operator=(const IdxStream&) = delete;

  // Up to n bytes into `out`; how many came (fewer only at the end). Throws when the data are damaged.
  size_t read(std::uint8_t* out, size_t n) {
    size_t got = 0;
    while (got < n) {
#ifdef GAN_HAVE_ZLIB
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - got, 1u << 30));
      const int r = gzread(gz_, out + got, chunk);
      if (r < 0) {
        int err = 0;
        const char* msg = gzerror(gz_, &err);
        throw std::runtime_error(path_ + " is damaged: " + std::string(msg ? msg : "read error"));
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
#else
      in_.read(reinterpret_cast<char*>(out + got), static_cast<std::streamsize>(n - got));
      const auto r = in_.gcount();
      if (r <= 0) break;
      got += static_cast<size_t>(r);
#endif
    }
#ifdef GAN_HAVE_ZLIB
    if (got < n) {
      int err = Z_OK;
      const char* msg = gzerror(gz_, &err);
      if (err != Z_OK && err != Z_STREAM_END)
        throw std::runtime_error(path_ + " is truncated or damaged: " + std::string(msg ? msg : "read error"));
    }
#else
    if (got >= 2 && first_ && out[0] == 0x1f && out[1] == 0x8b)
      throw std::runtime_error(path_ + " is gzip-compressed, and this build has no zlib: gunzip it first");
#endif
    first_ = false;
    return got;
  }

 private:
  std::string path_;
  bool first_ = true;
#ifdef GAN_HAVE_ZLIB
  gzFile gz_ = nullptr;
#else
  std::ifstream in_;
#endif
};

}  // namespace

// Whether a file starts with gzip's magic number.
static bool head_was_gzip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char m[2] = {0, 0};
  in.read(reinterpret_cast<char*>(m), 2);
  return in.gcount() == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

// The most values an IDX file may hold: 16 GiB of bytes (far beyond any image set that fits in memory).
static constexpr std::uint64_t kMaxIdxValues = std::uint64_t(1) << 34;

torch::Tensor read_idx(const std::string& path) {
  IdxStream in(path);
  std::uint8_t head[4] = {0, 0, 0, 0};
  const size_t got = in.read(head, 4);
  if (got < 4 || head[0] != 0 || head[1] != 0) throw std::runtime_error(path + " is not an IDX file (bad magic number)");
  if (head[2] != 0x08) throw std::runtime_error(path + ": only unsigned-byte IDX files are supported");
  const int dims = head[3];
  if (dims < 1 || dims > 4) throw std::runtime_error(path + ": an IDX file needs 1 to 4 dimensions, not " + std::to_string(dims));
  std::uint8_t sizes[16];
  if (in.read(sizes, 4u * static_cast<unsigned>(dims)) < 4u * static_cast<unsigned>(dims))
    throw std::runtime_error(path + " is truncated (header)");
  std::vector<int64_t> shape;
  std::uint64_t count = 1;
  for (int i = 0; i < dims; ++i) {
    const std::uint8_t* p = sizes + 4 * i;
    const std::uint64_t d = (std::uint64_t(p[0]) << 24) | (std::uint64_t(p[1]) << 16) | (std::uint64_t(p[2]) << 8) | p[3];
    shape.push_back(static_cast<int64_t>(d));
    count = d == 0 ? 0 : (count > kMaxIdxValues / d ? kMaxIdxValues + 1 : count * d);
  }
  if (count > kMaxIdxValues)
    throw std::runtime_error(path + ": its header promises more than " + std::to_string(kMaxIdxValues) +
                             " values, more than any dataset this program can hold (damaged?)");
  // Before allocating: a plain file holds exactly what it promises; gzip shrinks data at most ~1032:1.
  std::error_code ec;
  const std::uint64_t file_size = fs::file_size(path, ec);
  const bool gzipped = head_was_gzip(path);
  const std::uint64_t header = 4 + 4 * static_cast<std::uint64_t>(dims);
  if (!ec && !gzipped && file_size < header + count)
    throw std::runtime_error(path + " is truncated or damaged: the header promises " + std::to_string(count) +
                             " values, the file holds " + std::to_string(file_size - std::min(file_size, header)));
  if (!ec && gzipped && count / 1100 > file_size)
    throw std::runtime_error(path + " is damaged: its header promises " + std::to_string(count) +
                             " values, more than a compressed file of " + std::to_string(file_size) + " bytes can hold");
  auto t = torch::empty(shape, torch::kUInt8);
  const size_t have = in.read(t.data_ptr<std::uint8_t>(), static_cast<size_t>(count));
  if (have != count)
    throw std::runtime_error(path + " is truncated or damaged: the header promises " + std::to_string(count) +
                             " values, the file holds " + std::to_string(have));
  std::uint8_t extra = 0;
  if (in.read(&extra, 1) != 0)
    throw std::runtime_error(path + " is damaged: it holds more data than its header promises (" + std::to_string(count) +
                             " values)");
  return dims == 1 ? t.to(torch::kLong) : t;
}

torch::Tensor resize_images(const torch::Tensor& images, int resolution) {
  if (images.size(2) == resolution && images.size(3) == resolution) return images;
  namespace F = torch::nn::functional;
  const bool shrink = images.size(2) > resolution;
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < images.size(0); i += 4096) {
    auto x = images.slice(0, i, std::min<int64_t>(i + 4096, images.size(0))).to(torch::kFloat);
    auto opt = F::InterpolateFuncOptions().size(std::vector<int64_t>{resolution, resolution});
    x = shrink ? F::interpolate(x, opt.mode(torch::kArea))
               : F::interpolate(x, opt.mode(torch::kBilinear).align_corners(false));
    parts.push_back(x.round().clamp(0, 255).to(torch::kUInt8));
  }
  return torch::cat(parts);
}

// Labels must name the classes there are: for a dataset whose classes are known (`names`), each label is
// one of them; otherwise the classes are 0 to the largest label, and each must have images (a stray 255
// would otherwise make 256 classes). Throws naming the first label that is wrong.
static void check_labels(const torch::Tensor& labels, const std::vector<std::string>& names, const std::string& path) {
  if (labels.numel() == 0) return;
  if (!names.empty()) {
    const auto bad = labels.ge(static_cast<int64_t>(names.size())).logical_or(labels.lt(0)).nonzero();
    if (bad.numel() > 0) {
      const int64_t i = bad[0][0].item<int64_t>();
      throw std::runtime_error(path + ": label " + std::to_string(labels[i].item<int64_t>()) + " of item " +
                               std::to_string(i) + " is not one of the " + std::to_string(names.size()) +
                               " classes (0 to " + std::to_string(names.size() - 1) + ")" +
                               (bad.size(0) > 1 ? "; " + std::to_string(bad.size(0)) + " labels are out of range" : ""));
    }
    return;
  }
  const int64_t k = labels.max().item<int64_t>() + 1;
  const auto counts = torch::bincount(labels, {}, k);
  const auto empty = counts.eq(0).nonzero();
  if (empty.numel() > 0) {
    std::string list;
    for (int64_t j = 0; j < std::min<int64_t>(empty.size(0), 5); ++j)
      list += (j ? ", " : "") + std::to_string(empty[j][0].item<int64_t>());
    if (empty.size(0) > 5) list += ", ... (" + std::to_string(empty.size(0)) + " in all)";
    const int64_t top = k - 1;
    const int64_t first = labels.eq(top).nonzero()[0][0].item<int64_t>();
    throw std::runtime_error(path + ": the labels go up to " + std::to_string(top) + " (item " + std::to_string(first) +
                             "), but no image has the label(s) " + list +
                             ": a stray or damaged label? Each class from 0 to the largest label needs images");
  }
}

static std::shared_ptr<const Dataset> load_idx_pair(const std::string& images_path, const std::string& labels_path,
                                                    std::vector<std::string> names, const std::string& what,
                                                    int resolution) {
  auto images = read_idx(images_path);
  if (images.dim() != 3 && images.dim() != 4)
    throw std::runtime_error(images_path + " holds no images (it has " + std::to_string(images.dim()) + " dimensions)");
  if (images.size(0) == 0) throw std::runtime_error(images_path + " holds no images");
  images = images.dim() == 3 ? images.unsqueeze(1) : images.permute({0, 3, 1, 2}).contiguous();  // N H W C -> N C H W
  if (images.size(2) != images.size(3)) {  // centre-crop to a square before resizing
    const int64_t s = std::min(images.size(2), images.size(3));
    images = images.slice(2, (images.size(2) - s) / 2, (images.size(2) - s) / 2 + s)
                 .slice(3, (images.size(3) - s) / 2, (images.size(3) - s) / 2 + s)
                 .contiguous();
  }
  torch::Tensor labels;
  if (!labels_path.empty() && fs::exists(labels_path)) {
    labels = read_idx(labels_path);
    if (labels.dim() != 1 || labels.size(0) != images.size(0))
      throw std::runtime_error(labels_path + " does not match " + images_path + ": " + std::to_string(labels.size(0)) +
                               " labels for " + std::to_string(images.size(0)) + " images");
    check_labels(labels, names, labels_path);
    const int64_t k = labels.max().item<int64_t>() + 1;
    if (names.empty())
      for (int64_t c = 0; c < k; ++c) names.push_back(std::to_string(c));
  } else {
    names.clear();
  }
  const std::string desc = what + ": " + std::to_string(images.size(0)) + " images " + std::to_string(images.size(2)) +
                           "x" + std::to_string(images.size(3)) + ", " + std::to_string(images.size(1)) + " channel(s)" +
                           (labels.defined() ? ", " + std::to_string(names.size()) + " classes" : ", unlabelled");
  return std::make_shared<Dataset>(resize_images(images, resolution), labels, names, desc);
}

static std::shared_ptr<const Dataset> load_all_classes(const DatasetSpec& spec, int resolution, const LoadOptions& options) {
  if (spec.source == "fashion-mnist") {
    if (spec.split != "train" && spec.split != "test")
      throw std::runtime_error("Fashion-MNIST has the splits 'train' and 'test', not '" + spec.split + "'");
    const std::string dir = fashion_mnist_dir();
    const std::string stem = dir + "/" + (spec.split == "train" ? "train" : "t10k");
    if (!fs::exists(stem + "-images-idx3-ubyte.gz"))
      throw std::runtime_error("Fashion-MNIST was not found in " + dir +
                               ". Install it with: sudo apt-get install dataset-fashion-mnist");
    return load_idx_pair(stem + "-images-idx3-ubyte.gz", stem + "-labels-idx1-ubyte.gz",
                         find_builtin("fashion-mnist")->class_names, "Fashion-MNIST " + spec.split, resolution);
  }
  const fs::path p(spec.source);
  if (!fs::exists(p)) throw std::runtime_error("dataset not found: " + spec.source);
  if (fs::is_directory(p)) return load_image_folder(spec.source, resolution, options);
  if (is_attribute_file_name(spec.source)) return load_attribute_images(spec.source, resolution, options);
  // An IDX image file; its labels are the file whose name says labels-idx1 instead of images-idx3.
  std::string labels = spec.source;
  const auto at = labels.find("images-idx3");
  labels = at == std::string::npos ? "" : labels.replace(at, 11, "labels-idx1");
  return load_idx_pair(spec.source, labels, {}, p.filename().string(), resolution);
}

std::shared_ptr<const Dataset> load_dataset(const DatasetSpec& spec, int resolution, const LoadOptions& options) {
  if (resolution < 4 || resolution > 1024) throw std::invalid_argument("resolution out of range");
  if (find_builtin(spec.source) == nullptr && spec.source.empty()) throw std::runtime_error("no dataset was given");
  if (spec.source == "glyphs") return load_glyphs(spec, resolution, options.cache_dir);  // renders only the faces named
  auto data = load_all_classes(spec, resolution, options);
  return spec.classes.empty() ? data : select_classes(data, spec.classes);
}

std::shared_ptr<const Dataset> select_classes(const std::shared_ptr<const Dataset>& data,
                                              const std::vector<std::string>& classes) {
  if (!data->labels().defined() || data->num_classes() == 0)
    throw std::runtime_error(data->description() + " has no classes to pick from");
  const auto& names = data->class_names();
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  if (data->attributes()) {  // the attributes named, every image
    std::vector<int64_t> columns;
    std::vector<std::string> kept;
    for (const auto& c : classes) {
      const int index = find_class(names, c);
      if (index < 0)
        throw std::runtime_error("'" + c + "' is not an attribute of " + data->description() + " (its attributes: " +
                                 known + ")");
      columns.push_back(index);
      kept.push_back(names[static_cast<size_t>(index)]);
    }
    std::string picked;
    for (const auto& k : kept) picked += (picked.empty() ? "" : ", ") + k;
    auto out = std::make_shared<Dataset>(data->images(), data->labels().index_select(1, torch::tensor(columns)).contiguous(),
                                         kept, data->description() + "; attributes " + picked);
    out->keep_notes_of(*data);
    return out;
  }
  auto keep = torch::zeros({data->size()}, torch::kBool);
  std::string picked;
  for (const auto& c : classes) {
    const int64_t index = find_class(names, c);
    if (index < 0) throw std::runtime_error("'" + c + "' is not a class of " + data->description() + " (its classes: " + known + ")");
    keep.logical_or_(data->labels().eq(index));
    picked += (picked.empty() ? "" : ", ") + names[static_cast<size_t>(index)];
  }
  auto index = keep.nonzero().flatten();
  if (index.numel() == 0) throw std::runtime_error(data->description() + " has no images of " + picked);
  auto out = std::make_shared<Dataset>(data->images().index_select(0, index), data->labels().index_select(0, index),
                                       names, data->description() + "; class " + picked + ": " +
                                                  std::to_string(index.numel()) + " images");
  out->keep_notes_of(*data);
  return out;
}

std::shared_ptr<const Dataset> present_classes(const std::shared_ptr<const Dataset>& data) {
  if (!data->labels().defined() || data->attributes() || data->size() == 0) return data;
  const auto present = std::get<0>(at::_unique(data->labels(), /*sorted=*/true));
  if (present.numel() == data->num_classes()) return data;
  const int64_t top = std::max<int64_t>(data->num_classes(), present.max().item<int64_t>() + 1);
  auto remap = torch::full({top}, -1, torch::kLong);
  std::vector<std::string> names;
  for (int64_t i = 0; i < present.numel(); ++i) {
    const int64_t old = present[i].item<int64_t>();
    remap[old] = i;
    names.push_back(old < data->num_classes() ? data->class_names()[static_cast<size_t>(old)] : std::to_string(old));
  }
  auto out = std::make_shared<Dataset>(data->images(), remap.index_select(0, data->labels()), names,
                                       data->description());
  out->keep_notes_of(*data);
  return out;
}

std::shared_ptr<const Dataset> with_channels(const std::shared_ptr<const Dataset>& data, int channels) {
  if (data->channels() == channels) return data;
  auto x = data->images();
  if (channels == 3 && x.size(1) == 1) x = x.repeat({1, 3, 1, 1});
  else if (channels == 1 && x.size(1) >= 3)
    x = (0.299 * x.select(1, 0).to(torch::kFloat) + 0.587 * x.select(1, 1).to(torch::kFloat) +
         0.114 * x.select(1, 2).to(torch::kFloat)).round().clamp(0, 255).to(torch::kUInt8).unsqueeze(1);
  else throw std::runtime_error("cannot turn " + std::to_string(data->channels()) + "-channel images into " +
                                std::to_string(channels) + "-channel ones");
  auto out = std::make_shared<Dataset>(x.contiguous(), data->labels(), data->class_names(),
                                       data->description() + " (as " + std::to_string(channels) + " channels)");
  out->keep_notes_of(*data);
  return out;
}

bool is_image_name(const std::string& path) {
  static const std::set<std::string> exts = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif",
                                             ".tiff", ".pgm", ".ppm", ".pbm", ".pnm"};
  std::string e = fs::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return exts.count(e) != 0;
}

#ifndef GAN_HAVE_OPENCV
std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int, const LoadOptions&) {
  throw std::runtime_error("cannot read the image folder " + dir +
                           ": this build has no OpenCV (the desktop build has it; IDX files work everywhere)");
}

std::shared_ptr<const Dataset> load_attribute_images(const std::string& path, int, const LoadOptions&) {
  read_attribute_file(path);  // its own problems first
  throw std::runtime_error("cannot read the images of " + path +
                           ": this build has no OpenCV (the desktop build has it; IDX files work everywhere)");
}

void write_benchmark_jpegs(const std::string& dir, long long, int, int) {
  throw std::runtime_error("cannot write " + dir + ": this build has no OpenCV");
}

Image8 read_image(const std::string& path) {
  throw std::runtime_error("cannot read " + path + ": this build has no OpenCV (the desktop build has it)");
}
#endif

}  // namespace gan
