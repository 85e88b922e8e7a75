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

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "info";
}

static std::string first_line(const std::string& s) { return s.substr(0, s.find("\nException raised from")); }

RunInfo describe_run(const Family& family, const TrainConfig& c, long long step, const Trainer* trainer) {
  const FamilyInfo& fam = family.info();
  RunInfo info;
  info.model = fam.id;
  info.model_name = fam.name;
  info.caps = fam.caps;
  for (const auto& st : fam.caps.streams) {
    StreamInfo si{st.name, st.label, ""};
    if (trainer && trainer->streams().count(st.name)) si.data = trainer->streams().at(st.name)->description();
    else if (c.data.count(st.name)) si.data = label(c.data.at(st.name));
    info.streams.push_back(si);
  }
  if (trainer) info.dataset = trainer->data_description();
  info.out_dir = c.out_dir;
  info.step = step;
  info.total_steps = c.steps;
  info.parameters = family.parameter_count();
  info.num_classes = c.num_classes;
  info.class_names = c.class_names;
  info.config = c;
  info.trainable = trainer != nullptr;
  return info;
}

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
      say(Severity::Error, first_line(e.what()));
      set_state(SessionState::Failed, first_line(e.what()));
    } catch (...) {
      say(Severity::Error, "unknown error");
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
    RunInfo info = describe_run(*ck.family, ck.config, ck.step);
    info.history = ck.history;
    info.metrics = ck.metrics;
    if (explorer_) explorer_->set_snapshot(ck.family->snapshot(), ck.step);
    listener_.on_run(info);
    const std::string text = "opened " + path + " (" + info.model_name + ", step " + std::to_string(ck.step) +
                             "): explore it, or press Start to continue training";
    say(Severity::Info, text);
    set_state(SessionState::Idle, text);
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

void TrainingSession::set_state(SessionState s, const std::string& status) {
  state_ = s;
  listener_.on_state(s, status);
}

void TrainingSession::say(Severity severity, const std::string& text) { listener_.on_message({severity, text, false}); }

// The data a run's classifiers are measured on: the held-out split of a built-in dataset's training
// split; otherwise (no test split is known) the training data themselves, which the returned note says.
static std::string attach_accuracy_data(Trainer& t) {
  const DatasetSpec& spec = t.config().data.begin()->second;
  if (auto test = test_split(spec)) {
    t.set_accuracy_data(load_dataset(*test, t.data().resolution()));
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
    trainer = std::make_unique<Trainer>(registry_, config, load_streams(config, registry_));
  } else {
    Checkpoint ck = read_checkpoint(req.resume_from, registry_, req.config.model);
    for (const auto& [name, spec] : req.config.data)  // the streams given replace the checkpoint's
      if (!spec.source.empty()) ck.config.data[name] = spec;
    if (!req.config.out_dir.empty()) ck.config.out_dir = req.config.out_dir;
    if (req.config.log_every > 0) ck.config.log_every = req.config.log_every;
    if (req.config.sample_every > 0) ck.config.sample_every = req.config.sample_every;
    if (req.config.checkpoint_every > 0) ck.config.checkpoint_every = req.config.checkpoint_every;
    if (req.override_metrics) ck.config.metrics = req.config.metrics;
    if (req.override_accuracy) ck.config.accuracy = req.config.accuracy;
    ck.config = validate(ck.config, registry_);
    auto data = load_streams(ck.config, registry_);
    trainer = std::make_unique<Trainer>(std::move(ck), std::move(data), req.config.steps);
  }
  std::string accuracy_note;
  if (!trainer->family().info().caps.classifiers().empty() && trainer->config().accuracy.every > 0)
    accuracy_note = attach_accuracy_data(*trainer);
  const std::string out = trainer->config().out_dir;
  fs::create_directories(out);
  RunLog log;
  log.open(out + "/log.jsonl");
  log.start(trainer->config(), trainer->step_count(), trainer->data_description());
  RunInfo info = describe_run(trainer->family(), trainer->config(), trainer->step_count(), trainer.get());
  info.history = trainer->history();
  info.metrics = trainer->metrics();
  listener_.on_run(info);
  publish(*trainer);
  if (!accuracy_note.empty()) say(Severity::Info, accuracy_note);
  for (const auto& [name, d] : trainer->streams())
    if (d->skipped() > 0)
      say(Severity::Warning, std::to_string(d->skipped()) + " unreadable image file(s) were skipped" +
                                 (trainer->streams().size() > 1 ? " in " + name : ""));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = running_ || !req.paused;
  }
  std::unique_ptr<MetricWorker> metrics;
  const auto& mo = trainer->config().metrics;
  if (mo.every > 0 && !trainer->family().info().caps.noise_metrics) {
    say(Severity::Warning, "live FID / KID / IS are for families that generate from noise; " +
                               trainer->family().info().name + " is measured with gan-explorer metrics instead");
  } else if (mo.every > 0) {
    MetricWorkerSetup setup;
    setup.options = mo;
    setup.data = trainer->config().data.begin()->second;
    setup.reference = trainer->data_ptr();
    setup.reference_label = label(setup.data);
    metrics = std::make_unique<MetricWorker>(
        std::move(setup),
        [this](const MetricPoint& p) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            metric_inbox_.push_back(p);
          }
          listener_.on_metric(p);
        },
        [this](Severity severity, const std::string& m) { listener_.on_metric_status(severity, m); });
  }
  loop(*trainer, log, metrics.get());
}

