#include "ui/translate_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "ui/control_panel.h"
#include "ui/dialog_check.h"

namespace ui {
namespace {

QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const QString& title) {
  auto* row = new QWidget(parent);
  auto* l = new QHBoxLayout(row);
  l->setContentsMargins(0, 0, 0, 0);
  auto* browse = new QPushButton(QObject::tr("Browse…"), row);
  browse->setToolTip(QObject::tr("Choose the folder"));
  l->addWidget(edit, 1);
  l->addWidget(browse);
  QObject::connect(browse, &QPushButton::clicked, row, [edit, parent, title] {
    const QString d = QFileDialog::getExistingDirectory(parent, title, edit->text(),
                                                        QFileDialog::ShowDirsOnly | QFileDialog::DontUseNativeDialog);
    if (!d.isEmpty()) edit->setText(d);
  });
  return row;
}

}  // namespace

TranslateDialog::TranslateDialog(const std::vector<gan::ControlSpec>& options, const QStringList& classes,
                                 bool attributes, const QString& input, const QString& output, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Translate a folder"));
  input_ = new QLineEdit(input);
  input_->setToolTip(tr("Every image in this folder is translated (PNG, JPEG, PPM/PGM, …)"));
  output_ = new QLineEdit(output);
  output_->setToolTip(tr("Each translation is written here as NAME_TARGET.png, TARGET being the direction or the "
                        "domain (the folder is made when missing)"));
  options_ = new ControlPanel;
  std::vector<gan::ControlSpec> shown;
  for (const auto& o : options)
    if (o.kind != gan::ControlKind::Image) shown.push_back(o);  // the folder's images are the inputs
  options_->setControls(shown);
  // "All" writes a file per class (or attribute flipped) here, not a row.
  options_->setAllLabels(tr("All (a file each)"), tr("All: as ticked, then each flipped (a file each)"));
  options_->setClasses(classes, attributes);
  problem_ = makeProblemLabel();
  auto* form = new QFormLayout(this);
  form->addRow(tr("Images in"), withBrowse(input_, this, tr("Folder of images to translate")));
  form->addRow(tr("Translations to"), withBrowse(output_, this, tr("Folder for the translations")));
  form->addRow(options_);
  form->addRow(QString(), problem_);
  form->addRow(new QLabel(tr("The model as it is now translates them, also while it trains.")));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Translate"));
  form->addRow(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
    if (problem().isEmpty()) accept();
  });
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(input_, &QLineEdit::textChanged, this, &TranslateDialog::check);
  connect(output_, &QLineEdit::textChanged, this, &TranslateDialog::check);
  check();
}

TranslateDialog::Choice TranslateDialog::choice() const {
  return {input_->text().trimmed(), output_->text().trimmed(), options_->values()};
}

void TranslateDialog::setChoice(const Choice& c) {
  input_->setText(c.input);
  output_->setText(c.output);
  for (auto it = c.options.begin(); it != c.options.end(); ++it) options_->setValue(it.key(), it.value());
  check();
}

QString TranslateDialog::problem() const {
  const Choice c = choice();
  if (c.input.isEmpty()) return tr("Choose the folder of images to translate.");
  if (!QFileInfo(c.input).isDir()) return tr("%1 is not a folder.").arg(c.input);
  if (c.output.isEmpty()) return tr("Choose a folder for the translations.");
  const QFileInfo out(c.output);
  if (out.exists() && !out.isDir()) return tr("%1 is a file, not a folder.").arg(c.output);
  if (QDir(c.input).absolutePath() == QDir(c.output).absolutePath())
    return tr("Write the translations to another folder than the images'.");
  return {};
}

void TranslateDialog::check() { showProblem(problem_, buttons_, problem()); }

}  // namespace ui
