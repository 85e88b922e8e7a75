#pragma once
// Datasets held in memory as 8-bit images at the model's resolution.
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace gan {

// What the user picked: "fashion-mnist" (the Debian package), an IDX file, or an image folder.
struct DatasetSpec {
  std::string source = "fashion-mnist";  // "fashion-mnist" or a path
  std::string split = "train";           // for fashion-mnist: train or test
  bool operator==(const DatasetSpec& o) const { return source == o.source && split == o.split; }
};

class Dataset {
 public:
  // images: N x C x R x R uint8; labels: N int64 or undefined.
  Dataset(torch::Tensor images, torch::Tensor labels, std::vector<std::string> class_names, std::string description);
  long long size() const { return images_.size(0); }
  int channels() const { return static_cast<int>(images_.size(1)); }
  int resolution() const { return static_cast<int>(images_.size(2)); }
  int num_classes() const { return static_cast<int>(class_names_.size()); }
  const torch::Tensor& images() const { return images_; }
  const torch::Tensor& labels() const { return labels_; }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const std::string& description() const { return description_; }
  long long skipped() const { return skipped_; }  // unreadable files left out (folders)
  void set_skipped(long long n) { skipped_ = n; }

 private:
  torch::Tensor images_, labels_;
  std::vector<std::string> class_names_;
  std::string description_;
  long long skipped_ = 0;
};

// The directory of the Debian package dataset-fashion-mnist, or $GAN_EXPLORER_FASHION_MNIST.
std::string fashion_mnist_dir();
extern const std::vector<std::string> kFashionMnistClasses;

// Reads an IDX file (raw, or gzip-compressed when built with zlib). Throws std::runtime_error with
// the file name and what is wrong. Images come back as N x H x W uint8, labels as N int64.
torch::Tensor read_idx(const std::string& path);

// Resizes N x C x H x W uint8 images to R x R: area averaging to shrink, bilinear to grow.
torch::Tensor resize_images(const torch::Tensor& images, int resolution);

// Loads what the spec names at `resolution`. Throws std::runtime_error with a message for the user.
std::shared_ptr<const Dataset> load_dataset(const DatasetSpec& spec, int resolution);

// An image folder (OpenCV builds only): every readable image below `dir`, shorter side resized to
// `resolution` and centre-cropped. Subfolders become classes when every image is in one.
std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int resolution);

}  // namespace gan
