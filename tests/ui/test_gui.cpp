// ui/ and app/: the real main window on the offscreen platform, clicked as a user would.
#include <functional>

#include <QProgressBar>
#include <QPushButton>
#include <QLabel>
#include <QSlider>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "app/main_window.h"
#include "engine/animation.h"
#include "tests/support/test_util.h"
#include "ui/control_panel.h"
#include "ui/dataset_picker.h"
#include "ui/explore_panel.h"
#include "ui/image_input.h"
#include "ui/image_view.h"
#include "ui/model_picker.h"
#include "ui/hyperparam_form.h"
#include "ui/loss_plot.h"
#include "ui/schedule_plot.h"
#include "ui/message_bar.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/sample_grid.h"
#include "ui/sweep_window.h"
#include "ui/generator_dialog.h"
#include "ui/training_controls.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QListWidget>
#include <QMenu>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QMessageBox>
#include <QSettings>
#include <QTextBrowser>
#include <QLineEdit>
#include <QTabBar>
#include <QTimer>
#include "ui/animation_dialog.h"
#include "ui/translate_dialog.h"
#include "ui/app_settings.h"
#include "ui/compare_window.h"
#include "ui/help_window.h"
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QComboBox>
#include <QSpinBox>
#include <QProcess>
#include <QStatusBar>
#include <QTableWidget>
#include <cmath>

class TestGui : public QObject {
  Q_OBJECT

  static ui::ExplorePanel* latent(MainWindow& w) { return w.explorePanel("latent"); }
  static QImage latentImage(MainWindow& w) { return latent(w)->outputImage("image"); }
  static QSlider* tSlider(MainWindow& w) { return qobject_cast<QSlider*>(latent(w)->controls()->control("t")); }
  static QComboBox* combo(ui::ControlPanel* p, const char* id) { return qobject_cast<QComboBox*>(p->control(id)); }

  QTemporaryDir tmp_;
  QString data_;

