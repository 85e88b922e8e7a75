#include "app/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "ui/control_panel.h"
#include "ui/dataset_picker.h"
#include "ui/explore_panel.h"
#include "ui/hyperparam_form.h"
#include "ui/loss_plot.h"
#include "ui/schedule_plot.h"
#include "ui/message_bar.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/model_picker.h"
#include "ui/sample_grid.h"
#include "ui/training_controls.h"

using ui::UiState;

namespace {

ui::MessageBar::Level barLevel(ui::MessageLevel l) {
  switch (l) {
    case ui::MessageLevel::Info: return ui::MessageBar::Level::Info;
    case ui::MessageLevel::Warning: return ui::MessageBar::Level::Warning;
    case ui::MessageLevel::Error: return ui::MessageBar::Level::Error;
  }
  return ui::MessageBar::Level::Info;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), registry_(gan::Registry::builtin()) {
  setWindowTitle("GAN Explorer");
  bridge_ = new ui::EngineBridge(this);
  buildUi();
  buildMenus();
  connect(bridge_, &ui::EngineBridge::stateChanged, this, &MainWindow::onState);
  connect(bridge_, &ui::EngineBridge::message, this, [this](ui::MessageLevel level, const QString& text) {
    messages_->showMessage(text, barLevel(level));
  });
  connect(bridge_, &ui::EngineBridge::runReady, this, &MainWindow::onRun);
  connect(bridge_, &ui::EngineBridge::statsArrived, this, &MainWindow::onStats);
  connect(bridge_, &ui::EngineBridge::rendered, this, &MainWindow::onRendered);
  connect(bridge_, &ui::EngineBridge::metricArrived, this, [this](const ui::MetricSample& s) {
    metric_plot_->addSample(s);
    statusBar()->showMessage(tr("Metrics at step %1 computed in %2 s").arg(s.step).arg(s.seconds, 0, 'f', 1), 8000);
  });
  connect(bridge_, &ui::EngineBridge::metricStatus, this, [this](ui::MessageLevel level, const QString& m) {
    if (level != ui::MessageLevel::Info) messages_->showMessage(m, barLevel(level));
    statusBar()->showMessage(m, 10000);
  });
  connect(bridge_, &ui::EngineBridge::saved, this, [this](const QString& path, qint64 step) {
    statusBar()->showMessage(tr("Saved %1 at step %2").arg(path).arg(step), 8000);
    run_unsaved_ = false;
  });
  connect(bridge_, &ui::EngineBridge::saveFailed, this, [this] { run_unsaved_ = true; });
  model_picker_->setFamilies(registry_);
  onModelChanged(model_picker_->currentId());
  onState(UiState::Idle, {});
  resize(1360, 860);
}

MainWindow::~MainWindow() = default;

QString MainWindow::runsRoot() {
  const QString env = qEnvironmentVariable("GAN_EXPLORER_RUNS");
  if (!env.isEmpty()) return env;
  return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + "/runs";
}

ui::DatasetPicker* MainWindow::datasetPicker(const QString& stream) const {
  for (int i = 0; i < data_pickers_.size(); ++i)
    if (data_streams_[i] == stream) return data_pickers_[i];
  return nullptr;
}

ui::ExplorePanel* MainWindow::explorePanel(const QString& view) const {
  for (auto* p : panels_)
    if (p->viewId() == view) return p;
  return nullptr;
}

void MainWindow::buildUi() {
  auto* left = new QWidget;
  auto* lv = new QVBoxLayout(left);
  model_picker_ = new ui::ModelPicker;
  form_ = new ui::HyperParamForm;
  controls_ = new ui::TrainingControls;
  auto* model_box = new QGroupBox(tr("Model"));
  (new QVBoxLayout(model_box))->addWidget(model_picker_);
  auto* data_box = new QGroupBox(tr("Data"));
  data_layout_ = new QVBoxLayout(data_box);
  auto* form_box = new QGroupBox(tr("Hyper-parameters"));
  (new QVBoxLayout(form_box))->addWidget(form_);
  metric_settings_ = new ui::MetricSettings;
  metrics_box_ = new QGroupBox(tr("Metrics"));
  (new QVBoxLayout(metrics_box_))->addWidget(metric_settings_);
  lv->addWidget(model_box);
  lv->addWidget(data_box);
  lv->addWidget(form_box);
  lv->addWidget(metrics_box_);
  lv->addStretch(1);
  auto* scroll = new QScrollArea;
  scroll->setWidget(left);
  scroll->setWidgetResizable(true);
  scroll->setMinimumWidth(360);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

  auto* left_col = new QWidget;
  auto* lcv = new QVBoxLayout(left_col);
  lcv->setContentsMargins(0, 0, 0, 0);
  lcv->addWidget(scroll, 1);
  auto* train_box = new QGroupBox(tr("Training"));
  (new QVBoxLayout(train_box))->addWidget(controls_);
  lcv->addWidget(train_box);

  loss_plot_ = new ui::LossPlot;
  loss_plot_->smoothingSlider()->setValue(60);  // GAN losses are noisy: start smoothed (raw stays faint)
  grid_ = new ui::SampleGrid;
  panel_tabs_ = new QTabWidget;
  panel_tabs_->setDocumentMode(true);
  auto* bottom = new QSplitter(Qt::Horizontal);
  bottom->addWidget(grid_);
  bottom->addWidget(panel_tabs_);
  bottom->setStretchFactor(0, 3);
  bottom->setStretchFactor(1, 2);
  metric_plot_ = new ui::MetricPlot;
  plot_tabs_ = new QTabWidget;
  plot_tabs_->addTab(loss_plot_, tr("Losses"));
  plot_tabs_->addTab(metric_plot_, tr("FID · KID · IS"));
  schedule_plot_ = new ui::SchedulePlot;
  plot_tabs_->addTab(schedule_plot_, tr("Schedule"));
  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(plot_tabs_);
  right->addWidget(bottom);
  right->setStretchFactor(0, 2);
  right->setStretchFactor(1, 3);

  auto* main_split = new QSplitter(Qt::Horizontal);
  main_split->addWidget(left_col);
  main_split->addWidget(right);
  main_split->setStretchFactor(1, 1);

  messages_ = new ui::MessageBar;
  auto* central = new QWidget;
  auto* cv = new QVBoxLayout(central);
  cv->setContentsMargins(6, 6, 6, 6);
  cv->addWidget(messages_);
  cv->addWidget(main_split, 1);
  setCentralWidget(central);
  run_label_ = new QLabel;
  statusBar()->addPermanentWidget(run_label_);

  connect(model_picker_, &ui::ModelPicker::modelChanged, this, &MainWindow::onModelChanged);
  connect(controls_, &ui::TrainingControls::startClicked, this, &MainWindow::onStart);
  connect(controls_, &ui::TrainingControls::pauseClicked, bridge_, &ui::EngineBridge::pause);
  connect(controls_, &ui::TrainingControls::resumeClicked, bridge_, &ui::EngineBridge::resume);
  connect(controls_, &ui::TrainingControls::stepClicked, bridge_, &ui::EngineBridge::step);
  connect(controls_, &ui::TrainingControls::stopClicked, bridge_, &ui::EngineBridge::stop);
  connect(bridge_, &ui::EngineBridge::loadProgress, controls_, &ui::TrainingControls::setLoadProgress);
  connect(grid_, &ui::SampleGrid::requestChanged, this, &MainWindow::requestGrid);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  open_action_ = file->addAction(tr("&Open checkpoint…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), runsRoot(),
                                                      tr("Checkpoints (*.pt);;All files (*)"), nullptr,
                                                      QFileDialog::DontUseNativeDialog);
    if (!path.isEmpty()) openCheckpoint(path);
  });
  open_action_->setShortcut(QKeySequence::Open);
  save_action_ = file->addAction(tr("&Save checkpoint as…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save checkpoint"), run_.outDir + "/copy.pt",
                                                      tr("Checkpoints (*.pt)"), nullptr,
                                                      QFileDialog::DontUseNativeDialog);
    if (!path.isEmpty()) saveCheckpoint(path);
  });
  save_action_->setShortcut(QKeySequence::Save);
  file->addSeparator();
  file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
}

