// ui/: the metrics plot and the metrics settings form, on their own (no engine, no LibTorch).
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryFile>
#include <QToolTip>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "engine/message.h"
#include "ui/loss_plot.h"
#include "ui/metric_plot.h"
#include "ui/schedule_plot.h"
#include "ui/metric_settings.h"

namespace {

const QString kExtractor =
    "classifier cnn28-v1 (Fashion-MNIST, test acc 91.8%) - not comparable with Inception FID";
const QString kWarning = "N=100 is below the feature dimension 128: FID is biased upward";

ui::MetricSample fullSample(qint64 step, double fid) {
  ui::MetricSample s;
  s.step = step;
  s.fid = fid;
  s.kidMean = 0.0123;
  s.kidStd = 0.0008;
  s.isMean = 7.12;
  s.isStd = 0.09;
  s.extractor = kExtractor;
  s.reference = "fashion-mnist train";
  s.resize = "area 32->28 px, uint8, both sets";
  s.nReal = 60000;
  s.nFake = 2000;
  s.warnings << kWarning;
  s.seconds = 12.5;
  return s;
}

// Two points at the scale the dataset classifier's unnormalised features give: KID in the thousands.
std::pair<ui::MetricSample, ui::MetricSample> classifierScalePair() {
  ui::MetricSample a;
  a.step = 100;
  a.fid = 1527.0;
  a.kidMean = 4393.0;
  a.kidStd = 120.0;
  a.isMean = 1.07;
  a.isStd = 0.004;
  ui::MetricSample b = a;
  b.step = 2000;
  b.fid = 30.0;
  b.kidMean = 40.0;
  b.kidStd = 5.0;
  b.isMean = 7.0;
  b.isStd = 0.1;
  return {a, b};
}

QVector<qint64> stepsOf(const ui::MetricPlot& p) {
  QVector<qint64> out;
  for (const ui::MetricSample& s : p.samples()) out << s.step;
  return out;
}

}  // namespace

class TestMetricWidgets : public QObject {
  Q_OBJECT

 private slots:
  // ---- MetricPlot ----

  void samplesSortedAndRepeatedStepReplaces() {
    ui::MetricPlot p;
    p.addSample(fullSample(1000, 40.0));
    p.addSample(fullSample(500, 60.0));
    p.addSample(fullSample(1500, 30.0));
    QCOMPARE(stepsOf(p), (QVector<qint64>{500, 1000, 1500}));
    // A resumed run re-evaluates step 1000: the new value replaces the old, nothing is duplicated.
    p.addSample(fullSample(1000, 35.5));
    QCOMPARE(p.sampleCount(), 3);
    QCOMPARE(stepsOf(p), (QVector<qint64>{500, 1000, 1500}));
    QCOMPARE(p.samples()[1].fid, 35.5);
  }

  void graphsHoldFiniteValuesAndUnscaledErrors() {
    ui::MetricPlot p;
    ui::MetricSample a = fullSample(100, 80.0);
    ui::MetricSample b = fullSample(200, qQNaN());  // FID not computed at this step
    b.kidMean = 0.02;
    b.kidStd = qQNaN();  // a KID without a spread: no bar, but the point stays
    ui::MetricSample c = fullSample(300, 50.0);
    c.isMean = qQNaN();
    c.isStd = qQNaN();
    for (const auto& s : {c, a, b}) p.addSample(s);

    QTRY_COMPARE(p.fidGraph()->dataCount(), 2);
    QCOMPARE(p.kidGraph()->dataCount(), 3);
    QCOMPARE(p.isGraph()->dataCount(), 2);
    QCOMPARE(p.fidGraph()->data()->at(0)->key, 100.0);
    QCOMPARE(p.fidGraph()->data()->at(1)->key, 300.0);
    QCOMPARE(p.fidGraph()->data()->at(1)->value, 50.0);

    // KID is drawn as reported, and so are its error bars, which pair with the KID points by index.
    QCOMPARE(p.kidGraph()->data()->at(0)->value, 0.0123);
    QCOMPARE(p.kidGraph()->data()->at(1)->value, 0.02);
    QCOMPARE(p.kidErrorBars()->dataCount(), 3);
    QCOMPARE(p.kidErrorBars()->data()->at(0).errorPlus, 0.0008);
    QCOMPARE(p.kidErrorBars()->data()->at(0).errorMinus, 0.0008);
    QVERIFY(std::isnan(p.kidErrorBars()->data()->at(1).errorPlus));
    QCOMPARE(p.kidErrorBars()->data()->at(2).errorPlus, 0.0008);
    QCOMPARE(p.kidErrorBars()->dataPlottable(), static_cast<QCPAbstractPlottable*>(p.kidGraph()));

    // One value axis each: FID left, IS right, KID on a second right-hand axis.
    QCOMPARE(p.fidGraph()->valueAxis(), p.plot()->yAxis);
    QCOMPARE(p.isGraph()->valueAxis(), p.plot()->yAxis2);
    QVERIFY(p.kidAxis() != nullptr);
    QCOMPARE(p.kidGraph()->valueAxis(), p.kidAxis());
    QCOMPARE(p.kidErrorBars()->valueAxis(), p.kidAxis());
    QVERIFY(p.kidAxis() != p.plot()->yAxis && p.kidAxis() != p.plot()->yAxis2);
    QCOMPARE(p.kidAxis()->axisType(), QCPAxis::atRight);
    QCOMPARE(p.kidAxis()->axisRect(), p.plot()->axisRect());
    QCOMPARE(p.isErrorBars()->dataCount(), 2);
    QCOMPARE(p.isErrorBars()->data()->at(1).errorPlus, 0.09);
    QCOMPARE(p.fidGraph()->name(), QString("FID"));
    QCOMPARE(p.kidGraph()->name(), QString("KID"));
    QCOMPARE(p.isGraph()->name(), QString("IS"));
    QCOMPARE(p.kidBox()->text(), QString("KID"));
  }

