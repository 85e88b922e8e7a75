#include "app/cli.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <atomic>
#include <filesystem>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "engine/bench.h"
#include "engine/classifier_cache.h"
#include "engine/metric_eval.h"
#include "engine/swd.h"
#include "engine/sweep.h"
#include "engine/animation.h"
#include "engine/explorer.h"
#include "engine/export.h"
#include "engine/image.h"
#include "engine/session.h"
#include "engine/source.h"
#include "engine/threads.h"
#include "engine/distributed.h"
#include "engine/trainer.h"
#include "models/families/image_gan.h"
#include "engine/translate_files.h"
#include "models/core/random.h"

namespace gan {
namespace {

const char* kUsage =
    "usage: gan-explorer [COMMAND] [OPTIONS]\n"
    "With no command the GUI starts.\n\n"
    "  train --model NAME --data fashion-mnist|PATH[:CLASS] --steps N --out DIR [--batch B] [--lr X] [--seed S]\n"
    "        [--device cpu|cuda] [--config FILE] [--resume CKPT] [--split train|test]\n"
    "        [--data-STREAM SOURCE]   families with several streams: --data-A, --data-B (see `models`)\n"
    "        [--log-every N] [--sample-every N] [--checkpoint-every N] [--PARAM VALUE ...]\n"
    "        [--metrics-every N] [--metrics-samples M] [--metrics-swd K] [--inception FILE]\n"
    "        live FID / KID / IS and MS-SSIM, and the sliced Wasserstein distance on K images (0: off)\n"
    "        [--accuracy-every N] [--accuracy-samples M]   test accuracy of SGAN / ACGAN classifiers\n"
    "        [--nproc N] [--dist-timeout S] [--sync-bn]   data-parallel on N local processes, batch B\n"
    "        each; or under torchrun (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE): see README\n"
    "  sample --checkpoint CKPT --out grid.png [--n 64] [--seed S] [--OPTION VALUE ...]\n"
    "        (sample, interpolate and metrics: --generator G.pt --latent-dim N [--classes K] in place of\n"
    "        --checkpoint takes a TorchScript generator trained elsewhere, latents [and classes] to images)\n"
    "        the family's sample options (see `models`): --truncation T, --class all|K, --psi P, ...\n"
    "        [--sweep default|V1,V2,...|ID=V1,V2,...]   a row per value of the family's truncation\n"
    "        (--truncation, --psi; default: the family's own values) or of sample option ID, the\n"
    "        same latents in each\n"
    "  interpolate --checkpoint CKPT --from-seed A --to-seed B --frames K --out strip.png|walk.gif|walk.mp4\n"
    "        [--mode lerp|slerp] [--truncation T]   a PNG strip, or an animation (GIF, MP4):\n"
    "        [--fps F] [--bounce] (and back again) [--size S] (frames scaled up to at least S px, 256)\n"
    "  translate --checkpoint CKPT --input PATH... --out DIR [--direction AtoB|BtoA]\n"
    "        [--domain NAME|all] [--attrs a=1,b=0] [--strength S]   image-to-image families: every\n"
    "        image given (a folder: every image in it) translated, as OUT/NAME_TARGET.png; the options\n"
    "        are the family's (see `models`): a direction, or a target domain or attributes\n"
    "  metrics --checkpoint CKPT [--data fashion-mnist|PATH] [--split train|test] [--n 10000]\n"
    "        [--swd 2000] [--inception FILE] [--json] [--sweep default|V1,V2,...]\n"
    "        FID, KID, IS, MS-SSIM among samples and the\n"
    "        sliced Wasserstein distance (--swd images of each set, 0: off) of a checkpoint, with how\n"
    "        they were measured;\n"
    "        for image-to-image families, how their translations are classified (and FID) per direction\n"
    "        or, for many-domain families, the share of each class's test images (--n per class, 100)\n"
    "        translated into every class that the classifier takes for the target;\n"
    "        with --sweep, FID, KID, IS and MS-SSIM of --n samples at each value of the family's\n"
    "        truncation: fidelity against diversity\n"
    "  export --checkpoint CKPT --out G.pt   the generator as TorchScript, which PyTorch loads alone:\n"
    "        torch.jit.load(\"G.pt\")(z[, classes]) gives images in [-1, 1]\n"
    "  classifier train [--data fashion-mnist|PATH] [--epochs E] [--retrain]\n"
    "        the offline metric classifier (trained once per dataset and cached)\n"
    "  models [--json]       the families and their capabilities and hyper-parameters\n"
    "  bench [--steps N] [--render N] [--fid N] [--no-fid] [--no-python] [--metrics-steps N] [--no-metrics]\n"
    "        [--folder DIR | --folder-images N]\n"
    "        speed figures, beside PyTorch in Python\n"
    "  bench --processes 1,2 [--model M] [--batch B] [--steps N] [--rounds R] [--device cpu|cuda] [--sync-bn]\n"
    "        data-parallel images/s and scaling efficiency (train --nproc N for each N)\n"
    "  help\n\n"
    "Every hyper-parameter a model lists under `models` can be given as --NAME VALUE; --lr sets both\n"
    "learning rates. Ctrl-C during training saves a checkpoint and stops.\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --key value pairs and bare --flags after the subcommand.
class Args {
 public:
  // `lists`: options that take every value up to the next --option (translate --input a.png b.png).
  Args(const std::vector<std::string>& a, const std::set<std::string>& flags, const std::set<std::string>& lists = {}) {
    for (size_t i = 1; i < a.size(); ++i) {
      const std::string& s = a[i];
      if (s.rfind("--", 0) != 0 || s.size() < 3) throw UsageError("unexpected argument '" + s + "'");
      std::string key = s.substr(2), value;
      const auto eq = key.find('=');
      if (eq != std::string::npos) value = key.substr(eq + 1), key = key.substr(0, eq);
      else if (flags.count(key)) value = "1";
      else if (lists.count(key)) {
        while (i + 1 < a.size() && a[i + 1].rfind("--", 0) != 0) lists_[key].push_back(a[++i]);
        if (lists_[key].empty()) throw UsageError("--" + key + " needs at least one value");
        value = lists_[key].front();
      }
      else if (i + 1 < a.size()) value = a[++i];
      else throw UsageError("--" + key + " needs a value");
      if (values_.count(key)) throw UsageError("--" + key + " was given twice");
      values_[key] = value;
      order_.push_back(key);
    }
  }
  bool has(const std::string& k) const {
    used_.insert(k);
    return values_.count(k) != 0;
  }
  std::string get(const std::string& k, const std::string& def = "") const {
    used_.insert(k);
    auto it = values_.find(k);
    return it == values_.end() ? def : it->second;
  }
  std::string need(const std::string& k) const {
    if (!has(k)) throw UsageError("--" + k + " is required");
    return get(k);
  }
  // A whole number: "64", "1e3"; not "3.9", and nothing that does not fit (no silent wrap).
  long long integer(const std::string& k, long long def) const {
    if (!has(k)) return def;
    const std::string s = get(k);
    errno = 0;
    char* end = nullptr;
    const long long exact = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end && *end == '\0') {
      if (errno == ERANGE) throw UsageError("--" + k + " is out of range: " + s);
      return exact;
    }
    double v = 0;
    if (!parse_number(s, v) || v != std::floor(v)) throw UsageError("--" + k + " needs a whole number, not '" + s + "'");
    if (std::fabs(v) > 9.0e15) throw UsageError("--" + k + " is out of range: " + s);
    return static_cast<long long>(v);
  }
  double number(const std::string& k, double def) const {
    if (!has(k)) return def;
    double v = 0;
    const std::string s = get(k);
    if (!parse_number(s, v)) throw UsageError("--" + k + " needs a number, not '" + s + "'");
    return v;
  }
  // The keys given that start with `prefix` (--data-A, --data-B), marked used.
  std::vector<std::string> with_prefix(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& k : order_)
      if (k.rfind(prefix, 0) == 0 && k.size() > prefix.size()) out.push_back(k), used_.insert(k);
    return out;
  }
  std::vector<std::string> list(const std::string& k) const {
    used_.insert(k);
    auto it = lists_.find(k);
    return it == lists_.end() ? std::vector<std::string>{} : it->second;
  }
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& k : order_)
      if (!used_.count(k)) out.push_back(k);
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::vector<std::string> order_;
  mutable std::set<std::string> used_;
};

