#include "models/networks/classifier.h"

namespace gan {
namespace F = torch::nn::functional;

FeatureClassifierImpl::FeatureClassifierImpl(int channels, int classes) : channels_(channels), classes_(classes) {
  conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, 3).padding(1)));
  bn1_ = register_module("bn1", SyncBatchNorm2d(32));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)));
  bn2_ = register_module("bn2", SyncBatchNorm2d(64));
  fc1_ = register_module("fc1", torch::nn::Linear(64 * 7 * 7, kFeatures));
  fc2_ = register_module("fc2", torch::nn::Linear(kFeatures, classes));
  dropout_ = register_module("dropout", torch::nn::Dropout(0.3));
}

ClassifierOutput FeatureClassifierImpl::forward(const torch::Tensor& x) {
  auto h = F::max_pool2d(torch::relu(bn1_(conv1_(x))), F::MaxPool2dFuncOptions(2));
  h = F::max_pool2d(torch::relu(bn2_(conv2_(h))), F::MaxPool2dFuncOptions(2));
  auto features = fc1_(h.flatten(1));
  auto logits = fc2_(dropout_(torch::relu(features)));
  return {features, logits};
}

}  // namespace gan
