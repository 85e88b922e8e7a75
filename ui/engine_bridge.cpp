// LibTorch comes before Qt here: Qt's `slots` and `signals` macros break LibTorch's headers.
#include "engine/explorer.h"
#include "engine/session.h"
#include "engine/sweep_job.h"
#include "engine/translate_files.h"
// clang-format off
#include "ui/engine_bridge.h"

#include <algorithm>
#include <future>
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
  s.msSsim = p.ms_ssim;
  s.msSsimReal = p.ms_ssim_real;
  if (p.swd.n > 0) {
    s.swdMean = p.swd.mean;
    s.swdSides = QVector<int>(p.swd.sides.begin(), p.swd.sides.end());
    s.swdLevels = QVector<double>(p.swd.per_level.begin(), p.swd.per_level.end());
    s.swdImages = p.swd.n;
  }
  s.drawn = QString::fromStdString(p.drawn);
  s.realPath = QString::fromStdString(p.real_path);
  return s;
}

MessageLevel to_level(gan::Severity s) {
  switch (s) {
    case gan::Severity::Info: return MessageLevel::Info;
    case gan::Severity::Warning: return MessageLevel::Warning;
    case gan::Severity::Error: return MessageLevel::Error;
  }
  return MessageLevel::Info;
}

gan::Image8 to_image8(const QImage& in) {
  const QImage img = in.allGray() ? in.convertToFormat(QImage::Format_Grayscale8) : in.convertToFormat(QImage::Format_RGB888);
  gan::Image8 out;
  out.width = img.width();
  out.height = img.height();
  out.channels = img.format() == QImage::Format_Grayscale8 ? 1 : 3;
  const int row = out.width * out.channels;
  out.pixels.resize(size_t(row) * size_t(out.height));
  for (int y = 0; y < out.height; ++y) std::memcpy(out.pixels.data() + size_t(y) * row, img.constScanLine(y), size_t(row));
  return out;
}

