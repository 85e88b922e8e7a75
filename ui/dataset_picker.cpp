#include "ui/dataset_picker.h"

#include "ui/engine_bridge.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <algorithm>

namespace ui {

DatasetPicker::DatasetPicker(QWidget* parent) : QWidget(parent) {
  combo_ = new QComboBox(this);
  // Each built-in set's splits, then a file and a folder of the user's.
  for (const auto& d : builtinData())
    for (const QString& split : {QStringLiteral("train"), QStringLiteral("test")}) {
      builtins_.append({d.name, split, d.classes});
      combo_->addItem(tr("%1 (%2)").arg(d.title, split));
    }
  combo_->addItem(tr("IDX or attribute file…"));
  combo_->addItem(tr("Image folder…"));
  combo_->setToolTip(tr("Images to train on"));

  path_row_ = new QWidget(this);
  path_ = new QLineEdit(path_row_);
  path_->setPlaceholderText(tr("path"));
  browse_ = new QPushButton(tr("Browse…"), path_row_);
  browse_->setToolTip(tr("Choose a folder of images (sub-folders become classes), an IDX file, or an attribute file (list_attr_celeba.txt format)"));
  auto* row = new QHBoxLayout(path_row_);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(path_, 1);
  row->addWidget(browse_);

  classes_ = new QComboBox(this);
  classes_->setEditable(true);
  classes_->setInsertPolicy(QComboBox::NoInsert);
  classes_->setToolTip(tr("Only these classes: a built-in dataset's class, or a folder's subfolder names "
                          "separated by commas; empty for all"));
  auto* class_row = new QHBoxLayout;
  class_row->addWidget(new QLabel(tr("Classes"), this));
  class_row->addWidget(classes_, 1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(combo_);
  layout->addWidget(path_row_);
  layout->addLayout(class_row);

  connect(combo_, &QComboBox::currentIndexChanged, this, [this] {
    updatePathRow();
    fillClasses();
    emit changed();
  });
  connect(classes_, &QComboBox::currentTextChanged, this, &DatasetPicker::changed);
  connect(path_, &QLineEdit::editingFinished, this, &DatasetPicker::changed);
  connect(browse_, &QPushButton::clicked, this, &DatasetPicker::browse);
  updatePathRow();
  fillClasses();
}

void DatasetPicker::fillClasses() {
  const QSignalBlocker block(classes_);
  const QString before = classes();
  classes_->clear();
  classes_->addItem(QString());
  if (kind() == Kind::Builtin) classes_->addItems(builtins_[combo_->currentIndex()].classes);
  classes_->setCurrentText(before);
  classes_->lineEdit()->setPlaceholderText(tr("all"));
}

QString DatasetPicker::classes() const { return classes_->currentText().trimmed(); }

QString DatasetPicker::spec() const {
  const QString c = classes();
  return c.isEmpty() ? source() : source() + ":" + c;
}

void DatasetPicker::setSpec(const QString& spec, const QString& split) {
  const auto [source, classes] = splitDataSpec(spec);  // as the engine reads it
  setSource(source, split);
  const QSignalBlocker block(classes_);
  classes_->setCurrentText(classes);
}

DatasetPicker::Kind DatasetPicker::kind() const {
  const int i = std::max(0, combo_->currentIndex());
  if (i < builtins_.size()) return Kind::Builtin;
  if (optional_ && i == builtins_.size() + 2) return Kind::None;
  return i == builtins_.size() ? Kind::IdxFile : Kind::ImageFolder;
}

void DatasetPicker::setOptional() {
  if (optional_) return;
  optional_ = true;
  combo_->addItem(tr("None"));
}

QString DatasetPicker::source() const {
  if (kind() == Kind::None) return {};
  if (kind() == Kind::Builtin) return builtins_[std::max(0, combo_->currentIndex())].name;
  return path_->text().trimmed();
}

QString DatasetPicker::split() const {
  return kind() == Kind::Builtin ? builtins_[std::max(0, combo_->currentIndex())].split : QStringLiteral("train");
}

void DatasetPicker::setSource(const QString& source, const QString& split) {
  int index = -1;
  for (int i = 0; i < builtins_.size() && index < 0; ++i)
    if (builtins_[i].name == source && builtins_[i].split == (split == QLatin1String("test") ? split : "train")) index = i;
  const bool builtin = index >= 0;
  if (!builtin) index = int(builtins_.size()) + (QFileInfo(source).isDir() ? 1 : 0);
  if (optional_ && source.isEmpty()) index = int(builtins_.size()) + 2;  // None
  {
    const QSignalBlocker block_combo(combo_);
    const QSignalBlocker block_path(path_);
    combo_->setCurrentIndex(index);
    path_->setText(builtin ? QString() : source);
  }
  updatePathRow();
  fillClasses();
  emit changed();
}

void DatasetPicker::updatePathRow() {
  const Kind k = kind();
  path_row_->setVisible(k == Kind::IdxFile || k == Kind::ImageFolder);
  classes_->setEnabled(k != Kind::None);
  path_->setPlaceholderText(k == Kind::ImageFolder ? tr("folder of images")
                                                   : tr("IDX image file (…-images-idx3-ubyte[.gz]), or an attribute "
                                                        "file (list_attr_celeba.txt format) beside its images"));
}

void DatasetPicker::browse() {
  const QString start = path_->text().trimmed();
  QString chosen;
  if (kind() == Kind::ImageFolder) {
    chosen = QFileDialog::getExistingDirectory(
        this, tr("Image folder"), start,
        QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
  } else {
    chosen = QFileDialog::getOpenFileName(this, tr("IDX or attribute file"), start,
                                          tr("IDX files (*idx3-ubyte *idx3-ubyte.gz);;Attribute files (*.txt);;All files (*)"),
                                          nullptr, QFileDialog::DontUseNativeDialog);
  }
  if (chosen.isEmpty()) return;
  path_->setText(chosen);
  emit changed();
}

}  // namespace ui
