#include "engine/metric_eval.h"

#include "engine/glyphs.h"
#include "engine/ms_ssim.h"
#include "engine/checkpoint_file.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/files.h"
#include "engine/classifier_cache.h"
#include "engine/hash.h"
#include "engine/ms_ssim.h"
#include "engine/image.h"
#include "models/core/random.h"

namespace gan {
using nlohmann::json;

static json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
static double number_of(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_number() ? j.at(key).get<double>() : MetricPoint::kNone;
}

json to_json(const MetricPoint& p) {
  return json{{"step", p.step},
              {"fid", number_or_null(p.fid)},
              {"kid_mean", number_or_null(p.kid_mean)},
              {"kid_std", number_or_null(p.kid_std)},
              {"is_mean", number_or_null(p.is_mean)},
              {"is_std", number_or_null(p.is_std)},
              {"extractor", p.extractor},
              {"reference", p.reference},
              {"resize", p.resize},
              {"n_real", p.n_real},
              {"n_fake", p.n_fake},
              {"warnings", p.warnings},
              {"seconds", p.seconds},
              {"ms_ssim", number_or_null(p.ms_ssim)},
              {"ms_ssim_real", number_or_null(p.ms_ssim_real)},
              {"swd", p.swd.n > 0 ? json{{"sides", p.swd.sides},
                                         {"per_level_x1e3", p.swd.per_level},
                                         {"mean_x1e3", p.swd.mean},
                                         {"n", p.swd.n}}
                                  : json(nullptr)},
              {"drawn", p.drawn},
              {"real_path", p.real_path}};
}

MetricPoint metric_point_from_json(const json& j) {
  MetricPoint p;
  p.step = j.value("step", 0LL);
  p.fid = number_of(j, "fid");
  p.kid_mean = number_of(j, "kid_mean");
  p.kid_std = number_of(j, "kid_std");
  p.is_mean = number_of(j, "is_mean");
  p.is_std = number_of(j, "is_std");
  p.extractor = j.value("extractor", "");
  p.reference = j.value("reference", "");
  p.resize = j.value("resize", "");
  p.n_real = j.value("n_real", 0LL);
  p.n_fake = j.value("n_fake", 0LL);
  if (j.contains("warnings")) p.warnings = j.at("warnings").get<std::vector<std::string>>();
  p.seconds = j.value("seconds", 0.0);
  p.ms_ssim = number_of(j, "ms_ssim");
  p.ms_ssim_real = number_of(j, "ms_ssim_real");
  if (j.contains("swd") && j.at("swd").is_object()) {
    const json& w = j.at("swd");
    p.swd.sides = w.value("sides", std::vector<int>{});
    p.swd.per_level = w.value("per_level_x1e3", std::vector<double>{});
    p.swd.mean = w.value("mean_x1e3", 0.0);
    p.swd.n = w.value("n", 0LL);
    if (p.swd.sides.size() != p.swd.per_level.size()) p.swd = SwdResult{};  // not ours: left out
  }
  p.drawn = j.value("drawn", "");
  p.real_path = j.value("real_path", "");
  return p;
}

std::string describe(const MetricPoint& p) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "FID %.4g | KID %.4g ± %.2g | IS %.4g ± %.2g", p.fid, p.kid_mean, p.kid_std, p.is_mean,
                p.is_std);
  std::string s = buf;
  if (std::isfinite(p.ms_ssim)) {
    std::snprintf(buf, sizeof buf, "\nMS-SSIM %.4f among generated pairs, %.4f among real pairs (lower: more diverse)",
                  p.ms_ssim, p.ms_ssim_real);
    s += buf;
  }
  if (p.swd.n > 0) s += "\n" + describe(p.swd);
  s += "\n  extractor: " + p.extractor;
  s += "\n  reference: " + p.reference + " (" + std::to_string(p.n_real) + " real), " + std::to_string(p.n_fake) +
       " generated";
  s += "\n  resize:    " + p.resize;
  s += "\n  FID: float64 stats, covariance N-1, trace via eigenvalues of S1*S2 (torch-fidelity); "
       "KID: unbiased MMD^2, cubic kernel, 100 subsets of <=1000; IS: 10 splits; MS-SSIM: consecutive pairs, "
       "ProGAN's reference code";
  if (!p.drawn.empty()) s += "\n  samples:   " + p.drawn;
  if (!p.real_path.empty()) s += "\n  real:      " + p.real_path;
  for (const auto& w : p.warnings) s += "\n  warning:   " + w;
  return s;
}

