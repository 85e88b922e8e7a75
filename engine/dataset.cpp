#include "engine/dataset.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#ifdef GAN_HAVE_ZLIB
#include <zlib.h>
#endif

namespace gan {
namespace fs = std::filesystem;

const std::vector<std::string> kFashionMnistClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

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

static std::vector<std::uint8_t> read_maybe_gzip(const std::string& path) {
  if (!fs::exists(path)) throw std::runtime_error("file not found: " + path);
  std::vector<std::uint8_t> data;
#ifdef GAN_HAVE_ZLIB
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files unchanged
  if (!f) throw std::runtime_error("cannot open " + path);
  std::uint8_t buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) data.insert(data.end(), buf, buf + n);
  int err = 0;
  const char* msg = gzerror(f, &err);
  const bool bad = n < 0 || (err != Z_OK && err != Z_STREAM_END);
  const std::string what = bad ? std::string(msg ? msg : "read error") : "";
  gzclose(f);
  if (bad) throw std::runtime_error(path + " is damaged: " + what);
#else
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  data.assign(std::istreambuf_iterator<char>(in), {});
  if (data.size() >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    throw std::runtime_error(path + " is gzip-compressed, and this build has no zlib: gunzip it first");
#endif
  return data;
}

torch::Tensor read_idx(const std::string& path) {
  const auto data = read_maybe_gzip(path);
  if (data.size() < 4 || data[0] != 0 || data[1] != 0)
    throw std::runtime_error(path + " is not an IDX file (bad magic number)");
  if (data[2] != 0x08) throw std::runtime_error(path + ": only unsigned-byte IDX files are supported");
  const int dims = data[3];
  if (dims < 1 || dims > 4) throw std::runtime_error(path + ": an IDX file needs 1 to 4 dimensions, not " + std::to_string(dims));
  if (data.size() < 4u + 4u * dims) throw std::runtime_error(path + " is truncated (header)");
  std::vector<int64_t> shape;
  size_t count = 1;
  for (int i = 0; i < dims; ++i) {
    const std::uint8_t* p = data.data() + 4 + 4 * i;
    const int64_t d = (int64_t(p[0]) << 24) | (int64_t(p[1]) << 16) | (int64_t(p[2]) << 8) | int64_t(p[3]);
    shape.push_back(d);
    count *= static_cast<size_t>(d);
  }
  const size_t offset = 4 + 4 * dims;
  if (data.size() - offset != count)
    throw std::runtime_error(path + " is truncated or damaged: the header promises " + std::to_string(count) +
                             " values, the file holds " + std::to_string(data.size() - offset));
  auto t = torch::empty(shape, torch::kUInt8);
  std::copy(data.begin() + offset, data.end(), t.data_ptr<std::uint8_t>());
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

std::shared_ptr<const Dataset> load_dataset(const DatasetSpec& spec, int resolution) {
  if (resolution < 4 || resolution > 1024) throw std::invalid_argument("resolution out of range");
  if (spec.source == "fashion-mnist") {
    if (spec.split != "train" && spec.split != "test")
      throw std::runtime_error("Fashion-MNIST has the splits 'train' and 'test', not '" + spec.split + "'");
    const std::string dir = fashion_mnist_dir();
    const std::string stem = dir + "/" + (spec.split == "train" ? "train" : "t10k");
    if (!fs::exists(stem + "-images-idx3-ubyte.gz"))
      throw std::runtime_error("Fashion-MNIST was not found in " + dir +
                               ". Install it with: sudo apt-get install dataset-fashion-mnist");
    return load_idx_pair(stem + "-images-idx3-ubyte.gz", stem + "-labels-idx1-ubyte.gz", kFashionMnistClasses,
                         "Fashion-MNIST " + spec.split, resolution);
  }
  const fs::path p(spec.source);
  if (!fs::exists(p)) throw std::runtime_error("dataset not found: " + spec.source);
  if (fs::is_directory(p)) return load_image_folder(spec.source, resolution);
  // An IDX image file; its labels are the file whose name says labels-idx1 instead of images-idx3.
  std::string labels = spec.source;
  const auto at = labels.find("images-idx3");
  labels = at == std::string::npos ? "" : labels.replace(at, 11, "labels-idx1");
  return load_idx_pair(spec.source, labels, {}, p.filename().string(), resolution);
}

#ifndef GAN_HAVE_OPENCV
std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int) {
  throw std::runtime_error("cannot read the image folder " + dir +
                           ": this build has no OpenCV (the desktop build has it; IDX files work everywhere)");
}
#endif

}  // namespace gan
