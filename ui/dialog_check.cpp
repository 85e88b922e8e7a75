#include "ui/dialog_check.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>

namespace ui {

QLabel* makeProblemLabel() {
  auto* label = new QLabel;
  label->setStyleSheet(QStringLiteral("color: #a02020"));
  label->setWordWrap(true);
  return label;
}

void showProblem(QLabel* label, QDialogButtonBox* buttons, const QString& why) {
  label->setText(why);
  label->setVisible(!why.isEmpty());
  buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

}  // namespace ui