  void valueAxesLabelledColouredAndDraggable() {
    ui::MetricPlot p;
    QCPAxisRect* rect = p.plot()->axisRect();
    QCOMPARE(p.plot()->yAxis->label(), QString("FID"));
    QCOMPARE(p.plot()->yAxis2->label(), QString("IS"));
    QCOMPARE(p.kidAxis()->label(), QString("KID"));
    QVERIFY(p.plot()->yAxis->visible());
    QVERIFY(p.plot()->yAxis2->visible());
    QVERIFY(p.kidAxis()->visible());
    // Each axis in its series' colour.
    const QColor kid = p.kidGraph()->pen().color();
    QCOMPARE(p.kidAxis()->labelColor(), kid);
    QCOMPARE(p.kidAxis()->tickLabelColor(), kid);
    QCOMPARE(p.kidAxis()->basePen().color(), kid);
    QCOMPARE(p.plot()->yAxis->labelColor(), p.fidGraph()->pen().color());
    QCOMPARE(p.plot()->yAxis2->labelColor(), p.isGraph()->pen().color());
    // One grid only, FID's.
    QVERIFY(p.plot()->yAxis->grid()->visible());
    QVERIFY(!p.kidAxis()->grid()->visible());
    QVERIFY(!p.plot()->yAxis2->grid()->visible());
    // Dragging and zooming move all three value axes.
    for (const QList<QCPAxis*>& axes : {rect->rangeDragAxes(Qt::Vertical), rect->rangeZoomAxes(Qt::Vertical)}) {
      QCOMPARE(axes.size(), 3);
      QVERIFY(axes.contains(p.plot()->yAxis));
      QVERIFY(axes.contains(p.plot()->yAxis2));
      QVERIFY(axes.contains(p.kidAxis()));
    }
    QCOMPARE(rect->rangeDragAxes(Qt::Horizontal), QList<QCPAxis*>{p.plot()->xAxis});
  }

  void axesCoverPointsAndErrorBars() {
    ui::MetricPlot p;
    ui::MetricSample s = fullSample(1000, 23.41);
    s.isStd = 0.5;
    p.addSample(s);
    p.addSample(fullSample(3000, 18.0));
    QTRY_COMPARE(p.isGraph()->dataCount(), 2);
    const QCPRange x = p.plot()->xAxis->range();
    QVERIFY(x.lower < 1000.0 && x.upper > 3000.0);
    const QCPRange left = p.plot()->yAxis->range();
    QVERIFY(left.lower < 18.0 && left.upper > 23.41);
    QVERIFY(left.lower > 10.0);  // FID's axis no longer has to reach down to KID
    const QCPRange kid = p.kidAxis()->range();
    QVERIFY2(kid.lower < 0.0123 - 0.0008 && kid.upper > 0.0123 + 0.0008,
             qPrintable(QString("%1 .. %2").arg(kid.lower).arg(kid.upper)));
    QVERIFY(kid.size() < 0.01);  // fitted to KID, not to a default span of 1
    const QCPRange right = p.plot()->yAxis2->range();
    QVERIFY(right.lower < 7.12 - 0.5 && right.upper > 7.12 + 0.5);
  }

