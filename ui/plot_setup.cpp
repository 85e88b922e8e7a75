#include "ui/plot_setup.h"

#include <qcustomplot.h>

namespace ui {

void setupStepPlot(QCustomPlot* plot, const QString& left_label, const QString& right_label) {
  plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
  plot->axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
  const QList<QCPAxis*> horizontal{plot->xAxis};
  const QList<QCPAxis*> vertical{plot->yAxis, plot->yAxis2};
  plot->axisRect()->setRangeDragAxes(horizontal, vertical);
  plot->axisRect()->setRangeZoomAxes(horizontal, vertical);
  plot->xAxis->setLabel(QObject::tr("step"));
  plot->yAxis->setLabel(left_label);
  plot->yAxis2->setLabel(right_label);
  plot->yAxis2->setVisible(true);

  plot->legend->setVisible(true);
  plot->legend->setBorderPen(Qt::NoPen);
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
  auto* legend_row = new QCPLayoutGrid;
  plot->plotLayout()->addElement(1, 0, legend_row);
  legend_row->setMargins(QMargins(5, 0, 5, 5));
  legend_row->addElement(0, 0, plot->legend);
  // A layout grid's maximum width is the sum of its columns': an empty legend (no series yet) would cap
  // the whole plot's column at its margins and squash the axes. An element with no maximum beside it
  // keeps the cap off; with a tiny stretch it takes no room from a legend that has entries.
  legend_row->addElement(0, 1, new QCPLayoutElement(plot));
  legend_row->setColumnStretchFactor(1, 0.001);
  plot->plotLayout()->setRowStretchFactor(1, 0.001);
}

}  // namespace ui
