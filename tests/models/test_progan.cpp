// models/families/progan: the growth schedule, the fade-in's continuity in G and D, equalised
// learning rate, pixel norm, minibatch standard deviation, growth, and exact resume mid-fade.
#include <QtTest>

#include <cmath>

#include "engine/trainer.h"
#include "models/core/family.h"
#include "models/core/image.h"
#include "models/core/random.h"
#include "models/families/progan.h"
#include "models/networks/progan.h"
#include "tests/support/family_util.h"
#include "tests/support/resume_util.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

// 16 px in three stages (4, 8, 16): 8 images at 4x4, then a fade of 16 and 8 stable at each side.
TrainConfig tiny(long long steps = 40) {
  TrainConfig c;
  c.model = "progan";
  c.steps = steps;
  c.log_every = 1000;
  c.out_dir = "/tmp/unused";
  c.data["images"] = parse_dataset("mem");
  for (auto [k, v] : {std::pair{"resolution", "16"}, {"fmap_base", "64"}, {"fmap_max", "8"}, {"latent_dim", "8"},
                      {"batch", "4"}, {"fade_images", "16"}, {"stable_images", "8"}, {"seed", "3"}})
    c.params.set(k, v);
  return c;
}

ProganOptions small_options() {
  ProganOptions o;
  o.latent_dim = 8;
  o.resolution = 16;
  o.channels = 1;
  o.fmap_base = 64;
  o.fmap_max = 8;
  return o;
}

}  // namespace

class TestProgan : public QObject {
  Q_OBJECT
  Registry registry_ = Registry::builtin();

 private slots:
  void scheduleRisesLinearlyThenStabilises() {
    GrowthSchedule s(3, 100, 50);
    QCOMPARE(s.alpha(0, 0), 1.0);  // nothing fades in at 4x4
    QCOMPARE(s.alpha(1, 0), 0.0);
    QCOMPARE(s.alpha(1, 25), 0.25);
    QCOMPARE(s.alpha(1, 100), 1.0);
    QCOMPARE(s.alpha(1, 140), 1.0);
    QCOMPARE(s.stage_length(0), 50LL);
    QCOMPARE(s.stage_length(1), 150LL);
    using C = GrowthSchedule::Change;
    int stage = 0;
    long long shown = 0;
    QCOMPARE(s.advance(stage, shown, 40), C::None);
    QCOMPARE(s.advance(stage, shown, 10), C::NewStage);  // 50 images complete 4x4
    QCOMPARE(stage, 1);
    QCOMPARE(shown, 0LL);
    QCOMPARE(s.advance(stage, shown, 99), C::None);
    QCOMPARE(s.advance(stage, shown, 1), C::FadeDone);  // alpha reaches 1: the stabilising phase begins
    QCOMPARE(s.advance(stage, shown, 49), C::None);
    QCOMPARE(s.advance(stage, shown, 4), C::NewStage);  // 3 images past the end: carried into the next stage
    QCOMPARE(stage, 2);
    QCOMPARE(shown, 3LL);
    QCOMPARE(s.advance(stage, shown, 1000000), C::FadeDone);
    QCOMPARE(s.advance(stage, shown, 1000000), C::None);  // the last stage goes on
    QCOMPARE(stage, 2);
    QCOMPARE(GrowthSchedule(3, 0, 5).alpha(2, 0), 1.0);  // no fade: a block appears at once
  }

  void familyReportsAlphaAndResolution() {
    Trainer t(registry_, tiny(), testutil::tiny_dataset(32, 16));
    std::vector<double> alpha, side, kimg;
    for (int i = 0; i < 18; ++i) {
      const auto s = t.step().scalars;
      alpha.push_back(testutil::scalar(s, "alpha"));
      side.push_back(testutil::scalar(s, "resolution"));
      kimg.push_back(testutil::scalar(s, "kimg"));
    }
    // 2 steps at 4x4; 4 fading steps at 8x8 (alpha 0, 1/4, 1/2, 3/4) and 2 stable; the same at 16x16.
    const std::vector<double> want_alpha = {1, 1, 0, 0.25, 0.5, 0.75, 1, 1, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 1};
    const std::vector<double> want_side = {4, 4, 8, 8, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16};
    for (size_t i = 0; i < alpha.size(); ++i) {
      QCOMPARE(alpha[i], want_alpha[i]);
      QCOMPARE(side[i], want_side[i]);
      QCOMPARE(kimg[i], 4.0 * double(i + 1) / 1000.0);
    }
    // Samples come at the final side whatever the stage, and say what they are.
    SampleRequest r;
    r.n = 4;
    Samples smp = t.family().snapshot()->sample(r);
    QCOMPARE(smp.images.size(2), 16LL);
    QCOMPARE(QString::fromStdString(smp.note), QString("16\u00d716"));
    QVERIFY(!smp.real_path);  // the final images: real ones are compared as they are
  }