StatsPoint to_point(long long step, const gan::Scalars& scalars) {
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
  // A folder translation in flight stops at its next batch, so that closing does not wait for all of it.
  ~Impl() override {
    if (translate_cancel) translate_cancel->store(true);
  }

  template <typename F>
  void post(F&& f) {
    QMetaObject::invokeMethod(q, std::forward<F>(f), Qt::QueuedConnection);
  }

  void on_state(gan::SessionState s, const std::string& status) override {
    const UiState st = to_ui(s);
    const QString msg = QString::fromStdString(status);
    post([q = q, st, msg] { emit q->stateChanged(st, msg); });
  }
  void on_message(const gan::Message& m) override {
    const MessageLevel level = to_level(m.severity);
    const QString text = QString::fromStdString(m.text);
    const bool save_failed = m.save_failed;
    post([q = q, level, text, save_failed] {
      emit q->message(level, text);
      if (save_failed) emit q->saveFailed(text);
    });
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
    r.resolution = info.resolution;
    r.channels = info.channels;
    r.caps = info.caps;
    for (const auto& st : info.streams)
      r.streams.append({QString::fromStdString(st.name), QString::fromStdString(st.label), QString::fromStdString(st.data)});
    const int classes = info.num_classes;
    for (int k = 0; k < classes; ++k)
      r.classNames << (k < int(info.class_names.size()) ? QString::fromStdString(info.class_names[size_t(k)]) : QString());
    r.attributes = info.attributes;
    r.trainable = info.trainable;
    r.generatorFile = QString::fromStdString(info.generator_file);
    r.latentDim = info.latent_dim;
    for (const auto& h : info.history) r.history.append(to_point(h.step, h.scalars));
    r.params = info.config.params;
    for (const auto& [name, spec] : info.config.data) {
      QString text = QString::fromStdString(spec.source);
      for (size_t i = 0; i < spec.classes.size(); ++i) text += (i ? "," : ":") + QString::fromStdString(spec.classes[i]);
      r.dataSources[QString::fromStdString(name)] = text;
      r.dataSplits[QString::fromStdString(name)] = QString::fromStdString(spec.split);
    }
    r.sampleEvery = static_cast<int>(std::min<long long>(info.config.sample_every, 100000));
    for (const auto& m : info.metrics) r.metrics.append(to_sample(m));
    r.metricsOn = info.config.metrics.every > 0;
    r.metricsEvery = static_cast<int>(std::min<long long>(info.config.metrics.every, 1000000));
    r.metricsSamples = static_cast<int>(info.config.metrics.samples);
    r.metricsSwd = static_cast<int>(info.config.metrics.swd_samples);
    r.inceptionPath = QString::fromStdString(info.config.metrics.inception);
    post([q = q, r] { emit q->runReady(r); });
  }
  void on_stats(const gan::StepStats& s) override {
    StatsPoint p = to_point(s.step, s.scalars);
    p.stepMs = s.step_ms;
    p.stepsPerSec = s.steps_per_sec;
    post([q = q, p] { emit q->statsArrived(p); });
  }
  void on_progress(const std::string& what, long long done, long long total) override {
    const QString text = QString::fromStdString(what);
    post([q = q, text, done, total] { emit q->loadProgress(text, done, total); });
  }
  void on_saved(const std::string& path, long long step) override {
    const QString p = QString::fromStdString(path);
    post([q = q, p, step] { emit q->saved(p, step); });
  }
  void on_metric(const gan::MetricPoint& p) override {
    MetricSample s = to_sample(p);
    post([q = q, s] { emit q->metricArrived(s); });
  }
  void on_metric_status(gan::Severity severity, const std::string& message) override {
    const QString m = QString::fromStdString(message);
    const MessageLevel level = to_level(severity);
    post([q = q, m, level] { emit q->metricStatus(level, m); });
  }
  void onRendered(const gan::RenderResult& r) {
    RenderedResult out = toRendered(r);
    post([q = q, out] { emit q->rendered(out); });
  }

  EngineBridge* q;
  std::shared_ptr<std::atomic<bool>> translate_cancel;  // the folder translation in flight
  gan::Explorer explorer;        // declared before the session, which uses it: destroyed after it
  gan::TrainingSession session;
  std::unique_ptr<gan::SweepJob> sweep;  // after the session, which its generator may come from: ended first
};

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<ui::StatsPoint>();
  qRegisterMetaType<ui::RunSummary>();
  qRegisterMetaType<ui::RenderedResult>();
  qRegisterMetaType<ui::MessageLevel>();
  qRegisterMetaType<ui::UiState>();
  qRegisterMetaType<ui::MetricSample>();
  impl_ = std::make_unique<Impl>(this);
}

EngineBridge::~EngineBridge() = default;

static gan::TrainConfig to_config(const StartSpec& s) {
  gan::TrainConfig c;
  c.model = s.model.toStdString();
  c.params = s.params;
  for (auto it = s.dataSources.cbegin(); it != s.dataSources.cend(); ++it)
    c.data[it.key().toStdString()] =
        gan::parse_dataset(it.value().toStdString(), s.dataSplits.value(it.key(), "train").toStdString());
  c.steps = s.steps;
  c.sample_every = s.sampleEvery;
  c.log_every = s.logEvery;
  c.checkpoint_every = s.checkpointEvery;
  c.out_dir = s.outDir.toStdString();
  c.metrics.every = s.metricsEvery;
  c.metrics.samples = s.metricsSamples;
  c.metrics.swd_samples = s.metricsSwd;
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
  if (!req.resume_from.empty()) {  // what the window has no field for stays as the checkpoint has it
    req.config.log_every = 0;
    req.config.checkpoint_every = 0;
  }
  req.override_metrics = true;  // the settings panel is the truth, for a continued run too
  req.keep_unsaved_run = true;   // a full disk pauses the run instead of ending it
  if (spec.processes > 1) {  // the session starts the others, picks the port and the timeout, and checks
    gan::DistributedEnv env;
    env.world = spec.processes;
    env.master_port = 0;
    env.timeout = std::chrono::seconds(0);
    req.distributed = env;
    req.spawn_local_workers = true;
  }
  return impl_->session.start(req);
}

