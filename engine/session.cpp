#include "engine/session.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/distributed.h"
#include "engine/files.h"
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

std::string progress_line(const Progress& p) {
  const int percent = static_cast<int>(std::clamp(p.fraction, 0.0, 1.0) * 100.0);
  std::string left = ", time left unknown";
  if (p.seconds_left >= 0) {
    const long long s = static_cast<long long>(p.seconds_left + 0.5);
    char buf[48];
    std::snprintf(buf, sizeof buf, ", about %lld:%02lld left", s / 60, s % 60);
    left = buf;
  }
  return p.what + ": " + std::to_string(percent) + "% done" + left;
}

std::optional<Progress> parse_progress(const std::string& line) {
  const auto done = line.rfind("% done, ");
  if (done == std::string::npos) return std::nullopt;
  const auto colon = line.rfind(": ", done);
  if (colon == std::string::npos) return std::nullopt;
  Progress p;
  p.what = line.substr(0, colon);
  try {
    p.fraction = std::stoi(line.substr(colon + 2, done - colon - 2)) / 100.0;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  long long m = 0, s = 0;
  if (std::sscanf(line.c_str() + done + 8, "about %lld:%lld left", &m, &s) == 2) p.seconds_left = double(m * 60 + s);
  else if (line.compare(done + 8, std::string::npos, "time left unknown") != 0) return std::nullopt;
  return p;
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
  info.resolution = family.resolution();
  info.channels = family.image_channels();
  info.num_classes = c.num_classes;
  info.class_names = c.class_names;
  info.attributes = c.attributes;
  info.config = c;
  info.trainable = trainer != nullptr;
  return info;
}

StartRequest StartRequest::continuing(const std::string& checkpoint) {
  StartRequest r;
  r.resume_from = checkpoint;
  r.config.model.clear();
  r.config.steps = 0;
  r.config.log_every = 0;
  r.config.sample_every = 0;
  r.config.checkpoint_every = 0;
  return r;
}

static std::string number_text(long long v) { return std::to_string(v); }

TrainConfig resumed_config(const TrainConfig& saved, long long at_step, const StartRequest& req,
                           const Registry& registry, std::vector<std::string>& changes) {
  const FamilyInfo& info = registry.at(saved.model);
  const TrainConfig& given = req.config;
  TrainConfig c = saved;
  std::vector<std::string> errors;
  auto change = [&](const std::string& what, const std::string& from, const std::string& to) {
    if (from != to) changes.push_back(what + " " + (from.empty() ? "(none)" : from) + " -> " + (to.empty() ? "(none)" : to));
  };
  if (!given.model.empty() && given.model != saved.model)
    errors.push_back("the checkpoint holds a " + saved.model + " model, not " + given.model);
  for (const auto& [name, spec] : given.data) {
    if (spec.source.empty()) continue;
    change("data " + name, c.data.count(name) ? label(c.data.at(name)) : "", label(spec));
    c.data[name] = spec;
  }
  if (!given.out_dir.empty()) {
    change("output folder", c.out_dir, given.out_dir);
    c.out_dir = given.out_dir;
  }
  if (given.steps < 0) errors.push_back("steps must be at least 1");
  if (given.steps > 0) {
    if (given.steps <= at_step)
      errors.push_back("the run is at step " + number_text(at_step) + ": the step total must be above it to train further (" +
                       number_text(given.steps) + " was given; it is the step at which the run ends, not a number of "
                       "steps more)");
    change("steps", number_text(c.steps), number_text(given.steps));
    c.steps = given.steps;
  } else if (given.steps == 0 && saved.steps <= at_step) {
    errors.push_back("the run already reached its " + number_text(saved.steps) +
                     " steps: give a larger step total to train further (for example " + number_text(2 * at_step) + ")");
  }
  auto interval = [&](const char* what, long long value, long long& field) {
    if (value < 0) errors.push_back(std::string(what) + " must be at least 1");
    if (value <= 0) return;
    change(what, number_text(field), number_text(value));
    field = value;
  };
  interval("log_every", given.log_every, c.log_every);
  interval("sample_every", given.sample_every, c.sample_every);
  interval("checkpoint_every", given.checkpoint_every, c.checkpoint_every);
  if (req.override_metrics) {
    change("metrics every", number_text(c.metrics.every), number_text(given.metrics.every));
    change("metrics samples", number_text(c.metrics.samples), number_text(given.metrics.samples));
    change("metrics swd", number_text(c.metrics.swd_samples), number_text(given.metrics.swd_samples));
    change("inception", c.metrics.inception, given.metrics.inception);
    c.metrics = given.metrics;
  }
  if (req.override_accuracy) {
    change("accuracy every", number_text(c.accuracy.every), number_text(given.accuracy.every));
    change("accuracy samples", number_text(c.accuracy.samples), number_text(given.accuracy.samples));
    c.accuracy = given.accuracy;
  }
  // Hyper-parameters: the same value (as a number where it is one) is no change; another is applied
  // when it is resumable and refused otherwise.
  for (const auto& [name, value] : given.params.values()) {
    const HyperParam* spec = nullptr;
    for (const auto& p : info.params)
      if (p.name == name) spec = &p;
    if (!spec) continue;  // validate() names it below
    const std::string before = c.params.has(name) ? c.params.text(name) : spec->default_value;
    double a = 0, b = 0;
    const bool same = before == value || (parse_number(before, a) && parse_number(value, b) && a == b);
    if (same) continue;
    if (!spec->resumable) {
      std::string may;
      for (const auto& p : info.params)
        if (p.resumable) may += (may.empty() ? "" : ", ") + p.name;
      errors.push_back(spec->label + " (" + name + ") cannot change when a run resumes: it is " + before +
                       " in the checkpoint (of its hyper-parameters, only " + (may.empty() ? "none" : may) +
                       " may change; start a new run to change the others)");
      continue;
    }
    change(name, before, value);
    c.params.set(name, value);
  }
  for (const auto& [name, value] : given.params.values())
    if (!c.params.has(name)) c.params.set(name, value);  // unknown names: validate() refuses them
  try {
    c = validate(c, registry);
  } catch (const std::invalid_argument& e) {
    std::string text = e.what();
    const auto nl = text.find('\n');
    if (nl == std::string::npos) errors.push_back(text);
    else
      for (size_t at = nl; at != std::string::npos;) {
        const auto next = text.find('\n', at + 1);
        std::string line = text.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1);
        if (line.rfind("  - ", 0) == 0) line = line.substr(4);
        errors.push_back(line);
        at = next;
      }
  }
  if (!errors.empty()) {
    std::string msg = "cannot resume this " + info.name + " run:";
    for (const auto& e : errors) msg += "\n  - " + e;
    throw std::invalid_argument(msg);
  }
  return c;
}

