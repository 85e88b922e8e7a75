// engine/: checkpoints (round trip, exact resume, foreign and damaged files), configs, atomic writes.
#include <QtTest>

#include <unistd.h>

#include <fstream>
#include <map>

#include "engine/checkpoint_file.h"
#include "engine/files.h"
#include "engine/threads.h"
#include "engine/trainer.h"
#include "models/layers/state.h"
#include "models/core/random.h"
#include "tests/support/resume_util.h"
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
    QCOMPARE(ck.config.revision, kModelRevision);  // the behaviour it was created with, kept
    QVERIFY(torch::equal(metric_samples(*ck.family, 8).images, metric_samples(a.family(), 8).images));
  }

  // Exact resume at the training thread count: a DCGAN large enough that oneDNN and ATen split their
  // work over two threads (a fixed thread count splits its sums the same way every time), and the
  // thread count a run uses when nothing says otherwise is the machine's.
  void resumeIsExactOnTwoThreads() {
    init_torch_thread(ThreadRole::Training);
    QCOMPARE(torch_threads(), training_threads());
    at::set_num_threads(2);
    auto data = testutil::tiny_dataset(48, 32);
    auto config = testutil::tiny_config("mem", dir() + "/threads", 100);
    config.params.set("resolution", "32");
    config.params.set("ngf", "32");
    config.params.set("ndf", "32");
    config.params.set("batch", "32");
    testutil::check_exact_resume(registry_, config, {{"images", data}}, 3, 6, dir() + "/threads.pt");
    at::set_num_threads(1);
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

  // The perceptrons' dropout (GAN's D, cGAN's G and D) draws from the networks' own streams (revision
  // 3): a run repeats from its seed whatever the process drew before, and resumes exactly.
  void perceptronDropoutRepeatsFromTheSeedAndResumesExactly() {
    auto data = testutil::labelled_dataset(40, 4, 16);
    for (const char* model : {"gan", "cgan"}) {
      TrainConfig config = testutil::tiny_config("mem", dir() + "/" + model, 100);
      config.model = model;
      config.params = ParamSet({{"resolution", "16"}, {"latent_dim", "8"}, {"batch", "8"}, {"seed", "7"},
                                {"g_hidden", "32"}, {"d_hidden", "16"}});
      torch::manual_seed(1);
      Trainer a(registry_, config, data);
      const double first = scalar(a.step(), "loss_d");
      torch::manual_seed(2);
      (void)torch::rand({100});
      Trainer b(registry_, config, data);
      QCOMPARE(scalar(b.step(), "loss_d"), first);
      testutil::check_exact_resume(registry_, config, {{"images", data}}, 3, 6, dir() + "/" + model + ".pt");
    }
  }

  // Salimans et al.'s discriminator draws its noise from a stream saved with it: a resumed run goes on
  // exactly, and its data-dependent initialisation is not repeated on resume.
  void sganWithSalimansDiscriminatorResumesExactly() {
    auto data = testutil::labelled_dataset(40, 4, 16);
    auto config = testutil::tiny_config("mem", dir() + "/sgan-salimans", 100);
    config.model = "sgan";
    config.params.set("d_net", "salimans");
    config.params.set("labels", "all");
    config.accuracy.every = 0;
    testutil::check_exact_resume(registry_, config, {{"images", data}}, 3, 6, dir() + "/sgan-salimans.pt");
  }

  // A family without data streams (the 2-D toys) trains, measures its own series on the accuracy
  // cadence, and resumes bit for bit; it takes no data and says what it trains on.
  void toyRunsWithoutDataAndResumesExactly() {
    TrainConfig config;
    config.model = "toy";
    config.out_dir = dir() + "/toy";
    config.steps = 100;
    config.log_every = 1;
    config.accuracy.every = 2;
    for (const auto& [k, v] : std::map<std::string, std::string>{{"batch", "16"}, {"g_hidden", "8"}, {"d_hidden", "8"},
                                                                 {"loss", "wgan-gp"}, {"distribution", "spiral"}})
      config.params.set(k, v);
    Trainer t(registry_, config, StreamDatasets{});
    QCOMPARE(t.data_description(), registry_.at("toy").caps.own_data);
    QCOMPARE(t.config().image_channels, 3);
    const StepStats s1 = t.step(), s2 = t.step();
    QVERIFY(!s1.measured && s2.measured);
    QVERIFY(std::isnan(scalar(s1, "modes")));
    for (const char* k : {"modes", "hq"}) QVERIFY(scalar(s2, k) >= 0 && scalar(s2, k) <= 1);
    const auto expected = testutil::check_exact_resume(registry_, config, {}, 3, 6, dir() + "/toy.pt");
    QCOMPARE(expected.size(), size_t(6));
    // Data given to it are refused, naming what it has.
    config.data["images"] = parse_dataset("fashion-mnist");
    QVERIFY(testutil::error_of([&] { validate(config, registry_); }).contains("takes no data: it trains on points"));
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

  // A flipped bit anywhere, a file cut short, a record emptied or shortened behind right CRC-32s and a
  // right checksum, a config that disagrees with the weights: each gets a message saying what is wrong,
  // and none reaches a tensor copy.
  void damagedCheckpointsAreRefusedClearly() {
    Trainer t(registry_, testutil::tiny_config("mem", dir() + "/dmg2", 10), testutil::tiny_dataset());
    t.step();
    const std::string good = dir() + "/good2.pt";
    t.save_checkpoint(good);
    const std::string bytes = read_file_bytes(good, "checkpoint");
    QCOMPARE(bytes.substr(0, 8), std::string("GANXCKPT"));
    auto refusal = [&](const std::string& content) {
      const std::string path = dir() + "/bad.pt";
      testutil::write_bytes(path, content);
      return testutil::error_of([&] { read_checkpoint(path, registry_); });
    };
    // Bits flipped in the header, in the archive's records and in its directory.
    for (size_t pos : {size_t(9), size_t(17), size_t(26), size_t(40), bytes.size() / 3, bytes.size() / 2,
                       bytes.size() - 30, bytes.size() - 1}) {
      std::string flipped = bytes;
      flipped[pos] = static_cast<char>(flipped[pos] ^ 0x10);
      const QString err = refusal(flipped);
      QVERIFY2(err.contains("damaged") || err.contains("newer GAN Explorer"), qPrintable(QString::number(pos) + ": " + err));
    }
    std::string payload_flip = bytes;
    payload_flip[bytes.size() / 2] = static_cast<char>(payload_flip[bytes.size() / 2] ^ 1);
    QVERIFY(refusal(payload_flip).contains("checksum does not match"));
    QVERIFY(refusal(bytes.substr(0, bytes.size() - 100)).contains("cut short"));
    QVERIFY(refusal(bytes.substr(0, 20)).contains("cut short inside its header"));

    // The same archive without the header (as checkpoints were written before it) still loads, and its
    // zip CRC-32s guard it: a flipped bit in a tensor record is caught.
    const std::string archive = testutil::checkpoint_archive(good);
    const std::string bare = dir() + "/bare.pt";
    testutil::write_bytes(bare, archive);
    QVERIFY(read_checkpoint(bare, registry_).legacy);
    const auto entries = check_zip(archive);
    const ZipEntry* tensor = nullptr;
    for (const auto& e : entries)
      if (e.name.find("/data/") != std::string::npos && e.size >= 64) tensor = &e;
    QVERIFY(tensor);
    std::string legacy_flip = archive;
    legacy_flip[tensor->offset + tensor->size / 2] = static_cast<char>(legacy_flip[tensor->offset + tensor->size / 2] ^ 4);
    QVERIFY2(refusal(legacy_flip).contains("does not match its CRC-32"), qPrintable(refusal(legacy_flip)));

    // A tensor record emptied or cut to half, in a well-formed zip with a right header: the storage would
    // be read past its end. Both with the header and without.
    const std::string record = tensor->name.substr(tensor->name.find("/data/"));
    const std::string original(archive, tensor->offset, tensor->size);
    for (const std::string& data : {std::string(), original.substr(0, original.size() / 2)}) {
      const std::string crafted = testutil::with_record(archive, record, data);
      QVERIFY(check_zip(crafted).size() == entries.size());  // a valid zip: only the record changed
      const QString sealed = refusal(seal_checkpoint(crafted));
      QVERIFY2(sealed.contains("record is shorter or longer than its tensor"), qPrintable(sealed));
      QVERIFY(refusal(crafted).contains("record is shorter or longer than its tensor"));
    }

    // A config that disagrees with the weights (G width 16 over weights of width 8) is refused, naming
    // the first tensor that differs.
    TrainConfig wider = t.config();
    wider.params.set("ngf", "16");
    torch::serialize::OutputArchive a;
    a.write("format", c10::IValue(std::string("gan-explorer-checkpoint")));
    a.write("format_version", c10::IValue(int64_t(1)));
    a.write("config", c10::IValue(to_json(wider).dump()));
    a.write("step", c10::IValue(int64_t(1)));
    a.write("history", c10::IValue(std::string("[]")));
    a.write("noise_state", make_cpu_generator(1).get_state());
    torch::serialize::OutputArchive model;
    t.family().save(model);
    a.write("model", model);
    const QString mismatch = refusal(seal_checkpoint(archive_bytes(a)));
    QVERIFY2(mismatch.contains("its tensor G.") && mismatch.contains("the config and the weights disagree"),
             qPrintable(mismatch));
  }

  // The pickle walker lists the storages LibTorch's pickles name, and refuses what LibTorch never writes.
  void picklesNameTheirStorages() {
    auto str = [](const std::string& t) {
      std::string out = "X";
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((t.size() >> (8 * i)) & 0xff));
      return out + t;
    };
    const std::string id = "(" + str("storage") + "ctorch\nFloatStorage\n" + str("7") + str("cpu") + "K\x03" + "tQ";
    const auto storages = pickled_storages(std::string("\x80\x02", 2) + id + "q\x01" + "h\x01" + "0.");
    QCOMPARE(storages.size(), size_t(1));
    QCOMPARE(storages[0].key, std::string("7"));
    QCOMPARE(storages[0].element_size, int64_t(4));
    QCOMPARE(storages[0].numel, int64_t(3));
    QVERIFY(testutil::error_of([&] { pickled_storages("\x80\x02(" + str("weights") + "tQ."); })
                .contains("a persistent id that is not a storage"));
    QVERIFY(testutil::error_of([&] { pickled_storages(std::string("\x80\x02", 2) + "(" + str("storage") +
                                                     "ctorch\nQuantumStorage\n" + str("0") + str("cpu") + "K\x01tQ."); })
                .contains("unknown type"));
    QVERIFY(testutil::error_of([&] { pickled_storages(std::string("\x80\x02", 2) + "h\x05."); }).contains("never stored"));
    QVERIFY(testutil::error_of([&] { pickled_storages(std::string("\x80\x02", 2) + "\xfe."); }).contains("never writes"));
    QVERIFY(testutil::error_of([&] { pickled_storages(std::string("\x80\x02", 2) + str("abc").substr(0, 4)); }).contains("cut short"));
    // A real checkpoint's data.pkl names every tensor record, each of its exact size.
    Trainer t(registry_, testutil::tiny_config("mem", dir() + "/pkl", 10), testutil::tiny_dataset());
    t.save_checkpoint(dir() + "/pkl.pt");
    const std::string archive = testutil::checkpoint_archive(dir() + "/pkl.pt");
    std::map<std::string, uint64_t> records;
    std::string pkl;
    for (const auto& e : check_zip(archive)) {
      records[e.name] = e.size;
      if (e.name == "archive/data.pkl") pkl = archive.substr(e.offset, e.size);
    }
    const auto named = pickled_storages(pkl);
    QVERIFY(named.size() > 10);
    for (const auto& st : named)
      QCOMPARE(records.at("archive/data/" + st.key), uint64_t(st.numel * st.element_size));
  }

  // A historical average that counts updates but holds no mean (or the reverse) is refused on load.
  void historicalAverageMustHoldItsMean() {
    torch::serialize::OutputArchive out, sub;
    sub.write("count", torch::tensor(int64_t(5)));
    out.write("hist_avg_G", sub);
    const std::string bytes = archive_bytes(out);
    torch::serialize::InputArchive in;
    in.load_from(bytes.data(), bytes.size());
    HistoricalAverage h;
    QVERIFY(testutil::error_of([&] { h.load(in, "hist_avg_G"); }).contains("5 updates, 0 tensors"));
  }

  // An optimizer state of another shape than its parameter (a foreign file) is found after loading.
  void optimizerStateOfAnotherShapeIsRefused() {
    Trainer t(registry_, testutil::tiny_config("mem", dir() + "/opt", 10), testutil::tiny_dataset());
    t.step();
    QVERIFY(testutil::error_of([&] { check_optimizer_states(t.family()); }).isEmpty());
    auto& state = t.family().player("G")->optimizer().state();
    QVERIFY(!state.empty());
    auto* adam = dynamic_cast<torch::optim::AdamParamState*>(state.begin()->second.get());
    QVERIFY(adam);
    adam->exp_avg(torch::zeros({3}));
    QVERIFY(testutil::error_of([&] { check_optimizer_states(t.family()); }).contains("optimizer state of 'G'"));
  }

  // Numbers in configs are whole where they must be, and fit: no silent truncation or wrap.
  void configCountsAreWholeAndInRange() {
    auto err = [](const nlohmann::json& j) { return testutil::error_of([&] { config_from_json(j); }); };
    QVERIFY(err({{"steps", 3.9}}).contains("steps must be a whole number, not 3.9"));
    QVERIFY(err({{"steps", "12"}}).contains("steps must be a whole number"));
    QVERIFY(err({{"metrics", {{"every", 2.5}}}}).contains("metrics every must be a whole number"));
    QVERIFY(err({{"steps", 12.0}}).isEmpty());
    // A config file without a model revision is a new run's; one from a newer build is refused.
    QCOMPARE(config_from_json(nlohmann::json::object()).revision, kModelRevision);
    QCOMPARE(config_from_json({{"model_revision", 1}}).revision, 1);
    QVERIFY(err({{"model_revision", kModelRevision + 1}}).contains("model_revision must be 1 to"));
    QCOMPARE(config_from_json({{"checkpoint_every", 4294967297LL}}).checkpoint_every, 4294967297LL);
    auto c = testutil::tiny_config("fashion-mnist", "/tmp/x", 10);
    c.checkpoint_every = 4294967297LL;  // no longer wraps to 1: every 4.3 billion steps
    QCOMPARE(validate(c, registry_).checkpoint_every, 4294967297LL);
    c.log_every = kMaxCount + 1;
    QVERIFY(testutil::error_of([&] { validate(c, registry_); }).contains("log_every must be between 1 and"));
  }

  // Writes go through the app's own checked calls: a target that is not a regular file is refused, a
  // folder that cannot be made is named, and nothing is left behind.
  void writesRefuseWhatIsNotARegularFile() {
    QVERIFY(testutil::error_of([] { write_bytes_atomically("/dev/null", "x"); }).contains("character device"));
    QVERIFY(testutil::error_of([&] { write_bytes_atomically(dir(), "x"); }).contains("a folder"));
    const std::string file = dir() + "/plain.txt";
    write_bytes_atomically(file, "abc");
    QVERIFY(testutil::error_of([&] { write_bytes_atomically(file + "/under/it.txt", "x"); }).contains("could not"));
    // Through a link: the link stays, its target changes.
    const std::string link = dir() + "/link.txt";
    std::filesystem::create_symlink(file, link);
    write_bytes_atomically(link, "def");
    QVERIFY(std::filesystem::is_symlink(link));
    QCOMPARE(testutil::read_text(file), std::string("def"));
    QVERIFY(testutil::error_of([] { read_file_bytes("/dev/zero", "dataset file"); }).contains("character device"));
  }

  // Temporaries of killed writers are removed; those of running ones (this process) and other files stay.
  void staleTemporariesAreRemoved() {
    const std::string d = dir() + "/stale";
    std::filesystem::create_directories(d);
    for (const std::string& name : std::vector<std::string>{"checkpoint.pt.tmp-999999999", "checkpoint.pt.tmp-" + std::to_string(::getpid()),
                                   "notes.tmp-abc", "checkpoint.pt"})
      std::ofstream(d + "/" + name) << "x";
    QCOMPARE(remove_stale_temporaries(d), 1);
    QVERIFY(!testutil::file_exists(d + "/checkpoint.pt.tmp-999999999"));
    QVERIFY(testutil::file_exists(d + "/checkpoint.pt.tmp-" + std::to_string(::getpid())));
    QVERIFY(testutil::file_exists(d + "/notes.tmp-abc"));
    // With an extension (an animation's), and only those of one name when it is given.
    for (const std::string& name : std::vector<std::string>{"walk.gif.tmp-999999999-3.gif", "walk.mp4.tmp-999999999-4.mp4",
                                                            "other.gif.tmp-999999999-5.gif", "walk.gif.tmp-999999999-6.g-f"})
      std::ofstream(d + "/" + name) << "x";
    QCOMPARE(remove_stale_temporaries(d, "walk.gif"), 1);
    QVERIFY(!testutil::file_exists(d + "/walk.gif.tmp-999999999-3.gif"));
    QVERIFY(testutil::file_exists(d + "/walk.mp4.tmp-999999999-4.mp4"));
    QVERIFY(testutil::file_exists(d + "/walk.gif.tmp-999999999-6.g-f"));
    QCOMPARE(remove_stale_temporaries(d), 2);  // walk.mp4's and other.gif's
    QVERIFY(testutil::file_exists(d + "/walk.gif.tmp-999999999-6.g-f"));
    QCOMPARE(temporary_name("/x/walk.mp4", ".mp4").substr(0, 16), std::string("/x/walk.mp4.tmp-"));
    QVERIFY(temporary_name("/x/walk.mp4", ".mp4").size() > 20 && temporary_name("a", ".mp4").substr(temporary_name("a", ".mp4").size() - 4) == ".mp4");
  }

  // A full disk: the write fails with a message, the temporary goes, the previous checkpoint is kept
  // and still loads. Needs root for a small tmpfs.
  void fullDiskKeepsThePreviousCheckpoint() {
    testutil::SmallDisk disk(dir(), "4m");
    if (!disk.ok()) QSKIP(disk.why().c_str());
    Trainer t(registry_, testutil::tiny_config("mem", disk.path() + "/run", 10), testutil::tiny_dataset());
    t.step();
    const std::string path = disk.path() + "/run/checkpoint.pt";
    t.save_checkpoint(path);
    t.step();
    disk.fill(4096);
    const QString err = testutil::error_of([&] { t.save_checkpoint(path); });
    QVERIFY2(err.contains("No space left on device (the disk is full)"), qPrintable(err));
    QCOMPARE(read_checkpoint(path, registry_).step, 1LL);
    for (const auto& e : std::filesystem::directory_iterator(disk.path() + "/run"))
      QVERIFY2(e.path().filename() == "checkpoint.pt", e.path().c_str());
    disk.free_filler();
    t.save_checkpoint(path);
    QCOMPARE(read_checkpoint(path, registry_).step, 2LL);
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