void reject_unused(const Args& args) {
  const auto rest = args.unused();
  if (!rest.empty()) throw UsageError("unknown option --" + rest.front());
}

// SIGINT (Ctrl-C), SIGTERM (batch schedulers, systemd, kill) and SIGHUP (a closed terminal) save the
// run and stop it. The handler only records which signal came.
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_stop_signal(int sig) { g_signal = sig; }

std::string clock_text(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "--:--";
  const long long s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%02lld:%02lld", s / 60, s % 60);
  return buf;
}

// Prints progress on the terminal: a bar redrawn in place on a TTY, a line every 10 s otherwise.
class TerminalProgress : public SessionListener {
 public:
  explicit TerminalProgress(long long total) : total_(total), tty_(::isatty(STDERR_FILENO)) {}
  void on_state(SessionState s, const std::string& status) override {
    std::lock_guard<std::mutex> lock(m_);
    if (s == SessionState::Failed) failed_ = status;
    if (s == SessionState::Loading && !status.empty()) {
      end_line();
      std::cerr << status << "\n";
    }
  }
  void on_message(const Message& m) override {
    std::lock_guard<std::mutex> lock(m_);
    if (m.diverged) diverged_ = m.text;
    if (m.save_failed) save_failed_ = true;
    end_line();
    std::cerr << (m.severity == Severity::Error ? "error: " : m.severity == Severity::Warning ? "warning: " : "")
              << m.text << "\n";
  }
  void on_run(const RunInfo& info) override {
    std::lock_guard<std::mutex> lock(m_);
    total_ = info.total_steps;
    std::cerr << info.model_name << " (" << info.parameters << " parameters) on " << info.dataset << "\n"
              << "steps " << info.step << " -> " << info.total_steps << ", writing to " << info.out_dir << "\n";
  }
  void on_stats(const StepStats& s) override {
    std::lock_guard<std::mutex> lock(m_);
    const auto now = std::chrono::steady_clock::now();
    if (!tty_ && s.step != total_ && now - last_ < std::chrono::seconds(10)) return;
    if (tty_ && s.step != total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const int width = 30;
    const int filled =
        std::clamp(static_cast<int>(width * static_cast<double>(s.step) / std::max(1LL, total_)), 0, width);
    std::ostringstream line;
    line << "[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << s.step << "/" << total_;
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.2f it/s ETA %s", s.steps_per_sec,
                  clock_text((total_ - s.step) / std::max(1e-9, s.steps_per_sec)).c_str());
    line << buf;
    for (const auto& [k, v] : s.scalars) {
      std::snprintf(buf, sizeof buf, " %s %.3f", k.c_str(), v);
      line << buf;
    }
    if (tty_) std::cerr << "\r" << line.str() << "\033[K" << std::flush, open_ = true;
    else std::cerr << line.str() << "\n";
  }
  void on_progress(const std::string& what, long long done, long long total) override {
    std::lock_guard<std::mutex> lock(m_);
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - last_ < (tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000))) return;
    last_ = now;
    const std::string line = what + " " + std::to_string(done) + "/" + std::to_string(total);
    if (tty_) {
      std::cerr << "\r" << line << "\033[K" << std::flush;
      open_ = true;
      if (done == total) end_line();
    } else {
      std::cerr << line << "\n";
    }
  }
  void on_saved(const std::string& path, long long step) override {
    std::lock_guard<std::mutex> lock(m_);
    if (!tty_) std::cerr << "saved " << path << " at step " << step << "\n";
  }
  void on_metric(const MetricPoint& p) override {
    std::lock_guard<std::mutex> lock(m_);
    end_line();
    std::cerr << "step " << p.step << ": " << describe(p) << "\n";
  }
  void on_metric_status(Severity severity, const std::string& message) override {
    std::lock_guard<std::mutex> lock(m_);
    const auto now = std::chrono::steady_clock::now();
    // Progress ("...: 40%") is frequent while the classifier trains: at most one line every 2 s.
    if (severity == Severity::Info && !message.empty() && message.back() == '%' &&
        now - last_status_ < std::chrono::seconds(2))
      return;
    last_status_ = now;
    end_line();
    std::cerr << (severity == Severity::Error ? "metrics: error: " : severity == Severity::Warning ? "metrics: warning: " : "metrics: ")
              << message << "\n";
  }
  std::string failed() const {
    std::lock_guard<std::mutex> lock(m_);
    return failed_;
  }
  std::string diverged() const {
    std::lock_guard<std::mutex> lock(m_);
    return diverged_;
  }
  bool save_failed() const {
    std::lock_guard<std::mutex> lock(m_);
    return save_failed_;
  }
  // A loss went NaN or a checkpoint could not be written: a headless run stops (saving what it can).
  bool must_stop() const {
    std::lock_guard<std::mutex> lock(m_);
    return !diverged_.empty() || save_failed_;
  }

 private:
  void end_line() {
    if (open_) std::cerr << "\n", open_ = false;
  }
  mutable std::mutex m_;
  long long total_;
  bool tty_;
  bool open_ = false;
  std::chrono::steady_clock::time_point last_{}, last_status_{};
  std::string failed_, diverged_;
  bool save_failed_ = false;
};

