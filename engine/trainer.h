#pragma once
// The training loop's core, synchronous and LibTorch-only: a family, its data streams and its RNGs.
// TrainingSession runs it on a thread; the CLI and the benchmark use it through the session too.
#include <torch/torch.h>

#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/dataset.h"
#include "engine/metric_eval.h"
#include "models/core/family.h"
#include "models/core/parallel.h"

namespace gan {

// One step, as a value that can cross threads.
struct StepStats {
  long long step = 0;           // steps done, this one included
  double step_ms = 0;           // wall time of this step
  double steps_per_sec = 0;     // over the last few steps
  Scalars scalars;              // what the family reports (Capabilities::series)
  bool measured = false;        // the classifiers' accuracies were measured at this step (and are in scalars)
};

struct HistoryPoint {
  long long step = 0;
  Scalars scalars;
};

class NonFiniteLoss : public std::runtime_error {
 public:
  NonFiniteLoss(long long step, const std::string& what) : std::runtime_error(what), step(step) {}
  long long step;
};

// The datasets of a run, by stream name.
using StreamDatasets = std::map<std::string, std::shared_ptr<const Dataset>>;

// Shuffled items from a Dataset, as many as asked for each time: reproducible from the seed and
// resumable from a checkpoint.
class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> data, unsigned long long seed, torch::Device device);
  Batch next(long long n);
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  void reshuffle();
  std::shared_ptr<const Dataset> data_;
  torch::Device device_;
  std::mt19937_64 rng_;
  std::vector<int64_t> order_;
  long long cursor_ = 0;
};

// The contents of a checkpoint file.
struct Checkpoint {
  TrainConfig config;
  long long step = 0;
  std::unique_ptr<Family> family;
  torch::Tensor noise_state;                // the noise generator's state
  std::vector<HistoryPoint> history;
  std::vector<MetricPoint> metrics;         // FID / KID / IS so far (empty in older checkpoints)
  std::shared_ptr<torch::serialize::InputArchive> archive;  // for the loaders' states
  bool legacy = false;  // written before checkpoints carried a checksum (its zip CRC-32s were checked)
};

// Reads a checkpoint. Throws std::runtime_error with a message for the user when the file is missing,
// damaged, not a GAN Explorer checkpoint, or (expected_model not empty) of another family.
Checkpoint read_checkpoint(const std::string& path, const Registry& registry, const std::string& expected_model = "");

// Builds the family of `ck.config` afresh and loads the checkpoint's state into it (read_checkpoint does
// this; a resumed run whose resumable hyper-parameters changed does it again). Every tensor is checked
// against the model first (check_model_archive); nothing changes when it throws std::runtime_error.
void rebuild_family(Checkpoint& ck, const Registry& registry);

// Loads the data of every stream of `config` (validated) at the family's resolution; streams of
// different channel counts are brought to the largest (grey repeated to colour).
StreamDatasets load_streams(const TrainConfig& config, const Registry& registry, const LoadOptions& options = {});

class Trainer;
// Continues `ck` with `config` (the checkpoint's, with a resume's changes applied: resumed_config): the
// family is rebuilt when its hyper-parameters changed (new learning rates take effect), the data are
// read, and the trainer picks up exactly where the checkpoint stopped.
std::unique_ptr<Trainer> continue_run(Checkpoint ck, const TrainConfig& config, const Registry& registry,
                                      const LoadOptions& options = {});

class Trainer {
 public:
  // A new run. Validates the config (std::invalid_argument on bad values), seeds everything.
  Trainer(const Registry& registry, TrainConfig config, StreamDatasets data);
  // A new run of a family with one stream.
  Trainer(const Registry& registry, TrainConfig config, std::shared_ptr<const Dataset> data);
  // Continues a checkpoint on `data`, exactly where it stopped. `steps` > 0 replaces the target step count.
  Trainer(Checkpoint checkpoint, StreamDatasets data, long long steps = 0);
  Trainer(Checkpoint checkpoint, std::shared_ptr<const Dataset> data, long long steps = 0);

  // One training step; throws NonFiniteLoss when a loss is NaN or infinite. In a data-parallel run
  // (after join) the step trains on this rank's share of the batch of all ranks, and the losses it
  // reports are the means over the ranks (the same on every rank).
  StepStats step();

  // Makes this trainer one rank of a data-parallel run (models/core/parallel.h): every player's weights
  // and buffers become rank 0's. `group` must outlive the trainer's steps; every rank calls join, then
  // agree and step the same number of times. DistributedError when another rank is lost.
  void join(Collective& group);
  int world() const { return collective_ ? collective_->world() : 1; }
  // Before each step, every rank says whether it wants to stop (a signal, the user) and rank 0 whether
  // the run is paused: all learn whether any wants to stop, and whether rank 0 is paused (then no step
  // follows, only the next agree). With one process it returns what it was given.
  struct Agreement {
    bool stop = false;
    bool pause = false;
  };
  Agreement agree(bool stop, bool pause);
  bool finished() const { return step_ >= config_.steps; }

  // Writes everything needed to continue exactly, atomically.
  void save_checkpoint(const std::string& path) const;

  long long step_count() const { return step_; }
  const TrainConfig& config() const { return config_; }
  Family& family() { return *family_; }
  const Family& family() const { return *family_; }
  // The first stream's data ("images" for the families that generate from noise).
  const Dataset& data() const { return *data_.begin()->second; }
  std::shared_ptr<const Dataset> data_ptr() const { return data_.begin()->second; }
  const StreamDatasets& streams() const { return data_; }
  // "Fashion-MNIST train: ..." for one stream; "A: ...; B: ..." for several.
  std::string data_description() const;
  const std::vector<HistoryPoint>& history() const { return history_; }
  const std::vector<MetricPoint>& metrics() const { return metrics_; }
  // Records an evaluation; one of the same step replaces it.
  void add_metric(const MetricPoint& p);

  // The labelled images the family's classifiers (the Measured accuracy series) are measured on, every
  // config().accuracy.every steps and at the last step: their accuracies join that step's scalars.
  void set_accuracy_data(std::shared_ptr<const Dataset> data);
  // Each classifier's accuracy on `samples` images of the accuracy data (0: all of them), the same
  // seeded random sample every time.
  Scalars measure_accuracy(long long samples);

 private:
  class Loaders;
  void start_streams(unsigned long long seed);
  void attach();

  TrainConfig config_;
  StreamDatasets data_;
  std::unique_ptr<Family> family_;
  std::unique_ptr<Loaders> loaders_;
  std::shared_ptr<const Dataset> accuracy_data_;
  torch::Tensor accuracy_order_;  // the order its images are measured in
  torch::Generator noise_;
  long long step_ = 0;
  std::vector<HistoryPoint> history_;
  std::vector<MetricPoint> metrics_;
  std::vector<double> recent_ms_;
  Collective* collective_ = nullptr;

 public:
  ~Trainer();
};

}  // namespace gan