  void kidAxisFollowsClassifierScale() {
    // The dataset classifier's unnormalised features give KID in the thousands.
    ui::MetricPlot p;
    const auto [a, b] = classifierScalePair();
    p.addSample(a);
    p.addSample(b);
    QTRY_COMPARE(p.kidGraph()->dataCount(), 2);
    const QCPRange kid = p.kidAxis()->range();
    QVERIFY(kid.lower < 40.0 - 5.0 && kid.upper > 4393.0 + 120.0);
    const QCPRange fid = p.plot()->yAxis->range();
    QVERIFY(fid.lower < 30.0 && fid.upper > 1527.0);
    QVERIFY(fid.upper < 4393.0);  // KID does not stretch FID's axis
  }

  void tooltipListsEverythingKnown() {
    ui::MetricPlot p;
    p.addSample(fullSample(4000, 23.41));
    const QString tip = p.tooltipFor(0);
    QVERIFY2(tip.startsWith("step 4000\n"), qPrintable(tip));
    QVERIFY2(tip.contains("FID 23.41"), qPrintable(tip));
    QVERIFY2(tip.contains(QString::fromUtf8("KID 0.0123 ± 0.0008")), qPrintable(tip));
    QVERIFY2(tip.contains(QString::fromUtf8("IS 7.12 ± 0.09")), qPrintable(tip));
    QVERIFY2(tip.contains(kExtractor), qPrintable(tip));
    QVERIFY2(tip.contains("fashion-mnist train"), qPrintable(tip));
    QVERIFY2(tip.contains("real 60000, fake 2000"), qPrintable(tip));
    QVERIFY2(tip.contains("area 32->28 px, uint8, both sets"), qPrintable(tip));
    QVERIFY2(tip.contains("12.5 s"), qPrintable(tip));
    QVERIFY2(tip.contains(kWarning), qPrintable(tip));
    QCOMPARE(p.tooltipFor(1), QString());
    QCOMPARE(p.tooltipFor(-1), QString());
  }

  void tooltipLeavesOutNaN() {
    ui::MetricPlot p;
    ui::MetricSample s;
    s.step = 700;
    s.fid = 31.0;
    s.kidMean = 0.05;  // kidStd stays NaN
    p.addSample(s);
    const QString tip = p.tooltipFor(0);
    QCOMPARE(tip, QString("step 700\nFID 31\nKID 0.05"));
    QVERIFY(!tip.contains("nan", Qt::CaseInsensitive));
  }

  void tooltipKeepsLargeValuesReadable() {
    ui::MetricPlot p;
    ui::MetricSample s = classifierScalePair().first;
    s.fid = 1527.31;
    p.addSample(s);
    const QString tip = p.tooltipFor(0);
    QCOMPARE(tip, QString::fromUtf8("step 100\nFID 1527\nKID 4393 ± 120\nIS 1.07 ± 0.004"));
    QVERIFY(!tip.contains("4393.0000"));
    QVERIFY(!tip.contains("e+"));
  }

