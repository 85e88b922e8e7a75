#pragma once
// File › Translate a folder: the images to translate (a folder), where the translations go, and the
// direction, from the family's translations. OK is offered only when both folders make sense.
#include <QDialog>
#include <QString>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace ui {

class TranslateDialog : public QDialog {
  Q_OBJECT
 public:
  struct Choice {
    QString input, output, direction;
  };
  // `directions`: the family's translation ids ("AtoB"), with `labels` to show ("A → B").
  TranslateDialog(const QStringList& directions, const QStringList& labels, const QString& input,
                  const QString& output, QWidget* parent = nullptr);
  Choice choice() const;
  void setChoice(const Choice& c);
  QString problem() const;  // why OK is not offered; empty when it is
  QDialogButtonBox* buttons() const { return buttons_; }

 private:
  void check();

  QLineEdit* input_ = nullptr;
  QLineEdit* output_ = nullptr;
  QComboBox* direction_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace ui
