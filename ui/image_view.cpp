#include "ui/image_view.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QImageWriter>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QStandardPaths>

#include "ui/app_settings.h"
#include <QMouseEvent>
#include <QPaintEvent>

namespace ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
  setMinimumSize(128, 128);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ImageView::setImage(const QImage& image) {
  image_ = image;
  update();
}

void ImageView::setOverlayText(const QString& text) {
  if (text == overlay_) return;
  overlay_ = text;
  update();
}

QSize ImageView::sizeHint() const { return {256, 256}; }

QSize ImageView::minimumSizeHint() const { return {128, 128}; }

QRect ImageView::imageRect() const {
  if (image_.isNull()) return {};
  const QRect area = rect();
  QSize target = image_.size().scaled(area.size(), Qt::KeepAspectRatio);
  // Whole-number scale factors keep the pixels square when the image is much smaller than the view.
  const int factor = qMin(area.width() / image_.width(), area.height() / image_.height());
  if (factor >= 4) target = image_.size() * factor;
  QRect dest(QPoint(0, 0), target);
  dest.moveCenter(area.center());
  return dest;
}

void ImageView::mousePressEvent(QMouseEvent* event) {
  const QRect r = imageRect();
  const QPointF pos = event->position();
  if (event->button() != Qt::LeftButton || r.isEmpty() || !QRectF(r).contains(pos)) {
    QWidget::mousePressEvent(event);
    return;
  }
  emit clicked(QPointF((pos.x() - r.left()) / r.width(), (pos.y() - r.top()) / r.height()));
}

bool ImageView::saveImage(const QString& path, QString* error) const {
  if (image_.isNull()) {
    if (error) *error = tr("There is no image to save yet.");
    return false;
  }
  QImageWriter writer(path);
  if (writer.format().isEmpty()) writer.setFormat("png");
  if (!writer.write(image_)) {
    if (error) *error = tr("Could not save %1: %2").arg(path, writer.errorString());
    return false;
  }
  return true;
}

void ImageView::saveImageAs() {
  const QString dir = rememberedFolder(QStringLiteral("dirs/images"),
                                       QStandardPaths::writableLocation(QStandardPaths::PicturesLocation));
  const QString path = QFileDialog::getSaveFileName(this, tr("Save image"), dir + "/image.png",
                                                    tr("PNG images (*.png);;JPEG images (*.jpg)"), nullptr,
                                                    QFileDialog::DontUseNativeDialog);
  if (path.isEmpty()) return;
  rememberFolderOf(QStringLiteral("dirs/images"), path);
  QString error;
  if (!saveImage(path, &error)) QMessageBox::warning(this, tr("Save image"), error);
}

QMenu* ImageView::makeContextMenu(QWidget* parent) {
  auto* menu = new QMenu(parent);
  QAction* save = menu->addAction(tr("Save image…"), this, &ImageView::saveImageAs);
  QAction* copy = menu->addAction(tr("Copy image"), this, [this] { QApplication::clipboard()->setImage(image_); });
  save->setEnabled(!image_.isNull());
  copy->setEnabled(!image_.isNull());
  return menu;
}

void ImageView::contextMenuEvent(QContextMenuEvent* event) {
  QMenu* menu = makeContextMenu(this);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  menu->popup(event->globalPos());
}

void ImageView::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  const QRect area = rect();
  p.fillRect(area, QColor(32, 32, 36));

  if (!image_.isNull()) {
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(imageRect(), image_);
  }

  if (!overlay_.isEmpty()) {
    const QRect box = area.adjusted(8, 8, -8, -8);
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.1);
    p.setFont(f);
    const int flags = Qt::AlignCenter | Qt::TextWordWrap;
    QRect text_rect = p.boundingRect(box, flags, overlay_);
    if (!image_.isNull()) {
      // A translucent plate keeps the text legible over the image.
      p.fillRect(text_rect.adjusted(-6, -4, 6, 4), QColor(0, 0, 0, 170));
    }
    p.setPen(QColor(235, 235, 235));
    p.drawText(box, flags, overlay_);
  }
  p.end();
  emit painted();
}

}  // namespace ui
