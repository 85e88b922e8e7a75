// models/families/stargan: label replication, the two-headed discriminator, the domain-classification
// loss for classes and attributes, training on classes and on attributes, the training view's rows,
// translation into a chosen domain or all of them, attribute targets, the mask vector with two datasets,
// and exact resume.
#include <QtTest>

#include <cmath>

#include "engine/trainer.h"
#include "models/core/family.h"
#include "models/core/image.h"
#include "models/losses/adversarial.h"
#include "models/networks/stargan.h"
#include "tests/support/resume_util.h"
#include "tests/support/test_util.h"

using namespace gan;

namespace {

// 16 px grey images of three classes: class c has a bright band at rows 2 + 4c.
std::shared_ptr<const Dataset> three_classes(int n = 24) {
  torch::manual_seed(3);
  auto x = torch::randint(0, 40, {n, 1, 16, 16}, torch::kLong).to(torch::kUInt8);
  auto labels = torch::arange(n, torch::kLong).remainder(3);
  for (int i = 0; i < n; ++i) {
    const int at = 2 + 4 * static_cast<int>(labels[i].item<int64_t>());
    x[i][0].slice(0, at, at + 3).fill_(220);
  }
  return std::make_shared<Dataset>(x, labels, std::vector<std::string>{"top", "middle", "low"}, "bands");
}

// The same images with two binary attributes: "top" (the band is at the top) and "bright" (a white corner).
std::shared_ptr<const Dataset> two_attributes(int n = 24) {
  auto d = three_classes(n);
  auto x = d->images().clone();
  auto attrs = torch::zeros({n, 2}, torch::kLong);
  for (int i = 0; i < n; ++i) {
    attrs[i][0] = d->labels()[i].item<int64_t>() == 0 ? 1 : 0;
    if (i % 2) {
      attrs[i][1] = 1;
      x[i][0].slice(0, 0, 3).slice(1, 0, 3).fill_(255);
    }
  }
  return std::make_shared<Dataset>(x, attrs, std::vector<std::string>{"top", "bright"}, "attributes");
}

TrainConfig tiny(long long steps = 100) {
  TrainConfig c;
  c.model = "stargan";
  c.steps = steps;
  c.log_every = 1000;
  c.out_dir = "/tmp/unused";
  c.data["images"] = parse_dataset("mem");
  for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"g_blocks", "1"}, {"batch", "6"},
                      {"seed", "5"}, {"d_steps", "2"}, {"lr", "1e-3"}})
    c.params.set(k, v);
  return c;
}

Image8 band_image(int row) {
  Image8 img;
  img.width = img.height = 16;
  img.channels = 1;
  img.pixels.assign(256, 10);
  for (int y = row; y < row + 3; ++y)
    for (int x = 0; x < 16; ++x) img.pixels[static_cast<size_t>(y * 16 + x)] = 220;
  return img;
}

}  // namespace

class TestStarGan : public QObject {
  Q_OBJECT
  Registry registry_ = Registry::builtin();