Samples metric_samples(Snapshot& snapshot, const Capabilities& caps, long long n, long long seed,
                       const Values& options) {
  SampleRequest r;
  r.n = n;
  r.seed = seed;
  r.options = options;
  if (caps.find_sample_option("class")) r.options.set("class", "mixed");  // every class in turn
  return snapshot.sample(r);
}

Samples metric_samples(const Family& family, long long n, long long seed) {
  auto snapshot = family.snapshot();
  return metric_samples(*snapshot, family.info().caps, n, seed);
}

ClassVerdict evaluate_classes(Snapshot& snapshot, const Capabilities& caps, FeatureExtractor& classifier,
                              const Dataset& real, long long per_class, long long seed) {
  const ControlSpec* option = caps.find_sample_option("class");
  if (!option || option->kind != ControlKind::Class)
    throw std::invalid_argument("this family does not draw a class on demand");
  const int k = real.num_classes();
  if (k < 2 || !real.labels().defined()) throw std::invalid_argument("class agreement needs labelled data");
  if (per_class < 2) throw std::invalid_argument("class agreement needs at least 2 samples per class");
  ClassVerdict v;
  v.classes = real.class_names();
  v.per_class = per_class;
  v.classifier = classifier.label();
  const bool fits = ms_ssim_fits(real.resolution(), real.resolution());
  long long hits = 0;
  auto pairs_of = [](const torch::Tensor& images) {  // up to 100 consecutive pairs
    return images.narrow(0, 0, std::min<int64_t>(200, images.size(0) / 2 * 2));
  };
  for (int c = 0; c < k; ++c) {
    SampleRequest r;
    r.n = per_class;
    r.seed = seed + c;
    r.options.set(option->id, std::to_string(c));
    const torch::Tensor images = snapshot.sample(r).images;
    const long long right = extract_all(classifier, images).logits.argmax(1).eq(c).sum().item<int64_t>();
    hits += right;
    v.class_agreement.push_back(static_cast<double>(right) / static_cast<double>(per_class));
    double gen = MetricPoint::kNone, ref = MetricPoint::kNone;
    if (fits) {
      gen = mean_pairwise_ms_ssim(pairs_of(images));
      auto mine = real.labels().eq(c).nonzero().view(-1);
      if (mine.size(0) >= 2) ref = mean_pairwise_ms_ssim(pairs_of(real.images().index_select(0, mine)));
    }
    v.ms_ssim.push_back(gen);
    v.ms_ssim_real.push_back(ref);
  }
  v.agreement = static_cast<double>(hits) / static_cast<double>(per_class * k);
  return v;
}

nlohmann::json to_json(const ClassVerdict& v) {
  auto numbers = [](const std::vector<double>& xs) {
    nlohmann::json a = nlohmann::json::array();
    for (double x : xs) a.push_back(std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr));
    return a;
  };
  return {{"classes", v.classes},
          {"per_class", v.per_class},
          {"classifier", v.classifier},
          {"class_agreement", v.agreement},
          {"class_agreement_per_class", numbers(v.class_agreement)},
          {"ms_ssim_per_class", numbers(v.ms_ssim)},
          {"ms_ssim_real_per_class", numbers(v.ms_ssim_real)}};
}

std::string describe(const ClassVerdict& v) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "class agreement %.2f%% (%lld samples asked for each of %zu classes)\n",
                100 * v.agreement, v.per_class, v.classes.size());
  std::string out = buf;
  for (size_t c = 0; c < v.classes.size(); ++c) {
    std::snprintf(buf, sizeof buf, "  %-12s %6.2f%%", v.classes[c].c_str(), 100 * v.class_agreement[c]);
    out += buf;
    if (std::isfinite(v.ms_ssim[c])) {
      std::snprintf(buf, sizeof buf, "   MS-SSIM within the class %.3f (real %.3f)", v.ms_ssim[c], v.ms_ssim_real[c]);
      out += buf;
    }
    out += "\n";
  }
  out += "  classified by " + v.classifier + "; MS-SSIM: mean of 100 pairs, lower is more varied";
  return out;
}

