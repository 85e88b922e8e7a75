// engine/: FID, KID and IS as torch-fidelity computes them; the extractors (classifier and
// TorchScript Inception); the cached reference statistics; live metrics in a training session.
#include <torch/script.h>

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "engine/classifier_cache.h"
#include "engine/extractor.h"
#include "engine/metric_eval.h"
#include "engine/metrics.h"
#include "engine/ms_ssim.h"
#include "engine/session.h"
#include "engine/swd.h"
#include "engine/threads.h"
#include "models/core/random.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

torch::Tensor from_json(const nlohmann::json& rows) {
  std::vector<double> flat;
  for (const auto& r : rows)
    for (const auto& v : r) flat.push_back(v.get<double>());
  const long long n = static_cast<long long>(rows.size());
  return torch::tensor(flat, torch::kFloat64).reshape({n, -1});
}

// A module with the calling convention of NVIDIA's inception-2015-12-05.pt, small enough for a test:
// 6-d "pool features" (channel means and maxima) and a 5-way output layer whose bias must be ignored.
std::string write_tiny_inception(const std::string& path) {
  torch::jit::Module output("Output");
  output.register_parameter("weight", torch::arange(30, torch::kFloat32).reshape({5, 6}).div(30), false);
  output.register_parameter("bias", torch::full({5}, 100.0f), false);
  output.define("def forward(self, x):\n  return torch.matmul(x, self.weight.t()) + self.bias\n");
  torch::jit::Module m("TinyInception");
  m.register_module("output", output);
  m.define(R"JIT(
def forward(self, img, return_features: bool = False, use_fp16: bool = False, no_output_bias: bool = False):
    assert img.dtype == 0  # torch.uint8 (ScalarType::Byte); a C++-defined module has no torch.uint8
    assert img.size(1) == 3
    x = img.float()
    features = torch.cat([x.mean(dim=[2, 3]), x.amax(dim=[2, 3])], 1)
    if return_features:
        return features
    return torch.softmax(torch.matmul(features, self.output.weight.t()) + self.output.bias, 1)
)JIT");
  m.save(path);
  return path;
}

}  // namespace