  // Presses the button whose text starts with `button` on the next message box, once it is shown; the
  // box's question text lands in `*text`.
  static void answerNextBox(const QString& button, QString* text = nullptr) {
    auto* timer = new QTimer;
    QObject::connect(timer, &QTimer::timeout, [timer, button, text] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (!box) return;
      timer->stop();
      timer->deleteLater();
      if (text) *text = box->text();
      for (QAbstractButton* b : box->buttons())
        if (b->text().remove('&').startsWith(button)) {
          b->click();
          return;
        }
      box->reject();
    });
    timer->start(20);
  }

  // Runs `act` on the next modal dialog of type T once it is shown (for a dialog opened by exec()).
  template <typename T>
  static void onNextDialog(std::function<void(T*)> act) {
    auto* timer = new QTimer;
    QObject::connect(timer, &QTimer::timeout, [timer, act] {
      auto* d = qobject_cast<T*>(QApplication::activeModalWidget());
      if (!d) return;
      timer->stop();
      timer->deleteLater();
      act(d);
      if (d->isVisible()) d->reject();
    });
    timer->start(20);
  }

  static int countIn(const QString& text, const QString& what) { return text.count(what); }

  void makeTiny(MainWindow& w) {
    w.datasetPicker()->setSource(data_, "train");
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}, {"batch", "8"}})
      p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
  }

  // A checkpoint made through the GUI's engine: a tiny run started, stopped after 25 steps (the
  // checkpoint keeps step 1 and every 10th: 3 points of history) and its folder moved to DIR.
  void makeStoppedRun(const QString& dir, int sample_every = 0, const char* latent_dim = nullptr) {
    MainWindow w;
    makeTiny(w);
    if (latent_dim) {
      gan::ParamSet p = w.form()->values();
      p.set("latent_dim", latent_dim);
      w.form()->setValues(p);
    }
    if (sample_every > 0) w.controls()->setSampleEvery(sample_every);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 25, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QVERIFY(QDir().rename(w.runDir(), dir));
  }

 private slots:
  void initTestCase() {
    qputenv("GAN_EXPLORER_RUNS", (tmp_.path() + "/runs").toUtf8());
    qputenv("GAN_EXPLORER_CACHE", (tmp_.path() + "/cache").toUtf8());
    data_ = QString::fromStdString(testutil::write_tiny_idx(tmp_.path().toStdString(), 40));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, tmp_.path() + "/config");
  }
  // Each test starts with nothing remembered.
  void init() { ui::appSettings()->clear(); }

  // Reading an image folder shows on the progress bar, file by file, and gives way to the steps; a
  // read that ends without a run (here cancelled) leaves the bar as it was before, not half-read.
  void readingAFolderShowsOnTheProgressBar() {
    const QString folder = tmp_.path() + "/pgm";
    QDir().mkpath(folder);
    for (int i = 0; i < 30; ++i) {
      QFile f(folder + QString("/%1.pgm").arg(i));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("P5 16 16 255\n" + QByteArray(256, char(i * 8)));
    }
    MainWindow w;
    makeTiny(w);
    w.datasetPicker()->setSource(folder, "train");
    w.controls()->setTotalSteps(20);
    QStringList formats;
    connect(w.controls()->progressBar(), &QProgressBar::valueChanged, this,
            [&] { formats << w.controls()->progressBar()->format(); });
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QVERIFY2(formats.contains("reading images %v / %m"), qPrintable(formats.join(" | ")));
    QCOMPARE(w.controls()->progressBar()->format(), QString("%p%"));
    QCOMPARE(w.controls()->progressBar()->value(), 20);

    w.controls()->setLoadProgress("reading images", 12, 30);  // as the engine sends it
    QCOMPARE(w.controls()->progressBar()->text(), QString("reading images 12 / 30"));
    QVERIFY(w.controls()->statusText().contains("12 of 30 files (Stop cancels)"));
    w.controls()->setState(ui::UiState::Idle);  // reading cancelled: no run
    QCOMPARE(w.controls()->progressBar()->format(), QString("%p%"));
    QCOMPARE(w.controls()->progressBar()->value(), 0);
    QVERIFY(w.controls()->statusText().startsWith("step 0 / 20"));
  }

  void trainWatchExploreStop() {
    MainWindow w;
    w.show();
    makeTiny(w);
    QCOMPARE(w.state(), ui::UiState::Idle);
    // A message floats over the window: the panels under it do not move.
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QWidget* panels = w.centralWidget()->layout()->itemAt(0)->widget();
    const QRect panels_at = panels->geometry();
    w.messageBar()->showMessage("a message\nof two lines", ui::MessageBar::Level::Warning);
    QTest::qWait(50);
    QCOMPARE(panels->geometry(), panels_at);
    QVERIFY(w.messageBar()->isVisible() && w.messageBar()->geometry().top() < 20);
    QVERIFY(w.messageBar()->height() >= w.messageBar()->sizeHint().height() - 2);
    w.messageBar()->clearMessage();
    // An Info message hides itself after its timeout; a warning stays until dismissed.
    w.messageBar()->setInfoTimeout(100);
    w.messageBar()->showMessage("opened", ui::MessageBar::Level::Info);
    QVERIFY(w.messageBar()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!w.messageBar()->isVisible(), 3000);
    w.messageBar()->showMessage("careful", ui::MessageBar::Level::Warning);
    QTest::qWait(300);
    QVERIFY(w.messageBar()->isVisible());
    w.messageBar()->showMessage("opened again", ui::MessageBar::Level::Info);
    w.messageBar()->showMessage("careful again", ui::MessageBar::Level::Error);  // replaces it: no timer
    QTest::qWait(300);
    QVERIFY(w.messageBar()->isVisible());
    w.messageBar()->clearMessage();
    // The focus stays on the buttons: on Pause once the run trains, on Start once it has stopped.
    w.activateWindow();
    const bool active = QTest::qWaitForWindowActive(&w);
    w.controls()->startButton()->setFocus();
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    // Points arrive in the loss plot, and the sample grid is drawn and then redrawn by a later generator.
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") > 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > 0, 30000);
    const QImage first = w.sampleGrid()->image();
    const qint64 first_step = w.sampleGrid()->step();
    QVERIFY(!first.isNull());
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > first_step && w.sampleGrid()->image() != first, 30000);
    QCOMPARE(w.lossPlot()->pointCount("loss_g"), w.lossPlot()->pointCount("loss_d"));
    // DCGAN: no class controls; one explore panel, the latent explorer, built from its capabilities.
    QVERIFY(!w.sampleGrid()->options()->control("class"));
    QCOMPARE(w.explorePanels().size(), 1);
    QVERIFY(!latent(w)->controls()->control("class"));

    // The latent slider moves while training runs, and a new image comes back.
    QTRY_VERIFY_WITH_TIMEOUT(!latentImage(w).isNull(), 30000);
    QCOMPARE(w.state(), ui::UiState::Running);
    const QImage before = latentImage(w);
    tSlider(w)->setValue(1000);
    QTRY_VERIFY_WITH_TIMEOUT(latentImage(w) != before, 30000);
    QCOMPARE(w.state(), ui::UiState::Running);

    if (active) QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w.controls()->pauseButton()));
    // Pause, then Stop: the run ends with a checkpoint in its folder.
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Paused, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QVERIFY(QFile::exists(w.runDir() + "/checkpoint.pt"));
    QVERIFY(QFile::exists(w.runDir() + "/log.jsonl"));
    QVERIFY(w.controls()->startButton()->isEnabled());
    if (active) QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(w.controls()->startButton()));
  }

  // The Processes box: the run trains on two local processes (this one rank 0) and shows like any run.
  // A pause longer than the processes' timeout keeps them waiting: rank 0 says every second it is paused.
  void trainsOnTwoProcesses() {
    qputenv("GAN_EXPLORER_EXE", GAN_EXPLORER_BIN);
    qputenv("GAN_EXPLORER_DIST_TIMEOUT", "3");
    MainWindow w;
    makeTiny(w);
    w.controls()->processesBox()->setValue(2);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 5, 60000);
    QVERIFY(!w.controls()->processesBox()->isEnabled());
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Paused, 30000);
    QTest::qWait(5000);
    const int before = w.lossPlot()->pointCount("loss_d");
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= before + 5, 30000);
    QCOMPARE(w.state(), ui::UiState::Running);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    const std::string log = testutil::read_text(w.runDir().toStdString() + "/log.jsonl");
    QVERIFY(log.find("\"event\":\"distributed\"") != std::string::npos);
    QVERIFY(log.find("distributed-lost") == std::string::npos);
    qunsetenv("GAN_EXPLORER_DIST_TIMEOUT");
  }

  // ProGAN: the Schedule tab plots alpha and the resolution against images shown as it trains, the
  // loss plot marks the growth, and the grid says at which resolution its images were drawn.
  void growingFamilyShowsItsSchedule() {
    MainWindow w;
    w.show();
    QVERIFY(!w.plotTabs()->isTabEnabled(2));  // DCGAN has no schedule
    w.modelPicker()->setCurrentId("progan");
    QVERIFY(w.plotTabs()->isTabEnabled(2));
    w.datasetPicker()->setSource(data_, "train");
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"fmap_base", "64"}, {"fmap_max", "8"}, {"latent_dim", "8"},
                        {"batch", "8"}, {"fade_images", "32"}, {"stable_images", "16"}})
      p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.schedulePlot()->pointCount("alpha") > 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->caption().contains("shown at 16\u00d716"), 30000);
    // 2 steps at 4x4, then 8x8 fades in: the loss plot marks it.
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->stageMarks().contains("Resolution 8"), 30000);
    QCOMPARE(w.lossPlot()->pointCount("alpha"), 0);
    QCOMPARE(w.schedulePlot()->xLabel(), QString("Images shown (thousands)"));
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
  }

  // A conditional model shows class pickers: the grid one row per class (the same latent down each
  // column), or one class; the explorer draws the class picked. Unconditional models hide them.
  void conditionalModelsGetClassPickers() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("cgan-conv");
    makeTiny(w);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > 0, 30000);
    QComboBox* grid_classes = combo(w.sampleGrid()->options(), "class");
    QComboBox* explore_classes = combo(latent(w)->controls(), "class");
    QVERIFY(grid_classes && explore_classes);
    QVERIFY(grid_classes->isVisible() && explore_classes->isVisible());
    QCOMPARE(grid_classes->count(), 11);  // All classes + the tiny data's 10
    QCOMPARE(explore_classes->count(), 10);
    QCOMPARE(w.sampleGrid()->options()->values().value("class"), QString("all"));
    // 64 latents over 10 classes: 7 columns, 10 rows of 16 px tiles with 2 px gaps.
    QTRY_COMPARE_WITH_TIMEOUT(w.sampleGrid()->image().size(), QSize(7 * 18 + 2, 10 * 18 + 2), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->caption().contains("rows, top to bottom: 0, 1, 2"), 30000);
    grid_classes->setCurrentIndex(4);  // class 3 only: an 8 x 8 grid
    QCOMPARE(w.sampleGrid()->options()->values().value("class"), QString("3"));
    QTRY_COMPARE_WITH_TIMEOUT(w.sampleGrid()->image().size(), QSize(8 * 18 + 2, 8 * 18 + 2), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!latentImage(w).isNull(), 30000);
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Paused, 30000);
    const QImage before = latentImage(w);
    explore_classes->setCurrentIndex(5);
    QTRY_VERIFY_WITH_TIMEOUT(latentImage(w) != before, 30000);  // the same latent, another class
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
  }

  // SGAN's classifier accuracies arrive in the loss plot, beside its losses.
  void sganAccuracyIsPlottedLive() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("sgan");
    makeTiny(w);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("acc_sgan") >= 1, 60000);  // every 100 steps
    QVERIFY(w.lossPlot()->pointCount("acc_supervised") >= 1);
    QVERIFY(w.lossPlot()->pointCount("loss_d") >= 100);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
  }

  void metricsArePlottedLiveWithTheirLabels() {
    MainWindow w;
    w.show();
    makeTiny(w);
    w.metricSettings()->setValues(true, 4, 100, QString(), 50);
    // While the classifier is trained (once, for this data), the metrics tab says so, with a bar.
    QStringList tab_texts;
    QTimer watch;
    connect(&watch, &QTimer::timeout, this, [&] {
      tab_texts << w.plotTabs()->tabText(1);
      if (w.metricPlot()->preparingBar()->isVisibleTo(w.metricPlot())) tab_texts << "bar shown";
    });
    watch.start(10);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.state() == ui::UiState::Running, 30000);
    QVERIFY(!w.metricSettings()->enableBox()->isEnabled());  // locked while the run is live
    QVERIFY(!w.metricSettings()->swdSpin()->isEnabled());
    // The classifier is trained on the tiny data first, then points arrive while training goes on.
    QTRY_VERIFY_WITH_TIMEOUT(w.metricPlot()->sampleCount() >= 2, 60000);
    QCOMPARE(w.state(), ui::UiState::Running);
    watch.stop();
    tab_texts.removeDuplicates();
    QVERIFY2(tab_texts.filter("FID · KID · IS (preparing: ").size() > 0 && tab_texts.contains("bar shown"),
             qPrintable(tab_texts.join(" | ")));
    QCOMPARE(w.plotTabs()->tabText(1), QString("FID · KID · IS"));
    QVERIFY(!w.metricPlot()->preparingBar()->isVisibleTo(w.metricPlot()));
    const ui::MetricSample s = w.metricPlot()->samples().back();
    QCOMPARE(s.step % 4, 0LL);
    QCOMPARE(s.nFake, 100LL);
    QVERIFY(std::isfinite(s.fid) && std::isfinite(s.kidMean) && std::isfinite(s.isMean));
    // MS-SSIM beside the real images', and SWD, on the lower plot: 50 images were asked for, but the
    // tiny data hold 40, so it compares 40 of each and says so.
    QVERIFY(std::isfinite(s.msSsim) && std::isfinite(s.msSsimReal) && std::isfinite(s.swdMean));
    QCOMPARE(s.swdImages, 40LL);
    QTRY_VERIFY_WITH_TIMEOUT(w.metricPlot()->diversityPlot()->isVisibleTo(w.metricPlot()), 5000);
    const QString tip = w.metricPlot()->tooltipFor(w.metricPlot()->sampleCount() - 1);
    QVERIFY2(tip.contains("not comparable with Inception FID") && tip.contains("fake 100"), qPrintable(tip));
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    // The metric history is in the checkpoint: opening it plots the same points.
    const int n = w.metricPlot()->sampleCount();
    MainWindow again;
    again.openCheckpoint(w.runDir() + "/checkpoint.pt");
    QTRY_COMPARE_WITH_TIMEOUT(again.metricPlot()->sampleCount(), n, 30000);
    QVERIFY(again.metricSettings()->enabled());
    QCOMPARE(again.metricSettings()->every(), 4);
    QCOMPARE(again.metricSettings()->swdImages(), 50);
  }

  void inceptionWithoutAFileStartsNothing() {
    MainWindow w;
    makeTiny(w);
    w.metricSettings()->setValues(true, 10, 100, QString());
    w.metricSettings()->extractorCombo()->setCurrentIndex(ui::MetricSettings::Inception);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTest::qWait(200);
    QCOMPARE(w.state(), ui::UiState::Idle);
    QCOMPARE(w.messageBar()->level(), ui::MessageBar::Level::Error);
  }

  void badSettingsStartNothing() {
    MainWindow w;
    makeTiny(w);
    gan::ParamSet p;
    p.set("lr_g", "-1e-4");  // a negative learning rate
    w.form()->setValues(p);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTest::qWait(200);
    QCOMPARE(w.state(), ui::UiState::Idle);
    QVERIFY(w.messageBar()->isVisible() || !w.messageBar()->text().isEmpty());
    QVERIFY2(w.messageBar()->text().contains("G learning rate"), qPrintable(w.messageBar()->text()));
    QCOMPARE(w.messageBar()->level(), ui::MessageBar::Level::Error);
    QCOMPARE(w.messageBar()->text().count("learning rate"), 1);  // one message per problem
    // A batch of 0 typed into its box is a problem named at Start, not silently put back to 64.
    p.set("lr_g", "2e-4");
    w.form()->setValues(p);
    auto* batch = qobject_cast<QSpinBox*>(w.form()->field("batch"));
    QVERIFY(batch);
    batch->findChild<QLineEdit*>()->selectAll();
    QTest::keyClicks(batch, "0");
    QVERIFY(!batch->hasAcceptableInput());
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTest::qWait(100);
    QCOMPARE(w.state(), ui::UiState::Idle);
    QVERIFY2(w.messageBar()->text().contains("Batch size (batch) must be between 1 and 4096, not 0"),
             qPrintable(w.messageBar()->text()));
    QCOMPARE(w.messageBar()->text().count("Batch"), 1);
    // Fields that cannot change while a run trains look it (greyed), for every kind of field.
    w.form()->setEditable(false);
    QVERIFY(!batch->isEnabled() && !w.form()->field("lr_g")->isEnabled() && !w.form()->field("g_noise")->isEnabled());
    w.form()->setEditable(true);
    QVERIFY(batch->isEnabled() && w.form()->field("lr_g")->isEnabled());
  }

  // Resuming from the window follows the engine's rules. A changed width is refused with the reason,
  // and the plot and the opened checkpoint stay; with the width put back and a new learning rate,
  // Start continues the run and says what changed, and only that: the opened run's intervals are
  // kept (its sample interval is shown, not the window's default).
  void resumeRulesInTheWindow() {
    const QString dir = tmp_.path() + "/gui-resume";
    makeStoppedRun(dir, 7);
    if (QTest::currentTestFailed()) return;
    MainWindow w;
    w.datasetPicker()->setSource(data_, "train");
    w.openCheckpoint(dir + "/checkpoint.pt");
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 3, 30000);
    QCOMPARE(w.controls()->sampleEvery(), 7);
    const int points = w.lossPlot()->pointCount("loss_d");
    gan::ParamSet values = w.form()->values();
    values.set("ngf", "16");
    w.form()->setValues(values);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.messageBar()->text().contains("G width (ngf) cannot change when a run resumes"), 30000);
    QCOMPARE(w.messageBar()->level(), ui::MessageBar::Level::Error);
    QCOMPARE(w.lossPlot()->pointCount("loss_d"), points);  // a refused start clears nothing
    values.set("ngf", "8");
    values.set("lr_g", "1e-4");
    w.form()->setValues(values);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);  // the same checkpoint, resumed
    QTRY_VERIFY_WITH_TIMEOUT(w.messageBar()->text().contains("with changes:") &&
                                 w.messageBar()->text().contains("lr_g 0.0002 -> 1e-4"),
                             30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") > points, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    // The opened checkpoint was continued in a run folder of its own: its folder is as it was.
    QVERIFY(w.runDir() != dir && w.runDir().startsWith(tmp_.path() + "/runs/"));
    QVERIFY(!testutil::read_text((dir + "/log.jsonl").toStdString()).empty());
    QVERIFY(testutil::read_text((dir + "/log.jsonl").toStdString()).find("resume-change") == std::string::npos);
    const std::string log = testutil::read_text((w.runDir() + "/log.jsonl").toStdString());
    QVERIFY2(log.find("\"event\":\"resume-change\"") != std::string::npos && log.find("lr_g 0.0002 -> 1e-4") != std::string::npos,
             log.c_str());
    int changes = 0;
    for (const QString& line : QString::fromStdString(log).split('\n')) {
      if (!line.contains("\"event\":\"resume-change\"")) continue;
      if (line.contains("output folder")) continue;  // a new run folder: a true change
      ++changes;
      QVERIFY2(line.contains("lr_g"), qPrintable(line));  // the one change made
    }
    QCOMPARE(changes, 1);
  }

  void openedCheckpointIsExploredWithoutData() {
    const QString dir = tmp_.path() + "/cli-run";
    makeStoppedRun(dir);
    if (QTest::currentTestFailed()) return;
    MainWindow w;
    w.datasetPicker()->setSource("/no/such/data", "train");  // exploring needs no data
    w.openCheckpoint(dir + "/checkpoint.pt");
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!latentImage(w).isNull(), 30000);
    QVERIFY(w.lossPlot()->pointCount("loss_d") >= 3);  // the checkpoint's history is plotted
    const QImage before = latentImage(w);
    tSlider(w)->setValue(700);
    QTRY_VERIFY_WITH_TIMEOUT(latentImage(w) != before, 30000);

    // Truncation, the family's own control in the grid's Truncation box, applies to the grid and to the
    // explorer, whose slider follows it (no training runs: only it can change them).
    QTest::qWait(300);
    const QImage grid = w.sampleGrid()->image(), single = latentImage(w);
    QVERIFY(w.sampleGrid()->truncationBox()->isEnabled());
    QVERIFY(!w.sampleGrid()->values().contains("truncation"));  // off by default
    QVERIFY(!w.sampleGrid()->options()->control("truncation"));  // in the box, not among the other options
    QVERIFY(w.sampleGrid()->truncation()->setValue("truncation", "0.3"));
    QCOMPARE(latent(w)->controls()->values().value("truncation").toDouble(), 0.3);
    QCOMPARE(w.sampleGrid()->values().value("truncation").toDouble(), 0.3);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->image() != grid && latentImage(w) != single, 30000);
    // And back: the explorer's slider moves the box.
    QVERIFY(latent(w)->controls()->setValue("truncation", "1.2"));
    QCOMPARE(w.sampleGrid()->values().value("truncation").toDouble(), 1.2);
    QVERIFY(latent(w)->controls()->setValue("truncation", "off"));
    QVERIFY(!w.sampleGrid()->values().contains("truncation"));
    QVERIFY(latent(w)->info().contains("|z|"));
  }

  // The sample grid's Truncation box comes from the family: z's threshold for the latent families, psi
  // and cutoff for StyleGAN, the threshold and standing statistics for BigGAN; greyed out, with the
  // family's reason, for those without one. Fidelity-diversity waits for a model.
  void truncationBoxFollowsTheFamily() {
    MainWindow w;
    const gan::Registry r = gan::Registry::builtin();
    for (const auto& f : r.families()) {
      w.modelPicker()->setCurrentId(QString::fromStdString(f.id));
      auto* box = w.sampleGrid()->truncationBox();
      QCOMPARE(box->isEnabled(), bool(f.caps.truncation));
      if (!f.caps.truncation) {
        QCOMPARE(w.sampleGrid()->truncationReason(), QString::fromStdString(f.caps.truncation.why_none) + '.');
        QCOMPARE(box->toolTip(), w.sampleGrid()->truncationReason());
        QVERIFY(!w.sampleGrid()->truncation()->hasControls());
        continue;
      }
      QVERIFY2(w.sampleGrid()->truncation()->control(QString::fromStdString(f.caps.truncation.option)), f.id.c_str());
      QVERIFY(!w.sampleGrid()->options()->control(QString::fromStdString(f.caps.truncation.option)));
      QVERIFY(w.sampleGrid()->truncationReason().isEmpty());
      QVERIFY(!w.sampleGrid()->sweepButton()->isEnabled());  // no model yet
    }
    w.modelPicker()->setCurrentId("stylegan");
    QVERIFY(w.sampleGrid()->truncation()->control("psi") && w.sampleGrid()->truncation()->control("cutoff"));
    QVERIFY(w.sampleGrid()->options()->control("noise"));  // the other sample options stay below
    QVERIFY(w.sampleGrid()->truncation()->setValue("psi", "0.4"));
    QCOMPARE(latent(w)->controls()->values().value("psi").toDouble(), 0.4);  // the explorer's psi follows
    w.modelPicker()->setCurrentId("cyclegan");
    QVERIFY(w.sampleGrid()->truncationReason().contains("nothing to truncate"));
    w.modelPicker()->setCurrentId("biggan");
    QVERIFY(w.sampleGrid()->truncation()->control("standing"));
    // Without a model, the window says so rather than measuring nothing.
    QVERIFY(!w.action("sweep")->isEnabled());
    QVERIFY(!w.startSweep("default", 20));
    QVERIFY(w.sweepWindow()->status().contains("nothing to measure"));
  }

  // File > Open TorchScript generator: one exported by `gan-explorer export`, explored as a latent family
  // (the grid, the explorer, truncation), not continued (Start begins a new run) nor saved; a file that is
  // no module and a wrong latent size get their reason. Then its fidelity-diversity curve, on a worker.
  void torchScriptGeneratorIsExploredAndMeasured() {
    const QString run = tmp_.path() + "/export-run", path = tmp_.path() + "/gen.pt";
    makeStoppedRun(run);
    if (QTest::currentTestFailed()) return;
    QCOMPARE(QProcess::execute(GAN_EXPLORER_BIN, {"export", "--checkpoint", run + "/checkpoint.pt", "--out", path}), 0);
    MainWindow w;
    w.show();
    w.datasetPicker()->setSource(data_, "train");  // the sweep's reference
    w.openGenerator(data_, 8, 0);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Failed, 30000);
    QVERIFY2(w.messageBar()->text().contains("is not a TorchScript module"), qPrintable(w.messageBar()->text()));
    w.openGenerator(path, 5, 0);
    QTRY_VERIFY_WITH_TIMEOUT(w.messageBar()->text().contains("forward(z) failed for latents N x 5"), 30000);
    QVERIFY(!w.sampleGrid()->sweepButton()->isEnabled());  // nothing held yet
    w.openGenerator(path, 8, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!latentImage(w).isNull(), 30000);
    QCOMPARE(latentImage(w).size(), QSize(16, 16));
    QVERIFY(w.statusBar()->currentMessage().contains("a TorchScript generator: 16x16, 1 channel") ||
            w.messageBar()->text().contains("a TorchScript generator: 16x16, 1 channel"));
    QString label;  // the status bar's run label: what is held, with its weights counted
    for (auto* l : w.statusBar()->findChildren<QLabel*>())
      if (l->text().startsWith("TorchScript generator · ")) label = l->text();
    QVERIFY2(label.contains(QRegularExpression(" · [1-9][0-9]* parameters · ")), qPrintable(label));
    QVERIFY(w.continueFrom().isEmpty());  // Start begins a new run of the family picked
    QVERIFY(!w.action("save")->isEnabled());
    QVERIFY(w.sampleGrid()->truncationBox()->isEnabled());
    const QImage grid = w.sampleGrid()->image();
    QVERIFY(w.sampleGrid()->truncation()->setValue("truncation", "0.2"));
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->image() != grid, 30000);
    QVERIFY(w.sampleGrid()->sweepButton()->isEnabled() && w.action("sweep")->isEnabled());
    QVERIFY(w.recentFiles().isEmpty());  // Open recent lists checkpoints

    // Fidelity-diversity: 20 samples at two values, plotted and listed as they come.
    QVERIFY(w.startSweep("off,0.5", 20));
    auto* sweep = w.sweepWindow();
    QVERIFY(sweep->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!sweep->running() && sweep->status().startsWith("Done"), 180000);
    QCOMPARE(sweep->points().size(), 2);
    QCOMPARE(sweep->points()[0].first, QString("off"));
    QCOMPARE(sweep->points()[1].second.nFake, 20);
    QCOMPARE(sweep->table()->rowCount(), 2);
    QCOMPARE(sweep->table()->item(1, 0)->text(), QString("0.5"));
    QVERIFY(sweep->table()->item(1, 0)->toolTip().contains("extractor: "));
    QVERIFY(sweep->table()->item(1, 0)->toolTip().contains("real 40, fake 20"));
    QCOMPARE(sweep->plot()->plottableCount(), 1);
    QCOMPARE(sweep->plot()->itemCount(), 2);  // each point labelled with its value
    const QString saved = tmp_.path() + "/sweep.json";
    QVERIFY(sweep->saveJson(saved));
    QFile f(saved);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto j = nlohmann::json::parse(f.readAll().toStdString());
    QCOMPARE(j["points"].size(), size_t(2));
    QCOMPARE(j["points"][1]["value"].get<std::string>(), std::string("0.5"));
    // A bad value is refused with its reason.
    QVERIFY(w.startSweep("off,0.01", 20));
    QTRY_VERIFY_WITH_TIMEOUT(!sweep->running() && sweep->status().startsWith("Stopped"), 30000);
  }

  // What File › Open TorchScript generator asks once the file is chosen: Open only for a class count
  // the engine takes.
  void generatorDialogAsksTheShape() {
    ui::GeneratorDialog d(tmp_.path() + "/g.pt", 64, 0);
    QCOMPARE(d.latentDim(), 64);
    QCOMPARE(d.classes(), 0);
    QVERIFY(d.buttons()->button(QDialogButtonBox::Open)->isEnabled() && d.problem().isEmpty());
    d.setShape(128, 1);
    QVERIFY(!d.buttons()->button(QDialogButtonBox::Open)->isEnabled());
    QVERIFY(d.problem().contains("at least 2 classes"));
    d.setShape(0, 10);  // a size below 1 is taken as 1
    QCOMPARE(d.latentDim(), 1);
    QVERIFY(d.buttons()->button(QDialogButtonBox::Open)->isEnabled());
  }

  // While a run trains, the sweep measures a copy of its generator made between steps.
  void sweepOfATrainingRun() {
    MainWindow w;
    makeTiny(w);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 3, 30000);
    QVERIFY(w.startSweep("off,1", 20));
    QTRY_VERIFY_WITH_TIMEOUT(!w.sweepWindow()->running() && w.sweepWindow()->points().size() == 2, 180000);
    QVERIFY(w.sweepWindow()->points()[0].second.step >= 3);
    QVERIFY(w.state() == ui::UiState::Running);  // training went on
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
  }

  // SAGAN's attention panel: a click on its image picks the query position, and the map follows it.
  void saganAttentionFollowsAClick() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("sagan");
    w.datasetPicker()->setSource(data_, "train");
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}, {"batch", "8"},
                        {"attention_res", "8"}})
      p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
    ui::ExplorePanel* panel = w.explorePanel("attention");
    QVERIFY(panel);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 3, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->outputImage("attention").isNull(), 30000);
    QCOMPARE(panel->outputImage("image").size(), QSize(256, 256));  // 16 px drawn at 16x
    QVERIFY(panel->info().contains("positions attended"));
    const QImage before = panel->outputImage("attention");
    QCOMPARE(panel->controls()->values().value("query"), QString("0.5,0.5"));
    auto views = panel->findChildren<ui::ImageView*>();
    QCOMPARE(views.size(), 2);
    ui::ImageView* view = views.front();
    const QRect r = view->imageRect();
    QVERIFY(!r.isEmpty());
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(r.left() + r.width() / 8, r.top() + r.height() * 7 / 8));
    const QStringList q = panel->controls()->values().value("query").split(',');
    QCOMPARE(q.size(), 2);
    QVERIFY2(std::abs(q[0].toDouble() - 0.125) < 0.01 && std::abs(q[1].toDouble() - 0.875) < 0.01,
             qPrintable(q.join(",")));
    // Another cell of the 8x8 map is outlined (the map itself may or may not differ at this stage).
    QTRY_VERIFY_WITH_TIMEOUT(panel->outputImage("attention") != before, 30000);
  }

  // The 2-D toys: no data to choose (the family draws its own), the plane drawn live, and the modes
  // covered plotted as the family measures them.
  void toyTrainsOnItsOwnDataAndDrawsThePlane() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("toy");
    QVERIFY(!w.datasetPicker());
    QVERIFY(!w.metricSettings()->isVisibleTo(&w));
    bool said = false;
    for (auto* label : w.findChildren<QLabel*>()) said = said || label->text().contains("Its own: points drawn");
    QVERIFY(said);
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"g_hidden", "16"}, {"d_hidden", "16"}, {"batch", "64"}, {"loss", "lsgan"}}) p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
    ui::ExplorePanel* panel = w.explorePanel("plane");
    QVERIFY(panel);
    QCOMPARE(panel->controls()->values().value("points"), QString("1000"));  // a whole-number slider hits 1000
    QVERIFY(w.sampleGrid()->message().startsWith("Press Start"));
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->message().startsWith("Press Start"), 10000);  // preparing, then the run
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("modes") >= 1, 60000);
    QVERIFY(w.lossPlot()->pointCount("hq") >= 1);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->outputImage("plane").isNull(), 30000);
    QCOMPARE(panel->outputImage("plane").size(), QSize(384, 384));
    QVERIFY2(panel->info().contains("modes covered") && panel->info().contains("D lowest"), qPrintable(panel->info()));
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
  }

  // CycleGAN: a data picker per domain, its translations as the training view, and images dropped on
  // the translation panel come back translated, reconstructed and with a heat map of the cycle error.
  void cycleGanTranslatesDroppedImages() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("cyclegan");
    QVERIFY(w.datasetPicker("A") && w.datasetPicker("B") && !w.datasetPicker("images"));
    QVERIFY(w.datasetPicker("A")->spec().contains("Sneaker"));  // the family's default pair
    w.datasetPicker("A")->setSpec(data_ + ":0", "train");
    w.datasetPicker("B")->setSpec(data_ + ":1", "train");
    QCOMPARE(w.datasetPicker("B")->classes(), QString("1"));
    QVERIFY(!w.metricSettings()->isVisibleTo(&w));  // no FID from noise for a translation family
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"g_blocks", "1"}}) p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
    QCOMPARE(w.explorePanels().size(), 1);
    ui::ExplorePanel* panel = w.explorePanel("translate");
    QVERIFY(panel);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_cycle") > 0, 30000);
    QVERIFY(w.lossPlot()->pointCount("loss_identity") > 0);
    // The training view: A's and B's fixed images, translated and back, a row each (4 images of class 0).
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QCOMPARE(w.sampleGrid()->image().size(), QSize(4 * 18 + 2, 6 * 18 + 2));
    QVERIFY(w.sampleGrid()->caption().contains("A → B → A"));

    // Drop a colour PNG of another size, and a file that is not an image, on the panel.
    const QString png = tmp_.path() + "/drop.png", text = tmp_.path() + "/notes.txt";
    QImage colour(40, 24, QImage::Format_RGB888);
    colour.fill(QColor(200, 60, 30));
    QVERIFY(colour.save(png));
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("hello");
    f.close();
    ui::ImageInput* input = panel->controls()->imageInput("images");
    QVERIFY(input);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(png), QUrl::fromLocalFile(text)});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(input, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(input, &drop);
    QCOMPARE(input->images().size(), 1);
    QVERIFY2(input->problems().contains("notes.txt is not an image"), qPrintable(input->problems()));
    QTRY_VERIFY_WITH_TIMEOUT(!panel->outputImage("error").isNull(), 30000);
    for (const char* id : {"input", "translation", "reconstruction", "error"})
      QCOMPARE(panel->outputImage(id).size(), QSize(16 + 4, 16 + 4));
    QVERIFY(panel->outputImage("error").format() != QImage::Format_Grayscale8);  // a colour heat map
    QVERIFY(panel->info().contains("mean cycle error"));
    QVERIFY(panel->outputText("errors").startsWith("1: "));
    QCOMPARE(w.state(), ui::UiState::Running);  // it answered while training ran
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);

    // Opened without data, the checkpoint still translates.
    MainWindow again;
    again.openCheckpoint(w.runDir() + "/checkpoint.pt");
    QTRY_VERIFY_WITH_TIMEOUT(!again.sampleGrid()->image().isNull(), 30000);
    ui::ExplorePanel* opened = again.explorePanel("translate");
    QVERIFY(opened);
    opened->controls()->imageInput("images")->addFiles({png, png});
    QVERIFY(opened->controls()->setValue("direction", "BtoA"));
    QTRY_COMPARE_WITH_TIMEOUT(opened->outputImage("translation").size(), QSize(16 + 4, 2 * 16 + 6), 30000);

    // File > Translate a folder, through its dialog: the same folder as input and output is refused
    // with the reason; then every image of the folder is translated and saved, with a progress dialog
    // (the text file beside them is not an image name, and is left out).
    const QString in = tmp_.path() + "/to-translate", out = tmp_.path() + "/translated";
    QVERIFY(QDir().mkpath(in));
    for (int i = 0; i < 5; ++i) QVERIFY(colour.save(in + QString("/c%1.png").arg(i)));
    QVERIFY(QFile::copy(text, in + "/notes.txt"));
    QVERIFY(again.action("translate-folder")->isEnabled());
    {
      MainWindow none;  // nothing held: nothing to translate with
      QVERIFY(!none.action("translate-folder")->isEnabled());
    }
    QString refused;
    onNextDialog<ui::TranslateDialog>([&](ui::TranslateDialog* d) {
      d->setChoice({in, in, {{"direction", "BtoA"}}});
      refused = d->problem();
      if (d->buttons()->button(QDialogButtonBox::Ok)->isEnabled()) refused += " (but OK was offered)";
      d->setChoice({in, out, {{"direction", "BtoA"}}});
      QCOMPARE(d->choice().options.value("direction"), QString("BtoA"));  // the family's option, in the dialog
      d->buttons()->button(QDialogButtonBox::Ok)->click();
    });
    again.action("translate-folder")->trigger();
    QCOMPARE(refused, QString("Write the translations to another folder than the images'."));
    QVERIFY(again.translationProgress() != nullptr);
    QVERIFY(!again.action("translate-folder")->isEnabled());  // one at a time
    QTRY_VERIFY_WITH_TIMEOUT(!again.lastTranslation().isEmpty(), 30000);
    QVERIFY2(again.lastTranslation().startsWith("wrote 5 translation(s) into " + out), qPrintable(again.lastTranslation()));
    QVERIFY(again.translationProgress() == nullptr && again.action("translate-folder")->isEnabled());
    for (int i = 0; i < 5; ++i) {
      QImage back(out + QString("/c%1_BtoA.png").arg(i));
      QCOMPARE(back.size(), QSize(16, 16));
    }
    // A folder without images says so at once.
    const QString empty = tmp_.path() + "/no-images";
    QVERIFY(QDir().mkpath(empty));
    QVERIFY(!again.translateFolder(empty, out, {{"direction", "AtoB"}}));
    QVERIFY2(again.messageBar()->text().contains("has no images"), qPrintable(again.messageBar()->text()));
  }

  // StarGAN: the training view has a row per domain; the translation panel translates into a chosen
  // domain or all of them; on an attribute file, the panel has a box per attribute, and ticking one
  // changes the translation.
  void starGanTranslatesIntoAChosenDomainAndTogglesAttributes() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("stargan");
    w.datasetPicker()->setSpec(data_ + ":0,1,2", "train");
    QVERIFY(w.datasetPicker("second"));  // the mask vector's second dataset: none unless chosen
    QCOMPARE(w.datasetPicker("second")->kind(), ui::DatasetPicker::Kind::None);
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"g_blocks", "1"}, {"d_steps", "1"},
                        {"batch", "4"}})
      p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
    ui::ExplorePanel* panel = w.explorePanel("translate");
    QVERIFY(panel);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_rec") > 0, 30000);
    for (const char* id : {"loss_d_adv", "loss_gp", "loss_d_cls", "loss_g_cls"}) QVERIFY2(w.lossPlot()->pointCount(id) > 0, id);
    // The training view: 8 fixed images, then their translations into each of the 3 domains.
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QCOMPARE(w.sampleGrid()->image().size(), QSize(8 * 18 + 2, 4 * 18 + 2));
    QVERIFY(w.sampleGrid()->caption().contains("→ 2"));
    // Attributes have no box on a class run; the domain picker lists "all" and the three classes.
    QVERIFY(!panel->controls()->control("attrs")->isVisibleTo(panel));
    auto* domain = qobject_cast<QComboBox*>(panel->controls()->control("domain"));
    QVERIFY(domain && domain->count() == 4);
    const QString png = tmp_.path() + "/star.png";
    QImage grey(16, 16, QImage::Format_Grayscale8);
    grey.fill(40);
    QVERIFY(grey.save(png));
    panel->controls()->imageInput("images")->addFiles({png, png});
    // All domains: a row each, a column per image.
    QTRY_COMPARE_WITH_TIMEOUT(panel->outputImage("translation").size(), QSize(2 * 18 + 2, 4 * 18 + 2), 30000);
    QCOMPARE(panel->outputText("targets"), QString("Input\n→ 0\n→ 1\n→ 2"));
    QVERIFY(panel->controls()->setValue("domain", "1"));  // one chosen domain: one row under the inputs
    QTRY_COMPARE_WITH_TIMEOUT(panel->outputImage("translation").size(), QSize(2 * 18 + 2, 2 * 18 + 2), 30000);
    QCOMPARE(panel->outputText("targets"), QString("Input\n→ 1"));
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    // File > Translate a folder offers the family's options: a domain (All writes a file each) and strength.
    ui::TranslateDialog* dialog = w.showTranslateDialog(tmp_.path(), tmp_.path() + "/star-out");
    auto* dialog_domain = qobject_cast<QComboBox*>(dialog->options()->control("domain"));
    QVERIFY(dialog_domain && dialog_domain->itemText(0) == "All (a file each)" && dialog_domain->count() == 4);
    QCOMPARE(dialog->choice().options.value("domain"), QString("all"));
    QCOMPARE(dialog->choice().options.value("strength"), QString("1"));
    QVERIFY(!dialog->choice().options.contains("attrs"));  // a class run: no attribute boxes
    dialog->close();

    // An attribute file beside its images: "band" (a bright band) and "dot" (a white corner).
    const QString dir = tmp_.path() + "/celeb";
    QVERIFY(QDir().mkpath(dir));
    QFile list(dir + "/list_attr.txt");
    QVERIFY(list.open(QIODevice::WriteOnly | QIODevice::Text));
    QTextStream out(&list);
    out << 12 << "\n" << "band dot\n";
    for (int i = 0; i < 12; ++i) {
      QImage im(20, 20, QImage::Format_Grayscale8);
      im.fill(30);
      const bool band = i % 2, dot = (i / 2) % 2;
      for (int x = 0; x < 20 && band; ++x)
        for (int y = 8; y < 12; ++y) im.setPixel(x, y, qRgb(220, 220, 220));
      for (int x = 0; x < 4 && dot; ++x)
        for (int y = 0; y < 4; ++y) im.setPixel(x, y, qRgb(255, 255, 255));
      QVERIFY(im.save(dir + QString("/%1.png").arg(i)));
      out << i << ".png " << (band ? 1 : -1) << " " << (dot ? 1 : -1) << "\n";
    }
    list.close();
    MainWindow a;
    a.show();
    a.modelPicker()->setCurrentId("stargan");
    a.datasetPicker()->setSpec(dir + "/list_attr.txt", "train");
    QCOMPARE(a.datasetPicker()->kind(), ui::DatasetPicker::Kind::IdxFile);
    a.form()->setValues(p);
    a.controls()->setTotalSteps(1000000);
    ui::ExplorePanel* ap = a.explorePanel("translate");
    QTest::mouseClick(a.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(a.lossPlot()->pointCount("loss_rec") > 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(ap->controls()->control("attrs")->isVisibleTo(ap), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(a.sampleGrid()->caption().contains("flip dot"), 30000);
    auto* box = ap->controls()->control("attrs")->findChild<QCheckBox*>("band");
    QVERIFY(box && !box->isChecked());
    QVERIFY(ap->controls()->setValue("domain", "1"));  // the ticked attributes with "dot" (number 1) flipped
    ap->controls()->imageInput("images")->addFiles({png});
    QTRY_VERIFY_WITH_TIMEOUT(!ap->outputImage("translation").isNull(), 30000);
    QCOMPARE(ap->outputText("targets"), QString("Input\n→ flip dot"));
    QTest::mouseClick(a.controls()->pauseButton(), Qt::LeftButton);  // the model stays as it is
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), ui::UiState::Paused, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(ap->controls()->values().value("attrs") == "band=0,dot=0", 30000);
    const QImage before = ap->outputImage("translation");
    box->click();  // tick "band": another target, another image
    QCOMPARE(ap->controls()->values().value("attrs"), QString("band=1,dot=0"));
    QTRY_VERIFY_WITH_TIMEOUT(ap->outputImage("translation") != before, 30000);
    QTest::mouseClick(a.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(a.state(), ui::UiState::Finished, 30000);
  }

  // Each data stream trains on its own split: CycleGAN's A from Fashion-MNIST's test split, B from a
  // file (train), as the run's log records them.
  void eachStreamKeepsItsOwnSplit() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("cyclegan");
    w.datasetPicker("A")->setSpec("fashion-mnist:Sneaker", "test");
    w.datasetPicker("B")->setSpec(data_ + ":1", "train");
    QCOMPARE(w.datasetPicker("A")->split(), QString("test"));
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "4"}, {"ndf", "4"}, {"g_blocks", "1"}}) p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 60000);
    QFile log(w.runDir() + "/log.jsonl");
    QVERIFY(log.open(QIODevice::ReadOnly));
    const auto first = nlohmann::json::parse(log.readLine().toStdString());
    QCOMPARE(first["config"]["data"]["A"]["split"].get<std::string>(), std::string("test"));
    QCOMPARE(first["config"]["data"]["B"]["split"].get<std::string>(), std::string("train"));
  }

  void damagedCheckpointGetsAMessage() {
    MainWindow w;
    const QString bad = tmp_.path() + "/bad.pt";
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a checkpoint");
    f.close();
    w.openCheckpoint(bad);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Failed, 30000);
    QVERIFY2(w.messageBar()->text().contains("not a GAN Explorer checkpoint"), qPrintable(w.messageBar()->text()));
    QVERIFY(w.controls()->startButton()->isEnabled());  // the app goes on
    // The failed open holds nothing: Start begins a new run, and its own problem is the one shown.
    QVERIFY(w.continueFrom().isEmpty());
    QCOMPARE(w.controls()->startButton()->text(), QString("Start"));
    const QString empty = tmp_.path() + "/no-images";
    QDir().mkpath(empty);
    w.datasetPicker()->setSource(empty, "train");
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.state() == ui::UiState::Failed && !w.messageBar()->text().contains("checkpoint"), 30000);
    QVERIFY2(w.messageBar()->text().contains("no-images"), qPrintable(w.messageBar()->text()));
  }

  // A run is a document: after Stop, Start reads Continue and carries on in the same folder; Save works
  // after Stop (a copy of the checkpoint on disk); the run's log holds both stretches.
  void stopThenStartContinuesTheRun() {
    MainWindow w;
    makeTiny(w);
    QCOMPARE(w.controls()->startButton()->text(), QString("Start"));
    QVERIFY(!w.action("save")->isEnabled());
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 12, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    const QString dir = w.runDir();
    QCOMPARE(w.controls()->startButton()->text(), QString("Continue"));
    QCOMPARE(w.continueFrom(), dir + "/checkpoint.pt");
    QCOMPARE(w.continueInto(), dir);
    QVERIFY(w.action("save")->isEnabled());
    const QString copy = tmp_.path() + "/copy-after-stop.pt";
    QVERIFY(w.saveCheckpoint(copy));
    QCOMPARE(testutil::read_text(copy.toStdString()), testutil::read_text((dir + "/checkpoint.pt").toStdString()));
    QCOMPARE(w.recentFiles().value(0), copy);
    // File > Export > Interpolation as animation, from the stopped run's generator.
    // Through its dialog: a path that is not .gif or .mp4 is named and OK withheld; the file is written.
    QVERIFY(w.action("export-animation")->isEnabled());
    const QString walk = tmp_.path() + "/walk.gif";
    QString refused;
    onNextDialog<ui::AnimationDialog>([&](ui::AnimationDialog* d) {
      d->pathEdit()->setText(tmp_.path() + "/walk.png");
      refused = d->problem();
      if (d->buttons()->button(QDialogButtonBox::Ok)->isEnabled()) refused += " (but OK was offered)";
      d->setChoice({1, 2, 4, 12, true, walk});
      d->buttons()->button(QDialogButtonBox::Ok)->click();
    });
    w.action("export-animation")->trigger();
    QVERIFY2(refused.startsWith("The file must end in .gif") && !refused.contains("offered"), qPrintable(refused));
    QTRY_VERIFY_WITH_TIMEOUT(!w.lastExport().isEmpty(), 30000);
    QVERIFY2(w.lastExport().contains("6 frames of 256x256"), qPrintable(w.lastExport()));
    QCOMPARE(gan::read_animation_info(walk.toStdString()).frames, 6);
    // Again onto the same file: replaced only when the user says so.
    QString question;
    onNextDialog<ui::AnimationDialog>([&](ui::AnimationDialog* d) {
      d->setChoice({1, 2, 3, 12, false, walk});
      answerNextBox("Cancel", &question);
      d->buttons()->button(QDialogButtonBox::Ok)->click();  // asks; Cancel keeps the dialog open
      QVERIFY(d->isVisible());
      answerNextBox("Yes");
      d->buttons()->button(QDialogButtonBox::Ok)->click();
    });
    w.action("export-animation")->trigger();
    QVERIFY2(question.contains("already exists. Replace it?"), qPrintable(question));
    QTRY_COMPARE_WITH_TIMEOUT(gan::read_animation_info(walk.toStdString()).frames, 3, 30000);

    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);  // Continue
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Running, 30000);
    QCOMPARE(w.runDir(), dir);
    QTest::qWait(300);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    const QString log = QString::fromStdString(testutil::read_text((dir + "/log.jsonl").toStdString()));
    QCOMPARE(countIn(log, "\"event\":\"stopped\""), 2);
    QVERIFY(!QFileInfo::exists(dir + "-2"));
  }

  // New run asks while a run trains: Cancel leaves it training; agreeing stops and saves it, then lets
  // it go, and the next Start makes a new folder.
  void newRunAsksWhileTraining() {
    MainWindow w;
    makeTiny(w);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Running, 30000);
    const QString first = w.runDir();
    QString question;
    answerNextBox("Cancel", &question);
    QVERIFY(!w.newRun());
    QVERIFY2(question.contains("A run is training"), qPrintable(question));
    QCOMPARE(w.state(), ui::UiState::Running);
    answerNextBox("Stop, save and begin");
    QVERIFY(w.newRun());
    QTRY_VERIFY_WITH_TIMEOUT(w.state() == ui::UiState::Finished && w.continueFrom().isEmpty(), 30000);
    QVERIFY(QFileInfo::exists(first + "/checkpoint.pt"));
    QCOMPARE(w.controls()->startButton()->text(), QString("Start"));
    QCOMPARE(w.lossPlot()->pointCount("loss_d"), 0);
    QVERIFY(!w.action("save")->isEnabled());
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Running, 30000);
    QVERIFY(w.runDir() != first);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    // Stopped, nothing is unsaved: New run lets the run go without asking.
    QVERIFY(w.newRun());
    QVERIFY(w.continueFrom().isEmpty());
  }

  // Quit while training asks: Cancel keeps the window and the run; Save and quit saves the run; Quit
  // without saving leaves the checkpoint on disk as it was.
  void quitWhileTrainingAsks() {
    QString dir;
    {
      MainWindow w;
      w.show();
      makeTiny(w);
      QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
      QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Running, 30000);
      dir = w.runDir();
      QString question;
      answerNextBox("Cancel", &question);
      QVERIFY(!w.close());
      QVERIFY2(question.contains("Save and quit stops it and saves its checkpoint in " + dir), qPrintable(question));
      QVERIFY2(question.contains("no checkpoint of this run has been saved yet"), qPrintable(question));
      QCOMPARE(w.state(), ui::UiState::Running);
      answerNextBox("Save and quit");
      QVERIFY(w.close());
    }
    QVERIFY(QFileInfo::exists(dir + "/checkpoint.pt"));
    const QDateTime first_written = QFileInfo(dir + "/checkpoint.pt").lastModified();
    const QString first_dir = dir;
    // Continued in its own folder, then quit without saving: the file keeps the step it had.
    {
      MainWindow w;
      w.show();
      w.openCheckpoint(dir + "/checkpoint.pt");
      QTRY_VERIFY_WITH_TIMEOUT(!w.continueFrom().isEmpty(), 30000);
      w.controls()->setTotalSteps(1000000);
      QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
      QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Running, 30000);
      const QString dir2 = w.runDir();
      QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") > 3, 30000);
      QString question;
      answerNextBox("Quit without saving", &question);
      QVERIFY(w.close());
      QVERIFY2(question.contains("Quit without saving keeps only"), qPrintable(question));
      dir = dir2;
    }
    // An opened checkpoint continues in a new folder, so a run quit without saving has no checkpoint
    // there, and its log says it was let go.
    QVERIFY(!QFileInfo::exists(dir + "/checkpoint.pt"));
    QFile log(dir + "/log.jsonl");
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("discarded: not saved"));
    QCOMPARE(QFileInfo(first_dir + "/checkpoint.pt").lastModified(), first_written);
  }

  // Settings survive a restart: the metric settings, the sample interval and the window's size.
  void settingsSurviveARestart() {
    {
      MainWindow w;
      w.show();
      w.metricSettings()->setValues(true, 123, 700, {}, 0);
      w.controls()->setSampleEvery(17);
      w.resize(1111, 777);
      QVERIFY(w.sampleGrid()->truncation()->setValue("truncation", "0.5"));
      QVERIFY(latent(w)->controls()->setValue("mode", "lerp"));
      QVERIFY(w.close());
    }
    MainWindow again;
    QVERIFY(again.metricSettings()->enabled());
    QCOMPARE(again.metricSettings()->every(), 123);
    QCOMPARE(again.metricSettings()->samples(), 700);
    QCOMPARE(again.controls()->sampleEvery(), 17);
    QCOMPARE(again.size(), QSize(1111, 777));
    QCOMPARE(again.sampleGrid()->values().value("truncation").toDouble(), 0.5);  // the grid's truncation
    QCOMPARE(latent(again)->controls()->values().value("mode"), QString("lerp"));  // and the panels'
    QCOMPARE(latent(again)->controls()->values().value("truncation").toDouble(), 0.5);  // which follow the box
    QVERIFY(again.sampleGrid()->truncation()->setValue("truncation", "off"));
    QVERIFY(again.close());
    MainWindow third;
    QVERIFY(!third.sampleGrid()->values().contains("truncation"));  // switched off, and remembered so
  }

  // Opened checkpoints are listed under File > Open recent, newest first, in a later window too; the
  // entry opens it.
  void recentFilesAreRemembered() {
    const QString dir = tmp_.path() + "/recent-run";
    makeStoppedRun(dir);
    if (QTest::currentTestFailed()) return;
    {
      MainWindow w;
      w.openCheckpoint(dir + "/checkpoint.pt");
      QTRY_COMPARE_WITH_TIMEOUT(w.continueFrom(), dir + "/checkpoint.pt", 30000);
      QCOMPARE(w.controls()->startButton()->text(), QString("Continue"));
      QVERIFY(w.continueInto().isEmpty());  // an opened checkpoint continues in a new folder
    }
    MainWindow w;
    QCOMPARE(w.recentFiles(), QStringList{dir + "/checkpoint.pt"});
    QAction* entry = nullptr;
    for (QAction* a : w.recentMenu()->actions())
      if (a->text().contains("checkpoint.pt") && a->text().contains(dir)) entry = a;
    QVERIFY(entry);
    entry->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QCOMPARE(w.continueFrom(), dir + "/checkpoint.pt");
    QVERIFY(QFile::remove(dir + "/checkpoint.pt"));
    QVERIFY(w.recentFiles().isEmpty());  // a file gone from disk is not offered
  }

  // Compare checkpoints: two runs side by side on the same seeds, one slider driving both; a checkpoint
  // whose latent has another size is shown but not compared, saying why.
  void compareTwoCheckpointsSideBySide() {
    const QString a = tmp_.path() + "/cmp-a", b = tmp_.path() + "/cmp-b", c = tmp_.path() + "/cmp-c";
    makeStoppedRun(a);
    makeStoppedRun(b, 0);
    makeStoppedRun(c, 0, "12");
    if (QTest::currentTestFailed()) return;
    MainWindow w;
    ui::CompareWindow* cmp = w.compare({a + "/checkpoint.pt", b + "/checkpoint.pt", c + "/checkpoint.pt"});
    QVERIFY(cmp->isVisible());
    QCOMPARE(cmp->columns(), 3);
    QTRY_VERIFY2_WITH_TIMEOUT(!cmp->viewImage(0).isNull() && !cmp->viewImage(1).isNull(),
                              qPrintable(cmp->columnMessage(0) + " | " + cmp->columnMessage(1)), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!cmp->gridImage(0).isNull() && !cmp->gridImage(1).isNull(), 30000);
    QCOMPARE(cmp->viewId(), QString("latent"));
    QVERIFY2(cmp->columnTitle(0).startsWith("DCGAN · step "), qPrintable(cmp->columnTitle(0)));
    QTRY_VERIFY_WITH_TIMEOUT(cmp->columnMessage(2).contains("latent has 12 dimensions, the others' 8"), 30000);
    QVERIFY(cmp->viewImage(2).isNull());
    QCOMPARE(cmp->gridImage(0).size(), cmp->gridImage(1).size());
    // One slider drives every column; the grid seed too.
    const QImage v0 = cmp->viewImage(0), v1 = cmp->viewImage(1), g0 = cmp->gridImage(0);
    QVERIFY(cmp->controls()->setValue("t", "1"));
    QTRY_VERIFY_WITH_TIMEOUT(cmp->viewImage(0) != v0 && cmp->viewImage(1) != v1, 30000);
    cmp->seedBox()->setValue(7);
    QTRY_VERIFY_WITH_TIMEOUT(cmp->gridImage(0) != g0, 30000);
  }

  // Every button, check box and tool button of the window has a tooltip, for every family's panels.
  void everyButtonHasATooltip() {
    MainWindow w;
    QStringList missing;
    for (const char* model : {"dcgan", "acgan", "cyclegan", "sagan", "toy", "progan"}) {
      w.modelPicker()->setCurrentId(model);
      for (QAbstractButton* b : w.findChildren<QAbstractButton*>())
        if (b->toolTip().isEmpty() && b->isVisibleTo(&w) && !qobject_cast<QTabBar*>(b->parentWidget()))  // not a tab bar's scroll arrows
          missing << QString("%1: %2 (%3)").arg(model, b->text(), b->metaObject()->className());
    }
    missing.removeDuplicates();
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join("; ")));
  }

  // Help: F1 opens the README's sections, the About box names each family's paper, every shortcut is
  // listed, and the images can be saved from a right click.
  void helpAboutShortcutsAndSaveImage() {
    MainWindow w;
    QCOMPARE(w.action("help")->shortcut(), QKeySequence(QKeySequence::HelpContents));
    w.action("help")->trigger();
    QVERIFY(w.helpWindow() && w.helpWindow()->isVisible());
    QVERIFY2(w.helpWindow()->sections().contains("The GAN zoo"), qPrintable(w.helpWindow()->sections().join("|")));
    QCOMPARE(w.helpWindow()->contents()->count(), w.helpWindow()->sections().size());
    QVERIFY(w.helpWindow()->showSection("The GAN zoo"));
    QVERIFY(w.helpWindow()->browser()->textCursor().block().text().contains("The GAN zoo"));
    QVERIFY(!w.helpWindow()->showSection("No such section"));
    QVERIFY(w.helpWindow()->browser()->toPlainText().contains("gan-explorer train"));
    const QString about = w.aboutText();
    for (const char* paper : {"arXiv:1406.2661", "arXiv:1704.00028", "arXiv:1805.08318"})
      QVERIFY2(about.contains(paper), paper);
    const QStringList keys = w.shortcutList();
    for (const char* line : {"Start / Pause / Resume\tSpace", "Step\tF10", "New run\tCtrl+N"})
      QVERIFY2(keys.contains(line), qPrintable(keys.join(" | ")));
    QVERIFY(!w.windowIcon().isNull());
    QVERIFY(w.minimumWidth() >= 900);

    QMenu* menu = w.sampleGrid()->view()->makeContextMenu(&w);
    QCOMPARE(menu->actions().value(0)->text(), QString("Save image…"));
    QVERIFY(!menu->actions().value(0)->isEnabled());  // no image yet
    delete menu;
    QImage img(20, 10, QImage::Format_RGB32);
    img.fill(Qt::red);
    w.sampleGrid()->view()->setImage(img);
    menu = w.sampleGrid()->view()->makeContextMenu(&w);
    QVERIFY(menu->actions().value(0)->isEnabled());
    delete menu;
    const QString png = tmp_.path() + "/grid.png";
    QVERIFY(w.sampleGrid()->view()->saveImage(png));
    QCOMPARE(QImage(png).size(), QSize(20, 10));
    QString error;
    QVERIFY(!w.sampleGrid()->view()->saveImage("/no/such/folder/x.png", &error));
    QVERIFY2(error.contains("/no/such/folder/x.png"), qPrintable(error));
  }
};

QTEST_MAIN(TestGui)
#include "test_gui.moc"