std::shared_ptr<FeatureExtractor> make_extractor(const std::string& inception, const DatasetSpec& data,
                                                 const std::function<void(const std::string&)>& progress,
                                                 const std::atomic<bool>* cancel) {
  if (!inception.empty()) {
    if (progress) progress("loading Inception from " + inception);
    return load_inception(inception);
  }
  return classifier_for(data, {}, progress, cancel).extractor;
}

MetricEvaluator::MetricEvaluator(std::shared_ptr<FeatureExtractor> extractor, const torch::Tensor& real,
                                 std::string reference, const std::function<void(const std::string&)>& progress,
                                 const std::atomic<bool>* cancel)
    : extractor_(std::move(extractor)), reference_(std::move(reference)), cancel_(cancel) {
  if (real.dim() != 4 || real.scalar_type() != torch::kUInt8 || real.size(0) < 2)
    throw std::invalid_argument("the reference set must be at least 2 uint8 N x C x H x W images");
  channels_ = static_cast<int>(real.size(1));
  resolution_ = static_cast<int>(real.size(2));
  real_ = real.contiguous();
  const std::string path = cache_dir() + "/reference-" + extractor_->key() + "-" +
                           hex64(fnv1a(real_.data_ptr(), static_cast<size_t>(real_.numel()))) + "-" +
                           std::to_string(real_.size(0)) + "x" + std::to_string(channels_) + "x" +
                           std::to_string(resolution_) + ".pt";
  if (std::filesystem::exists(path)) {
    try {
      torch::serialize::InputArchive a;
      load_archive_checked(a, read_file_bytes(path, "cached reference"));
      torch::Tensor count, ms_ssim;
      a.read("mu", plain_.stats.mu);
      a.read("sigma", plain_.stats.sigma);
      a.read("kid_features", plain_.kid);
      a.read("count", count);
      a.read("ms_ssim", ms_ssim);  // absent from caches written before MS-SSIM: computed again then
      plain_.stats.count = count.item<int64_t>();
      plain_.ms_ssim = ms_ssim.item<double>();
      const int64_t d = extractor_->feature_dim();
      from_cache_ = plain_.stats.mu.dim() == 1 && plain_.stats.mu.size(0) == d &&
                    plain_.stats.sigma.sizes() == torch::IntArrayRef({d, d}) && plain_.kid.dim() == 2 &&
                    plain_.kid.size(1) == d;
    } catch (const std::exception&) {
      from_cache_ = false;  // damaged or older: computed again below and written over
    }
  }
  if (from_cache_) return;
  plain_ = reference_along({}, progress, cancel);
  torch::serialize::OutputArchive a;
  a.write("mu", plain_.stats.mu);
  a.write("sigma", plain_.stats.sigma);
  a.write("kid_features", plain_.kid);
  a.write("count", torch::tensor(static_cast<int64_t>(plain_.stats.count)));
  a.write("ms_ssim", torch::tensor(plain_.ms_ssim, torch::kDouble));
  try {
    write_bytes_atomically(path, archive_bytes(a));
  } catch (const std::exception& e) {
    if (progress) progress(std::string("could not cache the reference features: ") + e.what());
  }
}

torch::Tensor MetricEvaluator::real_subset(long long n, long long seed) const {
  const long long total = real_.size(0);
  if (n >= total) return real_;
  auto gen = make_cpu_generator(static_cast<uint64_t>(seed));
  return real_.index_select(0, torch::randperm(total, gen, torch::kLong).slice(0, 0, n));
}

