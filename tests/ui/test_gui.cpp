// ui/ and app/: the real main window on the offscreen platform, clicked as a user would.
#include <QPushButton>
#include <QSlider>
#include <QtTest>

#include "app/main_window.h"
#include "tests/support/test_util.h"
#include "ui/class_picker.h"
#include "ui/dataset_picker.h"
#include "ui/model_picker.h"
#include "ui/hyperparam_form.h"
#include "ui/latent_explorer.h"
#include "ui/loss_plot.h"
#include "ui/message_bar.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/sample_grid.h"
#include "ui/training_controls.h"
#include "ui/truncation_control.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <cmath>

class TestGui : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  QString data_;

  void makeTiny(MainWindow& w) {
    w.datasetPicker()->setSource(data_, "train");
    gan::ParamSet p;
    for (auto [k, v] : {std::pair{"resolution", "16"}, {"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}, {"batch", "8"}})
      p.set(k, v);
    w.form()->setValues(p);
    w.controls()->setTotalSteps(1000000);
  }

 private slots:
  void initTestCase() {
    qputenv("GAN_EXPLORER_RUNS", (tmp_.path() + "/runs").toUtf8());
    qputenv("GAN_EXPLORER_CACHE", (tmp_.path() + "/cache").toUtf8());
    data_ = QString::fromStdString(testutil::write_tiny_idx(tmp_.path().toStdString(), 40));
  }

  void trainWatchExploreStop() {
    MainWindow w;
    w.show();
    makeTiny(w);
    QCOMPARE(w.state(), ui::UiState::Idle);
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    // Points arrive in the loss plot, and the sample grid is drawn and then redrawn by a later generator.
    QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") > 0, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > 0, 30000);
    const QImage first = w.sampleGrid()->image();
    const qint64 first_step = w.sampleGrid()->step();
    QVERIFY(!first.isNull());
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > first_step && w.sampleGrid()->image() != first, 30000);
    QCOMPARE(w.lossPlot()->pointCount("loss_g"), w.lossPlot()->pointCount("loss_d"));
    QVERIFY(w.sampleGrid()->classPicker()->isHidden() && w.exploreClass()->isHidden());  // DCGAN: no classes

    // The latent slider moves while training runs, and a new image comes back.
    QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->image().isNull(), 30000);
    QCOMPARE(w.state(), ui::UiState::Running);
    const QImage before = w.explorer()->image();
    w.explorer()->slider()->setValue(1000);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorer()->image() != before, 30000);
    QCOMPARE(w.state(), ui::UiState::Running);

    // Pause, then Stop: the run ends with a checkpoint in its folder.
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Paused, 30000);
    QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
    QVERIFY(QFile::exists(w.runDir() + "/checkpoint.pt"));
    QVERIFY(QFile::exists(w.runDir() + "/log.jsonl"));
    QVERIFY(w.controls()->startButton()->isEnabled());
  }

  // A conditional model shows class pickers: the grid one row per class (the same latent down each
  // column), or one class; the explorer draws the class picked. Unconditional models hide them.
  void conditionalModelsGetClassPickers() {
    MainWindow w;
    w.show();
    w.modelPicker()->setCurrentId("cgan-conv");
    makeTiny(w);
    QVERIFY(w.sampleGrid()->classPicker()->isHidden());
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->step() > 0, 30000);
    ui::ClassPicker* grid_classes = w.sampleGrid()->classPicker();
    QVERIFY(!grid_classes->isHidden() && !w.exploreClass()->isHidden());
    QCOMPARE(grid_classes->combo()->count(), 11);  // All classes + the tiny data's 10
    QCOMPARE(w.exploreClass()->combo()->count(), 10);
    QCOMPARE(grid_classes->label(), -1);
    // 64 latents over 10 classes: 7 columns, 10 rows of 16 px tiles with 2 px gaps.
    QTRY_COMPARE_WITH_TIMEOUT(w.sampleGrid()->image().size(), QSize(7 * 18 + 2, 10 * 18 + 2), 30000);
    QVERIFY(w.sampleGrid()->caption().contains("rows, top to bottom"));
    grid_classes->combo()->setCurrentIndex(4);  // class 3 only: an 8 x 8 grid
    QCOMPARE(grid_classes->label(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(w.sampleGrid()->image().size(), QSize(8 * 18 + 2, 8 * 18 + 2), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->image().isNull(), 30000);
    QTest::mouseClick(w.controls()->pauseButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Paused, 30000);
    const QImage before = w.explorer()->image();
    w.exploreClass()->combo()->setCurrentIndex(5);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorer()->image() != before, 30000);  // the same latent, another class
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
    w.metricSettings()->setValues(true, 4, 100, QString());
    QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.state() == ui::UiState::Running, 30000);
    QVERIFY(!w.metricSettings()->enableBox()->isEnabled());  // locked while the run is live
    // The classifier is trained on the tiny data first, then points arrive while training goes on.
    QTRY_VERIFY_WITH_TIMEOUT(w.metricPlot()->sampleCount() >= 2, 60000);
    QCOMPARE(w.state(), ui::UiState::Running);
    const ui::MetricSample s = w.metricPlot()->samples().back();
    QCOMPARE(s.step % 4, 0LL);
    QCOMPARE(s.nFake, 100LL);
    QVERIFY(std::isfinite(s.fid) && std::isfinite(s.kidMean) && std::isfinite(s.isMean));
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
  }

  void openedCheckpointIsExploredWithoutData() {
    const QString dir = tmp_.path() + "/cli-run";
    {
      MainWindow w;  // make a checkpoint through the GUI's engine: start, then stop
      makeTiny(w);
      QTest::mouseClick(w.controls()->startButton(), Qt::LeftButton);
      // The checkpoint keeps step 1 and every 10th: 25 steps give it 3 points of history.
      QTRY_VERIFY_WITH_TIMEOUT(w.lossPlot()->pointCount("loss_d") >= 25, 30000);
      QTest::mouseClick(w.controls()->stopButton(), Qt::LeftButton);
      QTRY_COMPARE_WITH_TIMEOUT(w.state(), ui::UiState::Finished, 30000);
      QVERIFY(QDir().rename(w.runDir(), dir));
    }
    MainWindow w;
    w.datasetPicker()->setSource("/no/such/data", "train");  // exploring needs no data
    w.openCheckpoint(dir + "/checkpoint.pt");
    QTRY_VERIFY_WITH_TIMEOUT(!w.sampleGrid()->image().isNull(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.explorer()->image().isNull(), 30000);
    QVERIFY(w.lossPlot()->pointCount("loss_d") >= 3);  // the checkpoint's history is plotted
    const QImage before = w.explorer()->image();
    w.explorer()->slider()->setValue(700);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorer()->image() != before, 30000);

    // Truncation applies to the grid and to the explorer (no training runs: only it can change them).
    QTest::qWait(300);
    const QImage grid = w.sampleGrid()->image(), single = w.explorer()->image();
    w.truncation()->setThresholdValue(0.3);
    w.truncation()->checkBox()->setChecked(true);
    QCOMPARE(w.truncation()->threshold(), 0.3);
    QTRY_VERIFY_WITH_TIMEOUT(w.sampleGrid()->image() != grid && w.explorer()->image() != single, 30000);
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
  }
};

QTEST_MAIN(TestGui)
#include "test_gui.moc"
