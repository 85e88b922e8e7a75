#include "ui/truncation_control.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <cmath>

namespace ui {
namespace {

const char* const kHelp = QT_TRANSLATE_NOOP(
    "ui::TruncationControl",
    "Truncated normal: latent components beyond ±threshold are resampled. "
    "Lower = more typical, less varied images.");

}  // namespace

TruncationControl::TruncationControl(QWidget* parent) : QWidget(parent) {
  check_ = new QCheckBox(tr("Truncation"), this);
  check_->setChecked(false);
  slider_ = new QSlider(Qt::Horizontal, this);
  slider_->setRange(kMinTicks, kMaxTicks);
  slider_->setValue(20);  // 1.00
  slider_->setPageStep(4);
  value_label_ = new QLabel(this);
  value_label_->setMinimumWidth(value_label_->fontMetrics().horizontalAdvance("0.00") + 4);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(check_);
  layout->addWidget(slider_, 1);
  layout->addWidget(value_label_);

  connect(check_, &QCheckBox::toggled, this, [this] {
    updateWidgets();
    emit changed(threshold());
  });
  connect(slider_, &QSlider::valueChanged, this, [this] {
    updateWidgets();
    if (check_->isChecked()) emit changed(threshold());
  });
  updateWidgets();
}

double TruncationControl::sliderThreshold() const { return slider_->value() * kStep; }

double TruncationControl::threshold() const {
  return (available_ && check_->isChecked()) ? sliderThreshold() : 0.0;
}

void TruncationControl::setThresholdValue(double threshold) {
  slider_->setValue(int(std::lround(threshold / kStep)));
}

void TruncationControl::setAvailable(bool available, const QString& why) {
  const double before = threshold();
  available_ = available;
  setEnabled(available);
  updateWidgets();
  if (!available && !why.isEmpty()) {
    const QString tip = tr("Truncation unavailable: %1").arg(why);
    for (QWidget* w : {static_cast<QWidget*>(this), static_cast<QWidget*>(check_),
                       static_cast<QWidget*>(slider_), static_cast<QWidget*>(value_label_)}) {
      w->setToolTip(tip);
    }
  }
  if (threshold() != before) emit changed(threshold());
}

void TruncationControl::updateWidgets() {
  value_label_->setText(QString::number(sliderThreshold(), 'f', 2));
  slider_->setEnabled(check_->isChecked());
  value_label_->setEnabled(check_->isChecked());
  if (available_) {
    const QString tip = tr(kHelp);
    for (QWidget* w : {static_cast<QWidget*>(this), static_cast<QWidget*>(check_),
                       static_cast<QWidget*>(slider_), static_cast<QWidget*>(value_label_)}) {
      w->setToolTip(tip);
    }
  }
}

}  // namespace ui
