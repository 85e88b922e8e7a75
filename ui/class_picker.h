#pragma once
// The class a conditional generator draws: a combo box of the dataset's class names, optionally with
// "All classes" first (the grid then shows one row per class). Hidden for unconditional models.
#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;

namespace ui {

class ClassPicker : public QWidget {
  Q_OBJECT
 public:
  explicit ClassPicker(bool offerAll, QWidget* parent = nullptr);

  // `names` of the classes in label order; empty names with count > 0 are shown as "Class k".
  // count 0 (an unconditional model) hides the picker. Keeps the selection when the classes match.
  void setClasses(const QStringList& names, int count);
  int label() const;         // the chosen class, or -1 for all classes
  int classCount() const { return count_; }
  QString labelName(int label) const;
  QComboBox* combo() const { return combo_; }

 signals:
  void changed();

 private:
  QComboBox* combo_ = nullptr;
  bool offer_all_;
  int count_ = 0;
  QStringList names_;
};

}  // namespace ui
