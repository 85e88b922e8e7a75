#include "app/cli.h"

#include <unistd.h>

#include <atomic>
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
#include "engine/explorer.h"
#include "engine/session.h"
#include "engine/threads.h"
#include "engine/trainer.h"

namespace gan {
namespace {

const char* kUsage =
    "usage: gan-explorer [COMMAND] [OPTIONS]\n"
    "With no command the GUI starts.\n\n"
    "  train --model NAME --data fashion-mnist|PATH --steps N --out DIR [--batch B] [--lr X] [--seed S]\n"
    "        [--device cpu|cuda] [--config FILE] [--resume CKPT] [--split train|test]\n"
    "        [--log-every N] [--sample-every N] [--checkpoint-every N] [--PARAM VALUE ...]\n"
    "        [--metrics-every N] [--metrics-samples M] [--inception FILE]   live FID / KID / IS\n"
    "        [--accuracy-every N] [--accuracy-samples M]   test accuracy of SGAN / ACGAN classifiers\n"
    "  sample --checkpoint CKPT --out grid.png [--n 64] [--seed S] [--truncation T]\n"
    "        [--class all|K]   conditional models: one row per class (all), or class K only\n"
    "  interpolate --checkpoint CKPT --from-seed A --to-seed B --frames K --out strip.png\n"
    "        [--mode lerp|slerp] [--truncation T]\n"
    "  metrics --checkpoint CKPT [--data fashion-mnist|PATH] [--split train|test] [--n 10000]\n"
    "        [--inception FILE] [--json]   FID, KID and IS of a checkpoint, with how they were measured\n"
    "  classifier train [--data fashion-mnist|PATH] [--epochs E] [--retrain]\n"
    "        the offline metric classifier (trained once per dataset and cached)\n"
    "  models [--json]       the families and their capabilities and hyper-parameters\n"
    "  bench [--steps N] [--render N] [--fid N] [--no-fid] [--no-python]\n"
    "        speed figures, beside PyTorch in Python\n"
    "  help\n\n"
    "Every hyper-parameter a model lists under `models` can be given as --NAME VALUE; --lr sets both\n"
    "learning rates. Ctrl-C during training saves a checkpoint and stops.\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --key value pairs and bare --flags after the subcommand.
class Args {
 public:
  Args(const std::vector<std::string>& a, const std::set<std::string>& flags) {
    for (size_t i = 1; i < a.size(); ++i) {
      const std::string& s = a[i];
      if (s.rfind("--", 0) != 0 || s.size() < 3) throw UsageError("unexpected argument '" + s + "'");
      std::string key = s.substr(2), value;
      const auto eq = key.find('=');
      if (eq != std::string::npos) value = key.substr(eq + 1), key = key.substr(0, eq);
      else if (flags.count(key)) value = "1";
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
  long long integer(const std::string& k, long long def) const {
    if (!has(k)) return def;
    double v = 0;
    const std::string s = get(k);
    if (!parse_number(s, v) || v != static_cast<long long>(v)) throw UsageError("--" + k + " needs a whole number, not '" + s + "'");
    return static_cast<long long>(v);
  }
  double number(const std::string& k, double def) const {
    if (!has(k)) return def;
    double v = 0;
    const std::string s = get(k);
    if (!parse_number(s, v)) throw UsageError("--" + k + " needs a number, not '" + s + "'");
    return v;
  }
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& k : order_)
      if (!used_.count(k)) out.push_back(k);
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> order_;
  mutable std::set<std::string> used_;
};

void reject_unused(const Args& args) {
  const auto rest = args.unused();
  if (!rest.empty()) throw UsageError("unknown option --" + rest.front());
}

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) { g_interrupted = true; }

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
  void on_state(SessionState s, const std::string& message) override {
    std::lock_guard<std::mutex> lock(m_);
    if (s == SessionState::Failed) failed_ = message;
    if (s == SessionState::Paused && message.find("became") != std::string::npos) diverged_ = message;
    if (s == SessionState::Running || message.rfind("paused at", 0) == 0) return;
    end_line();
    std::cerr << message << "\n";
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
    const int filled = static_cast<int>(width * static_cast<double>(s.step) / std::max(1LL, total_));
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
  void on_saved(const std::string& path, long long step) override {
    std::lock_guard<std::mutex> lock(m_);
    if (!tty_) std::cerr << "saved " << path << " at step " << step << "\n";
  }
  void on_metric(const MetricPoint& p) override {
    std::lock_guard<std::mutex> lock(m_);
    end_line();
    std::cerr << "step " << p.step << ": " << describe(p) << "\n";
  }
  void on_metric_status(const std::string& message, bool error) override {
    std::lock_guard<std::mutex> lock(m_);
    const auto now = std::chrono::steady_clock::now();
    // Progress of the classifier's training is frequent: at most one line every 2 s off a TTY.
    if (!error && !message.empty() && message.back() == '%' && now - last_status_ < std::chrono::seconds(2)) return;
    last_status_ = now;
    end_line();
    std::cerr << (error ? "metrics: error: " : "metrics: ") << message << "\n";
  }
  std::string failed() const {
    std::lock_guard<std::mutex> lock(m_);
    return failed_;
  }
  std::string diverged() const {
    std::lock_guard<std::mutex> lock(m_);
    return diverged_;
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
};

int cmd_train(const Args& a) {
  const Registry registry = Registry::builtin();
  TrainConfig c;
  if (a.has("config")) c = load_config_file(a.get("config"));
  if (a.has("model")) c.model = a.get("model");
  if (a.has("data")) c.data.source = a.get("data");
  if (a.has("split")) c.data.split = a.get("split");
  if (a.has("out")) c.out_dir = a.get("out");
  const std::string resume = a.get("resume");
  c.steps = a.integer("steps", resume.empty() ? c.steps : 0);
  if (resume.empty() && !a.has("steps") && !a.has("config")) throw UsageError("--steps is required");
  if (c.out_dir.empty() && resume.empty()) throw UsageError("--out is required");
  c.log_every = static_cast<int>(a.integer("log-every", c.log_every));
  c.sample_every = static_cast<int>(a.integer("sample-every", c.sample_every));
  c.checkpoint_every = static_cast<int>(a.integer("checkpoint-every", c.checkpoint_every));
  c.metrics.every = static_cast<int>(a.integer("metrics-every", c.metrics.every));
  c.metrics.samples = a.integer("metrics-samples", c.metrics.samples);
  c.metrics.inception = a.get("inception", c.metrics.inception);
  c.accuracy.every = static_cast<int>(a.integer("accuracy-every", c.accuracy.every));
  c.accuracy.samples = a.integer("accuracy-samples", c.accuracy.samples);
  const FamilyInfo& info = registry.at(c.model);
  if (a.has("lr")) c.params.set("lr_g", a.get("lr")), c.params.set("lr_d", a.get("lr"));
  for (const auto& p : info.params)
    if (a.has(p.name)) c.params.set(p.name, a.get(p.name));
  reject_unused(a);

  StartRequest req;
  req.resume_from = resume;
  if (resume.empty()) {
    req.config = validate(c, registry);  // bad values: a message and exit 2 before anything starts
  } else {
    req.config.model = a.has("model") ? c.model : "";
    req.config.data.source = a.has("data") ? c.data.source : "";
    req.config.data.split = c.data.split;
    req.config.out_dir = a.has("out") ? c.out_dir : "";
    req.config.steps = c.steps;
    req.config.log_every = a.has("log-every") ? c.log_every : 0;  // 0: keep the checkpoint's
    req.config.sample_every = a.has("sample-every") ? c.sample_every : 0;
    req.config.checkpoint_every = a.has("checkpoint-every") ? c.checkpoint_every : 0;
    req.override_metrics = a.has("metrics-every") || a.has("metrics-samples") || a.has("inception");
    req.config.metrics = c.metrics;
    req.override_accuracy = a.has("accuracy-every") || a.has("accuracy-samples");
    req.config.accuracy = c.accuracy;
    if (req.override_metrics && c.metrics.every < 0) throw UsageError("--metrics-every must be 0 (off) or more");
  }
  TerminalProgress progress(c.steps);
  TrainingSession session(registry, progress);
  g_interrupted = false;
  auto old = std::signal(SIGINT, on_sigint);
  session.start(req);
  bool stop_sent = false;
  while (session.busy()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const bool diverged = !progress.diverged().empty();
    if ((g_interrupted || diverged) && !stop_sent) {
      session.stop();
      stop_sent = true;
    }
  }
  session.wait();
  std::signal(SIGINT, old);
  if (!progress.failed().empty()) return 1;
  if (!progress.diverged().empty()) return 3;
  return g_interrupted ? 130 : 0;
}

Checkpoint open_for_sampling(const Args& a) {
  return read_checkpoint(a.need("checkpoint"), Registry::builtin());
}

int cmd_sample(const Args& a) {
  Checkpoint ck = open_for_sampling(a);
  const long long n = a.integer("n", 64);
  const long long seed = a.integer("seed", 20161119);
  const double trunc = a.number("truncation", 0.0);
  const std::string out = a.need("out");
  const std::string cls = a.get("class", "all");
  reject_unused(a);
  if (n < 1 || n > 4096) throw UsageError("--n must be between 1 and 4096");
  if (trunc != 0.0 && trunc < kMinTruncation) throw UsageError("--truncation must be 0 (off) or at least 0.05");
  RenderRequest r;
  if (ck.family->info().caps.conditional) {
    r.num_classes = ck.config.num_classes;
    if (cls != "all") {
      double k = -1;
      if (!parse_number(cls, k) || k != std::floor(k) || k < 0 || k >= r.num_classes)
        throw UsageError("--class must be all or a class number from 0 to " + std::to_string(r.num_classes - 1));
      r.label = static_cast<int>(k);
    }
  } else if (a.has("class")) {
    throw UsageError(ck.config.model + " is not conditional: it has no --class");
  }
  r.kind = RenderKind::Grid;
  r.grid_count = static_cast<int>(n);
  r.grid_seed = seed;
  r.truncation = trunc;
  auto result = render_now(*ck.family->snapshot(), r);
  if (!result.error.empty()) throw std::runtime_error(result.error);
  write_png(out, result.image);
  std::cout << "wrote " << out << ": " << n << " samples of " << ck.config.model << " at step " << ck.step << " ("
            << result.image.width << "x" << result.image.height << ")\n";
  return 0;
}

int cmd_interpolate(const Args& a) {
  Checkpoint ck = open_for_sampling(a);
  const long long from = a.integer("from-seed", 1), to = a.integer("to-seed", 2);
  if (!a.has("from-seed") || !a.has("to-seed")) throw UsageError("--from-seed and --to-seed are required");
  const long long frames = a.integer("frames", 8);
  InterpMode mode = InterpMode::Slerp;
  if (!parse_interp_mode(a.get("mode", "slerp"), mode)) throw UsageError("--mode must be lerp or slerp");
  const double trunc = a.number("truncation", 0.0);
  const std::string out = a.need("out");
  reject_unused(a);
  if (frames < 2 || frames > 256) throw UsageError("--frames must be between 2 and 256");
  auto g = ck.family->snapshot();
  const long long dim = g->latent_dim();
  auto za = latent_for_seed(from, dim, trunc), zb = latent_for_seed(to, dim, trunc);
  std::vector<torch::Tensor> zs;
  for (long long i = 0; i < frames; ++i) zs.push_back(interpolate(za, zb, static_cast<double>(i) / (frames - 1), mode));
  auto images = g->generate(torch::cat(zs), {});
  write_png(out, make_grid(images, static_cast<int>(frames)));
  std::cout << "wrote " << out << ": " << frames << " frames from seed " << from << " to seed " << to << " ("
            << to_string(mode) << ")\n";
  return 0;
}

const char* type_name(ParamType t) {
  return t == ParamType::Int ? "int" : t == ParamType::Float ? "float" : "choice";
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
                          {"min", p.min}, {"max", p.max}, {"default", p.default_value}, {"choices", p.choices}});
      arr.push_back({{"id", f.id},
                     {"name", f.name},
                     {"summary", f.summary},
                     {"paper", f.paper},
                     {"capabilities",
                      {{"latent_dim", f.caps.latent_dim},
                       {"conditional", f.caps.conditional},
                       {"classifiers", f.caps.classifiers},
                       {"truncation", to_string(f.caps.truncation)},
                       {"progressive_stages", f.caps.progressive_stages},
                       {"translation_domains", f.caps.translation_domains},
                       {"interpolation", f.caps.interpolation},
                       {"series", f.caps.series}}},
                     {"params", params}});
    }
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto& f : registry.families()) {
    std::cout << f.id << "  " << f.name << "\n  " << f.paper << "\n  latent " << f.caps.latent_dim << ", classes "
              << (f.caps.conditional ? "conditional (the dataset's)" : "none (unconditional)") << ", truncation "
              << to_string(f.caps.truncation) << ", progressive stages " << f.caps.progressive_stages
              << ", translation " << (f.caps.translation_domains.empty() ? "no" : "yes") << "\n  hyper-parameters:\n";
    for (const auto& p : f.params) {
      std::cout << "    --" << p.name << " (" << type_name(p.type) << ", default " << p.default_value;
      if (p.type == ParamType::Choice) {
        std::cout << ", one of";
        for (const auto& ch : p.choices) std::cout << " " << ch;
      } else {
        std::cout << ", " << format_number(p.min) << ".." << format_number(p.max);
      }
      std::cout << ") " << p.help << "\n";
    }
  }
  return 0;
}