// Installs the stop-signal handler (SIGINT, SIGTERM, SIGHUP) for its lifetime.
class StopSignals {
 public:
  StopSignals() {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;  // file reads on the session's threads go on rather than fail with EINTR
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    sigaction(SIGHUP, &action, &old_hup_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGHUP, &old_hup_, nullptr);
  }

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_hup_ {};
};

// A rank other than 0 of a distributed run (torchrun's variables, or started by rank 0): the run comes
// from rank 0, so nothing but --dist-timeout is read from the command line.
int train_as_worker(DistributedEnv env, const Args& a) {
  // Its own --dist-timeout, as rank 0 reads it (a bad value is refused there: this one only clamps it).
  env.timeout = std::chrono::seconds(std::clamp<long long>(a.integer("dist-timeout", env.timeout.count()), 1, 86400));
  if (!distributed_available()) throw std::runtime_error(distributed_unavailable_reason());
  init_torch_thread(ThreadRole::Training);
  StopSignals signals;
  auto say = [&](const std::string& text) {
    std::cerr << "gan-explorer train (process " << env.rank << " of " << env.world << "): " << text << "\n";
  };
  std::shared_ptr<ProcessGroup> group;
  try {
    group = ProcessGroup::join(env);
  } catch (const std::exception& e) {
    say(e.what());
    return 1;
  }
  const int status = run_worker(Registry::builtin(), *group, [] { return g_signal != 0; }, say);
  return status != 0 ? status : g_signal != 0 ? 128 + g_signal : 0;
}

