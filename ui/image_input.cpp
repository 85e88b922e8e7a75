#include "ui/image_input.h"

#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace ui {

ImageInput::ImageInput(QWidget* parent) : QFrame(parent) {
  setAcceptDrops(true);
  setFrameShape(QFrame::StyledPanel);
  setFrameShadow(QFrame::Sunken);
  label_ = new QLabel(this);
  label_->setWordWrap(true);
  label_->setAlignment(Qt::AlignCenter);
  open_ = new QPushButton(tr("Open…"), this);
  paste_ = new QPushButton(tr("Paste"), this);
  clear_ = new QPushButton(tr("Clear"), this);
  open_->setToolTip(tr("Open image files (any size; PNG, JPEG, BMP, WebP, TIFF, PNM)"));
  paste_->setToolTip(tr("Paste an image, or image files, from the clipboard"));
  clear_->setToolTip(tr("Remove the images given here"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(open_);
  buttons->addWidget(paste_);
  buttons->addWidget(clear_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(label_);
  layout->addLayout(buttons);
  connect(open_, &QPushButton::clicked, this, [this] {
    QStringList filters;
    for (const auto& f : QImageReader::supportedImageFormats()) filters << "*." + QString::fromLatin1(f);
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Images to translate"), QString(), tr("Images (%1);;All files (*)").arg(filters.join(' ')), nullptr,
        QFileDialog::DontUseNativeDialog);
    if (!paths.isEmpty()) addFiles(paths);
  });
  connect(paste_, &QPushButton::clicked, this, &ImageInput::paste);
  connect(clear_, &QPushButton::clicked, this, [this] { setImages({}); });
  updateLabel();
}

void ImageInput::setImages(const QVector<QImage>& images, const QStringList& names) {
  images_ = images.mid(0, kMaxImages);
  names_ = names.mid(0, kMaxImages);
  problems_.clear();
  updateLabel();
  emit changed();
}

void ImageInput::addFiles(const QStringList& paths) {
  QStringList bad;
  for (const QString& path : paths) {
    if (images_.size() >= kMaxImages) {
      bad << tr("more than %1 images: the rest were left out").arg(kMaxImages);
      break;
    }
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage img = reader.read();
    if (img.isNull()) {
      bad << tr("%1 is not an image that can be read (%2)").arg(QFileInfo(path).fileName(), reader.errorString());
      continue;
    }
    images_.append(img);
    names_.append(QFileInfo(path).fileName());
  }
  problems_ = bad.join('\n');
  updateLabel();
  emit changed();
}

void ImageInput::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls() || event->mimeData()->hasImage()) event->acceptProposedAction();
}

void ImageInput::dropEvent(QDropEvent* event) {
  const QMimeData* data = event->mimeData();
  if (data->hasUrls()) {
    QStringList paths;
    for (const QUrl& url : data->urls())
      if (url.isLocalFile()) paths << url.toLocalFile();
    if (!paths.isEmpty()) addFiles(paths);
  } else if (data->hasImage()) {
    images_.append(qvariant_cast<QImage>(data->imageData()));
    names_.append(tr("dropped image"));
    problems_.clear();
    updateLabel();
    emit changed();
  }
  event->acceptProposedAction();
}

void ImageInput::paste() {
  const QMimeData* data = QApplication::clipboard()->mimeData();
  if (data && data->hasUrls()) {
    QStringList paths;
    for (const QUrl& url : data->urls())
      if (url.isLocalFile()) paths << url.toLocalFile();
    addFiles(paths);
    return;
  }
  const QImage img = QApplication::clipboard()->image();
  if (img.isNull()) {
    problems_ = tr("the clipboard holds no image");
    updateLabel();
    return;
  }
  images_.append(img);
  names_.append(tr("pasted image"));
  problems_.clear();
  updateLabel();
  emit changed();
}

void ImageInput::updateLabel() {
  QString text = images_.isEmpty() ? tr("Drop images here, or open or paste them")
                                   : tr("%n image(s): %1", nullptr, int(images_.size())).arg(names_.join(", "));
  if (!problems_.isEmpty()) text += "\n" + problems_;
  label_->setText(text);
  clear_->setEnabled(!images_.isEmpty());
}

}  // namespace ui
