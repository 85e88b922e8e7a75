#include "ui/model_picker.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "models/core/registry.h"

namespace ui {

ModelPicker::ModelPicker(QWidget* parent) : QWidget(parent) {
  combo_ = new QComboBox(this);
  combo_->setToolTip(tr("GAN family to train"));
  description_ = new QLabel(this);
  description_->setWordWrap(true);
  description_->setTextFormat(Qt::RichText);
  description_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  description_->setAlignment(Qt::AlignTop | Qt::AlignLeft);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(combo_);
  layout->addWidget(description_);

  connect(combo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    showDescription(index);
    if (index >= 0) emit modelChanged(entries_[size_t(index)].id);
  });
}

void ModelPicker::setFamilies(const gan::Registry& registry) {
  const QString previous = currentId();
  entries_.clear();
  for (const gan::FamilyInfo& f : registry.families()) {
    entries_.push_back({QString::fromStdString(f.id), QString::fromStdString(f.name),
                        QString::fromStdString(f.summary), QString::fromStdString(f.paper)});
  }
  {
    const QSignalBlocker block(combo_);
    combo_->clear();
    for (const Entry& e : entries_) combo_->addItem(e.name, e.id);
    const int keep = combo_->findData(previous);
    combo_->setCurrentIndex(keep >= 0 ? keep : (entries_.empty() ? -1 : 0));
  }
  showDescription(combo_->currentIndex());
  if (currentId() != previous) emit modelChanged(currentId());
}

QString ModelPicker::currentId() const { return combo_->currentData().toString(); }

void ModelPicker::setCurrentId(const QString& id) {
  const int at = combo_->findData(id);
  if (at >= 0) combo_->setCurrentIndex(at);
}

QString ModelPicker::descriptionText() const { return description_->text(); }

void ModelPicker::showDescription(int index) {
  if (index < 0 || size_t(index) >= entries_.size()) {
    description_->clear();
    return;
  }
  const Entry& e = entries_[size_t(index)];
  QString html = e.summary.toHtmlEscaped();
  if (!e.paper.isEmpty()) {
    html += QStringLiteral("<br><span style=\"color:#777777; font-size:small;\">%1</span>")
                .arg(e.paper.toHtmlEscaped());
  }
  description_->setText(html);
}

}  // namespace ui
