// models/families/biggan and stylegan: BigGAN's truncation (a truncated normal), conditional batch norm
// from the requested class's embedding, orthogonal regularisation and the Classes panel; StyleGAN's
// truncation in W (psi = 0 gives G(w_avg), psi = 1 changes nothing), style mixing taking exactly the chosen
// layers, the tracked w_avg's update rule, the panels, and the options refused.
#include <QtTest>

#include <cmath>

#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/networks/biggan.h"
#include "models/networks/stylegan.h"
#include "tests/support/family_util.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

std::unique_ptr<Family> tiny(const std::string& id, std::map<std::string, std::string> extra = {}, int classes = 4) {
  const Registry r = Registry::builtin();
  const FamilyInfo& info = r.at(id);
  FamilySetup s;
  for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "4"}, {"ndf", "4"}, {"latent_dim", "12"},
                      {"batch", "8"}, {"seed", "3"}})
    s.params.set(k, v);
  if (id == "biggan") s.params.set("embed_dim", "6"), s.params.set("attention_res", "8");
  if (id == "stylegan") s.params.set("w_dim", "8"), s.params.set("mapping_layers", "2");
  for (const auto& [k, v] : extra) s.params.set(k, v);
  std::vector<std::string> errors;
  s.params = s.params.validated(info.params, errors);
  if (!errors.empty()) throw std::invalid_argument(errors.front());
  s.num_classes = classes;
  for (int c = 0; c < classes; ++c) s.class_names.push_back("c" + std::to_string(c));
  return create_family(info, s);
}

Batch fixed_batch() {
  torch::manual_seed(1);
  return {torch::rand({8, 1, 16, 16}) * 2 - 1, torch::arange(8, torch::kLong).remainder(4)};
}

void train(Family& f, int steps) {
  Batch b = fixed_batch();
  torch::Generator noise = make_cpu_generator(9);
  for (int i = 0; i < steps; ++i) testutil::step(f, [&] { return b; }, noise);
}

torch::Tensor explore_image(Snapshot& s, const std::string& view, const Values& v, const std::string& output = "image") {
  auto r = s.explore({view, v});
  for (const auto& o : r.outputs)
    if (o.id == output) {
      return torch::from_blob(const_cast<std::uint8_t*>(o.image.pixels.data()),
                              {static_cast<long long>(o.image.pixels.size())}, torch::kUInt8)
          .clone();
    }
  throw std::logic_error("no output " + output);
}

StyleGanGeneratorImpl& style_g(Family& f) { return dynamic_cast<StyleGanGeneratorImpl&>(testutil::image_gan(f).generator()); }

}  // namespace

class TestBigGanStyleGan : public QObject {
  Q_OBJECT

 private slots:
  // ---- BigGAN ----------------------------------------------------------------------------------
  void truncationKeepsEveryComponentWithinTheThresholdWithATruncatedNormalsSpread() {
    torch::Generator g = make_cpu_generator(4);
    for (double a : {0.5, 1.0}) {
      auto z = truncated_normal({20000, 8}, a, g);
      QVERIFY(z.abs().max().item<double>() <= a);
      // A standard normal cut at +-a: variance 1 - 2 a phi(a) / (2 Phi(a) - 1); the share within a / 2,
      // (2 Phi(a/2) - 1) / (2 Phi(a) - 1).
      auto Phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
      const double phi = std::exp(-a * a / 2) / std::sqrt(2 * M_PI), mass = 2 * Phi(a) - 1;
      GAN_COMPARE_NEAR(z.var().item<double>(), 1 - 2 * a * phi / mass, 0.01);
      GAN_COMPARE_NEAR((z.abs() <= a / 2).to(torch::kDouble).mean().item<double>(), (2 * Phi(a / 2) - 1) / mass, 0.01);
      QVERIFY(std::abs(z.mean().item<double>()) < 0.01);
    }
  }

