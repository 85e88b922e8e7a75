#include "ui/loss_plot.h"
#include "ui/plot_setup.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace ui {
namespace {

const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                           QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                           QColor(23, 190, 207)};
constexpr int kPaletteSize = int(sizeof(kPalette) / sizeof(kPalette[0]));

// The right axis's name for a kind of series.
QString axisName(gan::SeriesAxis a) {
  switch (a) {
    case gan::SeriesAxis::Loss: return QObject::tr("loss");
    case gan::SeriesAxis::Output: return QObject::tr("D output");
    case gan::SeriesAxis::Accuracy: return QObject::tr("accuracy");
    case gan::SeriesAxis::Fraction: return QObject::tr("fraction");
    case gan::SeriesAxis::Stage: return QObject::tr("stage");
    case gan::SeriesAxis::Progress: return QObject::tr("progress");
    case gan::SeriesAxis::Share: return QObject::tr("share");
  }
  return {};
}

void widen(double v, double& lo, double& hi) {
  if (!std::isfinite(v)) return;
  lo = std::min(lo, v);
  hi = std::max(hi, v);
}

}  // namespace

LossPlot::LossPlot(QWidget* parent) : QWidget(parent) {
  smoothing_slider_ = new QSlider(Qt::Horizontal, this);
  smoothing_slider_->setRange(0, 99);
  smoothing_slider_->setValue(0);
  smoothing_slider_->setToolTip(tr("Exponential moving average weight, as in TensorBoard. "
                                   "The raw curve is drawn faintly behind the smoothed one."));
  smoothing_label_ = new QLabel(this);
  smoothing_label_->setMinimumWidth(smoothing_label_->fontMetrics().horizontalAdvance("0.00") + 4);
  auto_follow_ = new QCheckBox(tr("Auto-follow"), this);
  auto_follow_->setChecked(true);
  auto_follow_->setToolTip(tr("Keep the newest data in view. Dragging or zooming turns it off; "
                              "double-click the plot to turn it back on."));

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Smoothing"), this));
  controls->addWidget(smoothing_slider_, 1);
  controls->addWidget(smoothing_label_);
  controls->addSpacing(12);
  controls->addWidget(auto_follow_);

  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(240, 200);
  setupStepPlot(plot_, tr("loss"), QString());
  plot_->setPlottingHint(QCP::phFastPolylines, true);
  plot_->yAxis2->setRange(0.0, 1.0);
  plot_->xAxis->setRange(0.0, 100.0);
  plot_->yAxis->setRange(0.0, 2.0);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(controls);
  layout->addWidget(plot_, 1);

  replot_timer_ = new QTimer(this);
  replot_timer_->setInterval(kReplotInterval_ms);
  connect(replot_timer_, &QTimer::timeout, this, &LossPlot::refresh);
  replot_timer_->start();

  connect(smoothing_slider_, &QSlider::valueChanged, this, [this] {
    smoothing_label_->setText(QString::number(smoothingWeight(), 'f', 2));
    recomputeSmoothing();
    markDirty();
  });
  smoothing_label_->setText(QString::number(smoothingWeight(), 'f', 2));
  connect(auto_follow_, &QCheckBox::toggled, this, [this] { markDirty(); });

  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
    connect(axis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &LossPlot::onUserRangeChange);
  }
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { auto_follow_->setChecked(true); });
}

double LossPlot::smoothingWeight() const { return smoothing_slider_->value() / 100.0; }

bool LossPlot::autoFollow() const { return auto_follow_->isChecked(); }

void LossPlot::setSeries(const std::vector<gan::SeriesSpec>& specs) {
  specs_.clear();
  bool right = false;
  for (const auto& spec : specs) {
    specs_.insert(QString::fromStdString(spec.id), spec);
    // Schedules (a learning-rate factor, ProGAN's alpha) are the schedule plot's; a stage only marks its
    // changes here. Neither uses this plot's right axis.
    const bool elsewhere = spec.axis == gan::SeriesAxis::Fraction || spec.axis == gan::SeriesAxis::Progress ||
                           spec.axis == gan::SeriesAxis::Stage;
    right = right || (spec.axis != gan::SeriesAxis::Loss && !elsewhere);
  }
  // The right axis only when a series of the family is drawn on it.
  plot_->yAxis2->setVisible(right || !right_axes_.isEmpty());
  markDirty();
}