  // SWD and MS-SSIM get a plot of their own under FID / KID / IS, shown once a point carries them; a
  // growing run's points say how their samples and the real images were drawn.
  void diversityPlotShowsSwdAndMsSsim() {
    ui::MetricPlot p;
    p.resize(600, 500);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    p.addSample(fullSample(100, 80.0));  // an older point: neither
    QTest::qWait(2 * ui::MetricPlot::kReplotDelay_ms + 20);
    QVERIFY(!p.diversityPlot()->isVisible());
    QVERIFY(!p.swdBox()->isVisible());
    ui::MetricSample s = fullSample(250, 60.0);
    s.msSsim = 0.21;
    s.msSsimReal = 0.18;
    s.swdMean = 28.5;
    s.swdSides = {32, 16};
    s.swdLevels = {31.0, 26.0};
    s.swdImages = 500;
    s.drawn = QString::fromUtf8("8×8 fading in from 4×4 (α = 0.42), shown at 32×32 (nearest neighbour)");
    s.realPath = "real images average-pooled to 8x8";
    p.addSample(s);
    QTest::qWait(2 * ui::MetricPlot::kReplotDelay_ms + 20);
    QVERIFY(p.diversityPlot()->isVisible());
    QVERIFY(p.swdBox()->isVisible() && p.msSsimBox()->isVisible());
    QCOMPARE(p.swdGraph()->dataCount(), 1);
    QCOMPARE(p.swdGraph()->data()->at(0)->value, 28.5);
    QVERIFY(p.swdLevelGraph(32) && p.swdLevelGraph(16) && !p.swdLevelGraph(8));
    QCOMPARE(p.swdLevelGraph(16)->data()->at(0)->value, 26.0);
    QCOMPARE(p.msSsimGraph()->data()->at(0)->value, 0.21);
    QCOMPARE(p.msSsimRealGraph()->data()->at(0)->value, 0.18);
    // Both plots show the same steps.
    QCOMPARE(p.diversityPlot()->xAxis->range().lower, p.plot()->xAxis->range().lower);
    const QString tip = p.tooltipFor(1);
    QVERIFY2(tip.contains("MS-SSIM 0.21 among generated pairs, 0.18 among real pairs"), qPrintable(tip));
    QVERIFY2(tip.contains(QString::fromUtf8("SWD ×10³ 28.5 (32 px 31, 16 px 26; 500 images each)")), qPrintable(tip));
    QVERIFY2(tip.contains(QString::fromUtf8("samples: 8×8 fading in")), qPrintable(tip));
    QVERIFY2(tip.contains("real: real images average-pooled to 8x8"), qPrintable(tip));
    // Hovering the SWD point on the lower plot finds it.
    const QPointF at(p.diversityPlot()->xAxis->coordToPixel(250), p.diversityPlot()->yAxis->coordToPixel(28.5));
    QCOMPARE(p.sampleNear(at, p.diversityPlot()), 1);
    // Hiding SWD hides its levels too; clearing forgets the levels.
    p.swdBox()->setChecked(false);
    QVERIFY(!p.swdGraph()->visible() && !p.swdLevelGraph(32)->visible());
    p.clear();
    QTest::qWait(2 * ui::MetricPlot::kReplotDelay_ms + 20);
    QVERIFY(!p.swdLevelGraph(32));
    QVERIFY(!p.diversityPlot()->isVisible());
  }

  // An empty plot is not squashed (an empty legend once capped its width), and the right axis is there
  // only when a declared series is drawn on it.
  void emptyLossPlotKeepsItsWidthAndAxesFollowTheSeries() {
    ui::LossPlot plot;
    plot.resize(900, 320);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.plot()->replot();
    QVERIFY2(plot.plot()->axisRect()->width() > 700, qPrintable(QString::number(plot.plot()->axisRect()->width())));
    gan::SeriesSpec loss{"loss_d", "D loss", gan::SeriesAxis::Loss};
    gan::SeriesSpec out{"d_real", "D(x)", gan::SeriesAxis::Output};
    plot.setSeries({loss});
    QVERIFY(!plot.plot()->yAxis2->visible());
    // A schedule (CycleGAN's learning-rate factor) and a stage (ProGAN's side) are drawn elsewhere.
    gan::SeriesSpec lr{"lr_factor", "Learning-rate factor", gan::SeriesAxis::Fraction};
    gan::SeriesSpec side{"resolution", "Resolution", gan::SeriesAxis::Stage};
    plot.setSeries({loss, lr, side});
    plot.addPoint(1, "lr_factor", 1.0);
    plot.addPoint(1, "resolution", 4.0);
    QVERIFY(!plot.plot()->yAxis2->visible());
    plot.setSeries({loss, out});
    QVERIFY(plot.plot()->yAxis2->visible());
    plot.addPoint(1, "loss_d", 0.5);
    plot.plot()->replot();
    QVERIFY(plot.plot()->axisRect()->width() > 700);
  }

  // Before the first point, the plot says what the metrics wait for, with a bar and the time left, from
  // the engine's progress lines (which read back as they were written).
  void preparingShowsProgressUntilTheFirstPoint() {
    const std::string line = gan::progress_line({"training the metric classifier on X, once (epoch 2 of 5)", 0.34, 190});
    QCOMPARE(QString::fromStdString(line), QString("training the metric classifier on X, once (epoch 2 of 5): 34% done, about 3:10 left"));
    const auto p = gan::parse_progress(line);
    QVERIFY(p);
    QCOMPARE(QString::fromStdString(p->what), QString("training the metric classifier on X, once (epoch 2 of 5)"));
    QCOMPARE(p->fraction, 0.34);
    QCOMPARE(p->seconds_left, 190.0);
    const auto unknown = gan::parse_progress(gan::progress_line({"reading", 0.5, -1}));
    QVERIFY(unknown && unknown->seconds_left < 0 && unknown->fraction == 0.5);
    QVERIFY(!gan::parse_progress("metrics ready: classifier cnn28-v1"));
    QVERIFY(!gan::parse_progress("50% done, of nothing"));

    ui::MetricPlot plot;
    plot.setPreparing("Preparing the metrics", 0.34, 190);
    QVERIFY(plot.preparingBar()->isVisibleTo(&plot));
    QCOMPARE(plot.preparingBar()->text(), QString("34% · about 3:10 left"));
    QCOMPARE(plot.emptyText()->text(), QString("Preparing the metrics"));
    plot.addSample(fullSample(100, 50.0));
    QVERIFY(!plot.preparingBar()->isVisibleTo(&plot));
  }

