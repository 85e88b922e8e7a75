// models/families/cyclegan and discogan, the two-domain translation families: their networks, losses,
// CycleGAN's history pool and schedule, training, sampling, the translation panel and exact resume.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/threads.h"
#include "engine/image.h"
#include "engine/trainer.h"
#include "engine/translate_files.h"
#include "models/core/family.h"
#include "models/core/random.h"
#include "models/layers/image_pool.h"
#include "models/losses/adversarial.h"
#include "models/networks/cyclegan.h"
#include "models/networks/discogan.h"
#include "tests/support/family_util.h"
#include "tests/support/resume_util.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

// Two unpaired domains of 16 px grey images: A has a bright horizontal band, B a bright vertical one.
StreamDatasets two_domains(int n = 24) {
  torch::manual_seed(11);
  auto a = torch::randint(0, 40, {n, 1, 16, 16}, torch::kLong).to(torch::kUInt8);
  auto b = torch::randint(0, 40, {n, 1, 16, 16}, torch::kLong).to(torch::kUInt8);
  for (int i = 0; i < n; ++i) {
    const int at = 2 + (i % 10);
    a[i][0].slice(0, at, at + 3).fill_(220);
    b[i][0].slice(1, at, at + 3).fill_(220);
  }
  return {{"A", std::make_shared<Dataset>(a, torch::Tensor(), std::vector<std::string>{}, "bands A")},
          {"B", std::make_shared<Dataset>(b, torch::Tensor(), std::vector<std::string>{}, "bands B")}};
}

// DiscoGAN on the same domains: small networks, batch 4.
TrainConfig tiny_disco(long long steps = 100) {
  TrainConfig c;
  c.model = "discogan";
  c.steps = steps;
  c.log_every = 1000;
  c.out_dir = "/tmp/unused";
  c.data["A"] = parse_dataset("mem-a");
  c.data["B"] = parse_dataset("mem-b");
  for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"batch", "4"}, {"seed", "5"},
                      {"lr", "2e-3"}, {"lambda_rec", "10"}})
    c.params.set(k, v);
  return c;
}

TrainConfig tiny(long long steps = 100) {
  TrainConfig c;
  c.model = "cyclegan";
  c.steps = steps;
  c.log_every = 1000;
  c.out_dir = "/tmp/unused";
  c.data["A"] = parse_dataset("mem-a");
  c.data["B"] = parse_dataset("mem-b");
  for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"g_blocks", "1"}, {"batch", "4"},
                      {"seed", "5"}, {"lr", "1e-3"}})
    c.params.set(k, v);
  return c;
}

Image8 solid(int w, int h, int channels, std::uint8_t v) {
  Image8 img;
  img.width = w;
  img.height = h;
  img.channels = channels;
  img.pixels.assign(static_cast<size_t>(w) * h * channels, v);
  return img;
}

}  // namespace

class TestCycleGan : public QObject {
  Q_OBJECT
  Registry registry_ = Registry::builtin();

 private slots:
  void initTestCase() { init_torch_thread(ThreadRole::Foreground); }