LossPlot::Series& LossPlot::seriesFor(const QString& name) {
  auto it = index_.constFind(name);
  if (it != index_.constEnd()) return series_[size_t(*it)];

  // Series the family did not declare (from an older checkpoint) are plain losses named by their id.
  gan::SeriesSpec spec;
  spec.id = name.toStdString();
  spec.label = spec.id;
  if (auto found = specs_.constFind(name); found != specs_.constEnd()) spec = *found;
  Series s;
  s.name = name;
  s.right_axis = spec.axis != gan::SeriesAxis::Loss;
  QCPAxis* value_axis = s.right_axis ? plot_->yAxis2 : plot_->yAxis;
  const QColor colour = kPalette[series_.size() % kPaletteSize];

  s.raw_graph = plot_->addGraph(plot_->xAxis, value_axis);
  QColor faint = colour;
  faint.setAlpha(60);
  s.raw_graph->setPen(QPen(faint, 1.0));
  s.raw_graph->removeFromLegend();
  s.raw_graph->setAntialiased(false);  // faint and dense: not worth the cost of antialiasing
  s.raw_graph->setVisible(false);

  s.smooth_graph = plot_->addGraph(plot_->xAxis, value_axis);
  s.smooth_graph->setPen(QPen(colour, 1.6));
  s.smooth_graph->setName(QString::fromStdString(spec.label));
  s.measured = spec.kind == gan::SeriesKind::Measured;
  if (s.measured) s.smooth_graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  if (s.right_axis && !right_axes_.contains(axisName(spec.axis))) {
    right_axes_ << axisName(spec.axis);
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setLabel(right_axes_.join(QStringLiteral(" · ")));
  }

  index_.insert(name, int(series_.size()));
  series_.push_back(std::move(s));
  return series_.back();
}

bool LossPlot::addStagePoint(const QString& series, qint64 step, double value) {
  auto found = specs_.constFind(series);
  if (found == specs_.constEnd()) return false;
  const gan::SeriesAxis axis = found->axis;
  if (axis == gan::SeriesAxis::Fraction || axis == gan::SeriesAxis::Progress) return true;  // the schedule plot's
  if (axis != gan::SeriesAxis::Stage) return false;
  auto last = last_stage_.constFind(series);
  const bool changed = last != last_stage_.constEnd() && *last != value;
  last_stage_.insert(series, value);
  if (!changed) return true;
  StageMark m;
  m.step = double(step);
  m.text = QStringLiteral("%1 %2").arg(QString::fromStdString(found->label)).arg(value);
  m.line = new QCPItemStraightLine(plot_);
  m.line->point1->setCoords(m.step, 0);
  m.line->point2->setCoords(m.step, 1);
  m.line->setPen(QPen(QColor(90, 90, 90), 1, Qt::DashLine));
  m.label = new QCPItemText(plot_);
  m.label->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  m.label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  m.label->position->setCoords(m.step, 0.02);
  m.label->setText(m.text);
  m.label->setColor(QColor(90, 90, 90));
  m.label->setPadding(QMargins(3, 0, 0, 0));
  marks_.push_back(m);
  markDirty();
  return true;
}

QStringList LossPlot::stageMarks() const {
  QStringList out;
  for (const auto& m : marks_) out << m.text;
  return out;
}

void LossPlot::addPoint(qint64 step, const QString& series, double value) {
  if (addStagePoint(series, step, value)) return;
  Series& s = seriesFor(series);
  s.steps.append(double(step));
  const double v = std::isfinite(value) ? value : s.last_finite;
  if (std::isfinite(value)) s.last_finite = value;
  s.raw_prefix.push_back(s.raw_prefix.back() + v);
  appendSmoothed(s, v);
  markDirty();
}

void LossPlot::appendSmoothed(Series& s, double value) {
  // TensorBoard's debiased EMA: the first points are not pulled towards zero.
  const double w = s.measured ? 0.0 : smoothingWeight();
  s.ema = s.ema * w + (1.0 - w) * value;
  s.debias_power *= w;
  const double smoothed = (w > 0.0) ? s.ema / (1.0 - s.debias_power) : value;
  s.smooth_prefix.push_back(s.smooth_prefix.back() + smoothed);
}

void LossPlot::recomputeSmoothing() {
  for (Series& s : series_) {
    s.ema = 0.0;
    s.debias_power = 1.0;
    s.smooth_prefix.assign(1, 0.0);
    s.smooth_prefix.reserve(s.raw_prefix.size());
    for (size_t i = 1; i < s.raw_prefix.size(); ++i) {
      appendSmoothed(s, s.raw_prefix[i] - s.raw_prefix[i - 1]);
    }
  }
}

