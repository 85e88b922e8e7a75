#pragma once
// The set-up the project's QCustomPlots share: a step axis, a left and a right value axis that drag
// and zoom together, and the legend in a row under the axis rect so it never hides the newest points.
#include <QString>

class QCustomPlot;

namespace ui {

void setupStepPlot(QCustomPlot* plot, const QString& left_label, const QString& right_label);

}  // namespace ui
