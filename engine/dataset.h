#pragma once
// Datasets held in memory as 8-bit images at the model's resolution.
#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/core/explore.h"  // find_class

namespace gan {

// Thrown when a long task (reading a folder, training the metric classifier) is cancelled.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

// How a dataset is read. Progress and cancellation matter for image folders, which take long.
struct LoadOptions {
  // (files done, files in all): from the thread that loads, a few times a second and at the end.
  std::function<void(long long done, long long total)> progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between files: throws Cancelled
  bool use_cache = true;  // folders: read the prepared images from the cache, or prepare and cache them
  std::string cache_dir;  // folders: where that cache lives; empty: cache_dir()
  int threads = 0;        // folders: decoding threads; 0: one per CPU
};

// What the user picked: a built-in dataset ("fashion-mnist", from a Debian package), an IDX file, or an
// image folder; optionally only some of its classes.
struct DatasetSpec {
  std::string source = "fashion-mnist";  // a built-in dataset's name, or a path
  std::string split = "train";           // for built-in datasets: train or test
  std::vector<std::string> classes;      // keep only these classes (names or numbers); empty: all
  bool operator==(const DatasetSpec& o) const {
    return source == o.source && split == o.split && classes == o.classes;
  }
};

// Parses "SOURCE[:CLASS[,CLASS...]]" as the command line and the GUI take it: "fashion-mnist",
// "fashion-mnist:Sneaker", "photos/:cats". A colon belongs to the path when what precedes it is not
// an existing path or a built-in name.
DatasetSpec parse_dataset(const std::string& text, const std::string& split = "train");
// "fashion-mnist train", "fashion-mnist train [Sneaker]", or the path: how a reference set is named.
std::string label(const DatasetSpec& spec);
// The same data without the class filter (the classifier of a class's dataset is the whole dataset's).
DatasetSpec all_classes(const DatasetSpec& spec);
// The held-out split of a built-in dataset's training split, with the same class filter; none for
// files and folders.
std::optional<DatasetSpec> test_split(const DatasetSpec& spec);

// A dataset that ships with a Debian package and needs no path.
struct BuiltinDataset {
  std::string name;                      // "fashion-mnist"
  std::string title;                     // "Fashion-MNIST"
  std::vector<std::string> splits;       // "train", "test"
  std::vector<std::string> class_names;
};
const std::vector<BuiltinDataset>& builtin_datasets();
const BuiltinDataset* find_builtin(const std::string& name);

class Dataset {
 public:
  // images: N x C x R x R uint8; labels: N int64, N x K int64 0/1 (attributes), or undefined.
  Dataset(torch::Tensor images, torch::Tensor labels, std::vector<std::string> class_names, std::string description);
  long long size() const { return images_.size(0); }
  int channels() const { return static_cast<int>(images_.size(1)); }
  int resolution() const { return static_cast<int>(images_.size(2)); }
  int num_classes() const { return static_cast<int>(class_names_.size()); }
  // The labels are binary attributes (N x K, 0 or 1; class_names are the attributes), not one class each.
  bool attributes() const { return labels_.defined() && labels_.dim() == 2; }
  const torch::Tensor& images() const { return images_; }
  const torch::Tensor& labels() const { return labels_; }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const std::string& description() const { return description_; }
  long long skipped() const { return skipped_; }  // unreadable files left out (folders)
  void set_skipped(long long n) { skipped_ = n; }
  // What the user should know about how the data were read (an empty class folder left out, the
  // first files that could not be read and why); the run shows each as a warning.
  const std::vector<std::string>& warnings() const { return warnings_; }
  void add_warning(std::string w) { warnings_.push_back(std::move(w)); }
  // How the data were read, for the user ("read 30000 files in 9.1 s on 2 threads; cached as ...").
  const std::vector<std::string>& notes() const { return notes_; }
  void add_note(std::string n) { notes_.push_back(std::move(n)); }
  // Skipped files and warnings of `other` (a dataset this one was made from).
  void keep_notes_of(const Dataset& other) {
    skipped_ = other.skipped_;
    warnings_ = other.warnings_;
    notes_ = other.notes_;
  }

 private:
  torch::Tensor images_, labels_;
  std::vector<std::string> class_names_;
  std::string description_;
  long long skipped_ = 0;
  std::vector<std::string> warnings_;
  std::vector<std::string> notes_;
};

// The directory of the Debian package dataset-fashion-mnist, or $GAN_EXPLORER_FASHION_MNIST.
std::string fashion_mnist_dir();

// Reads an IDX file (raw, or gzip-compressed when built with zlib). Throws std::runtime_error with
// the file name and what is wrong. Images come back as N x H x W uint8, labels as N int64.
torch::Tensor read_idx(const std::string& path);

// Resizes N x C x H x W uint8 images to R x R: area averaging to shrink, bilinear to grow.
torch::Tensor resize_images(const torch::Tensor& images, int resolution);

// Loads what the spec names at `resolution`. Throws std::runtime_error with a message for the user.
std::shared_ptr<const Dataset> load_dataset(const DatasetSpec& spec, int resolution, const LoadOptions& options = {});
// Only the images of `classes` (names or numbers); their labels and the class names are kept. For
// attributes: every image, with only the attributes named (in the order given).
// Throws std::runtime_error when the data have no labels or a class is unknown.
std::shared_ptr<const Dataset> select_classes(const std::shared_ptr<const Dataset>& data,
                                              const std::vector<std::string>& classes);
// The same images with only the classes they have, numbered 0..k-1 in the order of their old numbers
// (Fashion-MNIST's Sandal, Sneaker, Ankle boot become 0, 1, 2). Attributes and unlabelled data as they are.
std::shared_ptr<const Dataset> present_classes(const std::shared_ptr<const Dataset>& data);
// The images with `channels` channels: grey repeated to colour, colour to grey by luma.
std::shared_ptr<const Dataset> with_channels(const std::shared_ptr<const Dataset>& data, int channels);

// An image folder (OpenCV builds only): every readable image below `dir`, shorter side resized to
// `resolution` and centre-cropped. Subfolders become classes when every image is in one; a class folder
// without readable images is left out with a warning. Files that are cut short (a JPEG without its end
// marker, a PNG without IEND) count as unreadable, as do files OpenCV cannot decode.
// Files are decoded on `options.threads` threads into their own slots, so the bytes do not depend on the
// thread count. The prepared images are cached (engine/folder_cache.h): a second load of the same files
// at the same resolution maps the cache file instead of decoding.
std::shared_ptr<const Dataset> load_image_folder(const std::string& dir, int resolution, const LoadOptions& options = {});

// An attribute file (engine/attributes.h; OpenCV builds) and the images it lists, relative to its
// folder, shorter side resized to `resolution` and centre-cropped; labels N x K (1 yes, 0 no), the
// attributes as class names. Images missing or unreadable are left out with a warning.
std::shared_ptr<const Dataset> load_attribute_images(const std::string& path, int resolution,
                                                     const LoadOptions& options = {});

// For the benchmark (OpenCV builds): `n` JPEGs of width x height in `dir`, made from Fashion-MNIST's
// training images (upscaled, tinted, with noise so that they do not compress like flat drawings),
// in ten class folders. Deterministic.
void write_benchmark_jpegs(const std::string& dir, long long n, int width, int height);

}  // namespace gan