void LossPlot::clear() {
  for (Series& s : series_) {
    plot_->removeGraph(s.raw_graph);
    plot_->removeGraph(s.smooth_graph);
  }
  series_.clear();
  index_.clear();
  for (const auto& m : marks_) {
    plot_->removeItem(m.line);
    plot_->removeItem(m.label);
  }
  marks_.clear();
  last_stage_.clear();
  right_axes_.clear();
  plot_->yAxis2->setLabel(QString());
  applying_range_ = true;
  plot_->xAxis->setRange(0.0, 100.0);
  plot_->yAxis->setRange(0.0, 2.0);
  plot_->yAxis2->setRange(0.0, 1.0);
  applying_range_ = false;
  markDirty();
}

int LossPlot::pointCount(const QString& series) const {
  auto it = index_.constFind(series);
  return it == index_.constEnd() ? 0 : int(series_[size_t(*it)].steps.size());
}

void LossPlot::onUserRangeChange() {
  if (applying_range_) return;
  // The user dragged or zoomed: stop following so the view stays where they put it.
  if (auto_follow_->isChecked()) auto_follow_->setChecked(false);
  markDirty();  // the visible range changed: feed the graphs the points for it
}

void LossPlot::feedGraph(Series& s, double x_lo, double x_hi, double& left_min, double& left_max,
                         double& right_min, double& right_max) {
  const int n_total = s.steps.size();
  int lo = 0;
  int hi = n_total;
  if (n_total > kDecimateAbove) {
    // Visible part, plus one point either side so the lines run to the edges.
    lo = int(std::lower_bound(s.steps.cbegin(), s.steps.cend(), x_lo) - s.steps.cbegin());
    hi = int(std::upper_bound(s.steps.cbegin(), s.steps.cend(), x_hi) - s.steps.cbegin());
    lo = std::max(0, lo - 1);
    hi = std::min(n_total, hi + 1);
  }
  const int n = hi - lo;
  const int buckets = std::min(n, n_total > kDecimateAbove ? kMaxDrawnPoints : n);
  const bool show_raw = smoothingWeight() > 0.0;

  QVector<QCPGraphData> raw(buckets);
  QVector<QCPGraphData> smooth(buckets);
  for (int b = 0; b < buckets; ++b) {
    const int a = lo + int(qint64(b) * n / buckets);
    const int e = lo + int(qint64(b + 1) * n / buckets);
    const double count = double(e - a);
    const double key = 0.5 * (s.steps[a] + s.steps[e - 1]);
    raw[b] = QCPGraphData(key, (s.raw_prefix[size_t(e)] - s.raw_prefix[size_t(a)]) / count);
    smooth[b] = QCPGraphData(key, (s.smooth_prefix[size_t(e)] - s.smooth_prefix[size_t(a)]) / count);
  }
  s.smooth_graph->data()->set(smooth, true);
  s.raw_graph->setVisible(show_raw);
  if (show_raw) {
    s.raw_graph->data()->set(raw, true);
  } else {
    s.raw_graph->data()->clear();
  }

  double& mn = s.right_axis ? right_min : left_min;
  double& mx = s.right_axis ? right_max : left_max;
  for (int b = 0; b < buckets; ++b) {
    if (smooth[b].key < x_lo || smooth[b].key > x_hi) continue;
    widen(smooth[b].value, mn, mx);
    if (show_raw) widen(raw[b].value, mn, mx);
  }
}

void LossPlot::refresh() {
  if (!dirty_) return;
  dirty_ = false;
  const bool follow = auto_follow_->isChecked();

  double x_lo = plot_->xAxis->range().lower;
  double x_hi = plot_->xAxis->range().upper;
  if (follow) {
    double first = std::numeric_limits<double>::infinity();
    double last = -std::numeric_limits<double>::infinity();
    for (const Series& s : series_) {
      if (s.steps.isEmpty()) continue;
      first = std::min(first, s.steps.front());
      last = std::max(last, s.steps.back());
    }
    if (std::isfinite(first)) {
      x_lo = first;
      x_hi = (last > first) ? last : first + 1.0;
    }
  }

  const double inf = std::numeric_limits<double>::infinity();
  double left_min = inf, left_max = -inf, right_min = inf, right_max = -inf;
  for (Series& s : series_) feedGraph(s, x_lo, x_hi, left_min, left_max, right_min, right_max);

  if (follow) {
    applying_range_ = true;
    plot_->xAxis->setRange(x_lo, x_hi);
    if (left_min <= left_max) {
      const double pad = std::max(1e-6, 0.05 * (left_max - left_min));
      plot_->yAxis->setRange(left_min - pad, left_max + pad);
    }
    // D outputs are probabilities: 0..1 unless the data leave it.
    double r_lo = 0.0, r_hi = 1.0;
    if (right_min <= right_max) {
      r_lo = std::min(r_lo, right_min);
      r_hi = std::max(r_hi, right_max);
    }
    plot_->yAxis2->setRange(r_lo, r_hi);
    applying_range_ = false;
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ui
