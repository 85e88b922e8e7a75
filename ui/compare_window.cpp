// LibTorch comes before Qt here: Qt's `slots` and `signals` macros break LibTorch's headers.
#include "engine/explorer.h"
#include "engine/session.h"
#include "engine/trainer.h"
// clang-format off
#include "ui/compare_window.h"
// clang-format on

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <atomic>
#include <thread>

#include "ui/app_settings.h"
#include "ui/control_panel.h"
#include "ui/image_view.h"

namespace ui {

// ---- CheckpointViewer --------------------------------------------------------------------------------

struct CheckpointViewer::Impl {
  explicit Impl(CheckpointViewer* q)
      : q(q), explorer([q](const gan::RenderResult& r) {
          const RenderedResult out = toRendered(r);
          QMetaObject::invokeMethod(q, [q, out] { emit q->rendered(out); }, Qt::QueuedConnection);
        }) {}
  CheckpointViewer* q;
  gan::Explorer explorer;
  std::thread reader;
};

CheckpointViewer::CheckpointViewer(QObject* parent) : QObject(parent), impl_(std::make_unique<Impl>(this)) {}

CheckpointViewer::~CheckpointViewer() {
  if (impl_->reader.joinable()) impl_->reader.join();
}

void CheckpointViewer::open(const QString& path) {
  if (impl_->reader.joinable()) impl_->reader.join();
  impl_->reader = std::thread([this, path] {
    try {
      gan::Checkpoint ck = gan::read_checkpoint(path.toStdString(), gan::Registry::builtin());
      Info info;
      info.path = QFileInfo(path).absoluteFilePath();
      info.model = QString::fromStdString(ck.config.model);
      info.modelName = QString::fromStdString(ck.family->info().name);
      info.step = ck.step;
      info.caps = ck.family->info().caps;
      for (const auto& n : gan::describe_run(*ck.family, ck.config, ck.step).class_names)
        info.classNames << QString::fromStdString(n);
      if (ck.config.params.has("latent_dim")) info.latentDim = static_cast<long long>(ck.config.params.number("latent_dim"));
      impl_->explorer.set_snapshot(ck.family->snapshot(), ck.step);
      QMetaObject::invokeMethod(this, [this, info] { emit opened(info); }, Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString why = QString::fromStdString(e.what()).section('\n', 0, 0);
      QMetaObject::invokeMethod(this, [this, why] { emit failed(why); }, Qt::QueuedConnection);
    }
  });
}

quint64 CheckpointViewer::requestRender(const RenderSpec& spec) { return impl_->explorer.request(toRequest(spec)); }

// ---- CompareWindow ------------------------------------------------------------------------------------

struct CompareWindow::Column {
  CheckpointViewer* viewer = nullptr;
  QWidget* box = nullptr;
  QLabel* title = nullptr;
  QLabel* message = nullptr;
  ImageView* grid = nullptr;
  ImageView* view = nullptr;
  bool ready = false;  // opened and comparable: driven by the controls
  enum class State { Reading, Opened, Done } state = State::Reading;  // Done: decided, or failed
  CheckpointViewer::Info info;
  quint64 grid_shown = 0, view_shown = 0;
};

CompareWindow::CompareWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
  setWindowTitle(tr("Compare checkpoints"));
  auto* add = new QPushButton(tr("Add checkpoint…"));
  add->setToolTip(tr("Add a checkpoint of any family whose latent has the same size as the others'"));
  connect(add, &QPushButton::clicked, this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Add checkpoints"), rememberedFolder(QStringLiteral("dirs/checkpoints"), QDir::homePath()),
        tr("Checkpoints (*.pt);;All files (*)"), nullptr, QFileDialog::DontUseNativeDialog);
    for (const QString& p : paths) addCheckpoint(p);
    if (!paths.isEmpty()) rememberFolderOf(QStringLiteral("dirs/checkpoints"), paths.first());
  });
  seed_ = new QSpinBox;
  seed_->setRange(0, 2147483647);
  seed_->setValue(20161119);
  seed_->setToolTip(tr("The seed of the sample grids' latents: every column draws the same ones"));
  connect(seed_, qOverload<int>(&QSpinBox::valueChanged), this, [this] { requestAll(); });
  controls_ = new ControlPanel;
  connect(controls_, &ControlPanel::changed, this, [this] { requestAll(); });
  hint_ = new QLabel(tr("Add two or more checkpoints: their grids are drawn on the same seed, and the controls "
                        "on the left drive every explorer image at once."));
  hint_->setWordWrap(true);

  auto* side = new QWidget;
  auto* sv = new QVBoxLayout(side);
  sv->addWidget(add);
  auto* seed_row = new QHBoxLayout;
  seed_row->addWidget(new QLabel(tr("Grid seed")));
  seed_row->addWidget(seed_, 1);
  sv->addLayout(seed_row);
  sv->addWidget(controls_);
  sv->addWidget(hint_);
  sv->addStretch(1);
  side->setFixedWidth(300);

  auto* strip = new QWidget;
  row_ = new QHBoxLayout(strip);
  row_->addStretch(1);
  auto* scroll = new QScrollArea;
  scroll->setWidget(strip);
  scroll->setWidgetResizable(true);

  auto* layout = new QHBoxLayout(this);
  layout->addWidget(side);
  layout->addWidget(scroll, 1);
  resize(1200, 720);
}

