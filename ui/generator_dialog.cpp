#include "ui/generator_dialog.h"

#include <QDialogButtonBox>
#include <algorithm>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace ui {

GeneratorDialog::GeneratorDialog(const QString& path, qint64 latentDim, int classes, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Open a TorchScript generator"));
  setMinimumWidth(460);
  auto* note = new QLabel(tr("A module saved with <tt>torch.jit.save</tt> whose <tt>forward(z)</tt>, or "
                             "<tt>forward(z, classes)</tt>, maps N latents (and N int64 class labels) to N images "
                             "in [−1, 1]. The file cannot say the latents' size or the classes: give them."),
                          this);
  note->setWordWrap(true);
  auto* file = new QLabel(QFileInfo(path).fileName(), this);
  file->setToolTip(path);
  dim_ = new QSpinBox(this);
  dim_->setRange(1, 100000);
  dim_->setToolTip(tr("The size of the latents its forward takes: N x this"));
  classes_ = new QSpinBox(this);
  classes_->setRange(0, 100000);
  classes_->setSpecialValueText(tr("none (unconditional)"));
  classes_->setToolTip(tr("Above 0, its forward also takes N int64 class labels from 0 to this − 1"));
  problem_ = new QLabel(this);
  problem_->setStyleSheet(QStringLiteral("color: #b00020"));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* form = new QFormLayout(this);
  form->addRow(note);
  form->addRow(tr("File"), file);
  form->addRow(tr("Latent size"), dim_);
  form->addRow(tr("Classes"), classes_);
  form->addRow(problem_);
  form->addRow(buttons_);
  connect(dim_, qOverload<int>(&QSpinBox::valueChanged), this, &GeneratorDialog::check);
  connect(classes_, qOverload<int>(&QSpinBox::valueChanged), this, &GeneratorDialog::check);
  setShape(latentDim, classes);
  check();
}

qint64 GeneratorDialog::latentDim() const { return dim_->value(); }
int GeneratorDialog::classes() const { return classes_->value(); }

void GeneratorDialog::setShape(qint64 latentDim, int classes) {
  dim_->setValue(int(std::clamp<qint64>(latentDim, 1, 100000)));
  classes_->setValue(std::clamp(classes, 0, 100000));
}

QString GeneratorDialog::problem() const { return problem_->text(); }

void GeneratorDialog::check() {
  const QString why = classes_->value() == 1 ? tr("A conditional generator has at least 2 classes.") : QString();
  problem_->setText(why);
  problem_->setVisible(!why.isEmpty());
  buttons_->button(QDialogButtonBox::Open)->setEnabled(why.isEmpty());
}

}  // namespace ui