void MainWindow::composeFor(const gan::Capabilities& caps, const QString& model) {
  if (composed_for_ == model) return;
  composed_for_ = model;
  bridge_->clearPanels();
  // Data: a picker per stream, keeping what a stream of the same name had.
  QMap<QString, QPair<QString, QString>> kept;
  for (int i = 0; i < data_pickers_.size(); ++i)
    kept[data_streams_[i]] = {data_pickers_[i]->spec(), data_pickers_[i]->split()};
  while (QLayoutItem* item = data_layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  data_pickers_.clear();
  data_streams_.clear();
  if (caps.streams.empty() && !caps.own_data.empty()) {
    auto* own = new QLabel(tr("Its own: %1").arg(QString::fromStdString(caps.own_data)));
    own->setWordWrap(true);
    data_layout_->addWidget(own);
  }
  for (const auto& st : caps.streams) {
    const QString name = QString::fromStdString(st.name);
    auto* picker = new ui::DatasetPicker;
    picker->setToolTip(QString::fromStdString(st.help));
    if (kept.contains(name)) picker->setSpec(kept[name].first, kept[name].second);
    else picker->setSpec(QString::fromStdString(st.default_data), QStringLiteral("train"));
    if (caps.streams.size() > 1) data_layout_->addWidget(new QLabel(QString::fromStdString(st.label)));
    data_layout_->addWidget(picker);
    data_pickers_.append(picker);
    data_streams_.append(name);
  }
  // The sample grid's options, and one panel per view.
  grid_->setOptions(caps.sample_options);
  panel_tabs_->clear();
  qDeleteAll(panels_);
  panels_.clear();
  for (const auto& view : caps.views) {
    auto* panel = new ui::ExplorePanel(view);
    panel->setMessage(tr("No model yet"));
    panel_tabs_->addTab(panel, panel->title());
    panels_.append(panel);
    connect(panel, &ui::ExplorePanel::requestChanged, this, [this, panel] { requestPanel(panel); });
  }
  panel_tabs_->setVisible(!panels_.isEmpty());
  loss_plot_->setSeries(caps.series);
  metrics_box_->setVisible(caps.noise_metrics);
  plot_tabs_->setTabEnabled(1, caps.noise_metrics);  // FID / KID / IS of samples drawn from noise
  plot_tabs_->setTabToolTip(1, caps.noise_metrics ? QString()
                                                  : tr("Translations are measured with gan-explorer metrics"));
  if (!caps.noise_metrics) plot_tabs_->setCurrentIndex(0);
  schedule_plot_->setSeries(caps.series);  // the fade-in alpha and the resolution, a learning-rate factor
  const int schedule_tab = plot_tabs_->indexOf(schedule_plot_);
  plot_tabs_->setTabEnabled(schedule_tab, schedule_plot_->hasSchedule());
  plot_tabs_->setTabToolTip(schedule_tab, schedule_plot_->hasSchedule() ? tr("The family's schedule against %1")
                                                                                .arg(schedule_plot_->xLabel().toLower())
                                                                          : tr("This family has no schedule"));
  if (!schedule_plot_->hasSchedule() && plot_tabs_->currentIndex() == schedule_tab) plot_tabs_->setCurrentIndex(0);
  if (!caps.noise_metrics)
    metric_settings_->setValues(false, metric_settings_->every(), metric_settings_->samples(), {},
                                metric_settings_->swdImages());
}

void MainWindow::onModelChanged(const QString& id) {
  const gan::FamilyInfo* f = registry_.find(id.toStdString());
  if (!f) return;
  if (id != run_.model) opened_checkpoint_.clear();  // another model: Start begins a new run
  form_->setSpecs(f->params);
  composeFor(f->caps, id);
}

void MainWindow::openCheckpoint(const QString& path) {
  if (!bridge_->openCheckpoint(path))
    messages_->showMessage(tr("Stop the current run before opening a checkpoint."), ui::MessageBar::Level::Warning);
  else
    opened_checkpoint_ = path;
}

void MainWindow::saveCheckpoint(const QString& path) {
  if (state_ != UiState::Running && state_ != UiState::Paused) {
    messages_->showMessage(tr("There is no run to save: start or continue one first."), ui::MessageBar::Level::Warning);
    return;
  }
  bridge_->save(path);
}

void MainWindow::onStart() {
  const QStringList problems = form_->problems();
  ui::StartSpec spec;
  spec.model = model_picker_->currentId();
  spec.params = form_->values();
  for (int i = 0; i < data_pickers_.size(); ++i) {
    spec.dataSources[data_streams_[i]] = data_pickers_[i]->spec();
    spec.dataSplit = data_pickers_[i]->split();
  }
  spec.steps = controls_->totalSteps();
  spec.sampleEvery = controls_->sampleEvery();
  spec.processes = controls_->processes();
  spec.logEvery = 10;  // the log and the checkpoint's history; the plot gets every step
  if (metric_settings_->enabled()) {
    spec.metricsEvery = metric_settings_->every();
    spec.metricsSamples = metric_settings_->samples();
    spec.metricsSwd = metric_settings_->swdImages();
    spec.inceptionPath = metric_settings_->inceptionPath();
  }
  QStringList all = problems + bridge_->validate(spec);
  for (int i = 0; i < data_pickers_.size(); ++i)
    if (data_pickers_[i]->source().isEmpty()) all << tr("Choose the data for %1").arg(data_streams_[i]);
  if (metric_settings_->enabled()) all += metric_settings_->problems();
  all.removeDuplicates();
  if (!all.isEmpty()) {
    messages_->showMessage(tr("Not started:\n• %1").arg(all.join("\n• ")), ui::MessageBar::Level::Error);
    return;
  }
  if (!opened_checkpoint_.isEmpty()) {
    spec.resumeFrom = opened_checkpoint_;
    spec.outDir = QFileInfo(opened_checkpoint_).absolutePath();
  } else {
    spec.outDir = runsRoot() + "/" + spec.model + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
  }
  if (!bridge_->start(spec)) {
    messages_->showMessage(tr("A run is still going: stop it first."), ui::MessageBar::Level::Warning);
    return;
  }
  // The plots are refilled, and an opened checkpoint is let go, once the run is ready (onRun): a start
  // that fails (a resume refused, data not found) leaves both as they were, so Start can be pressed again.
  messages_->hide();
}

void MainWindow::onState(UiState state, const QString& status) {
  state_ = state;
  controls_->setState(state);
  const bool live = state == UiState::Running || state == UiState::Paused || state == UiState::Loading;
  form_->setEditable(!live);
  model_picker_->setEnabled(!live);
  for (auto* p : data_pickers_) p->setEnabled(!live);
  metric_settings_->setEditable(!live);
  save_action_->setEnabled(state == UiState::Running || state == UiState::Paused);
  open_action_->setEnabled(!live);
  if (!status.isEmpty()) statusBar()->showMessage(status, 10000);
  // While a run is prepared the grid says so (over the last run's samples, if any); a start that fails
  // brings back what was there.
  if (state == UiState::Loading)
    grid_->setMessage(status.isEmpty() ? tr("Preparing the run…") : tr("Preparing the run: %1").arg(status));
  else if (state == UiState::Idle)
    grid_->setMessage(have_run_ ? QString() : tr("Press Start to train, or File > Open checkpoint to explore a saved model."));
}

void MainWindow::onRun(const ui::RunSummary& run) {
  run_ = run;
  have_run_ = true;
  if (run.trainable) opened_checkpoint_.clear();  // the run continues it now; a later Start begins anew
  model_picker_->setCurrentId(run.model);  // composes the panels for it, when another family was shown
  composeFor(run.caps, run.model);
  loss_plot_->clear();
  loss_plot_->setSeries(run.caps.series);
  schedule_plot_->setSeries(run.caps.series);
  for (const auto& p : run.history) {  // in the family's series order, which the legend follows
    for (const auto& s : run.caps.series)
      for (const auto& [n, v] : p.scalars)
        if (n.toStdString() == s.id) loss_plot_->addPoint(p.step, n, v);
    schedule_plot_->addStep(p.step, p.scalars);
  }
  metric_plot_->clear();
  for (const auto& m : run.metrics) metric_plot_->addSample(m);
  form_->setValues(run.params);
  metric_settings_->setValues(run.metricsOn, run.metricsOn ? run.metricsEvery : metric_settings_->every(),
                              run.metricsSamples, run.inceptionPath, run.metricsSwd);
  if (!run.trainable) {
    for (int i = 0; i < data_pickers_.size(); ++i)
      if (run.dataSources.contains(data_streams_[i]))
        data_pickers_[i]->setSpec(run.dataSources[data_streams_[i]], run.dataSplit);
    controls_->setTotalSteps(std::max<qint64>(run.totalSteps, run.step + 1000));
    if (run.sampleEvery > 0) controls_->setSampleEvery(run.sampleEvery);
  }
  controls_->setProgress(run.step, run.totalSteps, 0);
  grid_->options()->setClasses(run.classNames);
  for (auto* p : panels_) p->controls()->setClasses(run.classNames);
  run_label_->setText(tr("%1 · %2 parameters · %3").arg(run.modelName).arg(run.parameters).arg(run.outDir));
  grid_->setMessage({});
  for (auto* p : panels_) p->setMessage({});
  requestGrid();
  for (auto* p : panels_) requestPanel(p);
}

void MainWindow::onStats(const ui::StatsPoint& s) {
  for (const auto& [name, v] : s.scalars) loss_plot_->addPoint(s.step, name, v);
  schedule_plot_->addStep(s.step, s.scalars);
  controls_->setProgress(s.step, run_.totalSteps, s.stepsPerSec);
}

void MainWindow::onRendered(const ui::RenderedResult& r) {
  // Each panel drops results older than the one it shows.
  if (r.panel == ui::SampleGrid::kPanel) {
    grid_->setResult(r);
    return;
  }
  if (auto* p = explorePanel(r.panel)) p->setResult(r);
}

void MainWindow::requestPanel(ui::ExplorePanel* panel) {
  if (!have_run_) return;
  bridge_->requestRender(panel->request());
}

void MainWindow::requestGrid() {
  if (!have_run_) return;
  bridge_->requestRender(grid_->request());
}

void MainWindow::closeWithoutAsking() {
  close_without_asking_ = true;
  close();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The bridge's destructor stops the run, which saves its checkpoint, and joins the threads. When the
  // last save failed (a full disk), that save will likely fail too: ask before the run is lost.
  const bool live = state_ == UiState::Running || state_ == UiState::Paused;
  if (live && run_unsaved_ && !close_without_asking_) {
    const auto answer = QMessageBox::warning(
        this, tr("The run is not saved"),
        tr("The last checkpoint of this run could not be written (see the message above), so quitting now may lose "
           "the steps since the last one on disk.\n\nFree some space and press Stop to save it, or use File › Save "
           "checkpoint as… to save it elsewhere. Quit anyway?"),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
  }
  if (live) statusBar()->showMessage(tr("Saving the run…"));
  event->accept();
}
