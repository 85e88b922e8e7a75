#pragma once
// Paints one small image scaled to fit (nearest-neighbour, aspect kept), with optional overlay text.
#include <QImage>
#include <QPointF>
#include <QRect>
#include <QString>
#include <QWidget>

class QMenu;

namespace ui {

class ImageView : public QWidget {
  Q_OBJECT
 public:
  explicit ImageView(QWidget* parent = nullptr);

  void setImage(const QImage& image);
  QImage image() const { return image_; }
  // Drawn centred over the image, or over a dark background when there is no image. Empty hides it.
  void setOverlayText(const QString& text);
  QString overlayText() const { return overlay_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;
  // Where the image is drawn in the widget now (empty without an image).
  QRect imageRect() const;
  // The image at its own size, as PNG (or what the suffix says); false, with `error` set, when it cannot.
  bool saveImage(const QString& path, QString* error = nullptr) const;
  // Asks where, then saveImage(); says why when it cannot (the remembered folder of images first).
  void saveImageAs();
  // What a right click offers: Save image… and Copy image (disabled without an image). The caller owns it.
  QMenu* makeContextMenu(QWidget* parent);

 signals:
  // A left click on the image, at (x, y) in [0, 1] from its top left.
  void clicked(QPointF at);
  // A paint has finished (the slider-to-screen benchmark, scripts/latency.cpp, times up to it).
  void painted();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QImage image_;
  QString overlay_;
};

}  // namespace ui
