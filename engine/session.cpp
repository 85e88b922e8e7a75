#include "engine/session.h"

#include <cstdio>
#include <filesystem>

#include "engine/threads.h"

namespace gan {
namespace fs = std::filesystem;

const char* to_string(SessionState s) {
  switch (s) {
    case SessionState::Idle: return "idle";
    case SessionState::Loading: return "loading";
    case SessionState::Running: return "running";
    case SessionState::Paused: return "paused";
    case SessionState::Finished: return "finished";
    case SessionState::Failed: return "failed";
  }
  return "idle";
}

static std::string first_line(const std::string& s) { return s.substr(0, s.find("\nException raised from")); }

TrainingSession::TrainingSession(Registry registry, SessionListener& listener, Explorer* explorer)
    : registry_(std::move(registry)), listener_(listener), explorer_(explorer) {}

TrainingSession::~TrainingSession() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abort_ = true;  // the loop saves the run and returns
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool TrainingSession::busy() const { return !thread_done_.load(); }

bool TrainingSession::launch(std::function<void()> job) {
  if (!thread_done_.load()) return false;
  if (thread_.joinable()) thread_.join();  // the last job has ended: this returns at once
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = stop_ = abort_ = poisoned_ = false;
    steps_pending_ = 0;
    save_requests_.clear();
  }
  thread_done_ = false;
  thread_ = std::thread([this, job = std::move(job)] {
    init_torch_thread();
    try {
      job();
    } catch (const std::exception& e) {  // nothing crosses the thread boundary as an exception
      set_state(SessionState::Failed, first_line(e.what()));
    } catch (...) {
      set_state(SessionState::Failed, "unknown error");
    }
    thread_done_ = true;
  });
  return true;
}

bool TrainingSession::start(StartRequest request) {
  return launch([this, request = std::move(request)]() mutable { run(std::move(request)); });
}

bool TrainingSession::open_checkpoint(const std::string& path) {
  return launch([this, path] {
    set_state(SessionState::Loading, "reading " + path);
    Checkpoint ck = read_checkpoint(path, registry_);
    const FamilyInfo& fam = registry_.at(ck.config.model);
    RunInfo info;
    info.model = ck.config.model;
    info.model_name = fam.name;
    info.out_dir = ck.config.out_dir;
    info.step = ck.step;
    info.total_steps = ck.config.steps;
    info.parameters = ck.family->parameter_count();
    info.latent_dim = ck.family->latent_dim();
    info.num_classes = ck.config.num_classes;
    info.conditional = fam.caps.conditional;
    info.class_names = ck.config.class_names;
    info.truncation = fam.caps.truncation;
    info.series = fam.caps.series;
    for (const auto& c : fam.caps.classifiers) info.series.push_back(c);
    info.history = ck.history;
    info.metrics = ck.metrics;
    info.config = ck.config;
    info.trainable = false;
    if (explorer_) explorer_->set_generator(ck.family->snapshot(), ck.step);
    listener_.on_run(info);
    set_state(SessionState::Idle, "opened " + path + " (" + fam.name + ", step " + std::to_string(ck.step) +
                                      "): explore it, or press Start to continue training");
  });
}

void TrainingSession::pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = false;
  steps_pending_ = 0;
}

void TrainingSession::resume() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = true;
  }
  wake_.notify_all();
}

void TrainingSession::step(int n) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
    steps_pending_ += n;
  }
  wake_.notify_all();
}

void TrainingSession::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

void TrainingSession::save(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    save_requests_.push_back(path);
  }
  wake_.notify_all();
}

void TrainingSession::wait() {
  if (thread_.joinable()) thread_.join();
}

void TrainingSession::set_state(SessionState s, const std::string& message) {
  state_ = s;
  listener_.on_state(s, message);
}

RunInfo TrainingSession::info_for(const Trainer& t) const {
  const FamilyInfo& fam = t.family().info();
  RunInfo info;
  info.model = fam.id;
  info.model_name = fam.name;
  info.dataset = t.data().description();
  info.out_dir = t.config().out_dir;
  info.step = t.step_count();
  info.total_steps = t.config().steps;
  info.parameters = t.family().parameter_count();
  info.latent_dim = t.family().latent_dim();
  info.num_classes = t.config().num_classes;
  info.class_names = t.data().class_names();
  info.conditional = fam.caps.conditional;
  info.truncation = fam.caps.truncation;
  info.series = fam.caps.series;
  for (const auto& c : fam.caps.classifiers) info.series.push_back(c);
  info.history = t.history();
  info.metrics = t.metrics();
  info.config = t.config();
  return info;
}