int cmd_train(const Args& a) {
  const auto env = distributed_env_from_environment();
  if (env && env->rank > 0) return train_as_worker(*env, a);
  const Registry registry = Registry::builtin();
  TrainConfig c;
  if (a.has("config")) c = load_config_file(a.get("config"));
  if (a.has("model")) c.model = a.get("model");
  // --data for a family's one stream ("images"); --data-NAME for each of several (--data-A, --data-B).
  const std::string split = a.get("split", "train");
  DataSpecs given;
  if (a.has("data")) given["images"] = parse_dataset(a.get("data"), split);
  for (const auto& key : a.with_prefix("data-")) given[key.substr(5)] = parse_dataset(a.get(key), split);
  if (a.has("split"))
    for (auto& [name, spec] : c.data) spec.split = split;
  if (a.has("out")) c.out_dir = a.get("out");
  const std::string resume = a.get("resume");
  c.steps = a.integer("steps", resume.empty() ? c.steps : 0);
  if (resume.empty() && !a.has("steps") && !a.has("config")) throw UsageError("--steps is required");
  if (c.out_dir.empty() && resume.empty()) throw UsageError("--out is required");
  c.log_every = a.integer("log-every", c.log_every);
  c.sample_every = a.integer("sample-every", c.sample_every);
  c.checkpoint_every = a.integer("checkpoint-every", c.checkpoint_every);
  c.metrics.every = a.integer("metrics-every", c.metrics.every);
  c.metrics.samples = a.integer("metrics-samples", c.metrics.samples);
  c.metrics.swd_samples = a.integer("metrics-swd", c.metrics.swd_samples);
  c.metrics.inception = a.get("inception", c.metrics.inception);
  c.accuracy.every = a.integer("accuracy-every", c.accuracy.every);
  c.accuracy.samples = a.integer("accuracy-samples", c.accuracy.samples);
  // Resuming: the family is the checkpoint's (its hyper-parameters are the ones --PARAM may name).
  std::unique_ptr<Checkpoint> resumed;
  if (!resume.empty()) {
    resumed = std::make_unique<Checkpoint>(read_checkpoint(resume, registry));
    if (!a.has("model")) c.model = resumed->config.model;
  }
  const FamilyInfo& info = registry.at(c.model);
  if (given.count("images") && !info.caps.find_stream("images") && info.caps.streams.size() == 1)
    given[info.caps.streams.front().name] = given["images"], given.erase("images");
  for (const auto& [name, spec] : given) c.data[name] = spec;
  const bool own_lr = std::any_of(info.params.begin(), info.params.end(), [](const HyperParam& p) { return p.name == "lr"; });
  ParamSet given_params;  // what the command line names (a resumed run changes only these)
  if (!own_lr && a.has("lr")) given_params.set("lr_g", a.get("lr")), given_params.set("lr_d", a.get("lr"));  // both players
  for (const auto& p : info.params)
    if (a.has(p.name)) given_params.set(p.name, a.get(p.name));
  for (const auto& [name, value] : given_params.values()) c.params.set(name, value);
  const long long nproc = a.integer("nproc", 1);
  if (nproc < 1 || nproc > 256) throw UsageError("--nproc must be 1 to 256");
  if (nproc > 1 && env) throw UsageError("--nproc starts the processes itself: do not use it under torchrun (WORLD_SIZE is set)");
  const long long timeout = a.integer("dist-timeout", distributed_timeout().count());
  if (timeout < 1 || timeout > 86400) throw UsageError("--dist-timeout must be 1 to 86400 seconds");
  if (a.has("sync-bn")) {
    if (!resume.empty()) throw UsageError("--sync-bn is chosen when a run starts; a resumed run keeps its own");
    c.sync_batch_norm = true;
  }
  reject_unused(a);

  StartRequest req;
  req.resume_from = resume;
  if (env) {
    req.distributed = *env;
    req.distributed->timeout = std::chrono::seconds(timeout);
  } else if (nproc > 1) {  // the session checks that this build can, and picks a free port
    DistributedEnv local;
    local.world = static_cast<int>(nproc);
    local.master_port = 0;
    local.timeout = std::chrono::seconds(timeout);
    req.distributed = local;
    req.spawn_local_workers = true;
  }
  if (resume.empty()) {
    req.config = validate(c, registry);  // bad values: a message and exit 2 before anything starts
  } else {
    req.config.model = a.has("model") ? c.model : "";
    req.config.params = given_params;
    req.config.data = given;
    req.config.out_dir = a.has("out") ? c.out_dir : "";
    // 0: keep the checkpoint's; a value below 1 that was given is passed on as -1, which is refused.
    auto given_count = [&](const char* key, long long v) { return a.has(key) ? (v < 1 ? -1 : v) : 0; };
    req.config.steps = given_count("steps", c.steps);
    req.config.log_every = given_count("log-every", c.log_every);
    req.config.sample_every = given_count("sample-every", c.sample_every);
    req.config.checkpoint_every = given_count("checkpoint-every", c.checkpoint_every);
    req.override_metrics = a.has("metrics-every") || a.has("metrics-samples") || a.has("metrics-swd") ||
                           a.has("inception");
    req.config.metrics = c.metrics;
    req.override_accuracy = a.has("accuracy-every") || a.has("accuracy-samples");
    req.config.accuracy = c.accuracy;
    if (req.override_metrics && c.metrics.every < 0) throw UsageError("--metrics-every must be 0 (off) or more");
    std::vector<std::string> changes;  // refusals: a message and exit 2 before anything starts
    resumed_config(resumed->config, resumed->step, req, registry, changes);
    resumed.reset();
  }
  TerminalProgress progress(c.steps);
  TrainingSession session(registry, progress);
  StopSignals signals;
  session.start(req);
  bool stop_sent = false;
  while (session.busy()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if ((g_signal != 0 || progress.must_stop()) && !stop_sent) {
      if (g_signal != 0) {
        const bool reading = session.state() == SessionState::Loading;  // nothing trained yet: nothing to save
        std::cerr << "\n" << (g_signal == SIGINT ? "interrupted" : g_signal == SIGTERM ? "terminated" : "hung up")
                  << (reading ? ": stopping the reading of the data\n"
                              : ": saving the run and stopping (a second Ctrl-C quits without saving)\n");
        std::signal(SIGINT, SIG_DFL);
      }
      // A signal may be followed by SIGKILL soon (batch schedulers): save at once, without waiting for a
      // metric evaluation in flight.
      session.stop(/*urgent=*/g_signal != 0);
      stop_sent = true;
    }
  }
  session.wait();
  if (!progress.failed().empty()) return 1;
  if (!progress.diverged().empty()) return 3;
  if (g_signal != 0) return 128 + g_signal;
  return progress.save_failed() ? 1 : 0;  // stopped early because a checkpoint could not be written
}

Checkpoint open_for_sampling(const Args& a) {
  return read_checkpoint(a.need("checkpoint"), Registry::builtin());
}

