#pragma once
// A family's schedule, live: its Fraction series (ProGAN's fade-in alpha, CycleGAN's learning-rate
// factor) on the left axis and its Stage series (ProGAN's resolution) as steps on the right, against
// the family's Progress series (thousands of images shown) when it declares one, else the step.
// Points are appended as they come; a timer replots at most every kReplotInterval_ms.
#include <QHash>
#include <QPair>
#include <QString>
#include <QVector>
#include <QWidget>
#include <vector>

#include "models/core/capabilities.h"

class QCPGraph;
class QCustomPlot;
class QTimer;

namespace ui {

class SchedulePlot : public QWidget {
  Q_OBJECT
 public:
  explicit SchedulePlot(QWidget* parent = nullptr);

  // The family's series; those on the Fraction, Stage and Progress axes are used. Clears the plot.
  void setSeries(const std::vector<gan::SeriesSpec>& specs);
  // One step's scalars (the others are ignored).
  void addStep(qint64 step, const QVector<QPair<QString, double>>& scalars);
  void clear();
  // True when the series set has something to plot.
  bool hasSchedule() const { return !graphs_.isEmpty(); }
  int pointCount(const QString& series) const;
  // The x axis's label: the Progress series's label, or "step".
  QString xLabel() const;
  QCustomPlot* plot() const { return plot_; }
  QSize sizeHint() const override { return {560, 320}; }

  static constexpr int kReplotInterval_ms = 100;

 private:
  QCustomPlot* plot_ = nullptr;
  QTimer* timer_ = nullptr;
  QHash<QString, QCPGraph*> graphs_;
  QString progress_;  // the Progress series's id, or empty
  bool dirty_ = false;
};

}  // namespace ui