MetricEvaluator::Reference MetricEvaluator::reference_along(const std::function<torch::Tensor(const torch::Tensor&)>& path,
                                                            const std::function<void(const std::string&)>& progress,
                                                            const std::atomic<bool>* cancel) const {
  // Every real image as it is; a seeded subset along a path (computed again for each path).
  auto images = path ? path(real_subset(kPathRealMax, 2021)) : real_;
  const std::string what = path ? reference_ + " along the samples' path" : reference_;
  Reference r;
  std::vector<torch::Tensor> feats;
  const long long n = images.size(0), batch = 100;
  int last_tenth = -1;
  for (long long i = 0; i < n; i += batch) {
    if (cancel && cancel->load()) throw Cancelled();
    feats.push_back(extractor_->extract(images.slice(0, i, std::min(n, i + batch))).features.to(torch::kFloat32));
    const int tenth = static_cast<int>(10 * i / n);
    if (progress && tenth != last_tenth) {
      last_tenth = tenth;
      progress("reference features of " + what + ": " + std::to_string(tenth * 10) + "%");
    }
  }
  auto all = torch::cat(feats);
  r.stats = feature_stats(all);
  auto gen = make_cpu_generator(2020);
  auto perm = torch::randperm(n, gen, torch::kLong).slice(0, 0, std::min(n, kKidRealMax));
  r.kid = all.index_select(0, perm).contiguous();
  // The data's own diversity, on a seeded subset of pairs, for the samples' MS-SSIM to be read against.
  auto pick = torch::randperm(n, gen, torch::kLong).slice(0, 0, std::min(n, kMsSsimRealMax));
  // Not for sides that do not halve evenly (28 px): the point then has no MS-SSIM, and FID, KID and IS still.
  if (ms_ssim_fits(images.size(2), images.size(3))) r.ms_ssim = mean_pairwise_ms_ssim(images.index_select(0, pick));
  return r;
}

double MetricEvaluator::fid_of_features(const torch::Tensor& features) const {
  return frechet_distance(plain_.stats, feature_stats(features));
}

MetricPoint MetricEvaluator::evaluate(const torch::Tensor& fake, long long step, long long swd_images) {
  Samples s;
  s.images = fake;
  return evaluate(s, step, swd_images);
}