  void bigganSamplesAtATruncationComeFromTheTruncatedLatents() {
    auto f = tiny("biggan");
    auto snap = f->snapshot();
    torch::Generator gen = make_cpu_generator(11);
    auto z = truncated_normal({4, 12}, 0.4, gen);
    auto labels = torch::full({4}, 2, torch::kLong);
    auto expected = to_uint8(testutil::generate(*f, z, labels));
    // With the batch-norm statistics of training (standing off): G of those latents, as the family draws.
    Values trained{{"truncation", "0.4"}, {"class", "c2"}, {"standing", "off"}};
    QVERIFY(torch::equal(testutil::sample(*snap, 4, 11, trained), expected));
    QVERIFY(!torch::equal(testutil::sample(*snap, 4, 11, {{"class", "c2"}, {"standing", "off"}}), expected));
    // Standing statistics (the default) change the images, and going back gives the trained ones again.
    QVERIFY(!torch::equal(testutil::sample(*snap, 4, 11, {{"truncation", "0.4"}, {"class", "c2"}}), expected));
    QVERIFY(torch::equal(testutil::sample(*snap, 4, 11, trained), expected));
    QVERIFY(testutil::error_of([&] { testutil::sample(*snap, 1, 1, {{"standing", "maybe"}}); }).contains("on or off"));
  }

  // Standing statistics are those of the sampling distribution: after gathering them on one batch, G in
  // eval mode on that batch gives what batch-statistics mode gives (up to the unbiased variance's
  // n / (n - 1), n = 64 x 16 x 16 values per channel).
  void standingStatisticsAreTheSamplingBatchsOwn() {
    auto f = tiny("biggan");
    train(*f, 2);
    auto& g = dynamic_cast<BigGanGeneratorImpl&>(testutil::image_gan(*f).generator());
    torch::Generator gen = make_cpu_generator(21);
    standing_statistics(g, 0.5, 1, 64, gen);
    QVERIFY(!g.is_training());
    torch::Generator again = make_cpu_generator(21);
    auto z = truncated_normal({64, g.latent_dim()}, 0.5, again);
    auto y = torch::randint(g.num_classes(), {64}, again, torch::kLong);
    torch::NoGradGuard no_grad;
    auto eval_out = g.generate(z, y);
    for (auto& m : g.modules(false))
      if (auto* bn = dynamic_cast<SyncBatchNorm2dImpl*>(m.get())) bn->train();
    FrozenRunningStats keep;
    auto batch_out = g.generate(z, y);
    QVERIFY2(torch::allclose(eval_out, batch_out, 0, 5e-3),
             qPrintable(QString::number((eval_out - batch_out).abs().max().item<double>())));
  }

  void conditionalBatchNormUsesTheRequestedClassesEmbedding() {
    auto f = tiny("biggan");
    auto& g = dynamic_cast<BigGanGeneratorImpl&>(testutil::image_gan(*f).generator());
    torch::manual_seed(2);
    auto z = torch::randn({4, 12});
    auto labels = torch::tensor({0, 1, 2, 3}, torch::kLong);
    g.eval();
    torch::NoGradGuard no_grad;
    auto before = g.generate(z, labels);
    // The same as giving the embedding's rows directly.
    QVERIFY(torch::allclose(before, g.generate_embedded(z, g.shared->weight.index_select(0, labels)), 0, 1e-6));
    // Changing class 2's embedding changes the sample drawn as class 2, and only it.
    g.shared->weight[2].add_(0.5);
    auto after = g.generate(z, labels);
    for (int i = 0; i < 4; ++i) QCOMPARE(torch::equal(before[i], after[i]), i != 2);
    QVERIFY(!torch::allclose(g.generate(z, torch::zeros({4}, torch::kLong)), g.generate(z, torch::ones({4}, torch::kLong))));
  }

