#pragma once
// The grid of samples the family draws for a fixed seed (its training view), with the options it
// declares for sampling (class, ...), and the step and render time it was made at. Above it, the
// Truncation box: the family's truncation option and those that shape it (Capabilities::truncation: a
// threshold for z, StyleGAN's psi and cutoff), with the Fidelity–diversity button; greyed out, with the
// family's reason, when it has none.
#include <QImage>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "models/core/capabilities.h"

class QGroupBox;
class QLabel;
class QPushButton;

namespace ui {

class ControlPanel;
class ImageView;
struct RenderedResult;
struct RenderSpec;

class SampleGrid : public QWidget {
  Q_OBJECT
 public:
  explicit SampleGrid(QWidget* parent = nullptr);

  // The family's sample options (those shown with the grid) and its truncation.
  void setOptions(const std::vector<gan::ControlSpec>& options, const gan::TruncationSpec& truncation = {});
  ControlPanel* options() const { return options_; }        // all but the truncation box's
  ControlPanel* truncation() const { return truncation_; }  // the truncation box's
  QGroupBox* truncationBox() const { return truncation_box_; }
  QPushButton* sweepButton() const { return sweep_button_; }
  QString truncationReason() const;  // why the box is greyed out (empty when it is not)
  // The ids of the box's options: the truncation option, then those that shape it (empty: none).
  QStringList truncationIds() const { return truncation_ids_; }
  // The Fidelity–diversity button, offered when there is a model to measure.
  void setSweepEnabled(bool enabled);
  // Every option's value: the truncation box's and the others'.
  QMap<QString, QString> values() const;
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
  void sweepRequested();  // the Fidelity–diversity button

 private:
  QLabel* title_ = nullptr;
  ImageView* view_ = nullptr;
  ControlPanel* options_ = nullptr;
  QGroupBox* truncation_box_ = nullptr;
  ControlPanel* truncation_ = nullptr;
  QLabel* truncation_why_ = nullptr;
  QPushButton* sweep_button_ = nullptr;
  QStringList truncation_ids_;
  QLabel* caption_ = nullptr;
  qint64 step_ = -1;
  quint64 shown_ = 0;
};

}  // namespace ui
