#include "engine/metric_worker.h"

#include <ATen/Parallel.h>

#include "engine/classifier_cache.h"
#include "engine/threads.h"

namespace gan {

MetricWorker::MetricWorker(MetricWorkerSetup setup, PointFn on_point, StatusFn on_status)
    : setup_(std::move(setup)), on_point_(std::move(on_point)), on_status_(std::move(on_status)) {
  busy_ = true;  // setting up counts as work: wait_idle() waits for it
  thread_ = std::thread([this] { run(); });
}

MetricWorker::~MetricWorker() {
  cancel_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MetricWorker::submit(long long step, std::shared_ptr<Snapshot> generator) {
  std::optional<long long> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed_) return;
    if (pending_) dropped = pending_->step;
    pending_ = Job{step, std::move(generator)};
  }
  wake_.notify_all();
  if (dropped && on_status_)
    on_status_(Severity::Warning, "metrics for step " + std::to_string(*dropped) + " skipped: the metric worker was still busy (setting up, or with the step before)");
}

void MetricWorker::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return failed_ || quit_ || (!busy_ && !pending_); });
}

void MetricWorker::run() {
  init_torch_thread(ThreadRole::Background);
  auto status = [this](const std::string& m) { if (on_status_) on_status_(Severity::Info, m); };
  std::unique_ptr<MetricEvaluator> evaluator;
  try {
    auto extractor = make_extractor(setup_.options.inception, setup_.data, status, &cancel_);
    evaluator = std::make_unique<MetricEvaluator>(extractor, setup_.reference->images(), setup_.reference_label, status,
                                                  &cancel_);
    status("metrics ready: " + extractor->label());
  } catch (const Cancelled&) {
    failed_ = true;
  } catch (const std::exception& e) {
    failed_ = true;
    if (on_status_) on_status_(Severity::Error, std::string("metrics are off for this run: ") + e.what());
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_ = false;
  }
  idle_.notify_all();
  if (failed_) return;
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return quit_ || pending_.has_value(); });
      if (quit_) return;
      job = std::move(*pending_);
      pending_.reset();
      busy_ = true;
    }
    try {
      const Samples fake = metric_samples(*job.generator, setup_.caps, setup_.options.samples);
      job.generator.reset();  // its weights are not needed any more
      auto point = evaluator->evaluate(fake, job.step, setup_.options.swd_samples);
      if (on_point_) on_point_(point);
    } catch (const Cancelled&) {
      return;  // the worker is being destroyed
    } catch (const std::exception& e) {
      if (on_status_) on_status_(Severity::Error, "metrics at step " + std::to_string(job.step) + " failed: " + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
    }
    idle_.notify_all();
  }
}

}  // namespace gan
