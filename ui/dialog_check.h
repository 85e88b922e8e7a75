#pragma once
// What the program's small dialogs share: a red line saying why OK is not offered, and OK enabled
// only when there is nothing to say.
#include <QString>

class QDialogButtonBox;
class QLabel;

namespace ui {

QLabel* makeProblemLabel();
// Shows `why` (hidden when empty) and enables the box's OK button only when it is empty.
void showProblem(QLabel* label, QDialogButtonBox* buttons, const QString& why);

}  // namespace ui