  void formatMetricDigits() {
    using ui::MetricPlot;
    QCOMPARE(MetricPlot::formatMetric(23.41, 4), QString("23.41"));
    QCOMPARE(MetricPlot::formatMetric(23.4149, 4), QString("23.41"));
    QCOMPARE(MetricPlot::formatMetric(31.0, 4), QString("31"));
    QCOMPARE(MetricPlot::formatMetric(0.0123, 4), QString("0.0123"));
    QCOMPARE(MetricPlot::formatMetric(0.0008, 2), QString("0.0008"));
    QCOMPARE(MetricPlot::formatMetric(0.00081234, 2), QString("0.00081"));
    QCOMPARE(MetricPlot::formatMetric(4393.0, 4), QString("4393"));
    QCOMPARE(MetricPlot::formatMetric(4393.4, 4), QString("4393"));
    QCOMPARE(MetricPlot::formatMetric(43934.0, 4), QString("43930"));  // no "4.393e+04"
    QCOMPARE(MetricPlot::formatMetric(120.0, 2), QString("120"));      // no "1.2e+02"
    QCOMPARE(MetricPlot::formatMetric(123.0, 2), QString("120"));
    QCOMPARE(MetricPlot::formatMetric(9999.6, 4), QString("10000"));
    QCOMPARE(MetricPlot::formatMetric(-0.0003, 4), QString("-0.0003"));
    QCOMPARE(MetricPlot::formatMetric(0.0, 4), QString("0"));
    QCOMPARE(MetricPlot::formatMetric(0.00001234, 4), QString("1.234e-05"));
  }

  void emptyStateTextComesAndGoes() {
    ui::MetricPlot p;
    QVERIFY(p.emptyText()->visible());
    QVERIFY(p.emptyText()->text().startsWith("No metrics yet"));
    p.addSample(fullSample(10, 99.0));
    QTRY_VERIFY(!p.emptyText()->visible());
    p.clear();
    QCOMPARE(p.sampleCount(), 0);
    QTRY_VERIFY(p.emptyText()->visible());
    QCOMPARE(p.fidGraph()->dataCount(), 0);
    QCOMPARE(p.plot()->xAxis->range().lower, 0.0);  // the fresh plot's axes, not the old run's
    QCOMPARE(p.plot()->xAxis->range().upper, 1000.0);
    QCOMPARE(p.kidErrorBars()->dataCount(), 0);
    QCOMPARE(p.tooltipFor(0), QString());
  }

  void checkboxesToggleSeries() {
    ui::MetricPlot p;
    p.addSample(fullSample(10, 99.0));
    QCPLegend* legend = p.plot()->legend;
    QVERIFY(p.kidGraph()->visible());
    QVERIFY(legend->hasItemWithPlottable(p.kidGraph()));
    QVERIFY(!legend->hasItemWithPlottable(p.kidErrorBars()));

    p.kidBox()->click();
    QVERIFY(!p.kidBox()->isChecked());
    QVERIFY(!p.kidGraph()->visible());
    QVERIFY(!p.kidErrorBars()->visible());
    QVERIFY(!p.kidAxis()->visible());  // no unlabelled scale left behind
    QVERIFY(!legend->hasItemWithPlottable(p.kidGraph()));
    QVERIFY(p.fidGraph()->visible());
    QVERIFY(p.isGraph()->visible());
    QVERIFY(p.plot()->yAxis->visible());
    QVERIFY(p.plot()->yAxis2->visible());

    p.isBox()->click();
    QVERIFY(!p.isGraph()->visible());
    QVERIFY(!p.isErrorBars()->visible());
    QVERIFY(!p.plot()->yAxis2->visible());
    p.fidBox()->click();
    QVERIFY(!p.fidGraph()->visible());
    QVERIFY(!p.plot()->yAxis->visible());

    p.kidBox()->click();
    QVERIFY(p.kidGraph()->visible());
    QVERIFY(p.kidErrorBars()->visible());
    QVERIFY(p.kidAxis()->visible());
    QVERIFY(legend->hasItemWithPlottable(p.kidGraph()));
    // FID's axis is hidden, so the grid comes from KID's.
    QVERIFY(p.kidAxis()->grid()->visible());
    QVERIFY(!p.plot()->yAxis2->grid()->visible());
    p.fidBox()->click();
    QVERIFY(p.plot()->yAxis->visible());
    QVERIFY(p.plot()->yAxis->grid()->visible());
    QVERIFY(!p.kidAxis()->grid()->visible());
  }

