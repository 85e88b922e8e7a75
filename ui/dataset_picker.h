#pragma once
// Chooses the data of one stream: a built-in dataset (train or test), an IDX or attribute file or a folder of images,
// and optionally only some of its classes (a built-in dataset's by name; a folder's subfolders).
// Plain values only: the engine's dataset types stay out of the UI.
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace ui {

class DatasetPicker : public QWidget {
  Q_OBJECT
 public:
  enum class Kind { Builtin, IdxFile, ImageFolder, None };

  explicit DatasetPicker(QWidget* parent = nullptr);

  // A built-in set's name ("fashion-mnist", "glyphs"), otherwise the path (may be empty until one is
  // chosen).
  QString source() const;
  // "train" or "test" (a built-in set's split; "train" for files and folders).
  QString split() const;
  // The classes picked ("Sneaker", "cats,dogs"), empty for all.
  QString classes() const;
  // "SOURCE[:CLASS,...]", as the engine and the command line take it.
  QString spec() const;
  // Shows a spec as spec() gives it.
  void setSpec(const QString& spec, const QString& split);
  // A built-in set's name picks it and the split; a path to a directory picks "Image folder…", any
  // other path "IDX or attribute file…".
  void setSource(const QString& source, const QString& split);
  Kind kind() const;
  // Offers "None" (for a stream a family takes only when given); an empty spec then picks it.
  void setOptional();
  bool isOptional() const { return optional_; }

  QComboBox* comboBox() const { return combo_; }
  QComboBox* classBox() const { return classes_; }
  QLineEdit* pathEdit() const { return path_; }
  QPushButton* browseButton() const { return browse_; }

 signals:
  void changed();

 private:
  void updatePathRow();
  void browse();

  void fillClasses();

  bool optional_ = false;
  QComboBox* combo_ = nullptr;
  QComboBox* classes_ = nullptr;
  QLineEdit* path_ = nullptr;
  QPushButton* browse_ = nullptr;
  QWidget* path_row_ = nullptr;
  struct Builtin {
    QString name, split;
    QStringList classes;
  };
  QVector<Builtin> builtins_;  // the combo's first items, in order; then the IDX file and the folder
};

}  // namespace ui
