// LibTorch comes before Qt here: Qt's `slots` and `signals` macros break LibTorch's headers.
#include "engine/explorer.h"
#include "engine/session.h"
// clang-format off
#include "ui/engine_bridge.h"
// clang-format on

#include <QMetaObject>
#include <cstring>

namespace ui {
namespace {

UiState to_ui(gan::SessionState s) {
  switch (s) {
    case gan::SessionState::Idle: return UiState::Idle;
    case gan::SessionState::Loading: return UiState::Loading;
    case gan::SessionState::Running: return UiState::Running;
    case gan::SessionState::Paused: return UiState::Paused;
    case gan::SessionState::Finished: return UiState::Finished;
    case gan::SessionState::Failed: return UiState::Failed;
  }
  return UiState::Idle;
}

QImage to_qimage(const gan::Image8& img) {
  if (img.empty()) return {};
  const auto fmt = img.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8;
  // The engine's buffer is tightly packed; QImage rows are 4-byte aligned, so copy row by row.
  QImage out(img.width, img.height, fmt);
  const int row = img.width * img.channels;
  for (int y = 0; y < img.height; ++y) std::memcpy(out.scanLine(y), img.pixels.data() + y * row, row);
  return out;
}

MetricSample to_sample(const gan::MetricPoint& p) {
  MetricSample s;
  s.step = p.step;
  s.fid = p.fid;
  s.kidMean = p.kid_mean;
  s.kidStd = p.kid_std;
  s.isMean = p.is_mean;
  s.isStd = p.is_std;
  s.extractor = QString::fromStdString(p.extractor);
  s.reference = QString::fromStdString(p.reference);
  s.resize = QString::fromStdString(p.resize);
  s.nReal = p.n_real;
  s.nFake = p.n_fake;
  for (const auto& w : p.warnings) s.warnings << QString::fromStdString(w);
  s.seconds = p.seconds;
  return s;
}

StatsPoint to_point(long long step, const gan::StepScalars& scalars) {
  StatsPoint p;
  p.step = step;
  for (const auto& [k, v] : scalars) p.scalars.append({QString::fromStdString(k), v});
  return p;
}

}  // namespace

// Receives the engine's callbacks on its threads and posts them to the bridge's (GUI) thread.
struct EngineBridge::Impl : gan::SessionListener {
  explicit Impl(EngineBridge* q)
      : q(q),
        explorer([this](const gan::RenderResult& r) { onRendered(r); }),
        session(gan::Registry::builtin(), *this, &explorer) {}

  template <typename F>
  void post(F&& f) {
    QMetaObject::invokeMethod(q, std::forward<F>(f), Qt::QueuedConnection);
  }

  void on_state(gan::SessionState s, const std::string& message) override {
    const UiState st = to_ui(s);
    const QString msg = QString::fromStdString(message);
    post([q = q, st, msg] { emit q->stateChanged(st, msg); });
  }
  void on_run(const gan::RunInfo& info) override {
    RunSummary r;
    r.model = QString::fromStdString(info.model);
    r.modelName = QString::fromStdString(info.model_name);
    r.dataset = QString::fromStdString(info.dataset);
    r.outDir = QString::fromStdString(info.out_dir);
    r.step = info.step;
    r.totalSteps = info.total_steps;
    r.parameters = info.parameters;
    r.latentDim = info.latent_dim;
    r.numClasses = info.num_classes;
    r.conditional = info.conditional;
    for (const auto& n : info.class_names) r.classNames << QString::fromStdString(n);
    r.truncation = info.truncation != gan::TruncationKind::None;
    r.trainable = info.trainable;
    for (const auto& s : info.series) r.series << QString::fromStdString(s);
    for (const auto& h : info.history) r.history.append(to_point(h.step, h.scalars));
    r.params = info.config.params;
    r.dataSource = QString::fromStdString(info.config.data.source);
    r.dataSplit = QString::fromStdString(info.config.data.split);
    r.sampleEvery = info.config.sample_every;
    for (const auto& m : info.metrics) r.metrics.append(to_sample(m));
    r.metricsOn = info.config.metrics.every > 0;
    r.metricsEvery = info.config.metrics.every;
    r.metricsSamples = static_cast<int>(info.config.metrics.samples);
    r.inceptionPath = QString::fromStdString(info.config.metrics.inception);
    post([q = q, r] { emit q->runReady(r); });
  }
  void on_stats(const gan::StepStats& s) override {
    StatsPoint p = to_point(s.step, s.scalars);
    p.stepMs = s.step_ms;
    p.stepsPerSec = s.steps_per_sec;
    post([q = q, p] { emit q->statsArrived(p); });
  }
  void on_saved(const std::string& path, long long step) override {
    const QString p = QString::fromStdString(path);
    post([q = q, p, step] { emit q->saved(p, step); });
  }
  void on_metric(const gan::MetricPoint& p) override {
    MetricSample s = to_sample(p);
    post([q = q, s] { emit q->metricArrived(s); });
  }
  void on_metric_status(const std::string& message, bool error) override {
    const QString m = QString::fromStdString(message);
    post([q = q, m, error] { emit q->metricStatus(m, error); });
  }
  void onRendered(const gan::RenderResult& r) {
    RenderedImage img;
    img.grid = r.kind == gan::RenderKind::Grid;
    img.stamp = r.stamp;
    img.image = to_qimage(r.image);
    img.renderMs = r.render_ms;
    img.generatorStep = r.generator_step;
    img.error = QString::fromStdString(r.error);
    post([q = q, img] { emit q->rendered(img); });
  }

