#pragma once
// File › Open TorchScript generator, once the file is chosen: what the file cannot say, the size of
// the latents its forward takes and its classes (0: unconditional). Open is offered only for a
// class count the engine takes (not 1).
#include <QDialog>
#include <QString>

class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace ui {

class GeneratorDialog : public QDialog {
  Q_OBJECT
 public:
  GeneratorDialog(const QString& path, qint64 latentDim, int classes, QWidget* parent = nullptr);
  qint64 latentDim() const;
  int classes() const;
  void setShape(qint64 latentDim, int classes);
  QString problem() const;  // why Open is not offered (empty: it is)
  QDialogButtonBox* buttons() const { return buttons_; }

 private:
  void check();
  QSpinBox* dim_ = nullptr;
  QSpinBox* classes_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace ui
