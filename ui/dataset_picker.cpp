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
  // Item order follows Kind.
  combo_->addItem(tr("Fashion-MNIST (train)"));
  combo_->addItem(tr("Fashion-MNIST (test)"));
  combo_->addItem(tr("IDX file…"));
  combo_->addItem(tr("Image folder…"));
  combo_->setToolTip(tr("Images to train on"));

  path_row_ = new QWidget(this);
  path_ = new QLineEdit(path_row_);
  path_->setPlaceholderText(tr("path"));
  browse_ = new QPushButton(tr("Browse…"), path_row_);
  browse_->setToolTip(tr("Choose a folder of images (sub-folders become classes) or an IDX file"));
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
  if (kind() == Kind::FashionTrain || kind() == Kind::FashionTest)
    for (const auto& d : builtinData())
      if (d.name == kFashionMnist) classes_->addItems(d.classes);
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

DatasetPicker::Kind DatasetPicker::kind() const { return Kind(std::max(0, combo_->currentIndex())); }

QString DatasetPicker::source() const {
  switch (kind()) {
    case Kind::FashionTrain:
    case Kind::FashionTest:
      return kFashionMnist;
    case Kind::IdxFile:
    case Kind::ImageFolder:
      break;
  }
  return path_->text().trimmed();
}

QString DatasetPicker::split() const {
  return kind() == Kind::FashionTest ? QStringLiteral("test") : QStringLiteral("train");
}

void DatasetPicker::setSource(const QString& source, const QString& split) {
  Kind k = Kind::FashionTrain;
  if (source == kFashionMnist) {
    k = split == QLatin1String("test") ? Kind::FashionTest : Kind::FashionTrain;
  } else {
    k = QFileInfo(source).isDir() ? Kind::ImageFolder : Kind::IdxFile;
  }
  {
    const QSignalBlocker block_combo(combo_);
    const QSignalBlocker block_path(path_);
    combo_->setCurrentIndex(int(k));
    path_->setText(source == kFashionMnist ? QString() : source);
  }
  updatePathRow();
  emit changed();
}

void DatasetPicker::updatePathRow() {
  const Kind k = kind();
  path_row_->setVisible(k == Kind::IdxFile || k == Kind::ImageFolder);
  path_->setPlaceholderText(k == Kind::ImageFolder ? tr("folder of images")
                                                   : tr("IDX image file (…-images-idx3-ubyte[.gz])"));
}

void DatasetPicker::browse() {
  const QString start = path_->text().trimmed();
  QString chosen;
  if (kind() == Kind::ImageFolder) {
    chosen = QFileDialog::getExistingDirectory(
        this, tr("Image folder"), start,
        QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
  } else {
    chosen = QFileDialog::getOpenFileName(this, tr("IDX file"), start,
                                          tr("IDX files (*idx3-ubyte *idx3-ubyte.gz);;All files (*)"),
                                          nullptr, QFileDialog::DontUseNativeDialog);
  }
  if (chosen.isEmpty()) return;
  path_->setText(chosen);
  emit changed();
}

}  // namespace ui