  void extractorLabelFollowsLatestSample() {
    ui::MetricPlot p;
    p.show();
    QVERIFY(!p.extractorLabel()->isVisible());
    p.addSample(fullSample(1000, 40.0));
    QTRY_VERIFY(p.extractorLabel()->isVisible());
    QCOMPARE(p.extractorLabel()->text(), "Extractor: " + kExtractor);
    // An older point from another extractor: the label still names the newest, and says they mix.
    ui::MetricSample old = fullSample(500, 300.0);
    old.extractor = "inception-2015-12-05";
    p.addSample(old);
    QTRY_VERIFY(p.extractorLabel()->text().contains("another extractor"));
    QVERIFY(p.extractorLabel()->text().startsWith("Extractor: " + kExtractor));
  }

  void hoverFindsNearestVisiblePoint() {
    ui::MetricPlot p;
    p.resize(640, 320);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    // KID falling, so its points (on their own axis) stay clear of the constant IS in mid-plot.
    const double kids[] = {0.03, 0.02, 0.01};
    for (int i = 0; i < 3; ++i) {
      ui::MetricSample s = fullSample(1000 * (i + 1), i == 0 ? 40.0 : i == 1 ? 23.41 : 20.0);
      s.kidMean = kids[i];
      p.addSample(s);
    }
    QTRY_COMPARE(p.fidGraph()->dataCount(), 3);
    p.plot()->replot();  // lay out now so pixel coordinates are final

    const QPointF fid_px(p.plot()->xAxis->coordToPixel(2000.0), p.plot()->yAxis->coordToPixel(23.41));
    QCOMPARE(p.sampleNear(fid_px + QPointF(5, -5)), 1);
    QCOMPARE(p.sampleNear(fid_px + QPointF(20, 0)), -1);
    const QPointF is_px(p.plot()->xAxis->coordToPixel(3000.0), p.plot()->yAxis2->coordToPixel(7.12));
    QCOMPARE(p.sampleNear(is_px), 2);

    // The mouse over the point shows its tooltip.
    QTest::mouseMove(p.plot(), fid_px.toPoint());
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains("FID 23.41"), qPrintable(QToolTip::text()));
    QToolTip::hideText();

