#include "app/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QCheckBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QGraphicsDropShadowEffect>
#include <QFormLayout>
#include <QSpinBox>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QTextBrowser>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QFileInfo>
#include <QProgressDialog>
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

#include <torch/version.h>

#include "engine/message.h"

#include "ui/animation_dialog.h"
#include "ui/translate_dialog.h"
#include "ui/app_settings.h"
#include "ui/compare_window.h"
#include "ui/control_panel.h"
#include "ui/help_window.h"
#include "ui/image_view.h"
#include "ui/dataset_picker.h"
#include "ui/explore_panel.h"
#include "ui/generator_dialog.h"
#include "ui/hyperparam_form.h"
#include "ui/loss_plot.h"
#include "ui/schedule_plot.h"
#include "ui/message_bar.h"
#include "ui/metric_plot.h"
#include "ui/metric_settings.h"
#include "ui/model_picker.h"
#include "ui/sample_grid.h"
#include "ui/sweep_window.h"
#include "ui/training_controls.h"

using ui::UiState;

// The Qt resources (the icon, the README for Help) live in a static library: register them once.
static void initResources() { Q_INIT_RESOURCE(resources); }

namespace {

constexpr int kRecentFiles = 8;

bool isLive(UiState s) { return s == UiState::Running || s == UiState::Paused || s == UiState::Loading; }

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
  initResources();
  setWindowTitle("GAN Explorer");
  setWindowIcon(QIcon(QStringLiteral(":/gan-explorer.png")));
  setMinimumSize(960, 640);  // below this the controls overlap
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
    // Where the user looks for the metrics: what they wait for, with a bar and the time left, over the
    // empty plot, and the share done on the tab itself.
    const int tab = plot_tabs_->indexOf(metric_plot_);
    if (const auto p = gan::parse_progress(m.toStdString())) {
      const QString what = QString::fromStdString(p->what);
      metric_plot_->setPreparing(tr("Preparing the metrics: %1. The first FID comes when it is done.")
                                     .arg(what.left(1).toUpper() + what.mid(1)),
                                 p->fraction, p->seconds_left);
      plot_tabs_->setTabText(tab, tr("FID · KID · IS (preparing: %1%)").arg(int(p->fraction * 100)));
    } else {
      metric_plot_->setPreparing(level == ui::MessageLevel::Info ? m : QString());
      plot_tabs_->setTabText(tab, tr("FID · KID · IS"));
    }
  });
  connect(bridge_, &ui::EngineBridge::saved, this, [this](const QString& path, qint64 step) {
    statusBar()->showMessage(tr("Saved %1 at step %2").arg(path).arg(step), 8000);
    if (QFileInfo(path).absolutePath() == QFileInfo(run_.outDir).absoluteFilePath()) saved_step_ = step;
    run_unsaved_ = false;
  });
  connect(bridge_, &ui::EngineBridge::translateProgress, this, [this](qint64 done, qint64 total) {
    if (!translate_progress_) return;
    translate_progress_->setMaximum(int(total));
    translate_progress_->setValue(int(done));
    translate_progress_->setLabelText(tr("Translated %1 of %2 images").arg(done).arg(total));
  });
  connect(bridge_, &ui::EngineBridge::saveFailed, this, [this] {
    run_unsaved_ = true;
    new_run_pending_ = false;  // the run stays open, unsaved: nothing is let go
  });
  model_picker_->setFamilies(registry_);
  onModelChanged(model_picker_->currentId());
  onState(UiState::Idle, {});
  resize(1360, 860);
  restoreSettings();
}

MainWindow::~MainWindow() = default;

QString MainWindow::runsRoot() {
  const QString env = qEnvironmentVariable("GAN_EXPLORER_RUNS");
  if (!env.isEmpty()) return env;
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/gan-explorer/runs";
}

QString MainWindow::newRunDir(const QString& model) {
  const QString base = runsRoot() + "/" + model + "-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
  QString dir = base;
  for (int i = 2; QFileInfo::exists(dir); ++i) dir = base + "-" + QString::number(i);
  return dir;
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

  auto* central = new QWidget;
  auto* cv = new QVBoxLayout(central);
  cv->setContentsMargins(6, 6, 6, 6);
  cv->addWidget(main_split, 1);
  setCentralWidget(central);
  // Messages float over the top of the window instead of pushing everything down when they come.
  messages_ = new ui::MessageBar(central);
  auto* shadow = new QGraphicsDropShadowEffect(messages_);
  shadow->setBlurRadius(12);
  shadow->setOffset(0, 2);
  messages_->setGraphicsEffect(shadow);
  central->installEventFilter(this);
  messages_->installEventFilter(this);
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
  connect(grid_->truncation(), &ui::ControlPanel::changed, this, [this] { shareTruncation(grid_->truncation()); });
  connect(grid_, &ui::SampleGrid::sweepRequested, this, &MainWindow::showSweep);
}

