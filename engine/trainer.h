#pragma once
// The training loop's core, synchronous and LibTorch-only: a family, its data and its RNGs.
// TrainingSession runs it on a thread; the CLI and the benchmark use it through the session too.
#include <torch/torch.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/dataset.h"
#include "engine/metric_eval.h"
#include "models/family.h"

namespace gan {

// One step, as a value that can cross threads.
struct StepStats {
  long long step = 0;           // steps done, this one included
  double step_ms = 0;           // wall time of this step
  double steps_per_sec = 0;     // over the last few steps
  StepScalars scalars;          // loss_d, loss_g, d_real, d_fake, ... (Capabilities::series)
  bool measured = false;        // the classifiers' accuracies were measured at this step (and are in scalars)
};

struct HistoryPoint {
  long long step = 0;
  StepScalars scalars;
};

class NonFiniteLoss : public std::runtime_error {
 public:
  NonFiniteLoss(long long step, const std::string& what) : std::runtime_error(what), step(step) {}
  long long step;
};

// Shuffled batches from a Dataset: reproducible from the seed and resumable from a checkpoint.
class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> data, long long batch, unsigned long long seed, torch::Device device);
  Batch next();
  void save(torch::serialize::OutputArchive& a) const;
  void load(torch::serialize::InputArchive& a);

 private:
  void reshuffle();
  std::shared_ptr<const Dataset> data_;
  long long batch_;
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
  std::shared_ptr<torch::serialize::InputArchive> archive;  // for the loader state
};

// Reads a checkpoint. Throws std::runtime_error with a message for the user when the file is missing,
// damaged, not a GAN Explorer checkpoint, or (expected_model not empty) of another family.
Checkpoint read_checkpoint(const std::string& path, const Registry& registry, const std::string& expected_model = "");

class Trainer {
 public:
  // A new run. Validates the config (std::invalid_argument on bad values), seeds everything.
  Trainer(const Registry& registry, TrainConfig config, std::shared_ptr<const Dataset> data);
  // Continues a checkpoint on `data`, exactly where it stopped. `steps` > 0 replaces the target step count.
  Trainer(Checkpoint checkpoint, std::shared_ptr<const Dataset> data, long long steps = 0);

  // One training step; throws NonFiniteLoss when a loss is NaN or infinite.
  StepStats step();
  bool finished() const { return step_ >= config_.steps; }

  // Writes everything needed to continue exactly, atomically.
  void save_checkpoint(const std::string& path) const;

  long long step_count() const { return step_; }
  const TrainConfig& config() const { return config_; }
  Family& family() { return *family_; }
  const Family& family() const { return *family_; }
  const Dataset& data() const { return *data_; }
  std::shared_ptr<const Dataset> data_ptr() const { return data_; }
  const std::vector<HistoryPoint>& history() const { return history_; }
  const std::vector<MetricPoint>& metrics() const { return metrics_; }
  // Records an evaluation; one of the same step replaces it.
  void add_metric(const MetricPoint& p);

  // The labelled images the family's classifiers (Capabilities::classifiers) are measured on, every
  // config().accuracy.every steps and at the last step: their accuracies join that step's scalars.
  void set_accuracy_data(std::shared_ptr<const Dataset> data);
  // Each classifier's accuracy on `samples` images of the accuracy data (0: all of them), the same
  // seeded random sample every time.
  StepScalars measure_accuracy(long long samples);

 private:
  TrainConfig config_;
  std::shared_ptr<const Dataset> data_;
  std::unique_ptr<Family> family_;
  std::unique_ptr<DataLoader> loader_;
  std::shared_ptr<const Dataset> accuracy_data_;
  torch::Tensor accuracy_order_;  // the order its images are measured in
  torch::Generator noise_;
  long long step_ = 0;
  std::vector<HistoryPoint> history_;
  std::vector<MetricPoint> metrics_;
  std::vector<double> recent_ms_;
};

}  // namespace gan