MetricPoint MetricEvaluator::evaluate(const Samples& samples, long long step, long long swd_images) {
  const torch::Tensor& fake = samples.images;
  if (fake.dim() != 4 || fake.scalar_type() != torch::kUInt8 || fake.size(1) != channels_ ||
      fake.size(2) != resolution_ || fake.size(3) != resolution_)
    throw std::invalid_argument("generated images must be uint8 N x " + std::to_string(channels_) + " x " +
                                std::to_string(resolution_) + " x " + std::to_string(resolution_));
  const auto t0 = std::chrono::steady_clock::now();
  const RealPath& path = samples.real_path;
  // A path without a key cannot be told from another: its statistics are computed every time.
  if (path && (path.key.empty() || along_path_.key != path.key || !along_path_.stats.mu.defined())) {
    along_path_ = reference_along(path.apply, {}, cancel_);
    along_path_.key = path.key;
  }
  const Reference& ref = path ? along_path_ : plain_;
  MetricPoint p;
  p.step = step;
  p.extractor = extractor_->label();
  p.reference = reference_;
  p.resize = extractor_->resize_method(resolution_);
  p.n_real = ref.stats.count;
  p.n_fake = fake.size(0);
  p.drawn = samples.note;
  p.real_path = path ? path.note : "";
  auto ex = extract_all(*extractor_, fake);
  if (fake.size(0) >= 2) {
    p.fid = frechet_distance(ref.stats, feature_stats(ex.features));
    auto kid = kernel_inception_distance(ref.kid, ex.features);
    p.kid_mean = kid.mean;
    p.kid_std = kid.std;
    if (ms_ssim_fits(fake.size(2), fake.size(3))) {
      p.ms_ssim = mean_pairwise_ms_ssim(fake);
      p.ms_ssim_real = ref.ms_ssim;
    }
  }
  if (fake.size(0) >= 10) {
    auto is = inception_score(ex.logits);
    p.is_mean = is.mean;
    p.is_std = is.std;
  }
  if (swd_images > 0) {
    // As many real images as generated ones, a seeded subset, along the samples' path.
    const long long m = std::min<long long>({swd_images, fake.size(0), real_.size(0)});
    auto real = real_subset(m, kMetricSeed);
    if (path) real = path.apply(real);
    p.swd = sliced_wasserstein_distance(real, fake.slice(0, 0, m));
  }
  for (const auto& w : {fid_sample_warning(p.n_fake, extractor_->feature_dim()),
                        fid_sample_warning(p.n_real, extractor_->feature_dim())})
    if (!w.empty()) p.warnings.push_back(w);
  if (p.n_fake < 1000)
    p.warnings.push_back("KID subsets hold " + std::to_string(std::min<long long>(p.n_fake, ref.kid.size(0))) +
                         " samples, not 1000");
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

// ---- Translations ---------------------------------------------------------------------------------
json to_json(const DomainVerdict& v) {
  json share = json::array();
  for (const auto& row : v.share) {
    json r = json::array();
    for (double x : row) r.push_back(number_or_null(x));
    share.push_back(r);
  }
  json per_target = json::array(), identity = json::array();
  for (double x : v.per_target) per_target.push_back(number_or_null(x));
  for (double x : v.identity) identity.push_back(number_or_null(x));
  return json{{"domains", v.domains},       {"source", v.source_split},  {"per_domain", v.per_domain},
              {"share", share},             {"per_target", per_target},  {"identity", identity},
              {"mean", number_or_null(v.mean)}, {"extractor", v.extractor}};
}

std::string describe(const DomainVerdict& v) {
  char buf[64];
  std::string s = "translations into each domain: up to " + std::to_string(v.per_domain) + " images of each class of " +
                  v.source_split + ", translated into every class; the share the classifier takes for the target "
                  "(rows: source, columns: target; the diagonal translates into the image's own class)\n";
  size_t width = 6;
  for (const auto& d : v.domains) width = std::max(width, std::min<size_t>(12, d.size()));
  auto cell = [&](const std::string& text) { return text.size() >= width ? text.substr(0, width) + " " : text + std::string(width + 1 - text.size(), ' '); };
  s += "  " + cell("");
  for (const auto& d : v.domains) s += cell(d);
  s += "\n";
  for (size_t i = 0; i < v.share.size(); ++i) {
    s += "  " + cell(v.domains[i]);
    for (double x : v.share[i]) {
      std::snprintf(buf, sizeof buf, "%.2f", x);
      s += cell(buf);
    }
    s += "\n";
  }
  s += "  " + cell("target");
  for (double x : v.per_target) {
    std::snprintf(buf, sizeof buf, "%.2f", x);
    s += cell(buf);
  }
  std::snprintf(buf, sizeof buf, "%.3f", v.mean);
  s += "\n  mean share classified as the target (other sources): " + std::string(buf);
  double acc = 0;
  for (double x : v.identity) acc += x / static_cast<double>(v.identity.size());
  std::snprintf(buf, sizeof buf, "%.3f", acc);
  s += "\n  the classifier on the untranslated images: " + std::string(buf) + " classified as their own class";
  s += "\n  extractor: " + v.extractor;
  return s;
}

DomainVerdict evaluate_domain_translations(Snapshot& snapshot, const std::string& target_option, const DatasetSpec& data,
                                           int resolution, int channels, long long n,
                                           const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& m) { if (progress) progress(m); };
  DomainVerdict v;
  const DatasetSpec source = test_split(data).value_or(data);
  v.source_split = label(source);
  auto images = with_channels(load_dataset(source, resolution), channels);
  if (images->attributes() || !images->labels().defined() || images->num_classes() < 2)
    throw std::runtime_error("the translations are judged by class: " + label(source) + " has no classes to judge by");
  // The classes present (a class filter keeps the dataset's numbers): the model's domains, by name.
  const auto present = std::get<0>(at::_unique(images->labels(), /*sorted=*/true));
  const int64_t k = present.numel();
  std::vector<int64_t> index(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) {
    index[static_cast<size_t>(i)] = present[i].item<int64_t>();
    v.domains.push_back(images->class_names().at(static_cast<size_t>(index[static_cast<size_t>(i)])));
  }
  auto classifier = classifier_for(all_classes(data), {}, progress).extractor;
  v.extractor = classifier->label();
  v.share.assign(static_cast<size_t>(k), std::vector<double>(static_cast<size_t>(k), MetricPoint::kNone));
  v.identity.assign(static_cast<size_t>(k), MetricPoint::kNone);
  auto gen = make_cpu_generator(7);
  for (int64_t s = 0; s < k; ++s) {
    const int64_t source_class = index[static_cast<size_t>(s)];
    auto of_class = images->labels().eq(source_class).nonzero().flatten();
    auto order = torch::randperm(of_class.numel(), gen, torch::TensorOptions(torch::kLong));
    auto pick = of_class.index_select(0, order.narrow(0, 0, std::min<int64_t>(n, of_class.numel())));
    v.per_domain = std::max<long long>(v.per_domain, pick.numel());
    auto x = images->images().index_select(0, pick);
    v.identity[static_cast<size_t>(s)] =
        extract_all(*classifier, x).logits.argmax(1).eq(source_class).to(torch::kDouble).mean().item<double>();
    say("translating " + std::to_string(pick.numel()) + " images of " + v.domains[static_cast<size_t>(s)] +
        " into every domain");
    for (int64_t t = 0; t < k; ++t) {
      SampleRequest r;
      r.inputs = x;
      r.options.set(target_option, v.domains[static_cast<size_t>(t)]);
      auto y = snapshot.sample(r).images;
      v.share[static_cast<size_t>(s)][static_cast<size_t>(t)] = extract_all(*classifier, y)
                                                                     .logits.argmax(1)
                                                                     .eq(index[static_cast<size_t>(t)])
                                                                     .to(torch::kDouble)
                                                                     .mean()
                                                                     .item<double>();
    }
  }
  v.per_target.assign(static_cast<size_t>(k), MetricPoint::kNone);
  double sum = 0;
  int counted = 0;
  for (int64_t t = 0; t < k; ++t) {
    double acc = 0;
    int m = 0;
    for (int64_t s = 0; s < k; ++s)
      if (s != t && std::isfinite(v.share[static_cast<size_t>(s)][static_cast<size_t>(t)]))
        acc += v.share[static_cast<size_t>(s)][static_cast<size_t>(t)], ++m;
    if (m > 0) {
      v.per_target[static_cast<size_t>(t)] = acc / m;
      sum += acc / m;
      ++counted;
    }
  }
  if (counted > 0) v.mean = sum / counted;
  return v;
}

