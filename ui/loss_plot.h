#pragma once
// Live loss / D-output curves over training steps, on a QCustomPlot.
// addPoint() only appends; a timer rebuilds the graphs and replots when something changed, so bursts
// of stats coalesce into one repaint. Raw points are all kept; graphs get bucket means over the
// visible range when a series is long, so the plot stays fast after 10^6 steps.
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <vector>

#include "models/core/capabilities.h"

class QCheckBox;
class QCPAxis;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QSlider;
class QTimer;

namespace ui {

class LossPlot : public QWidget {
  Q_OBJECT
 public:
  explicit LossPlot(QWidget* parent = nullptr);

  // The family's series: their labels, axes and kinds. Call before the points arrive.
  void setSeries(const std::vector<gan::SeriesSpec>& specs);
  void addPoint(qint64 step, const QString& series, double value);
  void clear();
  // Raw points received for `series` (0 for an unknown name, and for the schedule's series: the
  // Fraction and Progress series are not drawn here, a Stage series only marks where it changes).
  int pointCount(const QString& series) const;
  // The vertical lines that mark where a Stage series changed (ProGAN's resolution), in order.
  QStringList stageMarks() const;
  QCustomPlot* plot() const { return plot_; }
  QSize sizeHint() const override { return {560, 320}; }

  QSlider* smoothingSlider() const { return smoothing_slider_; }
  QCheckBox* autoFollowBox() const { return auto_follow_; }
  double smoothingWeight() const;  // 0.00 .. 0.99
  bool autoFollow() const;

  // Graphs get at most this many points per series after decimation.
  static constexpr int kMaxDrawnPoints = 2000;
  // Series longer than this are decimated.
  static constexpr int kDecimateAbove = 4000;
  static constexpr int kReplotInterval_ms = 30;

 private:
  struct Series {
    QString name;
    bool right_axis = false;
    bool measured = false;  // an occasional measurement (test accuracy): drawn unsmoothed, with markers
    // Every point is kept (24 bytes a point): the steps, and prefix sums (size n + 1) of the raw and
    // smoothed values, so that a bucket's mean costs O(1) at any zoom.
    QVector<double> steps;
    std::vector<double> raw_prefix{0.0};
    std::vector<double> smooth_prefix{0.0};
    double ema = 0.0;           // running EMA (biased)
    double debias_power = 1.0;  // weight^k, for TensorBoard-style debiasing
    double last_finite = 0.0;   // stands in for NaN/inf in the sums
    QCPGraph* raw_graph = nullptr;
    QCPGraph* smooth_graph = nullptr;
  };

  Series& seriesFor(const QString& name);
  void appendSmoothed(Series& s, double value);
  void recomputeSmoothing();
  void markDirty() { dirty_ = true; }
  void refresh();  // timer tick
  void feedGraph(Series& s, double x_lo, double x_hi, double& left_min, double& left_max,
                 double& right_min, double& right_max);
  void onUserRangeChange();

  QCustomPlot* plot_ = nullptr;
  QSlider* smoothing_slider_ = nullptr;
  QLabel* smoothing_label_ = nullptr;
  QCheckBox* auto_follow_ = nullptr;
  QTimer* replot_timer_ = nullptr;

  // A Stage series's changes: a labelled vertical line at each.
  struct StageMark {
    double step;
    QString text;
    QCPItemStraightLine* line;
    QCPItemText* label;
  };
  bool addStagePoint(const QString& series, qint64 step, double value);  // true when not drawn as a curve

  std::vector<Series> series_;
  QHash<QString, double> last_stage_;
  std::vector<StageMark> marks_;
  QHash<QString, int> index_;
  QHash<QString, gan::SeriesSpec> specs_;
  QStringList right_axes_;  // the kinds shown on the right axis, in order of arrival
  bool dirty_ = false;
  bool applying_range_ = false;  // our own setRange calls must not switch auto-follow off
};

}  // namespace ui
