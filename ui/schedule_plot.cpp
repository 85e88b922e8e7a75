#include "ui/schedule_plot.h"

#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "ui/plot_setup.h"

namespace ui {
namespace {
const QColor kFraction[] = {QColor(214, 39, 40), QColor(148, 103, 189), QColor(227, 119, 194)};
const QColor kStage[] = {QColor(31, 119, 180), QColor(44, 160, 44), QColor(140, 86, 75)};
}  // namespace

SchedulePlot::SchedulePlot(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot(this);
  plot_->setMinimumSize(240, 200);
  setupStepPlot(plot_, tr("fraction"), QString());
  plot_->yAxis->setRange(-0.05, 1.05);
  plot_->xAxis->setRange(0, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_, 1);
  timer_ = new QTimer(this);
  timer_->setInterval(kReplotInterval_ms);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (!dirty_) return;
    dirty_ = false;
    bool found = false;
    QCPRange x = {0, 1}, right;
    for (QCPGraph* g : graphs_) {
      bool ok = false;
      const QCPRange keys = g->getKeyRange(ok);
      if (!ok) continue;
      x = found ? QCPRange(std::min(x.lower, keys.lower), std::max(x.upper, keys.upper)) : keys;
      found = true;
      if (g->valueAxis() == plot_->yAxis2) {
        const QCPRange v = g->getValueRange(ok);
        if (ok) right = right.lower == right.upper ? v : QCPRange(std::min(right.lower, v.lower), std::max(right.upper, v.upper));
      }
    }
    if (found) plot_->xAxis->setRange(x.lower, x.upper > x.lower ? x.upper : x.lower + 1);
    if (right.upper > right.lower) plot_->yAxis2->setRange(0, right.upper * 1.1);
    else if (right.upper > 0) plot_->yAxis2->setRange(0, right.upper * 2);
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  timer_->start();
}

void SchedulePlot::setSeries(const std::vector<gan::SeriesSpec>& specs) {
  plot_->clearGraphs();
  graphs_.clear();
  progress_.clear();
  QString x_label = tr("step"), right_label;
  int fractions = 0, stages = 0;
  for (const auto& s : specs) {
    const QString id = QString::fromStdString(s.id);
    if (s.axis == gan::SeriesAxis::Progress) {
      progress_ = id;
      x_label = QString::fromStdString(s.label);
    } else if (s.axis == gan::SeriesAxis::Fraction || s.axis == gan::SeriesAxis::Stage) {
      const bool stage = s.axis == gan::SeriesAxis::Stage;
      QCPGraph* g = plot_->addGraph(plot_->xAxis, stage ? plot_->yAxis2 : plot_->yAxis);
      g->setName(QString::fromStdString(s.label));
      g->setPen(QPen(stage ? kStage[stages++ % 3] : kFraction[fractions++ % 3], 2.0));
      if (stage) {
        g->setLineStyle(QCPGraph::lsStepLeft);
        right_label += (right_label.isEmpty() ? "" : " · ") + QString::fromStdString(s.label).toLower();
      }
      graphs_.insert(id, g);
    }
  }
  plot_->xAxis->setLabel(x_label);
  plot_->yAxis2->setLabel(right_label);
  plot_->yAxis2->setVisible(stages > 0);
  plot_->yAxis->setVisible(fractions > 0);
  dirty_ = true;
}

void SchedulePlot::addStep(qint64 step, const QVector<QPair<QString, double>>& scalars) {
  if (graphs_.isEmpty()) return;
  double x = double(step);
  if (!progress_.isEmpty()) {
    bool has = false;
    for (const auto& [name, v] : scalars)
      if (name == progress_ && std::isfinite(v)) {
        x = v;
        has = true;
      }
    if (!has) return;  // a step without the family's clock cannot be placed
  }
  for (const auto& [name, v] : scalars) {
    auto it = graphs_.constFind(name);
    if (it != graphs_.constEnd()) (*it)->addData(x, v);
  }
  dirty_ = true;
}

void SchedulePlot::clear() {
  for (QCPGraph* g : graphs_) g->data()->clear();
  plot_->xAxis->setRange(0, 1);
  dirty_ = true;
}

int SchedulePlot::pointCount(const QString& series) const {
  auto it = graphs_.constFind(series);
  return it == graphs_.constEnd() ? 0 : (*it)->data()->size();
}

QString SchedulePlot::xLabel() const { return plot_->xAxis->label(); }

}  // namespace ui
