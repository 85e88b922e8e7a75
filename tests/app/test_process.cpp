// app/: the real program as a process: an unknown command, the GUI without a display, SIGTERM, SIGHUP
// and SIGINT during training, and kill -9 at random moments of a run that saves at every step.
#include <QtTest>

#include <signal.h>

#include <filesystem>
#include <random>

#include "engine/trainer.h"
#include "tests/support/test_util.h"

class TestProcess : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string dir() const { return tmp_.path().toStdString(); }
  std::string data_;

  QProcessEnvironment env() const { return testutil::program_env(dir()); }
  QStringList train(const std::string& out, const char* steps, const char* checkpoint_every) const {
    return {"train", "--model", "dcgan", "--data", QString::fromStdString(data_), "--steps", steps, "--out",
            QString::fromStdString(out), "--batch", "8", "--resolution", "16", "--ngf", "8", "--ndf", "8",
            "--latent_dim", "8", "--log-every", "1", "--sample-every", "1000000", "--checkpoint-every", checkpoint_every};
  }
  static int lines_with(const std::string& path, const std::string& text) {
    if (!testutil::file_exists(path)) return 0;
    const std::string log = testutil::read_text(path);
    int n = 0;
    for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  }
  // Runs the program to its end; its exit code, stderr in *err.
  int run(const QStringList& args, QString* err, const QProcessEnvironment& e, int limit_ms = 60000) const {
    QProcess p;
    p.setProcessEnvironment(e);
    p.start(GAN_EXPLORER_BIN, args);
    if (!p.waitForFinished(limit_ms)) {
      p.kill();
      p.waitForFinished();
      return -1;
    }
    if (err) *err = QString::fromUtf8(p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  }

 private slots:
  void initTestCase() { data_ = testutil::write_tiny_idx(dir(), 40); }

  // `cmake --install` gives a working program: it runs from its prefix, with its desktop entry, icons,
  // AppStream metadata and the README with its figures (which Help shows) where desktops look for them.
  void installGivesAWorkingProgram() {
    const QString prefix = tmp_.path() + "/prefix";
    QProcess install;
    install.start(GAN_CMAKE, {"--install", GAN_BUILD_DIR, "--prefix", prefix});
    QVERIFY(install.waitForFinished(120000));
    QVERIFY2(install.exitCode() == 0, install.readAllStandardError().constData());
    const QString bin = prefix + "/bin/gan-explorer";
    QVERIFY(QFileInfo(bin).isExecutable());
    QProcess models;
    models.setProcessEnvironment(env());
    models.start(bin, {"models"});
    QVERIFY(models.waitForFinished(60000));
    QCOMPARE(models.exitCode(), 0);
    QVERIFY(models.readAllStandardOutput().contains("dcgan"));
    QStringList files = {"share/doc/gan-explorer/README.md", "share/doc/gan-explorer/docs/gui-training.png"};
#ifdef GAN_TEST_HAVE_GUI
    files << "share/applications/gan-explorer.desktop" << "share/icons/hicolor/scalable/apps/gan-explorer.svg"
          << "share/icons/hicolor/256x256/apps/gan-explorer.png"
          << "share/metainfo/io.github.gan_explorer.GanExplorer.metainfo.xml";
#endif
    for (const QString& f : files) QVERIFY2(QFileInfo::exists(prefix + "/" + f), qPrintable(f));
#ifdef GAN_TEST_HAVE_GUI
    QFile desktop(prefix + "/share/applications/gan-explorer.desktop");
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QByteArray entry = desktop.readAll();
    QVERIFY(entry.contains("\nExec=gan-explorer\n") && entry.contains("\nIcon=gan-explorer\n"));
#endif
  }

  void unknownCommandIsAUsageError() {
    QString err;
    QCOMPARE(run({"frobnicate"}, &err, env()), 2);
    QVERIFY2(err.contains("unknown command 'frobnicate'"), qPrintable(err));
  }

  void guiWithoutADisplaySaysSo() {
#ifndef GAN_TEST_HAVE_GUI
    QSKIP("this build has no GUI");
#endif
    auto e = env();
    for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) e.remove(v);
    QString err;
    QCOMPARE(run({}, &err, e), 2);
    QVERIFY2(err.contains("no display found") && err.contains("xvfb-run"), qPrintable(err));
  }

  void guiSavesAndQuitsOnSigterm() {
#ifndef GAN_TEST_HAVE_GUI
    QSKIP("this build has no GUI");
#endif
    auto e = env();
    e.insert("QT_QPA_PLATFORM", "offscreen");
    QProcess p;
    p.setProcessEnvironment(e);
    p.start(GAN_EXPLORER_BIN, {});
    QVERIFY(p.waitForStarted());
    QTest::qWait(2500);  // the window is up
    QCOMPARE(p.state(), QProcess::Running);
    ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 128 + SIGTERM);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains("saving the run and quitting"));
  }

  // Batch schedulers and systemd send SIGTERM before they stop a job; a closed terminal sends SIGHUP.
  // Each saves the run and stops it, as Ctrl-C does.
  void stopSignalsSaveTheRun_data() {
    QTest::addColumn<int>("sig");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
    QTest::newRow("SIGINT") << int(SIGINT);
  }
  void stopSignalsSaveTheRun() {
    QFETCH(int, sig);
    const std::string out = dir() + "/signal-" + std::to_string(sig);
    QProcess p;
    p.setProcessEnvironment(env());
    p.start(GAN_EXPLORER_BIN, train(out, "1000000", "1000000"));
    QVERIFY(p.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return lines_with(out + "/log.jsonl", "\"loss_d\"") >= 3; }, 60000));
    ::kill(static_cast<pid_t>(p.processId()), sig);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 128 + sig);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("saving the run and stopping"), qPrintable(err));
    const auto ck = gan::read_checkpoint(out + "/checkpoint.pt", gan::Registry::builtin());
    QVERIFY(ck.step >= 3);
    QCOMPARE(lines_with(out + "/log.jsonl", "\"event\":\"stopped\""), 1);
  }

  // kill -9 at random moments of a run that writes its checkpoint at every step: whatever is on disk
  // always loads, and the temporaries of killed writes are removed when the run resumes.
  // GAN_KILL_ROUNDS sets the number of rounds (the README's figure comes from 200).
  void killNineNeverLeavesABrokenCheckpoint() {
    const int rounds = qEnvironmentVariableIsSet("GAN_KILL_ROUNDS") ? qEnvironmentVariableIntValue("GAN_KILL_ROUNDS") : 12;
    const std::string out = dir() + "/killed";
    const std::string path = out + "/checkpoint.pt";
    std::mt19937 rng(20261129);
    std::uniform_int_distribution<int> wait_ms(300, 2500);
    int loaded = 0, stale_seen = 0, none_yet = 0;
    long long last_step = 0;
    for (int round = 0; round < rounds; ++round) {
      QProcess p;
      p.setProcessEnvironment(env());
      const bool resume = testutil::file_exists(path);
      p.start(GAN_EXPLORER_BIN, resume ? QStringList{"train", "--resume", QString::fromStdString(path), "--steps", "100000000"}
                                       : train(out, "100000000", "1"));
      QVERIFY(p.waitForStarted());
      QTest::qWait(wait_ms(rng));
      p.kill();  // SIGKILL
      QVERIFY(p.waitForFinished(30000));
      for (const auto& e : std::filesystem::directory_iterator(out))
        stale_seen += e.path().filename().string().find(".tmp-") != std::string::npos;
      if (!testutil::file_exists(path)) {
        ++none_yet;
        continue;
      }
      const QString err = testutil::error_of([&] {
        const auto ck = gan::read_checkpoint(path, gan::Registry::builtin());
        QVERIFY(ck.step >= last_step);  // never goes back
        last_step = ck.step;
      });
      QVERIFY2(err.isEmpty(), qPrintable(QString("round %1: %2").arg(round).arg(err)));
      ++loaded;
    }
    qInfo("kill -9: %d rounds, the checkpoint loaded after %d (none written yet after %d); %d killed write(s) "
          "left a temporary; last step %lld",
          rounds, loaded, none_yet, stale_seen, last_step);
    QVERIFY(loaded > 0);
    // A last resume to a few more steps: it removes the killed writes' temporaries and finishes.
    QString err;
    QCOMPARE(run({"train", "--resume", QString::fromStdString(path), "--steps", QString::number(last_step + 200)}, &err,
                 env()),
             0);
    for (const auto& e : std::filesystem::directory_iterator(out))
      QVERIFY2(e.path().filename().string().find(".tmp-") == std::string::npos, e.path().c_str());
  }
};

QTEST_GUILESS_MAIN(TestProcess)
#include "test_process.moc"
