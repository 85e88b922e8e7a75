// Data-parallel training (engine/distributed, models/core/parallel): the pieces with a stand-in
// collective, then the real program on two local processes over 127.0.0.1: equal to one process with
// twice the batch, torchrun's variables, resume across world sizes, and lost processes.
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "engine/distributed.h"
#include "engine/session.h"
#include "engine/trainer.h"
#include "models/core/parallel.h"
#include "models/core/random.h"
#include "models/layers/batch_norm.h"
#include "tests/support/test_util.h"
#include "tests/support/zoo_cases.h"

using namespace gan;

namespace {
// One rank of `world` whose other ranks hold the same tensors as this one: a sum is world times the
// tensor, a broadcast changes nothing. Counts the calls.
class MirrorCollective : public Collective {
 public:
  MirrorCollective(int rank, int world) : rank_(rank), world_(world) {}
  int rank() const override { return rank_; }
  int world() const override { return world_; }
  void all_reduce_sum(std::vector<torch::Tensor>& tensors) override {
    ++reduces;
    for (auto& t : tensors) t.mul_(world_);
  }
  void broadcast(std::vector<torch::Tensor>&, int) override { ++broadcasts; }
  int reduces = 0, broadcasts = 0;

 private:
  int rank_, world_;
};

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

// Every player's parameters and buffers, in order.
std::vector<torch::Tensor> weights(const Family& f) {
  std::vector<torch::Tensor> out;
  for (const Player* p : f.players()) {
    for (const auto& t : p->net().parameters()) out.push_back(t.detach().clone());
    for (const auto& t : p->net().buffers())
      if (t.defined() && t.is_floating_point()) out.push_back(t.detach().clone());
  }
  return out;
}

long long loader_cursor(const Checkpoint& ck) {
  c10::IValue v;
  ck.archive->read("loader_cursor", v);
  return v.toInt();
}
}  // namespace