// What `sample`, `interpolate` and `metrics` draw from: --checkpoint CKPT, or a generator trained elsewhere
// (--generator G.pt --latent-dim N [--classes K]).
Source open_source(const Args& a) {
  if (!a.has("generator")) return open_checkpoint_source(a.need("checkpoint"), Registry::builtin());
  if (a.has("checkpoint")) throw UsageError("give --checkpoint or --generator, not both");
  if (!a.has("latent-dim")) throw UsageError("--generator needs --latent-dim N, the size of the latents it takes");
  GeneratorFile g;
  g.path = a.get("generator");
  g.latent_dim = a.integer("latent-dim", 0);
  const long long classes = a.integer("classes", 0);
  g.classes = classes < 0 || classes > 100000 ? -1 : static_cast<int>(classes);
  if (g.latent_dim < 1 || g.latent_dim > 100000) throw UsageError("--latent-dim must be from 1 to 100000");
  if (g.classes < 0 || g.classes == 1) throw UsageError("--classes must be 0 (none) or from 2 to 100000");
  try {
    return open_generator_source(g);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

// "--to-seed" for the option "to_seed".
std::string flag_of(const std::string& id) {
  std::string f = id;
  std::replace(f.begin(), f.end(), '_', '-');
  return f;
}

// The sample options given on the command line (--truncation, --class, ...), checked against the family's.
Values sample_options(const Args& a, const Capabilities& caps) {
  Values v;
  for (const auto& o : caps.sample_options)
    if (a.has(flag_of(o.id))) v.set(o.id, a.get(flag_of(o.id)));
  auto errors = check_values(caps.sample_options, v);
  if (!errors.empty()) throw UsageError(errors.front());
  return v;
}

// The sweep --sweep TEXT asks of a family, refused as a usage error when it cannot be.
Sweep sweep_of(const std::string& text, const FamilyInfo& info) {
  try {
    return parse_sweep(text, info);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int cmd_sample(const Args& a) {
  Source src = open_source(a);
  const auto& caps = src.info.caps;
  SampleRequest r;
  r.n = a.integer("n", 64);
  r.seed = a.integer("seed", 20161119);
  const std::string out = a.need("out");
  r.options = sample_options(a, caps);
  const std::string sweep_text = a.get("sweep");
  const bool sweeping = a.has("sweep");
  reject_unused(a);
  if (r.n < 1 || r.n > 4096) throw UsageError("--n must be between 1 and 4096");
  Samples samples;
  if (sweeping) {  // a row per value of the truncation option, the same latents in each
    const Sweep sweep = sweep_of(sweep_text, src.info);
    if (r.options.has(sweep.option)) throw UsageError("--sweep sets --" + flag_of(sweep.option) + ": give one of them");
    if (r.n * static_cast<long long>(sweep.values.size()) > 4096) throw UsageError("--n times the sweep's values must be at most 4096");
    samples = sweep_samples(*src.snapshot(), sweep, r);
  } else {
    samples = src.snapshot()->sample(r);
  }
  const Image8 grid = grid_image(samples);
  write_png(out, grid);
  std::cout << "wrote " << out << ": " << samples.images.size(0) << " samples of " << src.name << src.at() << " ("
            << grid.width << "x" << grid.height << ")";
  if (!samples.row_labels.empty()) {
    std::cout << "; rows:";
    for (size_t i = 0; i < samples.row_labels.size(); ++i) std::cout << (i ? ", " : " ") << samples.row_labels[i];
  }
  if (!samples.note.empty()) std::cout << "; " << samples.note;
  std::cout << "\n";
  return 0;
}

int cmd_interpolate(const Args& a) {
  Source src = open_source(a);
  const auto& caps = src.info.caps;
  if (!caps.find_sample_option("to_seed")) throw UsageError(src.info.name + " has no latent to interpolate in");
  if (!a.has("from-seed") || !a.has("to-seed")) throw UsageError("--from-seed and --to-seed are required");
  SampleRequest r;
  r.seed = a.integer("from-seed", 1);
  r.n = a.integer("frames", 8);
  const std::string out = a.need("out");
  Values given = sample_options(a, caps);  // --to-seed, --mode, --truncation, ...
  const double fps = a.number("fps", 12);
  const bool bounce = a.has("bounce");
  const long long min_side = a.integer("size", 256);
  reject_unused(a);
  if (r.n < 2 || r.n > 256) throw UsageError("--frames must be between 2 and 256");
  if (!(fps > 0 && fps <= 100)) throw UsageError("--fps must be above 0 and at most 100");
  if (min_side < 1 || min_side > 4096) throw UsageError("--size must be between 1 and 4096 pixels");
  r.options = given;
  Samples samples = src.snapshot()->sample(r);
  const std::string ext = std::filesystem::path(out).extension().string();
  if (ext == ".gif" || ext == ".mp4" || ext == ".GIF" || ext == ".MP4") {  // an animation, one frame per image
    AnimationOptions o;
    o.fps = fps;
    o.bounce = bounce;
    o.min_side = min_side;
    write_animation(out, frames_of(samples), o);
    const AnimationInfo info = read_animation_info(out);
    std::cout << "wrote " << out << ": " << info.frames << " frames of " << info.width << "x" << info.height << " at "
              << o.fps << " fps, from seed " << r.seed << " to seed " << given.text("to_seed") << " ("
              << given.text("mode", "slerp") << (bounce ? ", and back" : "") << ")\n";
    return 0;
  }
  if (a.has("fps") || bounce) throw UsageError("--fps and --bounce are for animations: --out walk.gif or walk.mp4");
  write_png(out, grid_image(samples));
  std::cout << "wrote " << out << ": " << r.n << " frames from seed " << r.seed << " to seed " << given.text("to_seed")
            << " (" << given.text("mode", "slerp") << ")\n";
  return 0;
}

// `export --checkpoint CKPT --out G.pt`: the generator as TorchScript, for PyTorch in Python.
int cmd_export(const Args& a) {
  Checkpoint ck = open_for_sampling(a);
  const std::string out = a.need("out");
  reject_unused(a);
  ExportInfo info;
  try {
    info = export_generator(*ck.family, out);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << "wrote " << out << ": " << ck.config.model << " at step " << ck.step << " as TorchScript; in Python, "
            << "torch.jit.load(\"" << out << "\")(z" << (info.num_classes > 0 ? ", classes" : "") << ") with z of N x "
            << info.latent_dim << (info.num_classes > 0 ? " and N classes (int64, 0 to " + std::to_string(info.num_classes - 1) + ")" : "")
            << " gives N x " << info.channels << " x " << info.resolution << " x " << info.resolution
            << " images in [-1, 1]\n";
  return 0;
}

int cmd_translate(const Args& a) {
  Checkpoint ck = open_for_sampling(a);
  const auto& caps = ck.family->info().caps;
  if (!caps.translates())
    throw UsageError(ck.family->info().name + " generates from noise: it does not translate images (try sample)");
  Values options;  // --direction, --domain, --attrs, ...: the family's translate options
  for (const auto& o : caps.translate_options)
    if (a.has(flag_of(o.id))) options.set(o.id, a.get(flag_of(o.id)));
  const auto inputs = a.list("input");
  const std::string out = a.need("out");
  reject_unused(a);
  auto errors = check_values(caps.translate_options, options);
  if (!errors.empty()) throw UsageError(errors.front());
  if (inputs.empty()) throw UsageError("--input is required: image files, or folders of them");
  const auto files = image_files_of(inputs);
  auto snapshot = ck.family->snapshot();
  const TranslateReport report =
      translate_files(*snapshot, ck.family->resolution(), ck.family->image_channels(), files, options, out);
  for (const auto& why : report.failed) std::cerr << "gan-explorer translate: " << why << "\n";
  const long long written = report.written;
  const size_t failed = report.failed.size();
  std::string how;
  for (const auto& [id, value] : options.texts()) how += " --" + flag_of(id) + " " + value;
  std::cout << "wrote " << written << " translation(s) of " << files.size() - failed << " image(s)" << how << " with "
            << ck.config.model << " at step "
            << ck.step << " into " << out;
  if (failed) std::cout << "; " << failed << " input(s) could not be read";
  std::cout << "\n";
  return failed ? 1 : 0;
}

const char* type_name(ParamType t) {
  return t == ParamType::Int ? "int" : t == ParamType::Float ? "float" : "choice";
}

nlohmann::json controls_json(const std::vector<ControlSpec>& controls) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& c : controls) {
    nlohmann::json j = {{"id", c.id}, {"label", c.label}, {"help", c.help}, {"kind", to_string(c.kind)},
                        {"default", c.default_value}};
    if (c.kind == ControlKind::Slider || c.kind == ControlKind::LayerRange) j["min"] = c.min, j["max"] = c.max;
    if (c.kind == ControlKind::Slider) j["optional"] = c.optional;
    if (!c.choices.empty()) j["choices"] = c.choices;
    if (c.kind == ControlKind::Class) j["all_option"] = c.all_option;
    arr.push_back(j);
  }
  return arr;
}

nlohmann::json caps_json(const Capabilities& caps) {
  nlohmann::json streams = nlohmann::json::array(), series = nlohmann::json::array(), views = nlohmann::json::array(),
                 translations = nlohmann::json::array();
  for (const auto& s : caps.streams)
    streams.push_back({{"name", s.name}, {"label", s.label}, {"help", s.help}, {"needs_labels", s.needs_labels},
                       {"takes_attributes", s.takes_attributes}, {"extra_domains", s.extra_domains},
                       {"default_data", s.default_data}});
  for (const auto& s : caps.series)
    series.push_back({{"id", s.id}, {"label", s.label}, {"axis", to_string(s.axis)},
                      {"measured", s.kind == SeriesKind::Measured}, {"help", s.help}});
  for (const auto& v : caps.views) {
    nlohmann::json outputs = nlohmann::json::array();
    for (const auto& o : v.outputs) outputs.push_back({{"id", o.id}, {"label", o.label}, {"kind", to_string(o.kind)}});
    views.push_back({{"id", v.id}, {"title", v.title}, {"controls", controls_json(v.controls)}, {"outputs", outputs}});
  }
  for (const auto& t : caps.translations) translations.push_back({{"id", t.id}, {"from", t.from}, {"to", t.to}});
  return {{"streams", streams},       {"series", series},
          {"sample_options", controls_json(caps.sample_options)},
          {"views", views},           {"translations", translations},
          {"translate_options", controls_json(caps.translate_options)}, {"target_option", caps.target_option},
          {"noise_metrics", caps.noise_metrics}, {"own_data", caps.own_data}};
}

int cmd_models(const Args& a) {
  const bool json = a.has("json");
  reject_unused(a);
  const Registry registry = Registry::builtin();
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : registry.families()) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : f.params)
        params.push_back({{"name", p.name}, {"label", p.label}, {"help", p.help}, {"type", type_name(p.type)},
                          {"min", p.min}, {"max", p.max}, {"default", p.default_value}, {"choices", p.choices},
                          {"resumable", p.resumable}});
      arr.push_back({{"id", f.id},
                     {"name", f.name},
                     {"summary", f.summary},
                     {"paper", f.paper},
                     {"capabilities", caps_json(f.caps)},
                     {"params", params}});
    }
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto& f : registry.families()) {
    const auto& c = f.caps;
    std::cout << f.id << "  " << f.name << "\n  " << f.paper << "\n  data:";
    if (c.streams.empty()) std::cout << " none to give: " << c.own_data;
    for (const auto& s : c.streams)
      std::cout << " " << (c.streams.size() == 1 || s.name == "images" ? std::string("--data") : "--data-" + s.name)
                << " (" << s.label
                << (s.needs_labels ? (s.takes_attributes ? ", labelled: classes or attributes" : ", labelled") : "")
                << (s.extra_domains ? ", optional: more domains, with the mask vector)"
                                    : ", default " + s.default_data + ")");
    std::cout << "\n  curves:";
    for (const auto& s : c.series) std::cout << " " << s.id;
    std::cout << "\n  sample options:";
    if (c.sample_options.empty()) std::cout << " none";
    for (const auto& o : c.sample_options) std::cout << " --" << flag_of(o.id);
    std::cout << "\n  panels:";
    for (const auto& v : c.views) std::cout << " " << v.title;
    if (c.translates()) {
      std::cout << "\n  translate options:";
      for (const auto& o : c.translate_options) std::cout << " --" << flag_of(o.id);
    }
    std::cout << "\n  hyper-parameters:\n";
    for (const auto& p : f.params) {
      std::cout << "    --" << p.name << " (" << type_name(p.type) << ", default " << p.default_value;
      if (p.type == ParamType::Choice) {
        std::cout << ", one of";
        for (const auto& ch : p.choices) std::cout << " " << ch;
      } else {
        std::cout << ", " << format_number(p.min) << ".." << format_number(p.max);
      }
      if (p.resumable) std::cout << ", may change on resume";
      std::cout << ") " << p.help << "\n";
    }
  }
  return 0;
}

