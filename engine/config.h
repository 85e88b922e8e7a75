#pragma once
// A run's configuration, and its JSON form (config files, checkpoints, logs).
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "engine/dataset.h"
#include "models/core/params.h"
#include "models/core/registry.h"

namespace gan {

// When and how a run computes FID / KID / IS live.
struct MetricOptions {
  long long every = 0;          // steps between evaluations; 0: off
  long long samples = 2000;     // generated images per evaluation
  long long swd_samples = 0;    // images of each set for the sliced Wasserstein distance; 0: off
  std::string inception;        // inception-2015-12-05.pt; empty: the dataset classifier
};

// When families that train classifiers (SGAN, ACGAN) measure their test accuracy, and families with
// measures of their own (the 2-D toys' modes covered) take them.
struct AccuracyOptions {
  long long every = 100;        // steps between measurements (and at the last step); 0: off
  long long samples = 2000;     // test images per measurement; 0: the whole test set
};

// The data of each stream a family trains on (Capabilities::streams), by stream name.
using DataSpecs = std::map<std::string, DatasetSpec>;

struct TrainConfig {
  std::string model = "dcgan";
  ParamSet params;          // the family's hyper-parameters, batch, seed and device included
  DataSpecs data;           // empty streams get their default (StreamSpec::default_data)
  long long steps = 1000;   // the step count at which the run ends
  long long log_every = 10;       // steps between JSONL log lines and history points
  long long sample_every = 100;   // steps between sample grids (and explorer generator refreshes)
  long long checkpoint_every = 500;
  MetricOptions metrics;
  AccuracyOptions accuracy;
  std::string out_dir;      // checkpoint.pt, log.jsonl and samples/ go here
  // On several processes: batch norm over the batch of all of them (SyncBatchNorm), so that W processes
  // with batch b train as one with batch W * b would. Off (PyTorch's default too): each normalises over
  // its own b items, and its running statistics are rank 0's.
  bool sync_batch_norm = false;
  // The families' behaviour revision (models/core/params.h): new runs get the current one; a checkpoint
  // written before revisions were recorded is revision 1.
  int revision = kModelRevision;
  // What the data decided, filled in when the run starts (needed to rebuild the networks without it).
  int image_channels = 0;
  int num_classes = 0;
  std::vector<std::string> class_names;  // the classes' names, so an opened checkpoint can name them
  bool attributes = false;  // the labels are binary attributes, one per class name (an attribute file)
  // With an extra_domains stream (StarGAN's second dataset): how many of class_names each stream brought.
  std::vector<int> class_groups;
};

nlohmann::json to_json(const TrainConfig& c);
// The largest step count, interval or sample count a config may hold (validate() refuses more).
constexpr long long kMaxCount = 1000000000000LL;  // 10^12

// Reads a config; unknown top-level keys and hyper-parameters are errors (a typo must not pass silently),
// and so are counts that are not whole numbers ("steps": 3.9) or do not fit.
TrainConfig config_from_json(const nlohmann::json& j);
TrainConfig load_config_file(const std::string& path);

// Checks the config against the registry: known model, valid hyper-parameters, data for every stream
// the family trains on (and none for others), sane intervals. Returns the config with every
// hyper-parameter and stream filled in; throws std::invalid_argument listing every problem.
TrainConfig validate(const TrainConfig& c, const Registry& registry);

// The data of a family's streams: `given` where set, else each stream's default.
DataSpecs data_for_streams(const Capabilities& caps, const DataSpecs& given);

}  // namespace gan