TrainingSession::TrainingSession(Registry registry, SessionListener& listener, Explorer* explorer)
    : registry_(std::move(registry)), listener_(listener), explorer_(explorer) {}

TrainingSession::~TrainingSession() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abort_ = true;  // the loop saves the run and returns
  }
  cancel_load_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool TrainingSession::busy() const { return !thread_done_.load(); }

bool TrainingSession::launch(std::function<void()> job) {
  if (!thread_done_.load()) return false;
  if (thread_.joinable()) thread_.join();  // the last job has ended: this returns at once
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = stop_ = urgent_ = abort_ = discard_ = poisoned_ = false;
    steps_pending_ = 0;
    save_requests_.clear();
  }
  thread_done_ = false;
  cancel_load_ = false;
  thread_ = std::thread([this, job = std::move(job)] {
    init_torch_thread();
    try {
      job();
    } catch (const Cancelled&) {
      say(Severity::Info, "stopped while the data were read: nothing was trained");
      set_state(SessionState::Idle, "reading the data was cancelled");
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

bool TrainingSession::open_generator(const GeneratorFile& g) {
  return launch([this, g] {
    set_state(SessionState::Loading, "reading " + g.path);
    const Source src = open_generator_source(g);
    RunInfo info;
    info.model = src.info.id;
    info.model_name = src.info.name;
    info.caps = src.info.caps;
    info.step = 0;
    info.parameters = src.parameters();
    info.resolution = src.resolution();
    info.channels = src.channels();
    info.num_classes = g.classes;
    info.class_names = src.class_names;
    info.trainable = false;
    info.generator_file = g.path;
    info.latent_dim = g.latent_dim;
    info.out_dir = g.path;
    if (explorer_) explorer_->set_snapshot(src.snapshot(), 0);
    listener_.on_run(info);
    const std::string text = "opened " + g.path + " (a TorchScript generator: " + std::to_string(info.resolution) + "x" +
                             std::to_string(info.resolution) + ", " + std::to_string(info.channels) +
                             (info.channels == 1 ? " channel" : " channels") +
                             (g.classes > 0 ? ", " + std::to_string(g.classes) + " classes" : std::string()) +
                             "): explore it";
    say(Severity::Info, text);
    set_state(SessionState::Idle, text);
  });
}

bool TrainingSession::request_frozen(std::function<void(Frozen)> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!live_) return false;
    frozen_requests_.push_back(std::move(fn));
  }
  wake_.notify_all();
  return true;
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

void TrainingSession::stop(bool urgent) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    urgent_ = urgent_ || urgent;
  }
  cancel_load_ = true;
  wake_.notify_all();
}

