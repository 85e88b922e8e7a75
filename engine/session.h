#pragma once
// The training session: a Trainer on its own thread, driven by start / pause / resume / step / stop.
// Everything it reports leaves as values through SessionListener, called on the session's thread;
// the listener must hand them over to its own thread (the Qt bridge queues them).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/config.h"
#include "engine/distributed.h"
#include "engine/explorer.h"
#include "engine/message.h"
#include "engine/metric_worker.h"
#include "engine/run_log.h"
#include "engine/source.h"
#include "engine/trainer.h"

namespace gan {

enum class SessionState { Idle, Loading, Running, Paused, Finished, Failed };
const char* to_string(SessionState s);

// A stream of the run and what it holds.
struct StreamInfo {
  std::string name;   // "images", "A"
  std::string label;  // "Images", "Domain A"
  std::string data;   // the dataset's description (or its spec when explored without data)
};

// What a run is, sent once it is ready (new, resumed or opened for exploring). One builder,
// describe_run, makes it, so the capabilities arrive whole.
struct RunInfo {
  std::string model;          // family id
  std::string model_name;
  Capabilities caps;          // the family's, whole
  std::vector<StreamInfo> streams;
  std::string dataset;        // all streams' data described, or empty when a checkpoint is only explored
  std::string out_dir;
  long long step = 0;         // where it starts
  long long total_steps = 0;
  long long parameters = 0;
  int resolution = 0, channels = 0;  // the images the family takes and makes
  int num_classes = 0;
  std::vector<std::string> class_names;
  bool attributes = false;    // the class names are binary attributes
  std::vector<HistoryPoint> history;  // what a checkpoint brought along
  std::vector<MetricPoint> metrics;   // the metric history, likewise
  TrainConfig config;
  bool trainable = true;      // false for a checkpoint opened without data
  std::string generator_file; // a TorchScript generator opened for exploring: nothing to train or continue
  long long latent_dim = 0;   // that generator's latent size (with num_classes, what reopening it takes)
};

// The RunInfo of a family at `step` with `config`; `trainer` (when given) adds the data's descriptions.
RunInfo describe_run(const Family& family, const TrainConfig& config, long long step, const Trainer* trainer = nullptr);

class SessionListener {
 public:
  virtual ~SessionListener() = default;
  // The session's state changed, with a line for a status bar.
  virtual void on_state(SessionState, const std::string& /*status*/) {}
  // Something the user should read: the GUI's message bar, the terminal.
  virtual void on_message(const Message&) {}
  virtual void on_run(const RunInfo&) {}
  virtual void on_stats(const StepStats&) {}
  virtual void on_saved(const std::string& /*path*/, long long /*step*/) {}
  // While data are read: `what` ("reading images in photos/"), done of total (files). Ends with done == total.
  virtual void on_progress(const std::string& /*what*/, long long /*done*/, long long /*total*/) {}
  // From the metric worker's thread: a new FID / KID / IS point, and what the worker is doing.
  virtual void on_metric(const MetricPoint&) {}
  virtual void on_metric_status(Severity, const std::string& /*message*/) {}
};

struct StartRequest {
  // For a new run, the whole config. When resuming, only what is set overrides the checkpoint's:
  // model (checked against it), the data of the streams given, out_dir, steps and intervals when above
  // 0, and the hyper-parameters in config.params (resumed_config says which may change).
  TrainConfig config;
  std::string resume_from;   // a checkpoint to continue, or empty for a new run
  bool paused = false;       // build everything, then wait for resume() or step()
  bool override_metrics = false;  // when resuming: config.metrics replaces the checkpoint's
  bool override_accuracy = false; // when resuming: config.accuracy replaces the checkpoint's
  // A run whose last save failed (a full disk) stays open, paused, instead of ending (the GUI); the CLI
  // ends it with an error, keeping the checkpoint already on disk.
  bool keep_unsaved_run = false;
  // A run on several processes (engine/distributed.h), this session being rank 0: it joins the others,
  // tells them the run, and alone writes the checkpoint, log, samples and metrics. With
  // spawn_local_workers it starts ranks 1..N-1 on this machine itself (the GUI, train --nproc); then a
  // master_port of 0 is a free port it picks, and a timeout of 0 is distributed_timeout()'s.
  std::optional<DistributedEnv> distributed;
  bool spawn_local_workers = false;