 private slots:
  void labelsAreReplicatedAsChannels() {
    auto labels = torch::tensor({{0.f, 1.f, 0.5f}, {1.f, 0.f, 0.f}});
    auto planes = replicate_labels(labels, 4, 5);
    QCOMPARE(planes.sizes().vec(), (std::vector<int64_t>{2, 3, 4, 5}));
    for (int n = 0; n < 2; ++n)
      for (int k = 0; k < 3; ++k) {
        QCOMPARE(planes[n][k].min().item<float>(), labels[n][k].item<float>());
        QCOMPARE(planes[n][k].max().item<float>(), labels[n][k].item<float>());
      }
    // The generator takes C + K channels, and only K labels.
    StarGeneratorOptions o;
    o.channels = 1;
    o.label_dim = 3;
    o.ngf = 8;
    o.blocks = 1;
    StarGenerator g(o);
    QCOMPARE(g->forward(torch::zeros({2, 1, 16, 16}), labels).sizes().vec(), (std::vector<int64_t>{2, 1, 16, 16}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, g->forward(torch::zeros({2, 1, 16, 16}), torch::zeros({2, 4})));
    // Another label, another image: the label reaches the output.
    torch::manual_seed(1);
    auto x = torch::rand({1, 1, 16, 16}) * 2 - 1;
    auto a = g->forward(x, torch::tensor({{1.f, 0.f, 0.f}})), b = g->forward(x, torch::tensor({{0.f, 0.f, 1.f}}));
    QVERIFY((a - b).abs().max().item<float>() > 1e-4);
  }

  void theMaskVectorSaysWhichDataset() {
    // Two datasets of 2 and 3 domains: [c_1 (2), c_2 (3), m (2)].
    auto a = with_mask(torch::tensor({{0.f, 1.f}}), {2, 3}, 0);
    QVERIFY(a.equal(torch::tensor({{0.f, 1.f, 0.f, 0.f, 0.f, 1.f, 0.f}})));
    auto b = with_mask(torch::tensor({{0.f, 0.f, 1.f}, {1.f, 0.f, 0.f}}), {2, 3}, 1);
    QVERIFY(b.equal(torch::tensor({{0.f, 0.f, 0.f, 0.f, 1.f, 0.f, 1.f}, {0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 1.f}})));
    QVERIFY(with_mask(torch::tensor({{0.f, 1.f}}), {}, 0).equal(torch::tensor({{0.f, 1.f}})));  // one dataset
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, with_mask(torch::tensor({{0.f, 1.f}}), {2, 3}, 1));
  }