int cmd_metrics(const Args& a) {
  Source src = open_source(a);
  const auto& caps = src.info.caps;
  DataSpecs data;
  if (src.checkpoint) data = src.checkpoint->config.data;
  else data["images"] = parse_dataset("fashion-mnist");
  const std::string what = src.name + src.at();
  const std::string first = caps.streams.empty() ? std::string() : caps.streams.front().name;
  if (caps.streams.empty()) {  // a family that draws its own data measures itself
    const bool as_json = a.has("json");
    reject_unused(a);
    if (!caps.has_measures()) throw UsageError(src.info.name + " has no metrics yet");
    const Scalars values = src.checkpoint->family->measure();
    if (as_json) {
      nlohmann::json j = {{"step", src.step}};
      for (const auto& [id, v] : values) j[id] = v;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << what << ":\n";
      for (const auto& [id, v] : values) {
        const SeriesSpec* spec = caps.find_series(id);
        std::cout << "  " << (spec ? spec->label : id) << ": " << format_number(v) << "\n";
      }
    }
    return 0;
  }
  if (a.has("data")) data[first] = parse_dataset(a.get("data"));
  for (const auto& key : a.with_prefix("data-")) data[key.substr(5)] = parse_dataset(a.get(key));
  if (a.has("split"))
    for (auto& [name, spec] : data) spec.split = a.get("split");
  const long long n = a.integer("n", 10000);
  const long long swd = a.integer("swd", std::min<long long>(n, kSwdImagesDefault));
  const std::string inception = a.get("inception");
  const bool as_json = a.has("json");
  const std::string sweep_text = a.has("sweep") ? a.get("sweep") : std::string();
  reject_unused(a);
  auto say = [](const std::string& m) { std::cerr << "metrics: " << m << "\n"; };
  if (!caps.noise_metrics && !caps.target_option.empty()) {  // many domains: the classification matrix
    if (!inception.empty()) throw UsageError("translations are judged with the dataset classifier, not Inception");
    const long long per = a.has("n") ? n : 100;  // images of each class
    if (per < 1) throw UsageError("--n must be at least 1 (images of each class)");
    auto snapshot = src.snapshot();
    auto v = evaluate_domain_translations(*snapshot, caps.target_option, data.at(first), src.resolution(),
                                          src.channels(), per, say);
    if (as_json) std::cout << nlohmann::json{{"step", src.step}, {"domains", to_json(v)}}.dump(2) << "\n";
    else std::cout << what << ":\n" << describe(v) << "\n";
    return 0;
  }
  if (n < 10) throw UsageError("--n must be at least 10 (IS uses 10 splits)");
  if (swd < 0) throw UsageError("--swd must be 0 (off) or a number of images");
  if (!caps.noise_metrics) {
    if (caps.translations.empty()) throw UsageError(src.info.name + " has no metrics yet");
    if (!inception.empty()) throw UsageError("translations are judged with the dataset classifier, not Inception");
    auto snapshot = src.snapshot();
    auto verdicts = evaluate_translations(*snapshot, src.info, data, src.resolution(),
                                          src.channels(), n, say);
    nlohmann::json arr = nlohmann::json::array();
    if (!as_json) std::cout << what << ":\n";
    for (const auto& v : verdicts) {
      if (as_json) arr.push_back(to_json(v));
      else std::cout << describe(v) << "\n";
    }
    if (as_json) std::cout << nlohmann::json{{"step", src.step}, {"translations", arr}}.dump(2) << "\n";
    return 0;
  }
  const DatasetSpec spec = data.at(first);
  std::unique_ptr<Sweep> sweep;
  if (!sweep_text.empty()) sweep = std::make_unique<Sweep>(sweep_of(sweep_text, src.info));
  auto extractor = make_extractor(inception, spec, say);
  auto real = load_dataset(spec, src.resolution());
  MetricEvaluator evaluator(extractor, real->images(), label(spec), say);
  // One snapshot for every draw below (a BigGAN snapshot gathers its standing statistics once).
  auto snapshot = src.snapshot();
  if (sweep) {  // fidelity against diversity: the metrics at each value of the truncation option
    const auto points = sweep_metrics(*snapshot, caps, evaluator, *sweep, n, src.step, say);
    if (as_json) {
      nlohmann::json j = to_json(*sweep, points);
      j["step"] = src.step;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << what << ", " << n << " samples at each value:\n"
                << describe(*sweep, points);
    }
    return 0;
  }
  say("generating " + std::to_string(n) + " images");
  auto fake = metric_samples(*snapshot, caps, n);
  if (swd > 0) say("sliced Wasserstein distance on " + std::to_string(std::min(swd, n)) + " images of each set");
  auto p = evaluator.evaluate(fake, src.step, swd);
  // A family that draws the class asked for is also judged on it, by the dataset classifier.
  std::unique_ptr<ClassVerdict> classes;
  const ControlSpec* class_option = caps.find_sample_option("class");
  if (class_option && class_option->kind == ControlKind::Class && real->num_classes() > 1 &&
      (src.checkpoint || src.generator->num_classes() == real->num_classes())) {
    if (!inception.empty()) {
      say("class agreement is measured with the dataset classifier, not Inception: left out");
    } else {
      const long long per_class = std::max<long long>(2, n / real->num_classes());
      say("class agreement: " + std::to_string(per_class) + " samples asked for each class");
      classes = std::make_unique<ClassVerdict>(evaluate_classes(*snapshot, caps, *extractor, *real, per_class));
    }
  }
  if (as_json) {
    nlohmann::json j = to_json(p);
    if (classes) j["classes"] = to_json(*classes);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << what << ":\n" << describe(p) << "\n";
    if (classes) std::cout << describe(*classes) << "\n";
  }
  return 0;
}