// The data a run's classifiers are measured on: Fashion-MNIST's test split for its training split;
// otherwise (no test split is known) the training data themselves, which the returned note says.
static std::string attach_accuracy_data(Trainer& t) {
  const DatasetSpec& spec = t.config().data;
  if (spec.source == "fashion-mnist" && spec.split == "train") {
    t.set_accuracy_data(load_dataset({spec.source, "test"}, t.data().resolution()));
    return "";
  }
  t.set_accuracy_data(t.data_ptr());
  return "accuracy is measured on a random sample of the training images (labelled ones included): this dataset "
         "has no test split";
}

void TrainingSession::run(StartRequest req) {
  set_state(SessionState::Loading, "loading data");
  std::unique_ptr<Trainer> trainer;
  if (req.resume_from.empty()) {
    TrainConfig config = validate(req.config, registry_);  // bad values fail before the data is read
    if (config.out_dir.empty()) throw std::invalid_argument("no output folder for the run");
    const int res = registry_.at(config.model).resolution(config.params);
    trainer = std::make_unique<Trainer>(registry_, config, load_dataset(config.data, res));
  } else {
    Checkpoint ck = read_checkpoint(req.resume_from, registry_, req.config.model);
    const DatasetSpec data = req.config.data.source.empty() ? ck.config.data : req.config.data;
    if (!req.config.out_dir.empty()) ck.config.out_dir = req.config.out_dir;
    if (req.config.log_every > 0) ck.config.log_every = req.config.log_every;
    if (req.config.sample_every > 0) ck.config.sample_every = req.config.sample_every;
    if (req.config.checkpoint_every > 0) ck.config.checkpoint_every = req.config.checkpoint_every;
    if (req.override_metrics) ck.config.metrics = req.config.metrics;
    if (req.override_accuracy) ck.config.accuracy = req.config.accuracy;
    ck.config.data = data;
    auto dataset = load_dataset(data, ck.family->resolution());
    trainer = std::make_unique<Trainer>(std::move(ck), dataset, req.config.steps);
  }
  std::string accuracy_note;
  if (!trainer->family().info().caps.classifiers.empty() && trainer->config().accuracy.every > 0)
    accuracy_note = attach_accuracy_data(*trainer);
  const std::string out = trainer->config().out_dir;
  fs::create_directories(out);
  RunLog log;
  log.open(out + "/log.jsonl");
  log.start(trainer->config(), trainer->step_count(), trainer->data().description());
  listener_.on_run(info_for(*trainer));
  publish(*trainer);
  if (!accuracy_note.empty()) listener_.on_state(SessionState::Loading, accuracy_note);
  if (trainer->data().skipped() > 0)
    listener_.on_state(SessionState::Loading, std::to_string(trainer->data().skipped()) +
                                                  " unreadable image file(s) were skipped");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = running_ || !req.paused;
  }
  std::unique_ptr<MetricWorker> metrics;
  const auto& mo = trainer->config().metrics;
  if (mo.every > 0) {
    MetricWorkerSetup setup;
    setup.options = mo;
    setup.data = trainer->config().data;
    setup.reference = trainer->data_ptr();
    setup.reference_label = reference_label(setup.data);
    metrics = std::make_unique<MetricWorker>(
        std::move(setup),
        [this](const MetricPoint& p) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            metric_inbox_.push_back(p);
          }
          listener_.on_metric(p);
        },
        [this](const std::string& m, bool error) { listener_.on_metric_status(m, error); });
  }
  loop(*trainer, log, metrics.get());
}

void TrainingSession::evaluate_metrics(Trainer& t, MetricWorker& metrics) {
  if (metrics.failed()) return;
  try {
    auto fake = generate_uint8(t.family(), t.config().metrics.samples, t.config().num_classes);
    metrics.submit(t.step_count(), std::move(fake));
  } catch (const std::exception& e) {
    listener_.on_metric_status("could not generate images for the metrics: " + first_line(e.what()), true);
  }
}

void TrainingSession::drain_metrics(Trainer& t, RunLog& log) {
  std::vector<MetricPoint> points;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    points.swap(metric_inbox_);
  }
  for (const auto& p : points) {
    t.add_metric(p);
    log.metric(p);
  }
}

void TrainingSession::publish(Trainer& t, std::shared_ptr<GeneratorSnapshot> g) {
  if (explorer_) explorer_->set_generator(g ? std::move(g) : t.family().snapshot(), t.step_count());
}

