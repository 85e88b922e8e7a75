#pragma once
// The grid of samples from the fixed latents, with the step and render time it was made at.
#include <QImage>
#include <QString>
#include <QWidget>

class QLabel;

namespace ui {

class ClassPicker;
class ImageView;

class SampleGrid : public QWidget {
  Q_OBJECT
 public:
  explicit SampleGrid(QWidget* parent = nullptr);

  void setGrid(const QImage& grid, qint64 step, double render_ms);
  // Shown over the image ("No model yet", an error). Empty removes it.
  void setMessage(const QString& message);
  qint64 step() const { return step_; }
  QImage image() const;
  ImageView* view() const { return view_; }
  // The class picker beside the title (hidden for unconditional models).
  ClassPicker* classPicker() const { return class_picker_; }
  QString caption() const;

 private:
  QLabel* title_ = nullptr;
  ImageView* view_ = nullptr;
  ClassPicker* class_picker_ = nullptr;
  QLabel* caption_ = nullptr;
  qint64 step_ = -1;
};

}  // namespace ui
