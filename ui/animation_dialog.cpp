#include "ui/animation_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

#include "ui/dialog_check.h"

namespace ui {

AnimationDialog::AnimationDialog(const QString& path, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Export an interpolation"));
  auto* form = new QFormLayout(this);
  from_ = new QSpinBox;
  to_ = new QSpinBox;
  for (auto* b : {from_, to_}) b->setRange(0, 2147483647);
  from_->setToolTip(tr("The first frame is this seed's latent"));
  to_->setToolTip(tr("The last frame is this seed's latent"));
  frames_ = new QSpinBox;
  frames_->setRange(2, 256);
  fps_ = new QDoubleSpinBox;
  fps_->setRange(1, 60);
  bounce_ = new QCheckBox(tr("and back again (a seamless loop)"));
  path_ = new QLineEdit(path);
  path_->setToolTip(tr("A .gif (an animated GIF) or an .mp4 (a video) file"));
  auto* browse = new QPushButton(tr("Browse…"));
  browse->setToolTip(tr("Choose the file to write"));
  auto* path_row = new QHBoxLayout;
  path_row->addWidget(path_, 1);
  path_row->addWidget(browse);
  problem_ = makeProblemLabel();
  form->addRow(tr("From seed"), from_);
  form->addRow(tr("To seed"), to_);
  form->addRow(tr("Frames"), frames_);
  form->addRow(tr("Frames per second"), fps_);
  form->addRow(QString(), bounce_);
  form->addRow(tr("File"), path_row);
  form->addRow(QString(), problem_);
  form->addRow(new QLabel(tr("The sample grid's options (truncation, class) apply.")));
  buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  buttons_->button(QDialogButtonBox::Ok)->setText(tr("Export"));
  form->addRow(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &AnimationDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(path_, &QLineEdit::textChanged, this, &AnimationDialog::check);
  connect(browse, &QPushButton::clicked, this, [this] {
    // The overwrite question is asked once, by accept(), not here too.
    const QString p = QFileDialog::getSaveFileName(this, tr("Export animation"), path_->text(),
                                                   tr("Animated GIF (*.gif);;MP4 video (*.mp4)"), nullptr,
                                                   QFileDialog::DontUseNativeDialog | QFileDialog::DontConfirmOverwrite);
    if (!p.isEmpty()) path_->setText(p);
  });
  setChoice(Choice{1, 2, 48, 12, true, path});
}

AnimationDialog::Choice AnimationDialog::choice() const {
  return {from_->value(), to_->value(), frames_->value(), fps_->value(), bounce_->isChecked(), path_->text().trimmed()};
}

void AnimationDialog::setChoice(const Choice& c) {
  from_->setValue(static_cast<int>(c.fromSeed));
  to_->setValue(static_cast<int>(c.toSeed));
  frames_->setValue(c.frames);
  fps_->setValue(c.fps);
  bounce_->setChecked(c.bounce);
  path_->setText(c.path);
  check();
}

QString AnimationDialog::problem() const {
  const QString p = path_->text().trimmed();
  if (p.isEmpty()) return tr("Choose a file to write.");
  const QFileInfo f(p);
  const QString suffix = f.suffix().toLower();
  if (suffix != QLatin1String("gif") && suffix != QLatin1String("mp4"))
    return tr("The file must end in .gif (an animated GIF) or .mp4 (a video), not “.%1”.").arg(f.suffix());
  if (!f.absoluteDir().exists()) return tr("The folder %1 does not exist.").arg(f.absolutePath());
  if (f.isDir()) return tr("%1 is a folder.").arg(p);
  return {};
}

void AnimationDialog::check() { showProblem(problem_, buttons_, problem()); }

void AnimationDialog::accept() {
  if (!problem().isEmpty()) return;
  const QString p = path_->text().trimmed();
  if (QFileInfo::exists(p) &&
      QMessageBox::question(this, tr("Replace the file?"), tr("%1 already exists. Replace it?").arg(p),
                            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes)
    return;
  QDialog::accept();
}

}  // namespace ui