void MainWindow::buildMenus() {
  auto named = [](QAction* a, const char* name, const QKeySequence& key, const QString& tip) {
    a->setObjectName(name);
    if (!key.isEmpty()) a->setShortcut(key);
    a->setStatusTip(tip);
    return a;
  };
  QMenu* file = menuBar()->addMenu(tr("&File"));
  new_action_ = named(file->addAction(tr("&New run"), this, [this] { newRun(); }), "new", QKeySequence::New,
                      tr("Let the current run go, so that Start begins a new one"));
  open_action_ = named(file->addAction(tr("&Open checkpoint…"), this, [this] {
                         const QString path = QFileDialog::getOpenFileName(
                             this, tr("Open checkpoint"), ui::rememberedFolder("dirs/checkpoints", runsRoot()),
                             tr("Checkpoints (*.pt);;All files (*)"), nullptr, QFileDialog::DontUseNativeDialog);
                         if (!path.isEmpty()) openCheckpoint(path);
                       }),
                       "open", QKeySequence::Open, tr("Open a saved checkpoint to explore or continue it"));
  open_generator_action_ = named(
      file->addAction(tr("Open &TorchScript generator…"), this,
                      [this] {
                        const QString path = QFileDialog::getOpenFileName(
                            this, tr("Open a TorchScript generator"),
                            ui::rememberedFolder("dirs/generators", QDir::homePath()),
                            tr("TorchScript modules (*.pt *.pth *.ptl *.zip);;All files (*)"), nullptr,
                            QFileDialog::DontUseNativeDialog);
                        if (path.isEmpty()) return;
                        auto s = ui::appSettings();
                        ui::GeneratorDialog d(path, s->value("generator/latent_dim", 100).toLongLong(),
                                              s->value("generator/classes", 0).toInt(), this);
                        if (d.exec() != QDialog::Accepted) return;
                        s->setValue("generator/latent_dim", d.latentDim());
                        s->setValue("generator/classes", d.classes());
                        ui::rememberFolderOf("dirs/generators", path);
                        openGenerator(path, d.latentDim(), d.classes());
                      }),
      "open-generator", {}, tr("Open a generator trained elsewhere (TorchScript) to explore and measure it"));
  recent_menu_ = file->addMenu(tr("Open &recent"));
  connect(recent_menu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  rebuildRecentMenu();
  save_action_ = named(file->addAction(tr("&Save checkpoint as…"), this, [this] {
                         const QString path = QFileDialog::getSaveFileName(
                             this, tr("Save checkpoint"),
                             ui::rememberedFolder("dirs/checkpoints", runsRoot()) + "/" +
                                 (run_.model.isEmpty() ? QStringLiteral("run") : run_.model) + "-step" +
                                 QString::number(run_.step) + ".pt",
                             tr("Checkpoints (*.pt)"), nullptr, QFileDialog::DontUseNativeDialog);
                         if (!path.isEmpty()) saveCheckpoint(path);
                       }),
                       "save", QKeySequence::Save, tr("Save a copy of the run's checkpoint"));
  named(file->addAction(tr("&Compare checkpoints…"), this,
                        [this] {
                          const QStringList paths = QFileDialog::getOpenFileNames(
                              this, tr("Compare checkpoints"), ui::rememberedFolder("dirs/checkpoints", runsRoot()),
                              tr("Checkpoints (*.pt);;All files (*)"), nullptr, QFileDialog::DontUseNativeDialog);
                          if (!paths.isEmpty()) {
                            ui::rememberFolderOf("dirs/checkpoints", paths.first());
                            compare(paths);
                          }
                        }),
        "compare", {}, tr("Two or more checkpoints side by side, driven by one set of controls"));
  QMenu* exp = file->addMenu(tr("&Export"));
  named(exp->addAction(tr("Sample grid as image…"), grid_->view(), &ui::ImageView::saveImageAs),
        "export", QKeySequence(tr("Ctrl+E")), tr("Save the sample grid as a PNG image"));
  animation_action_ = named(exp->addAction(tr("Interpolation as animation (GIF, MP4)…"), this,
                                           [this] {
                                             ui::AnimationDialog d(
                                                 ui::rememberedFolder("dirs/images", QDir::homePath()) + "/walk.gif", this);
                                             if (d.exec() != QDialog::Accepted) return;
                                             const ui::AnimationDialog::Choice c = d.choice();
                                             ui::rememberFolderOf("dirs/images", c.path);
                                             exportAnimation(c.path, c.fromSeed, c.toSeed, c.frames, c.fps, c.bounce);
                                           }),
                            "export-animation", {}, tr("Frames between two seeds' latents as an animated GIF or an MP4"));
  translate_action_ = named(file->addAction(tr("&Translate a folder…"), this, &MainWindow::askTranslateFolder),
                            "translate-folder", {}, tr("Translate every image of a folder and save the results"));
  file->addSeparator();
  named(file->addAction(tr("&Quit"), this, &QWidget::close), "quit", QKeySequence::Quit,
        tr("Quit (while a run trains, asks whether to save it first)"));

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  named(run->addAction(tr("Start / Pause / Resume"), this, &MainWindow::startOrPause), "start",
        QKeySequence(Qt::Key_Space), tr("Start or continue the run, or pause and resume it"));
  named(run->addAction(tr("Step"), bridge_, [this] { if (state_ == UiState::Paused) bridge_->step(); }), "step",
        QKeySequence(Qt::Key_F10), tr("One training step while paused"));
  named(run->addAction(tr("Stop"), bridge_, [this] { if (isLive(state_)) bridge_->stop(); }), "stop",
        QKeySequence(Qt::SHIFT | Qt::Key_F5), tr("Stop training and save the checkpoint"));
  run->addSeparator();
  sweep_action_ = named(run->addAction(tr("&Fidelity–diversity…"), this, &MainWindow::showSweep), "sweep", {},
                        tr("FID, KID, IS and MS-SSIM of the model held at each value of its truncation"));
  sweep_action_->setEnabled(false);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  named(help->addAction(tr("GAN Explorer &Help"), this, [this] { showHelp(); }), "help", QKeySequence::HelpContents,
        tr("The user guide: every section of the README"));
  named(help->addAction(tr("&Keyboard shortcuts"), this,
                        [this] {
                          QDialog d(this);
                          d.setWindowTitle(tr("Keyboard shortcuts"));
                          auto* table = new QTableWidget(0, 2, &d);
                          table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
                          for (const QString& line : shortcutList()) {
                            const int r = table->rowCount();
                            table->insertRow(r);
                            table->setItem(r, 0, new QTableWidgetItem(line.section('\t', 0, 0)));
                            table->setItem(r, 1, new QTableWidgetItem(line.section('\t', 1)));
                          }
                          table->horizontalHeader()->setStretchLastSection(true);
                          table->verticalHeader()->hide();
                          table->setEditTriggers(QAbstractItemView::NoEditTriggers);
                          table->resizeColumnsToContents();
                          auto* box = new QDialogButtonBox(QDialogButtonBox::Close, &d);
                          connect(box, &QDialogButtonBox::rejected, &d, &QDialog::reject);
                          auto* l = new QVBoxLayout(&d);
                          l->addWidget(table);
                          l->addWidget(box);
                          d.resize(460, 420);
                          d.exec();
                        }),
        "shortcuts", {}, tr("Every keyboard shortcut"));
  help->addSeparator();
  named(help->addAction(tr("&About GAN Explorer"), this,
                        [this] {
                          QMessageBox box(this);
                          box.setWindowTitle(tr("About GAN Explorer"));
                          box.setIconPixmap(windowIcon().pixmap(96, 96));
                          box.setTextFormat(Qt::RichText);
                          box.setText(aboutText());
                          box.exec();
                        }),
        "about", {}, tr("Version, libraries and each family's paper"));
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

bool MainWindow::exportAnimation(const QString& path, qint64 from_seed, qint64 to_seed, int frames, double fps,
                                 bool bounce) {
  if (!canExportAnimation()) {
    messages_->showMessage(have_run_ ? tr("%1 has no latent to interpolate in.").arg(run_.modelName)
                                     : tr("There is no model to export from: start a run or open a checkpoint."),
                           ui::MessageBar::Level::Warning);
    return false;
  }
  ui::RenderSpec spec;
  spec.panel = QStringLiteral("export");
  spec.samples = true;
  spec.n = frames;
  spec.seed = from_seed;
  spec.values = grid_->values();
  spec.values["to_seed"] = QString::number(to_seed);
  spec.animationPath = path;
  spec.fps = fps;
  spec.bounce = bounce;
  last_export_.clear();
  statusBar()->showMessage(tr("Writing %1…").arg(path));
  bridge_->requestRender(spec);
  return true;
}

ui::CompareWindow* MainWindow::compare(const QStringList& paths) {
  if (!compare_) compare_ = new ui::CompareWindow(this);
  for (const QString& p : paths) compare_->addCheckpoint(p);
  compare_->show();
  compare_->raise();
  return compare_;
}

bool MainWindow::canTranslate() const { return have_run_ && run_.caps.translates(); }

ui::TranslateDialog* MainWindow::showTranslateDialog(const QString& input, const QString& output) {
  auto* d = new ui::TranslateDialog(run_.caps.translate_options, run_.classNames, run_.attributes, input, output, this);
  d->setAttribute(Qt::WA_DeleteOnClose);
  d->show();
  return d;
}

void MainWindow::askTranslateFolder() {
  const QString in = ui::rememberedFolder("dirs/translate-in", QDir::homePath());
  ui::TranslateDialog d(run_.caps.translate_options, run_.classNames, run_.attributes, in,
                        ui::rememberedFolder("dirs/translate-out", in + "/translated"), this);
  if (d.exec() != QDialog::Accepted) return;
  const auto c = d.choice();
  translateFolder(c.input, c.output, c.options);
}

void MainWindow::updateExportActions() {
  if (animation_action_) animation_action_->setEnabled(canExportAnimation());
  if (sweep_action_) sweep_action_->setEnabled(canSweep());
  grid_->setSweepEnabled(canSweep());
  if (translate_action_) translate_action_->setEnabled(canTranslate() && !translate_progress_);
}

bool MainWindow::translateFolder(const QString& input, const QString& output, const QMap<QString, QString>& options) {
  if (!canTranslate()) {
    messages_->showMessage(have_run_ ? tr("%1 does not translate images.").arg(run_.modelName)
                                     : tr("There is no model to translate with: start a run or open a checkpoint."),
                           ui::MessageBar::Level::Warning);
    return false;
  }
  QString why;
  last_translation_.clear();
  if (!bridge_->translateFiles({input}, output, options, run_.resolution, run_.channels, &why)) {
    messages_->showMessage(tr("Translate: %1").arg(why), ui::MessageBar::Level::Error);
    return false;
  }
  ui::rememberFolderOf("dirs/translate-in", input + "/.");
  ui::rememberFolderOf("dirs/translate-out", output + "/.");
  translate_progress_ = new QProgressDialog(tr("Translating %1…").arg(input), tr("Cancel"), 0, 0, this);
  translate_progress_->setWindowTitle(tr("Translate a folder"));
  translate_progress_->setMinimumDuration(0);
  translate_progress_->setAutoClose(false);
  translate_progress_->setAutoReset(false);
  connect(translate_progress_, &QProgressDialog::canceled, bridge_, &ui::EngineBridge::cancelTranslation);
  translate_progress_->show();
  updateExportActions();
  return true;
}

bool MainWindow::canExportAnimation() const {
  return have_run_ && run_.caps.find_sample_option("to_seed") != nullptr;  // a latent to walk in
}

QAction* MainWindow::action(const QString& name) const { return findChild<QAction*>(name); }

QStringList MainWindow::shortcutList() const {
  QStringList out;
  for (QMenu* menu : menuBar()->findChildren<QMenu*>())
    for (QAction* a : menu->actions())
      if (!a->shortcut().isEmpty())
        out << a->text().remove('&') + "\t" + a->shortcut().toString(QKeySequence::NativeText);
  out << tr("Click on an explore panel's image\tpick a point (SAGAN's attention query)");
  out << tr("Right-click on an image\tSave image…, Copy image");
  out.removeDuplicates();
  return out;
}

QString MainWindow::aboutText() const {
  QString families;
  for (const auto& f : registry_.families())
    families += QStringLiteral("<li><b>%1</b>: %2</li>")
                    .arg(QString::fromStdString(f.name).toHtmlEscaped(), QString::fromStdString(f.paper).toHtmlEscaped());
  return tr("<h3>GAN Explorer %1</h3><p>Train, load and explore generative adversarial networks.</p>"
            "<p>Qt %2, LibTorch %3. Free software under the GNU GPL, version 3 or later.</p>"
            "<p>The families and the papers they follow:</p><ul>%4</ul>")
      .arg(QStringLiteral(GAN_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(TORCH_VERSION), families);
}

void MainWindow::showHelp(const QString& section) {
  if (!help_) help_ = new ui::HelpWindow(this);
  help_->show();
  help_->raise();
  if (!section.isEmpty()) help_->showSection(section);
}

void MainWindow::startOrPause() {
  switch (state_) {
    case UiState::Running: bridge_->pause(); break;
    case UiState::Paused: bridge_->resume(); break;
    case UiState::Loading: break;
    default: onStart(); break;
  }
}

QStringList MainWindow::recentFiles() const {
  QStringList out;
  for (const QString& f : ui::appSettings()->value("recent").toStringList())
    if (QFileInfo::exists(f)) out << f;
  return out;
}

void MainWindow::addRecent(const QString& path) {
  const QString abs = QFileInfo(path).absoluteFilePath();
  QStringList list = ui::appSettings()->value("recent").toStringList();
  list.removeAll(abs);
  list.prepend(abs);
  while (list.size() > kRecentFiles) list.removeLast();
  ui::appSettings()->setValue("recent", list);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  const QStringList files = recentFiles();
  for (int i = 0; i < files.size(); ++i) {
    const QFileInfo fi(files[i]);
    QAction* a = recent_menu_->addAction(QStringLiteral("&%1 %2 — %3").arg(i + 1).arg(fi.fileName(), fi.absolutePath()),
                                         this, [this, f = files[i]] { openCheckpoint(f); });
    a->setEnabled(!isLive(state_));
  }
  if (files.isEmpty()) recent_menu_->addAction(tr("No recent checkpoints"))->setEnabled(false);
  recent_menu_->addSeparator();
  recent_menu_->addAction(tr("Clear the list"), this, [this] {
    ui::appSettings()->remove("recent");
    rebuildRecentMenu();
  })->setEnabled(!files.isEmpty());
}

void MainWindow::restoreSettings() {
  auto s = ui::appSettings();
  if (s->contains("window/geometry")) restoreGeometry(s->value("window/geometry").toByteArray());
  if (s->contains("window/state")) restoreState(s->value("window/state").toByteArray());
  if (s->contains("metrics/enabled"))
    metric_settings_->setValues(s->value("metrics/enabled").toBool(), s->value("metrics/every").toInt(),
                                s->value("metrics/samples").toInt(), s->value("metrics/inception").toString(),
                                s->value("metrics/swd").toInt());
  if (s->contains("training/sample_every")) controls_->setSampleEvery(s->value("training/sample_every").toInt());
  // The sample grid's and the explore panels' controls (truncation, path, seeds, ...), by control id:
  // those the family shown has take their remembered values.
  const auto restore = [&](ui::ControlPanel* panel, const QString& group) {
    s->beginGroup(group);
    for (const QString& id : s->childKeys()) panel->setValue(id, s->value(id).toString());
    s->endGroup();
  };
  restore(grid_->options(), "grid");
  restore(grid_->truncation(), "grid");
  for (auto* p : panels_) restore(p->controls(), "panels/" + p->viewId());
  shareTruncation(grid_->truncation());  // the box wins over what a panel remembered
}

void MainWindow::storeSettings() const {
  auto s = ui::appSettings();
  s->setValue("window/geometry", saveGeometry());
  s->setValue("window/state", saveState());
  s->setValue("metrics/enabled", metric_settings_->enabled());
  s->setValue("metrics/every", metric_settings_->every());
  s->setValue("metrics/samples", metric_settings_->samples());
  s->setValue("metrics/inception", metric_settings_->inceptionPath());
  s->setValue("metrics/swd", metric_settings_->swdImages());
  s->setValue("training/sample_every", controls_->sampleEvery());
  const auto store = [&](const QMap<QString, QString>& values, const QString& group) {
    s->remove(group);  // an optional control switched off has no value: nothing of it is remembered
    for (auto it = values.cbegin(); it != values.cend(); ++it) s->setValue(group + "/" + it.key(), it.value());
  };
  store(grid_->values(), "grid");
  for (auto* p : panels_) store(p->controls()->values(), "panels/" + p->viewId());
}

bool MainWindow::confirm(const QString& title, const QString& question, const QString& yes) {
  // `question` names the run's step (%1) and folder (%2).
  QMessageBox box(QMessageBox::Question, title, question.arg(run_.step).arg(run_.outDir), QMessageBox::Cancel, this);
  QPushButton* go = box.addButton(yes, QMessageBox::AcceptRole);
  box.setDefaultButton(go);
  box.exec();
  return box.clickedButton() == go;
}

bool MainWindow::newRun() {
  if (isLive(state_)) {
    if (!confirm(tr("New run"),
                 tr("A run is training (step %1). A new run stops it and saves its checkpoint in %2; you can "
                    "continue it later with File › Open checkpoint."),
                 tr("Stop, save and begin a new run")))
      return false;
    new_run_pending_ = true;
    bridge_->stop();
    return true;
  }
  forgetRun();
  return true;
}

void MainWindow::forgetRun() {
  continue_from_.clear();
  continue_dir_.clear();
  opening_.clear();
  new_run_pending_ = false;
  have_run_ = false;
  run_ = ui::RunSummary();
  bridge_->clearPanels();
  const gan::FamilyInfo* f = registry_.find(model_picker_->currentId().toStdString());
  loss_plot_->clear();
  metric_plot_->clear();
  if (f) {
    loss_plot_->setSeries(f->caps.series);
    schedule_plot_->setSeries(f->caps.series);
  }
  grid_->setMessage(tr("Press Start to train, or File > Open checkpoint to explore a saved model."));
  for (auto* p : panels_) p->setMessage(tr("No model yet"));
  run_label_->setText(tr("New run: press Start"));
  controls_->setProgress(0, controls_->totalSteps(), 0);
  updateStartMode();
  if (save_action_) save_action_->setEnabled(false);
  updateExportActions();
}

void MainWindow::updateStartMode() {
  if (continue_from_.isEmpty()) {
    controls_->setStartMode(false, tr("Start a new run with the settings above (Space)"));
  } else if (continue_dir_.isEmpty()) {
    controls_->setStartMode(true, tr("Continue %1 in a new run folder under %2 (Space); File › New run starts afresh")
                                      .arg(continue_from_, runsRoot()));
  } else {
    controls_->setStartMode(true, tr("Continue the run in %1 from its checkpoint (Space); File › New run starts "
                                     "afresh")
                                      .arg(continue_dir_));
  }
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
    if (st.extra_domains) picker->setOptional();  // none unless given
    if (kept.contains(name)) picker->setSpec(kept[name].first, kept[name].second);
    else picker->setSpec(QString::fromStdString(st.default_data), QStringLiteral("train"));
    if (caps.streams.size() > 1) data_layout_->addWidget(new QLabel(QString::fromStdString(st.label)));
    data_layout_->addWidget(picker);
    data_pickers_.append(picker);
    data_streams_.append(name);
  }
  // The sample grid's options, and one panel per view.
  grid_->setOptions(caps.sample_options, caps.truncation);
  panel_tabs_->clear();
  qDeleteAll(panels_);
  panels_.clear();
  for (const auto& view : caps.views) {
    auto* panel = new ui::ExplorePanel(view);
    panel->setMessage(tr("No model yet"));
    panel_tabs_->addTab(panel, panel->title());
    panels_.append(panel);
    connect(panel, &ui::ExplorePanel::requestChanged, this, [this, panel] {
      shareTruncation(panel->controls());
      requestPanel(panel);
    });
  }
  panel_tabs_->setVisible(!panels_.isEmpty());
  shareTruncation(grid_->truncation());  // the panels start where the box is
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
  form_->setSpecs(f->params);
  composeFor(f->caps, id);
  // Another family than the run held: Start begins a new run (the held one stays on disk).
  if (!isLive(state_) && !run_.model.isEmpty() && id != run_.model) forgetRun();
}

void MainWindow::openGenerator(const QString& path, qint64 latentDim, int classes) {
  if (!bridge_->openGenerator(path, latentDim, classes))
    messages_->showMessage(tr("Stop the current run before opening a generator."), ui::MessageBar::Level::Warning);
}

bool MainWindow::canSweep() const { return have_run_ && run_.caps.truncation && run_.caps.noise_metrics; }

// The reference the sweep measures against: the first data picker's (the run's data), else Fashion-MNIST.
static QPair<QString, QString> sweepReference(const QVector<ui::DatasetPicker*>& pickers) {
  if (!pickers.isEmpty() && !pickers.front()->spec().isEmpty()) return {pickers.front()->spec(), pickers.front()->split()};
  return {QStringLiteral("fashion-mnist"), QStringLiteral("train")};
}

void MainWindow::describeSweep() {
  const auto& t = run_.caps.truncation;
  const gan::ControlSpec* option = run_.caps.find_sample_option(t.option);
  QStringList defaults;
  for (const auto& v : t.sweep) defaults << QString::fromStdString(v);
  const QString what = !run_.generatorFile.isEmpty() ? tr("%1 (%2)").arg(run_.modelName, QFileInfo(run_.generatorFile).fileName())
                       : isLive(state_)              ? tr("%1, the run training now").arg(run_.modelName)
                                                     : tr("%1 at step %2").arg(run_.modelName).arg(run_.step);
  const auto [data, split] = sweepReference(data_pickers_);
  const QString inception = metric_settings_->inceptionPath();
  const QString reference = tr("%1 (%2), with %3")
                                .arg(data, split,
                                     inception.isEmpty() ? tr("the dataset classifier's features")
                                                         : tr("Inception from %1").arg(QFileInfo(inception).fileName()));
  sweep_->setSubject(what, option ? QString::fromStdString(option->label) : QString::fromStdString(t.option), defaults,
                     reference);
}

ui::SweepWindow* MainWindow::showSweep() {
  if (!sweep_) {
    sweep_ = new ui::SweepWindow(this);
    sweep_->setSamples(metric_settings_->samples());
    connect(sweep_, &ui::SweepWindow::computeRequested, this, &MainWindow::startSweep);
    connect(sweep_, &ui::SweepWindow::cancelRequested, bridge_, &ui::EngineBridge::cancelSweep);
    connect(bridge_, &ui::EngineBridge::sweepStarted, sweep_, &ui::SweepWindow::started);
    connect(bridge_, &ui::EngineBridge::sweepProgress, sweep_, &ui::SweepWindow::progress);
    connect(bridge_, &ui::EngineBridge::sweepPoint, sweep_, &ui::SweepWindow::addPoint);
    connect(bridge_, &ui::EngineBridge::sweepDone, sweep_, &ui::SweepWindow::finished);
  }
  if (!canSweep()) {
    sweep_->failedToStart(!have_run_ ? tr("There is nothing to measure: start a run or open a model.")
                          : !run_.caps.noise_metrics
                              ? tr("%1 translates images: there are no samples from noise to measure.").arg(run_.modelName)
                              : tr("%1 has no truncation to sweep.").arg(run_.modelName));
  } else {
    describeSweep();
  }
  sweep_->show();
  sweep_->raise();
  return sweep_;
}

bool MainWindow::startSweep(const QString& values, qint64 n) {
  showSweep();  // describes what is measured, or says why nothing can be
  if (!canSweep()) return false;
  ui::SweepSpec spec;
  spec.values = values;
  spec.n = n;
  const auto [data, split] = sweepReference(data_pickers_);
  spec.data = data;
  spec.split = split;
  spec.inception = metric_settings_->inceptionPath();
  if (!run_.generatorFile.isEmpty()) {
    spec.generator = run_.generatorFile;
    spec.latentDim = run_.latentDim;
    spec.classes = int(run_.classNames.size());
  } else if (!continue_from_.isEmpty()) {
    spec.checkpoint = continue_from_;  // used when no run is live: the checkpoint held
  }
  QString why;
  if (!bridge_->startSweep(spec, &why)) {
    sweep_->failedToStart(why);
    return false;
  }
  sweep_->progress(tr("Starting…"));
  return true;
}

void MainWindow::shareTruncation(ui::ControlPanel* from) {
  const QStringList ids = grid_->truncationIds();
  if (sharing_ || ids.isEmpty()) return;
  sharing_ = true;
  const QMap<QString, QString> v = from->values();
  QVector<ui::ControlPanel*> to{grid_->truncation()};
  for (auto* p : panels_) to << p->controls();
  for (auto* panel : to) {
    if (panel == from) continue;
    for (const QString& id : ids)
      if (from->control(id) && panel->control(id)) panel->setValue(id, v.value(id, QStringLiteral("off")));
  }
  sharing_ = false;
}

void MainWindow::openCheckpoint(const QString& path) {
  if (!bridge_->openCheckpoint(path)) {
    messages_->showMessage(tr("Stop the current run before opening a checkpoint."), ui::MessageBar::Level::Warning);
    return;
  }
  opening_ = QFileInfo(path).absoluteFilePath();
  ui::rememberFolderOf("dirs/checkpoints", path);
}

bool MainWindow::saveCheckpoint(const QString& path) {
  if (state_ == UiState::Running || state_ == UiState::Paused) {
    bridge_->save(path);
    ui::rememberFolderOf("dirs/checkpoints", path);
    addRecent(path);
    return true;
  }
  if (continue_from_.isEmpty() || !QFileInfo::exists(continue_from_)) {
    messages_->showMessage(tr("There is no run to save: start one, or open a checkpoint."),
                           ui::MessageBar::Level::Warning);
    return false;
  }
  const QString to = QFileInfo(path).absoluteFilePath();
  if (to == QFileInfo(continue_from_).absoluteFilePath()) return true;  // already there
  // Copied beside the target, then put in place: a failed copy leaves what was there.
  const QString part = to + ".part";
  QFile::remove(part);
  if (!QFile::copy(continue_from_, part) || (QFile::exists(to) && !QFile::remove(to)) || !QFile::rename(part, to)) {
    QFile::remove(part);
    messages_->showMessage(tr("Could not save %1 (is the folder writable, and is there space?)").arg(to),
                           ui::MessageBar::Level::Error);
    return false;
  }
  statusBar()->showMessage(tr("Saved %1 (the run's checkpoint at step %2)").arg(to).arg(run_.step), 8000);
  ui::rememberFolderOf("dirs/checkpoints", to);
  addRecent(to);
  return true;
}

void MainWindow::onStart() {
  const QStringList problems = form_->problems();
  ui::StartSpec spec;
  spec.model = model_picker_->currentId();
  spec.params = form_->values();
  for (int i = 0; i < data_pickers_.size(); ++i) {
    if (data_pickers_[i]->kind() == ui::DatasetPicker::Kind::None) continue;  // an optional stream left out
    spec.dataSources[data_streams_[i]] = data_pickers_[i]->spec();
    spec.dataSplits[data_streams_[i]] = data_pickers_[i]->split();  // each stream its own
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
  // One message per problem: the engine checks the values (the same check as the command line's); the
  // form's own (which marks fields while they are typed) would say the same again.
  QStringList all = bridge_->validate(spec);
  if (all.isEmpty()) all = problems;  // what the engine cannot see: text that is not a number at all
  for (int i = 0; i < data_pickers_.size(); ++i)
    if (data_pickers_[i]->source().isEmpty() && data_pickers_[i]->kind() != ui::DatasetPicker::Kind::None)
      all << tr("Choose the data for %1").arg(data_streams_[i]);
  if (metric_settings_->enabled()) all += metric_settings_->problems();
  all.removeDuplicates();
  if (!all.isEmpty()) {
    messages_->showMessage(tr("Not started:\n• %1").arg(all.join("\n• ")), ui::MessageBar::Level::Error);
    return;
  }
  // A held run is continued: a stopped run in its own folder; an opened checkpoint in a new folder, so
  // that nothing is written beside someone's file. File > New run lets it go.
  spec.resumeFrom = continue_from_;
  spec.outDir = continue_dir_.isEmpty() ? newRunDir(spec.model) : continue_dir_;
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
  const bool live = isLive(state);
  form_->setEditable(!live);
  model_picker_->setEnabled(!live);
  for (auto* p : data_pickers_) p->setEnabled(!live);
  metric_settings_->setEditable(!live);
  if (!live && new_run_pending_) forgetRun();  // New run was asked while training: the run has stopped
  if (!live && opening_.size() && state == UiState::Failed) opening_.clear();  // the open failed: keep what was held
  save_action_->setEnabled(state == UiState::Running || state == UiState::Paused || !continue_from_.isEmpty());
  open_action_->setEnabled(!live);
  open_generator_action_->setEnabled(!live);
  new_action_->setEnabled(state != UiState::Loading);
  updateExportActions();
  updateStartMode();
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
  if (!run.generatorFile.isEmpty()) {  // a generator trained elsewhere: explored only; Start begins a new run
    continue_from_.clear();
    continue_dir_.clear();
  } else if (run.trainable) {  // trained here: Start continues it in its own folder
    saved_step_ = QFileInfo::exists(run.outDir + "/checkpoint.pt") ? run.step : -1;
    continue_from_ = run.outDir + "/checkpoint.pt";
    continue_dir_ = run.outDir;
  } else {  // opened for exploring: Start continues it in a new folder
    continue_from_ = opening_.isEmpty() ? run.outDir + "/checkpoint.pt" : opening_;
    continue_dir_.clear();
    addRecent(continue_from_);
  }
  opening_.clear();
  updateStartMode();
  updateExportActions();
  if (run.generatorFile.isEmpty())
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
  const bool file = !run.generatorFile.isEmpty();  // the form, the settings and the data stay the user's
  if (!file) {
    form_->setValues(run.params);
    metric_settings_->setValues(run.metricsOn, run.metricsOn ? run.metricsEvery : metric_settings_->every(),
                                run.metricsSamples, run.inceptionPath, run.metricsSwd);
  }
  if (!run.trainable && !file) {
    for (int i = 0; i < data_pickers_.size(); ++i)
      if (run.dataSources.contains(data_streams_[i]) || data_pickers_[i]->isOptional())
        data_pickers_[i]->setSpec(run.dataSources.value(data_streams_[i]),
                                  run.dataSplits.value(data_streams_[i], "train"));  // none: None
    controls_->setTotalSteps(std::max<qint64>(run.totalSteps, run.step + 1000));
    if (run.sampleEvery > 0) controls_->setSampleEvery(run.sampleEvery);
  }
  controls_->setProgress(run.step, file ? controls_->totalSteps() : run.totalSteps, 0);
  grid_->options()->setClasses(run.classNames, run.attributes);
  for (auto* p : panels_) p->controls()->setClasses(run.classNames, run.attributes);
  run_label_->setText(tr("%1 · %2 parameters · %3").arg(run.modelName).arg(run.parameters).arg(run.outDir));
  if (sweep_) describeSweep();
  grid_->setMessage({});
  for (auto* p : panels_) p->setMessage({});
  requestGrid();
  for (auto* p : panels_) requestPanel(p);
}

void MainWindow::onStats(const ui::StatsPoint& s) {
  run_.step = s.step;
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
  if (r.panel == ui::EngineBridge::kTranslatePanel) {
    last_translation_ = r.error.isEmpty() && !r.outputs.isEmpty() ? r.outputs.front().text : r.error;
    if (translate_progress_) translate_progress_->deleteLater();
    translate_progress_ = nullptr;
    updateExportActions();
    if (r.error == QLatin1String("cancelled"))
      messages_->showMessage(tr("Translation cancelled: the images written so far stay."), ui::MessageBar::Level::Info);
    else if (r.error.isEmpty()) statusBar()->showMessage(last_translation_, 10000);
    else messages_->showMessage(tr("Translate: %1").arg(r.error), ui::MessageBar::Level::Error);
    return;
  }
  if (r.panel == QLatin1String("export")) {
    last_export_ = r.error.isEmpty() && !r.outputs.isEmpty() ? r.outputs.front().text : r.error;
    if (r.error.isEmpty()) statusBar()->showMessage(last_export_, 10000);
    else messages_->showMessage(tr("Export: %1").arg(r.error), ui::MessageBar::Level::Error);
    return;
  }
  if (auto* p = explorePanel(r.panel)) p->setResult(r);
}

void MainWindow::requestPanel(ui::ExplorePanel* panel) {
  if (!have_run_) return;
  panel->setRequestedStamp(bridge_->requestRender(panel->request()));
}

void MainWindow::requestGrid() {
  if (!have_run_) return;
  bridge_->requestRender(grid_->request());
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
  const auto t = event->type();
  if ((watched == centralWidget() && t == QEvent::Resize) ||
      (watched == messages_ && (t == QEvent::Show || t == QEvent::LayoutRequest)))
    placeMessages();
  return QMainWindow::eventFilter(watched, event);
}

void MainWindow::placeMessages() {
  QWidget* c = centralWidget();
  if (!c || !messages_) return;
  const int w = std::max(200, c->width() - 24);
  const int h = messages_->layout()->hasHeightForWidth() ? messages_->layout()->totalHeightForWidth(w)
                                                         : messages_->sizeHint().height();
  messages_->setGeometry(12, 8, w, std::min(h, c->height() / 2));
  messages_->raise();
}

void MainWindow::closeWithoutAsking() {
  close_without_asking_ = true;
  close();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // The bridge's destructor stops the run, which saves its checkpoint, and joins the threads. When the
  // last save failed (a full disk), that save will likely fail too: ask before the run is lost.
  const bool live = state_ == UiState::Running || state_ == UiState::Paused;
  if (live && !run_unsaved_ && !close_without_asking_) {
    QMessageBox box(QMessageBox::Question, tr("Quit while training?"),
                    tr("The run is at step %1. Save and quit stops it and saves its checkpoint in %2; File › Open "
                       "checkpoint continues it later.\n\nQuit without saving keeps only %3.")
                        .arg(run_.step)
                        .arg(run_.outDir)
                        .arg(saved_step_ >= 0 ? tr("the checkpoint already on disk, from step %1").arg(saved_step_)
                                              : tr("what is on disk: no checkpoint of this run has been saved yet")),
                    QMessageBox::Cancel, this);
    QPushButton* save = box.addButton(tr("Save and quit"), QMessageBox::AcceptRole);
    QPushButton* drop = box.addButton(tr("Quit without saving"), QMessageBox::DestructiveRole);
    box.setDefaultButton(save);
    box.exec();
    if (box.clickedButton() != save && box.clickedButton() != drop) {
      event->ignore();
      return;
    }
    if (box.clickedButton() == drop) {
      bridge_->discard();  // the bridge's destructor then ends the run without its last save
      storeSettings();
      event->accept();
      return;
    }
  }
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
  storeSettings();
  event->accept();
}