class TestMetrics : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }

  // Runs a new training session on `config` until it ends; true when it finished normally.
  static bool runToTheEnd(const TrainConfig& config, SessionListener& listener) {
    TrainingSession session(Registry::builtin(), listener);
    StartRequest req;
    req.config = config;
    if (!session.start(req)) return false;
    session.wait();
    return session.state() == SessionState::Finished;
  }

 private slots:
  void initTestCase() {
    init_torch_thread(ThreadRole::Foreground);
    QVERIFY(tmp_.isValid());
    qputenv("GAN_EXPLORER_CACHE", QByteArray::fromStdString(dir() + "/cache"));
  }

  void fidOfASetWithItselfIsZero() {
    auto gen = make_cpu_generator(1);
    auto f = torch::randn({500, 32}, gen, torch::kFloat64);
    auto s = feature_stats(f);
    QVERIFY(std::abs(frechet_distance(s, s)) < 1e-6);
  }

  void fidMatchesTheGaussianClosedForm() {
    // Covariances that share eigenvectors: tr(S1 + S2 - 2 sqrt(S1 S2)) = sum (a + b - 2 sqrt(ab)).
    const int d = 6;
    auto gen = make_cpu_generator(2);
    auto q = std::get<0>(torch::linalg_qr(torch::randn({d, d}, gen, torch::kFloat64)));
    auto a = torch::tensor({0.5, 1.0, 2.0, 3.0, 0.1, 4.0}, torch::kFloat64);
    auto b = torch::tensor({1.5, 0.2, 2.0, 0.7, 0.9, 1.0}, torch::kFloat64);
    FeatureStats s1{torch::tensor({1.0, 0.0, 0.0, 2.0, 0.0, 0.0}, torch::kFloat64), q.matmul(torch::diag(a)).matmul(q.t()), 100};
    FeatureStats s2{torch::tensor({0.0, 0.0, 1.0, 2.0, 0.0, 3.0}, torch::kFloat64), q.matmul(torch::diag(b)).matmul(q.t()), 100};
    const double mean_term = 1 + 1 + 9;
    const double trace_term = (a + b - 2 * (a * b).sqrt()).sum().item<double>();
    GAN_COMPARE_NEAR(frechet_distance(s1, s2), mean_term + trace_term, 1e-9);
    // One dimension: (m1 - m2)^2 + (s1 - s2)^2.
    FeatureStats u{torch::tensor({3.0}, torch::kFloat64), torch::tensor({{4.0}}, torch::kFloat64), 10};
    FeatureStats v{torch::tensor({1.0}, torch::kFloat64), torch::tensor({{9.0}}, torch::kFloat64), 10};
    GAN_COMPARE_NEAR(frechet_distance(u, v), 4.0 + 1.0, 1e-12);
  }

  void metricsAgreeWithSciPyAndNumpyFixtures() {
    std::ifstream in(GAN_FIXTURES "/metrics_scipy.json");
    QVERIFY2(in, "tests/fixtures/metrics_scipy.json is missing");
    nlohmann::json j;
    in >> j;
    QCOMPARE(j.at("cases").size(), size_t(3));
    for (const auto& c : j.at("cases")) {
      auto a = from_json(c.at("a")), b = from_json(c.at("b"));
      GAN_COMPARE_NEAR(frechet_distance(feature_stats(a), feature_stats(b)), c.at("fid").get<double>(), 1e-6);
      GAN_COMPARE_NEAR(polynomial_mmd2_unbiased(a, b), c.at("mmd2").get<double>(), 1e-9);
      // One subset holding every sample is the plain unbiased MMD^2, with std 0.
      auto kid = kernel_inception_distance(a, b, 1, static_cast<int>(a.size(0)));
      GAN_COMPARE_NEAR(kid.mean, c.at("mmd2").get<double>(), 1e-9);
      QCOMPARE(kid.std, 0.0);
      auto is = inception_score(from_json(c.at("logits")), 10, 0, /*shuffle=*/false);
      GAN_COMPARE_NEAR(is.mean, c.at("is_mean").get<double>(), 1e-9);
      GAN_COMPARE_NEAR(is.std, c.at("is_std").get<double>(), 1e-9);
    }
  }

  void inceptionScoreOfOneHotPredictions() {
    // Identical confident predictions: p(y|x) = p(y), KL 0, IS 1.
    auto same = torch::zeros({100, 10}, torch::kFloat64);
    same.select(1, 3).fill_(30);
    auto is1 = inception_score(same);
    QVERIFY(std::abs(is1.mean - 1.0) < 1e-9);
    QVERIFY(std::abs(is1.std) < 1e-9);
    // K classes used evenly (in every split, after the seeded shuffle too): IS = K.
    for (int k : {2, 5, 10}) {
      auto even = torch::zeros({1000, 10}, torch::kFloat64);
      for (int i = 0; i < 1000; ++i) even[i][i % k] = 30;
      auto is = inception_score(even, 10, 0, /*shuffle=*/false);
      GAN_COMPARE_NEAR(is.mean, double(k), 1e-9);
    }
    QVERIFY(testutil::error_of([] { inception_score(torch::zeros({5, 3})); }).contains("at least as many samples"));
  }

  void kidIsAboutZeroForOneDistribution() {
    auto gen = make_cpu_generator(3);
    auto x = torch::randn({3000, 16}, gen, torch::kFloat64), y = torch::randn({3000, 16}, gen, torch::kFloat64);
    auto same = kernel_inception_distance(x, y);
    auto shifted = kernel_inception_distance(x, y + 0.5);
    // The unbiased estimator is centred on 0: its mean over subsets is within noise of it, and far
    // below what a shift of half a standard deviation gives.
    QVERIFY2(std::abs(same.mean) < 3 * same.std, qPrintable(QString("KID %1 ± %2").arg(same.mean).arg(same.std)));
    QVERIFY2(shifted.mean > 20 * std::abs(same.mean) && shifted.mean > 0.1,
             qPrintable(QString("shifted KID %1, same %2").arg(shifted.mean).arg(same.mean)));
    // Deterministic for a seed.
    QCOMPARE(kernel_inception_distance(x, y).mean, same.mean);
  }

  void fidWarnsBelowTheFeatureDimension() {
    QVERIFY(fid_sample_warning(100, 128).find("below the feature dimension 128") != std::string::npos);
    QVERIFY(fid_sample_warning(128, 128).empty());
  }

  void inceptionTorchScriptPath() {
    const auto path = write_tiny_inception(dir() + "/tiny-inception.pt");
    auto ex = load_inception(path);
    QCOMPARE(ex->feature_dim(), 6LL);
    QVERIFY(QString::fromStdString(ex->label()).contains("tiny-inception.pt"));
    QVERIFY(QString::fromStdString(ex->resize_method(32)).contains("299"));
    // Grey images are repeated to 3 channels (the module asserts 3) and stay uint8.
    auto grey = torch::arange(2 * 4 * 4, torch::kLong).reshape({2, 1, 4, 4}).to(torch::kUInt8);
    auto out = ex->extract(grey);
    QCOMPARE(out.features.size(1), 6L);
    QCOMPARE(out.features[0][0].item<float>(), 7.5f);   // mean of 0..15
    QCOMPARE(out.features[0][3].item<float>(), 15.0f);  // max of 0..15, the third channel
    // The logits are the output layer without its bias (the bias is 100 here).
    auto w = torch::arange(30, torch::kFloat32).reshape({5, 6}).div(30).to(torch::kFloat64);
    auto expected = out.features.to(torch::kFloat64).matmul(w.t());
    QVERIFY(torch::allclose(out.logits, expected, 1e-9, 1e-9));
    // Wrong files: missing, not TorchScript, TorchScript of another shape.
    QVERIFY(testutil::error_of([&] { load_inception(dir() + "/nope.pt"); }).contains("does not exist"));
    std::ofstream(dir() + "/garbage.pt") << "this is not a zip archive";
    QVERIFY(testutil::error_of([&] { load_inception(dir() + "/garbage.pt"); }).contains("not a TorchScript file"));
    torch::jit::Module other("Other");
    other.define("def forward(self, x):\n  return x\n");
    other.save(dir() + "/other.pt");
    QVERIFY(testutil::error_of([&] { load_inception(dir() + "/other.pt"); }).contains("no 'output' linear layer"));
  }

  void classifierIsTrainedOnceAndCached() {
    const auto data = testutil::write_tiny_idx(dir(), 200);
    std::vector<std::string> said;
    ClassifierOptions o;
    o.epochs = 2;
    auto first = classifier_for({data, "train"}, o, [&](const std::string& m) { said.push_back(m); });
    QVERIFY(!first.from_cache);
    QVERIFY(testutil::file_exists(first.path));
    QCOMPARE(first.train_count, 180LL);  // every 10th image is held out for the test
    QCOMPARE(first.test_count, 20LL);
    QVERIFY(!said.empty() && said.back().find("test accuracy") != std::string::npos);
    auto second = classifier_for({data, "train"}, o);
    QVERIFY(second.from_cache);
    QCOMPARE(second.path, first.path);
    QCOMPARE(second.test_accuracy, first.test_accuracy);
    QVERIFY(QString::fromStdString(second.extractor->label()).contains("not comparable with Inception FID"));
    // The two give the same features: the weights came back.
    auto imgs = torch::randint(0, 255, {4, 1, 28, 28}, torch::kLong).to(torch::kUInt8);
    QVERIFY(torch::equal(first.extractor->extract(imgs).features, second.extractor->extract(imgs).features));
    // A damaged cache file is replaced, with a message.
    std::ofstream(first.path, std::ios::trunc) << "damaged";
    said.clear();
    auto third = classifier_for({data, "train"}, o, [&](const std::string& m) { said.push_back(m); });
    QVERIFY(!third.from_cache);
    QVERIFY(said.front().find("damaged") != std::string::npos);
  }

  void unlabelledDataHaveNoClassifier() {
    const auto d = dir() + "/unlabelled";
    std::filesystem::create_directories(d);
    testutil::write_idx(d + "/x-images-idx3-ubyte", torch::zeros({20, 28, 28}, torch::kUInt8));
    QVERIFY(testutil::error_of([&] { classifier_for({d + "/x-images-idx3-ubyte", "train"}); })
                .contains("no class labels"));
  }

 private:
  // 200 tiny labelled images at 16 px and their classifier (trained for one epoch, then cached).
  std::pair<std::shared_ptr<FeatureExtractor>, torch::Tensor> tinyExtractorAndImages() {
    const auto data = testutil::write_tiny_idx(dir(), 200);
    ClassifierOptions o;
    o.epochs = 1;
    return {classifier_for({data, "train"}, o).extractor, load_dataset({data, "train"}, 16)->images()};
  }

 private slots:
  void evaluatorLabelsItsPointsAndCachesTheReference() {
    const auto [extractor, real] = tinyExtractorAndImages();
    MetricEvaluator first(extractor, real, "tiny train");
    QVERIFY(!first.reference_from_cache());
    QCOMPARE(first.real_count(), 200LL);
    // Real against real: FID about 0; the point says how it was measured.
    auto p = first.evaluate(real.slice(0, 0, 100), 42);
    QCOMPARE(p.step, 42LL);
    QCOMPARE(p.n_real, 200LL);
    QCOMPARE(p.n_fake, 100LL);
    QCOMPARE(QString::fromStdString(p.reference), QString("tiny train"));
    QVERIFY(QString::fromStdString(p.resize).contains("bilinear 16->28"));
    QVERIFY(std::isfinite(p.fid) && std::isfinite(p.kid_mean) && std::isfinite(p.is_mean));
    QVERIFY(p.is_mean >= 1.0 && p.is_mean <= 10.0);
    QCOMPARE(p.warnings.size(), size_t(2));  // fewer fakes than features, and KID subsets of 100
    auto noise = torch::randint(0, 255, {100, 1, 16, 16}, torch::kLong).to(torch::kUInt8);
    QVERIFY(first.evaluate(noise, 43).fid > p.fid);
    // A second evaluator reads the reference features back and gives the same numbers.
    MetricEvaluator second(extractor, real, "tiny train");
    QVERIFY(second.reference_from_cache());
    QCOMPARE(second.evaluate(real.slice(0, 0, 100), 42).fid, p.fid);
    // The JSON form round-trips, NaN included.
    p.is_mean = MetricPoint::kNone;
    auto back = metric_point_from_json(nlohmann::json::parse(to_json(p).dump()));
    QCOMPARE(back.fid, p.fid);
    QVERIFY(std::isnan(back.is_mean));
    QCOMPARE(back.warnings, p.warnings);
    QCOMPARE(back.extractor, p.extractor);
    QCOMPARE(back.ms_ssim, p.ms_ssim);
    QCOMPARE(back.ms_ssim_real, p.ms_ssim_real);
    QCOMPARE(back.swd.n, 0LL);
  }

  // At 28 px (the perceptron families' default) MS-SSIM cannot halve the images 4 times: the points
  // have FID, KID and IS, and no MS-SSIM, instead of no metrics at all.
  void evaluatorAt28PixelsSkipsOnlyMsSsim() {
    const auto data = testutil::write_tiny_idx(dir(), 200);
    ClassifierOptions o;
    o.epochs = 1;
    auto real = load_dataset({data, "train"}, 28)->images();
    MetricEvaluator evaluator(classifier_for({data, "train"}, o).extractor, real, "tiny train");
    auto p = evaluator.evaluate(real.slice(0, 0, 100), 1);
    QVERIFY(std::isfinite(p.fid) && std::isfinite(p.kid_mean) && std::isfinite(p.is_mean));
    QVERIFY(!std::isfinite(p.ms_ssim) && !std::isfinite(p.ms_ssim_real));
    QVERIFY(ms_ssim_fits(32, 32) && ms_ssim_fits(16, 16) && !ms_ssim_fits(28, 28));
  }

  // Samples drawn another way than the real images (a growing ProGAN) are compared with real images
  // brought the same way, and the point says so; SWD is computed on request.
  void evaluatorSendsRealImagesAlongTheSamplesPath() {
    const auto [extractor, real] = tinyExtractorAndImages();
    MetricEvaluator evaluator(extractor, real, "tiny train");
    // The "samples" are real images mirrored; the path mirrors the real ones likewise.
    Samples mirrored;
    mirrored.images = real.slice(0, 0, 100).flip(3).contiguous();
    mirrored.note = "mirrored";
    const auto plain = evaluator.evaluate(mirrored, 1, 50);
    QVERIFY(plain.real_path.empty());
    QCOMPARE(plain.drawn, std::string("mirrored"));
    mirrored.real_path.key = "mirror";
    mirrored.real_path.note = "real images mirrored";
    mirrored.real_path.apply = [](const torch::Tensor& x) { return x.flip(3).contiguous(); };
    const auto along = evaluator.evaluate(mirrored, 2, 50);
    QCOMPARE(along.real_path, std::string("real images mirrored"));
    QCOMPARE(along.n_real, 200LL);  // every real image (fewer than kPathRealMax), mirrored
    QVERIFY2(along.fid < plain.fid, qPrintable(QString("%1 vs %2").arg(along.fid).arg(plain.fid)));
    QVERIFY(along.swd.mean < plain.swd.mean);
    QCOMPARE(along.swd.n, 50LL);
    QCOMPARE(along.swd.sides, (std::vector<int>{16}));
    // Mirroring keeps every pair's structure: the real pairs' MS-SSIM is the same either way.
    GAN_COMPARE_NEAR(along.ms_ssim_real, plain.ms_ssim_real, 1e-6);
    // The text and the JSON carry it all.
    const QString text = QString::fromStdString(describe(along));
    QVERIFY(text.contains("MS-SSIM") && text.contains("SWD x1e3: 16px") && text.contains("real images mirrored"));
    auto back = metric_point_from_json(nlohmann::json::parse(to_json(along).dump()));
    QCOMPARE(back.swd.per_level, along.swd.per_level);
    QCOMPARE(back.swd.n, 50LL);
    QCOMPARE(back.real_path, along.real_path);
    QCOMPARE(back.drawn, along.drawn);
    // Evaluated again along the same path: the same numbers (the path's statistics are kept).
    QCOMPARE(evaluator.evaluate(mirrored, 3, 50).fid, along.fid);
  }

  // MS-SSIM as ProGAN's reference code computes it: against a SciPy port of it, and by hand.
  void msSsimAgreesWithTheReferenceAndHandCases() {
    std::ifstream in(GAN_FIXTURES "/ms_ssim_reference.json");
    QVERIFY2(in, "tests/fixtures/ms_ssim_reference.json is missing");
    nlohmann::json j;
    in >> j;
    QCOMPARE(j.at("cases").size(), size_t(3));
    for (const auto& c : j.at("cases")) {
      auto images = [](const nlohmann::json& v) {
        std::vector<int64_t> shape{static_cast<int64_t>(v.size()), static_cast<int64_t>(v[0].size()),
                                   static_cast<int64_t>(v[0][0].size()), static_cast<int64_t>(v[0][0][0].size())};
        std::vector<uint8_t> flat;
        for (const auto& a : v)
          for (const auto& b : a)
            for (const auto& row : b)
              for (const auto& x : row) flat.push_back(x.get<uint8_t>());
        return torch::tensor(flat, torch::kUInt8).reshape(shape);
      };
      auto a = images(c.at("a")), b = images(c.at("b"));
      auto got = ms_ssim(a, b);
      const auto want = c.at("ms_ssim").get<std::vector<double>>();
      QCOMPARE(got.size(0), static_cast<int64_t>(want.size()));
      for (size_t i = 0; i < want.size(); ++i) GAN_COMPARE_NEAR(got[static_cast<int64_t>(i)].item<double>(), want[i], 2e-5);
    }
    // Levels: five from 16 px up, one per halving below.
    QCOMPARE(ms_ssim_levels(128), 5);
    QCOMPARE(ms_ssim_levels(32), 5);
    QCOMPARE(ms_ssim_levels(16), 5);
    QCOMPARE(ms_ssim_levels(8), 4);
    QCOMPARE(ms_ssim_levels(1), 1);
    // The window is MATLAB's fspecial: it sums to 1 and peaks in the middle at 1 / sum exp(-r^2 / 4.5).
    auto w = ssim_window(11, 1.5);
    GAN_COMPARE_NEAR(w.sum().item<double>(), 1.0, 1e-12);
    double norm = 0;
    for (int y = -5; y <= 5; ++y)
      for (int x = -5; x <= 5; ++x) norm += std::exp(-(x * x + y * y) / 4.5);
    GAN_COMPARE_NEAR(w[5][5].item<double>(), 1.0 / norm, 1e-12);
    // An image against itself: 1.
    torch::manual_seed(5);
    auto x = torch::randint(0, 256, {3, 2, 32, 32}, torch::kLong).to(torch::kUInt8);
    GAN_COMPARE_NEAR(ms_ssim(x, x).min().item<double>(), 1.0, 1e-6);
    // Two flat images p and q: no variance, so contrast-structure is C2 / C2 = 1 at every level and
    // only the last level's luminance term is left: ((2pq + C1) / (p^2 + q^2 + C1)) ^ 0.1333.
    auto p = torch::full({1, 1, 32, 32}, 100, torch::kUInt8), q = torch::full({1, 1, 32, 32}, 180, torch::kUInt8);
    const double c1 = (0.01 * 255) * (0.01 * 255);
    const double luminance = (2 * 100.0 * 180 + c1) / (100.0 * 100 + 180.0 * 180 + c1);
    GAN_COMPARE_NEAR(ms_ssim(p, q).item<double>(), std::pow(luminance, 0.1333), 1e-5);
    // Among a set: consecutive pairs, (x0, x1), (x2, x3); an odd last image is left out.
    auto set = torch::cat({p, p, p, q, q});
    GAN_COMPARE_NEAR(mean_pairwise_ms_ssim(set), (1.0 + std::pow(luminance, 0.1333)) / 2, 1e-5);
    QVERIFY(!testutil::error_of([&] { mean_pairwise_ms_ssim(p); }).isEmpty());
    QVERIFY(testutil::error_of([&] { ms_ssim(torch::zeros({1, 1, 24, 24}), torch::zeros({1, 1, 24, 24})); }).contains("divide by 16"));
    // Single-scale SSIM: 1 for an image against itself, the luminance term alone for two flat images,
    // and below 0 for an image against its negative (the structure term is -1 where there is contrast).
    GAN_COMPARE_NEAR(ssim(x, x).min().item<double>(), 1.0, 1e-6);
    GAN_COMPARE_NEAR(ssim(p, q).item<double>(), luminance, 1e-6);
    QVERIFY(ssim(x, 255 - x).max().item<double>() < 0);
    QVERIFY(testutil::error_of([&] { ssim(p, x); }).contains("one shape"));
  }

  void sessionComputesMetricsLiveAndKeepsThemInTheCheckpoint() {
    struct Listener : SessionListener {
      std::mutex m;
      std::vector<MetricPoint> points;
      std::vector<std::string> status;
      void on_metric(const MetricPoint& p) override {
        std::lock_guard<std::mutex> l(m);
        points.push_back(p);
      }
      void on_metric_status(Severity, const std::string& s) override {
        std::lock_guard<std::mutex> l(m);
        status.push_back(s);
      }
    } listener;
    const auto data = testutil::write_tiny_idx(dir(), 200);
    const auto out = dir() + "/run";
    auto config = testutil::tiny_config(data, out, 6);
    config.metrics.every = 3;
    config.metrics.samples = 100;
    config.metrics.swd_samples = 40;
    QVERIFY(runToTheEnd(config, listener));
    // The last evaluation is waited for before the final save; an earlier one may have been skipped
    // while the classifier was being trained.
    QVERIFY(!listener.points.empty());
    QCOMPARE(listener.points.back().step, 6LL);
    QCOMPARE(listener.points.back().n_fake, 100LL);
    // MS-SSIM among the samples beside the real images', and SWD on the number of images asked for.
    QVERIFY(listener.points.back().ms_ssim > 0 && listener.points.back().ms_ssim < 1);
    QVERIFY(listener.points.back().ms_ssim_real > 0 && listener.points.back().ms_ssim_real < 1);
    QCOMPARE(listener.points.back().swd.n, 40LL);
    QVERIFY(listener.points.back().swd.mean > 0);
    Checkpoint ck = read_checkpoint(out + "/checkpoint.pt", Registry::builtin());
    QCOMPARE(ck.metrics.size(), listener.points.size());
    QCOMPARE(ck.metrics.back().fid, listener.points.back().fid);
    QCOMPARE(ck.metrics.back().swd.per_level, listener.points.back().swd.per_level);
    QCOMPARE(ck.metrics.back().ms_ssim, listener.points.back().ms_ssim);
    QCOMPARE(ck.config.metrics.swd_samples, 40LL);
    QCOMPARE(ck.config.metrics.every, 3);
    const auto log = testutil::read_text(out + "/log.jsonl");
    QVERIFY(log.find("\"event\":\"metric\"") != std::string::npos);
    QVERIFY(log.find("not comparable with Inception FID") != std::string::npos);
  }

  void aMetricFailureLeavesTrainingRunning() {
    // Unlabelled data: no classifier can be trained, so metrics switch off with a message; the run
    // itself finishes and saves as usual.
    struct Listener : SessionListener {
      std::mutex m;
      std::vector<std::string> errors;
      size_t points = 0;
      void on_metric(const MetricPoint&) override {
        std::lock_guard<std::mutex> l(m);
        ++points;
      }
      void on_metric_status(Severity severity, const std::string& s) override {
        std::lock_guard<std::mutex> l(m);
        if (severity == Severity::Error) errors.push_back(s);
      }
    } listener;
    const auto d = dir() + "/unlabelled-run-data";
    std::filesystem::create_directories(d);
    testutil::write_idx(d + "/x-images-idx3-ubyte", torch::randint(0, 255, {32, 28, 28}, torch::kLong).to(torch::kUInt8));
    auto config = testutil::tiny_config(d + "/x-images-idx3-ubyte", dir() + "/unlabelled-run", 4);
    config.metrics.every = 2;
    config.metrics.samples = 20;
    QVERIFY(runToTheEnd(config, listener));
    QCOMPARE(listener.points, size_t(0));
    QCOMPARE(listener.errors.size(), size_t(1));
    QVERIFY2(listener.errors[0].find("metrics are off for this run") != std::string::npos &&
                 listener.errors[0].find("no class labels") != std::string::npos,
             listener.errors[0].c_str());
    QVERIFY(testutil::file_exists(dir() + "/unlabelled-run/checkpoint.pt"));
  }

  void badMetricSettingsStartNothing() {
    auto config = testutil::tiny_config("fashion-mnist", dir() + "/bad", 5);
    config.metrics.every = -1;
    QVERIFY(testutil::error_of([&] { validate(config, Registry::builtin()); }).contains("metrics every"));
    config.metrics.every = 10;
    config.metrics.samples = 5;
    QVERIFY(testutil::error_of([&] { validate(config, Registry::builtin()); }).contains("at least 10"));
    config.metrics.samples = 100;
    config.metrics.swd_samples = 200;
    QVERIFY(testutil::error_of([&] { validate(config, Registry::builtin()); }).contains("swd_samples (200)"));
  }

  // ProGAN's sliced Wasserstein distance, on cases worked by hand.
  void slicedWassersteinByHand() {
    // In one dimension every unit direction is +1 or -1: the distance is the mean gap of the sorted sets.
    auto gen = make_cpu_generator(1);
    auto a = torch::tensor({0.0, 2.0, 1.0}).view({3, 1}), b = torch::tensor({3.0, 1.0, 2.0}).view({3, 1});
    QCOMPARE(sliced_wasserstein(a, b, 4, 16, gen), 1.0);
    QCOMPARE(sliced_wasserstein(a, a, 4, 16, gen), 0.0);
    // A constant image has no detail: every Laplacian level is 0, the last level the image itself.
    auto flat = torch::full({2, 1, 32, 32}, 7.0);
    auto levels = laplacian_pyramid(flat);
    QCOMPARE(levels.size(), size_t(2));  // 32 and 16
    QCOMPARE(levels[0].abs().max().item<double>(), 0.0);
    QVERIFY(torch::allclose(levels[1], torch::full({2, 1, 16, 16}, 7.0)));
    // A level is what its image loses when blurred and halved: an image of one bright pixel keeps
    // most of it on the first level.
    auto dot = torch::zeros({1, 1, 32, 32});
    dot[0][0][10][10] = 1;
    QVERIFY(levels.size() == 2 && laplacian_pyramid(dot)[0][0][0][10][10].item<double>() > 0.5);
    // The same images give 0; different ones more; the result is the same for the same seed.
    torch::manual_seed(3);
    auto x = torch::randint(0, 256, {16, 1, 32, 32}, torch::kLong).to(torch::kUInt8);
    auto y = (x.to(torch::kFloat) * 0.3).to(torch::kUInt8);  // darker and flatter
    const auto same = sliced_wasserstein_distance(x, x);
    QCOMPARE(same.sides, (std::vector<int>{32, 16}));
    QCOMPARE(same.mean, 0.0);
    const auto other = sliced_wasserstein_distance(x, y);
    QVERIFY(other.mean > 0);
    QCOMPARE(sliced_wasserstein_distance(x, y).mean, other.mean);
    QVERIFY(QString::fromStdString(describe(other)).startsWith("SWD x1e3: 32px "));
    QVERIFY(!testutil::error_of([&] { sliced_wasserstein_distance(x, y.slice(0, 0, 8)); }).isEmpty());
  }

  // ACGAN's measures: the share of samples the classifier takes for the class asked for, per class,
  // and the MS-SSIM within each class beside the real images'. A stand-in classifier reads a flat
  // image's grey level as its class; a stand-in family draws class c as flat images of level 20 c,
  // except class 3, which it draws as class 0.
  void classAgreementCountsTheClassAskedFor() {
    struct LevelClassifier : FeatureExtractor {
      std::string label() const override { return "grey level / 20"; }
      std::string key() const override { return "level"; }
      std::string resize_method(int) const override { return "none"; }
      long long feature_dim() const override { return 1; }
      Extracted extract(const torch::Tensor& images) override {
        auto level = images.to(torch::kFloat).mean({1, 2, 3});
        auto cls = (level / 20).round().to(torch::kLong).clamp(0, 9);
        return {level.view({-1, 1}), torch::one_hot(cls, 10).to(torch::kFloat)};
      }
    } classifier;
    struct FlatFamily : Snapshot {
      Samples sample(const SampleRequest& r) override {
        const int c = std::stoi(r.options.text("class"));
        Samples s;
        s.images = torch::full({r.n, 1, 32, 32}, 20 * (c == 3 ? 0 : c), torch::kUInt8);
        return s;
      }
      ExploreResult explore(const ExploreRequest&) override { return {}; }
    } family;
    Capabilities caps;
    caps.sample_options = {class_control("class", "Class", "", true)};
    std::vector<std::string> names;
    for (int c = 0; c < 10; ++c) names.push_back("c" + std::to_string(c));
    auto labels = torch::arange(40, torch::kLong).remainder(10);
    Dataset real((labels * 20).to(torch::kUInt8).view({40, 1, 1, 1}).expand({40, 1, 32, 32}).contiguous(), labels, names, "flat");
    const ClassVerdict v = evaluate_classes(family, caps, classifier, real, 6);
    QCOMPARE(v.per_class, 6LL);
    GAN_COMPARE_NEAR(v.agreement, 0.9, 1e-12);
    QCOMPARE(v.class_agreement[3], 0.0);
    QCOMPARE(v.class_agreement[4], 1.0);
    GAN_COMPARE_NEAR(v.ms_ssim[5], 1.0, 1e-6);  // identical images
    GAN_COMPARE_NEAR(v.ms_ssim_real[5], 1.0, 1e-6);
    QVERIFY(QString::fromStdString(describe(v)).startsWith("class agreement 90.00% (6 samples asked for each of 10 classes)"));
    QCOMPARE(to_json(v)["class_agreement_per_class"][3].get<double>(), 0.0);
    Capabilities none;
    QVERIFY(testutil::error_of([&] { evaluate_classes(family, none, classifier, real, 6); }).contains("does not draw a class"));
  }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