bool EngineBridge::openCheckpoint(const QString& path) { return impl_->session.open_checkpoint(path.toStdString()); }

bool EngineBridge::openGenerator(const QString& path, qint64 latentDim, int classes) {
  return impl_->session.open_generator({path.toStdString(), latentDim, classes});
}

bool EngineBridge::sweeping() const { return impl_->sweep && !impl_->sweep->finished(); }

void EngineBridge::cancelSweep() {
  if (impl_->sweep) impl_->sweep->cancel();
}

bool EngineBridge::startSweep(const SweepSpec& s, QString* why) {
  auto fail = [why](const QString& text) {
    if (why) *why = text;
    return false;
  };
  if (sweeping()) return fail(tr("A sweep is running: cancel it first."));
  const std::string checkpoint = s.checkpoint.toStdString();
  const gan::GeneratorFile generator{s.generator.toStdString(), s.latentDim, s.classes};
  gan::TrainingSession* session = &impl_->session;
  const bool have_file = !checkpoint.empty() || !generator.path.empty();
  if (!have_file && !session->busy()) return fail(tr("There is nothing to measure: start a run or open a model."));
  gan::SweepJobSpec spec;
  spec.values = s.values.toStdString();
  spec.n = s.n;
  try {
    spec.reference = gan::parse_dataset(s.data.toStdString(), s.split.toStdString());
  } catch (const std::exception& e) {
    return fail(tr("The reference data: %1").arg(QString::fromStdString(e.what())));
  }
  spec.inception = s.inception.toStdString();
  // The run's generator copied between its steps while it is live; else the file read on the job's thread.
  spec.open = [session, checkpoint, generator]() -> gan::Frozen {
    auto promise = std::make_shared<std::promise<gan::Frozen>>();
    auto future = promise->get_future();
    if (session->request_frozen([promise](gan::Frozen f) { promise->set_value(std::move(f)); })) return future.get();
    if (!checkpoint.empty()) return gan::open_checkpoint_source(checkpoint, gan::Registry::builtin()).freeze();
    if (!generator.path.empty()) return gan::open_generator_source(generator).freeze();
    throw std::runtime_error(session->busy() ? "the run is still being prepared: measure it once it trains"
                                             : "the run ended and nothing is saved to measure");
  };
  Impl* impl = impl_.get();
  gan::SweepJobCallbacks cb;
  cb.started = [impl](const gan::Sweep& sw) {
    QStringList values;
    for (const auto& v : sw.values) values << QString::fromStdString(v);
    const QString label = QString::fromStdString(sw.label);
    impl->post([q = impl->q, label, values] { emit q->sweepStarted(label, values); });
  };
  cb.progress = [impl](const std::string& m) {
    impl->post([q = impl->q, text = QString::fromStdString(m)] { emit q->sweepProgress(text); });
  };
  cb.point = [impl](const gan::SweepPoint& p) {
    impl->post([q = impl->q, value = QString::fromStdString(p.value), sample = to_sample(p.point)] {
      emit q->sweepPoint(value, sample);
    });
  };
  cb.done = [impl](const std::string& error, const std::string& json) {
    impl->post([q = impl->q, e = QString::fromStdString(error), j = QString::fromStdString(json)] {
      emit q->sweepDone(e, j);
    });
  };
  impl_->sweep.reset();  // the last one, finished: joined
  impl_->sweep = std::make_unique<gan::SweepJob>(std::move(spec), std::move(cb));
  return true;
}
void EngineBridge::pause() { impl_->session.pause(); }
void EngineBridge::resume() { impl_->session.resume(); }
void EngineBridge::step() { impl_->session.step(1); }
void EngineBridge::stop() { impl_->session.stop(); }
void EngineBridge::discard() { impl_->session.discard(); }
void EngineBridge::save(const QString& path) { impl_->session.save(path.toStdString()); }
bool EngineBridge::busy() const { return impl_->session.busy(); }