  void orthogonalRegularisationIsZeroForOrthogonalWeightsAndHasTheAuthorsGradient() {
    torch::Generator gen = make_cpu_generator(5);
    auto q = std::get<0>(torch::linalg_qr(torch::randn({6, 6}, gen, torch::kFloat)));
    QVERIFY(orthogonal_regularization({q, q.view({6, 2, 3})}, 1e-4).item<double>() < 1e-14);
    // W = [[1, 2], [3, 4]]: W W^T = [[5, 11], [11, 25]], so beta / 2 * (11^2 + 11^2) = 121 beta, and the
    // gradient 2 beta (W W^T * (1 - I)) W = beta [[66, 88], [22, 44]].
    auto w = torch::tensor({1.0, 2.0, 3.0, 4.0}, torch::kDouble).view({2, 2}).requires_grad_(true);
    auto reg = orthogonal_regularization({w}, 0.5);
    GAN_COMPARE_NEAR(reg.item<double>(), 60.5, 1e-12);
    reg.backward();
    QVERIFY(torch::allclose(w.grad(), torch::tensor({33.0, 44.0, 11.0, 22.0}, torch::kDouble).view({2, 2})));
    // Which of G's weights it takes: 2-d and up, not the shared embedding.
    auto f = tiny("biggan");
    auto& g = dynamic_cast<BigGanGeneratorImpl&>(testutil::image_gan(*f).generator());
    auto weights = biggan_regularized_weights(g);
    QVERIFY(!weights.empty());
    for (const auto& t : weights) {
      QVERIFY(t.dim() >= 2);
      QVERIFY(!t.is_same(g.shared->weight));
    }
  }

  void bigganReportsItsRegularisationAndTrainsWithoutIt() {
    for (const char* beta : {"1e-4", "0"}) {
      auto f = tiny("biggan", {{"ortho_reg", beta}});
      Batch b = fixed_batch();
      torch::Generator noise = make_cpu_generator(9);
      auto s = testutil::step(*f, [&] { return b; }, noise);
      const double ortho = testutil::scalar(s, "ortho");
      QVERIFY2(std::string(beta) == "0" ? ortho == 0 : ortho > 0, beta);
      for (const auto& [k, v] : s) QVERIFY2(std::isfinite(v), k.c_str());
    }
  }

  void classesPanelMovesBetweenTwoClassesWithZHeld() {
    auto f = tiny("biggan");
    train(*f, 2);
    auto snap = f->snapshot();
    Values v{{"seed", "5"}, {"class_a", "c1"}, {"class_b", "c3"}, {"t", "0"}};
    auto at_a = explore_image(*snap, "classes", v);
    QVERIFY(torch::equal(at_a, explore_image(*snap, "latent", {{"seed_a", "5"}, {"t", "0"}, {"mode", "lerp"}, {"class", "1"}})));
    v.set("t", "1");
    QVERIFY(torch::equal(explore_image(*snap, "classes", v), explore_image(*snap, "latent", {{"seed_a", "5"}, {"t", "0"}, {"mode", "lerp"}, {"class", "3"}})));
    v.set("t", "0.5");
    QVERIFY(!torch::equal(explore_image(*snap, "classes", v), at_a));
    v.set("class_b", "nine");
    QVERIFY(testutil::error_of([&] { snap->explore({"classes", v}); }).contains("no class 'nine'"));
  }

  void bigganRefusesLatentsTooSmallAndAttentionOutOfRange() {
    QVERIFY(testutil::error_of([] { tiny("biggan", {{"latent_dim", "3"}, {"resolution", "32"}}); }).contains("at least 4"));
    QVERIFY(testutil::error_of([] { tiny("biggan", {{"attention_res", "16"}}); }).contains("from 8 to 8"));
    QVERIFY(testutil::error_of([] { tiny("biggan", {}, 0); }).contains("labelled dataset"));
  }