int cmd_metrics(const Args& a) {
  const Registry registry = Registry::builtin();
  Checkpoint ck = read_checkpoint(a.need("checkpoint"), registry);
  DatasetSpec spec = ck.config.data;
  if (a.has("data")) spec = {a.get("data"), "train"};
  if (a.has("split")) spec.split = a.get("split");
  const long long n = a.integer("n", 10000);
  const std::string inception = a.get("inception");
  const bool as_json = a.has("json");
  reject_unused(a);
  if (n < 10) throw UsageError("--n must be at least 10 (IS uses 10 splits)");
  auto say = [](const std::string& m) { std::cerr << "metrics: " << m << "\n"; };
  auto extractor = make_extractor(inception, spec, say);
  auto real = load_dataset(spec, ck.family->resolution());
  MetricEvaluator evaluator(extractor, real->images(), reference_label(spec), say);
  say("generating " + std::to_string(n) + " images");
  auto fake = generate_uint8(*ck.family, n, ck.config.num_classes);
  auto p = evaluator.evaluate(fake, ck.step);
  if (as_json) std::cout << to_json(p).dump(2) << "\n";
  else std::cout << a.need("checkpoint") << " at step " << p.step << ":\n" << describe(p) << "\n";
  return 0;
}

int cmd_classifier(const std::vector<std::string>& args) {
  if (args.size() < 2 || args[1] != "train") throw UsageError("usage: gan-explorer classifier train [--data D] [--epochs E] [--retrain]");
  Args a(std::vector<std::string>(args.begin() + 1, args.end()), {"retrain"});
  DatasetSpec spec{a.get("data", "fashion-mnist"), "train"};
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

int cmd_bench(const Args& a) {
  BenchOptions o;
  o.train_steps = static_cast<int>(a.integer("steps", o.train_steps));
  o.render_requests = static_cast<int>(a.integer("render", o.render_requests));
  o.python = !a.has("no-python");
  o.python_exe = a.get("python", o.python_exe);
  o.data = a.get("data", o.data);
  o.fid_samples = a.has("no-fid") ? 0 : a.integer("fid", o.fid_samples);
  reject_unused(a);
  if (o.train_steps < 1 || o.render_requests < 1) throw UsageError("--steps and --render must be at least 1");
  auto r = run_bench(o, [](const std::string& s) { std::cerr << "bench: " << s << "\n"; });
  std::cout << r.text();
  return 0;
}

}  // namespace

bool is_cli_invocation(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string s = argv[1];
  return s == "train" || s == "sample" || s == "interpolate" || s == "models" || s == "bench" || s == "metrics" ||
         s == "classifier" || s == "help" ||
         s == "--help" || s == "-h";
}

int run_cli(const std::vector<std::string>& args) {
  init_torch_thread();
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return 0;
  }
  const std::string cmd = args[0];
  try {
    if (cmd == "train") return cmd_train(Args(args, {}));
    if (cmd == "sample") return cmd_sample(Args(args, {}));
    if (cmd == "interpolate") return cmd_interpolate(Args(args, {}));
    if (cmd == "models") return cmd_models(Args(args, {"json"}));
    if (cmd == "bench") return cmd_bench(Args(args, {"no-python", "no-fid"}));
    if (cmd == "metrics") return cmd_metrics(Args(args, {"json"}));
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