RenderedResult toRendered(const gan::RenderResult& r) {
  RenderedResult out;
  out.panel = QString::fromStdString(r.panel);
  out.stamp = r.stamp;
  for (const auto& o : r.outputs) {
    RenderedOutput ro;
    ro.id = QString::fromStdString(o.id);
    ro.isText = o.kind == gan::OutputKind::Text;
    ro.text = QString::fromStdString(o.text);
    if (o.kind == gan::OutputKind::Image) ro.image = to_qimage(o.image);
    out.outputs.append(ro);
  }
  for (const auto& [k, v] : r.scalars) out.scalars.append({QString::fromStdString(k), v});
  out.renderMs = r.render_ms;
  out.generatorStep = r.generator_step;
  out.error = QString::fromStdString(r.error);
  return out;
}

gan::RenderRequest toRequest(const RenderSpec& s) {
  gan::RenderRequest r;
  r.panel = s.panel.toStdString();
  r.kind = s.samples ? gan::RenderRequest::Kind::Samples : gan::RenderRequest::Kind::Explore;
  if (!s.animationPath.isEmpty()) {
    r.kind = gan::RenderRequest::Kind::Animation;
    r.animation_path = s.animationPath.toStdString();
    r.animation.fps = s.fps;
    r.animation.bounce = s.bounce;
  }
  r.n = s.n;
  r.seed = s.seed;
  r.explore.view = s.view.toStdString();
  for (auto it = s.values.cbegin(); it != s.values.cend(); ++it)
    r.explore.values.set(it.key().toStdString(), it.value().toStdString());
  for (auto it = s.images.cbegin(); it != s.images.cend(); ++it) {
    std::vector<gan::Image8> images;
    for (const QImage& img : it.value()) images.push_back(to_image8(img));
    r.explore.values.set_images(it.key().toStdString(), std::move(images));
  }
  return r;
}

quint64 EngineBridge::requestRender(const RenderSpec& s) { return impl_->explorer.request(toRequest(s)); }

bool EngineBridge::translateFiles(const QStringList& inputs, const QString& outDir,
                                  const QMap<QString, QString>& options, int resolution, int channels, QString* why) {
  gan::RenderRequest r;
  r.panel = kTranslatePanel.toStdString();
  r.kind = gan::RenderRequest::Kind::Translate;
  try {
    std::vector<std::string> in;
    for (const QString& s : inputs) in.push_back(s.toStdString());
    r.files = gan::image_files_of(in);
  } catch (const std::exception& e) {
    if (why) *why = QString::fromStdString(e.what());
    return false;
  }
  r.out_dir = outDir.toStdString();
  for (auto it = options.begin(); it != options.end(); ++it) r.explore.values.set(it.key().toStdString(), it.value().toStdString());
  r.resolution = resolution;
  r.channels = channels;
  impl_->translate_cancel = std::make_shared<std::atomic<bool>>(false);
  r.cancel = impl_->translate_cancel;
  Impl* impl = impl_.get();
  r.progress = [impl](long long done, long long total) {
    impl->post([q = impl->q, done, total] { emit q->translateProgress(done, total); });
  };
  impl_->explorer.request(r);
  return true;
}

void EngineBridge::cancelTranslation() {
  if (impl_->translate_cancel) impl_->translate_cancel->store(true);
}

void EngineBridge::clearPanels() { impl_->explorer.clear_panels(); }

QPair<QString, QString> splitDataSpec(const QString& spec) {
  const gan::DatasetSpec d = gan::parse_dataset(spec.toStdString());
  QStringList classes;
  for (const auto& c : d.classes) classes << QString::fromStdString(c);
  return {QString::fromStdString(d.source), classes.join(',')};
}

QVector<BuiltinData> builtinData() {
  QVector<BuiltinData> out;
  for (const auto& b : gan::builtin_datasets()) {
    BuiltinData d{QString::fromStdString(b.name), QString::fromStdString(b.title), {}};
    for (const auto& c : b.class_names) d.classes << QString::fromStdString(c);
    out.append(d);
  }
  return out;
}

}  // namespace ui
