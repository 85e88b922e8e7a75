#pragma once
// Start / Pause-Resume / Step / Stop, the run length and sampling period, and the progress line.
#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace ui {

enum class UiState { Idle, Loading, Running, Paused, Finished, Failed };

class TrainingControls : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingControls(QWidget* parent = nullptr);

  qint64 totalSteps() const;
  void setTotalSteps(qint64 total_steps);
  int sampleEvery() const;
  void setSampleEvery(int steps);
  // Processes on this machine to train on (data-parallel; 1: this one alone).
  int processes() const;
  UiState state() const { return state_; }

  QPushButton* startButton() const { return start_; }
  QPushButton* pauseButton() const { return pause_; }  // reads "Resume" while paused
  QPushButton* stepButton() const { return step_; }
  QPushButton* stopButton() const { return stop_; }
  QSpinBox* stepsBox() const { return steps_; }
  QSpinBox* sampleEveryBox() const { return sample_every_; }
  QSpinBox* processesBox() const { return processes_; }
  QProgressBar* progressBar() const { return progress_; }
  QString statusText() const;

  // "mm:ss" below an hour, "h:mm:ss" above, "--:--" when negative or not finite.
  static QString formatDuration(double seconds);

  static constexpr qint64 kMaxTotalSteps = 10'000'000;

  // "Start" begins a new run; "Continue" carries on the one held (stopped, or a checkpoint opened),
  // with a tooltip that says where it writes.
  void setStartMode(bool continues, const QString& tooltip);

 public slots:
  void setState(ui::UiState state);
  void setProgress(qint64 step, qint64 total, double steps_per_sec);
  // While the data are read: "reading images 1200 / 30000" on the bar; Stop cancels.
  void setLoadProgress(const QString& what, qint64 done, qint64 total);

 signals:
  void startClicked();
  void pauseClicked();
  void resumeClicked();
  void stepClicked();
  void stopClicked();

 private:
  QPushButton* start_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* step_ = nullptr;
  QPushButton* stop_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QSpinBox* sample_every_ = nullptr;
  QSpinBox* processes_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  bool reading_ = false;  // the bar shows the data being read
  UiState state_ = UiState::Idle;
};

}  // namespace ui
