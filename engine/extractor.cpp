#include "engine/extractor.h"

#include <cstdio>
#include <stdexcept>

#include "engine/dataset.h"
#include "engine/image.h"

namespace gan {

ClassifierExtractor::ClassifierExtractor(FeatureClassifier net, std::string data_key, std::string dataset_name,
                                         double test_accuracy)
    : net_(std::move(net)), data_key_(std::move(data_key)), dataset_(std::move(dataset_name)), accuracy_(test_accuracy) {
  net_->eval();
}

std::string ClassifierExtractor::label() const {
  char acc[32];
  std::snprintf(acc, sizeof acc, "%.1f%%", 100.0 * accuracy_);
  return std::string("classifier ") + FeatureClassifierImpl::kVersion + " trained on " + dataset_ + " (test acc " +
         acc + "); not comparable with Inception FID";
}

std::string ClassifierExtractor::key() const {
  return std::string("classifier-") + FeatureClassifierImpl::kVersion + "-" + data_key_;
}

std::string ClassifierExtractor::resize_method(int resolution) const {
  const int r = FeatureClassifierImpl::kResolution;
  if (resolution == r) return "none (" + std::to_string(r) + " px), uint8";
  return std::string(resolution > r ? "area " : "bilinear ") + std::to_string(resolution) + "->" + std::to_string(r) +
         " px on uint8, real and fake alike";
}

Extracted ClassifierExtractor::extract(const torch::Tensor& images) {
  if (images.dim() != 4 || images.scalar_type() != torch::kUInt8)
    throw std::invalid_argument("the classifier takes N x C x H x W uint8 images");
  if (images.size(1) != net_->channels())
    throw std::invalid_argument("the classifier was trained on " + std::to_string(net_->channels()) +
                                "-channel images, these have " + std::to_string(images.size(1)));
  torch::NoGradGuard no_grad;
  auto x = images;
  if (x.size(2) != FeatureClassifierImpl::kResolution || x.size(3) != FeatureClassifierImpl::kResolution)
    x = resize_images(x, FeatureClassifierImpl::kResolution);
  auto out = net_->forward(from_uint8(x));
  return {out.features, out.logits};
}

Extracted extract_all(FeatureExtractor& ex, const torch::Tensor& images, long long batch) {
  std::vector<torch::Tensor> feats, logits;
  for (long long i = 0; i < images.size(0); i += batch) {
    auto e = ex.extract(images.slice(0, i, std::min<int64_t>(images.size(0), i + batch)));
    feats.push_back(e.features.to(torch::kFloat32));
    logits.push_back(e.logits);
  }
  if (feats.empty()) throw std::invalid_argument("no images to extract features from");
  return {torch::cat(feats), torch::cat(logits)};
}

}  // namespace gan
