#pragma once
// The offline feature extractor for FID / KID / IS: a small CNN trained on the dataset's own labels.
// This is the classifier-based metric TF-GAN and the pytorch-fid maintainers suggest for MNIST-like
// data; its numbers are not comparable with Inception FID.
#include <torch/torch.h>

#include <string>

#include "models/layers/batch_norm.h"

namespace gan {

struct ClassifierOutput {
  torch::Tensor features;  // N x kClassifierFeatures: the penultimate layer, before its ReLU (FID, KID)
  torch::Tensor logits;    // N x classes (IS takes their softmax)
};

// conv3x3(32)-BN-ReLU-pool, conv3x3(64)-BN-ReLU-pool, fc(128) = features, ReLU-dropout-fc(classes).
class FeatureClassifierImpl : public torch::nn::Module {
 public:
  static constexpr int kResolution = 28;     // inputs are resized to this side
  static constexpr int kFeatures = 128;
  // Bump when the architecture or its training changes: cached classifiers are keyed by it.
  static constexpr const char* kVersion = "cnn28-v1";

  FeatureClassifierImpl(int channels, int classes);
  // x: N x channels x 28 x 28 in [-1, 1].
  ClassifierOutput forward(const torch::Tensor& x);
  int channels() const { return channels_; }
  int classes() const { return classes_; }

 private:
  int channels_, classes_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  SyncBatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(FeatureClassifier);

}  // namespace gan
