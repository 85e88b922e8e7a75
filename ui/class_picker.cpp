#include "ui/class_picker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

namespace ui {

ClassPicker::ClassPicker(bool offerAll, QWidget* parent) : QWidget(parent), offer_all_(offerAll) {
  combo_ = new QComboBox(this);
  combo_->setToolTip(offerAll ? tr("Which class the grid draws; \"All classes\" gives one row per class, "
                                   "the same latent in each column")
                              : tr("Which class the generator draws"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Class"), this));
  layout->addWidget(combo_, 1);
  connect(combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { emit changed(); });
  setVisible(false);
}

QString ClassPicker::labelName(int label) const {
  if (label < 0) return tr("All classes");
  if (label < names_.size() && !names_[label].isEmpty()) return names_[label];
  return tr("Class %1").arg(label);
}

void ClassPicker::setClasses(const QStringList& names, int count) {
  const bool same = count == count_ && names == names_;
  if (!same) {
    QSignalBlocker block(combo_);
    count_ = count;
    names_ = names;
    combo_->clear();
    if (offer_all_) combo_->addItem(labelName(-1), -1);
    for (int k = 0; k < count; ++k) combo_->addItem(QStringLiteral("%1 · %2").arg(k).arg(labelName(k)), k);
    combo_->setCurrentIndex(0);
  }
  setVisible(count > 0);
}

int ClassPicker::label() const {
  if (count_ == 0 || combo_->currentIndex() < 0) return -1;
  return combo_->currentData().toInt();
}

}  // namespace ui
