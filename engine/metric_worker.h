#pragma once
// Computes live metrics on a thread of its own, so that neither the GUI nor the training waits for
// them. The training thread hands over a snapshot of the generator (a copy of its weights) and goes
// on; the worker draws the samples from it and measures them, on one intra-op thread. While one
// evaluation runs, a newer submission replaces an older waiting one (the latest wins, and the
// dropped step is reported). Setting up may train the dataset classifier first (once per data).
#include <torch/torch.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/dataset.h"
#include "engine/config.h"
#include "engine/message.h"
#include "engine/metric_eval.h"

namespace gan {

struct MetricWorkerSetup {
  MetricOptions options;
  DatasetSpec data;                         // whose classifier to use (ignored with an Inception file)
  std::shared_ptr<const Dataset> reference;  // the real images, as the model sees them
  std::string reference_label;              // e.g. "fashion-mnist train"
  Capabilities caps;                        // the family's: how its samples are drawn
};

class MetricWorker {
 public:
  using PointFn = std::function<void(const MetricPoint&)>;
  using StatusFn = std::function<void(Severity severity, const std::string& message)>;
  // Both callbacks run on the worker's thread.
  MetricWorker(MetricWorkerSetup setup, PointFn on_point, StatusFn on_status);
  ~MetricWorker();  // cancels whatever runs and joins
  MetricWorker(const MetricWorker&) = delete;
  MetricWorker& operator=(const MetricWorker&) = delete;

  // generator: a frozen copy (Family::snapshot()), which the worker samples options.samples images
  // from with the metrics' fixed seed.
  void submit(long long step, std::shared_ptr<Snapshot> generator);
  // Blocks until nothing is waiting or running (or the worker failed).
  void wait_idle();
  bool failed() const { return failed_.load(); }

 private:
  void run();

  MetricWorkerSetup setup_;
  PointFn on_point_;
  StatusFn on_status_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  struct Job {
    long long step;
    std::shared_ptr<Snapshot> generator;
  };
  std::optional<Job> pending_;
  bool busy_ = false;
  bool quit_ = false;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace gan
