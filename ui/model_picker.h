#pragma once
// Picks a GAN family from the registry and describes it (summary and paper).
#include <QString>
#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;

namespace gan {
class Registry;
}

namespace ui {

class ModelPicker : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPicker(QWidget* parent = nullptr);

  // Lists the registry's families (copies id, name, summary and paper only).
  void setFamilies(const gan::Registry& registry);
  QString currentId() const;
  // Selects `id` if it is listed (emits modelChanged when the selection changes).
  void setCurrentId(const QString& id);
  QComboBox* comboBox() const { return combo_; }
  QString descriptionText() const;

 signals:
  void modelChanged(const QString& id);

 private:
  struct Entry {
    QString id;
    QString name;
    QString summary;
    QString paper;
  };
  void showDescription(int index);

  QComboBox* combo_ = nullptr;
  QLabel* description_ = nullptr;
  std::vector<Entry> entries_;
};

}  // namespace ui