  // Metrics compare a growing G's samples with real images brought the same way: average-pooled to
  // the stage, blended during a fade, scaled up by nearest neighbour. The key names stage and alpha.
  void realImagesFollowTheSamplesPath() {
    torch::manual_seed(2);
    auto real = torch::randint(0, 256, {3, 1, 16, 16}, torch::kLong).to(torch::kUInt8);
    // At the final stage with alpha 1, unchanged; at 4x4 of 16, each 4x4 block its mean, rounded.
    QVERIFY(torch::equal(progan_real_shown(real, 2, 1.0), real));
    auto pooled = torch::avg_pool2d(real.to(torch::kFloat), 4).round().to(torch::kUInt8);
    QVERIFY(torch::equal(progan_real_shown(real, 0, 1.0), pooled.repeat_interleave(4, 2).repeat_interleave(4, 3)));
    // Mid-fade at 8x8: alpha 8x8 + (1 - alpha) 4x4, then up to 16x16.
    auto shown = progan_real_shown(real, 1, 0.25);
    auto f = real.to(torch::kFloat);
    auto want = 0.25 * torch::avg_pool2d(f, 2) + (1 - 0.25) * torch::avg_pool2d(torch::avg_pool2d(f, 2), 2).repeat_interleave(2, 2).repeat_interleave(2, 3);
    QVERIFY(torch::equal(shown, want.repeat_interleave(2, 2).repeat_interleave(2, 3).round().to(torch::kUInt8)));
    // The family hands that path out with its samples, keyed by stage and alpha.
    Trainer t(registry_, tiny(), testutil::tiny_dataset(32, 16));
    SampleRequest r;
    r.n = 2;
    std::vector<std::string> keys;
    for (int i = 0; i < 4; ++i) {  // after each step: 4x4, then 8x8 at alpha 0, 1/4 and 1/2
      t.step();
      Samples smp = t.family().snapshot()->sample(r);
      QVERIFY(smp.real_path);
      keys.push_back(smp.real_path.key);
    }
    QCOMPARE(QString::fromStdString(keys[0]), QString("progan stage 0 alpha 1"));
    QVERIFY(keys[1] != keys[2] && keys[2] != keys[3] && keys[1] != keys[0]);
    Samples smp = t.family().snapshot()->sample(r);
    QVERIFY(torch::equal(smp.real_path.apply(real), progan_real_shown(real, 1, 0.5)));
    QCOMPARE(QString::fromStdString(smp.real_path.note),
             QString("real images average-pooled to 8\u00d78 and blended with 4\u00d74 (\u03b1 = 0.50), then "
                     "scaled up by nearest neighbour, as the samples"));
  }

  void samplesSayTheStage() {
    QCOMPARE(QString::fromStdString(growth_note(0, 1.0, 32)), QString("4\u00d74, shown at 32\u00d732 (nearest neighbour)"));
    QCOMPARE(QString::fromStdString(growth_note(1, 0.4213, 32)),
             QString("8\u00d78 fading in from 4\u00d74 (\u03b1 = 0.42), shown at 32\u00d732 (nearest neighbour)"));
    Trainer t(registry_, tiny(), testutil::tiny_dataset(32, 16));
    t.step();
    SampleRequest r;
    r.n = 2;
    Samples smp = t.family().snapshot()->sample(r);
    // 4x4 shown at 16x16: each generated pixel is a 4x4 block.
    auto img = smp.images[0][0];
    QVERIFY(torch::equal(img, img.slice(0, 0, 16, 4).slice(1, 0, 16, 4).repeat_interleave(4, 0).repeat_interleave(4, 1)));
    QVERIFY(QString::fromStdString(smp.note).startsWith("4\u00d74, shown at 16\u00d716"));
  }

