#pragma once
// One evaluation of FID, KID and IS against a reference set, labelled with how it was measured.
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/dataset.h"
#include "engine/extractor.h"
#include "engine/metrics.h"
#include "engine/swd.h"
#include "models/core/family.h"

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
  // Odena et al.'s diversity: mean MS-SSIM of pairs of generated images, and of pairs of real images.
  double ms_ssim = kNone, ms_ssim_real = kNone;
  SwdResult swd;          // ProGAN's sliced Wasserstein distance; swd.n == 0 when not computed
  std::string drawn;      // how the samples were drawn, when the family says (ProGAN: "8x8, shown at 32x32")
  std::string real_path;  // how the real images were brought to match them; empty: used as they are
};
nlohmann::json to_json(const MetricPoint& p);
MetricPoint metric_point_from_json(const nlohmann::json& j);
// "FID 23.41 | KID 0.0123 ± 0.0008 | IS 7.12 ± 0.09" and, on the next lines, how they were measured.
std::string describe(const MetricPoint& p);


// The seed of the latents every metric evaluation draws its samples from: the same images for the same
// weights, so a curve shows the generator changing and not the sampling noise.
constexpr long long kMetricSeed = 1234567;

// n samples of the family for the metrics (uint8, through Snapshot::sample, with its note and real
// path): families with a class option draw every class in turn ("mixed"). `options` are more sample options
// (a truncation).
Samples metric_samples(Snapshot& snapshot, const Capabilities& caps, long long n, long long seed = kMetricSeed,
                       const Values& options = {});
Samples metric_samples(const Family& family, long long n, long long seed = kMetricSeed);

// Odena et al.'s (ACGAN's) measures of a family that draws the class it is asked for (a "class" sample
// option): for each class, `per_class` samples asked for it (seed + the class); the share the dataset
// classifier assigns to the class asked for (their discriminability, with the dataset classifier in
// place of Inception), and the mean MS-SSIM of up to 100 pairs of samples within each class, beside 100
// pairs of the real images of the class (their per-class diversity: lower is more varied; NaN where the
// side does not halve evenly).
struct ClassVerdict {
  std::vector<std::string> classes;
  long long per_class = 0;
  std::string classifier;                    // FeatureExtractor::label()
  double agreement = MetricPoint::kNone;     // over all classes
  std::vector<double> class_agreement;
  std::vector<double> ms_ssim, ms_ssim_real;  // per class
};
// Throws std::invalid_argument when the family takes no class or the data have fewer than 2 classes.
ClassVerdict evaluate_classes(Snapshot& snapshot, const Capabilities& caps, FeatureExtractor& classifier,
                              const Dataset& real, long long per_class, long long seed = kMetricSeed);
nlohmann::json to_json(const ClassVerdict& v);
std::string describe(const ClassVerdict& v);

// The extractor a run asks for: Inception from `inception` when set, else the classifier of `data`
// (trained and cached the first time). Throws std::runtime_error with a message for the user.
std::shared_ptr<FeatureExtractor> make_extractor(const std::string& inception, const DatasetSpec& data,
                                                 const std::function<void(const std::string&)>& progress = {},
                                                 const std::atomic<bool>* cancel = nullptr);

// The verdict on an image-to-image family's translations in one direction: how many translated images
// the dataset classifier takes for the target class, beside the untranslated ones (the identity
// baseline), and FID against the target domain's real images, beside the identity's.
struct TranslationVerdict {
  std::string direction;                 // "AtoB"
  std::string from, to;                  // the domains' data, as labels
  std::string target_class;              // the class the target domain is, or empty when it is not one class
  long long n = 0;                       // source images translated
  std::string source_split;              // where they came from ("fashion-mnist test [Sneaker]")
  double target_share = MetricPoint::kNone;    // translated images classified as the target class
  double identity_share = MetricPoint::kNone;  // untranslated source images classified as it
  double fid = MetricPoint::kNone;             // translated vs the target domain
  double identity_fid = MetricPoint::kNone;    // untranslated source vs the target domain
  // Where the true translation of each source image is known (two typefaces of the glyphs: the same
  // character in the target face), how close the translations come to it, beside the untranslated
  // images: the mean absolute error on the 0..1 scale, and the mean single-scale SSIM.
  std::string truth;                             // the true targets' data, as a label; empty: unknown
  double l1 = MetricPoint::kNone, identity_l1 = MetricPoint::kNone;
  double ssim = MetricPoint::kNone, identity_ssim = MetricPoint::kNone;
  // How different the translations are from one another (mean absolute difference of consecutive
  // pairs, 0..1), beside the target domain's own images: near 0 when every image is translated to the
  // same output (mode collapse).
  double spread = MetricPoint::kNone, target_spread = MetricPoint::kNone;
  std::string extractor;
};
nlohmann::json to_json(const TranslationVerdict& v);
std::string describe(const TranslationVerdict& v);

