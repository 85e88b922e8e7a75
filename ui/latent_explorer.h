#pragma once
// Two latent endpoints (by seed), an interpolation position and mode, and the image they render to.
// Every change emits requestChanged(); the renderer keeps only the newest request.
#include <QImage>
#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace ui {

class ImageView;

class LatentExplorer : public QWidget {
  Q_OBJECT
 public:
  explicit LatentExplorer(QWidget* parent = nullptr);

  qint64 seedA() const;
  qint64 seedB() const;
  double t() const;  // 0..1
  bool slerp() const;
  QSlider* slider() const { return slider_; }
  QSpinBox* seedABox() const { return seed_a_; }
  QSpinBox* seedBBox() const { return seed_b_; }
  QComboBox* modeBox() const { return mode_; }

  void setImage(const QImage& image, double render_ms, qint64 generator_step);
  void setMessage(const QString& message);
  // False disables the B row, the slider and the mode: only endpoint A is rendered.
  void setInterpolationAvailable(bool available);
  QImage image() const;
  QString info() const;

  static constexpr int kSliderSteps = 1000;

 signals:
  void requestChanged();

 private:
  void updateTLabel();

  QSpinBox* seed_a_ = nullptr;
  QSpinBox* seed_b_ = nullptr;
  QPushButton* random_a_ = nullptr;
  QPushButton* random_b_ = nullptr;
  QLabel* b_label_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* t_label_ = nullptr;
  QComboBox* mode_ = nullptr;
  ImageView* view_ = nullptr;
  QLabel* info_ = nullptr;
};

}  // namespace ui