CompareWindow::~CompareWindow() { qDeleteAll(columns_); }

void CompareWindow::addCheckpoint(const QString& path) {
  auto* c = new Column;
  c->viewer = new CheckpointViewer(this);
  c->box = new QWidget;
  auto* v = new QVBoxLayout(c->box);
  c->title = new QLabel(QFileInfo(path).fileName());
  c->title->setWordWrap(true);
  c->title->setToolTip(path);
  c->message = new QLabel(tr("Reading %1…").arg(path));
  c->message->setWordWrap(true);
  c->grid = new ImageView;
  c->view = new ImageView;
  c->grid->setMinimumSize(220, 220);
  c->view->setMinimumSize(220, 220);
  v->addWidget(c->title);
  v->addWidget(c->grid, 3);
  v->addWidget(c->view, 2);
  v->addWidget(c->message);
  c->box->setMinimumWidth(240);
  row_->insertWidget(row_->count() - 1, c->box);
  columns_.append(c);
  // Checkpoints are read in parallel, but decided in the order they were added: the first one that opens
  // among them sets what the others are compared on, whichever finishes reading first.
  connect(c->viewer, &CheckpointViewer::opened, this, [this, c](const CheckpointViewer::Info& info) {
    c->info = info;
    c->state = Column::State::Opened;
    resolve();
  });
  connect(c->viewer, &CheckpointViewer::failed, this, [this, c](const QString& why) {
    c->message->setText(why);
    c->state = Column::State::Done;
    resolve();
  });
  connect(c->viewer, &CheckpointViewer::rendered, this, [c](const RenderedResult& r) {
    if (!r.error.isEmpty()) {
      c->message->setText(r.error);
      return;
    }
    const bool grid = r.panel == QLatin1String("grid");
    quint64& shown = grid ? c->grid_shown : c->view_shown;
    if (r.stamp < shown) return;
    shown = r.stamp;
    for (const auto& o : r.outputs)
      if (!o.isText && !o.image.isNull()) (grid ? c->grid : c->view)->setImage(o.image);
  });
  c->viewer->open(path);
}

void CompareWindow::resolve() {
  for (Column* c : columns_) {
    if (c->state == Column::State::Reading) {
      if (view_id_.isEmpty()) return;  // an earlier column may still set the reference
      continue;
    }
    if (c->state == Column::State::Opened) {
      c->state = Column::State::Done;
      onOpened(c, c->info);
    }
  }
}

void CompareWindow::onOpened(Column* c, const CheckpointViewer::Info& info) {
  const QFileInfo file(info.path);
  c->title->setText(tr("%1 · step %2\n%3/%4").arg(info.modelName).arg(info.step).arg(file.dir().dirName(), file.fileName()));
  c->title->setToolTip(info.path);
  // The shared view: the first column's first view with an image output; the others must have it, and
  // latents of the same size, or the same seed would not mean the same latent.
  const gan::ViewSpec* shared = nullptr;
  if (view_id_.isEmpty()) {
    for (const auto& v : info.caps.views)
      for (const auto& o : v.outputs)
        if (!shared && o.kind == gan::OutputKind::Image && info.latentDim > 0) shared = &v;
    if (!shared) {
      c->message->setText(tr("%1 draws from no latent: there is nothing to compare it on.").arg(info.modelName));
      return;
    }
    view_id_ = QString::fromStdString(shared->id);
    latent_dim_ = info.latentDim;
    controls_->setControls(shared->controls);
    controls_->setClasses(info.classNames);
  } else {
    for (const auto& v : info.caps.views)
      if (QString::fromStdString(v.id) == view_id_) shared = &v;
    if (!shared || info.latentDim != latent_dim_) {
      c->message->setText(info.latentDim != latent_dim_
                              ? tr("Its latent has %1 dimensions, the others' %2: the same seed would not be the "
                                   "same latent, so it is not compared.")
                                    .arg(info.latentDim)
                                    .arg(latent_dim_)
                              : tr("%1 has no %2 view to compare.").arg(info.modelName, view_id_));
      return;
    }
  }
  c->ready = true;
  c->message->setText(tr("latent of %1 dimensions").arg(info.latentDim));
  request(c);
}

void CompareWindow::requestAll() {
  for (Column* c : columns_)
    if (c->ready) request(c);
}

void CompareWindow::request(Column* c) {
  RenderSpec grid;
  grid.panel = QStringLiteral("grid");
  grid.samples = true;
  grid.n = 16;
  grid.seed = seed_->value();
  c->viewer->requestRender(grid);
  RenderSpec view;
  view.panel = view_id_;
  view.view = view_id_;
  view.values = controls_->values();
  c->viewer->requestRender(view);
}

QString CompareWindow::columnTitle(int i) const { return columns_.value(i) ? columns_[i]->title->text() : QString(); }
QString CompareWindow::columnMessage(int i) const { return columns_.value(i) ? columns_[i]->message->text() : QString(); }
QImage CompareWindow::gridImage(int i) const { return columns_.value(i) ? columns_[i]->grid->image() : QImage(); }
QImage CompareWindow::viewImage(int i) const { return columns_.value(i) ? columns_[i]->view->image() : QImage(); }

}  // namespace ui
