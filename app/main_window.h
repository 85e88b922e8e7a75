#pragma once
// The main window: composes the widgets and wires them to the engine bridge. Which controls are
// enabled follows the registry's capabilities and the run's state, never a family's name.
#include <QMainWindow>
#include <QString>

#include "models/registry.h"
#include "ui/engine_bridge.h"

class QAction;
class QTabWidget;
class QLabel;

namespace ui {
class ClassPicker;
class DatasetPicker;
class HyperParamForm;
class LatentExplorer;
class LossPlot;
class MetricPlot;
class MetricSettings;
class MessageBar;
class ModelPicker;
class SampleGrid;
class TrainingControls;
class TruncationControl;
}  // namespace ui

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // What the menus do, callable from tests without dialogs.
  void openCheckpoint(const QString& path);
  void saveCheckpoint(const QString& path);
  // Where new runs go: $GAN_EXPLORER_RUNS, else the user's data folder.
  static QString runsRoot();

  ui::ModelPicker* modelPicker() const { return model_picker_; }
  ui::DatasetPicker* datasetPicker() const { return dataset_picker_; }
  ui::HyperParamForm* form() const { return form_; }
  ui::TrainingControls* controls() const { return controls_; }
  ui::LossPlot* lossPlot() const { return loss_plot_; }
  ui::MetricPlot* metricPlot() const { return metric_plot_; }
  ui::MetricSettings* metricSettings() const { return metric_settings_; }
  QTabWidget* plotTabs() const { return plot_tabs_; }
  ui::SampleGrid* sampleGrid() const { return grid_; }
  ui::LatentExplorer* explorer() const { return explorer_; }
  ui::TruncationControl* truncation() const { return truncation_; }
  ui::ClassPicker* exploreClass() const { return explore_class_; }
  ui::MessageBar* messageBar() const { return messages_; }
  ui::UiState state() const { return state_; }
  QString runDir() const { return run_.outDir; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildUi();
  void buildMenus();
  void onModelChanged(const QString& id);
  void onStart();
  void onState(ui::UiState state, const QString& message);
  void onRun(const ui::RunSummary& run);
  void onStats(const ui::StatsPoint& stats);
  void onRendered(const ui::RenderedImage& image);
  void requestExplore();
  void requestGrid();

  gan::Registry registry_;
  ui::EngineBridge* bridge_ = nullptr;
  ui::ModelPicker* model_picker_ = nullptr;
  ui::DatasetPicker* dataset_picker_ = nullptr;
  ui::HyperParamForm* form_ = nullptr;
  ui::TrainingControls* controls_ = nullptr;
  ui::LossPlot* loss_plot_ = nullptr;
  ui::MetricPlot* metric_plot_ = nullptr;
  ui::MetricSettings* metric_settings_ = nullptr;
  QTabWidget* plot_tabs_ = nullptr;
  ui::SampleGrid* grid_ = nullptr;
  ui::LatentExplorer* explorer_ = nullptr;
  ui::TruncationControl* truncation_ = nullptr;
  ui::ClassPicker* explore_class_ = nullptr;
  ui::MessageBar* messages_ = nullptr;
  QLabel* run_label_ = nullptr;
  QAction* save_action_ = nullptr;
  QAction* open_action_ = nullptr;

  ui::UiState state_ = ui::UiState::Idle;
  ui::RunSummary run_;
  bool have_run_ = false;
  QString opened_checkpoint_;  // a checkpoint opened for exploring; Start continues it
  quint64 shown_stamp_[2] = {0, 0};
};