  // A request to continue `checkpoint` that changes nothing yet: no model, data, output folder or
  // hyper-parameters given, and steps and intervals at 0 (the checkpoint's). Set what should change.
  static StartRequest continuing(const std::string& checkpoint);
};

// The config a resumed run continues with: the checkpoint's (`saved`, at step `at_step`), with what
// `request` may change applied: the data, the output folder, a step total above `at_step`, the
// intervals, the metrics and accuracy settings, and the hyper-parameters marked resumable (learning
// rates, optimizer moments, loss weights). A hyper-parameter given with another value that would
// change the networks or the data, or a step total at or below `at_step`, is refused: throws
// std::invalid_argument listing every problem. `changes` gets one line per change
// ("lr_g 0.0002 -> 0.0001").
TrainConfig resumed_config(const TrainConfig& saved, long long at_step, const StartRequest& request,
                           const Registry& registry, std::vector<std::string>& changes);

class TrainingSession {
 public:
  TrainingSession(Registry registry, SessionListener& listener, Explorer* explorer = nullptr);
  ~TrainingSession();  // stops the run (saving it) and joins the thread
  TrainingSession(const TrainingSession&) = delete;
  TrainingSession& operator=(const TrainingSession&) = delete;

  // Loads the data and builds (or resumes) the run on the session thread. False, with on_state
  // (Failed, why) not sent, when a run is still going: stop it first.
  bool start(StartRequest request);
  // Reads a checkpoint on the session thread and hands its generator to the explorer: no data needed.
  bool open_checkpoint(const std::string& path);
  // Reads a TorchScript generator on the session thread and hands it to the explorer, explored as a
  // latent family (RunInfo::generator_file set); a bad file fails with its reason.
  bool open_generator(const GeneratorFile& generator);
  // While a run is live (training or paused): a frozen copy of its family is made between steps and
  // handed to `fn` on the session thread; a run that ends first hands it an empty Frozen. False, and `fn`
  // never called, when no run is live (its checkpoint on disk is then what it is).
  bool request_frozen(std::function<void(Frozen)> fn);

  void pause();
  void resume();
  void step(int n = 1);        // n steps, then pause
  // Saves the checkpoint and ends the run; while data are still being read, cancels the reading. `urgent` (a signal: SIGKILL may follow) saves at once,
  // without waiting for a metric evaluation in flight (a finished one is still recorded).
  void stop(bool urgent = false);
  // Ends the run without its last save (Quit without saving): the checkpoint on disk, from the last
  // periodic save, is kept, and the steps since are let go.
  void discard();
  void save(const std::string& path);  // a copy of the run's state, written between steps
  void wait();                 // blocks until the session thread has ended (CLI)

  SessionState state() const { return state_.load(); }
  bool busy() const;           // a thread is loading or training

 private:
  bool launch(std::function<void()> job);
  void run(StartRequest request);
  LoadOptions load_options();  // progress to the listener, cancelled by stop()
  void loop(Trainer& trainer, RunLog& log, MetricWorker* metrics, bool keep_unsaved, LocalWorkers* workers);
  void evaluate_metrics(Trainer& trainer, MetricWorker& metrics);
  void drain_metrics(Trainer& trainer, RunLog& log);
  void set_state(SessionState s, const std::string& status);
  void say(Severity severity, const std::string& text);
  // Hands the explorer a snapshot of the family (`g`, or a new one when null).
  void publish(Trainer& trainer, std::shared_ptr<Snapshot> g = nullptr);
  // Writes the run's checkpoint; false (and the user told, the file on disk kept) when it could not.
  bool save_run_checkpoint(Trainer& trainer, RunLog& log, const char* why);
  void write_samples(Trainer& trainer, Snapshot& g);

  Registry registry_;
  SessionListener& listener_;
  Explorer* explorer_;
  std::atomic<SessionState> state_{SessionState::Idle};
  std::atomic<bool> thread_done_{true};
  std::atomic<bool> cancel_load_{false};  // stop() while the data are read

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool stop_ = false;
  bool urgent_ = false;
  bool abort_ = false;
  bool discard_ = false;
  int steps_pending_ = 0;
  std::deque<std::string> save_requests_;
  std::deque<std::function<void(Frozen)>> frozen_requests_;
  bool live_ = false;  // the loop runs: frozen requests are served
  std::vector<MetricPoint> metric_inbox_;  // from the metric worker, recorded between steps
  bool poisoned_ = false;  // a loss went NaN: the weights are not saved over good ones
  long long saved_step_ = -1;  // the step of the checkpoint on disk (-1: none written by this run yet)
  std::thread thread_;
};

}  // namespace gan
