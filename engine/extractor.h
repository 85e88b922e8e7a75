#pragma once
// Feature extractors for FID / KID / IS. Each takes 8-bit images, as the reference implementations
// do, and says how it was applied so every metric point can be labelled.
#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/networks/classifier.h"

namespace gan {

struct Extracted {
  torch::Tensor features;  // N x d float32: FID and KID
  torch::Tensor logits;    // N x K: IS takes their softmax
};

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // What the user reads beside every number, e.g. "classifier cnn28-v1 (...)" or "Inception ...".
  virtual std::string label() const = 0;
  // Identifies the extractor and its weights in cache keys.
  virtual std::string key() const = 0;
  // How images of side `resolution` are brought to the extractor's input.
  virtual std::string resize_method(int resolution) const = 0;
  virtual long long feature_dim() const = 0;
  // images: N x C x H x W uint8 on the CPU.
  virtual Extracted extract(const torch::Tensor& images) = 0;
};

// The dataset classifier (models/networks/classifier.h): images resized on uint8 to 28 px (area to shrink,
// bilinear to grow), scaled to [-1, 1], penultimate features and logits.
class ClassifierExtractor : public FeatureExtractor {
 public:
  ClassifierExtractor(FeatureClassifier net, std::string data_key, std::string dataset_name, double test_accuracy);
  std::string label() const override;
  std::string key() const override;
  std::string resize_method(int resolution) const override;
  long long feature_dim() const override { return FeatureClassifierImpl::kFeatures; }
  Extracted extract(const torch::Tensor& images) override;
  double test_accuracy() const { return accuracy_; }

 private:
  FeatureClassifier net_;
  std::string data_key_, dataset_;
  double accuracy_;
};

// NVIDIA's TorchScript Inception (inception-2015-12-05.pt, as StyleGAN2/3 and clean-fid use it):
// uint8 NCHW input, grey images repeated to 3 channels, the module resizes to 299 itself; 2048-d
// pool features for FID/KID, and the 1008 logits without the output bias for IS.
// Throws std::runtime_error with a message for the user when the file is missing, not TorchScript,
// or not a module of that shape.
std::unique_ptr<FeatureExtractor> load_inception(const std::string& path);

// Runs `extract` over N images in batches of `batch`, concatenating the results.
Extracted extract_all(FeatureExtractor& ex, const torch::Tensor& images, long long batch = 100);

}  // namespace gan
