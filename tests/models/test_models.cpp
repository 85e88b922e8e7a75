// models/: the registry, hyper-parameter validation, latents, and DCGAN's networks and recipe.
#include <QtTest>

#include "engine/config.h"
#include "models/layers/batch_norm.h"
#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/core/registry.h"
#include "models/families/image_gan.h"
#include "models/layers/blocks.h"
#include "models/layers/init.h"
#include "models/layers/spectral_norm.h"
#include "models/layers/state.h"
#include "models/losses/adversarial.h"
#include "models/networks/dcgan.h"
#include "models/networks/mlp.h"
#include "models/toys/toys.h"
#include "tests/support/family_util.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

// A generator that records the latents it is given while training.
struct SpyGenerator : ImageGenerator {
  explicit SpyGenerator(std::shared_ptr<ImageGenerator> inner) : inner(register_module("inner", std::move(inner))) {}
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& labels) override {
    if (is_training()) seen.push_back(z.clone());
    return inner->generate(z, labels);
  }
  long long latent_dim() const override { return inner->latent_dim(); }
  int num_classes() const override { return inner->num_classes(); }
  int resolution() const override { return inner->resolution(); }
  int channels() const override { return inner->channels(); }
  std::shared_ptr<ImageGenerator> inner;
  std::vector<torch::Tensor> seen;
};

// The 4x4 convolutions of a family's D, and how many have a bias.
std::pair<int, int> critic_conv_biases(Family& fam) {
  int convs = 0, biased = 0;
  for (const auto& m : testutil::discriminator(fam)->modules(false)) {
    torch::Tensor w, b;
    if (auto* c = dynamic_cast<SNConv2dImpl*>(m.get())) w = c->weight, b = c->bias;
    if (auto* c = dynamic_cast<torch::nn::Conv2dImpl*>(m.get())) w = c->weight, b = c->bias;
    if (!w.defined() || w.size(2) != 4) continue;  // SAGAN's 1x1 attention maps have none in the paper either
    ++convs;
    biased += b.defined() ? 1 : 0;
  }
  return {convs, biased};
}

// The relative error of every spectrally normalised layer's sigma estimate u^T W v in `net`.
std::vector<double> sigma_errors(torch::nn::Module& net) {
  std::vector<double> out;
  for (const auto& m : net.modules(false)) {
    torch::Tensor w, u, v;
    if (auto* c = dynamic_cast<SNConv2dImpl*>(m.get())) w = c->weight.reshape({c->weight.size(0), -1}), u = c->state.u, v = c->state.v;
    if (auto* c = dynamic_cast<SNConvTranspose2dImpl*>(m.get()))
      w = c->weight.transpose(0, 1).reshape({c->weight.size(1), -1}), u = c->state.u, v = c->state.v;
    if (auto* c = dynamic_cast<SNLinearImpl*>(m.get())) w = c->weight, u = c->state.u, v = c->state.v;
    if (auto* c = dynamic_cast<MinibatchDiscriminationImpl*>(m.get()); c && c->spectral)
      w = c->T.t(), u = c->state.u, v = c->state.v;
    if (!w.defined()) continue;
    const double top = torch::linalg_svdvals(w.detach()).max().item<double>();
    out.push_back(std::abs(u.dot(w.detach().mv(v)).item<double>() - top) / top);
  }
  return out;
}

}  // namespace

class TestModels : public QObject {
  Q_OBJECT

  // A family with tiny networks at `res` px; conditional ones get 4 classes. `extra` overrides params.
  static std::unique_ptr<Family> tiny(const std::string& id, int res = 16, int channels = 1,
                                      const std::map<std::string, std::string>& extra = {},
                                      int revision = kModelRevision) {
    const Registry r = Registry::builtin();
    FamilySetup s;
    std::vector<std::string> errors;
    const FamilyInfo& info = r.at(id);
    auto set = [&](const char* k, const std::string& v) {
      for (const auto& p : info.params)
        if (p.name == k) s.params.set(k, v);
    };
    set("resolution", std::to_string(res));
    for (const char* k : {"ngf", "ndf", "latent_dim", "pieces"}) set(k, "8");
    set("g_hidden", "32");
    set("d_hidden", "16");
    set("attention_res", "8");
    set("vbn_reference", "4");
    for (const auto& [k, v] : extra) s.params.set(k, v);
    s.params = s.params.validated(info.params, errors, revision);
    if (!errors.empty()) throw std::invalid_argument(errors.front());
    s.revision = revision;
    s.image_channels = channels;
    s.num_classes = 4;
    return create_family(r.at(id), s);
  }
  // A fixed batch of 8 images with labels 0..3, attached as the family's data too (SGAN's subset).
  static Batch fixed_batch(Family& fam, int res = 16) {
    torch::manual_seed(1);
    Batch b{torch::rand({8, 1, res, res}) * 2 - 1, torch::arange(8, torch::kLong).remainder(4)};
    testutil::attach(fam, ((b.images + 1) * 127.5).round().to(torch::kUInt8), b.labels);
    return b;
  }
  static double get(const Scalars& s, const char* k) {
    for (const auto& [n, v] : s)
      if (n == k) return v;
    return std::nan("");
  }

  static std::unique_ptr<Family> tiny_dcgan(int res = 16, int channels = 1) {
    const Registry r = Registry::builtin();
    FamilySetup s;
    s.params.set("resolution", std::to_string(res));
    s.params.set("ngf", "8");
    s.params.set("ndf", "8");
    s.params.set("latent_dim", "8");
    s.image_channels = channels;
    return create_family(r.at("dcgan"), s);
  }