void TrainingSession::discard() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = discard_ = true;
  }
  cancel_load_ = true;
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

LoadOptions TrainingSession::load_options() {
  LoadOptions o;
  o.cancel = &cancel_load_;
  o.progress = [this](long long done, long long total) { listener_.on_progress("reading images", done, total); };
  return o;
}

// A collective's failure, with what is known of the local workers that ended ("process 1 was killed by
// signal 9").
static std::string with_failures(std::string why, LocalWorkers* workers) {
  if (workers)
    for (const auto& f : workers->failures()) why += "; " + f;
  return why;
}

void TrainingSession::run(StartRequest req) {
  set_state(SessionState::Loading, "loading data");
  std::unique_ptr<Trainer> trainer;
  std::vector<std::string> resume_changes;
  const bool distributed = req.distributed && req.distributed->world > 1;
  if (distributed && req.distributed->rank != 0) throw std::logic_error("a session is rank 0 of a distributed run");
  if (distributed && !distributed_available()) throw std::runtime_error(distributed_unavailable_reason());
  std::unique_ptr<LocalWorkers> workers;  // declared before the group: its processes end after it
  std::shared_ptr<ProcessGroup> group;
  // Several processes: the others are started (when asked), joined and told the run before any data
  // are read, so that they read theirs at the same time.
  auto gather = [&](const TrainConfig& config) {
    if (!distributed) return;
    DistributedEnv& env = *req.distributed;
    if (req.spawn_local_workers) {
      if (env.timeout.count() == 0) env.timeout = distributed_timeout();
      if (env.master_port == 0) env.master_port = free_local_port();
      env.local_world = env.world;
      workers = std::make_unique<LocalWorkers>(worker_executable(), env);
    }
    at::set_num_threads(training_threads_sharing(env.local_world));  // the processes share this machine's CPUs
    set_state(SessionState::Loading, "waiting for " + std::to_string(env.world - 1) + " more process(es) at " +
                                         env.master_addr + ":" + std::to_string(env.master_port));
    try {
      // Stop (or closing the window) gives up at once; so does a worker that could not start.
      group = ProcessGroup::join(env, [&] {
        if (cancel_load_) {
          if (workers) workers->kill_all();
          throw Cancelled();
        }
        if (workers)
          if (const auto failed = workers->failures(); !failed.empty()) {
            workers->kill_all();
            throw DistributedError("could not gather the run's processes: " + failed.front());
          }
      });
    } catch (const DistributedError& e) {
      throw DistributedError(with_failures(e.what(), workers.get()));
    }
    announce_run(*group, {to_json(config), req.resume_from});
  };
  if (req.resume_from.empty()) {
    TrainConfig config = validate(req.config, registry_);  // bad values fail before the data is read
    if (config.out_dir.empty()) throw std::invalid_argument("no output folder for the run");
    gather(config);
    trainer = std::make_unique<Trainer>(registry_, config, load_streams(config, registry_, load_options()));
  } else {
    Checkpoint ck = read_checkpoint(req.resume_from, registry_, req.config.model);
    const TrainConfig config = resumed_config(ck.config, ck.step, req, registry_, resume_changes);
    gather(config);
    trainer = continue_run(std::move(ck), config, registry_, load_options());
  }
  if (group) trainer->join(*group);
  std::string accuracy_note;
  if (!trainer->family().info().caps.classifiers().empty() && trainer->config().accuracy.every > 0)
    accuracy_note = attach_accuracy_data(*trainer);
  const std::string out = trainer->config().out_dir;
  fs::create_directories(out);
  const int stale = remove_stale_temporaries(out) + remove_stale_temporaries(out + "/samples");
  RunLog log;
  log.open(out + "/log.jsonl");
  log.start(trainer->config(), trainer->step_count(), trainer->data_description());
  for (const auto& c : resume_changes) log.event("resume-change", trainer->step_count(), c);
  {  // the checkpoint on disk is the resumed one only when the run goes on in the same file
    std::error_code ec;
    const bool same = !req.resume_from.empty() && fs::equivalent(req.resume_from, out + "/checkpoint.pt", ec);
    saved_step_ = same ? trainer->step_count() : -1;
  }
  RunInfo info = describe_run(trainer->family(), trainer->config(), trainer->step_count(), trainer.get());
  info.history = trainer->history();
  info.metrics = trainer->metrics();
  listener_.on_run(info);
  publish(*trainer);
  if (!accuracy_note.empty()) say(Severity::Info, accuracy_note);
  if (stale > 0)
    say(Severity::Info, "removed " + std::to_string(stale) + " temporary file(s) that a killed run left in " + out);
  if (!resume_changes.empty()) {
    std::string text = "resumed at step " + std::to_string(trainer->step_count()) + " with changes:";
    for (size_t i = 0; i < resume_changes.size(); ++i) text += (i ? "; " : " ") + resume_changes[i];
    say(Severity::Info, text);
  }
  for (const auto& [name, d] : trainer->streams()) {
    const std::string where = trainer->streams().size() > 1 ? " in " + name : "";
    if (d->skipped() > 0)
      say(Severity::Warning, std::to_string(d->skipped()) + " unreadable image file(s) were skipped" + where);
    for (const auto& w : d->warnings()) say(Severity::Warning, w + where);
    for (const auto& n : d->notes()) say(Severity::Info, n + where);
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = running_ || !req.paused;
  }
  std::unique_ptr<MetricWorker> metrics;
  const auto& mo = trainer->config().metrics;
  if (mo.every > 0 && !trainer->family().info().caps.noise_metrics) {
    const auto& caps = trainer->family().info().caps;
    if (caps.translates())
      say(Severity::Warning, "live FID / KID / IS are for families that generate from noise; " +
                                 trainer->family().info().name + " is measured with gan-explorer metrics instead");
    else if (caps.has_measures())
      say(Severity::Info, "FID / KID / IS measure images; " + trainer->family().info().name +
                              " is measured by its own series, every " + std::to_string(trainer->config().accuracy.every) +
                              " steps");
  } else if (mo.every > 0) {
    MetricWorkerSetup setup;
    setup.options = mo;
    setup.data = trainer->config().data.begin()->second;
    setup.reference = trainer->data_ptr();
    setup.reference_label = label(setup.data);
    setup.caps = trainer->family().info().caps;
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
  if (group) {
    const long long b = trainer->config().params.integer("batch");
    say(Severity::Info, "training on " + std::to_string(group->world()) + " processes: batch " + std::to_string(b) +
                            " each, " + std::to_string(b * group->world()) + " a step" +
                            (trainer->config().sync_batch_norm ? ", batch norm over all of them" : ""));
    log.event("distributed", trainer->step_count(),
              std::to_string(group->world()) + " processes at " + group->env().master_addr + ":" +
                  std::to_string(group->env().master_port));
  }
  loop(*trainer, log, metrics.get(), req.keep_unsaved_run, workers.get());
}

void TrainingSession::evaluate_metrics(Trainer& t, MetricWorker& metrics) {
  if (metrics.failed()) return;
  try {
    metrics.submit(t.step_count(), t.family().snapshot());  // the worker draws the samples on its own thread
  } catch (const std::exception& e) {
    listener_.on_metric_status(Severity::Error, "could not copy the generator for the metrics: " + first_line(e.what()));
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

bool TrainingSession::save_run_checkpoint(Trainer& t, RunLog& log, const char* why) {
  const std::string path = t.config().out_dir + "/checkpoint.pt";
  if (poisoned_) {
    say(Severity::Warning, "not saved: a loss went NaN, so the checkpoint on disk is kept as it was");
    return true;
  }
  try {
    t.save_checkpoint(path);
  } catch (const std::exception& e) {
    const std::string kept = saved_step_ >= 0 ? "the checkpoint on disk (step " + std::to_string(saved_step_) + ") is kept"
                                              : "no checkpoint of this run is on disk yet";
    log.event("checkpoint-failed", t.step_count(), first_line(e.what()));
    Message m{Severity::Error,
              "could not save the checkpoint at step " + std::to_string(t.step_count()) + ": " + first_line(e.what()) +
                  "; " + kept,
              false, true};
    listener_.on_message(m);
    return false;
  }
  saved_step_ = t.step_count();
  log.event("checkpoint", t.step_count(), why);
  listener_.on_saved(path, t.step_count());
  return true;
}

void TrainingSession::loop(Trainer& t, RunLog& log, MetricWorker* metrics, bool keep_unsaved, LocalWorkers* workers) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    live_ = true;
  }
  struct EndLive {  // however the loop ends, a frozen copy asked for and not made is answered empty
    TrainingSession* s;
    ~EndLive() {
      std::deque<std::function<void(Frozen)>> left;
      {
        std::lock_guard<std::mutex> lock(s->mutex_);
        s->live_ = false;
        left.swap(s->frozen_requests_);
      }
      for (auto& fn : left) fn(Frozen{});
    }
  } end_live{this};
  // A frozen copy of the family now, for each request (the fidelity-diversity sweep).
  auto serve_frozen = [&] {
    std::deque<std::function<void(Frozen)>> asked;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      asked.swap(frozen_requests_);
    }
    for (auto& fn : asked) {
      Frozen f;
      try {
        f = {t.family().snapshot(), t.family().info(), t.step_count(), t.family().resolution(),
             t.family().image_channels()};
      } catch (const std::exception& e) {
        say(Severity::Error, "could not copy the generator: " + first_line(e.what()));
      }
      fn(std::move(f));
    }
  };
  // Before the run's last save: the evaluation in flight belongs in the checkpoint.
  auto finish_metrics = [&] {
    if (!metrics) return;
    bool hurry;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      hurry = abort_ || urgent_ || discard_;
    }
    if (!hurry) metrics->wait_idle();
    drain_metrics(t, log);
  };
  auto hold = [&] {  // stop stepping until told again
    std::lock_guard<std::mutex> lock(mutex_);
    running_ = false;
    steps_pending_ = 0;
  };
  // Ends the run with its last save. When the save fails and the run may stay open (the GUI, not while
  // the session is being destroyed), it stays paused in memory instead: the user frees some space and
  // stops again, or saves it elsewhere. Returns whether the run ended.
  bool lost_group = false;  // another process was lost between steps: the run was saved, but did not finish
  auto end_run = [&](bool finished) {
    bool discarding;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      discarding = discard_;
    }
    if (discarding) {  // asked to go without the last save: what is on disk stays as it is
      finish_metrics();
      log.event("stopped", t.step_count(), "discarded: not saved");
      const std::string kept = saved_step_ >= 0 ? "the checkpoint on disk is from step " + std::to_string(saved_step_)
                                                : "no checkpoint of this run was saved";
      set_state(SessionState::Finished,
                "stopped at step " + std::to_string(t.step_count()) + " without saving; " + kept);
      return true;
    }
    finish_metrics();
    const bool saved = save_run_checkpoint(t, log, finished ? "finished" : "stopped");
    bool aborting;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aborting = abort_;
    }
    publish(t);
    const std::string at = (finished ? "finished at step " : "stopped at step ") + std::to_string(t.step_count());
    if (!saved && keep_unsaved && !aborting) {
      hold();
      set_state(SessionState::Paused, at + ", but the checkpoint could not be saved: free some space and press Stop "
                                           "to save again, or use Save checkpoint as… to save it elsewhere");
      return false;
    }
    log.event(finished ? "finished" : "stopped", t.step_count(), saved ? "" : "not saved");
    if (!saved) {
      const std::string kept = saved_step_ >= 0 ? "the checkpoint on disk is from step " + std::to_string(saved_step_)
                                                : "no checkpoint of this run was saved";
      set_state(SessionState::Failed, at + ", but the checkpoint could not be saved; " + kept);
      return true;
    }
    const std::string text = at + (poisoned_ ? "" : "; saved to " + t.config().out_dir + "/checkpoint.pt");
    say(Severity::Info, text);
    set_state(lost_group ? SessionState::Failed : SessionState::Finished,
              lost_group ? text + " after another process of the run was lost" : text);
    return true;
  };
  // On several processes: between steps every rank agrees whether to go on (Trainer::agree); while this
  // one is paused it says so every second, so that the others wait without timing out.
  bool in_group = t.world() > 1;
  auto exchange = [&](bool stop, bool pause) {  // true: the run stops now
    if (!in_group || t.finished()) return stop;
    Trainer::Agreement a;
    try {
      a = t.agree(stop, pause);
    } catch (const DistributedError& e) {
      in_group = false;  // between steps: the weights are whole, so the run is saved as it stands
      lost_group = true;
      say(Severity::Error, with_failures(e.what(), workers) + "; the run stops at step " + std::to_string(t.step_count()));
      log.event("distributed-lost", t.step_count(), first_line(e.what()));
      return true;
    }
    if (a.stop) in_group = false;  // the others end after this
    if (a.stop && !stop) say(Severity::Info, "another process of the run was asked to stop: the run stops");
    return a.stop;
  };
  bool announced_pause = false;
  for (;;) {
    std::deque<std::string> saves;
    bool do_step = false, stopping = false, heartbeat = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!running_ && steps_pending_ == 0 && !stop_ && !abort_ && save_requests_.empty() && !announced_pause) {
        lock.unlock();
        publish(t);
        set_state(SessionState::Paused, "paused at step " + std::to_string(t.step_count()));
        announced_pause = true;
        lock.lock();
      }
      const auto ready = [this] {
        return abort_ || stop_ || running_ || steps_pending_ > 0 || !save_requests_.empty() || !frozen_requests_.empty();
      };
      if (in_group && !t.finished()) heartbeat = !wake_.wait_for(lock, std::chrono::seconds(1), ready);
      else wake_.wait(lock, ready);
    }
    if (heartbeat) {
      if (exchange(false, true)) {
        if (end_run(t.finished())) return;
        announced_pause = true;
      }
      continue;
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      saves.swap(save_requests_);
      stopping = stop_ || abort_;
      stop_ = false;  // consumed: a Stop pressed while a failed last save keeps the run open is seen again
      if (!stopping && (running_ || steps_pending_ > 0)) {
        do_step = true;
        if (!running_) --steps_pending_;
      }
    }
    serve_frozen();
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
    if (stopping) {
      exchange(true, false);
      if (end_run(t.finished())) return;
      announced_pause = true;
      continue;
    }
    if (!do_step) continue;
    if (t.finished()) {  // a finished run whose last save failed: save again rather than step past the end
      if (end_run(true)) return;
      announced_pause = true;
      continue;
    }
    if (state_.load() != SessionState::Running) {
      set_state(SessionState::Running, "training");
      announced_pause = false;
    }
    if (t.world() > 1 && !in_group) {
      // The others have left (a Stop agreed, or lost) and this run stayed open because its last save
      // failed: it can be saved (Stop, Save checkpoint as…) but not trained further.
      hold();
      say(Severity::Warning, "the other processes of this run have ended: it cannot train further; save it (Stop, or "
                             "Save checkpoint as…) and continue it from the checkpoint");
      set_state(SessionState::Paused, "paused at step " + std::to_string(t.step_count()) +
                                          ": the other processes have ended; save the run");
      announced_pause = true;
      continue;
    }
    if (exchange(false, false)) {
      if (end_run(t.finished())) return;
      announced_pause = true;
      continue;
    }
    StepStats s;
    try {
      s = t.step();
    } catch (const DistributedError& e) {
      // Within a step the weights may be half updated: nothing is saved over the last checkpoint.
      const std::string kept = saved_step_ >= 0 ? "the checkpoint on disk (step " + std::to_string(saved_step_) + ") is kept"
                                                : "no checkpoint of this run was saved";
      log.event("distributed-lost", t.step_count(), first_line(e.what()));
      const std::string text = with_failures(e.what(), workers) + "; training ended during step " + std::to_string(t.step_count() + 1) +
                               ", which is not saved; " + kept;
      say(Severity::Error, text);
      set_state(SessionState::Failed, text);
      return;
    } catch (const NonFiniteLoss& e) {
      poisoned_ = true;
      hold();
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
      if (end_run(true)) return;
      announced_pause = true;
      continue;
    }
    if (s.step % c.checkpoint_every == 0 && !save_run_checkpoint(t, log, "periodic")) {
      hold();
      set_state(SessionState::Paused, "paused at step " + std::to_string(t.step_count()) +
                                          ": the checkpoint could not be saved. Free some space, then resume (or stop)");
      announced_pause = true;
    }
  }
}

}  // namespace gan