  void networksKeepTheImageShapeAndJudgePatches() {
    ResnetGeneratorOptions o;
    o.in_channels = o.out_channels = 3;
    o.ngf = 8;
    o.blocks = 2;
    ResnetGenerator g(o);
    auto y = g->forward(torch::rand({2, 3, 32, 32}) * 2 - 1);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));
    QVERIFY(y.abs().max().item<float>() <= 1.0f);
    // PatchGAN: 1 stride-2 layer at 32 px gives a 14 x 14 map of 16 px patches; 3 layers at 256 px the
    // paper's 70 px patches (30 x 30).
    PatchDiscriminator d1(3, 8, 1);
    QCOMPARE(d1->forward(torch::zeros({2, 3, 32, 32})).sizes().vec(), (std::vector<int64_t>{2, 1, 14, 14}));
    PatchDiscriminator d3(1, 4, 3);
    QCOMPARE(d3->forward(torch::zeros({1, 1, 256, 256})).sizes().vec(), (std::vector<int64_t>{1, 1, 30, 30}));
    QCOMPARE(patch_receptive_field(1), 16);
    QCOMPARE(patch_receptive_field(2), 34);
    QCOMPARE(patch_receptive_field(3), 70);
  }

  void identityAndCycleLossesAreL1() {
    auto y = torch::rand({3, 1, 8, 8}) * 2 - 1;
    auto identity = [](const torch::Tensor& x) { return x; };
    QCOMPARE(identity_loss(identity, y).item<double>(), 0.0);
    auto shift = [](const torch::Tensor& x) { return x + 0.25; };
    GAN_COMPARE_NEAR(identity_loss(shift, y).item<double>(), 0.25, 1e-6);
    QCOMPARE(cycle_loss(y, y).item<double>(), 0.0);
    GAN_COMPARE_NEAR(cycle_loss(y, -y).item<double>(), (2 * y.abs()).mean().item<double>(), 1e-6);
  }

  void historyPoolReturnsStoredImagesHalfTheTimeOnceFull() {
    ImagePool pool(50);
    auto gen = make_cpu_generator(3);
    // Image k is filled with k: whatever comes back says where it came from.
    auto image = [](int k) { return torch::full({1, 1, 2, 2}, static_cast<float>(k)); };
    for (int k = 0; k < 50; ++k) QCOMPARE(pool.query(image(k), gen)[0][0][0][0].item<float>(), float(k));
    QCOMPARE(pool.size(), size_t(50));
    int from_store = 0;
    const int n = 4000;
    for (int k = 50; k < 50 + n; ++k) {
      const float got = pool.query(image(k), gen)[0][0][0][0].item<float>();
      QVERIFY(got <= float(k));
      if (got != float(k)) ++from_store;
    }
    const double share = double(from_store) / n;
    QVERIFY2(share > 0.47 && share < 0.53, qPrintable(QString("%1 from the store").arg(share)));
    QCOMPARE(pool.size(), size_t(50));
    // A pool of size 0 is no pool.
    ImagePool none(0);
    QVERIFY(torch::equal(none.query(image(7), gen), image(7)));
  }

  void learningRateIsConstantThenFallsLinearlyToZero() {
    QCOMPARE(linear_decay_factor(0, 100, 100), 1.0);
    QCOMPARE(linear_decay_factor(99, 100, 100), 1.0);
    QCOMPARE(linear_decay_factor(100, 100, 100), 1.0);
    QCOMPARE(linear_decay_factor(150, 100, 100), 0.5);
    QCOMPARE(linear_decay_factor(200, 100, 100), 0.0);
    QCOMPARE(linear_decay_factor(250, 100, 100), 0.0);
    // In training: the reported factor, and every optimizer's rate with it.
    auto c = tiny();
    c.params.set("lr_constant_steps", "2");
    c.params.set("lr_decay_steps", "4");
    Trainer t(registry_, c, two_domains());
    std::vector<double> factors;
    for (int i = 0; i < 5; ++i) factors.push_back(testutil::scalar(t.step().scalars, "lr_factor"));
    QCOMPARE(factors, (std::vector<double>{1.0, 1.0, 1.0, 0.75, 0.5}));
    for (auto* p : t.family().players()) {
      const auto& opt = static_cast<torch::optim::AdamOptions&>(p->optimizer().param_groups()[0].options());
      GAN_COMPARE_NEAR(opt.lr(), 1e-3 * 0.5, 1e-12);
    }
    QCOMPARE(t.family().players().size(), size_t(4));  // G_AB, G_BA, D_A, D_B
  }

  void cycleLossFallsOnATinySet() {
    Trainer t(registry_, tiny(), two_domains());
    double first = 0, last = 0;
    const int steps = 40;
    for (int i = 0; i < steps; ++i) {
      const auto s = t.step().scalars;
      for (const char* k : {"loss_d_a", "loss_d_b", "loss_g_ab", "loss_g_ba", "loss_cycle", "loss_identity"})
        QVERIFY2(std::isfinite(testutil::scalar(s, k)), k);
      if (i < 5) first += testutil::scalar(s, "loss_cycle") / 5;
      if (i >= steps - 5) last += testutil::scalar(s, "loss_cycle") / 5;
    }
    QVERIFY2(last < 0.7 * first, qPrintable(QString("cycle loss %1 -> %2").arg(first).arg(last)));
  }

  void samplesAreThePreviewTranslationsOrTheInputsTranslated() {
    Trainer t(registry_, tiny(), two_domains());
    t.step();
    auto snap = t.family().snapshot();
    SampleRequest r;
    Samples preview = snap->sample(r);
    QCOMPARE(preview.images.sizes().vec(), (std::vector<int64_t>{6 * 8, 1, 16, 16}));
    QCOMPARE(preview.columns, 8);
    QCOMPARE(preview.row_labels.size(), size_t(6));
    // The first row is A's fixed preview batch itself.
    QVERIFY(preview.images.narrow(0, 0, 8).max().item<int>() >= 200);
    r.inputs = t.streams().at("B")->images().narrow(0, 0, 5);
    r.options.set("direction", "BtoA");
    QCOMPARE(snap->sample(r).images.sizes().vec(), (std::vector<int64_t>{5, 1, 16, 16}));
    r.options.set("direction", "sideways");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
    r.options.set("direction", "AtoB");
    r.inputs = torch::zeros({2, 3, 16, 16}, torch::kUInt8);  // the wrong channel count
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
  }

  void translationPanelShowsInputTranslationReconstructionAndError() {
    Trainer t(registry_, tiny(), two_domains());
    t.step();
    auto snap = t.family().snapshot();
    ExploreRequest r;
    r.view = "translate";
    // Any size and channel count: a wide colour image and a small grey one.
    r.values.set_images("images", {solid(40, 20, 3, 200), solid(8, 8, 1, 30)});
    r.values.set("direction", "AtoB");
    ExploreResult out = snap->explore(r);
    auto find = [&](const char* id) -> const Output& {
      for (const auto& o : out.outputs)
        if (o.id == id) return o;
      throw std::logic_error(std::string("no output ") + id);
    };
    for (const char* id : {"input", "translation", "reconstruction", "error"}) {
      const Image8& img = find(id).image;
      QCOMPARE(img.width, 16 + 2 * 2);           // one column of 16 px tiles
      QCOMPARE(img.height, 2 * 16 + 3 * 2);      // a row per image
    }
    QCOMPARE(find("error").image.channels, 3);  // a colour heat map
    QCOMPARE(find("input").image.channels, 1);  // as the model sees it: grey
    QCOMPARE(find("errors").kind, OutputKind::Text);
    QCOMPARE(out.scalars.size(), size_t(1));
    QVERIFY(out.scalars[0].second >= 0 && out.scalars[0].second <= 255);
    // The input tile of the wide image is its centre crop, resized: all 200 (grey of a solid colour).
    QCOMPARE(int(find("input").image.pixels[size_t(2 * 20 + 2)]), 200);
    // No images: nothing to show, and no error.
    r.values.set_images("images", {});
    QVERIFY(snap->explore(r).outputs.empty());
  }

  void resumesExactly() {
    auto data = two_domains(10);  // 10 images, batch 4: the resume falls mid-epoch
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/cyclegan.pt";
    testutil::check_exact_resume(registry_, tiny(), data, 4, 8, path);
    // An opened checkpoint shows its preview without any data.
    Checkpoint ck = read_checkpoint(path, registry_);
    QCOMPARE(ck.family->snapshot()->sample({}).images.size(0), 6 * 8LL);
  }

  // DiscoGAN's networks: the encoder-decoder keeps the image's shape through a 4x4 bottleneck (3
  // stride-2 layers at 32 px, the paper's 4 at 64); the discriminator gives one logit per image.
  void discoNetworksKeepTheShapeAndJudgeWholeImages() {
    QCOMPARE(discogan_depth(32), 3);
    QCOMPARE(discogan_depth(64), 4);
    QVERIFY(testutil::error_of([] { discogan_depth(24); }).contains("power-of-two side of 8 px or more, not 24"));
    DiscoGenerator g(3, 8, 32);
    auto y = g->forward(torch::rand({2, 3, 32, 32}) * 2 - 1);
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));
    QVERIFY(y.abs().max().item<float>() <= 1.0f);
    int stride2 = 0;
    for (const auto& m : g->net->children())
      if (auto* conv = m->as<torch::nn::Conv2d>(); conv && conv->options.stride()->at(0) == 2) ++stride2;
    QCOMPARE(stride2, 3);
    DiscoDiscriminator d(1, 8, 64);
    QCOMPARE(d->forward(torch::zeros({5, 1, 64, 64})).sizes().vec(), (std::vector<int64_t>{5}));
  }

  // The reconstruction distance is 0 for an identity generator, MSE or cosine as asked.
  void discoReconstructionIsZeroForIdentity() {
    auto x = torch::rand({3, 1, 8, 8}) * 2 - 1;
    QCOMPARE(reconstruction_loss(x, x, "mse").item<double>(), 0.0);
    GAN_COMPARE_NEAR(reconstruction_loss(x, x, "cosine").item<double>(), 0.0, 1e-6);
    GAN_COMPARE_NEAR(reconstruction_loss(x, x + 0.5, "mse").item<double>(), 0.25, 1e-6);
    GAN_COMPARE_NEAR(reconstruction_loss(x, -x, "cosine").item<double>(), 2.0, 1e-6);   // opposite: cos = -1
    GAN_COMPARE_NEAR(reconstruction_loss(x, 3 * x, "cosine").item<double>(), 0.0, 1e-6);  // a scale is no change
    QVERIFY(testutil::error_of([&] { reconstruction_loss(x, x, "l3"); }).contains("mse or cosine, not 'l3'"));
  }

  // DiscoGAN has no identity term and no history pool: its curves and parameters say so, and a step
  // reports exactly the declared curves; the reconstruction falls; the panel and resume work.
  void discoTrainsWithoutIdentityOrPool() {
    const FamilyInfo& info = registry_.at("discogan");
    QVERIFY(!info.caps.find_series("loss_identity"));
    std::vector<std::string> declared;
    for (const auto& s : info.caps.series) declared.push_back(s.id);
    for (const char* absent : {"lambda_identity", "pool_size"})
      for (const auto& p : info.params) QVERIFY2(p.name != absent, absent);
    QCOMPARE(info.caps.streams.at(0).default_data, std::string("glyphs:DejaVu Sans"));
    Trainer t(registry_, tiny_disco(), two_domains());
    double first = 0, last = 0;
    const int steps = 40;
    for (int i = 0; i < steps; ++i) {
      const auto s = t.step().scalars;
      std::vector<std::string> got;
      for (const auto& [k, v] : s) {
        got.push_back(k);
        QVERIFY2(std::isfinite(v), k.c_str());
      }
      QCOMPARE(got, declared);
      const double rec = testutil::scalar(s, "loss_rec_a") + testutil::scalar(s, "loss_rec_b");
      if (i < 5) first += rec / 5;
      if (i >= steps - 5) last += rec / 5;
    }
    QVERIFY2(last < 0.7 * first, qPrintable(QString("reconstruction %1 -> %2").arg(first).arg(last)));
    auto snap = t.family().snapshot();
    QCOMPARE(snap->sample({}).images.size(0), 6 * 8LL);  // the six preview rows, as CycleGAN's
    SampleRequest r;
    r.inputs = t.streams().at("A")->images().narrow(0, 0, 3);
    r.options.set("direction", "AtoB");
    QCOMPARE(snap->sample(r).images.sizes().vec(), (std::vector<int64_t>{3, 1, 16, 16}));
    QTemporaryDir tmp;
    testutil::check_exact_resume(registry_, tiny_disco(), two_domains(10), 4, 8, tmp.path().toStdString() + "/d.pt");
  }

  // The authors' recipe: D steps on every third step and G on the others; D matches features on its
  // batch-normalised layers (depth - 1 of them).
  void discoAuthorsRecipeAlternatesDAndG() {
    DiscoDiscriminator d(1, 8, 32);
    auto [logits, features] = d->forward_features(torch::zeros({2, 1, 32, 32}));
    QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2}));
    QCOMPARE(int(features.size()), 2);
    QVERIFY(torch::allclose(logits, d->forward(torch::zeros({2, 1, 32, 32}))));
    auto c = tiny_disco();
    c.params.set("recipe", "authors");
    Trainer t(registry_, c, two_domains());
    auto weights = [&](const char* key) {
      std::vector<torch::Tensor> w;
      for (const auto& p : t.family().player(key)->net().parameters()) w.push_back(p.detach().clone());
      return w;
    };
    auto same = [](const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
      for (size_t i = 0; i < a.size(); ++i)
        if (!torch::equal(a[i], b[i])) return false;
      return true;
    };
    for (int step = 0; step < 6; ++step) {
      const auto g0 = weights("G_AB"), d0 = weights("D_B");
      t.step();
      const bool d_turn = step % 3 == 0;
      QVERIFY2(same(g0, weights("G_AB")) == d_turn, qPrintable(QString("G at step %1").arg(step)));
      QVERIFY2(same(d0, weights("D_B")) == !d_turn, qPrintable(QString("D at step %1").arg(step)));
    }
  }

  // Many files: translated 64 at a time with progress after each batch; a file that cannot be read is
  // reported and the rest go on; Cancel stops between batches and keeps what was written.
  void filesAreTranslatedInBatchesWithProgressAndCancel() {
    Trainer t(registry_, tiny(), two_domains());
    auto snap = t.family().snapshot();
    QTemporaryDir tmp;
    const std::string in = tmp.path().toStdString() + "/in";
    std::filesystem::create_directories(in);
    for (int i = 0; i < 70; ++i) write_png(in + "/img" + std::to_string(100 + i) + ".png", solid(20, 20, 1, std::uint8_t(i)));
    std::ofstream(in + "/broken.png") << "not a png";
    const auto files = image_files_of({in});
    QCOMPARE(int(files.size()), 71);
    std::vector<std::pair<long long, long long>> calls;
    const std::string out = tmp.path().toStdString() + "/out";
    auto report = translate_files(*snap, 16, 1, files, Values{{"direction", "AtoB"}}, out, [&](long long d, long long n) { calls.push_back({d, n}); });
    QCOMPARE(report.written, 70LL);
    QCOMPARE(int(report.failed.size()), 1);
    QVERIFY2(report.failed[0].find("broken.png") != std::string::npos, report.failed[0].c_str());
    QCOMPARE(calls, (std::vector<std::pair<long long, long long>>{{64, 71}, {71, 71}}));
    QVERIFY(testutil::file_exists(out + "/img100_AtoB.png"));
    std::atomic<bool> cancel{false};
    const std::string out2 = tmp.path().toStdString() + "/out2";
    QVERIFY_THROWS_EXCEPTION(Cancelled, translate_files(*snap, 16, 1, files, Values{{"direction", "BtoA"}}, out2,
                                                        [&](long long, long long) { cancel = true; }, &cancel));
    int kept = 0;
    for (const auto& e : std::filesystem::directory_iterator(out2)) kept += e.is_regular_file();
    QCOMPARE(kept, 63);  // the first batch of 64 files, one of them unreadable
    const std::string empty = tmp.path().toStdString() + "/empty";
    std::filesystem::create_directories(empty);
    QVERIFY(testutil::error_of([&] { image_files_of({empty}); }).contains("has no images"));
  }

  void needsBothDomains() {
    auto data = two_domains();
    data.erase("B");
    const QString err = testutil::error_of([&] { Trainer(registry_, tiny(), data); });
    QVERIFY2(err.contains("needs data for Domain B"), qPrintable(err));
    // A PatchGAN deeper than the images allow is refused before anything is built.
    auto deep = tiny();
    deep.params.set("d_layers", "3");
    const QString too_deep = testutil::error_of([&] { validate(deep, registry_); });
    QVERIFY2(too_deep.contains("a PatchGAN of 3 layers needs images of at least 24 px, not 16"), qPrintable(too_deep));
    deep.params.set("d_layers", "2");
    validate(deep, registry_);
  }
};

QTEST_GUILESS_MAIN(TestCycleGan)
#include "test_cyclegan.moc"
