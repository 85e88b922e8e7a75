#include "ui/training_controls.h"

#include <QApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace ui {

TrainingControls::TrainingControls(QWidget* parent) : QWidget(parent) {
  start_ = new QPushButton(tr("Start"), this);
  pause_ = new QPushButton(tr("Pause"), this);
  step_ = new QPushButton(tr("Step"), this);
  stop_ = new QPushButton(tr("Stop"), this);
  start_->setToolTip(tr("Start a new run with the settings above (Space)"));
  pause_->setToolTip(tr("Pause or resume training (Space)"));
  step_->setToolTip(tr("Run one training step while paused (F10)"));
  stop_->setToolTip(tr("Stop training and save the checkpoint; the model stays loaded and Continue carries on "
                       "(Shift+F5)"));
  // Wide enough for "Resume" so the row does not jump when the text toggles.
  pause_->setMinimumWidth(
      std::max(pause_->sizeHint().width(), pause_->fontMetrics().horizontalAdvance(tr("Resume")) + 24));
  start_->setMinimumWidth(
      std::max(start_->sizeHint().width(), start_->fontMetrics().horizontalAdvance(tr("Continue")) + 24));

  steps_ = new QSpinBox(this);
  steps_->setRange(1, int(kMaxTotalSteps));
  steps_->setValue(5000);
  steps_->setGroupSeparatorShown(true);
  steps_->setToolTip(tr("Total number of training steps"));
  sample_every_ = new QSpinBox(this);
  sample_every_->setRange(1, 100000);
  sample_every_->setValue(50);
  sample_every_->setSuffix(tr(" steps"));
  sample_every_->setToolTip(tr("How often the sample grid is re-rendered"));

  processes_ = new QSpinBox(this);
  processes_->setRange(1, 64);
  processes_->setValue(1);
  processes_->setToolTip(tr("Train on this many processes of this machine (data-parallel, PyTorch's c10d with "
                            "Gloo): each takes a batch of the size set above, gradients are averaged, and this "
                            "window's process writes the run"));

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setTextVisible(true);
  status_ = new QLabel(this);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(start_);
  buttons->addWidget(pause_);
  buttons->addWidget(step_);
  buttons->addWidget(stop_);

  auto* form = new QFormLayout;
  form->addRow(tr("Steps"), steps_);
  form->addRow(tr("Sample every"), sample_every_);
  form->addRow(tr("Processes"), processes_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(status_);

  connect(start_, &QPushButton::clicked, this, &TrainingControls::startClicked);
  connect(pause_, &QPushButton::clicked, this, [this] {
    if (state_ == UiState::Paused) {
      emit resumeClicked();
    } else {
      emit pauseClicked();
    }
  });
  connect(step_, &QPushButton::clicked, this, &TrainingControls::stepClicked);
  connect(stop_, &QPushButton::clicked, this, &TrainingControls::stopClicked);

  setState(UiState::Idle);
  setProgress(0, totalSteps(), 0.0);
}

qint64 TrainingControls::totalSteps() const { return steps_->value(); }

void TrainingControls::setTotalSteps(qint64 total_steps) {
  steps_->setValue(int(std::clamp<qint64>(total_steps, 1, kMaxTotalSteps)));
}

int TrainingControls::sampleEvery() const { return sample_every_->value(); }

int TrainingControls::processes() const { return processes_->value(); }

void TrainingControls::setSampleEvery(int steps) { sample_every_->setValue(steps); }

QString TrainingControls::statusText() const { return status_->text(); }

void TrainingControls::setState(ui::UiState state) {
  state_ = state;
  // A button that pressed itself disabled would send the focus down the form ("Sample every"): keep it
  // on the buttons, on the one that is next to use.
  QWidget* focus = QApplication::focusWidget();
  const bool on_buttons = focus && (focus == start_ || focus == pause_ || focus == step_ || focus == stop_ ||
                                    ((focus == steps_ || focus == sample_every_ || focus == processes_) &&
                                     !focus->isEnabled()));
  const bool idle = state == UiState::Idle || state == UiState::Finished || state == UiState::Failed;
  start_->setEnabled(idle);
  pause_->setEnabled(state == UiState::Running || state == UiState::Paused);
  pause_->setText(state == UiState::Paused ? tr("Resume") : tr("Pause"));
  step_->setEnabled(state == UiState::Paused);
  stop_->setEnabled(state == UiState::Loading || state == UiState::Running ||
                    state == UiState::Paused);
  // The run length is fixed once a run starts.
  steps_->setEnabled(idle);
  processes_->setEnabled(idle);
  if (on_buttons) {
    for (QPushButton* b : {state == UiState::Running || state == UiState::Paused ? pause_ : nullptr,
                           state == UiState::Loading ? stop_ : nullptr, idle ? start_ : nullptr})
      if (b && b->isEnabled()) {
        b->setFocus(Qt::OtherFocusReason);
        break;
      }
  }
  if (idle && reading_) {  // reading the data ended without a run (cancelled, or it failed)
    reading_ = false;
    setProgress(0, totalSteps(), 0);
  }
}

void TrainingControls::setStartMode(bool continues, const QString& tooltip) {
  start_->setText(continues ? tr("Continue") : tr("Start"));
  start_->setToolTip(tooltip);
}

QString TrainingControls::formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0 || seconds > 1e9) return QStringLiteral("--:--");
  const qint64 total = qint64(std::llround(seconds));
  const qint64 h = total / 3600;
  const qint64 m = (total / 60) % 60;
  const qint64 s = total % 60;
  if (h > 0) {
    return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0'));
  }
  return QStringLiteral("%1:%2").arg(m, 2, 10, QChar('0')).arg(s, 2, 10, QChar('0'));
}

void TrainingControls::setLoadProgress(const QString& what, qint64 done, qint64 total) {
  reading_ = true;
  const int range = int(std::clamp<qint64>(total, 1, 1000000000));
  progress_->setRange(0, range);
  progress_->setValue(int(std::clamp<qint64>(done, 0, range)));
  progress_->setFormat(what + QStringLiteral(" %v / %m"));
  status_->setText(tr("%1: %2 of %3 files (Stop cancels)").arg(what).arg(done).arg(total));
}

void TrainingControls::setProgress(qint64 step, qint64 total, double steps_per_sec) {
  if (total > 0) reading_ = false;
  if (total > 0) {
    // QProgressBar holds ints: count in permille when the total would not fit comfortably.
    if (total > 100000) {
      progress_->setRange(0, 1000);
      progress_->setValue(int(std::clamp<qint64>(step * 1000 / total, 0, 1000)));
    } else {
      progress_->setRange(0, int(total));
      progress_->setValue(int(std::clamp<qint64>(step, 0, total)));
    }
    progress_->setFormat(QStringLiteral("%p%"));
  } else {
    progress_->setRange(0, 1);
    progress_->setValue(0);
  }

  const bool rate_known = std::isfinite(steps_per_sec) && steps_per_sec > 0.0;
  const double eta_s = (rate_known && total > 0) ? double(std::max<qint64>(0, total - step)) / steps_per_sec
                                                 : -1.0;
  const QString rate = rate_known ? QString::number(steps_per_sec, 'f', 2) : QStringLiteral("--");
  status_->setText(tr("step %1 / %2 · %3 it/s · ETA %4")
                       .arg(step)
                       .arg(total)
                       .arg(rate)
                       .arg(formatDuration(eta_s)));
}

}  // namespace ui
