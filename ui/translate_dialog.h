#pragma once
// File › Translate a folder: the images to translate (a folder), where the translations go, and how
// to translate them: the family's translate options (a direction; a target domain, attributes and a
// strength). OK is offered only when both folders make sense.
#include <QDialog>
#include <QMap>
#include <QString>
#include <QStringList>
#include <vector>

#include "models/core/capabilities.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace ui {

class ControlPanel;

class TranslateDialog : public QDialog {
  Q_OBJECT
 public:
  struct Choice {
    QString input, output;
    QMap<QString, QString> options;  // by id, as the command line takes them ("direction": "AtoB")
  };
  // `options`: Capabilities::translate_options; `classes` and `attributes`: the run's (RunSummary).
  TranslateDialog(const std::vector<gan::ControlSpec>& options, const QStringList& classes, bool attributes,
                  const QString& input, const QString& output, QWidget* parent = nullptr);
  Choice choice() const;
  void setChoice(const Choice& c);
  QString problem() const;  // why OK is not offered; empty when it is
  QDialogButtonBox* buttons() const { return buttons_; }
  ControlPanel* options() const { return options_; }

 private:
  void check();

  QLineEdit* input_ = nullptr;
  QLineEdit* output_ = nullptr;
  ControlPanel* options_ = nullptr;
  QLabel* problem_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace ui
