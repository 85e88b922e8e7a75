#pragma once
// Chooses the training data: Fashion-MNIST (train or test), an IDX file or a folder of images.
// Plain values only: the engine's dataset types stay out of the UI.
#include <QString>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace ui {

class DatasetPicker : public QWidget {
  Q_OBJECT
 public:
  enum class Kind { FashionTrain, FashionTest, IdxFile, ImageFolder };

  explicit DatasetPicker(QWidget* parent = nullptr);

  // "fashion-mnist" for the built-in set, otherwise the path (may be empty until one is chosen).
  QString source() const;
  // "train" or "test" (the built-in set's split; "train" for files and folders).
  QString split() const;
  // source "fashion-mnist" picks the split; a path to a directory picks "Image folder…", any
  // other path "IDX file…".
  void setSource(const QString& source, const QString& split);
  Kind kind() const;

  QComboBox* comboBox() const { return combo_; }
  QLineEdit* pathEdit() const { return path_; }
  QPushButton* browseButton() const { return browse_; }

  static inline const QString kFashionMnist = QStringLiteral("fashion-mnist");

 signals:
  void changed();

 private:
  void updatePathRow();
  void browse();

  QComboBox* combo_ = nullptr;
  QLineEdit* path_ = nullptr;
  QPushButton* browse_ = nullptr;
  QWidget* path_row_ = nullptr;
};

}  // namespace ui
