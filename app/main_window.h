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
class QProgressDialog;
class QMenu;
class QGroupBox;
class QTabWidget;
class QLabel;
class QVBoxLayout;

namespace ui {
class ControlPanel;
class DatasetPicker;
class ExplorePanel;
class CompareWindow;
class HelpWindow;
class HyperParamForm;
class LossPlot;
class MetricPlot;
class SchedulePlot;
class MetricSettings;
class MessageBar;
class ModelPicker;
class SampleGrid;
class SweepWindow;
class TrainingControls;
class TranslateDialog;
}  // namespace ui

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // What the menus do, callable from tests without dialogs.
  void openCheckpoint(const QString& path);
  // File › Open TorchScript generator: a generator trained elsewhere (latentDim latents, and classes when
  // above 0, to images in [-1, 1]), explored like a latent family; a bad file gets its reason.
  void openGenerator(const QString& path, qint64 latentDim, int classes);
  // Run › Fidelity–diversity (and the Truncation box's button): the sweep window for the model held.
  ui::SweepWindow* showSweep();
  // Starts the window's sweep of the held model: `values` as parse_sweep takes them, n samples each. False,
  // with the window saying why, when it cannot start.
  bool startSweep(const QString& values, qint64 n);
  ui::SweepWindow* sweepWindow() const { return sweep_; }
  // While training: a copy of the run's state now. Otherwise a copy of the held run's checkpoint (a
  // stopped run's, or the one opened). False, with a message, when there is nothing to save.
  bool saveCheckpoint(const QString& path);
  // File > New run: lets the held run go (asking first, and stopping and saving it, while it trains),
  // so that Start begins a new one. False when the user cancelled.
  bool newRun();
  // The checkpoint Start continues (empty: Start begins a new run), and the folder the continued run
  // writes to (empty: a new run folder, so an opened checkpoint's folder is never written into).
  QString continueFrom() const { return continue_from_; }
  QString continueInto() const { return continue_dir_; }
  // File > Open recent: the checkpoints opened or saved, newest first (those still on disk).
  QStringList recentFiles() const;
  QMenu* recentMenu() const { return recent_menu_; }
  QAction* action(const QString& name) const;  // a menu action by object name ("start", "stop", ...)
  void showHelp(const QString& section = {});
  ui::HelpWindow* helpWindow() const { return help_; }
  // Every action with a shortcut, as "text\tshortcut" lines (Help > Keyboard shortcuts).
  QStringList shortcutList() const;
  QString aboutText() const;
  // File > Export > Interpolation as animation: frames from the latent of one seed to another's, with the
  // sample grid's options (truncation, class), written as a GIF or MP4 on the explorer's thread. False
  // when the family has no latent to walk in, or nothing is loaded. lastExport() says what came of it.
  bool exportAnimation(const QString& path, qint64 from_seed, qint64 to_seed, int frames, double fps, bool bounce);
  QString lastExport() const { return last_export_; }
  // File > Translate a folder: every image in `input` translated by the held model into `output`, on the
  // explorer's thread with a progress dialog (Cancel stops between batches). False, with a message,
  // when nothing can be translated. lastTranslation() says what came of it ("wrote N translation(s)…",
  // or the error).
  // `options`: the family's translate options by id (a direction, a target domain, ...).
  bool translateFolder(const QString& input, const QString& output, const QMap<QString, QString>& options);
  QString lastTranslation() const { return last_translation_; }
  // File > Translate a folder's dialog for the held run, shown but not run (screenshots).
  ui::TranslateDialog* showTranslateDialog(const QString& input, const QString& output);
  QProgressDialog* translationProgress() const { return translate_progress_; }
  // File > Compare checkpoints: the comparison window, with these checkpoints added.
  ui::CompareWindow* compare(const QStringList& paths);
  // Where new runs go: $GAN_EXPLORER_RUNS, else the user's data folder.
  static QString runsRoot();
  // A new run's folder under runsRoot(): MODEL-yyyyMMdd-HHmmss, with -2, -3... when that is taken.
  static QString newRunDir(const QString& model);

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
  bool eventFilter(QObject* watched, QEvent* event) override;

 public:
  // Closes without asking (SIGTERM, SIGHUP): the run is saved as on any close, when it can be.
  void closeWithoutAsking();
  // The run's last save failed, and nothing has been saved since.
  bool runUnsaved() const { return run_unsaved_; }

 private:
  void buildUi();
  void buildMenus();
  void placeMessages();
  void forgetRun();
  // Asks `question` (with the run's step and folder for %1 and %2): true when `yes` was pressed.
  bool confirm(const QString& title, const QString& question, const QString& yes);
  void updateStartMode();
  void addRecent(const QString& path);
  void rebuildRecentMenu();
  void restoreSettings();
  void storeSettings() const;
  void startOrPause();
  bool canExportAnimation() const;
  bool canTranslate() const;
  void askTranslateFolder();  // File > Translate a folder: the dialog, then translateFolder
  void updateExportActions();  // what File > Export and Translate offer for the run held
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
  // The Truncation box's values go to the explore panels' controls of the same ids, and back.
  void shareTruncation(ui::ControlPanel* from);
  bool canSweep() const;
  void describeSweep();  // the sweep window's subject: the model held, its truncation, the reference

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
  QAction* new_action_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  ui::HelpWindow* help_ = nullptr;
  ui::CompareWindow* compare_ = nullptr;
  ui::SweepWindow* sweep_ = nullptr;
  QAction* sweep_action_ = nullptr;
  QAction* open_generator_action_ = nullptr;
  bool sharing_ = false;        // shareTruncation is setting controls

  ui::UiState state_ = ui::UiState::Idle;
  ui::RunSummary run_;
  bool have_run_ = false;
  QString composed_for_;       // the family the panels were built for
  QString continue_from_, continue_dir_;
  QString opening_;            // a checkpoint being opened: held once it is ready
  bool new_run_pending_ = false;  // New run asked while training: let the run go once it has stopped
  QString last_export_;
  QAction* animation_action_ = nullptr;
  QAction* translate_action_ = nullptr;
  QProgressDialog* translate_progress_ = nullptr;  // while a folder is translated
  QString last_translation_;  // what came of the last folder translation
  qint64 saved_step_ = -1;      // the step of the run's checkpoint on disk (-1: none known)
  bool run_unsaved_ = false;   // the last checkpoint write failed (a full disk)
  bool close_without_asking_ = false;
};
