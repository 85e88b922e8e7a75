#include "ui/metric_plot.h"
#include "ui/plot_setup.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMap>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>
#include <QProgressBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <qcustomplot.h>

namespace ui {
namespace {

const QColor kFidColour(31, 119, 180);
const QColor kKidColour(255, 127, 14);
const QColor kIsColour(44, 160, 44);
const QColor kSwdColour(148, 103, 189);
const QColor kMsSsimColour(140, 86, 75);

// A closed interval grown one value at a time; non-finite values do not count.
struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // A value with its symmetric error; an unknown error is just the value.
  void addWithError(double v, double err) {
    add(v);
    if (std::isfinite(v) && std::isfinite(err)) {
      add(v - std::abs(err));
      add(v + std::abs(err));
    }
  }
  bool valid() const { return lo <= hi; }
  // Padded so points and whiskers do not sit on the frame; a single value gets a span around it.
  QCPRange padded(double fraction) const {
    const double span = hi - lo;
    // Relative for a single value: KID may be 0.01 or 4000 depending on the extractor.
    const double pad = span > 0.0 ? fraction * span : (lo != 0.0 ? 0.1 * std::abs(lo) : 1.0);
    return QCPRange(lo - pad, hi + pad);
  }
};

QCPGraph* makeGraph(QCustomPlot* plot, QCPAxis* value_axis, const QString& name, const QColor& colour,
                    QCPScatterStyle::ScatterShape shape) {
  QCPGraph* g = plot->addGraph(plot->xAxis, value_axis);
  g->setName(name);
  g->setPen(QPen(colour, 1.6));
  // Distinct shapes as well as colours, so the series stay apart for colour-blind users and in print.
  g->setScatterStyle(QCPScatterStyle(shape, colour, colour.lighter(150), 7));
  return g;
}

// The axis line, ticks and text in the series' colour, so which axis belongs to which series is clear
// without reading the labels.
void colourAxis(QCPAxis* axis, const QColor& colour) {
  const QPen pen(colour, 1.2);
  axis->setBasePen(pen);
  axis->setTickPen(pen);
  axis->setSubTickPen(pen);
  axis->setTickLabelColor(colour);
  axis->setLabelColor(colour);
}

QCPErrorBars* makeErrorBars(QCustomPlot* plot, QCPGraph* graph, const QColor& colour) {
  auto* bars = new QCPErrorBars(plot->xAxis, graph->valueAxis());
  bars->removeFromLegend();  // the graph's legend entry already names the series
  bars->setDataPlottable(graph);
  bars->setErrorType(QCPErrorBars::etValueError);
  bars->setPen(QPen(colour, 1.2));
  bars->setWhiskerWidth(7);
  bars->setSymbolGap(0);
  return bars;
}

QString seconds_text(double seconds) {
  if (seconds < 60.0) return QObject::tr("%1 s").arg(seconds, 0, 'f', 1);
  const qint64 s = qint64(std::llround(seconds));
  return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

MetricPlot::MetricPlot(QWidget* parent) : QWidget(parent) {
  fid_box_ = new QCheckBox(tr("FID"), this);
  kid_box_ = new QCheckBox(tr("KID"), this);
  is_box_ = new QCheckBox(tr("IS"), this);
  fid_box_->setToolTip(tr("Fréchet distance between real and generated features: lower is better"));
  kid_box_->setToolTip(tr("Kernel Inception Distance, unbiased, on the outer right axis: lower is "
                          "better. Its scale depends on the extractor. Bars are the standard "
                          "deviation over subsets."));
  is_box_->setToolTip(tr("Inception Score, on the inner right axis: higher is better. "
                         "Bars are the standard deviation over splits."));
  swd_box_ = new QCheckBox(tr("SWD"), this);
  ms_ssim_box_ = new QCheckBox(tr("MS-SSIM"), this);
  swd_box_->setToolTip(tr("ProGAN's sliced Wasserstein distance between generated and real images on each "
                          "level of a Laplacian pyramid (x 1000), lower is better: the thick line is the "
                          "levels' mean, the thin ones each level (lighter: finer). Set its image count under Metrics."));
  ms_ssim_box_->setToolTip(tr("MS-SSIM among pairs of generated images (solid) and among pairs of real "
                              "images (dashed), Odena et al.'s diversity measure: samples above the real "
                              "line are less diverse than the data."));
  auto* toggles = new QHBoxLayout;
  for (QCheckBox* box : {fid_box_, kid_box_, is_box_, swd_box_, ms_ssim_box_}) {
    box->setChecked(true);
    toggles->addWidget(box);
  }
  toggles->addStretch(1);

  // Numbers from a dataset classifier and from Inception look alike but are not comparable, so the
  // extractor stays on screen rather than only in the tooltip.
  extractor_label_ = new QLabel(this);
  extractor_label_->setWordWrap(true);
  extractor_label_->setTextFormat(Qt::PlainText);
  QFont small = extractor_label_->font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  extractor_label_->setFont(small);
  extractor_label_->setVisible(false);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(240, 160);
  plot_->setMouseTracking(true);  // hover tooltips need moves without a button held
  setupStepPlot(plot_, tr("FID"), tr("IS"));
  // KID on a right-hand axis of its own, outside IS's: its range follows the extractor.
  kid_axis_ = plot_->axisRect()->addAxis(QCPAxis::atRight);
  kid_axis_->setLabel(tr("KID"));
  kid_axis_->grid()->setVisible(false);  // one grid, from the first shown axis: updateValueAxes()
  colourAxis(plot_->yAxis, kFidColour);
  colourAxis(kid_axis_, kKidColour);
  colourAxis(plot_->yAxis2, kIsColour);
  // setupStepPlot drags and zooms its two value axes; the third goes along.
  const QList<QCPAxis*> horizontal{plot_->xAxis};
  const QList<QCPAxis*> vertical{plot_->yAxis, plot_->yAxis2, kid_axis_};
  plot_->axisRect()->setRangeDragAxes(horizontal, vertical);
  plot_->axisRect()->setRangeZoomAxes(horizontal, vertical);

  fid_graph_ = makeGraph(plot_, plot_->yAxis, tr("FID"), kFidColour, QCPScatterStyle::ssCircle);
  kid_graph_ = makeGraph(plot_, kid_axis_, tr("KID"), kKidColour, QCPScatterStyle::ssSquare);
  is_graph_ = makeGraph(plot_, plot_->yAxis2, tr("IS"), kIsColour, QCPScatterStyle::ssDiamond);
  kid_err_ = makeErrorBars(plot_, kid_graph_, kKidColour);
  is_err_ = makeErrorBars(plot_, is_graph_, kIsColour);
  updateValueAxes();

  empty_text_ = new QCPItemText(plot_);
  empty_text_->setClipToAxisRect(false);
  empty_text_->position->setType(QCPItemPosition::ptAxisRectRatio);
  empty_text_->position->setAxisRect(plot_->axisRect());
  empty_text_->position->setCoords(0.5, 0.5);
  empty_text_->setPositionAlignment(Qt::AlignCenter);
  empty_text_->setText(tr("No metrics yet: enable them under Metrics and start a run"));
  empty_text_->setColor(palette().color(QPalette::Disabled, QPalette::WindowText));

  rescale();  // no samples yet: the default ranges

  plot2_ = new QCustomPlot(this);
  plot2_->setMinimumSize(240, 120);
  plot2_->setMouseTracking(true);
  setupStepPlot(plot2_, tr("SWD ×10³"), tr("MS-SSIM"));
  colourAxis(plot2_->yAxis, kSwdColour);
  colourAxis(plot2_->yAxis2, kMsSsimColour);
  swd_graph_ = makeGraph(plot2_, plot2_->yAxis, tr("SWD"), kSwdColour, QCPScatterStyle::ssCircle);
  ms_ssim_graph_ = makeGraph(plot2_, plot2_->yAxis2, tr("MS-SSIM"), kMsSsimColour, QCPScatterStyle::ssDiamond);
  ms_ssim_real_graph_ = makeGraph(plot2_, plot2_->yAxis2, tr("real pairs"), kMsSsimColour, QCPScatterStyle::ssNone);
  ms_ssim_real_graph_->setPen(QPen(kMsSsimColour, 1.2, Qt::DashLine));
  plot2_->setVisible(false);  // until a point carries SWD or MS-SSIM
  swd_box_->setVisible(false);
  ms_ssim_box_->setVisible(false);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(toggles);
  preparing_bar_ = new QProgressBar(this);
  preparing_bar_->setRange(0, 1000);
  preparing_bar_->setVisible(false);
  layout->addWidget(preparing_bar_);
  layout->addWidget(extractor_label_);
  // Side by side: the tab is wide and short, and two stacked plots would each be too flat to read.
  auto* plots = new QHBoxLayout;
  plots->setContentsMargins(0, 0, 0, 0);
  plots->addWidget(plot_, 3);
  plots->addWidget(plot2_, 2);
  layout->addLayout(plots, 1);

  // Single-shot and started on demand: an idle plot does not wake up 30 times a second.
  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kReplotDelay_ms);
  connect(replot_timer_, &QTimer::timeout, this, &MetricPlot::refresh);

  connect(fid_box_, &QCheckBox::toggled, this,
          [this](bool on) { setSeriesVisible(fid_graph_, nullptr, on); });
  connect(kid_box_, &QCheckBox::toggled, this,
          [this](bool on) { setSeriesVisible(kid_graph_, kid_err_, on); });
  connect(is_box_, &QCheckBox::toggled, this,
          [this](bool on) { setSeriesVisible(is_graph_, is_err_, on); });
  connect(swd_box_, &QCheckBox::toggled, this, [this](bool on) {
    swd_graph_->setVisible(on);
    for (const auto& level : swd_levels_) level.second->setVisible(on);
    plot2_->yAxis->setVisible(on);
    scheduleRefresh(true);
  });
  connect(ms_ssim_box_, &QCheckBox::toggled, this, [this](bool on) {
    ms_ssim_graph_->setVisible(on);
    ms_ssim_real_graph_->setVisible(on);
    plot2_->yAxis2->setVisible(on);
    scheduleRefresh(true);
  });
  for (QCustomPlot* p : {plot_, plot2_}) {
    connect(p, &QCustomPlot::mouseMove, this, [this, p](QMouseEvent* e) { onMouseMove(p, e); });
    // After zooming or dragging, a double-click brings every point back into view.
    connect(p, &QCustomPlot::mouseDoubleClick, this, [this] { scheduleRefresh(true); });
  }
}

void MetricPlot::addSample(const MetricSample& s) {
  preparing_bar_->setVisible(false);
  auto it = std::lower_bound(samples_.begin(), samples_.end(), s.step,
                             [](const MetricSample& a, qint64 step) { return a.step < step; });
  if (it != samples_.end() && it->step == s.step) {
    *it = s;
  } else {
    samples_.insert(it, s);
  }
  scheduleRefresh(true);
}

void MetricPlot::clear() {
  samples_.clear();
  // Another run may measure other pyramid levels.
  for (const auto& level : swd_levels_) plot2_->removeGraph(level.second);
  swd_levels_.clear();
  hovered_ = -1;
  QToolTip::hideText();
  scheduleRefresh(true);
}

void MetricPlot::setSeriesVisible(QCPGraph* graph, QCPErrorBars* bars, bool visible) {
  graph->setVisible(visible);
  if (bars) bars->setVisible(visible);
  // A hidden series leaves the legend too, so the legend always describes what is drawn.
  if (visible) {
    graph->addToLegend();
  } else {
    graph->removeFromLegend();
  }
  updateValueAxes();
  scheduleRefresh(true);  // refit to what is still shown
}

void MetricPlot::updateValueAxes() {
  const std::pair<QCPAxis*, QCPGraph*> axes[] = {
      {plot_->yAxis, fid_graph_}, {kid_axis_, kid_graph_}, {plot_->yAxis2, is_graph_}};
  bool grid_drawn = false;
  for (const auto& [axis, graph] : axes) {
    // No axis without its series: a bare scale with nothing drawn against it would only mislead.
    axis->setVisible(graph->visible());
    // The grid belongs to an axis and goes with it, so it moves to the next axis still shown.
    const bool grid = graph->visible() && !grid_drawn;
    axis->grid()->setVisible(grid);
    grid_drawn = grid_drawn || grid;
  }
}

void MetricPlot::scheduleRefresh(bool rescale) {
  rescale_pending_ = rescale_pending_ || rescale;
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void MetricPlot::refresh() {
  rebuildGraphs();
  rebuildDiversity();
  updateExtractorLabel();
  empty_text_->setVisible(samples_.isEmpty());
  if (rescale_pending_) {
    rescale();
    rescaleDiversity();
  }
  rescale_pending_ = false;
  plot_->replot(QCustomPlot::rpQueuedReplot);
  if (!plot2_->isHidden()) plot2_->replot(QCustomPlot::rpQueuedReplot);
}

QCPGraph* MetricPlot::swdLevelGraph(int side) const {
  for (const auto& level : swd_levels_)
    if (level.first == side) return level.second;
  return nullptr;
}

void MetricPlot::rebuildDiversity() {
  QVector<QCPGraphData> swd, ms, ms_real;
  QMap<int, QVector<QCPGraphData>> levels;
  for (const MetricSample& s : samples_) {
    const double x = double(s.step);
    if (std::isfinite(s.swdMean)) swd.append(QCPGraphData(x, s.swdMean));
    for (int i = 0; i < std::min(s.swdSides.size(), s.swdLevels.size()); ++i)
      levels[s.swdSides[i]].append(QCPGraphData(x, s.swdLevels[i]));
    if (std::isfinite(s.msSsim)) ms.append(QCPGraphData(x, s.msSsim));
    if (std::isfinite(s.msSsimReal)) ms_real.append(QCPGraphData(x, s.msSsimReal));
  }
  // A thin line per level, lighter for the finer ones, made when the level first appears.
  for (auto it = levels.cbegin(); it != levels.cend(); ++it) {
    if (swdLevelGraph(it.key())) continue;
    const QColor colour = kSwdColour.lighter(100 + 25 * int(swd_levels_.size() + 1));
    QCPGraph* g = makeGraph(plot2_, plot2_->yAxis, tr("SWD %1 px").arg(it.key()), colour, QCPScatterStyle::ssNone);
    g->setPen(QPen(colour, 1.0));
    g->setVisible(swd_box_->isChecked());
    g->removeFromLegend();  // the SWD box's tooltip and each point's tooltip name the levels
    swd_levels_.append({it.key(), g});
  }
  for (const auto& level : swd_levels_) level.second->data()->set(levels.value(level.first), true);
  swd_graph_->data()->set(swd, true);
  ms_ssim_graph_->data()->set(ms, true);
  ms_ssim_real_graph_->data()->set(ms_real, true);
  const bool any_swd = !swd.isEmpty(), any_ms = !ms.isEmpty();
  swd_box_->setVisible(any_swd);
  ms_ssim_box_->setVisible(any_ms);
  plot2_->setVisible(any_swd || any_ms);
  plot2_->yAxis->setVisible(any_swd && swd_box_->isChecked());
  plot2_->yAxis2->setVisible(any_ms && ms_ssim_box_->isChecked());
}

void MetricPlot::rescaleDiversity() {
  Extent x, swd_y, ms_y;
  for (const MetricSample& s : samples_) {
    bool shown = false;
    if (swd_box_->isChecked()) {
      swd_y.add(s.swdMean);
      for (double v : s.swdLevels) swd_y.add(v);
      shown = shown || std::isfinite(s.swdMean);
    }
    if (ms_ssim_box_->isChecked()) {
      ms_y.add(s.msSsim);
      ms_y.add(s.msSsimReal);
      shown = shown || std::isfinite(s.msSsim);
    }
    if (shown) x.add(double(s.step));
  }
  // The same steps as the plot above, so the two read as one.
  plot2_->xAxis->setRange(plot_->xAxis->range());
  if (!x.valid()) return;
  if (swd_y.valid()) plot2_->yAxis->setRange(swd_y.padded(0.08));
  if (ms_y.valid()) plot2_->yAxis2->setRange(ms_y.padded(0.08));
}

void MetricPlot::rebuildGraphs() {
  QVector<QCPGraphData> fid, kid, is;
  QVector<double> kid_err, is_err;
  for (const MetricSample& s : samples_) {
    const double x = double(s.step);
    if (std::isfinite(s.fid)) fid.append(QCPGraphData(x, s.fid));
    if (std::isfinite(s.kidMean)) {
      kid.append(QCPGraphData(x, s.kidMean));
      kid_err.append(s.kidStd);  // NaN stays NaN: QCPErrorBars draws no bar for it
    }
    if (std::isfinite(s.isMean)) {
      is.append(QCPGraphData(x, s.isMean));
      is_err.append(s.isStd);
    }
  }
  // Error bars pair with their graph's points by index, so both are built from the same filter.
  fid_graph_->data()->set(fid, true);
  kid_graph_->data()->set(kid, true);
  is_graph_->data()->set(is, true);
  kid_err_->setData(kid_err);
  is_err_->setData(is_err);
}

void MetricPlot::rescale() {
  Extent x, fid_y, kid_y, is_y;
  const bool fid_on = fid_graph_->visible();
  const bool kid_on = kid_graph_->visible();
  const bool is_on = is_graph_->visible();
  for (const MetricSample& s : samples_) {
    bool shown = false;
    if (fid_on && std::isfinite(s.fid)) {
      fid_y.add(s.fid);
      shown = true;
    }
    if (kid_on && std::isfinite(s.kidMean)) {
      kid_y.addWithError(s.kidMean, s.kidStd);
      shown = true;
    }
    if (is_on && std::isfinite(s.isMean)) {
      is_y.addWithError(s.isMean, s.isStd);
      shown = true;
    }
    if (shown) x.add(double(s.step));
  }
  if (samples_.isEmpty()) {
    // Back to the axes of a fresh plot, under the empty-state text.
    plot_->xAxis->setRange(0.0, 1000.0);
    plot_->yAxis->setRange(0.0, 100.0);
    plot_->yAxis2->setRange(0.0, 10.0);
    kid_axis_->setRange(0.0, 0.1);
    return;
  }
  if (x.valid()) plot_->xAxis->setRange(x.padded(0.03));
  if (fid_y.valid()) plot_->yAxis->setRange(fid_y.padded(0.08));
  if (kid_y.valid()) kid_axis_->setRange(kid_y.padded(0.08));
  if (is_y.valid()) plot_->yAxis2->setRange(is_y.padded(0.08));
}

void MetricPlot::updateExtractorLabel() {
  if (samples_.isEmpty() || samples_.back().extractor.isEmpty()) {
    extractor_label_->clear();
    extractor_label_->setVisible(false);
    return;
  }
  const QString& latest = samples_.back().extractor;
  QString text = tr("Extractor: %1").arg(latest);
  const bool mixed = std::any_of(samples_.cbegin(), samples_.cend(), [&](const MetricSample& s) {
    return !s.extractor.isEmpty() && s.extractor != latest;
  });
  if (mixed) text += tr(" (earlier points used another extractor: the curve mixes incomparable values)");
  extractor_label_->setText(text);
  extractor_label_->setVisible(true);
}

QString MetricPlot::formatMetric(double value, int digits) {
  const QString general = QString::number(value, 'g', digits);  // as printf's %.<digits>g
  const double magnitude = std::abs(value);
  if (!general.contains('e') || !(magnitude >= 1.0 && magnitude < 1e6)) return general;
  // %g writes an exponent once the integer part has more than `digits` digits; "4393" reads better
  // than "4.393e+03" and "120" than "1.2e+02", so round to `digits` significant digits, print fixed.
  const double unit = std::pow(10.0, std::floor(std::log10(magnitude)) + 1 - digits);
  return QString::number(std::round(value / unit) * unit, 'f', 0);
}

QString MetricPlot::tooltipFor(int index) const {
  if (index < 0 || index >= samples_.size()) return QString();
  return describeSample(samples_[index]).join('\n');
}

QStringList MetricPlot::describeSample(const MetricSample& s) {
  // Significant digits rather than fixed decimals: the scales of all three depend on the extractor
  // (KID is ~0.01 with Inception, thousands with the dataset classifier). The spread gets 2.
  const auto metric = [](const QString& name, double mean, double std) {
    QString text = name + ' ' + formatMetric(mean, 4);
    if (std::isfinite(std)) text += QString::fromUtf8(" ± ") + formatMetric(std, 2);
    return text;
  };
  QStringList lines;
  lines << tr("step %1").arg(s.step);
  if (std::isfinite(s.fid)) lines << metric(tr("FID"), s.fid, qQNaN());
  if (std::isfinite(s.kidMean)) lines << metric(tr("KID"), s.kidMean, s.kidStd);
  if (std::isfinite(s.isMean)) lines << metric(tr("IS"), s.isMean, s.isStd);
  if (!s.extractor.isEmpty()) lines << tr("extractor: %1").arg(s.extractor);
  if (!s.reference.isEmpty()) lines << tr("reference: %1").arg(s.reference);
  if (s.nReal > 0 || s.nFake > 0) lines << tr("real %1, fake %2").arg(s.nReal).arg(s.nFake);
  if (std::isfinite(s.msSsim))
    lines << tr("MS-SSIM %1 among generated pairs, %2 among real pairs")
                 .arg(formatMetric(s.msSsim, 4), formatMetric(s.msSsimReal, 4));
  if (std::isfinite(s.swdMean)) {
    QStringList levels;
    for (int i = 0; i < std::min(s.swdSides.size(), s.swdLevels.size()); ++i)
      levels << tr("%1 px %2").arg(s.swdSides[i]).arg(formatMetric(s.swdLevels[i], 4));
    lines << tr("SWD ×10³ %1 (%2; %3 images each)").arg(formatMetric(s.swdMean, 4), levels.join(", ")).arg(s.swdImages);
  }
  if (!s.drawn.isEmpty()) lines << tr("samples: %1").arg(s.drawn);
  if (!s.realPath.isEmpty()) lines << tr("real: %1").arg(s.realPath);
  if (!s.resize.isEmpty()) lines << tr("resize: %1").arg(s.resize);
  if (std::isfinite(s.seconds) && s.seconds > 0.0) lines << tr("took %1").arg(seconds_text(s.seconds));
  for (const QString& w : s.warnings) lines << tr("warning: %1").arg(w);
  return lines;
}

int MetricPlot::sampleNear(const QPointF& pixel, const QCustomPlot* on) const {
  const QCustomPlot* plot = on ? on : plot_;
  if (!plot->axisRect()->rect().contains(pixel.toPoint())) return -1;
  struct Series {
    const QCPGraph* graph;
    double MetricSample::*value;
  };
  const QVector<Series> series =
      plot == plot_ ? QVector<Series>{{fid_graph_, &MetricSample::fid},
                                      {kid_graph_, &MetricSample::kidMean},
                                      {is_graph_, &MetricSample::isMean}}
                    : QVector<Series>{{swd_graph_, &MetricSample::swdMean},
                                      {ms_ssim_graph_, &MetricSample::msSsim},
                                      {ms_ssim_real_graph_, &MetricSample::msSsimReal}};
  int best = -1;
  double best_d2 = kHoverRadius_px * kHoverRadius_px;
  for (int i = 0; i < samples_.size(); ++i) {
    const MetricSample& s = samples_[i];
    const double px = plot->xAxis->coordToPixel(double(s.step));
    for (const Series& ser : series) {
      const double v = s.*(ser.value);
      if (!ser.graph->visible() || !std::isfinite(v)) continue;
      const double py = ser.graph->valueAxis()->coordToPixel(v);
      const double d2 = (px - pixel.x()) * (px - pixel.x()) + (py - pixel.y()) * (py - pixel.y());
      if (d2 <= best_d2) {
        best_d2 = d2;
        best = i;
      }
    }
  }
  return best;
}

void MetricPlot::onMouseMove(QCustomPlot* plot, QMouseEvent* event) {
  if (event->buttons() != Qt::NoButton) return;  // dragging the view, not hovering
  const int index = sampleNear(event->position(), plot);
  if (index < 0) {
    if (hovered_ >= 0) QToolTip::hideText();
    hovered_ = -1;
    return;
  }
  hovered_ = index;
  // Rich text so long extractor names wrap; the plain text is escaped first.
  QToolTip::showText(event->globalPosition().toPoint(),
                     Qt::convertFromPlainText(tooltipFor(index), Qt::WhiteSpaceNormal), plot);
}

void MetricPlot::setPreparing(const QString& what, double fraction, double seconds_left) {
  const bool empty = samples_.isEmpty();
  empty_text_->setText(what.isEmpty() || !empty ? tr("No metrics yet: enable them under Metrics and start a run")
                                                : what);
  const bool bar = empty && !what.isEmpty() && fraction >= 0 && fraction < 1;
  preparing_bar_->setVisible(bar);
  if (bar) {
    preparing_bar_->setValue(int(fraction * 1000));
    preparing_bar_->setFormat(seconds_left >= 0 ? tr("%p% · about %1 left")
                                                      .arg(QStringLiteral("%1:%2")
                                                               .arg(qint64(seconds_left + 0.5) / 60)
                                                               .arg(qint64(seconds_left + 0.5) % 60, 2, 10, QChar('0')))
                                                : tr("%p%"));
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ui