// Translates up to n images of each translation's source domain (its test split when the data have
// one, else its training images) with the family's snapshot and judges them with the dataset
// classifier of the target's data.
std::vector<TranslationVerdict> evaluate_translations(Snapshot& snapshot, const FamilyInfo& family,
                                                      const std::map<std::string, DatasetSpec>& data, int resolution,
                                                      int channels, long long n,
                                                      const std::function<void(const std::string&)>& progress = {});

// The verdict on a many-domain family's translations (StarGAN; Capabilities::target_option): test images
// of each class translated into every class, and the share of them the dataset classifier takes for
// the class they were translated into.
struct DomainVerdict {
  std::vector<std::string> domains;         // the classes, in order
  std::string source_split;                 // where the images came from ("fashion-mnist test")
  long long per_domain = 0;                 // images of each class translated (fewer where a class has fewer)
  std::vector<std::vector<double>> share;   // [source][target]: translations classified as the target
  std::vector<double> per_target;           // [target]: the same over every source but the target itself
  std::vector<double> identity;             // [class]: untranslated images classified as their own class
  double mean = MetricPoint::kNone;         // the mean of per_target: the paper's classification rate
  std::string extractor;
};
nlohmann::json to_json(const DomainVerdict& v);
std::string describe(const DomainVerdict& v);

// Translates up to n test images of each class of `data` (its test split when it has one) into every
// class through the snapshot's `target_option`, and classifies them with the dataset's classifier.
// Throws std::runtime_error when the data have no classes (attributes are not judged this way).
DomainVerdict evaluate_domain_translations(Snapshot& snapshot, const std::string& target_option, const DatasetSpec& data,
                                           int resolution, int channels, long long n,
                                           const std::function<void(const std::string&)>& progress = {});

class MetricEvaluator {
 public:
  // real: the reference images as the model sees them (uint8, at its resolution). Their features are
  // cached under cache_dir() by extractor and content; progress tells what is being computed. `cancel`
  // (which must outlive the evaluator) also stops the real statistics computed later along a path.
  MetricEvaluator(std::shared_ptr<FeatureExtractor> extractor, const torch::Tensor& real, std::string reference,
                  const std::function<void(const std::string&)>& progress = {},
                  const std::atomic<bool>* cancel = nullptr);
  // fake.images: N x C x H x W uint8 at the same resolution as the reference. When fake.real_path is
  // set, the reference images go through it first: statistics of a seeded subset of at most
  // kPathRealMax of them, kept for the last path. swd_images > 0 adds the sliced Wasserstein distance
  // on that many images of each set (real ones a seeded subset).
  MetricPoint evaluate(const Samples& fake, long long step, long long swd_images = 0);
  MetricPoint evaluate(const torch::Tensor& fake, long long step, long long swd_images = 0);
  FeatureExtractor& extractor() const { return *extractor_; }
  // FID of already extracted fake features against the reference.
  double fid_of_features(const torch::Tensor& features) const;
  long long real_count() const { return plain_.stats.count; }
  bool reference_from_cache() const { return from_cache_; }

  static constexpr long long kKidRealMax = 10000;   // real features kept for KID (seeded random subset)
  static constexpr long long kPathRealMax = 10000;  // real images through a family's real path
  static constexpr long long kMsSsimRealMax = 2000;  // real images paired for their MS-SSIM (1000 pairs)

 private:
  // What the generated images are compared with: the reference's statistics along one real path.
  struct Reference {
    std::string key;  // RealPath::key; empty for the images as they are
    FeatureStats stats;
    torch::Tensor kid;  // features kept for KID
    double ms_ssim = MetricPoint::kNone;
  };
  Reference reference_along(const std::function<torch::Tensor(const torch::Tensor&)>& path,
                            const std::function<void(const std::string&)>& progress,
                            const std::atomic<bool>* cancel) const;
  torch::Tensor real_subset(long long n, long long seed) const;

  std::shared_ptr<FeatureExtractor> extractor_;
  std::string reference_;
  const std::atomic<bool>* cancel_ = nullptr;
  torch::Tensor real_;
  int resolution_ = 0, channels_ = 0;
  Reference plain_;            // the real images as they are (cached on disk)
  Reference along_path_;       // the last real path's (in memory)
  bool from_cache_ = false;
};

}  // namespace gan