  void fadeStartsFromThePreviousStage() {
    torch::manual_seed(1);
    ProganGenerator g(small_options());
    ProganCritic d(small_options());
    auto z = torch::randn({3, 8});
    auto x16 = torch::randn({3, 1, 16, 16});
    for (int stage = 1; stage <= 2; ++stage) {
      g->set_growth(stage - 1, 1.0);
      auto before = g->forward(z);
      g->set_growth(stage, 0.0);
      auto after = g->forward(z);
      QCOMPARE(after.size(2), before.size(2) * 2);
      QVERIFY(torch::allclose(after, before.repeat_interleave(2, 2).repeat_interleave(2, 3), 1e-5, 1e-6));
      // D at alpha = 0 on x equals the previous stage's D on x average-pooled.
      auto x = progan_real_at(x16, stage, 1.0);
      d->set_growth(stage, 0.0);
      auto s_new = d->forward(x);
      d->set_growth(stage - 1, 1.0);
      auto s_old = d->forward(torch::avg_pool2d(x, 2));
      QVERIFY(torch::allclose(s_new, s_old, 1e-5, 1e-6));
      // Half-way, both paths count.
      g->set_growth(stage, 0.5);
      QVERIFY(!torch::allclose(g->forward(z), after, 1e-3, 1e-3));
    }
    // Real images blend the same way: at alpha = 0 they are the previous side's, upsampled.
    auto r0 = progan_real_at(x16, 2, 0.0);
    QVERIFY(torch::allclose(r0, torch::avg_pool2d(x16, 2).repeat_interleave(2, 2).repeat_interleave(2, 3), 1e-6, 1e-6));
    QVERIFY(torch::allclose(progan_real_at(x16, 2, 1.0), x16));
    QVERIFY(torch::allclose(progan_real_at(x16, 0, 1.0), torch::avg_pool2d(x16, 4)));
  }

  void equalizedLearningRate() {
    QCOMPARE(he_scale(3 * 3 * 64), std::sqrt(2.0 / 576.0));
    EqualizedConv conv(64, 32, 3, 1);
    QCOMPARE(conv->scale, std::sqrt(2.0 / 576.0));
    torch::manual_seed(2);
    auto x = torch::randn({2, 64, 5, 5});
    auto want = torch::conv2d(x, conv->weight * conv->scale, conv->bias, 1, 1);
    QVERIFY(torch::allclose(conv->forward(x), want));
    // The family stores N(0, 1) weights and zero biases.
    FamilySetup s;
    std::vector<std::string> errors;
    s.params = tiny().params.validated(registry_.at("progan").params, errors);
    QVERIFY(errors.empty());
    auto family = create_family(registry_.at("progan"), s);
    auto& g = family->player("G")->net();
    auto w = g.named_parameters()["block2_a.weight"];
    QCOMPARE(w.size(1) * w.size(2) * w.size(3), 8LL * 9);
    QVERIFY(std::abs(w.std().item<double>() - 1.0) < 0.15);
    QCOMPARE(g.named_parameters()["block2_a.bias"].abs().sum().item<double>(), 0.0);
  }

  void pixelNormGivesUnitRms() {
    torch::manual_seed(3);
    auto x = torch::randn({2, 5, 3, 3}) * 7 + 1;
    auto y = pixel_norm(x);
    auto rms = y.pow(2).mean(1).sqrt();
    QVERIFY(torch::allclose(rms, torch::ones_like(rms), 1e-5, 1e-5));
    QVERIFY(torch::allclose(pixel_norm(torch::zeros({1, 4, 2, 2})), torch::zeros({1, 4, 2, 2})));
  }

  void minibatchStddevAddsOneMap() {
    auto constant = torch::full({4, 3, 4, 4}, 0.7);
    auto y = minibatch_stddev(constant);
    QCOMPARE(y.size(1), 4LL);
    QVERIFY(torch::equal(y.slice(1, 0, 3), constant));
    QVERIFY(torch::allclose(y.select(1, 3), torch::full({4, 4, 4}, 1e-4), 1e-6, 1e-9));  // sqrt(0 + 1e-8)
    // Two images 0 and 2: every feature's (biased) standard deviation is 1.
    auto pair = torch::cat({torch::zeros({1, 2, 4, 4}), torch::full({1, 2, 4, 4}, 2.0)});
    QVERIFY(torch::allclose(minibatch_stddev(pair).select(1, 2), torch::full({2, 4, 4}, std::sqrt(1 + 1e-8))));
    // Groups of 2 among 4 images (image i in group i % 2, as the reference's reshape): images 0 and 2
    // differ by 2 (std 1), images 1 and 3 are equal (std 0, plus eps).
    auto four = torch::stack({torch::zeros({1, 2, 2}), torch::full({1, 2, 2}, 5.0), torch::full({1, 2, 2}, 2.0),
                              torch::full({1, 2, 2}, 5.0)});
    auto grouped = minibatch_stddev(four, 2).select(1, 1);
    QVERIFY(torch::allclose(grouped[0], torch::full({2, 2}, std::sqrt(1 + 1e-8))));
    QVERIFY(torch::allclose(grouped[2], grouped[0]));
    QVERIFY(torch::allclose(grouped[1], torch::full({2, 2}, 1e-4), 1e-6, 1e-9));
    QVERIFY(torch::allclose(grouped[3], grouped[1]));
    // A group that does not divide the minibatch falls back to the whole of it.
    QVERIFY(torch::allclose(minibatch_stddev(four.slice(0, 0, 3), 2), minibatch_stddev(four.slice(0, 0, 3), 0)));
  }