  EngineBridge* q;
  gan::Explorer explorer;        // declared before the session, which uses it: destroyed after it
  gan::TrainingSession session;
};

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ui::StatsPoint>();
  qRegisterMetaType<ui::RunSummary>();
  qRegisterMetaType<ui::RenderedImage>();
  qRegisterMetaType<ui::UiState>();
  qRegisterMetaType<ui::MetricSample>();
  impl_ = std::make_unique<Impl>(this);
}

EngineBridge::~EngineBridge() = default;

static gan::TrainConfig to_config(const StartSpec& s) {
  gan::TrainConfig c;
  c.model = s.model.toStdString();
  c.params = s.params;
  c.data.source = s.dataSource.toStdString();
  c.data.split = s.dataSplit.toStdString();
  c.steps = s.steps;
  c.sample_every = s.sampleEvery;
  c.log_every = s.logEvery;
  c.checkpoint_every = s.checkpointEvery;
  c.out_dir = s.outDir.toStdString();
  c.metrics.every = s.metricsEvery;
  c.metrics.samples = s.metricsSamples;
  c.metrics.inception = s.inceptionPath.toStdString();
  return c;
}

QStringList EngineBridge::validate(const StartSpec& spec) const {
  try {
    gan::validate(to_config(spec), gan::Registry::builtin());
  } catch (const std::exception& e) {
    QStringList lines = QString::fromStdString(e.what()).split('\n', Qt::SkipEmptyParts);
    if (lines.size() > 1) lines.removeFirst();  // "invalid settings for X:" heads the list
    for (auto& l : lines) l = l.trimmed().remove(0, l.trimmed().startsWith("- ") ? 2 : 0);
    return lines;
  }
  return {};
}

bool EngineBridge::start(const StartSpec& spec) {
  gan::StartRequest req;
  req.config = to_config(spec);
  req.resume_from = spec.resumeFrom.toStdString();
  req.override_metrics = true;  // the settings panel is the truth, for a continued run too
  return impl_->session.start(req);
}

bool EngineBridge::openCheckpoint(const QString& path) { return impl_->session.open_checkpoint(path.toStdString()); }
void EngineBridge::pause() { impl_->session.pause(); }
void EngineBridge::resume() { impl_->session.resume(); }
void EngineBridge::step() { impl_->session.step(1); }
void EngineBridge::stop() { impl_->session.stop(); }
void EngineBridge::save(const QString& path) { impl_->session.save(path.toStdString()); }
bool EngineBridge::busy() const { return impl_->session.busy(); }

quint64 EngineBridge::requestRender(const RenderSpec& s) {
  gan::RenderRequest r;
  r.kind = s.grid ? gan::RenderKind::Grid : gan::RenderKind::Explore;
  r.seed_a = s.seedA;
  r.seed_b = s.seedB;
  r.t = s.t;
  r.mode = s.slerp ? gan::InterpMode::Slerp : gan::InterpMode::Lerp;
  r.truncation = s.truncation;
  r.label = s.label;
  r.num_classes = s.numClasses;
  r.grid_count = s.gridCount;
  return impl_->explorer.request(r);
}

}  // namespace ui