  // ---- StyleGAN --------------------------------------------------------------------------------
  void psiZeroGivesTheAverageImageOnTheTruncatedLayersForEverySeed() {
    auto f = tiny("stylegan");
    train(*f, 2);  // w_avg has moved off 0
    auto snap = f->snapshot();
    auto& g = style_g(*f);
    const int L = g.layers();
    QCOMPARE(L, 6);
    Values all{{"psi", "0"}, {"noise", "off"}};
    auto a = testutil::sample(*snap, 3, 1, all), b = testutil::sample(*snap, 3, 2, all);
    QVERIFY(torch::equal(a, b));
    QVERIFY(torch::equal(a[0], a[2]));
    // Each is G(w_avg): the sampling copy is the EMA, whose w_avg is G's (buffers are copied).
    auto& ema = dynamic_cast<StyleGanGeneratorImpl&>(*testutil::image_gan(*f).g_player().sampled());
    QVERIFY(ema.w_avg.abs().sum().item<double>() > 0);
    torch::NoGradGuard no_grad;
    ema.eval();
    auto avg = to_uint8(ema.synthesize(ema.w_avg.view({1, 1, -1}).expand({1, L, -1}), {}));
    QVERIFY(torch::equal(a[0], avg[0]));
    // With a cutoff, only the layers before it are pulled to w_avg.
    auto ws = torch::randn({2, L, 8});
    auto t = truncate_styles(ws, ema.w_avg, 0.0, 2);
    for (int l = 0; l < L; ++l)
      for (int i = 0; i < 2; ++i) QVERIFY(torch::equal(t[i][l], l < 2 ? ema.w_avg : ws[i][l]));
    auto half = truncate_styles(ws, ema.w_avg, 0.5, L);
    QVERIFY(torch::allclose(half, ema.w_avg.view({1, 1, -1}) + 0.5 * (ws - ema.w_avg.view({1, 1, -1}))));
    QVERIFY(!torch::equal(testutil::sample(*snap, 3, 1, {{"psi", "0"}, {"cutoff", "2"}, {"noise", "off"}}),
                          testutil::sample(*snap, 3, 2, {{"psi", "0"}, {"cutoff", "2"}, {"noise", "off"}})));
  }

  void psiOneChangesNothing() {
    auto f = tiny("stylegan");
    auto snap = f->snapshot();
    QVERIFY(torch::equal(testutil::sample(*snap, 4, 7, {{"psi", "1"}, {"cutoff", "3"}}), testutil::sample(*snap, 4, 7)));
    auto ws = torch::randn({2, 6, 8});
    QVERIFY(torch::equal(truncate_styles(ws, torch::randn({8}), 1.0, 6), ws));
  }

  void mixingTakesExactlyTheChosenLayersFromTheSecondLatent() {
    auto wa = torch::zeros({3, 6, 4}), wb = torch::ones({3, 6, 4});
    auto m = mix_styles(wa, wb, 2, 3);
    for (int l = 0; l < 6; ++l) QVERIFY(torch::equal(m.select(1, l), (l == 2 || l == 3) ? wb.select(1, l) : wa.select(1, l)));
    auto f = tiny("stylegan");
    auto snap = f->snapshot();
    // Every layer from B: B's own samples (noise off, so nothing else of A's seed is left).
    QVERIFY(torch::equal(testutil::sample(*snap, 3, 1, {{"mix_seed", "2"}, {"mix_layers", "0:5"}, {"noise", "off"}}),
                         testutil::sample(*snap, 3, 2, {{"noise", "off"}})));
    auto mixed = testutil::sample(*snap, 3, 1, {{"mix_seed", "2"}, {"mix_layers", "0:1"}});
    QVERIFY(!torch::equal(mixed, testutil::sample(*snap, 3, 1)));
    QVERIFY(!torch::equal(mixed, testutil::sample(*snap, 3, 2)));
    // The panel: nothing from B is A; every band from B is B.
    Values v{{"seed", "1"}, {"mix_seed", "2"}, {"coarse", "off"}, {"middle", "off"}, {"fine", "off"}};
    QVERIFY(torch::equal(explore_image(*snap, "mixing", v, "mixed"), explore_image(*snap, "mixing", v, "a")));
    v.set("coarse", "on");
    v.set("middle", "on");
    QVERIFY(torch::equal(explore_image(*snap, "mixing", v, "mixed"), explore_image(*snap, "mixing", v, "b")));
    const LayerBands b = stylegan_bands(16);
    QCOMPARE((std::vector<int>{b.coarse_lo, b.coarse_hi, b.middle_lo, b.middle_hi, b.fine_lo, b.fine_hi}),
             (std::vector<int>{0, 3, 4, 5, 0, -1}));
    const LayerBands b64 = stylegan_bands(64);
    QCOMPARE((std::vector<int>{b64.coarse_lo, b64.coarse_hi, b64.middle_lo, b64.middle_hi, b64.fine_lo, b64.fine_hi}),
             (std::vector<int>{0, 3, 4, 5, 6, 9}));
  }