  void growthKeepsTheOldBlocks() {
    FamilySetup s;
    std::vector<std::string> errors;
    s.params = tiny().params.validated(registry_.at("progan").params, errors);
    auto family = create_family(registry_.at("progan"), s);
    auto& g = family->player("G")->net();
    auto initial_block = g.named_parameters()["block1_a.weight"].clone();
    auto initial_conv4 = g.named_parameters()["conv4.weight"].clone();
    auto data = testutil::tiny_dataset(8, 16);
    auto noise = make_cpu_generator(4);
    testutil::step(*family, [&] { return Batch{from_uint8(data->images().slice(0, 0, 4)), {}}; }, noise);
    auto s2 = testutil::step(*family, [&] { return Batch{from_uint8(data->images().slice(0, 4, 8)), {}}; }, noise);
    QCOMPARE(testutil::scalar(s2, "resolution"), 4.0);  // 8 images: the 4x4 stage is complete, the next step grows
    // The 4x4 layers trained; the 8x8 block was neither trained nor re-initialised when it was added.
    QVERIFY(!torch::equal(g.named_parameters()["conv4.weight"], initial_conv4));
    QVERIFY(torch::equal(g.named_parameters()["block1_a.weight"], initial_block));
    // The grown G, at alpha = 0, draws what the 4x4 G drew, upsampled; its samples say so.
    auto& gen = dynamic_cast<ProganGeneratorImpl&>(g);
    QCOMPARE(gen.stage(), 1);
    QCOMPARE(gen.alpha(), 0.0);
    torch::NoGradGuard no_grad;
    auto z = torch::randn({3, 8});
    auto grown = gen.forward(z);
    gen.set_growth(0, 1.0);
    auto before = gen.forward(z);
    gen.set_growth(1, 0.0);
    QVERIFY(torch::allclose(grown, before.repeat_interleave(2, 2).repeat_interleave(2, 3), 1e-5, 1e-6));
    SampleRequest r;
    r.n = 3;
    QVERIFY(QString::fromStdString(family->snapshot()->sample(r).note).contains("\u03b1 = 0.00"));
  }

  void resumesExactlyMidFade() {
    auto data = testutil::tiny_dataset(10, 16);  // 10 images, batch 4: the resume also falls mid-epoch
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/progan.pt";
    const auto expected = testutil::check_exact_resume(registry_, tiny(), {{"images", data}}, 4, 10, path);
    // Step 5 was mid-fade: alpha 1/2 at 8x8, continued from where it stopped.
    QCOMPARE(testutil::scalar(expected[4], "alpha"), 0.5);
    QCOMPARE(testutil::scalar(expected[4], "resolution"), 8.0);
    // An opened checkpoint samples at its stage without any data.
    Checkpoint ck = read_checkpoint(path, registry_);
    SampleRequest r;
    r.n = 2;
    QVERIFY(QString::fromStdString(ck.family->snapshot()->sample(r).note).contains("\u03b1 = 0.50"));
  }

  void withoutGrowingTrainsAtTheFinalSide() {
    auto c = tiny();
    c.params.set("grow", "off");
    Trainer t(registry_, c, testutil::tiny_dataset(32, 16));
    for (int i = 0; i < 8; ++i) {
      const auto s = t.step().scalars;
      QCOMPARE(testutil::scalar(s, "resolution"), 16.0);
      QCOMPARE(testutil::scalar(s, "alpha"), 1.0);
    }
  }

  void refusesResolutionsThatDoNotDouble() {
    QVERIFY(testutil::error_of([] { progan_stages(24); }).contains("power of two"));
    QCOMPARE(progan_stages(4), 1);
    QCOMPARE(progan_stages(32), 4);
    QCOMPARE(progan_channels(4, 8192, 512), 512LL);
    QCOMPARE(progan_channels(128, 8192, 512), 64LL);
  }
};

QTEST_GUILESS_MAIN(TestProgan)
#include "test_progan.moc"
