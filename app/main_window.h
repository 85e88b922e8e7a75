#pragma once
// The main window: composes the widgets and wires them to the engine bridge. Its panels are built from
// the family's capabilities (a data picker per stream, the sample grid with the family's sample
// options, one explore panel per view: a latent explorer, a translation panel, ...), and what is
// enabled follows those capabilities and the run's state, never a family's name.
#include <QMainWindow>
#include <QString>
#include <QVector>

#include "models/core/registry.h"
#include "ui/engine_bridge.h"

class QAction;
class QGroupBox;
class QTabWidget;
class QLabel;
class QVBoxLayout;

namespace ui {
class DatasetPicker;
class ExplorePanel;
class HyperParamForm;
class LossPlot;
class MetricPlot;
class SchedulePlot;
class MetricSettings;
class MessageBar;
class ModelPicker;
class SampleGrid;
class TrainingControls;
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
  // The data picker of a stream ("images", "A", ...), or null.
  ui::DatasetPicker* datasetPicker(const QString& stream = QStringLiteral("images")) const;
  QVector<ui::DatasetPicker*> datasetPickers() const { return data_pickers_; }
  ui::HyperParamForm* form() const { return form_; }
  ui::TrainingControls* controls() const { return controls_; }
  ui::LossPlot* lossPlot() const { return loss_plot_; }
  ui::MetricPlot* metricPlot() const { return metric_plot_; }
  ui::SchedulePlot* schedulePlot() const { return schedule_plot_; }
  ui::MetricSettings* metricSettings() const { return metric_settings_; }
  QTabWidget* plotTabs() const { return plot_tabs_; }
  ui::SampleGrid* sampleGrid() const { return grid_; }
  // The explore panel of a view ("latent", "translate", ...), or null; and all of them.
  ui::ExplorePanel* explorePanel(const QString& view) const;
  QVector<ui::ExplorePanel*> explorePanels() const { return panels_; }
  ui::MessageBar* messageBar() const { return messages_; }
  ui::UiState state() const { return state_; }
  QString runDir() const { return run_.outDir; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 public:
  // Closes without asking (SIGTERM, SIGHUP): the run is saved as on any close, when it can be.
  void closeWithoutAsking();
  // The run's last save failed, and nothing has been saved since.
  bool runUnsaved() const { return run_unsaved_; }

 private:
  void buildUi();
  void buildMenus();
  // Rebuilds the data pickers, the sample grid's options and the explore panels for a family.
  void composeFor(const gan::Capabilities& caps, const QString& model);
  void onModelChanged(const QString& id);
  void onStart();
  void onState(ui::UiState state, const QString& status);
  void onRun(const ui::RunSummary& run);
  void onStats(const ui::StatsPoint& stats);
  void onRendered(const ui::RenderedResult& result);
  void requestPanel(ui::ExplorePanel* panel);
  void requestGrid();

  gan::Registry registry_;
  ui::EngineBridge* bridge_ = nullptr;
  ui::ModelPicker* model_picker_ = nullptr;
  QVBoxLayout* data_layout_ = nullptr;
  QVector<ui::DatasetPicker*> data_pickers_;
  QVector<QString> data_streams_;
  ui::HyperParamForm* form_ = nullptr;
  ui::TrainingControls* controls_ = nullptr;
  ui::LossPlot* loss_plot_ = nullptr;
  ui::MetricPlot* metric_plot_ = nullptr;
  ui::SchedulePlot* schedule_plot_ = nullptr;
  ui::MetricSettings* metric_settings_ = nullptr;
  QGroupBox* metrics_box_ = nullptr;
  QTabWidget* plot_tabs_ = nullptr;
  ui::SampleGrid* grid_ = nullptr;
  QTabWidget* panel_tabs_ = nullptr;
  QVector<ui::ExplorePanel*> panels_;
  ui::MessageBar* messages_ = nullptr;
  QLabel* run_label_ = nullptr;
  QAction* save_action_ = nullptr;
  QAction* open_action_ = nullptr;

  ui::UiState state_ = ui::UiState::Idle;
  ui::RunSummary run_;
  bool have_run_ = false;
  QString composed_for_;       // the family the panels were built for
  QString opened_checkpoint_;  // a checkpoint opened for exploring; Start continues it
  bool run_unsaved_ = false;   // the last checkpoint write failed (a full disk)
  bool close_without_asking_ = false;
};