void TrainingSession::write_samples(Trainer& t, GeneratorSnapshot& g) {
  try {
    RenderRequest r;  // the GUI's grid: its fixed latents, one row per class for conditional models
    r.kind = RenderKind::Grid;
    if (t.family().info().caps.conditional) r.num_classes = t.config().num_classes;
    auto result = render_now(g, r);
    if (!result.error.empty()) throw std::runtime_error(result.error);
    char name[64];
    std::snprintf(name, sizeof name, "/samples/step_%07lld.png", t.step_count());
    write_png(t.config().out_dir + name, result.image);
  } catch (const std::exception& e) {
    listener_.on_state(state_.load(), std::string("could not write the sample grid: ") + first_line(e.what()));
  }
}

void TrainingSession::save_run_checkpoint(Trainer& t, RunLog& log, const char* why) {
  const std::string path = t.config().out_dir + "/checkpoint.pt";
  if (poisoned_) {
    listener_.on_state(state_.load(), "not saved: a loss went NaN, so the checkpoint on disk is kept as it was");
    return;
  }
  t.save_checkpoint(path);
  log.event("checkpoint", t.step_count(), why);
  listener_.on_saved(path, t.step_count());
}

void TrainingSession::loop(Trainer& t, RunLog& log, MetricWorker* metrics) {
  // Before the run's last save: the evaluation in flight belongs in the checkpoint.
  auto finish_metrics = [&] {
    if (!metrics) return;
    bool aborting;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborting = abort_;
    }
    if (!aborting) metrics->wait_idle();
    drain_metrics(t, log);
  };
  bool announced_pause = false;
  for (;;) {
    std::deque<std::string> saves;
    bool do_step = false, stopping = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!running_ && steps_pending_ == 0 && !stop_ && !abort_ && save_requests_.empty() && !announced_pause) {
        lock.unlock();
        publish(t);
        set_state(SessionState::Paused, "paused at step " + std::to_string(t.step_count()));
        announced_pause = true;
        lock.lock();
      }
      wake_.wait(lock, [this] { return abort_ || stop_ || running_ || steps_pending_ > 0 || !save_requests_.empty(); });
      saves.swap(save_requests_);
      stopping = stop_ || abort_;
      if (!stopping && (running_ || steps_pending_ > 0)) {
        do_step = true;
        if (!running_) --steps_pending_;
      }
    }
    for (const auto& path : saves) {
      try {
        if (poisoned_) throw std::runtime_error("the weights hold NaN after a diverged step");
        t.save_checkpoint(path);
        listener_.on_saved(path, t.step_count());
      } catch (const std::exception& e) {
        listener_.on_state(state_.load(), "could not save " + path + ": " + first_line(e.what()));
      }
    }
    if (metrics) drain_metrics(t, log);
    if (stopping) break;
    if (!do_step) continue;
    if (state_.load() != SessionState::Running) {
      set_state(SessionState::Running, "training");
      announced_pause = false;
    }
    StepStats s;
    try {
      s = t.step();
    } catch (const NonFiniteLoss& e) {
      poisoned_ = true;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_ = false;
        steps_pending_ = 0;
      }
      log.event("non-finite-loss", e.step, e.what());
      set_state(SessionState::Paused, std::string(e.what()) +
                                          ". Training paused; the checkpoint already on disk is kept. Lower the "
                                          "learning rate and start again, or resume from that checkpoint.");
      announced_pause = true;
      continue;
    }
    listener_.on_stats(s);
    const auto& c = t.config();
    if (s.step % c.log_every == 0 || s.step == 1 || s.measured) log.step(s);
    if (s.step % c.sample_every == 0) {
      auto g = t.family().snapshot();  // one copy of G for the explorer and the sample file
      write_samples(t, *g);
      publish(t, std::move(g));
    }
    if (metrics && s.step % c.metrics.every == 0) evaluate_metrics(t, *metrics);
    if (t.finished()) {
      finish_metrics();
      save_run_checkpoint(t, log, "finished");
      publish(t);
      log.event("finished", t.step_count(), "");
      set_state(SessionState::Finished, "finished at step " + std::to_string(t.step_count()) + "; saved to " +
                                            c.out_dir + "/checkpoint.pt");
      return;
    }
    if (s.step % c.checkpoint_every == 0) save_run_checkpoint(t, log, "periodic");
  }
  finish_metrics();
  save_run_checkpoint(t, log, "stopped");
  publish(t);
  log.event("stopped", t.step_count(), "");
  set_state(SessionState::Finished, "stopped at step " + std::to_string(t.step_count()) +
                                        (poisoned_ ? "" : "; saved to " + t.config().out_dir + "/checkpoint.pt"));
}

}  // namespace gan