  void discriminatorHasTwoHeads() {
    QCOMPARE(stargan_depth(128), 6);  // the paper's 128 px: six stride-2 layers to 2 x 2
    QCOMPARE(stargan_depth(32), 4);
    StarDiscriminator d(3, 8, 32, 5);
    auto s = d->forward(torch::zeros({4, 3, 32, 32}));
    QCOMPARE(s.source.sizes().vec(), (std::vector<int64_t>{4, 1, 2, 2}));  // a score per patch
    QCOMPARE(s.domain.sizes().vec(), (std::vector<int64_t>{4, 5}));        // a logit per domain
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, StarDiscriminator(1, 8, 24, 3));
  }

  void classificationLossUsesTheGivenLabels() {
    // Classes: the cross-entropy of the labelled class. Logits favour class 2 strongly.
    auto logits = torch::tensor({{0.f, 0.f, 10.f}, {0.f, 0.f, 10.f}});
    const double right = domain_classification_loss(logits, torch::tensor({2, 2})).item<double>();
    const double wrong = domain_classification_loss(logits, torch::tensor({0, 1})).item<double>();
    QVERIFY(std::abs(right - std::log(1 + 2 * std::exp(-10.0))) < 1e-6);
    QVERIFY(std::abs(wrong - (std::log(2 + std::exp(10.0)))) < 1e-5);
    // Attributes: binary cross-entropy summed over the K attributes, averaged over the batch: at logit 0
    // every term is log 2, so K log 2 whatever the labels.
    auto zero = torch::zeros({2, 3});
    QVERIFY(std::abs(domain_classification_loss(zero, torch::tensor({{1, 0, 1}, {0, 0, 0}})).item<double>() -
                     3 * std::log(2.0)) < 1e-6);
    auto sure = torch::tensor({{20.f, -20.f}});
    QVERIFY(domain_classification_loss(sure, torch::tensor({{1, 0}})).item<double>() < 1e-6);
    QVERIFY(domain_classification_loss(sure, torch::tensor({{0, 1}})).item<double>() > 39);
  }

  void trainsOnClassesAndReportsItsCurves() {
    Trainer t(registry_, tiny(), three_classes());
    const auto& caps = t.family().info().caps;
    StepStats s;
    for (int i = 0; i < 3; ++i) s = t.step();
    QCOMPARE(s.scalars.size(), caps.series.size());
    for (size_t i = 0; i < s.scalars.size(); ++i) {
      QCOMPARE(s.scalars[i].first, caps.series[i].id);
      QVERIFY2(std::isfinite(s.scalars[i].second), s.scalars[i].first.c_str());
    }
    // The training view: the fixed inputs, then a row per domain.
    auto snap = t.family().snapshot();
    Samples view = snap->sample({});
    QCOMPARE(view.row_labels, (std::vector<std::string>{"Input", "\u2192 top", "\u2192 middle", "\u2192 low"}));
    QCOMPARE(view.images.size(0), 4 * 8);
    QCOMPARE(view.columns, 8);
  }

  void translatesIntoAChosenDomainOrAll() {
    Trainer t(registry_, tiny(), three_classes());
    t.step();
    auto snap = t.family().snapshot();
    SampleRequest r;
    r.inputs = torch::stack({prepare_image(band_image(2), 16, 1), prepare_image(band_image(10), 16, 1)});
    Samples all = snap->sample(r);  // the default: every domain, input by input
    QCOMPARE(all.output_names, (std::vector<std::string>{"top", "middle", "low"}));
    QCOMPARE(all.images.size(0), 6);
    r.options.set("domain", "Middle");  // a name, in any case
    Samples one = snap->sample(r);
    QCOMPARE(one.output_names, (std::vector<std::string>{"middle"}));
    QVERIFY(one.images[1].equal(all.images[4]));  // the second input's "middle" is the same either way
    r.options.set("domain", "2");  // or its number
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"low"}));
    r.options.set("strength", "0.5");
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"low \u00d70.5"}));
    QVERIFY(!snap->sample(r).images.equal(snap->sample([&] { auto q = r; q.options.erase("strength"); return q; }()).images));
    r.options.set("strength", "3");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
    r.options.erase("strength");
    r.options.set("domain", "sideways");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
    r.options = Values{{"attrs", "top=1"}};  // a class run has no attributes
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));

    // The panel: a row per target, a column per image.
    ExploreRequest e;
    e.view = "translate";
    e.values.set_images("images", {band_image(2), band_image(10)});
    e.values.set("domain", "all");
    ExploreResult out = snap->explore(e);
    const Output* grid = nullptr;
    const Output* rows = nullptr;
    for (const auto& o : out.outputs) {
      if (o.id == "translation") grid = &o;
      if (o.id == "targets") rows = &o;
    }
    QVERIFY(grid && rows);
    QCOMPARE(grid->image.width, 2 * 16 + 3 * 2);   // two columns, padded
    QCOMPARE(grid->image.height, 4 * 16 + 5 * 2);  // the inputs, then three rows
    QCOMPARE(rows->text, std::string("Input\n\u2192 top\n\u2192 middle\n\u2192 low"));
  }

  void attributesAreTickedAndFlipped() {
    TrainConfig c = tiny();
    Trainer t(registry_, c, two_attributes());
    QVERIFY(t.config().attributes);
    StepStats s = t.step();
    for (const auto& [id, v] : s.scalars) QVERIFY2(std::isfinite(v), id.c_str());
    auto snap = t.family().snapshot();
    Samples view = snap->sample({});
    QCOMPARE(view.row_labels, (std::vector<std::string>{"Input", "flip top", "flip bright"}));
    SampleRequest r;
    r.inputs = prepare_image(band_image(2), 16, 1).unsqueeze(0);
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"attrs", "flip top", "flip bright"}));
    r.options.set("attrs", "bright=1");
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"attrs"}));  // as ticked, only
    r.options.set("domain", "top");
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"flip top"}));
    // Ticking both equals flipping "top" from bright=1.
    SampleRequest both = r;
    both.options = Values{{"attrs", "top=1,bright=1"}};
    QVERIFY(snap->sample(both).images.equal(snap->sample(r).images));
    r.options = Values{{"attrs", "smiling=1"}};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
    r.options = Values{{"attrs", "top=2"}};
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, snap->sample(r));
  }

  void familiesWithoutAttributesRefuseThem() {
    TrainConfig c;
    c.model = "acgan";
    c.steps = 1;
    c.out_dir = "/tmp/unused";
    c.params.set("batch", "4");
    try {
      Trainer t(registry_, c, two_attributes());
      QFAIL("ACGAN took attributes");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("takes one class per image") != std::string::npos, e.what());
    }
    // StarGAN needs two domains at least.
    auto one = std::make_shared<Dataset>(three_classes()->images(), torch::zeros({24}, torch::kLong),
                                         std::vector<std::string>{"only"}, "one class");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(registry_, tiny(), one));
  }

  // Two datasets with different classes at once: the domains are both sets of classes, the generator
  // takes both label vectors and the mask, the critic's head classifies into all of them; a second
  // dataset's class named like one of the first's is refused, and so are attributes.
  void twoDatasetsTrainWithTheMaskVector() {
    auto second = std::make_shared<Dataset>(three_classes(10)->images().flip(2), torch::arange(10, torch::kLong).remainder(2),
                                            std::vector<std::string>{"left", "right"}, "second");
    TrainConfig c = tiny();
    c.data["second"] = parse_dataset("mem2");
    Trainer t(registry_, c, StreamDatasets{{"images", three_classes()}, {"second", second}});
    QCOMPARE(t.config().class_groups, (std::vector<int>{3, 2}));
    QCOMPARE(t.config().class_names, (std::vector<std::string>{"top", "middle", "low", "left", "right"}));
    StepStats s = t.step();
    for (const auto& [id, v] : s.scalars) QVERIFY2(std::isfinite(v), id.c_str());
    QCOMPARE(t.family().player("G")->net().named_parameters()["net.0.weight"].size(1), 1 + 3 + 2 + 2);
    QCOMPARE(t.family().player("D")->net().named_parameters()["domain.weight"].size(0), 5);
    auto snap = t.family().snapshot();
    QCOMPARE(snap->sample({}).row_labels.back(), std::string("\u2192 right"));
    SampleRequest r;
    r.inputs = prepare_image(band_image(2), 16, 1).unsqueeze(0);
    QCOMPARE(snap->sample(r).output_names, (std::vector<std::string>{"top", "middle", "low", "left", "right"}));
    r.options.set("domain", "left");
    auto left = snap->sample(r).images;
    r.options.set("domain", "right");
    QVERIFY(!left.equal(snap->sample(r).images));
    // Resumed exactly, and not without the second dataset.
    QTemporaryDir tmp;
    testutil::check_exact_resume(registry_, c, {{"images", three_classes(10)}, {"second", second}}, 2, 4,
                                 tmp.path().toStdString() + "/m.pt");
    try {
      Trainer again(read_checkpoint(tmp.path().toStdString() + "/m.pt", registry_), {{"images", three_classes(10)}});
      QFAIL("resumed without the second dataset");
    } catch (const std::exception& e) {
      QVERIFY2(std::string(e.what()).find("other domains") != std::string::npos, e.what());
    }
    auto clash = std::make_shared<Dataset>(second->images(), second->labels(), std::vector<std::string>{"left", "top"}, "clash");
    try {
      Trainer bad(registry_, c, StreamDatasets{{"images", three_classes()}, {"second", clash}});
      QFAIL("took a class named in both datasets");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(std::string(e.what()).find("the class 'top' is in both datasets") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             Trainer(registry_, c, StreamDatasets{{"images", two_attributes()}, {"second", second}}));
  }

  void resumesExactly() {
    QTemporaryDir tmp;
    testutil::check_exact_resume(registry_, tiny(), {{"images", three_classes(10)}}, 2, 4,
                                 tmp.path().toStdString() + "/s.pt");
    testutil::check_exact_resume(registry_, tiny(), {{"images", two_attributes(10)}}, 2, 4,
                                 tmp.path().toStdString() + "/a.pt");
  }
};

QTEST_GUILESS_MAIN(TestStarGan)
#include "test_stargan.moc"