    // A hidden series is not hovered.
    p.fidBox()->click();
    QCOMPARE(p.sampleNear(fid_px), -1);
    p.isBox()->click();
    QCOMPARE(p.sampleNear(is_px), -1);
  }

  void hoverFindsKidPointOnItsAxis() {
    ui::MetricPlot p;
    p.resize(640, 320);
    p.show();
    QVERIFY(QTest::qWaitForWindowExposed(&p));
    const auto [a, b] = classifierScalePair();
    p.addSample(a);
    p.addSample(b);
    // Only KID shown, so a hit can only come from its points.
    p.fidBox()->click();
    p.isBox()->click();
    QTRY_COMPARE(p.kidGraph()->dataCount(), 2);
    QTRY_VERIFY(!p.plot()->yAxis->visible());
    p.plot()->replot();

    const QPointF kid_px(p.plot()->xAxis->coordToPixel(100.0), p.kidAxis()->coordToPixel(4393.0));
    QVERIFY(p.plot()->axisRect()->rect().contains(kid_px.toPoint()));
    QCOMPARE(p.sampleNear(kid_px + QPointF(-4, 4)), 0);
    const QPointF kid2_px(p.plot()->xAxis->coordToPixel(2000.0), p.kidAxis()->coordToPixel(40.0));
    QCOMPARE(p.sampleNear(kid2_px), 1);
    // Where 4393 would be on the axis KID used to share, there is nothing.
    QCOMPARE(p.sampleNear(QPointF(kid_px.x(), p.plot()->axisRect()->center().y())), -1);

    QTest::mouseMove(p.plot(), kid_px.toPoint());
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QString::fromUtf8("KID 4393 ± 120")), qPrintable(QToolTip::text()));
    QToolTip::hideText();

    p.kidBox()->click();
    QCOMPARE(p.sampleNear(kid_px), -1);
  }

  // ---- MetricSettings ----

  void settingsDefaults() {
    ui::MetricSettings m;
    QVERIFY(!m.enabled());
    QCOMPARE(m.every(), 500);
    QCOMPARE(m.samples(), 2000);
    QCOMPARE(m.extractorCombo()->currentIndex(), int(ui::MetricSettings::Classifier));
    QCOMPARE(m.extractorCombo()->count(), 2);
    QVERIFY(m.extractorCombo()->itemText(0).startsWith("Dataset classifier"));
    QVERIFY(m.extractorCombo()->itemText(1).startsWith("Inception"));
    QCOMPARE(m.inceptionPath(), QString());
    QCOMPARE(m.everySpin()->minimum(), 1);
    QCOMPARE(m.everySpin()->maximum(), 1000000);
    QCOMPARE(m.samplesSpin()->minimum(), 100);
    QCOMPARE(m.samplesSpin()->maximum(), 100000);
    QCOMPARE(m.samplesSpin()->singleStep(), 100);
    QVERIFY(m.problems().isEmpty());
  }

  void childrenFollowCheckboxAndExtractor() {
    ui::MetricSettings m;
    QVERIFY(m.enableBox()->isEnabled());
    QVERIFY(!m.everySpin()->isEnabled());
    QVERIFY(!m.samplesSpin()->isEnabled());
    QVERIFY(!m.extractorCombo()->isEnabled());
    QVERIFY(!m.inceptionEdit()->isEnabled());

    m.enableBox()->click();
    QVERIFY(m.enabled());
    QVERIFY(m.everySpin()->isEnabled());
    QVERIFY(m.samplesSpin()->isEnabled());
    QVERIFY(m.extractorCombo()->isEnabled());
    QVERIFY(!m.inceptionEdit()->isEnabled());  // classifier chosen: no path needed
    QVERIFY(!m.browseButton()->isEnabled());

    m.extractorCombo()->setCurrentIndex(ui::MetricSettings::Inception);
    QVERIFY(m.inceptionEdit()->isEnabled());
    QVERIFY(m.browseButton()->isEnabled());
    QCOMPARE(m.inceptionPath(), QString());
    QCOMPARE(m.problems().size(), 1);  // Inception without a file cannot start
    QTest::keyClicks(m.inceptionEdit(), "/models/inception-2015-12-05.pt");
    QCOMPARE(m.inceptionPath(), QString("/models/inception-2015-12-05.pt"));
    QCOMPARE(m.problems().size(), 1);  // typed, but no such file

    // Back to the classifier: no path reported, the typed one kept for later.
    m.extractorCombo()->setCurrentIndex(ui::MetricSettings::Classifier);
    QCOMPARE(m.inceptionPath(), QString());
    QVERIFY(!m.inceptionEdit()->isEnabled());
    QCOMPARE(m.inceptionEdit()->text(), QString("/models/inception-2015-12-05.pt"));
    QVERIFY(m.problems().isEmpty());

    m.enableBox()->click();
    QVERIFY(!m.everySpin()->isEnabled());
    QVERIFY(!m.extractorCombo()->isEnabled());
  }

  void setValuesRoundTrips() {
    ui::MetricSettings m;
    QTemporaryFile file(QDir::tempPath() + "/inception-XXXXXX.pt");
    QVERIFY(file.open());
    m.setValues(true, 250, 5000, file.fileName());
    QVERIFY(m.enabled());
    QCOMPARE(m.every(), 250);
    QCOMPARE(m.samples(), 5000);
    QCOMPARE(m.extractorCombo()->currentIndex(), int(ui::MetricSettings::Inception));
    QCOMPARE(m.inceptionPath(), file.fileName());
    QVERIFY(m.inceptionEdit()->isEnabled());
    QVERIFY(m.problems().isEmpty());

    m.setValues(true, 100, 2000, QString());
    QCOMPARE(m.extractorCombo()->currentIndex(), int(ui::MetricSettings::Classifier));
    QCOMPARE(m.inceptionPath(), QString());
    QCOMPARE(m.every(), 100);

    m.setValues(false, 500, 2000, QString());
    QVERIFY(!m.enabled());
    QVERIFY(!m.everySpin()->isEnabled());
  }

  void changedFires() {
    ui::MetricSettings m;
    QSignalSpy spy(&m, &ui::MetricSettings::changed);
    m.enableBox()->click();
    QCOMPARE(spy.count(), 1);
    m.everySpin()->setValue(1000);
    QCOMPARE(spy.count(), 2);
    m.samplesSpin()->setValue(4000);
    QCOMPARE(spy.count(), 3);
    m.extractorCombo()->setCurrentIndex(ui::MetricSettings::Inception);
    QCOMPARE(spy.count(), 4);
    QTest::keyClicks(m.inceptionEdit(), "x");
    QCOMPARE(spy.count(), 5);
    // setValues: one signal for a whole update, none when nothing differs.
    m.setValues(true, 20, 300, "/a.pt");
    QCOMPARE(spy.count(), 6);
    m.setValues(true, 20, 300, "/a.pt");
    QCOMPARE(spy.count(), 6);
  }

  void setEditableLocksEverything() {
    ui::MetricSettings m;
    m.setValues(true, 500, 2000, "/a.pt");
    m.setEditable(false);
    QVERIFY(!m.isEditable());
    for (QWidget* w : {static_cast<QWidget*>(m.enableBox()), static_cast<QWidget*>(m.everySpin()),
                       static_cast<QWidget*>(m.samplesSpin()), static_cast<QWidget*>(m.extractorCombo()),
                       static_cast<QWidget*>(m.inceptionEdit()), static_cast<QWidget*>(m.browseButton())}) {
      QVERIFY2(!w->isEnabled(), qPrintable(w->metaObject()->className()));
    }
    // Values are unchanged while locked, and unlocking restores the editors the values call for.
    QCOMPARE(m.inceptionPath(), QString("/a.pt"));
    m.setEditable(true);
    QVERIFY(m.enableBox()->isEnabled());
    QVERIFY(m.everySpin()->isEnabled());
    QVERIFY(m.inceptionEdit()->isEnabled());
  }

  // A growing family's schedule: alpha and the resolution against images shown, its stage changes
  // marked on the loss plot, which draws neither.
  void scheduleAgainstImagesAndStageMarks() {
    const std::vector<gan::SeriesSpec> specs = {
        {"loss_d", "D loss", gan::SeriesAxis::Loss, gan::SeriesKind::PerStep, ""},
        {"alpha", "Fade-in alpha", gan::SeriesAxis::Fraction, gan::SeriesKind::PerStep, ""},
        {"resolution", "Resolution", gan::SeriesAxis::Stage, gan::SeriesKind::PerStep, ""},
        {"kimg", "Images shown (thousands)", gan::SeriesAxis::Progress, gan::SeriesKind::PerStep, ""}};
    ui::SchedulePlot schedule;
    ui::LossPlot losses;
    schedule.setSeries(specs);
    losses.setSeries(specs);
    QVERIFY(schedule.hasSchedule());
    QCOMPARE(schedule.xLabel(), QString("Images shown (thousands)"));
    const double alpha[] = {1, 1, 0, 0.5, 1, 0, 0.5};
    const double side[] = {4, 4, 8, 8, 8, 16, 16};
    for (int i = 0; i < 7; ++i) {
      QVector<QPair<QString, double>> scalars = {
          {"loss_d", 0.1 * i}, {"alpha", alpha[i]}, {"resolution", side[i]}, {"kimg", 0.016 * (i + 1)}};
      schedule.addStep(i + 1, scalars);
      for (const auto& [n, v] : scalars) losses.addPoint(i + 1, n, v);
    }
    QCOMPARE(schedule.pointCount("alpha"), 7);
    QCOMPARE(schedule.pointCount("resolution"), 7);
    QCOMPARE(schedule.pointCount("loss_d"), 0);  // not a schedule
    auto* alpha_graph = schedule.plot()->graph(0);
    QCOMPARE(alpha_graph->data()->at(3)->key, 0.016 * 4);  // x: images shown, not the step
    QCOMPARE(alpha_graph->data()->at(3)->value, 0.5);
    QCOMPARE(losses.pointCount("loss_d"), 7);
    QCOMPARE(losses.pointCount("alpha"), 0);
    QCOMPARE(losses.pointCount("kimg"), 0);
    QCOMPARE(losses.pointCount("resolution"), 0);
    QCOMPARE(losses.stageMarks(), QStringList({"Resolution 8", "Resolution 16"}));
    losses.clear();
    QVERIFY(losses.stageMarks().isEmpty());
    // A family without a schedule leaves the plot empty.
    schedule.setSeries({specs[0]});
    QVERIFY(!schedule.hasSchedule());
    QCOMPARE(schedule.xLabel(), QString("step"));
  }
};

QTEST_MAIN(TestMetricWidgets)
#include "test_metric_widgets.moc"
