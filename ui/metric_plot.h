#pragma once
// FID / KID / IS against training step, with error bars, on a QCustomPlot; below it, when points
// carry them, ProGAN's sliced Wasserstein distance (its mean and each pyramid level) and Odena's
// MS-SSIM among generated images beside MS-SSIM among real ones, on a second plot.
// addSample() only stores; a single-shot timer rebuilds the graphs, rescales and replots, so a burst
// of samples (a resumed run replaying its log) costs one repaint. Each metric has a value axis of its
// own, drawn in its series' colour: FID the left one, IS the right one next to the plot, KID a second
// right-hand axis outside it. KID gets its own axis because its scale depends on the extractor:
// ~0.001-0.1 with Inception features, but hundreds to thousands with the dataset classifier's
// unnormalised features, so no fixed factor puts it on FID's axis. A hidden series hides its axis.
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <QtNumeric>

class QCheckBox;
class QCPAxis;
class QCPErrorBars;
class QCPGraph;
class QCPItemText;
class QProgressBar;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QTimer;

namespace ui {

// One evaluation of FID / KID / IS, as the engine reports it. NaN marks a value that was not computed.
struct MetricSample {
  qint64 step = 0;
  double fid = qQNaN();
  double kidMean = qQNaN(), kidStd = qQNaN();
  double isMean = qQNaN(), isStd = qQNaN();
  QString extractor;   // e.g. "classifier cnn28-v1 (Fashion-MNIST, test acc 91.8%) - not comparable with Inception FID"
  QString reference;   // e.g. "fashion-mnist train"
  QString resize;      // e.g. "area 32->28 px, uint8, both sets"
  qint64 nReal = 0, nFake = 0;
  QStringList warnings;  // e.g. "N=100 is below the feature dimension 128: FID is biased upward"
  double seconds = 0;  // how long the evaluation took
  double msSsim = qQNaN(), msSsimReal = qQNaN();  // among generated pairs, among real pairs
  double swdMean = qQNaN();  // x 1000
  QVector<int> swdSides;     // each level's side, largest first
  QVector<double> swdLevels; // x 1000, one per side
  qint64 swdImages = 0;
  QString drawn;     // how the samples were drawn ("8x8 fading in from 4x4 (a = 0.42), shown at 32x32")
  QString realPath;  // how the real images were brought to match them; empty: as they are
};

class MetricPlot : public QWidget {
  Q_OBJECT
 public:
  explicit MetricPlot(QWidget* parent = nullptr);

  // Keeps samples sorted by step; a sample at an existing step replaces it (a resumed run
  // re-evaluates the step it was saved at).
  void addSample(const MetricSample& s);
  void clear();
  // What the metrics are waiting for before their first point (the classifier being trained, once): the
  // text over the empty plot and a progress bar with the time left. fraction < 0: a line without a
  // bar ("metrics ready: ..."); an empty text: back to the plain hint.
  void setPreparing(const QString& what, double fraction = -1, double seconds_left = -1);
  QProgressBar* preparingBar() const { return preparing_bar_; }
  int sampleCount() const { return int(samples_.size()); }
  const QVector<MetricSample>& samples() const { return samples_; }
  // Hover text for samples()[index]; empty for an index out of range. NaN values are left out.
  // Values have 4 significant digits and spreads 2 (see formatMetric), e.g. "KID 4393 ± 120".
  QString tooltipFor(int index) const;
  // The lines of that text for one sample: its values and how it was measured.
  static QStringList describeSample(const MetricSample& s);
  // Index into samples() of the point of a visible series nearest to `pixel` (coordinates of `on`,
  // plot() by default or diversityPlot()), within kHoverRadius_px; -1 when none is that close. Uses
  // the axis ranges of the last layout.
  int sampleNear(const QPointF& pixel, const QCustomPlot* on = nullptr) const;
  QCustomPlot* plot() const { return plot_; }
  QSize sizeHint() const override { return {560, 260}; }

