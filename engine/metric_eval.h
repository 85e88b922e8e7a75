#pragma once
// One evaluation of FID, KID and IS against a reference set, labelled with how it was measured.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/dataset.h"
#include "engine/extractor.h"
#include "engine/metrics.h"
#include "models/family.h"

namespace gan {

struct MetricPoint {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  long long step = 0;
  double fid = kNone;
  double kid_mean = kNone, kid_std = kNone;
  double is_mean = kNone, is_std = kNone;
  std::string extractor;  // FeatureExtractor::label()
  std::string reference;  // e.g. "fashion-mnist train"
  std::string resize;     // FeatureExtractor::resize_method()
  long long n_real = 0, n_fake = 0;
  std::vector<std::string> warnings;
  double seconds = 0;     // extraction and statistics, generation excluded
};
nlohmann::json to_json(const MetricPoint& p);
MetricPoint metric_point_from_json(const nlohmann::json& j);
// "FID 23.41 | KID 0.0123 ± 0.0008 | IS 7.12 ± 0.09" and, on the next lines, how they were measured.
std::string describe(const MetricPoint& p);


// n images from `generate(z, labels)` for the latents of a fixed seed (the same images for the same
// weights), in batches, as uint8. Labels cycle through the classes when num_classes > 0.
torch::Tensor generate_uint8(const std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>& generate,
                             long long n, long long latent_dim, int num_classes, uint64_t seed = 1234567,
                             long long batch = 250);

// The family's own images for the metrics: labels cycle through the dataset's classes when the
// family is conditional (dataset_classes is ignored otherwise).
torch::Tensor generate_uint8(Family& family, long long n, int dataset_classes);

// The extractor a run asks for: Inception from `inception` when set, else the classifier of `data`
// (trained and cached the first time). Throws std::runtime_error with a message for the user.
std::shared_ptr<FeatureExtractor> make_extractor(const std::string& inception, const DatasetSpec& data,
                                                 const std::function<void(const std::string&)>& progress = {},
                                                 const std::atomic<bool>* cancel = nullptr);

// How a reference set is named in labels: "fashion-mnist train", or the path.
std::string reference_label(const DatasetSpec& data);

class MetricEvaluator {
 public:
  // real: the reference images as the model sees them (uint8, at its resolution). Their features are
  // cached under cache_dir() by extractor and content; progress tells what is being computed.
  MetricEvaluator(std::shared_ptr<FeatureExtractor> extractor, const torch::Tensor& real, std::string reference,
                  const std::function<void(const std::string&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);
  // fake: N x C x H x W uint8 at the same resolution as the reference.
  MetricPoint evaluate(const torch::Tensor& fake, long long step) const;
  FeatureExtractor& extractor() const { return *extractor_; }
  // FID of already extracted fake features against the reference.
  double fid_of_features(const torch::Tensor& features) const;
  long long real_count() const { return real_stats_.count; }
  bool reference_from_cache() const { return from_cache_; }

  static constexpr long long kKidRealMax = 10000;  // real features kept for KID (seeded random subset)

 private:
  std::shared_ptr<FeatureExtractor> extractor_;
  std::string reference_;
  int resolution_ = 0, channels_ = 0;
  FeatureStats real_stats_;
  torch::Tensor real_kid_;
  bool from_cache_ = false;
};

}  // namespace gan
