#include "app/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
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

#include "ui/dataset_picker.h"
#include "ui/hyperparam_form.h"
#include "ui/latent_explorer.h"
#include "ui/loss_plot.h"
#include "ui/message_bar.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/model_picker.h"
#include "ui/sample_grid.h"
#include "ui/training_controls.h"
#include "ui/class_picker.h"
#include "ui/truncation_control.h"

using ui::UiState;

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), registry_(gan::Registry::builtin()) {
  setWindowTitle("GAN Explorer");
  bridge_ = new ui::EngineBridge(this);
  buildUi();
  buildMenus();
  connect(bridge_, &ui::EngineBridge::stateChanged, this, &MainWindow::onState);
  connect(bridge_, &ui::EngineBridge::runReady, this, &MainWindow::onRun);
  connect(bridge_, &ui::EngineBridge::statsArrived, this, &MainWindow::onStats);
  connect(bridge_, &ui::EngineBridge::rendered, this, &MainWindow::onRendered);
  connect(bridge_, &ui::EngineBridge::metricArrived, this, [this](const ui::MetricSample& s) {
    metric_plot_->addSample(s);
    statusBar()->showMessage(tr("Metrics at step %1 computed in %2 s").arg(s.step).arg(s.seconds, 0, 'f', 1), 8000);
  });
  connect(bridge_, &ui::EngineBridge::metricStatus, this, [this](const QString& m, bool error) {
    if (error) messages_->showMessage(m, ui::MessageBar::Level::Error);
    else if (m.contains("skipped")) messages_->showMessage(m, ui::MessageBar::Level::Warning);
    statusBar()->showMessage(m, 10000);
  });
  connect(bridge_, &ui::EngineBridge::saved, this, [this](const QString& path, qint64 step) {
    statusBar()->showMessage(tr("Saved %1 at step %2").arg(path).arg(step), 8000);
  });
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

void MainWindow::buildUi() {
  auto* left = new QWidget;
  auto* lv = new QVBoxLayout(left);
  model_picker_ = new ui::ModelPicker;
  dataset_picker_ = new ui::DatasetPicker;
  form_ = new ui::HyperParamForm;
  controls_ = new ui::TrainingControls;
  auto* model_box = new QGroupBox(tr("Model"));
  (new QVBoxLayout(model_box))->addWidget(model_picker_);
  auto* data_box = new QGroupBox(tr("Data"));
  (new QVBoxLayout(data_box))->addWidget(dataset_picker_);
  auto* form_box = new QGroupBox(tr("Hyper-parameters"));
  (new QVBoxLayout(form_box))->addWidget(form_);
  metric_settings_ = new ui::MetricSettings;
  auto* metrics_box = new QGroupBox(tr("Metrics"));
  (new QVBoxLayout(metrics_box))->addWidget(metric_settings_);
  lv->addWidget(model_box);
  lv->addWidget(data_box);
  lv->addWidget(form_box);
  lv->addWidget(metrics_box);
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
  explorer_ = new ui::LatentExplorer;
  truncation_ = new ui::TruncationControl;
  auto* explore_box = new QGroupBox(tr("Latent explorer"));
  auto* ev = new QVBoxLayout(explore_box);
  ev->addWidget(explorer_, 1);
  ev->addWidget(truncation_);
  explore_class_ = new ui::ClassPicker(/*offerAll=*/false);
  ev->addWidget(explore_class_);
  auto* bottom = new QSplitter(Qt::Horizontal);
  bottom->addWidget(grid_);
  bottom->addWidget(explore_box);
  bottom->setStretchFactor(0, 3);
  bottom->setStretchFactor(1, 2);
  metric_plot_ = new ui::MetricPlot;
  plot_tabs_ = new QTabWidget;
  plot_tabs_->addTab(loss_plot_, tr("Losses"));
  plot_tabs_->addTab(metric_plot_, tr("FID · KID · IS"));
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

  grid_->setMessage(tr("Press Start to train, or File > Open checkpoint to explore a saved model."));
  explorer_->setMessage(tr("No model yet"));

  connect(model_picker_, &ui::ModelPicker::modelChanged, this, &MainWindow::onModelChanged);
  connect(controls_, &ui::TrainingControls::startClicked, this, &MainWindow::onStart);
  connect(controls_, &ui::TrainingControls::pauseClicked, bridge_, &ui::EngineBridge::pause);
  connect(controls_, &ui::TrainingControls::resumeClicked, bridge_, &ui::EngineBridge::resume);
  connect(controls_, &ui::TrainingControls::stepClicked, bridge_, &ui::EngineBridge::step);
  connect(controls_, &ui::TrainingControls::stopClicked, bridge_, &ui::EngineBridge::stop);
  connect(explorer_, &ui::LatentExplorer::requestChanged, this, &MainWindow::requestExplore);
  connect(explore_class_, &ui::ClassPicker::changed, this, &MainWindow::requestExplore);
  connect(grid_->classPicker(), &ui::ClassPicker::changed, this, &MainWindow::requestGrid);
  connect(truncation_, &ui::TruncationControl::changed, this, [this] {
    requestExplore();
    requestGrid();
  });
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

void MainWindow::onModelChanged(const QString& id) {
  const gan::FamilyInfo* f = registry_.find(id.toStdString());
  if (!f) return;
  if (id != run_.model) opened_checkpoint_.clear();  // another model: Start begins a new run
  form_->setSpecs(f->params);
  const bool trunc = f->caps.truncation != gan::TruncationKind::None;
  truncation_->setAvailable(trunc, trunc ? QString() : tr("%1 has no truncation").arg(QString::fromStdString(f->name)));
  explorer_->setInterpolationAvailable(f->caps.interpolation);
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
  spec.dataSource = dataset_picker_->source();
  spec.dataSplit = dataset_picker_->split();
  spec.steps = controls_->totalSteps();
  spec.sampleEvery = controls_->sampleEvery();
  spec.logEvery = 10;  // the log and the checkpoint's history; the plot gets every step
  if (metric_settings_->enabled()) {
    spec.metricsEvery = metric_settings_->every();
    spec.metricsSamples = metric_settings_->samples();
    spec.inceptionPath = metric_settings_->inceptionPath();
  }
  QStringList all = problems + bridge_->validate(spec);
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
  opened_checkpoint_.clear();
  messages_->hide();
  loss_plot_->clear();
  metric_plot_->clear();
  shown_stamp_[0] = shown_stamp_[1] = 0;
}

void MainWindow::onState(UiState state, const QString& message) {
  state_ = state;
  controls_->setState(state);
  const bool live = state == UiState::Running || state == UiState::Paused || state == UiState::Loading;
  form_->setEditable(!live);
  model_picker_->setEnabled(!live);
  dataset_picker_->setEnabled(!live);
  metric_settings_->setEditable(!live);
  save_action_->setEnabled(state == UiState::Running || state == UiState::Paused);
  open_action_->setEnabled(!live);
  if (message.isEmpty()) return;
  if (state == UiState::Failed) {
    messages_->showMessage(message, ui::MessageBar::Level::Error);
  } else if (message.contains("NaN") || message.contains("infinite") || message.startsWith("could not") ||
             message.startsWith("not saved") || message.contains("skipped")) {
    messages_->showMessage(message, ui::MessageBar::Level::Warning);
  } else if (state == UiState::Finished || message.startsWith("opened")) {
    messages_->showMessage(message, ui::MessageBar::Level::Info);
  }
  statusBar()->showMessage(message, 10000);
}

void MainWindow::onRun(const ui::RunSummary& run) {
  run_ = run;
  have_run_ = true;
  loss_plot_->clear();
  for (const auto& p : run.history)  // in the family's series order, which the legend follows
    for (const QString& name : run.series)
      for (const auto& [n, v] : p.scalars)
        if (n == name) loss_plot_->addPoint(p.step, name, v);
  metric_plot_->clear();
  for (const auto& m : run.metrics) metric_plot_->addSample(m);
  model_picker_->setCurrentId(run.model);
  form_->setValues(run.params);
  metric_settings_->setValues(run.metricsOn, run.metricsOn ? run.metricsEvery : metric_settings_->every(),
                              run.metricsSamples, run.inceptionPath);
  if (!run.trainable) {
    dataset_picker_->setSource(run.dataSource, run.dataSplit);
    controls_->setTotalSteps(std::max<qint64>(run.totalSteps, run.step + 1000));
  }
  controls_->setProgress(run.step, run.totalSteps, 0);
  truncation_->setAvailable(run.truncation, run.truncation ? QString() : tr("%1 has no truncation").arg(run.modelName));
  const int classes = run.conditional ? run.numClasses : 0;
  explore_class_->setClasses(run.classNames, classes);
  grid_->classPicker()->setClasses(run.classNames, classes);
  run_label_->setText(tr("%1 · %2 parameters · %3").arg(run.modelName).arg(run.parameters).arg(run.outDir));
  grid_->setMessage({});
  explorer_->setMessage({});
  requestGrid();
  requestExplore();
}

void MainWindow::onStats(const ui::StatsPoint& s) {
  for (const auto& [name, v] : s.scalars) loss_plot_->addPoint(s.step, name, v);
  controls_->setProgress(s.step, run_.totalSteps, s.stepsPerSec);
}

void MainWindow::onRendered(const ui::RenderedImage& img) {
  // Results of older requests than the one already shown are stale: drop them.
  quint64& shown = shown_stamp_[img.grid ? 1 : 0];
  if (img.stamp < shown) return;
  shown = img.stamp;
  if (!img.error.isEmpty()) {
    if (img.grid) grid_->setMessage(img.error);
    else explorer_->setMessage(img.error);
    return;
  }
  if (img.grid) grid_->setGrid(img.image, img.generatorStep, img.renderMs);
  else explorer_->setImage(img.image, img.renderMs, img.generatorStep);
}

void MainWindow::requestExplore() {
  if (!have_run_) return;
  ui::RenderSpec r;
  r.seedA = explorer_->seedA();
  r.seedB = explorer_->seedB();
  r.t = explorer_->t();
  r.slerp = explorer_->slerp();
  r.truncation = truncation_->threshold();
  r.label = explore_class_->label();
  r.numClasses = explore_class_->classCount();
  bridge_->requestRender(r);
}

void MainWindow::requestGrid() {
  if (!have_run_) return;
  ui::RenderSpec r;
  r.grid = true;
  r.truncation = truncation_->threshold();
  r.label = grid_->classPicker()->label();
  r.numClasses = grid_->classPicker()->classCount();
  bridge_->requestRender(r);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The bridge's destructor stops the run, which saves its checkpoint, and joins the threads.
  if (state_ == UiState::Running || state_ == UiState::Paused) statusBar()->showMessage(tr("Saving the run…"));
  event->accept();
}