  // Children, for tests and for the main window's layout.
  QCheckBox* fidBox() const { return fid_box_; }
  QCheckBox* kidBox() const { return kid_box_; }
  QCheckBox* isBox() const { return is_box_; }
  QCPGraph* fidGraph() const { return fid_graph_; }
  QCPGraph* kidGraph() const { return kid_graph_; }  // KID as reported, unscaled, on kidAxis()
  QCPGraph* isGraph() const { return is_graph_; }
  QCPErrorBars* kidErrorBars() const { return kid_err_; }  // kidStd, unscaled
  QCPErrorBars* isErrorBars() const { return is_err_; }
  // FID is on plot()->yAxis, IS on plot()->yAxis2; KID on this outer right-hand axis.
  QCPAxis* kidAxis() const { return kid_axis_; }
  QCPItemText* emptyText() const { return empty_text_; }
  // The second plot: SWD (mean and per level) on the left axis, MS-SSIM on the right. Hidden until a
  // point carries either.
  QCustomPlot* diversityPlot() const { return plot2_; }
  QCheckBox* swdBox() const { return swd_box_; }
  QCheckBox* msSsimBox() const { return ms_ssim_box_; }
  QCPGraph* swdGraph() const { return swd_graph_; }
  QCPGraph* msSsimGraph() const { return ms_ssim_graph_; }
  QCPGraph* msSsimRealGraph() const { return ms_ssim_real_graph_; }
  // One graph per pyramid level seen so far, by side ("SWD 32 px"), drawn thin.
  QCPGraph* swdLevelGraph(int side) const;
  QLabel* extractorLabel() const { return extractor_label_; }

  // `value` with `digits` significant digits as printf's %.<digits>g (trailing zeros dropped:
  // 31.0 -> "31", 0.05 -> "0.05", 0.00008 -> "8e-05"), except that a number from 1 up to 10^6 is
  // printed without an exponent, rounded: 4393.4 -> "4393", 123 with 2 digits -> "120".
  static QString formatMetric(double value, int digits);

  static constexpr double kHoverRadius_px = 12.0;
  static constexpr int kReplotDelay_ms = 30;

 private:
  void scheduleRefresh(bool rescale);
  void refresh();  // timer tick
  void rebuildGraphs();
  void rescale();
  void updateExtractorLabel();
  void onMouseMove(QCustomPlot* plot, QMouseEvent* event);
  void rebuildDiversity();
  void rescaleDiversity();
  void setSeriesVisible(QCPGraph* graph, QCPErrorBars* bars, bool visible);
  void updateValueAxes();  // each axis shown with its series; the grid on the first shown one

  QCustomPlot* plot_ = nullptr;
  QProgressBar* preparing_bar_ = nullptr;
  QCheckBox* fid_box_ = nullptr;
  QCheckBox* kid_box_ = nullptr;
  QCheckBox* is_box_ = nullptr;
  QLabel* extractor_label_ = nullptr;
  QCPGraph* fid_graph_ = nullptr;
  QCPGraph* kid_graph_ = nullptr;
  QCPGraph* is_graph_ = nullptr;
  QCPErrorBars* kid_err_ = nullptr;
  QCPErrorBars* is_err_ = nullptr;
  QCPAxis* kid_axis_ = nullptr;
  QCPItemText* empty_text_ = nullptr;
  QTimer* replot_timer_ = nullptr;
  QCustomPlot* plot2_ = nullptr;
  QCheckBox* swd_box_ = nullptr;
  QCheckBox* ms_ssim_box_ = nullptr;
  QCPGraph* swd_graph_ = nullptr;
  QCPGraph* ms_ssim_graph_ = nullptr;
  QCPGraph* ms_ssim_real_graph_ = nullptr;
  QVector<QPair<int, QCPGraph*>> swd_levels_;  // by side, in the order first seen

  QVector<MetricSample> samples_;  // sorted by step, steps unique
  bool rescale_pending_ = false;
  int hovered_ = -1;  // sample whose tooltip is showing
};

}  // namespace ui
