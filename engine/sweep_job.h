#pragma once
// The GUI's fidelity–diversity curve: FID, KID, IS and MS-SSIM at each value of the family's truncation
// option (engine/sweep), measured on a thread of its own so that the panels and the training go on.
// The generator comes from `open`, called on that thread (a frozen copy of a live run, or a checkpoint
// or TorchScript file read there); the reference and the extractor are the live metrics' (the dataset
// classifier, or an Inception file). Points arrive one by one; cancel() stops it between values, and
// while the reference or the classifier is being prepared.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "engine/dataset.h"
#include "engine/source.h"
#include "engine/sweep.h"

namespace gan {

struct SweepJobSpec {
  std::function<Frozen()> open;  // throws std::exception with a message for the user
  std::string values = "default";  // parse_sweep's text
  long long n = 2000;              // samples at each value
  DatasetSpec reference;           // the real images: the run's first stream
  std::string inception;           // an Inception file; empty: the reference's classifier
};

struct SweepJobCallbacks {  // all called on the job's thread
  std::function<void(const Sweep&)> started;        // the sweep parsed, before the first value
  std::function<void(const std::string&)> progress;
  std::function<void(const SweepPoint&)> point;
  // Last: empty when every value was measured, "cancelled", or what went wrong; `json`: engine/sweep's
  // to_json of the points measured (also when it stopped early), with the step.
  std::function<void(const std::string& error, const std::string& json)> done;
};

class SweepJob {
 public:
  SweepJob(SweepJobSpec spec, SweepJobCallbacks callbacks);
  ~SweepJob();  // cancels and joins
  SweepJob(const SweepJob&) = delete;
  SweepJob& operator=(const SweepJob&) = delete;
  void cancel() { cancel_ = true; }
  bool finished() const { return finished_.load(); }

 private:
  void run();
  SweepJobSpec spec_;
  SweepJobCallbacks cb_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace gan
