#pragma once
// The interface every GAN family implements: its players, its training step, and a snapshot that
// samples and renders its explore panels on other threads.
#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/core/explore.h"
#include "models/core/params.h"
#include "models/core/player.h"
#include "models/core/registry.h"

namespace gan {

// What a family is built from: validated hyper-parameters and what the data decide.
struct FamilySetup {
  ParamSet params;                       // validated against the family's specs
  int image_channels = 1;                // from the data
  int num_classes = 0;                   // from the data (0 when unlabelled)
  std::vector<std::string> class_names;  // the classes' names, for labelling samples
  // The labels are binary attributes, one per name in class_names (N x K, 0 or 1), not one class each.
  bool attributes = false;
  // With an extra_domains stream given: how many of class_names each stream brought, the first stream's
  // then the extra one's ({10, 8}); empty otherwise.
  std::vector<int> class_groups;
  torch::Device device = torch::kCPU;
  int revision = kModelRevision;         // the behaviour revision of the run (params.h)
};

// n items of a stream on the family's device: images in [-1, 1], N x C x H x W, and int64 labels
// (undefined when the data have none): N class indices, or N x K 0/1 for attributes.
struct Batch {
  torch::Tensor images;
  torch::Tensor labels;
};

// The training data, by stream name (Capabilities::streams).
class Streams {
 public:
  virtual ~Streams() = default;
  // The next n items of `stream`; throws std::invalid_argument for a stream the run does not have.
  virtual Batch next(const std::string& stream, long long n) = 0;
};

// A whole stream's data, for families that need more than batches (SGAN's labelled subset, CycleGAN's
// fixed preview batch): N x C x R x R uint8 on the CPU, and N int64 labels (N x K for attributes) or undefined.
struct StreamData {
  torch::Tensor images;
  torch::Tensor labels;
};

// What `sample` is asked for: n samples for a seed and options (Capabilities::sample_options), or,
// for families that take images, the images in `inputs` (N x C x R x R uint8) transformed.
struct SampleRequest {
  long long n = 64;
  long long seed = 20161119;
  Values options;
  torch::Tensor inputs;
};

// How real images are brought to look like a family's samples when the samples are not plain images at
// the output resolution (a growing network draws them smaller and scales them up). Metrics pass the
// real images through it, so that both sides of a comparison went the same way. Empty for most.
struct RealPath {
  std::string key;   // names the path exactly (ProGAN: stage and alpha); metrics cache real statistics by it
  std::string note;  // what it does, for a metric point's label
  std::function<torch::Tensor(const torch::Tensor&)> apply;  // uint8 N x C x R x R -> the same, a pure function
  explicit operator bool() const { return static_cast<bool>(apply); }
};

// N samples as 8-bit images on the CPU, and how to lay them out: `columns` per row, an optional label
// per row (a class, a direction).
struct Samples {
  torch::Tensor images;  // N x C x H x W uint8
  int columns = 8;
  std::vector<std::string> row_labels;
  std::string note;  // what the images are, when it is not obvious ("8x8, shown at 32x32")
  RealPath real_path;  // set when real images need it to be compared with these
  // With inputs: each input's translations, output_names.size() of them per input, input by input, each
  // named by what it is ("AtoB", "Sneaker"); files written from them are named STEM_NAME.
  std::vector<std::string> output_names;
};

// A frozen copy of what a family renders with, detached from training: safe to use on another thread
// while training goes on. Implementations never keep references into the family.
class Snapshot {
 public:
  virtual ~Snapshot() = default;
  // The one sampling path: the sample grid, `gan-explorer sample`, `interpolate` and `translate`, and
  // the metrics all call it. Throws std::invalid_argument for options it cannot honour.
  virtual Samples sample(const SampleRequest& request) = 0;
  // Renders one of the family's explore panels (Capabilities::views).
  virtual ExploreResult explore(const ExploreRequest& request) = 0;
};

class Family {
 public:
  explicit Family(FamilyInfo info) : info_(std::move(info)) {}
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const FamilyInfo& info() const { return info_; }

  // Called before training (and again when a run resumes) with each stream's whole data.
  virtual void attach_data(const std::map<std::string, StreamData>& /*data*/) {}

  // One training step: draws items from `streams` and all noise from `noise`, so that a run is
  // reproducible from its seed. Returns the scalars it reports (Capabilities::series).
  virtual Scalars train_step(Streams& streams, torch::Generator& noise) = 0;

  virtual std::shared_ptr<Snapshot> snapshot() const = 0;

  // For families that train classifiers (the Measured accuracy series, in that order): each one's
  // class logits (N x K, on the CPU) for images in [-1, 1], in eval mode.
  virtual std::vector<torch::Tensor> classify(const torch::Tensor& /*images*/) { return {}; }

  // For families with Measured series of their own (Capabilities::has_measures): their values now, by
  // id, measured on a fixed draw so that one measurement compares with the next. Called on the accuracy
  // cadence; it must not draw from the run's noise.
  virtual Scalars measure() { return {}; }

  virtual int resolution() const = 0;
  virtual int image_channels() const = 0;

  // The players, in the order they were added.
  const std::vector<Player*>& players() const { return players_; }
  Player* player(const std::string& key) const;
  virtual long long parameter_count() const;

  // Everything needed to continue exactly: every player (network, optimizer, EMA, historical average)
  // under its key, then the family's own state.
  virtual void save(torch::serialize::OutputArchive& archive) const;
  virtual void load(torch::serialize::InputArchive& archive);

 protected:
  // Registers a player the family owns (it must outlive the family's use of it).
  void add_player(Player& p) { players_.push_back(&p); }
  virtual void save_state(torch::serialize::OutputArchive& /*archive*/) const {}
  virtual void load_state(torch::serialize::InputArchive& /*archive*/) {}

 private:
  FamilyInfo info_;  // a copy: a family outlives any registry
  std::vector<Player*> players_;
};

// Builds the family named by info with validated params; throws std::invalid_argument with every
// problem listed when the params are bad.
std::unique_ptr<Family> create_family(const FamilyInfo& info, FamilySetup setup);

}  // namespace gan