json to_json(const TranslationVerdict& v) {
  return json{{"direction", v.direction},       {"from", v.from},
              {"to", v.to},                     {"target_class", v.target_class},
              {"n", v.n},                       {"source", v.source_split},
              {"target_share", number_or_null(v.target_share)},
              {"identity_share", number_or_null(v.identity_share)},
              {"fid", number_or_null(v.fid)},   {"identity_fid", number_or_null(v.identity_fid)},
              {"truth", v.truth},               {"l1", number_or_null(v.l1)},
              {"identity_l1", number_or_null(v.identity_l1)},
              {"ssim", number_or_null(v.ssim)}, {"identity_ssim", number_or_null(v.identity_ssim)},
              {"spread", number_or_null(v.spread)}, {"target_spread", number_or_null(v.target_spread)},
              {"extractor", v.extractor}};
}

std::string describe(const TranslationVerdict& v) {
  char buf[512];
  std::string s = v.direction + ": " + std::to_string(v.n) + " images of " + v.source_split + " translated";
  if (!v.target_class.empty() && std::isfinite(v.target_share)) {
    std::snprintf(buf, sizeof buf, "\n  classified as %s: %.1f%% translated, %.1f%% untranslated (identity baseline)",
                  v.target_class.c_str(), 100 * v.target_share, 100 * v.identity_share);
    s += buf;
  }
  if (!v.truth.empty()) {
    std::snprintf(buf, sizeof buf,
                  "\n  against the true targets (%s): L1 %.4f translated, %.4f untranslated; SSIM %.4f translated, "
                  "%.4f untranslated",
                  v.truth.c_str(), v.l1, v.identity_l1, v.ssim, v.identity_ssim);
    s += buf;
  }
  if (std::isfinite(v.spread)) {
    std::snprintf(buf, sizeof buf, "\n  spread (L1 between consecutive images): %.4f translated, %.4f in the target domain",
                  v.spread, v.target_spread);
    s += buf;
  }
  std::snprintf(buf, sizeof buf, "\n  FID against %s: %.4g translated, %.4g untranslated", v.to.c_str(), v.fid,
                v.identity_fid);
  s += buf;
  s += "\n  extractor: " + v.extractor;
  return s;
}

