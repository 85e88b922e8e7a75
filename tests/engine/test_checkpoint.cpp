// engine/: checkpoints (round trip, exact resume, foreign and damaged files), configs, atomic writes.
#include <QtTest>

#include <fstream>

#include "engine/atomic_file.h"
#include "engine/trainer.h"
#include "tests/support/test_util.h"

using namespace gan;

class TestCheckpoint : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }
  Registry registry_ = Registry::builtin();

  static double scalar(const StepStats& s, const char* name) {
    for (const auto& [k, v] : s.scalars)
      if (k == name) return v;
    return std::nan("");
  }

 private slots:
  void roundTripKeepsEverything() {
    auto data = testutil::tiny_dataset();
    Trainer a(registry_, testutil::tiny_config("mem", dir() + "/rt", 100), data);
    for (int i = 0; i < 3; ++i) a.step();
    const std::string path = dir() + "/rt.pt";
    a.save_checkpoint(path);
    Checkpoint ck = read_checkpoint(path, registry_);
    QCOMPARE(ck.step, 3LL);
    QCOMPARE(ck.config.model, std::string("dcgan"));
    QCOMPARE(ck.config.params.text("ngf"), std::string("8"));
    QCOMPARE(ck.config.image_channels, 1);
    QCOMPARE(ck.history.size(), a.history().size());
    QCOMPARE(ck.history.back().step, 3LL);
    QVERIFY(torch::equal(metric_samples(*ck.family, 8).images, metric_samples(a.family(), 8).images));
  }

  // Resuming a CPU run gives the same losses, step for step, as the run that never stopped.
  void resumeIsExact() {
    auto data = testutil::tiny_dataset(20);  // 20 images, batch 8: the resume falls mid-epoch
    auto config = testutil::tiny_config("mem", dir() + "/exact", 100);
    Trainer straight(registry_, config, data);
    std::vector<StepStats> expected;
    for (int i = 0; i < 8; ++i) expected.push_back(straight.step());

    Trainer first(registry_, config, data);
    for (int i = 0; i < 5; ++i) first.step();
    first.save_checkpoint(dir() + "/exact.pt");
    Trainer resumed(read_checkpoint(dir() + "/exact.pt", registry_), data);
    QCOMPARE(resumed.step_count(), 5LL);
    for (int i = 5; i < 8; ++i) {
      const StepStats s = resumed.step();
      QCOMPARE(s.step, expected[i].step);
      for (const char* k : {"loss_d", "loss_g", "d_real", "d_fake"}) QCOMPARE(scalar(s, k), scalar(expected[i], k));
    }
  }

  // SGAN keeps more state (its labelled subset is re-picked from the seed, the baseline and its
  // optimizer are saved) and reports its classifiers' accuracies at the steps asked for.
  void sganResumesExactlyAndReportsAccuracy() {
    auto data = testutil::labelled_dataset(40, 4, 16);
    auto config = testutil::tiny_config("mem", dir() + "/sgan", 100);
    config.model = "sgan";
    config.params.set("labels", "1000");  // more than there are: all 40 labelled
    config.accuracy.every = 2;
    config.accuracy.samples = 0;
    auto run = [&](Trainer& t, int n) {
      std::vector<StepStats> out;
      for (int i = 0; i < n; ++i) out.push_back(t.step());
      return out;
    };
    Trainer straight(registry_, config, data);
    straight.set_accuracy_data(data);
    auto expected = run(straight, 6);
    QVERIFY(std::isnan(scalar(expected[0], "acc_sgan")));  // step 1: not measured
    for (int i : {1, 3, 5}) {
      for (const char* k : {"acc_sgan", "acc_supervised"}) {
        const double acc = scalar(expected[size_t(i)], k);
        QVERIFY2(acc >= 0 && acc <= 1, k);
        QCOMPARE(acc * 40, std::round(acc * 40));  // a count out of the 40 images
      }
    }
    QCOMPARE(straight.history().back().step, 6LL);
    Trainer first(registry_, config, data);
    first.set_accuracy_data(data);
    run(first, 3);
    first.save_checkpoint(dir() + "/sgan.pt");
    Trainer resumed(read_checkpoint(dir() + "/sgan.pt", registry_), data);
    resumed.set_accuracy_data(data);
    for (int i = 3; i < 6; ++i) {
      const StepStats s = resumed.step();
      for (const char* k : {"loss_d", "loss_g", "loss_sup", "acc_sgan", "acc_supervised"})
        if (!std::isnan(scalar(expected[size_t(i)], k))) QCOMPARE(scalar(s, k), scalar(expected[size_t(i)], k));
    }
    // Accuracy data must carry the training data's classes.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, resumed.set_accuracy_data(testutil::tiny_dataset()));
  }

  void configJsonRoundTripAndStrictness() {
    auto c = validate(testutil::tiny_config("fashion-mnist", "/tmp/x", 77), registry_);
    auto back = config_from_json(nlohmann::json::parse(to_json(c).dump()));
    QCOMPARE(back.steps, 77LL);
    QVERIFY(back.params == c.params);
    QCOMPARE(back.data.at("images").source, std::string("fashion-mnist"));
    // Configs (and checkpoints) written before streams were named hold one dataset: it is "images".
    auto legacy = config_from_json(nlohmann::json{{"data", {{"source", "fashion-mnist"}, {"split", "test"}}}});
    QCOMPARE(legacy.data.at("images").split, std::string("test"));
    // A class filter travels; a stream the family does not have is refused.
    auto classes = c;
    classes.data["images"].classes = {"Sneaker"};
    QCOMPARE(config_from_json(nlohmann::json::parse(to_json(classes).dump())).data.at("images").classes,
             (std::vector<std::string>{"Sneaker"}));
    auto foreign = c;
    foreign.data["A"] = parse_dataset("fashion-mnist:Bag");
    QVERIFY(testutil::error_of([&] { validate(foreign, registry_); }).contains("has no data stream 'A'"));
    QVERIFY(testutil::error_of([] { config_from_json(nlohmann::json{{"stpes", 3}}); }).contains("unknown config key 'stpes'"));
    auto bad = c;
    bad.params.set("lr_g", "-1");
    bad.params.set("batch", "0");
    const QString err = testutil::error_of([&] { validate(bad, registry_); });
    QVERIFY2(err.contains("G learning rate") && err.contains("Batch size"), qPrintable(err));
  }

  void foreignAndDamagedFilesAreRefusedClearly() {
    const std::string text = dir() + "/notes.pt";
    std::ofstream(text) << "hello";
    QVERIFY(testutil::error_of([&] { read_checkpoint(text, registry_); }).contains("not a GAN Explorer checkpoint"));
    QVERIFY(testutil::error_of([&] { read_checkpoint(dir() + "/missing.pt", registry_); }).contains("not found"));

    // A LibTorch archive of something else.
    torch::serialize::OutputArchive other;
    other.write("weights", torch::ones({3}));
    other.save_to(dir() + "/other.pt");
    QVERIFY(testutil::error_of([&] { read_checkpoint(dir() + "/other.pt", registry_); })
                .contains("a LibTorch archive but not a GAN Explorer checkpoint"));

    // A real checkpoint cut short.
    Trainer t(registry_, testutil::tiny_config("mem", dir() + "/dmg", 10), testutil::tiny_dataset());
    t.step();
    const std::string good = dir() + "/good.pt", cut = dir() + "/cut.pt";
    t.save_checkpoint(good);
    std::filesystem::copy_file(good, cut);
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);
    QVERIFY(!testutil::error_of([&] { read_checkpoint(cut, registry_); }).isEmpty());

    // Another family than the one asked for.
    QVERIFY(testutil::error_of([&] { read_checkpoint(good, registry_, "wgan"); }).contains("holds a dcgan model, not wgan"));
    // A family this build does not have.
    Registry small;
    QVERIFY(testutil::error_of([&] { read_checkpoint(good, small); }).contains("does not have"));
    // A checkpoint trained on other data cannot continue on a dataset of another shape.
    QVERIFY(testutil::error_of([&] { Trainer(read_checkpoint(good, registry_), testutil::tiny_dataset(32, 16, 3)); })
                .contains("channel"));
  }

  void atomicWritesLeaveTheOldFileOnFailure() {
    const std::string path = dir() + "/atomic.txt";
    write_file_atomically(path, [](std::ostream& o) { o << "first"; });
    QVERIFY(!testutil::error_of([&] {
               write_file_atomically(path, [](std::ostream& o) {
                 o << "partial";
                 throw std::runtime_error("disk full");
               });
             }).isEmpty());
    QCOMPARE(testutil::read_text(path), std::string("first"));
    // No temporary file is left behind.
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir()))
      files += e.path().filename().string().rfind("atomic.txt", 0) == 0;
    QCOMPARE(files, 1);
  }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
