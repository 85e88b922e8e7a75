#pragma once
// Images a user gives a panel: dropped (files or image data), opened from files, or pasted. Any size
// and channel count; the engine resizes and crops them as the model expects.
#include <QFrame>
#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>

class QLabel;
class QPushButton;

namespace ui {

class ImageInput : public QFrame {
  Q_OBJECT
 public:
  explicit ImageInput(QWidget* parent = nullptr);

  QVector<QImage> images() const { return images_; }
  // Replaces the images (empty clears them) and emits changed().
  void setImages(const QVector<QImage>& images, const QStringList& names = {});
  // Adds the images in these files; unreadable ones are named in problems() and left out.
  void addFiles(const QStringList& paths);
  QString problems() const { return problems_; }
  QPushButton* openButton() const { return open_; }
  QPushButton* pasteButton() const { return paste_; }
  QPushButton* clearButton() const { return clear_; }

  static constexpr int kMaxImages = 64;

 signals:
  void changed();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void updateLabel();
  void paste();

  QVector<QImage> images_;
  QStringList names_;
  QString problems_;
  QLabel* label_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* paste_ = nullptr;
  QPushButton* clear_ = nullptr;
};

}  // namespace ui