int cmd_classifier(const std::vector<std::string>& args) {
  if (args.size() < 2 || args[1] != "train") throw UsageError("usage: gan-explorer classifier train [--data D] [--epochs E] [--retrain]");
  Args a(std::vector<std::string>(args.begin() + 1, args.end()), {"retrain"});
  DatasetSpec spec = parse_dataset(a.get("data", "fashion-mnist"));
  ClassifierOptions o;
  o.epochs = static_cast<int>(a.integer("epochs", o.epochs));
  o.retrain = a.has("retrain");
  reject_unused(a);
  if (o.epochs < 1) throw UsageError("--epochs must be at least 1");
  auto r = classifier_for(spec, o, [](const std::string& m) { std::cerr << m << "\n"; });
  char acc[64];
  std::snprintf(acc, sizeof acc, "%.2f%%", 100 * r.test_accuracy);
  std::cout << (r.from_cache ? "cached: " : "trained: ") << r.path << "\n"
            << "test accuracy " << acc << " on " << r.test_count << " images (" << r.train_count << " for training"
            << (r.from_cache ? "" : ", " + std::to_string(static_cast<int>(r.seconds + 0.5)) + " s") << ")\n"
            << r.extractor->label() << "\n";
  return 0;
}

// `bench --processes 1,2`: data-parallel throughput alone.
int cmd_distributed_bench(const Args& a) {
  DistributedBenchOptions o;
  o.processes.clear();
  std::stringstream list(a.get("processes"));
  for (std::string item; std::getline(list, item, ',');) {
    char* end = nullptr;
    const long n = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || n < 1 || n > 256) throw UsageError("--processes takes counts like 1,2,4");
    o.processes.push_back(static_cast<int>(n));
  }
  o.model = a.get("model", o.model);
  o.data = a.get("data", o.data);
  o.device = a.get("device", o.device);
  o.batch = static_cast<int>(a.integer("batch", o.batch));
  o.steps = static_cast<int>(a.integer("steps", o.steps));
  o.rounds = static_cast<int>(a.integer("rounds", o.rounds));
  o.sync_batch_norm = a.has("sync-bn");
  reject_unused(a);
  if (o.batch < 1 || o.steps <= o.warmup || o.rounds < 1)
    throw UsageError("--batch and --rounds must be at least 1, --steps more than " + std::to_string(o.warmup));
  auto r = run_distributed_bench(o, [](const std::string& s) { std::cerr << "bench: " << s << "\n"; });
  std::cout << r.text();
  return 0;
}

