#pragma once
// The truncation trick: on/off and the threshold. Disabled (with the reason) for models without it.
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;
class QSlider;

namespace ui {

class TruncationControl : public QWidget {
  Q_OBJECT
 public:
  explicit TruncationControl(QWidget* parent = nullptr);

  // The threshold in use, or 0 when truncation is off.
  double threshold() const;
  // Sets the slider to the nearest 0.05 step in 0.05..3.00 (does not switch truncation on).
  void setThresholdValue(double threshold);
  void setAvailable(bool available, const QString& why);
  bool isAvailable() const { return available_; }

  QCheckBox* checkBox() const { return check_; }
  QSlider* slider() const { return slider_; }

  static constexpr double kStep = 0.05;
  static constexpr int kMinTicks = 1;   // 0.05
  static constexpr int kMaxTicks = 60;  // 3.00

 signals:
  void changed(double threshold);

 private:
  double sliderThreshold() const;
  void updateWidgets();

  QCheckBox* check_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* value_label_ = nullptr;
  bool available_ = true;
};

}  // namespace ui
