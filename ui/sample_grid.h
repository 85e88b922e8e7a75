#pragma once
// The grid of samples the family draws for a fixed seed (its training view), with the options it
// declares for sampling (truncation, class, ...), and the step and render time it was made at.
#include <QImage>
#include <QString>
#include <QWidget>
#include <vector>

#include "models/core/capabilities.h"

class QLabel;

namespace ui {

class ControlPanel;
class ImageView;
struct RenderedResult;
struct RenderSpec;

class SampleGrid : public QWidget {
  Q_OBJECT
 public:
  explicit SampleGrid(QWidget* parent = nullptr);

  // The family's sample options (those shown with the grid).
  void setOptions(const std::vector<gan::ControlSpec>& options);
  ControlPanel* options() const { return options_; }
  // The request the grid makes (panel "grid").
  RenderSpec request() const;
  // A result for the grid; older stamps than the one shown are dropped (false).
  bool setResult(const RenderedResult& r);
  // Shown over the image ("No model yet", an error). Empty removes it.
  void setMessage(const QString& message);
  QString message() const;
  qint64 step() const { return step_; }
  QImage image() const;
  ImageView* view() const { return view_; }
  QString caption() const;

  static inline const QString kPanel = QStringLiteral("grid");

 signals:
  void requestChanged();

 private:
  QLabel* title_ = nullptr;
  ImageView* view_ = nullptr;
  ControlPanel* options_ = nullptr;
  QLabel* caption_ = nullptr;
  qint64 step_ = -1;
  quint64 shown_ = 0;
};

}  // namespace ui