void TrainingSession::evaluate_metrics(Trainer& t, MetricWorker& metrics) {
  if (metrics.failed()) return;
  try {
    auto fake = metric_samples(t.family(), t.config().metrics.samples);
    metrics.submit(t.step_count(), std::move(fake));
  } catch (const std::exception& e) {
    listener_.on_metric_status(Severity::Error, "could not generate images for the metrics: " + first_line(e.what()));
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

void TrainingSession::publish(Trainer& t, std::shared_ptr<Snapshot> g) {
  if (explorer_) explorer_->set_snapshot(g ? std::move(g) : t.family().snapshot(), t.step_count());
}

void TrainingSession::write_samples(Trainer& t, Snapshot& g) {
  try {
    SampleRequest r;  // the GUI's grid with its default options: the same latents every time
    char name[64];
    std::snprintf(name, sizeof name, "/samples/step_%07lld.png", t.step_count());
    write_png(t.config().out_dir + name, grid_image(g.sample(r)));
  } catch (const std::exception& e) {
    say(Severity::Warning, std::string("could not write the sample grid: ") + first_line(e.what()));
  }
}

void TrainingSession::save_run_checkpoint(Trainer& t, RunLog& log, const char* why) {
  const std::string path = t.config().out_dir + "/checkpoint.pt";
  if (poisoned_) {
    say(Severity::Warning, "not saved: a loss went NaN, so the checkpoint on disk is kept as it was");
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
        say(Severity::Error, "could not save " + path + ": " + first_line(e.what()));
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
      const std::string text = std::string(e.what()) +
                               ". Training paused; the checkpoint already on disk is kept. Lower the learning rate "
                               "and start again, or resume from that checkpoint.";
      listener_.on_message({Severity::Warning, text, /*diverged=*/true});
      set_state(SessionState::Paused, text);
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
      const std::string text =
          "finished at step " + std::to_string(t.step_count()) + "; saved to " + c.out_dir + "/checkpoint.pt";
      say(Severity::Info, text);
      set_state(SessionState::Finished, text);
      return;
    }
    if (s.step % c.checkpoint_every == 0) save_run_checkpoint(t, log, "periodic");
  }
  finish_metrics();
  save_run_checkpoint(t, log, "stopped");
  publish(t);
  log.event("stopped", t.step_count(), "");
  const std::string text = "stopped at step " + std::to_string(t.step_count()) +
                           (poisoned_ ? "" : "; saved to " + t.config().out_dir + "/checkpoint.pt");
  say(Severity::Info, text);
  set_state(SessionState::Finished, text);
}

}  // namespace gan
