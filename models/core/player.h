#pragma once
// A player: one network with its optimizer, and optionally an exponential moving average of its
// weights and Salimans et al.'s historical averaging. Families combine players; each is saved under
// its own key (the network under KEY, its optimizer under opt_KEY, the EMA under KEY_ema, the
// historical average under hist_avg_KEY).
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "models/layers/state.h"

namespace gan {

class Player {
 public:
  Player(std::string key, std::shared_ptr<torch::nn::Module> net);
  Player(const Player&) = delete;
  Player& operator=(const Player&) = delete;

  const std::string& key() const { return key_; }
  torch::nn::Module& net() const { return *net_; }
  const std::shared_ptr<torch::nn::Module>& net_ptr() const { return net_; }

  void set_optimizer(std::unique_ptr<torch::optim::Optimizer> optimizer) { opt_ = std::move(optimizer); }
  torch::optim::Optimizer& optimizer() const;
  bool has_optimizer() const { return opt_ != nullptr; }
  // Zeroes the network's gradients in place (zero_gradients in layers/state.h).
  void zero_grad() { zero_gradients(optimizer()); }
  // The optimizer's step, after the gradients are averaged over the ranks of a data-parallel run
  // (models/core/parallel.h); with one process it is the optimizer's step alone.
  void step();

  // `ema`: a module of the same architecture; it starts as a copy of the network and is kept in eval mode.
  void set_ema(std::shared_ptr<torch::nn::Module> ema, double decay);
  const std::shared_ptr<torch::nn::Module>& ema() const { return ema_; }
  // What samples come from: the EMA when there is one, else the network.
  const std::shared_ptr<torch::nn::Module>& sampled() const { return ema_ ? ema_ : net_; }

  void set_historical_average(double weight) { hist_weight_ = weight; }
  bool historical_average_on() const { return hist_weight_ > 0; }
  const HistoricalAverage& historical_average() const { return hist_; }
  // weight * ||theta - mean of past thetas||^2; call only when historical averaging is on.
  torch::Tensor historical_penalty() const;

  // After the optimizer's step and any constraint on the weights: the historical average takes the new
  // weights, then the EMA moves towards them.
  void after_update();

  void to(torch::Device device);
  long long parameter_count() const;
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  std::string key_;
  std::shared_ptr<torch::nn::Module> net_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
  std::shared_ptr<torch::nn::Module> ema_;
  double ema_decay_ = 0;
  HistoricalAverage hist_;
  double hist_weight_ = 0;
  torch::Device device_ = torch::kCPU;  // where to() put it: loading puts it back there
};

}  // namespace gan