std::vector<TranslationVerdict> evaluate_translations(Snapshot& snapshot, const FamilyInfo& family,
                                                      const std::map<std::string, DatasetSpec>& data, int resolution,
                                                      int channels, long long n,
                                                      const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& m) { if (progress) progress(m); };
  std::vector<TranslationVerdict> out;
  for (const auto& t : family.caps.translations) {
    if (!data.count(t.from) || !data.count(t.to)) throw std::invalid_argument("no data for " + t.from + " or " + t.to);
    const DatasetSpec& from = data.at(t.from);
    const DatasetSpec& to = data.at(t.to);
    TranslationVerdict v;
    v.direction = t.id;
    v.from = label(from);
    v.to = label(to);
    const DatasetSpec source = test_split(from).value_or(from);
    v.source_split = label(source);
    auto source_data = with_channels(load_dataset(source, resolution), channels);
    auto target_data = with_channels(load_dataset(to, resolution), channels);
    const long long count = std::min<long long>(n, source_data->size());
    auto gen = make_cpu_generator(7);
    auto pick = torch::randperm(source_data->size(), gen, torch::TensorOptions(torch::kLong)).narrow(0, 0, count);
    auto x = source_data->images().index_select(0, pick);
    say("translating " + std::to_string(count) + " images " + t.id);
    SampleRequest r;
    r.inputs = x;
    r.options.set("direction", t.id);
    auto y = snapshot.sample(r).images;
    v.n = count;
    auto spread = [](const torch::Tensor& images) {
      if (images.size(0) < 2) return MetricPoint::kNone;
      const int64_t pairs = images.size(0) / 2;
      auto a = images.narrow(0, 0, 2 * pairs).to(torch::kDouble);
      return (a.slice(0, 0, 2 * pairs, 2) - a.slice(0, 1, 2 * pairs, 2)).abs().mean().item<double>() / 255.0;
    };
    v.spread = spread(y);
    v.target_spread = spread(target_data->images().narrow(0, 0, std::min<int64_t>(count, target_data->size())));
    if (auto truth_spec = glyph_truth(source, to)) {  // image i of the truth is the answer for source image i
      auto truth = with_channels(load_dataset(*truth_spec, resolution), channels);
      if (truth->size() != source_data->size()) throw std::logic_error("the true targets do not match the sources");
      auto t8 = truth->images().index_select(0, pick);
      v.truth = label(*truth_spec);
      auto l1 = [&](const torch::Tensor& a) {
        return (a.to(torch::kDouble) - t8.to(torch::kDouble)).abs().mean().item<double>() / 255.0;
      };
      v.l1 = l1(y);
      v.identity_l1 = l1(x);
      v.ssim = ssim(y, t8).mean().item<double>();
      v.identity_ssim = ssim(x, t8).mean().item<double>();
    }
    // The classifier of the target's whole dataset: it knows every class, the target's among them.
    auto classifier = classifier_for(all_classes(to), {}, progress).extractor;
    v.extractor = classifier->label();
    auto ey = extract_all(*classifier, y), ex = extract_all(*classifier, x);
    auto et = extract_all(*classifier, target_data->images());
    const auto target_stats = feature_stats(et.features);
    v.fid = frechet_distance(target_stats, feature_stats(ey.features));
    v.identity_fid = frechet_distance(target_stats, feature_stats(ex.features));
    if (to.classes.size() == 1 && target_data->labels().defined() && target_data->size() > 0) {
      const int64_t k = target_data->labels()[0].item<int64_t>();
      v.target_class = target_data->class_names().at(static_cast<size_t>(k));
      v.target_share = ey.logits.argmax(1).eq(k).to(torch::kDouble).mean().item<double>();
      v.identity_share = ex.logits.argmax(1).eq(k).to(torch::kDouble).mean().item<double>();
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace gan
