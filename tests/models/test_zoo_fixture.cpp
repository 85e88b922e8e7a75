// models/families: every family of the zoo gives, bit for bit, the losses, accuracies and samples that
// were recorded before the families were redesigned (tests/fixtures/zoo_losses.json), and checkpoints
// written before the redesign still open and resume exactly (tests/fixtures/checkpoints/).
//
// The fixture was recorded with Debian's LibTorch 1.13 on x86-64 (one intra-op thread); another
// LibTorch build may round differently, so the exact comparison is made only where the recording's
// LibTorch version matches. The kernels must match too: Debian's OpenBLAS picks its kernels by CPU
// (SkylakeX, Haswell, Zen, ...), and their sums round differently in the last bit. The recording used the
// Haswell kernels, which run on every CPU with AVX2, so this test runs itself with OPENBLAS_CORETYPE=Haswell;
// and oneDNN's AVX-512 convolutions, so it is skipped, saying so, on a CPU without AVX-512.
// GAN_RECORD_FIXTURE=1 writes the fixture instead of checking it.
#include <QtTest>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/hash.h"
#include "engine/threads.h"
#include "engine/trainer.h"
#include "tests/support/zoo_cases.h"

using namespace gan;
using nlohmann::json;

class TestZooFixture : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  Registry registry_ = Registry::builtin();
  const std::string fixtures_ = GAN_FIXTURES;
  bool record_ = std::getenv("GAN_RECORD_FIXTURE") != nullptr;

  json load_fixture() {
    std::ifstream in(fixtures_ + "/zoo_losses.json");
    if (!in) return json();
    return json::parse(in);
  }

  static bool same_torch(const json& fixture) {
    return fixture.value("torch", std::string()) == TORCH_VERSION;
  }

 private slots:
  void initTestCase() {
    ::setenv("GAN_EXPLORER_THREADS", "1", 1);  // the recording's thread count: sums split across threads round differently
    init_torch_thread(ThreadRole::Foreground);
    std::ifstream cpu("/proc/cpuinfo");
    const std::string info((std::istreambuf_iterator<char>(cpu)), std::istreambuf_iterator<char>());
    if (!record_ && info.find(" avx512f") == std::string::npos)
      QSKIP("the fixture was recorded with oneDNN's AVX-512 kernels, and this CPU has no AVX-512: its convolutions "
            "round differently in the last bit");
  }

  // 20 seeded steps of every case: the same scalars, bit for bit, and the same 8-bit samples.
  void everyFamilyRepeatsItsRecordedRun() {
    json fixture = load_fixture();
    json out = {{"torch", TORCH_VERSION}, {"steps", zootest::kSteps}, {"cases", json::object()}};
    if (!record_) {
      QVERIFY2(!fixture.is_null(), "tests/fixtures/zoo_losses.json is missing");
      if (!same_torch(fixture)) QSKIP("the fixture was recorded with another LibTorch version");
    }
    for (const auto& c : zootest::cases()) {
      json got = zootest::run_case(registry_, c, tmp_.path().toStdString());
      if (record_) {
        out["cases"][c.name] = got;
        continue;
      }
      QVERIFY2(fixture["cases"].contains(c.name), c.name.c_str());
      const json& want = fixture["cases"][c.name];
      const json& ws = want["steps"];
      const json& gs = got["steps"];
      QCOMPARE(gs.size(), ws.size());
      for (size_t i = 0; i < ws.size(); ++i)
        for (const auto& item : ws[i].items()) {
          const std::string where = c.name + " step " + std::to_string(i + 1) + " " + item.key();
          QVERIFY2(gs[i].contains(item.key()), where.c_str());
          const double w = item.value().get<double>(), g = gs[i][item.key()].get<double>();
          if (w != g) QFAIL(qPrintable(QString::fromStdString(where) + QString(": %1, recorded %2").arg(g, 0, 'g', 17).arg(w, 0, 'g', 17)));
        }
      QCOMPARE(QString::fromStdString(got["samples"].get<std::string>()),
               QString::fromStdString(want["samples"].get<std::string>()));
    }
    if (record_) {
      std::ofstream(fixtures_ + "/zoo_losses.json") << out.dump(1) << "\n";
      std::filesystem::create_directories(fixtures_ + "/checkpoints");
      for (const auto& c : zootest::cases())
        if (c.checkpoint) zootest::write_checkpoint(registry_, c, fixtures_ + "/checkpoints/" + c.name + ".pt");
    }
  }

  // Checkpoints written before the redesign open, and continue with the recorded losses.
  void oldCheckpointsResumeExactly() {
    if (record_) QSKIP("recording");
    json fixture = load_fixture();
    if (!same_torch(fixture)) QSKIP("the fixture was recorded with another LibTorch version");
    int checked = 0;
    for (const auto& c : zootest::cases()) {
      if (!c.checkpoint) continue;
      const std::string path = fixtures_ + "/checkpoints/" + c.name + ".pt";
      Checkpoint ck = read_checkpoint(path, registry_);
      QCOMPARE(ck.step, zootest::kCheckpointStep);
      Trainer t(std::move(ck), zootest::data_for(c));
      if (c.accuracy) t.set_accuracy_data(zootest::data_for(c));
      const json& ws = fixture["cases"][c.name]["steps"];
      for (long long s = zootest::kCheckpointStep; s < zootest::kSteps; ++s) {
        const StepStats st = t.step();
        for (const auto& [k, v] : st.scalars) {
          const std::string where = c.name + " resumed, step " + std::to_string(s + 1) + " " + k;
          QVERIFY2(ws[size_t(s)].contains(k), where.c_str());
          if (ws[size_t(s)][k].get<double>() != v) QFAIL(where.c_str());
        }
      }
      ++checked;
    }
    QVERIFY(checked >= 2);
  }
};

// OpenBLAS reads OPENBLAS_CORETYPE when it loads, before main: set it and start again.
int main(int argc, char** argv) {
  const char* core = std::getenv("OPENBLAS_CORETYPE");
  if (!core || std::string(core) != "Haswell") {
    ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
    ::execv("/proc/self/exe", argv);  // returns only when it fails: then the test runs, and says why it fails
  }
  QCoreApplication app(argc, argv);
  TestZooFixture test;
  QTEST_SET_MAIN_SOURCE_PATH
  return QTest::qExec(&test, argc, argv);
}
#include "test_zoo_fixture.moc"