class TestDistributed : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }
  std::string data_;

  QProcessEnvironment env() const { return testutil::program_env(dir()); }
  QStringList train(const std::string& model, const std::string& out, int batch, int steps) const {
    return {"train", "--model", QString::fromStdString(model), "--data", QString::fromStdString(data_), "--steps",
            QString::number(steps), "--out", QString::fromStdString(out), "--batch", QString::number(batch),
            "--resolution", "16", "--ngf", "8", "--ndf", "8", "--latent_dim", "8", "--log-every", "1",
            "--sample-every", "1000000"};
  }
  // Runs the program to its end; its exit code (-1: killed or past the limit), stderr in *err.
  static int run(const QStringList& args, QString* err, const QProcessEnvironment& e, int limit_ms = 120000) {
    QProcess p;
    p.setProcessEnvironment(e);
    p.start(GAN_EXPLORER_BIN, args);
    const bool done = p.waitForFinished(limit_ms);
    if (!done) p.kill(), p.waitForFinished();
    if (err) *err = QString::fromUtf8(p.readAllStandardError());
    return done && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  }
  // torchrun's variables for rank `rank` of 2 on this machine.
  QProcessEnvironment rank_env(int rank, int port) const {
    auto e = env();
    e.insert("RANK", QString::number(rank));
    e.insert("LOCAL_RANK", QString::number(rank));
    e.insert("WORLD_SIZE", "2");
    e.insert("LOCAL_WORLD_SIZE", "2");
    e.insert("MASTER_ADDR", "127.0.0.1");
    e.insert("MASTER_PORT", QString::number(port));
    return e;
  }
  static Checkpoint load(const std::string& out) { return read_checkpoint(out + "/checkpoint.pt", Registry::builtin()); }
  static int count(const std::string& path, const std::string& text) {
    const std::string s = testutil::read_text(path);
    int n = 0;
    for (size_t at = s.find(text); at != std::string::npos; at = s.find(text, at + 1)) ++n;
    return n;
  }

 private slots:
  void initTestCase() {
    if (!distributed_available()) QSKIP("this build has no c10d with Gloo");
    data_ = testutil::write_tiny_idx(dir(), 200);
  }

  // ---- the pieces, with a stand-in collective -------------------------------------------------------
  void batchDrawsKeepThisRanksRows() {
    auto whole_gen = make_cpu_generator(7);
    const auto whole = torch::randn({12, 3}, whole_gen, torch::kFloat);
    for (int rank = 0; rank < 3; ++rank) {
      MirrorCollective c(rank, 3);
      ParallelScope scope({&c, true});
      auto gen = make_cpu_generator(7);
      QVERIFY(torch::equal(batch_randn({4, 3}, gen), whole.narrow(0, 4 * rank, 4)));
    }
    auto gen = make_cpu_generator(7);  // one process: torch::randn itself
    QVERIFY(torch::equal(batch_randn({12, 3}, gen), whole));
    MirrorCollective c(1, 2);
    ParallelScope scope({&c, true});
    auto g1 = make_cpu_generator(3), g2 = make_cpu_generator(3);
    QVERIFY(torch::equal(batch_randint(10, {5}, g1), torch::randint(0, 10, {10}, g2, torch::kLong).narrow(0, 5, 5)));
  }

  void gradientsAreAveragedInBuckets() {
    MirrorCollective c(0, 4);
    ParallelScope scope({&c, true});
    auto a = torch::ones({3}, torch::requires_grad()), b = torch::ones({2, 2}, torch::requires_grad());
    auto unused = torch::ones({5}, torch::requires_grad());
    ((a * 2).sum() + (b * 3).sum()).backward();
    average_gradients({a, unused, b});
    // The others hold the same gradients: the mean is the gradient itself, and all went in one bucket.
    QVERIFY(torch::equal(a.grad(), torch::full({3}, 2.0f)));
    QVERIFY(torch::equal(b.grad(), torch::full({2, 2}, 3.0f)));
    QVERIFY(!unused.grad().defined());
    QCOMPARE(c.reduces, 1);
  }

  void syncBatchNormNormalisesOverAllRanks() {
    SyncBatchNorm2d bn(3), plain(3);
    auto x = torch::randn({4, 3, 5, 5}, make_cpu_generator(1), torch::kFloat) * 3 + 1;
    const auto expected = plain->forward(x);
    MirrorCollective c(0, 2);
    ParallelScope scope({&c, true});
    // Two ranks with the same items: the same mean and variance as one, but twice the items.
    QVERIFY(torch::allclose(bn->forward(x), expected, 1e-5, 1e-5));
    QCOMPARE(c.reduces, 1);
    const double n = 4 * 25, items = 2 * n;
    auto var = x.var({0, 2, 3}, /*unbiased=*/false);
    QVERIFY(torch::allclose(bn->running_var, 0.9 + 0.1 * var * items / (items - 1), 1e-5, 1e-5));
    QVERIFY(torch::allclose(plain->running_var, 0.9 + 0.1 * var * n / (n - 1), 1e-5, 1e-5));
    ParallelScope off({&c, false});  // sync off: the plain computation
    c.reduces = 0;
    QVERIFY(torch::allclose(bn->forward(x), expected, 1e-6, 1e-6));
    QCOMPARE(c.reduces, 0);
  }

  // Every family (each zoo case) steps its players through Player::step, which averages their
  // gradients: at least one all-reduce per player with an optimizer, and one for the losses.
  void everyFamilyAveragesEveryPlayersGradients() {
    const Registry registry = Registry::builtin();
    std::vector<std::pair<std::string, std::unique_ptr<Trainer>>> trainers;
    for (const auto& c : zootest::cases()) trainers.emplace_back(c.name, zootest::make_trainer(registry, c, dir() + "/zoo"));
    // The families beyond the zoo's latent ones: a growing one and a translating one.
    auto tiny = [&](const char* model, std::vector<std::pair<const char*, const char*>> params) {
      TrainConfig c;
      c.model = model;
      c.steps = 10;
      c.out_dir = dir() + "/zoo-" + model;
      for (const auto& st : registry.at(model).caps.streams) c.data[st.name] = parse_dataset("mem");
      for (const auto& [k, v] : params) c.params.set(k, v);
      StreamDatasets data;
      for (const auto& st : registry.at(model).caps.streams) data[st.name] = testutil::tiny_dataset(16, 16, 1);
      trainers.emplace_back(model, std::make_unique<Trainer>(registry, c, data));
    };
    tiny("progan", {{"resolution", "16"}, {"fmap_base", "64"}, {"fmap_max", "8"}, {"latent_dim", "8"}, {"batch", "4"},
                    {"fade_images", "16"}, {"stable_images", "8"}});
    tiny("cyclegan", {{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"g_blocks", "1"}, {"batch", "4"}});
    QCOMPARE(trainers.size(), zootest::cases().size() + 2);
    for (auto& [name, t] : trainers) {
      const zootest::ZooCase c{name, ""};
      MirrorCollective mirror(1, 2);
      t->join(mirror);
      QVERIFY2(mirror.broadcasts == 1, c.name.c_str());  // rank 0's weights, in one piece per dtype
      int players = 0;
      for (const Player* p : t->family().players()) players += p->has_optimizer();
      mirror.reduces = 0;
      const auto s = t->step();
      qInfo("%s: %d all-reduces in a step, %d player(s) with an optimizer", name.c_str(), mirror.reduces, players);
      QVERIFY2(mirror.reduces >= players + 1,
               qPrintable(QString("%1: %2 all-reduces for %3 players").arg(c.name.c_str()).arg(mirror.reduces).arg(players)));
      for (const auto& [key, v] : s.scalars) {
        QVERIFY2(std::isfinite(v), (c.name + " " + key).c_str());
        // ProGAN's schedule counts the images of both processes: 2 x 4 in the first step.
        if (key == "kimg") QCOMPARE(v, 0.008);
      }
    }
  }

  void environmentVariablesAreChecked() {
    QString err;
    auto e = env();
    e.insert("WORLD_SIZE", "2");
    QCOMPARE(run(train("dcgan", dir() + "/bad-env", 4, 1), &err, e), 2);
    QVERIFY2(err.contains("RANK is not"), qPrintable(err));
    e.insert("RANK", "5");
    QCOMPARE(run(train("dcgan", dir() + "/bad-env", 4, 1), &err, e), 2);
    QVERIFY2(err.contains("RANK is '5'"), qPrintable(err));
    auto args = train("dcgan", dir() + "/bad-env", 4, 1);
    args << "--nproc" << "2";
    e.insert("RANK", "0");
    e.insert("MASTER_ADDR", "127.0.0.1");
    e.insert("MASTER_PORT", "29999");
    QCOMPARE(run(args, &err, e), 2);
    QVERIFY2(err.contains("do not use it under torchrun"), qPrintable(err));
  }

  // ---- the program on two processes ------------------------------------------------------------------
  void twoProcessesTrainAsOneWithTwiceTheBatch_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("DCGAN (batch norm)") << "dcgan";
    QTest::newRow("WGAN-GP (5 critic steps)") << "wgan-gp";
  }
  void twoProcessesTrainAsOneWithTwiceTheBatch() {
    QFETCH(QString, model);
    const std::string one = dir() + "/one-" + model.toStdString(), two = dir() + "/two-" + model.toStdString();
    QString err;
    QCOMPARE(run(train(model.toStdString(), one, 8, 3), &err, env()), 0);
    auto args = train(model.toStdString(), two, 4, 3);
    args << "--nproc" << "2" << "--sync-bn";
    QVERIFY2(run(args, &err, env()) == 0, qPrintable(err));
    QVERIFY2(err.contains("training on 2 processes: batch 4 each, 8 a step"), qPrintable(err));
    const auto a = load(one), b = load(two);
    QCOMPARE(b.step, 3LL);
    const double diff = max_difference(weights(*a.family), weights(*b.family));
    qInfo("%s: largest weight difference after 3 steps, 1 x 8 against 2 x 4: %.3g", qPrintable(model), diff);
    QVERIFY2(diff < 1e-4, qPrintable(QString::number(diff)));
    // The losses logged are the means over the ranks: those of the whole batch.
    for (size_t i = 0; i < a.history.size(); ++i)
      for (size_t k = 0; k < a.history[i].scalars.size(); ++k)
        QVERIFY(std::abs(a.history[i].scalars[k].second - b.history[i].scalars[k].second) < 1e-3);
    QCOMPARE(loader_cursor(a), loader_cursor(b));
    // One run, one record: rank 0's log, one start.
    QCOMPARE(count(two + "/log.jsonl", "\"event\":\"start\""), 1);
    QCOMPARE(count(two + "/log.jsonl", "\"event\":\"distributed\""), 1);
  }

  void torchrunsVariablesTrainTheSameRun() {
    const std::string local = dir() + "/nproc", ranks = dir() + "/ranks";
    auto args = train("dcgan", local, 4, 3);
    args << "--nproc" << "2";
    QString err;
    QVERIFY2(run(args, &err, env()) == 0, qPrintable(err));
    const int port = free_local_port();
    QProcess r0, r1;
    r0.setProcessEnvironment(rank_env(0, port));
    r1.setProcessEnvironment(rank_env(1, port));
    r1.start(GAN_EXPLORER_BIN, train("dcgan", ranks, 4, 3));  // rank 1 first: it waits for rank 0's store
    r0.start(GAN_EXPLORER_BIN, train("dcgan", ranks, 4, 3));
    QVERIFY(r0.waitForFinished(120000) && r1.waitForFinished(120000));
    QVERIFY2(r0.exitCode() == 0, r0.readAllStandardError().constData());
    QVERIFY2(r1.exitCode() == 0, r1.readAllStandardError().constData());
    const auto a = load(local), b = load(ranks);
    QCOMPARE(max_difference(weights(*a.family), weights(*b.family)), 0.0);
  }

  void realTorchrun() {
    if (QStandardPaths::findExecutable("torchrun").isEmpty()) QSKIP("torchrun is not installed");
    const std::string out = dir() + "/torchrun";
    // -r 2 -t 2: Debian's torchrun 1.13 under Python 3.11 fails without a redirect setting.
    QStringList args{"--nproc_per_node", "2", "--master_port", QString::number(free_local_port()), "-r", "2", "-t", "2",
                     "--log_dir", QString::fromStdString(dir() + "/torchrun-logs"), "--no_python", GAN_EXPLORER_BIN};
    args << train("dcgan", out, 4, 3);
    QProcess p;
    p.setProcessEnvironment(env());
    p.start("torchrun", args);
    QVERIFY(p.waitForFinished(180000));
    const QString err = QString::fromUtf8(p.readAllStandardError() + p.readAllStandardOutput());
    QVERIFY2(p.exitCode() == 0, qPrintable(err));
    QVERIFY2(err.contains("training on 2 processes"), qPrintable(err));
    QCOMPARE(load(out).step, 3LL);
  }

  void resumesAcrossWorldSizes() {
    QString err;
    auto nproc = [](QStringList a) { return a << "--nproc" << "2"; };
    // 2 processes, then 1: the data position moves by 2 x 4 a step, then by 4.
    const std::string a = dir() + "/resume-2-1";
    QVERIFY2(run(nproc(train("dcgan", a, 4, 3)), &err, env()) == 0, qPrintable(err));
    QVERIFY2(run({"train", "--resume", QString::fromStdString(a + "/checkpoint.pt"), "--steps", "5"}, &err, env()) == 0,
             qPrintable(err));
    auto ck = load(a);
    QCOMPARE(ck.step, 5LL);
    QCOMPARE(loader_cursor(ck), 3LL * 8 + 2 * 4);
    // 1 process, then 2.
    const std::string b = dir() + "/resume-1-2";
    QVERIFY2(run(train("dcgan", b, 4, 3), &err, env()) == 0, qPrintable(err));
    QVERIFY2(run(nproc({"train", "--resume", QString::fromStdString(b + "/checkpoint.pt"), "--steps", "5"}), &err, env()) == 0,
             qPrintable(err));
    ck = load(b);
    QCOMPARE(ck.step, 5LL);
    QCOMPARE(loader_cursor(ck), 3LL * 4 + 2 * 8);
    // 2 and 2 again: exactly the run that did not stop.
    const std::string c = dir() + "/resume-2-2", straight = dir() + "/straight-2";
    QVERIFY2(run(nproc(train("dcgan", c, 4, 3)), &err, env()) == 0, qPrintable(err));
    QVERIFY2(run(nproc({"train", "--resume", QString::fromStdString(c + "/checkpoint.pt"), "--steps", "5"}), &err, env()) == 0,
             qPrintable(err));
    QVERIFY2(run(nproc(train("dcgan", straight, 4, 5)), &err, env()) == 0, qPrintable(err));
    QCOMPARE(max_difference(weights(*load(c).family), weights(*load(straight).family)), 0.0);
  }

  void aLostWorkerEndsTheRunWithAMessage() {
    const std::string out = dir() + "/lost-worker";
    auto args = train("dcgan", out, 4, 1000000);
    args << "--nproc" << "2" << "--checkpoint-every" << "2" << "--dist-timeout" << "30";
    QProcess p;
    p.setProcessEnvironment(env());
    p.start(GAN_EXPLORER_BIN, args);
    QVERIFY(p.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return testutil::file_exists(out + "/checkpoint.pt") && count(out + "/log.jsonl", "\"loss_d\"") >= 6; }, 60000));
    // The worker is a child of the session's thread: look through every thread's children.
    std::string children;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(p.processId()) + "/task"))
      children += testutil::read_text(task.path().string() + "/children");
    const pid_t worker = static_cast<pid_t>(std::atol(children.c_str()));
    QVERIFY2(worker > 0, children.c_str());
    QElapsedTimer clock;
    clock.start();
    ::kill(worker, SIGKILL);
    QVERIFY(p.waitForFinished(40000));
    qInfo("rank 0 ended %lld ms after its worker was killed", static_cast<long long>(clock.elapsed()));
    QVERIFY(clock.elapsed() < 30000);
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("lost contact with the other processes"), qPrintable(err));
    const auto ck = load(out);  // the last good checkpoint is intact
    QVERIFY(ck.step >= 2);
  }

  void aLostRankZeroEndsTheWorker() {
    const int port = free_local_port();
    const std::string out = dir() + "/lost-rank0";
    auto e0 = rank_env(0, port), e1 = rank_env(1, port);
    e1.insert("GAN_EXPLORER_DIST_TIMEOUT", "30");
    QProcess r0, r1;
    r0.setProcessEnvironment(e0);
    r1.setProcessEnvironment(e1);
    r0.start(GAN_EXPLORER_BIN, train("dcgan", out, 4, 1000000));
    r1.start(GAN_EXPLORER_BIN, train("dcgan", out, 4, 1000000));
    QVERIFY(QTest::qWaitFor([&] { return count(out + "/log.jsonl", "\"loss_d\"") >= 3; }, 60000));
    QElapsedTimer clock;
    clock.start();
    r0.kill();
    QVERIFY(r0.waitForFinished(10000));
    QVERIFY(r1.waitForFinished(40000));
    qInfo("rank 1 ended %lld ms after rank 0 was killed", static_cast<long long>(clock.elapsed()));
    QCOMPARE(r1.exitCode(), 1);
    const QString err = QString::fromUtf8(r1.readAllStandardError());
    QVERIFY2(err.contains("(process 1 of 2): lost contact with the other processes"), qPrintable(err));
  }

  // The GUI's and --nproc's way: the session starts the workers. One that cannot start ends the wait
  // at once, and Stop ends it too, rather than the timeout.
  void aWorkerThatCannotStartEndsTheWaitAtOnce_data() {
    QTest::addColumn<QString>("worker");
    QTest::addColumn<bool>("stop");
    QTest::newRow("a worker that exits") << "/bin/false" << false;
    QTest::newRow("Stop while waiting") << "sleeper" << true;
  }
  void aWorkerThatCannotStartEndsTheWaitAtOnce() {
    QFETCH(QString, worker);
    QFETCH(bool, stop);
    if (worker == "sleeper") {
      worker = QString::fromStdString(dir() + "/sleeper.sh");
      testutil::write_bytes(worker.toStdString(), "#!/bin/sh\nexec sleep 60\n");
      QFile::setPermissions(worker, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    qputenv("GAN_EXPLORER_EXE", worker.toUtf8());
    struct Recorder : SessionListener {
      std::mutex m;
      std::vector<std::string> messages, states;
      void on_message(const Message& msg) override {
        std::lock_guard<std::mutex> lock(m);
        messages.push_back(msg.text);
      }
      void on_state(SessionState, const std::string& status) override {
        std::lock_guard<std::mutex> lock(m);
        states.push_back(status);
      }
      bool said(const std::string& text) {
        std::lock_guard<std::mutex> lock(m);
        for (const auto& v : {messages, states})
          for (const auto& line : v)
            if (line.find(text) != std::string::npos) return true;
        return false;
      }
    } rec;
    TrainingSession session(Registry::builtin(), rec);
    StartRequest req;
    req.config = testutil::tiny_config(data_, dir() + "/never-gathered", 5);
    DistributedEnv env;
    env.world = 2;
    env.master_port = free_local_port();
    env.timeout = std::chrono::seconds(60);
    req.distributed = env;
    req.spawn_local_workers = true;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(session.start(req));
    if (stop) {
      QTRY_VERIFY_WITH_TIMEOUT(rec.said("waiting for 1 more process(es)"), 10000);
      session.stop();
    }
    session.wait();
    qunsetenv("GAN_EXPLORER_EXE");
    qInfo("ended %lld ms after the start", static_cast<long long>(clock.elapsed()));
    QVERIFY(clock.elapsed() < 15000);
    if (stop) {
      QCOMPARE(session.state(), SessionState::Idle);
    } else {
      QCOMPARE(session.state(), SessionState::Failed);
      QVERIFY(rec.said("could not gather the run's processes: process 1 exited with status 1"));
    }
  }

  void aRendezvousThatNeverCompletesTimesOut() {
    auto e = rank_env(0, free_local_port());
    e.insert("GAN_EXPLORER_DIST_TIMEOUT", "3");
    QString err;
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(run(train("dcgan", dir() + "/alone", 4, 3), &err, e, 60000), 1);
    QVERIFY(clock.elapsed() < 30000);
    QVERIFY2(err.contains("could not join the run as process 0 of 2") && err.contains("(timeout 3 s)"), qPrintable(err));
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