int cmd_bench(const Args& a) {
  if (a.has("processes")) return cmd_distributed_bench(a);
  BenchOptions o;
  o.train_steps = static_cast<int>(a.integer("steps", o.train_steps));
  o.render_requests = static_cast<int>(a.integer("render", o.render_requests));
  o.python = !a.has("no-python");
  o.python_exe = a.get("python", o.python_exe);
  o.data = a.get("data", o.data);
  o.fid_samples = a.has("no-fid") ? 0 : a.integer("fid", o.fid_samples);
  o.metrics_steps = a.has("no-metrics") ? 0 : static_cast<int>(a.integer("metrics-steps", o.metrics_steps));
  o.folder = a.get("folder", "");
  o.folder_images = a.integer("folder-images", 0);
  reject_unused(a);
  if (o.metrics_steps < 0 || o.folder_images < 0) throw UsageError("--metrics-steps and --folder-images cannot be negative");
  if (o.train_steps < 1 || o.render_requests < 1) throw UsageError("--steps and --render must be at least 1");
  auto r = run_bench(o, [](const std::string& s) { std::cerr << "bench: " << s << "\n"; });
  std::cout << r.text();
  return 0;
}

}  // namespace

bool is_cli_invocation(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string s = argv[1];
  // Any first word is a command (an unknown one, a typo, is a usage error rather than a GUI that cannot
  // start); options (Qt's -platform, -style) go to the GUI.
  return !s.empty() && (s[0] != '-' || s == "--help" || s == "-h");
}

int run_cli(const std::vector<std::string>& args) {
  init_torch_thread(ThreadRole::Foreground);
  const bool asks_help = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
  if (args.empty() || args[0] == "help" || asks_help) {  // `gan-explorer train --help` too
    std::cout << kUsage;
    return 0;
  }
  const std::string cmd = args[0];
  try {
    if (cmd == "train") return cmd_train(Args(args, {"sync-bn"}));
    if (cmd == "sample") return cmd_sample(Args(args, {}));
    if (cmd == "interpolate") return cmd_interpolate(Args(args, {"bounce"}));
    if (cmd == "translate") return cmd_translate(Args(args, {}, {"input"}));
    if (cmd == "models") return cmd_models(Args(args, {"json"}));
    if (cmd == "bench") return cmd_bench(Args(args, {"no-python", "no-fid", "no-metrics", "sync-bn"}));
    if (cmd == "metrics") return cmd_metrics(Args(args, {"json"}));
    if (cmd == "export") return cmd_export(Args(args, {}));
    if (cmd == "classifier") return cmd_classifier(args);
    throw UsageError("unknown command '" + cmd + "'");
  } catch (const UsageError& e) {
    std::cerr << "gan-explorer " << cmd << ": " << e.what() << "\n(see gan-explorer help)\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "gan-explorer " << cmd << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::string why = e.what();
    std::cerr << "gan-explorer " << cmd << ": " << why.substr(0, why.find("\nException raised from")) << "\n";
    return 1;
  }
}

}  // namespace gan