 private slots:
  void registryListsDcganWithCapabilities() {
    const Registry r = Registry::builtin();
    const FamilyInfo& f = r.at("dcgan");
    QCOMPARE(QString::fromStdString(f.name), QString("DCGAN"));
    std::vector<std::string> errors;
    QCOMPARE(ParamSet().validated(f.params, errors).integer("latent_dim"), 100LL);
    const ControlSpec* trunc = f.caps.find_sample_option("truncation");
    QVERIFY(trunc && trunc->optional && trunc->kind == ControlKind::Slider);
    QCOMPARE(testutil::series_ids(f.caps), (std::vector<std::string>{"loss_d", "loss_g", "d_real", "d_fake"}));
    QCOMPARE(f.caps.streams.size(), size_t(1));
    QCOMPARE(f.caps.streams.front().name, std::string("images"));
    QCOMPARE(f.caps.views.size(), size_t(1));
    QCOMPARE(f.caps.views.front().id, std::string("latent"));
    QVERIFY(f.caps.noise_metrics && f.caps.translations.empty());
    QVERIFY(r.find("nope") == nullptr);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, r.at("nope"));
    // Every family exposes the shared parameters the GUI needs.
    for (const auto& fam : r.families())
      for (const char* name : {"batch", "seed", "device"}) {
        bool found = false;
        for (const auto& p : fam.params) found = found || p.name == name;
        QVERIFY2(found, name);
      }
  }

  // Every family declares its truncation (the GUI's Truncation box: the option and those that shape it)
  // or says why it has none; the registry refuses a family that does neither, or names options it lacks.
  void everyFamilyDeclaresItsTruncationOrWhyNot() {
    const Registry r = Registry::builtin();
    std::vector<std::string> without;
    for (const auto& f : r.families()) {
      if (!f.caps.truncation) {
        QVERIFY2(!f.caps.truncation.why_none.empty(), f.id.c_str());
        without.push_back(f.id);
        continue;
      }
      QVERIFY2(f.caps.find_sample_option(f.caps.truncation.option), f.id.c_str());
      for (const auto& id : f.caps.truncation.with) QVERIFY2(f.caps.find_sample_option(id), (f.id + " " + id).c_str());
    }
    QCOMPARE(without, (std::vector<std::string>{"cyclegan", "discogan", "stargan", "toy"}));
    QCOMPARE(r.at("stylegan").caps.truncation.with, std::vector<std::string>{"cutoff"});
    QCOMPARE(r.at("biggan").caps.truncation.with, std::vector<std::string>{"standing"});
    QVERIFY(QString::fromStdString(r.at("cyclegan").caps.truncation.why_none).contains("nothing to truncate"));
    Registry mine;
    FamilyInfo f = r.at("dcgan");
    f.caps.truncation = {};
    QVERIFY(testutil::error_of([&] { mine.add(f); }).contains("dcgan: no truncation option and no reason why"));
    f.caps.truncation = {"truncation", {"off"}, {"colour"}, {}};
    QVERIFY(testutil::error_of([&] { mine.add(f); }).contains("truncation's option colour undeclared"));
    f.caps.truncation.with.clear();
    mine.add(f);
    QCOMPARE(mine.families().size(), size_t(1));
  }

  void defaultsFillInAndValidate() {
    const Registry r = Registry::builtin();
    std::vector<std::string> errors;
    ParamSet p = ParamSet().validated(r.at("dcgan").params, errors);
    QVERIFY(errors.empty());
    QCOMPARE(p.number("lr_g"), 2e-4);
    QCOMPARE(p.number("beta1"), 0.5);
    QCOMPARE(p.integer("batch"), 64LL);
    QCOMPARE(QString::fromStdString(p.text("device")), QString("cpu"));
  }

  void badValuesAreEachNamed_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("negative lr") << "lr_g" << "-1e-4" << "between";
    QTest::newRow("zero batch") << "batch" << "0" << "between";
    QTest::newRow("fractional batch") << "batch" << "2.5" << "whole number";
    QTest::newRow("not a number") << "lr_d" << "fast" << "must be a number";
    QTest::newRow("unknown choice") << "device" << "tpu" << "must be one of cpu, cuda";
    QTest::newRow("unknown name") << "lr" << "1" << "unknown hyper-parameter 'lr'";
  }
  void badValuesAreEachNamed() {
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, message);
    ParamSet p;
    p.set(name.toStdString(), value.toStdString());
    std::vector<std::string> errors;
    p.validated(Registry::builtin().at("dcgan").params, errors);
    QCOMPARE(errors.size(), size_t(1));
    QVERIFY2(QString::fromStdString(errors[0]).contains(message), errors[0].c_str());
    FamilySetup s;
    s.params = p;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create_family(Registry::builtin().at("dcgan"), s));
  }

  void generatorAndDiscriminatorShapes_data() {
    QTest::addColumn<int>("res");
    QTest::addColumn<int>("channels");
    QTest::newRow("16px grey") << 16 << 1;
    QTest::newRow("32px grey") << 32 << 1;
    QTest::newRow("64px RGB") << 64 << 3;
  }
  void generatorAndDiscriminatorShapes() {
    QFETCH(int, res);
    QFETCH(int, channels);
    DcganOptions o;
    o.latent_dim = 10;
    o.resolution = res;
    o.channels = channels;
    o.ngf = o.ndf = 8;
    DcganGenerator g(o);
    DcganDiscriminator d(o);
    auto x = g->forward(torch::randn({5, 10}));
    QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{5, channels, res, res}));
    QVERIFY(x.abs().max().item<float>() <= 1.0f);  // tanh output
    auto logits = d->forward(x);
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{5}));
    // DCGAN at 64 px has the paper's widths: 8*ngf at 4x4, halving up to 64x64.
    if (res == 64) {
      auto first = g->net->ptr(0)->as<torch::nn::ConvTranspose2d>();
      QCOMPARE(first->weight.size(1), 64LL);  // 8 * ngf (ngf = 8)
    }
  }

  void initialisationFollowsThePaper() {
    DcganOptions o;
    o.ngf = o.ndf = 64;
    o.latent_dim = 100;
    DcganGenerator g(o);
    torch::Generator gen = make_cpu_generator(1);
    dcgan_init(*g, gen);
    auto w = g->net->ptr(0)->as<torch::nn::ConvTranspose2d>()->weight;
    QVERIFY(std::abs(w.mean().item<double>()) < 1e-3);
    QVERIFY(std::abs(w.std().item<double>() - 0.02) < 1e-3);
    auto bn = g->net->ptr(1)->as<SyncBatchNorm2d>()->weight;
    QVERIFY(std::abs(bn.mean().item<double>() - 1.0) < 0.01);
  }

  void sameSeedSameWeights() {
    auto a = tiny_dcgan(), b = tiny_dcgan();
    auto z = torch::randn({4, 8});
    QVERIFY(torch::equal(testutil::generate(*a, z, {}), testutil::generate(*b, z, {})));
  }

  // On a fixed batch the recipe must do what the losses say: D learns to tell that batch from the
  // generator's output, so D(x) rises and the D loss falls; G's steps push D(G(z)) back up.
  void stepsOnAFixedBatchMoveTheLosses() {
    auto fam = tiny_dcgan();
    torch::manual_seed(0);
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    torch::Generator noise = make_cpu_generator(5);
    auto source = [&] { return fixed; };
    auto first = testutil::step(*fam, source, noise);
    Scalars last;
    for (int i = 0; i < 40; ++i) last = testutil::step(*fam, source, noise);
    auto get = [](const Scalars& s, const char* k) {
      for (const auto& [n, v] : s)
        if (n == k) return v;
      return std::nan("");
    };
    QCOMPARE(first.size(), size_t(4));
    for (const auto& [n, v] : last) QVERIFY2(std::isfinite(v), n.c_str());
    QVERIFY2(get(last, "loss_d") < get(first, "loss_d"), "D loss did not fall");
    QVERIFY2(get(last, "d_real") > get(first, "d_real"), "D(x) did not rise");
    QVERIFY(get(last, "d_real") > get(last, "d_fake"));
    // At initialisation D is undecided (D = 1/2 everywhere), so the BCE losses start at their
    // textbook values: loss_d = 2 ln 2 (real and fake terms), non-saturating loss_g = ln 2.
    GAN_COMPARE_NEAR(get(first, "loss_d"), 2 * std::log(2.0), 0.05);
    GAN_COMPARE_NEAR(get(first, "loss_g"), std::log(2.0), 0.05);
    GAN_COMPARE_NEAR(get(first, "d_real"), 0.5, 0.05);
  }

  void snapshotIsACopyThatTrainingLeavesAlone() {
    auto fam = tiny_dcgan();
    auto snap_before = fam->snapshot();
    auto img_before = testutil::sample(*snap_before, 4, 3);
    torch::Generator noise = make_cpu_generator(1);
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    testutil::step(*fam, [&] { return fixed; }, noise);
    QVERIFY(!torch::equal(testutil::sample(*fam->snapshot(), 4, 3), img_before));
    // The snapshot is a copy: training did not change it.
    QVERIFY(torch::equal(testutil::sample(*snap_before, 4, 3), img_before));
  }

  void zooPart1IsRegisteredWithThePapersDefaults() {
    const Registry r = Registry::builtin();
    for (const char* id : {"gan", "dcgan", "lsgan", "wgan", "wgan-gp", "sngan"}) QVERIFY2(r.find(id), id);
    QCOMPARE(r.families().front().id, std::string("dcgan"));  // the GUI's default
    auto defaults = [&](const char* id) {
      std::vector<std::string> errors;
      return ParamSet().validated(r.at(id).params, errors);
    };
    auto w = defaults("wgan");
    QCOMPARE(w.number("lr_d"), 5e-5);
    QCOMPARE(w.number("clip"), 0.01);
    QCOMPARE(w.integer("d_steps"), 5LL);
    QVERIFY(!w.has("beta1"));  // RMSProp
    auto gp = defaults("wgan-gp");
    QCOMPARE(gp.number("lr_g"), 1e-4);
    QCOMPARE(gp.number("beta1"), 0.0);
    QCOMPARE(gp.number("beta2"), 0.9);
    QCOMPARE(gp.number("lambda_gp"), 10.0);
    QCOMPARE(gp.integer("d_steps"), 5LL);
    QCOMPARE(gp.text("critic_norm"), std::string("layer"));
    auto ls = defaults("lsgan");
    QCOMPARE(ls.number("ls_a"), 0.0);
    QCOMPARE(ls.number("ls_b"), 1.0);
    QCOMPARE(ls.number("ls_c"), 1.0);
    QCOMPARE(testutil::series_ids(r.at("wgan").caps), (std::vector<std::string>{"loss_d", "loss_g", "wasserstein"}));
    QCOMPARE(testutil::series_ids(r.at("wgan-gp").caps), (std::vector<std::string>{"loss_d", "loss_g", "wasserstein", "gp", "grad_norm"}));
  }

  void everyFamilyTrainsWithFiniteLossesInItsSeriesOrder() {
    const Registry registry = Registry::builtin();
    for (const auto& info : registry.families()) {
      if (!info.caps.noise_metrics) continue;  // the image-to-image families: test_cyclegan; the toys: toy*
      auto fam = tiny(info.id);
      Batch fixed = fixed_batch(*fam);
      torch::Generator noise = make_cpu_generator(2);
      for (int i = 0; i < 3; ++i) {
        auto s = testutil::step(*fam, [&] { return fixed; }, noise);
        QCOMPARE(s.size(), info.caps.series.size() - info.caps.classifiers().size());
        for (size_t k = 0; k < s.size(); ++k) {
          QCOMPARE(s[k].first, info.caps.series[k].id);
          QVERIFY2(std::isfinite(s[k].second), (info.id + " " + s[k].first).c_str());
        }
      }
      SampleRequest r;
      r.n = 2;
      if (testutil::conditional(info)) r.options.set("class", "mixed");
      QCOMPARE(fam->snapshot()->sample(r).images.sizes().vec(), (std::vector<int64_t>{2, 1, 16, 16}));
    }
  }

  void wganClipBoundHoldsAfterEachStep() {
    auto fam = tiny("wgan");
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    torch::Generator noise = make_cpu_generator(3);
    for (int i = 0; i < 4; ++i) {
      testutil::step(*fam, [&] { return fixed; }, noise);
      double largest = 0;
      for (const auto& p : testutil::discriminator(*fam)->parameters()) largest = std::max(largest, p.abs().max().item<double>());
      QVERIFY2(largest <= 0.01 + 1e-9, qPrintable(QString::number(largest)));
      QVERIFY(largest > 0.005);  // the clip is active, not vacuous: N(0, 0.02) weights exceed it
    }
  }

  void gradientPenaltyIsOnInterpolatesAndPullsTheNormToOne() {
    // A linear critic D(x) = <w, x> has gradient w everywhere: the penalty is (||w|| - 1)^2.
    auto real = torch::rand({4, 1, 3, 3}), fake = torch::rand({4, 1, 3, 3});
    auto eps = torch::tensor({0.0f, 0.25f, 0.5f, 1.0f}).view({4, 1, 1, 1});
    torch::Tensor seen;
    for (double norm : {2.0, 1.0, 0.5}) {
      auto w = torch::full({1, 1, 3, 3}, norm / 3.0);  // 9 entries of norm/3: ||w|| = norm
      auto critic = [&](const torch::Tensor& x) {
        seen = x.detach().clone();
        return (x * w).sum({1, 2, 3});
      };
      torch::Tensor mean_norm;
      auto gp = gradient_penalty(critic, real, fake, eps, &mean_norm);
      GAN_COMPARE_NEAR(gp.item<double>(), (norm - 1) * (norm - 1), 1e-6);
      GAN_COMPARE_NEAR(mean_norm.item<double>(), norm, 1e-6);
      QVERIFY(!mean_norm.requires_grad());
    }
    // A critic D(x) = ||x||^2 / 2 has gradient x_hat: the reported norm is the batch mean of ||x_hat||,
    // and the penalty the mean of (||x_hat|| - 1)^2, not (mean ||x_hat|| - 1)^2.
    {
      auto zero = torch::zeros({2, 1, 2, 2});
      auto x = torch::zeros({2, 1, 2, 2});
      x[0].fill_(1.5);  // ||x_0|| = 3
      x[1].fill_(0.25);  // ||x_1|| = 0.5
      torch::Tensor mean_norm;
      auto gp = gradient_penalty([](const torch::Tensor& v) { return 0.5 * v.pow(2).sum({1, 2, 3}); }, x, zero,
                                 torch::ones({2, 1, 1, 1}), &mean_norm);
      GAN_COMPARE_NEAR(mean_norm.item<double>(), 1.75, 1e-6);
      GAN_COMPARE_NEAR(gp.item<double>(), (4.0 + 0.25) / 2, 1e-6);
    }
    QVERIFY(torch::allclose(seen, eps * real + (1 - eps) * fake));
    QVERIFY(torch::allclose(seen[0], fake[0]) && torch::allclose(seen[3], real[3]));
    // The penalty is differentiable with respect to the critic's weights (create_graph).
    auto w = torch::full({1, 1, 3, 3}, 1.0).requires_grad_(true);
    auto gp = gradient_penalty([&](const torch::Tensor& x) { return (x * w).sum({1, 2, 3}); }, real, fake, eps);
    gp.backward();
    // d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||, with ||w|| = 3.
    QVERIFY(torch::allclose(w.grad(), torch::full({1, 1, 3, 3}, 2.0 * 2.0 / 3.0), 1e-5, 1e-6));
  }

  void spectralNormKeepsTheLargestSingularValueAtOne() {
    SNConv2d conv(3, 5, 4, 2, 1);
    {
      torch::NoGradGuard g;
      conv->weight.normal_(0, 1);
    }
    conv->train();
    for (int i = 0; i < 50; ++i) conv->forward(torch::zeros({1, 3, 8, 8}));
    auto sv = torch::linalg_svdvals(conv->normalized_weight().reshape({5, -1}));
    GAN_COMPARE_NEAR(sv.max().item<double>(), 1.0, 1e-4);
    // In eval mode no power iteration runs: the same weight comes back.
    conv->eval();
    auto before = conv->normalized_weight();
    conv->forward(torch::zeros({1, 3, 8, 8}));
    QVERIFY(torch::equal(before, conv->normalized_weight()));
    // SNGAN's discriminator: every layer is spectrally normalised; after some training steps the
    // persistent power iteration tracks each of them (compared with an SVD): one iteration per step
    // lags a little behind weights that Adam moves, so "about 1" is within 10 %.
    auto fam = tiny("sngan");
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    torch::Generator noise = make_cpu_generator(4);
    for (int i = 0; i < 40; ++i) testutil::step(*fam, [&] { return fixed; }, noise);
    int layers = 0;
    for (const auto& m : testutil::discriminator(*fam)->modules(false)) {
      QVERIFY2(m->name().find("BatchNorm") == std::string::npos, "SNGAN's D has no batch norm");
      if (auto* sn = dynamic_cast<SNConv2dImpl*>(m.get())) {
        ++layers;
        const auto w = sn->normalized_weight();
        const double top = torch::linalg_svdvals(w.reshape({w.size(0), -1})).max().item<double>();
        GAN_COMPARE_NEAR(top, 1.0, 0.1);
      }
    }
    QCOMPARE(layers, 3);  // 16 px: 16 -> 8 -> 4, then the 4x4 score layer
  }

  // ---- The fixes of the review against the papers (revision 2) --------------------------------------
  void criticsWithoutBatchNormHaveBiases() {
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    for (const char* id : {"sngan", "sagan", "wgan-gp"}) {
      auto fam = tiny(id);
      const auto [convs, biased] = critic_conv_biases(*fam);
      QCOMPARE(convs, 3);  // 16 -> 8 -> 4, then the 4x4 score
      QCOMPARE(biased, 3);
      // Without biases a leaky-ReLU critic without norm is positively homogeneous: D(0) = 0 for ever.
      std::map<std::string, std::string> no_norm;
      if (std::string(id) == "wgan-gp") no_norm["critic_norm"] = "none";
      auto old = tiny(id, 16, 1, no_norm, /*revision=*/1);
      QCOMPARE(critic_conv_biases(*old).second, 0);
      torch::Generator noise = make_cpu_generator(5);
      for (int i = 0; i < 3; ++i) {
        testutil::step(*fam, [&] { return fixed; }, noise);
        testutil::step(*old, [&] { return fixed; }, noise);
      }
      auto& d_new = testutil::image_gan(*fam).discriminator();
      auto& d_old = testutil::image_gan(*old).discriminator();
      d_new.eval();
      d_old.eval();
      const auto zero = torch::zeros({1, 1, 16, 16});
      QVERIFY2(d_new.judge(zero, {}).score.item<double>() != 0, id);
      QCOMPARE(d_old.judge(zero, {}).score.item<double>(), 0.0);
    }
    QCOMPARE(critic_conv_biases(*tiny_dcgan()).second, 0);  // DCGAN's D: batch norm follows, as the paper
  }

  void channelLayerNormScalesAndShiftsPerChannel() {
    ChannelLayerNorm norm(3);
    torch::manual_seed(2);
    auto x = torch::randn({2, 3, 4, 4}) * 3 + 1;
    auto y = norm->forward(x);
    for (int n = 0; n < 2; ++n) {  // each example over all its channels and positions
      GAN_COMPARE_NEAR(y[n].mean().item<double>(), 0.0, 1e-5);
      GAN_COMPARE_NEAR(y[n].var(/*unbiased=*/false).item<double>(), 1.0, 1e-3);
    }
    {
      torch::NoGradGuard g;
      norm->weight.copy_(torch::tensor({1.0f, 2.0f, 3.0f}));
      norm->bias.copy_(torch::tensor({0.0f, 1.0f, -1.0f}));
    }
    auto z = norm->forward(x);
    for (int c = 0; c < 3; ++c)
      QVERIFY(torch::allclose(z.select(1, c), y.select(1, c) * (c + 1) + std::vector<float>{0, 1, -1}[c], 1e-5, 1e-5));
    // WGAN-GP's critic: C scale and C shift parameters per norm layer; revision 1 had one per element.
    auto count = [](Family& fam, bool channel) -> int {
      int layers = 0;
      for (const auto& m : testutil::discriminator(fam)->modules(false)) {
        if (channel && dynamic_cast<ChannelLayerNormImpl*>(m.get())) ++layers;
        if (auto* ln = dynamic_cast<torch::nn::LayerNormImpl*>(m.get())) {
          if (ln->weight.dim() != 3) return -1;  // one scale per element
          if (!channel) ++layers;
        }
      }
      return layers;
    };
    QCOMPARE(count(*tiny("wgan-gp"), true), 1);  // 16 px: one hidden layer after the first
    QCOMPARE(count(*tiny("wgan-gp", 16, 1, {}, 1), false), 1);
  }

  void spectralNormIsSettledAtInitialisation() {
    // SAGAN normalises both networks; with 15 power steps at initialisation, sigma is right before any
    // training pass, so an eval-mode G renders normalised weights at step 0.
    auto fam = tiny("sagan", 16, 1, {{"mbd_kernels", "3"}});
    auto& gan = testutil::image_gan(*fam);
    auto g_errors = sigma_errors(gan.generator()), d_errors = sigma_errors(gan.discriminator());
    QCOMPARE(g_errors.size(), size_t(3 + 4));  // three transposed convolutions, four in the attention block
    QCOMPARE(d_errors.size(), size_t(2 + 4 + 1 + 1));  // two convolutions, attention, mbd's tensor, its head
    for (double e : g_errors) QVERIFY2(e < 0.02, qPrintable(QString::number(e)));
    for (double e : d_errors) QVERIFY2(e < 0.02, qPrintable(QString::number(e)));
    // Revision 1 started from random unit vectors: far off until the first training passes.
    auto old = tiny("sagan", 16, 1, {}, 1);
    const auto old_errors = sigma_errors(testutil::image_gan(*old).generator());
    QVERIFY(*std::max_element(old_errors.begin(), old_errors.end()) > 0.2);
  }

  void minibatchDiscriminationIsSpectralInASpectralCritic() {
    auto mbd_of = [](Family& fam) -> MinibatchDiscriminationImpl* {
      for (const auto& m : testutil::discriminator(fam)->modules(false))
        if (auto* p = dynamic_cast<MinibatchDiscriminationImpl*>(m.get())) return p;
      return nullptr;
    };
    auto fam = tiny("sngan", 16, 1, {{"mbd_kernels", "3"}});
    auto* mbd = mbd_of(*fam);
    QVERIFY(mbd && mbd->spectral);
    GAN_COMPARE_NEAR(torch::linalg_svdvals(mbd->tensor().detach()).max().item<double>(), 1.0, 0.02);
    // Its features use the normalised tensor.
    auto f = torch::randn({4, mbd->T.size(0)});
    auto m = f.mm(mbd->tensor()).view({4, 3, mbd->kernel_dim});
    auto expected = torch::exp(-(m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3)).sum(1);
    mbd->eval();
    QVERIFY(torch::allclose(mbd->forward(f), expected, 1e-5, 1e-6));
    QVERIFY(!mbd_of(*tiny("sngan", 16, 1, {{"mbd_kernels", "3"}}, 1))->spectral);
    QVERIFY(!mbd_of(*tiny("dcgan", 16, 1, {{"mbd_kernels", "3"}}))->spectral);
  }

  void cganGeneratorHasDropoutWhileTraining() {
    torch::manual_seed(3);
    auto z = torch::randn({6, 8});
    auto y = torch::arange(6, torch::kLong).remainder(4);
    auto twice_equal = [&](Family& fam, bool training) {
      auto& g = testutil::image_gan(fam).generator();
      g.train(training);
      torch::NoGradGuard no_grad;
      return torch::equal(g.generate(z, y), g.generate(z, y));
    };
    auto cgan = tiny("cgan");
    QVERIFY(!twice_equal(*cgan, true));  // a fresh dropout mask per pass
    QVERIFY(twice_equal(*cgan, false));  // none when sampling
    // Half of the joined hidden units are dropped and the rest scaled by 2: one output differs from eval's.
    QVERIFY(twice_equal(*tiny("cgan", 16, 1, {}, 1), true));  // revision 1 had none
    QVERIFY(twice_equal(*tiny("gan"), true));  // GAN's generator has none in the paper
  }

  void generatorStepDrawsFreshNoise() {
    const Registry r = Registry::builtin();
    const FamilyInfo& info = r.at("dcgan");
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    for (const std::string mode : {"fresh", "reuse"}) {
      FamilySetup s;
      std::vector<std::string> errors;
      s.params = ParamSet({{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}, {"d_steps", "2"},
                           {"g_noise", mode}})
                     .validated(info.params, errors);
      QVERIFY(errors.empty());
      auto nets = conv_nets(s);
      auto spy = std::make_shared<SpyGenerator>(nets.g);
      nets.g = spy;
      ImageGan fam(info, s, nets, log_loss(false), adam(s.params));
      torch::Generator noise = make_cpu_generator(6);
      testutil::step(fam, [&] { return fixed; }, noise);
      if (mode == "fresh") {
        QCOMPARE(spy->seen.size(), size_t(3));  // two D steps, then G's own draw
        QVERIFY(!torch::equal(spy->seen[2], spy->seen[1]));
      } else {
        QCOMPARE(spy->seen.size(), size_t(2));  // G's step takes the fakes of D's last step
      }
    }
    // A config of revision 1 without the param means "reuse": old runs continue as they trained.
    std::vector<std::string> errors;
    QCOMPARE(ParamSet().validated(r.at("dcgan").params, errors, 1).text("g_noise"), std::string("reuse"));
    QCOMPARE(ParamSet().validated(r.at("dcgan").params, errors).text("g_noise"), std::string("fresh"));
  }

  void batchNormRunningStatisticsAreOfRealImagesOnly() {
    SyncBatchNorm2d bn(3);
    bn->train();
    auto x = torch::randn({4, 3, 5, 5}) * 2 + 1;
    auto mean = bn->running_mean.clone(), var = bn->running_var.clone();
    torch::Tensor frozen;
    {
      FrozenRunningStats guard;
      frozen = bn->forward(x);
    }
    QVERIFY(torch::equal(bn->running_mean, mean) && torch::equal(bn->running_var, var));
    QCOMPARE(bn->num_batches_tracked.item<int64_t>(), int64_t(0));
    QVERIFY(torch::allclose(frozen, bn->forward(x), 1e-6, 1e-6));  // normalised by the batch all the same
    QCOMPARE(bn->num_batches_tracked.item<int64_t>(), int64_t(1));
    QVERIFY(!torch::equal(bn->running_mean, mean));
    // A DCGAN (and ACGAN) step: D's batch norms count the real batch of each D step, not the fakes of D's
    // and G's steps, so eval mode (ACGAN's measured classifier) normalises with real images' statistics.
    auto fam = tiny("acgan", 16, 1, {{"d_steps", "2"}});
    Batch b = fixed_batch(*fam);
    torch::Generator noise = make_cpu_generator(7);
    testutil::step(*fam, [&] { return b; }, noise);
    int layers = 0;
    for (const auto& m : testutil::discriminator(*fam)->modules(false))
      if (auto* n = dynamic_cast<SyncBatchNorm2dImpl*>(m.get())) {
        ++layers;
        QCOMPARE(n->num_batches_tracked.item<int64_t>(), int64_t(2));
      }
    QCOMPARE(layers, 1);
  }

  void wganReferenceScheduleRunsLongCriticPhases() {
    QCOMPARE(wgan_critic_steps(false, 5, 0), 5);
    QCOMPARE(wgan_critic_steps(true, 5, 0), 100);
    QCOMPARE(wgan_critic_steps(true, 5, 24), 100);
    QCOMPARE(wgan_critic_steps(true, 5, 25), 5);
    QCOMPARE(wgan_critic_steps(true, 5, 499), 5);
    QCOMPARE(wgan_critic_steps(true, 5, 500), 100);
    QCOMPARE(wgan_critic_steps(true, 5, 1000), 100);
    QCOMPARE(wgan_critic_steps(true, 5, 1001), 5);
    for (const std::string schedule : {"constant", "reference"}) {
      auto fam = tiny("wgan", 16, 1, {{"d_schedule", schedule}});
      int batches = 0;
      Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
      torch::Generator noise = make_cpu_generator(8);
      testutil::step(*fam, [&] { ++batches; return fixed; }, noise);
      QCOMPARE(batches, schedule == "reference" ? 100 : 5);  // one real batch per critic step
    }
  }

  // SAGAN's attention panel: the map of the query position, drawn over the image, and its figures.
  void saganAttentionPanelShowsTheQuerysMap() {
    auto fam = tiny("sagan", 16, 1, {{"attention_res", "8"}});
    auto& g = dynamic_cast<DcganGeneratorImpl&>(testutil::image_gan(*fam).generator());
    {
      torch::NoGradGuard no_grad;
      for (const auto& m : g.modules(false))  // a block that matters, as after training
        if (auto* block = dynamic_cast<SelfAttentionImpl*>(m.get())) block->gamma.fill_(0.5);
    }
    g.eval();
    auto z = latent_for_seed(3, 8, 0);
    auto map = g.attention(z);
    QCOMPARE(map.sizes().vec(), (std::vector<int64_t>{1, 64, 64}));
    QVERIFY(torch::allclose(map.sum(2), torch::ones({1, 64}), 1e-5, 1e-6));
    auto snap = fam->snapshot();
    ExploreRequest r;
    r.view = "attention";
    r.values.set("seed", "3");
    r.values.set("query", "0.9,0.1");  // column 7, row 0 of the 8x8 map
    auto out = snap->explore(r);
    QCOMPARE(out.outputs.size(), size_t(2));
    QCOMPARE(out.outputs[0].image.width, 256);
    QCOMPARE(out.outputs[1].image.channels, 3);
    auto value = [&](const std::string& k) {
      for (const auto& [n, v] : out.scalars)
        if (n == k) return v;
      return std::nan("");
    };
    QCOMPARE(value("gamma"), 0.5);
    QCOMPARE(value("of"), 64.0);
    auto row = map[0][7].to(torch::kDouble);  // j = 0 * 8 + 7
    GAN_COMPARE_NEAR(value("largest weight"), row.max().item<double>(), 1e-6);
    GAN_COMPARE_NEAR(value("positions attended"), std::exp(-(row * row.log()).sum().item<double>()), 1e-3);
    // The query's cell is outlined in cyan: cells are 32 px at 256 px; column 7, row 0.
    const auto& img = out.outputs[0].image;
    auto px = [&](int x, int y, int c) { return img.pixels[(static_cast<size_t>(y) * img.width + x) * 3 + c]; };
    QCOMPARE(int(px(7 * 32, 10, 0)), 0);
    QCOMPARE(int(px(7 * 32, 10, 2)), 255);
    r.values.set("query", "1.5,0");
    QVERIFY(testutil::error_of([&] { snap->explore(r); }).contains("query position"));
    // The latent explorer is still there.
    r.view = "latent";
    r.values = Values();
    QCOMPARE(snap->explore(r).outputs.size(), size_t(1));
  }

  void ganUsesMaxoutAndTheMinimaxLoss() {
    Maxout m(3, 2, 4);
    {
      torch::NoGradGuard g;
      m->linear->weight.copy_(torch::eye(8, 3));  // pieces of unit 0: x0, x1, x2, 0; of unit 1: all 0
      m->linear->bias.zero_();
    }
    auto y = m->forward(torch::tensor({{-1.0f, 5.0f, 2.0f}}));
    QVERIFY(torch::equal(y, torch::tensor({{5.0f, 0.0f}})));
    // Minimax: G minimises log(1 - D(G(z))), which starts at log(1/2) = -ln 2 when D is undecided;
    // the non-saturating option starts at -log(1/2) = +ln 2.
    for (const auto& [loss, start] : {std::pair{"minimax", -std::log(2.0)}, {"non-saturating", std::log(2.0)}}) {
      const Registry r = Registry::builtin();
      FamilySetup s;
      std::vector<std::string> errors;
      s.params.set("g_loss", loss);
      for (const char* k : {"g_hidden", "d_hidden"}) s.params.set(k, "16");
      s.params.set("resolution", "16");
      s.params.set("lr_d", "1e-6");  // D stays undecided for the first step's G loss
      s.params = s.params.validated(r.at("gan").params, errors);
      auto fam = create_family(r.at("gan"), s);
      {  // zero D's last layer: D(x) = 1/2 everywhere
        torch::NoGradGuard g;
        auto params = testutil::discriminator(*fam)->parameters();
        params[params.size() - 2].zero_();
        params.back().zero_();
      }
      Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
      torch::Generator noise = make_cpu_generator(6);
      auto first = testutil::step(*fam, [&] { return fixed; }, noise);
      GAN_COMPARE_NEAR(get(first, "loss_g"), start, 1e-3);
      GAN_COMPARE_NEAR(get(first, "loss_d"), 2 * std::log(2.0), 1e-3);
    }
  }

  void improvedGanTechniques() {
    // One-sided label smoothing changes the real term only.
    auto s_real = torch::tensor({2.0f, -1.0f, 0.5f}), s_fake = torch::tensor({-3.0f, 1.0f, 0.0f});
    auto s_fake2 = torch::tensor({0.7f, -0.2f, 4.0f});
    const double smooth = log_loss_d(s_real, s_fake, 0.9).item<double>();
    const double plain = log_loss_d(s_real, s_fake, 1.0).item<double>();
    namespace F = torch::nn::functional;
    const double real_term_change =
        (F::binary_cross_entropy_with_logits(s_real, torch::full_like(s_real, 0.9)) -
         F::binary_cross_entropy_with_logits(s_real, torch::ones_like(s_real))).item<double>();
    GAN_COMPARE_NEAR(smooth - plain, real_term_change, 1e-6);
    GAN_COMPARE_NEAR(log_loss_d(s_real, s_fake2, 0.9).item<double>() - log_loss_d(s_real, s_fake2, 1.0).item<double>(),
                     real_term_change, 1e-6);  // whatever the fakes, the same change: fakes keep target 0
    // Instance noise falls linearly to 0.
    QCOMPARE(instance_noise_sigma(0.5, 0, 100), 0.5);
    QCOMPARE(instance_noise_sigma(0.5, 50, 100), 0.25);
    QCOMPARE(instance_noise_sigma(0.5, 150, 100), 0.0);
    // EMA: ema <- d * ema + (1 - d) * w, buffers copied.
    torch::nn::BatchNorm1d a(2), b(2);
    {
      torch::NoGradGuard g;
      a->weight.fill_(1.0);
      b->weight.fill_(3.0);
      b->running_mean.fill_(7.0);
    }
    ema_update(*a, *b, 0.75);
    QVERIFY(torch::allclose(a->weight, torch::full({2}, 1.5)));
    QVERIFY(torch::equal(a->running_mean, b->running_mean));
    // In a family: the same seed with EMA on samples from the average, not from G itself; the
    // techniques are off by default and every one of them keeps the losses finite.
    auto with = [&](const std::map<std::string, std::string>& extra) {
      const Registry r = Registry::builtin();
      FamilySetup s;
      std::vector<std::string> errors;
      for (auto [k, v] : std::map<std::string, std::string>{{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}})
        s.params.set(k, v);
      for (const auto& [k, v] : extra) s.params.set(k, v);
      s.params = s.params.validated(r.at("dcgan").params, errors);
      return create_family(r.at("dcgan"), s);
    };
    auto plain_fam = with({}), ema_fam = with({{"ema", "0.9"}, {"instance_noise", "0.1"}, {"label_smoothing", "0.1"}});
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    torch::Generator n1 = make_cpu_generator(7), n2 = make_cpu_generator(7);
    auto z = torch::randn({2, 8});
    const auto before = testutil::generate(*plain_fam, z, {});
    QVERIFY(torch::equal(before, testutil::generate(*ema_fam, z, {})));  // the average starts as G
    for (int i = 0; i < 3; ++i) {
      testutil::step(*plain_fam, [&] { return fixed; }, n1);
      for (const auto& [k, v] : testutil::step(*ema_fam, [&] { return fixed; }, n2)) QVERIFY2(std::isfinite(v), k.c_str());
    }
    QVERIFY(!torch::equal(testutil::generate(*ema_fam, z, {}), testutil::generate(*plain_fam, z, {})));
    // Snapshots sample from the EMA too: the seed's latents through the averaged G.
    torch::Generator seed5 = make_cpu_generator(5);
    auto z5 = truncated_normal({2, 8}, 0, seed5);
    QVERIFY(torch::equal(testutil::sample(*ema_fam->snapshot(), 2, 5), to_uint8(testutil::generate(*ema_fam, z5, {}))));
  }

  void zooPart1IsComplete() {
    const Registry r = Registry::builtin();
    for (const char* id : {"gan", "cgan", "dcgan", "cgan-conv", "lsgan", "wgan", "wgan-gp", "sngan", "sagan", "acgan",
                           "sgan"})
      QVERIFY2(r.find(id), id);
    auto defaults = [&](const char* id) {
      std::vector<std::string> errors;
      return ParamSet().validated(r.at(id).params, errors);
    };
    auto sa = defaults("sagan");  // TTUR: D 4e-4, G 1e-4, beta (0, 0.9)
    QCOMPARE(sa.number("lr_d"), 4e-4);
    QCOMPARE(sa.number("lr_g"), 1e-4);
    QCOMPARE(sa.number("beta1"), 0.0);
    QCOMPARE(sa.number("beta2"), 0.9);
    auto sg = defaults("sgan");
    QCOMPARE(sg.text("labels"), std::string("100"));
    QCOMPARE(sg.text("g_objective"), std::string("feature-matching"));
    QCOMPARE(r.at("sgan").caps.classifiers(), (std::vector<std::string>{"acc_sgan", "acc_supervised"}));
    QCOMPARE(r.at("acgan").caps.classifiers(), (std::vector<std::string>{"acc_aux"}));
    for (const char* id : {"cgan", "cgan-conv", "acgan"}) QVERIFY2(testutil::conditional(r.at(id)), id);
    for (const char* id : {"dcgan", "sgan", "sagan"}) QVERIFY2(!testutil::conditional(r.at(id)), id);
    // Minibatch discrimination is not offered to critics; virtual batch norm not to MLP generators.
    auto has = [&](const char* id, const char* p) { return defaults(id).has(p); };
    QVERIFY(has("dcgan", "mbd_kernels") && !has("wgan", "mbd_kernels") && !has("wgan-gp", "mbd_kernels"));
    QVERIFY(has("dcgan", "g_norm") && !has("gan", "g_norm"));
    // A cross-parameter check starts nothing: SAGAN's attention must fit the feature maps.
    TrainConfig c;
    c.model = "sagan";
    c.params.set("resolution", "16");
    c.params.set("attention_res", "16");
    try {
      validate(c, r);
      QFAIL("an attention resolution above half the image side was accepted");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("attention resolution (16) must be at most half") != std::string::npos, e.what());
    }
  }

  void conditionalFamiliesFollowTheClass() {
    for (const char* id : {"cgan", "cgan-conv", "acgan"}) {
      auto fam = tiny(id);
      auto z = torch::randn({1, 8}).repeat({4, 1});
      auto images = testutil::generate(*fam, z, torch::arange(4, torch::kLong));
      for (int k = 1; k < 4; ++k) QVERIFY2(!torch::allclose(images[0], images[k]), id);  // the class matters
      QVERIFY(torch::equal(testutil::generate(*fam, z, {}), images));  // without labels: classes 0, 1, 2, 3, 0, ...
      // Snapshots draw the class asked for: "mixed" cycles through them as generate does without labels.
      torch::Generator seed9 = make_cpu_generator(9);
      auto z9 = truncated_normal({4, 8}, 0, seed9);
      QVERIFY(torch::equal(testutil::sample(*fam->snapshot(), 4, 9, {{"class", "mixed"}}),
                           to_uint8(testutil::generate(*fam, z9, torch::arange(4, torch::kLong)))));
      QVERIFY(torch::equal(testutil::sample(*fam->snapshot(), 4, 9, {{"class", "2"}}),
                           to_uint8(testutil::generate(*fam, z9, torch::full({4}, 2, torch::kLong)))));
      // Conditional families refuse unlabelled data with a message.
      Batch unlabelled{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
      torch::Generator noise = make_cpu_generator(1);
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, testutil::step(*fam, [&] { return unlabelled; }, noise));
    }
    // cGAN (conv): the class joins D's input as K planes. ACGAN: D has a K-way head; SGAN: K logits
    // and a supervised-only baseline.
    auto cgan = tiny("cgan-conv");
    auto first_conv = testutil::discriminator(*cgan)->named_parameters()["net.0.weight"];
    QCOMPARE(first_conv.size(1), 1 + 4);
    QCOMPARE(tiny("acgan")->classify(torch::zeros({3, 1, 16, 16})).at(0).sizes().vec(), (std::vector<int64_t>{3, 4}));
    QCOMPARE(tiny("sgan")->classify(torch::zeros({3, 1, 16, 16})).size(), size_t(2));
    QCOMPARE(tiny("sgan", 16, 1, {{"baseline", "off"}})->classify(torch::zeros({3, 1, 16, 16})).size(), size_t(1));
    // Unlabelled data: a clear refusal when the family is built.
    FamilySetup s;
    std::vector<std::string> errors;
    s.params = ParamSet().validated(Registry::builtin().at("acgan").params, errors);
    try {
      create_family(Registry::builtin().at("acgan"), s);
      QFAIL("ACGAN was built without classes");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("needs a labelled dataset") != std::string::npos, e.what());
    }
  }

  void selfAttentionStartsAsTheIdentity() {
    torch::manual_seed(4);
    SelfAttention block(16, /*spectral=*/true);
    block->eval();
    auto x = torch::randn({2, 16, 8, 8});
    QVERIFY(torch::equal(block->forward(x), x));  // gamma = 0
    auto beta = block->attention(x);
    QCOMPARE(beta.sizes().vec(), (std::vector<int64_t>{2, 64, 64}));
    QVERIFY(torch::allclose(beta.sum(2), torch::ones({2, 64}), 1e-5, 1e-6));  // each row is a distribution over positions
    // Row j is softmax_i(f(x)_i . g(x)_j), from the block's own 1x1 maps: position j = row * 8 + column.
    {
      torch::NoGradGuard g;
      auto fx = block->f.forward(x), gx = block->g.forward(x);
      const int row = 2, col = 5, j = row * 8 + col;
      auto query = gx[1].select(1, row).select(1, col);                 // C'
      auto scores = (fx[1] * query.view({-1, 1, 1})).sum(0).flatten();  // HW: f_i . g_j
      QVERIFY(torch::allclose(beta[1][j], torch::softmax(scores, 0), 1e-5, 1e-7));
    }
    {
      torch::NoGradGuard g;
      block->gamma.fill_(1.0);
    }
    QVERIFY(!torch::allclose(block->forward(x), x));
    // SAGAN puts one block in G and one in D, at the chosen side, and normalises every layer of both.
    auto fam = tiny("sagan", 16, 1, {{"attention_res", "8"}});
    for (torch::nn::Module* net : {testutil::generator(*fam), testutil::discriminator(*fam)}) {
      int blocks = 0, plain = 0;
      for (const auto& m : net->modules(false)) {
        if (dynamic_cast<SelfAttentionImpl*>(m.get())) ++blocks;
        if (dynamic_cast<torch::nn::Conv2dImpl*>(m.get()) || dynamic_cast<torch::nn::ConvTranspose2dImpl*>(m.get())) ++plain;
      }
      QCOMPARE(blocks, 1);
      QCOMPARE(plain, 0);
    }
    for (const auto& p : testutil::generator(*fam)->named_parameters())
      if (p.key().find("gamma") != std::string::npos) QCOMPARE(p.value().item<double>(), 0.0);
  }

  void transposedSpectralNormHasUnitSingularValue() {
    torch::manual_seed(9);
    SNConvTranspose2d conv(6, 4, 4, 2, 1, false);
    conv->train();
    for (int i = 0; i < 60; ++i) conv->forward(torch::randn({1, 6, 4, 4}));
    auto w = conv->normalized_weight().transpose(0, 1).reshape({4, -1});
    const double sigma = std::get<1>(torch::linalg_svd(w, false)).max().item<double>();
    GAN_COMPARE_NEAR(sigma, 1.0, 1e-3);
    QCOMPARE(conv->forward(torch::randn({2, 6, 4, 4})).sizes().vec(), (std::vector<int64_t>{2, 4, 8, 8}));
  }

  void minibatchDiscriminationAddsTheExpectedFeatures() {
    MinibatchDiscrimination mbd(2, /*kernels=*/1, /*kernel_dim=*/2);
    {
      torch::NoGradGuard g;
      mbd->T.copy_(torch::eye(2));  // M_i = f_i
    }
    auto f = torch::tensor({{0.0f, 0.0f}, {1.0f, 0.0f}, {0.0f, 2.0f}});
    auto o = mbd->forward(f);
    // L1 distances: d01 = 1, d02 = 2, d12 = 3; each row sums exp(-d) over the batch, itself included.
    const double e = std::exp(1.0);
    auto expected = torch::tensor({1 + 1 / e + 1 / (e * e), 1 / e + 1 + 1 / (e * e * e), 1 / (e * e) + 1 / (e * e * e) + 1});
    QVERIFY2(torch::allclose(o.view({-1}), expected.to(torch::kFloat), 1e-6, 1e-6), qPrintable(QString::number(o[0][0].item<double>())));
    // In a discriminator, the B features join the last hidden layer before the output.
    auto fam = tiny("dcgan", 16, 1, {{"mbd_kernels", "5"}});
    auto params = testutil::discriminator(*fam)->named_parameters();
    QCOMPARE(params["head.weight"].size(1), params["mbd.T"].size(0) + 5);
  }

  void virtualBatchNormIgnoresTheRestOfTheBatch() {
    torch::manual_seed(2);
    VirtualBatchNorm vbn(3);
    vbn->reference = 4;
    auto ref = torch::randn({4, 3, 5, 5}) * 3 + 1, a = torch::randn({1, 3, 5, 5}), b = torch::randn({2, 3, 5, 5}) * 10;
    auto out1 = vbn->forward(torch::cat({ref, a, b}));
    auto out2 = vbn->forward(torch::cat({ref, a}));
    QVERIFY(torch::allclose(out1[4], out2[4], 1e-5, 1e-5));  // a's output does not depend on b
    // The reference rows are normalised by their own statistics: mean 0, variance 1 per channel.
    auto r = out1.narrow(0, 0, 4);
    QVERIFY(r.mean({0, 2, 3}).abs().max().item<double>() < 1e-5);
    QVERIFY((r.var({0, 2, 3}, /*unbiased=*/false) - 1).abs().max().item<double>() < 1e-3);
    // An example is normalised with (ref stats * R + its own) / (R + 1).
    auto mean = (a.mean({0, 2, 3}) + 4 * ref.mean({0, 2, 3})) / 5;
    auto sq = ((a * a).mean({0, 2, 3}) + 4 * (ref * ref).mean({0, 2, 3})) / 5;
    auto expect = (a - mean.view({1, 3, 1, 1})) / torch::sqrt(sq - mean * mean + 1e-5).view({1, 3, 1, 1});
    QVERIFY(torch::allclose(out2[4], expect[0], 1e-4, 1e-4));
    // In DCGAN's generator: a sample does not depend on the other samples of its batch, in training too.
    auto fam = tiny("dcgan", 16, 1, {{"g_norm", "virtual"}});
    auto* g = dynamic_cast<DcganGeneratorImpl*>(testutil::generator(*fam));
    QVERIFY(g);
    g->train();
    auto z = torch::randn({3, 8});
    QVERIFY(torch::allclose(g->forward(z).narrow(0, 0, 1), g->forward(z.narrow(0, 0, 1)), 1e-5, 1e-5));
  }

  void historicalAveragingAndOrthogonalInit() {
    HistoricalAverage h;
    auto p = torch::tensor({1.0f, 2.0f});
    QCOMPARE(h.penalty({p}).item<double>(), 0.0);  // nothing to average yet
    h.update({p});
    h.update({torch::tensor({3.0f, 6.0f})});
    QCOMPARE(h.count(), 2LL);
    QVERIFY(torch::equal(h.mean()[0], torch::tensor({2.0f, 4.0f})));
    QCOMPARE(h.penalty({torch::tensor({4.0f, 4.0f})}).item<double>(), 4.0);  // (4-2)^2 + (4-4)^2
    // Orthogonal init: rows orthonormal (or columns, when there are more rows than inputs).
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 4, 3));
    torch::nn::Linear lin(3, 5);
    torch::nn::Sequential both(conv, lin);
    torch::Generator gen = make_cpu_generator(5);
    orthogonal_init(*both, gen);
    auto w = conv->weight.reshape({4, -1});
    QVERIFY(torch::allclose(w.mm(w.t()), torch::eye(4), 1e-5, 1e-5));
    QVERIFY(torch::allclose(lin->weight.t().mm(lin->weight), torch::eye(3), 1e-5, 1e-5));
    QCOMPARE(conv->bias.abs().sum().item<double>(), 0.0);
    auto fam = tiny("dcgan", 16, 1, {{"init", "orthogonal"}, {"hist_avg", "0.5"}});
    auto d0 = testutil::discriminator(*fam)->named_parameters()["net.0.weight"].reshape({8, -1});
    QVERIFY(torch::allclose(d0.mm(d0.t()), torch::eye(8), 1e-5, 1e-5));
    Batch fixed = fixed_batch(*fam);
    torch::Generator noise = make_cpu_generator(3);
    for (int i = 0; i < 2; ++i)
      for (const auto& [k, v] : testutil::step(*fam, [&] { return fixed; }, noise)) QVERIFY2(std::isfinite(v), k.c_str());
  }

  void featureMatchingReplacesTheAdversarialGLoss() {
    auto fm = tiny("dcgan", 16, 1, {{"g_objective", "feature-matching"}}), ns = tiny("dcgan");
    Batch fixed = fixed_batch(*fm);
    torch::Generator n1 = make_cpu_generator(3), n2 = make_cpu_generator(3);
    const auto a = testutil::step(*fm, [&] { return fixed; }, n1), b = testutil::step(*ns, [&] { return fixed; }, n2);
    QCOMPARE(get(a, "loss_d"), get(b, "loss_d"));  // the same D update
    QVERIFY(get(a, "loss_g") >= 0);                // a squared distance
    QVERIFY(get(a, "loss_g") < 0.5 * get(b, "loss_g"));  // far below the log loss at the start
  }

  void labelledSubsetIsBalancedAndSeeded() {
    auto labels = torch::arange(1000, torch::kLong).remainder(10);
    auto idx = labelled_subset(labels, 100, 10, 7);
    QCOMPARE(idx.size(0), 100LL);
    QVERIFY(torch::equal(torch::bincount(labels.index_select(0, idx)), torch::full({10}, 10, torch::kLong)));
    QCOMPARE(std::get<0>(torch::_unique(idx)).size(0), 100LL);
    QVERIFY(torch::equal(idx, labelled_subset(labels, 100, 10, 7)));
    QVERIFY(!torch::equal(idx, labelled_subset(labels, 100, 10, 8)));
    QCOMPARE(labelled_subset(labels, -1, 10, 7).size(0), 1000LL);
  }

  void sganClassifiesAboveChanceAfterAShortRun() {
    auto data = testutil::labelled_dataset(64, 4, 16);
    auto fam = tiny("sgan", 16, 1, {{"labels", "100"}, {"batch", "16"}});  // 100 > 64 images: all labelled
    testutil::attach(*fam, data->images(), data->labels());
    auto x = data->images().to(torch::kFloat) / 127.5 - 1;
    torch::Generator noise = make_cpu_generator(4), order = make_cpu_generator(5);
    for (int i = 0; i < 40; ++i) {
      auto idx = torch::randint(0, 64, {16}, order, torch::kLong);
      testutil::step(*fam, [&] { return Batch{x.index_select(0, idx), data->labels().index_select(0, idx)}; }, noise);
    }
    auto logits = fam->classify(x);
    const double acc = logits[0].argmax(1).eq(data->labels()).to(torch::kDouble).mean().item<double>();
    QVERIFY2(acc > 0.6, qPrintable(QString::number(acc)));  // chance: 0.25
  }

  void lsganStartsAtItsTextbookLosses() {
    // At initialisation D outputs about 0 everywhere: loss_d = (0 - 1)^2 / 2 + (0 - 0)^2 / 2 = 0.5 and
    // loss_g = (0 - 1)^2 / 2 = 0.5; D's steps on a fixed batch then separate real from fake.
    auto fam = tiny("lsgan");
    Batch fixed{torch::rand({8, 1, 16, 16}) * 2 - 1, {}};
    torch::Generator noise = make_cpu_generator(5);
    auto first = testutil::step(*fam, [&] { return fixed; }, noise);
    GAN_COMPARE_NEAR(get(first, "loss_d"), 0.5, 0.1);
    GAN_COMPARE_NEAR(get(first, "loss_g"), 0.5, 0.1);
    Scalars last;
    for (int i = 0; i < 30; ++i) last = testutil::step(*fam, [&] { return fixed; }, noise);
    QVERIFY(get(last, "d_real") > get(last, "d_fake"));
  }

  void truncatedNormalStaysWithinThreshold() {
    torch::Generator g = make_cpu_generator(11);
    auto z = truncated_normal({500, 64}, 0.5, g);
    QVERIFY(z.abs().max().item<double>() <= 0.5);
    // Resampling keeps it a normal restricted to [-t, t]: symmetric, std of N(0,1) truncated at 0.5.
    QVERIFY(std::abs(z.mean().item<double>()) < 0.01);
    GAN_COMPARE_NEAR(z.std().item<double>(), 0.2863, 0.03);  // sqrt(1 - 2*0.5*phi(0.5)/(2*Phi(0.5)-1))
    auto off = truncated_normal({100, 64}, 0.0, g);
    QVERIFY(off.abs().max().item<double>() > 2.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, truncated_normal({1, 4}, 0.01, g));
  }

  void seedsNameLatents() {
    QVERIFY(torch::equal(latent_for_seed(42, 100, 0), latent_for_seed(42, 100, 0)));
    QVERIFY(!torch::equal(latent_for_seed(42, 100, 0), latent_for_seed(43, 100, 0)));
    QCOMPARE(latent_for_seed(42, 100, 0).sizes().vec(), (std::vector<int64_t>{1, 100}));
  }

  // ---- Salimans et al.'s discriminator -----------------------------------------------------------------
  void weightNormLayerNormalisesAndInitialisesFromData() {
    torch::manual_seed(5);
    WeightNormLinear fixed_scale(6, 4, false), learnt_scale(6, 4, true);
    QCOMPARE(fixed_scale->parameters().size(), size_t(2));  // v and b; g is a buffer
    QCOMPARE(learnt_scale->parameters().size(), size_t(3));
    {
      torch::NoGradGuard no_grad;
      learnt_scale->g.copy_(torch::tensor({1.0f, 2.0f, 0.5f, 3.0f}));
    }
    QVERIFY(torch::allclose(learnt_scale->weight().norm(2, 1), torch::tensor({1.0f, 2.0f, 0.5f, 3.0f}), 1e-5, 1e-6));
    auto x = torch::randn({200, 6}) * 3 + 1;
    auto y = fixed_scale->init_from(x);
    QVERIFY(torch::allclose(y.mean(0), torch::zeros({4}), 1e-4, 1e-4));
    QVERIFY(torch::allclose((y - y.mean(0)).pow(2).mean(0).sqrt(), torch::ones({4}), 1e-4, 1e-4));
    QVERIFY(torch::allclose(fixed_scale->forward(x), y));
  }

  void salimansCriticHasThePapersLayersAndOwnNoise() {
    SalimansCritic d(16 * 16, 4, 9);
    std::vector<int64_t> widths;
    for (const auto& l : d->layers) widths.push_back(l->v.size(0));
    QCOMPARE(widths, (std::vector<int64_t>{1000, 500, 250, 250, 250, 4}));
    QVERIFY(!d->layers[0]->train_scale && d->layers.back()->train_scale);
    auto x = torch::rand({5, 1, 16, 16}) * 2 - 1;
    QVERIFY(!d->initialised());
    d->init_from(x);
    QVERIFY(d->initialised());
    d->eval();
    const CriticOutput a = d->judge(x), b = d->judge(x);
    QVERIFY(torch::equal(a.score, b.score));  // no noise in eval mode
    QVERIFY(torch::allclose(a.score, a.class_logits.logsumexp(1)));
    QCOMPARE(a.features.sizes().vec(), (std::vector<int64_t>{5, 250}));
    // While training it draws noise from its own stream: a copy of its state draws the same noise.
    SalimansCritic twin(16 * 16, 4, 1);
    copy_module_state(*d, *twin);
    d->train();
    twin->train();
    const auto first = d->judge(x).score;
    QVERIFY(!torch::equal(first, a.score));
    QVERIFY(!torch::equal(first, d->judge(x).score));  // the stream moves on
    QVERIFY(torch::equal(first, twin->judge(x).score));
    // The noise is N(0, 0.3^2) on the input: its draws have that spread.
    RandomStream stream;
    torch::nn::Module owner;
    stream = RandomStream(owner, 4);
    const auto n = stream.randn({20000});
    GAN_COMPARE_NEAR(n.std().item<double>(), 1.0, 0.02);
    stream.reseed(4);
    QVERIFY(torch::equal(stream.randn({20000}), n));
  }

  void sganTrainsWithTheSalimansDiscriminator() {
    auto fam = tiny("sgan", 16, 1, {{"d_net", "salimans"}, {"labels", "all"}});
    Batch fixed = fixed_batch(*fam);
    auto* d = dynamic_cast<SalimansCriticImpl*>(&testutil::image_gan(*fam).discriminator());
    QVERIFY(d && d->initialised());  // from the attached data
    torch::Generator noise = make_cpu_generator(2);
    for (int i = 0; i < 3; ++i) {
      auto s = testutil::step(*fam, [&] { return fixed; }, noise);
      for (const auto& [k, v] : s) QVERIFY2(std::isfinite(v), k.c_str());
    }
    QCOMPARE(fam->classify(fixed.images).size(), size_t(2));  // D and the baseline
    std::vector<std::string> errors;
    ParamSet p({{"d_net", "salimans"}, {"mbd_kernels", "4"}});
    const Registry r = Registry::builtin();
    auto ok = p.validated(r.at("sgan").params, errors);
    QVERIFY(errors.empty());
    QCOMPARE(r.at("sgan").check(ok).size(), size_t(1));
  }

  // ---- 2-D toys ----------------------------------------------------------------------------------------
  static torch::Tensor around(const std::array<double, 2>& centre, long long n, double offset) {
    auto p = torch::empty({n, 2});
    for (long long i = 0; i < n; ++i) {  // n points on a circle of radius `offset` around the centre
      const double a = 2 * M_PI * static_cast<double>(i) / static_cast<double>(n);
      p[i][0] = centre[0] + offset * std::cos(a);
      p[i][1] = centre[1] + offset * std::sin(a);
    }
    return p;
  }

  void toyModeMeasuresOnHandMadePoints() {
    const ToyDistribution ring = toy_distribution("ring");
    QCOMPARE(ring.modes.size(), size_t(8));
    GAN_COMPARE_NEAR(ring.modes[2][0], 0.0, 1e-12);
    GAN_COMPARE_NEAR(ring.modes[2][1], 2.0, 1e-12);
    const double s = ring.sigma;
    // Every mode, 30 points each within 2 sigma: all covered, all of high quality.
    std::vector<torch::Tensor> all;
    for (const auto& m : ring.modes) all.push_back(around(m, 30, 2 * s));
    ModeCoverage c = measure_modes(ring, torch::cat(all));
    QCOMPARE(c.modes, 8);
    QCOMPARE(c.covered, 8);
    QCOMPARE(c.high_quality, 1.0);
    QCOMPARE(c.counts, std::vector<long long>(8, 30));
    // One mode: the rest are lost.
    c = measure_modes(ring, around(ring.modes[5], 240, s));
    QCOMPARE(c.covered, 1);
    QCOMPARE(c.counts[5], 240LL);
    QCOMPARE(c.high_quality, 1.0);
    // None: the centre is 2 from every mode.
    c = measure_modes(ring, torch::zeros({100, 2}));
    QCOMPARE(c.covered, 0);
    QCOMPARE(c.high_quality, 0.0);
    // 20 high-quality points make a mode covered, 19 do not; 3 sigma is the edge of high quality; a NaN
    // point counts in the total and is of no quality.
    auto mixed = torch::cat({around(ring.modes[3], 19, s), around(ring.modes[6], 20, s), around(ring.modes[0], 10, 2.9 * s),
                             around(ring.modes[0], 10, 3.1 * s), torch::full({1, 2}, std::nan(""))});
    c = measure_modes(ring, mixed);
    QCOMPARE(c.covered, 1);
    QCOMPARE(c.counts[3], 19LL);
    QCOMPARE(c.counts[0], 10LL);
    GAN_COMPARE_NEAR(c.high_quality, 49.0 / 60.0, 1e-12);
    QCOMPARE(measure_modes(ring, mixed, 10).covered, 3);
    // The grid: 25 modes 2 apart from -4 to 4; its centre mode is (0, 0).
    const ToyDistribution grid = toy_distribution("grid");
    QCOMPARE(grid.modes.size(), size_t(25));
    c = measure_modes(grid, around({0, 0}, 20, 0.1));
    QCOMPARE(c.covered, 1);
    QCOMPARE(c.counts[12], 20LL);
    QCOMPARE(measure_modes(grid, around({1, 1}, 20, 0.1)).high_quality, 0.0);  // between four modes
    QVERIFY(testutil::error_of([] { toy_distribution("moon"); }).contains("ring, grid or spiral"));
  }

  void toyDistributionsSampleWhatTheyMeasure() {
    // Real samples pass their own measures: P(|e| <= 3 sigma) = 1 - exp(-4.5) = 0.9889 for 2-D noise about
    // a point; about a curve only the noise across it counts, P(|e1| <= 3 sigma) = 0.9973.
    for (const char* id : {"ring", "grid", "spiral"}) {
      const double want = std::string(id) == "spiral" ? 0.9973 : 0.9889;
      const ToyDistribution d = toy_distribution(id);
      torch::Generator gen = make_cpu_generator(11);
      auto x = d.sample(20000, gen);
      QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{20000, 2}));
      const ModeCoverage c = measure_modes(d, x.narrow(0, 0, 2500));
      QCOMPARE(c.covered, c.modes);
      const double hq = measure_modes(d, x).high_quality;
      QVERIFY2(std::abs(hq - want) < 0.002, qPrintable(QString("%1: %2").arg(id).arg(hq)));
      QVERIFY(x.abs().max().item<double>() < d.extent);  // the picture holds them
    }
    const ToyDistribution spiral = toy_distribution("spiral");
    QCOMPARE(spiral.modes.size(), size_t(20));
    QCOMPARE(spiral.section.max().item<int64_t>(), 19LL);
    // Sections hold equal shares: a sample's sections are spread evenly.
    torch::Generator gen = make_cpu_generator(3);
    const ModeCoverage c = measure_modes(spiral, spiral.sample(20000, gen));
    for (long long n : c.counts) QVERIFY2(n > 850 && n < 1130, qPrintable(QString::number(n)));
  }

  void toyCanvasDrawsWhereThePointsAre() {
    PlaneCanvas canvas(100, 1.0);
    auto px = [&](const Image8& im, int x, int y) {
      const auto* p = &im.pixels[(static_cast<size_t>(y) * im.width + x) * 3];
      return std::vector<int>{p[0], p[1], p[2]};
    };
    QCOMPARE(px(canvas.image(), 50, 50), (std::vector<int>{255, 255, 255}));
    canvas.dots(torch::tensor({{0.001f, 0.001f}, {-0.999f, 0.999f}, {0.999f, -0.999f}, {5.0f, 0.0f}}), {10, 20, 30}, 0, 1.0);
    const Image8 im = canvas.image();
    QCOMPARE(px(im, 50, 49), (std::vector<int>{10, 20, 30}));  // y up: just above the centre is row 49
    QCOMPARE(px(im, 0, 0), (std::vector<int>{10, 20, 30}));    // top left
    QCOMPARE(px(im, 99, 99), (std::vector<int>{10, 20, 30}));  // bottom right
    // The grid runs from the top left along rows; a heat map's ends are its two colours, white between.
    auto g = canvas.grid(4);
    QVERIFY(torch::allclose(g[0], torch::tensor({-0.75f, 0.75f})));
    QVERIFY(torch::allclose(g[3], torch::tensor({0.75f, 0.75f})));
    QVERIFY(torch::allclose(g[15], torch::tensor({0.75f, -0.75f})));
    PlaneCanvas heat(4, 1.0);
    heat.heat(torch::cat({torch::tensor({0.0, 1.0, 2.0, 0.5}), torch::zeros({12}, torch::kDouble)}), 4, 0, 2, {0, 0, 255}, {255, 0, 0});
    QCOMPARE(px(heat.image(), 0, 0), (std::vector<int>{0, 0, 255}));
    QCOMPARE(px(heat.image(), 1, 0), (std::vector<int>{255, 255, 255}));
    QCOMPARE(px(heat.image(), 2, 0), (std::vector<int>{255, 0, 0}));
    QCOMPARE(px(heat.image(), 3, 0), (std::vector<int>{128, 128, 255}));
  }

  void toyTrainsWithEveryLoss() {
    const Registry r = Registry::builtin();
    const FamilyInfo& info = r.at("toy");
    QVERIFY(info.caps.streams.empty() && !info.caps.own_data.empty());
    QVERIFY(info.caps.has_measures() && info.caps.classifiers().empty() && !info.caps.noise_metrics);
    for (const char* loss : {"gan", "gan-minimax", "lsgan", "wgan", "wgan-gp", "hinge"}) {
      FamilySetup s;
      std::vector<std::string> errors;
      s.params = ParamSet({{"loss", loss}, {"batch", "32"}, {"g_hidden", "16"}, {"d_hidden", "16"}, {"layers", "2"}})
                     .validated(info.params, errors);
      QVERIFY(errors.empty());
      auto fam = create_family(info, s);
      struct NoStreams : Streams {
        Batch next(const std::string& name, long long) override { throw std::invalid_argument("no stream " + name); }
      } none;
      torch::Generator noise = make_cpu_generator(4);
      for (int i = 0; i < 3; ++i) {
        const Scalars out = fam->train_step(none, noise);
        QCOMPARE(out[0].first, std::string("loss_d"));
        QCOMPARE(out[1].first, std::string("loss_g"));
        for (const auto& [id, v] : out) {
          QVERIFY2(info.caps.find_series(id), id.c_str());
          QVERIFY2(std::isfinite(v), (std::string(loss) + " " + id).c_str());
        }
        QCOMPARE(std::isnan(get(out, "gp")), std::string(loss) != "wgan-gp");
        QCOMPARE(std::isnan(get(out, "wasserstein")), std::string(loss).rfind("wgan", 0) != 0);
      }
      bool spectral = false;
      for (const auto& m : fam->player("d")->net().modules(false)) spectral = spectral || dynamic_cast<SNLinearImpl*>(m.get());
      QCOMPARE(spectral, std::string(loss) == "hinge");
      if (std::string(loss) == "wgan")
        for (const auto& p : fam->player("d")->net().parameters()) QVERIFY(p.abs().max().item<double>() <= 0.01 + 1e-9);
      // Measured on fixed latents: the same twice, and without the run's noise.
      const auto before = noise.get_state();
      const Scalars m = fam->measure();
      QCOMPARE(m, fam->measure());
      QVERIFY(torch::equal(before, noise.get_state()));
      QCOMPARE(m.size(), size_t(2));
      QVERIFY(m[0].first == "modes" && m[1].first == "hq");
      for (const auto& [id, v] : m) QVERIFY(v >= 0 && v <= 1);
    }
  }

  void toyPlaneShowsPointsAndD() {
    const Registry r = Registry::builtin();
    const FamilyInfo& info = r.at("toy");
    FamilySetup s;
    std::vector<std::string> errors;
    s.params = ParamSet({{"g_hidden", "16"}, {"d_hidden", "16"}}).validated(info.params, errors);
    auto fam = create_family(info, s);
    auto snap = fam->snapshot();
    SampleRequest sr;
    sr.n = 300;
    const Samples samples = snap->sample(sr);
    QCOMPARE(samples.images.sizes().vec(), (std::vector<int64_t>{1, 3, 384, 384}));
    QVERIFY(samples.note.find("300 generated points") != std::string::npos);
    ExploreRequest req;
    req.view = "plane";
    req.values.set("points", "500");
    auto value = [](const ExploreResult& out, const std::string& k) {
      for (const auto& [n, v] : out.scalars)
        if (n == k) return v;
      return std::nan("");
    };
    const ExploreResult out = snap->explore(req);
    QCOMPARE(out.outputs.size(), size_t(1));
    QCOMPARE(out.outputs[0].image.width, 384);
    QCOMPARE(value(out, "of"), 8.0);
    const double lo = value(out, "D(x) lowest"), hi = value(out, "D(x) highest");
    QVERIFY(lo >= 0 && lo <= hi && hi <= 1);  // the log loss shows probabilities
    // The picture's colours: without the heat map and the real points, only white and purple are left.
    req.values.set("heat", "off");
    req.values.set("real", "off");
    const Image8 plain = snap->explore(req).outputs[0].image;
    long long green = 0, purple = 0;
    for (size_t i = 0; i < plain.pixels.size(); i += 3) {
      const int rr = plain.pixels[i], gg = plain.pixels[i + 1], bb = plain.pixels[i + 2];
      green += gg > rr + 30 && gg > bb;
      purple += bb > gg + 30 && rr > gg;
    }
    QCOMPARE(green, 0LL);
    QVERIFY(purple > 0);
    QVERIFY(std::isnan(value(snap->explore(req), "D(x) lowest")));
    req.values.set("mapping", "on");
    QVERIFY(snap->explore(req).outputs[0].image.pixels != plain.pixels);
    req.values.set("points", "0");
    QVERIFY(testutil::error_of([&] { snap->explore(req); }).contains("points"));
  }
  void interpolationEndpointsAndSlerpNorm() {
    auto a = latent_for_seed(1, 64, 0), b = latent_for_seed(2, 64, 0);
    for (auto mode : {InterpMode::Lerp, InterpMode::Slerp}) {
      QVERIFY(torch::allclose(interpolate(a, b, 0.0, mode), a, 1e-5, 1e-6));
      QVERIFY(torch::allclose(interpolate(a, b, 1.0, mode), b, 1e-5, 1e-6));
    }
    QVERIFY(torch::allclose(interpolate(a, b, 0.5, InterpMode::Lerp), (a + b) / 2));
    // Between two unit vectors at 90 degrees, slerp keeps unit length; lerp shrinks to 1/sqrt(2).
    auto e1 = torch::tensor({{1.0f, 0.0f}}), e2 = torch::tensor({{0.0f, 1.0f}});
    GAN_COMPARE_NEAR(interpolate(e1, e2, 0.5, InterpMode::Slerp).norm().item<double>(), 1.0, 1e-6);
    GAN_COMPARE_NEAR(interpolate(e1, e2, 0.5, InterpMode::Lerp).norm().item<double>(), std::sqrt(0.5), 1e-6);
    // Parallel vectors fall back to lerp instead of 0/0.
    QVERIFY(torch::isfinite(interpolate(e1, e1 * 2, 0.3, InterpMode::Slerp)).all().item<bool>());
  }
};

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