  void trackedAverageWFollowsItsUpdateRule() {
    auto f = tiny("stylegan", {{"mixing", "0"}});
    auto& g = style_g(*f);
    g.train();
    torch::NoGradGuard no_grad;
    torch::manual_seed(4);
    g.w_avg.copy_(torch::randn({8}));
    auto before = g.w_avg.clone();
    auto z = torch::randn({5, 12});
    auto mean = g.map(z).mean(0);
    g.generate(z, {});
    QVERIFY(torch::allclose(g.w_avg, mean + 0.995 * (before - mean), 1e-6, 1e-7));
    g.eval();  // eval passes leave it
    auto kept = g.w_avg.clone();
    g.generate(z, {});
    QVERIFY(torch::equal(g.w_avg, kept));
  }

  void noiseOffSeededAndTheLatentPanelsSpaces() {
    auto f = tiny("stylegan");
    train(*f, 2);
    auto snap = f->snapshot();
    auto on = testutil::sample(*snap, 2, 3), off = testutil::sample(*snap, 2, 3, {{"noise", "off"}});
    QVERIFY(torch::equal(on, testutil::sample(*snap, 2, 3)));
    QVERIFY(torch::equal(on, testutil::sample(*snap, 2, 3, {{"noise_seed", "3"}})));
    QVERIFY(!torch::equal(on, testutil::sample(*snap, 2, 3, {{"noise_seed", "4"}})));
    Values v{{"seed_a", "1"}, {"seed_b", "2"}, {"t", "0"}, {"noise", "off"}};
    auto z0 = explore_image(*snap, "latent", v);
    v.set("space", "w");
    QVERIFY(torch::equal(z0, explore_image(*snap, "latent", v)));  // the ends agree
    v.set("t", "0.5");
    auto w_mid = explore_image(*snap, "latent", v);
    v.set("space", "z");
    QVERIFY(!torch::equal(w_mid, explore_image(*snap, "latent", v)));
    Values bad_psi{{"psi", "3"}}, bad_mix{{"mix_seed", "2"}, {"mix_layers", "4:9"}}, bad_noise{{"noise", "loud"}};
    QVERIFY(testutil::error_of([&] { testutil::sample(*snap, 1, 1, bad_psi); }).contains("psi"));
    QVERIFY(testutil::error_of([&] { testutil::sample(*snap, 1, 1, bad_mix); }).contains("lo:hi"));
    QVERIFY(testutil::error_of([&] { testutil::sample(*snap, 1, 1, bad_noise); }).contains("on or off"));
  }

  void styleganTrainsInBothModulationsAndItsR1IsReported() {
    for (const char* mod : {"adain", "demod"}) {
      auto f = tiny("stylegan", {{"modulation", mod}, {"r1_gamma", "10"}});
      Batch b = fixed_batch();
      torch::Generator noise = make_cpu_generator(9);
      for (int i = 0; i < 2; ++i) {
        auto s = testutil::step(*f, [&] { return b; }, noise);
        QVERIFY2(testutil::scalar(s, "r1") > 0, mod);
        for (const auto& [k, v] : s) QVERIFY2(std::isfinite(v), k.c_str());
      }
      QCOMPARE(testutil::sample(*f->snapshot(), 2, 1).sizes().vec(), (std::vector<int64_t>{2, 1, 16, 16}));
    }
  }
};

QTEST_GUILESS_MAIN(TestBigGanStyleGan)
#include "test_biggan_stylegan.moc"
