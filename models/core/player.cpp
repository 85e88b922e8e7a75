#include "models/core/player.h"

#include <stdexcept>

#include "models/core/parallel.h"

namespace gan {

Player::Player(std::string key, std::shared_ptr<torch::nn::Module> net) : key_(std::move(key)), net_(std::move(net)) {
  if (!net_) throw std::logic_error("a player needs a network");
}

torch::optim::Optimizer& Player::optimizer() const {
  if (!opt_) throw std::logic_error("player " + key_ + " has no optimizer");
  return *opt_;
}

void Player::step() {
  average_gradients(net_->parameters());
  optimizer().step();
}

void Player::set_ema(std::shared_ptr<torch::nn::Module> ema, double decay) {
  ema_ = std::move(ema);
  ema_decay_ = decay;
  if (!ema_) return;
  copy_module_state(*net_, *ema_);
  ema_->eval();
}

torch::Tensor Player::historical_penalty() const { return hist_weight_ * hist_.penalty(net_->parameters()); }

void Player::after_update() {
  if (hist_weight_ > 0) hist_.update(net_->parameters());
  if (ema_) ema_update(*ema_, *net_, ema_decay_);
}

void Player::to(torch::Device device) {
  device_ = device;
  net_->to(device);
  if (ema_) ema_->to(device);
}

long long Player::parameter_count() const { return count_parameters(*net_); }

void Player::save(torch::serialize::OutputArchive& a) const {
  save_nested(a, key_, *net_);
  if (opt_) save_nested(a, "opt_" + key_, *opt_);
  if (ema_) save_nested(a, key_ + "_ema", *ema_);
  if (hist_weight_ > 0) hist_.save(a, "hist_avg_" + key_);
}

void Player::load(torch::serialize::InputArchive& a) {
  load_nested(a, key_, *net_);
  if (opt_) {
    // The optimizer's moments come from the file, its options (learning rate, betas) from the config the
    // player was built with: a resumed run may change them (HyperParam::resumable).
    std::vector<std::unique_ptr<torch::optim::OptimizerOptions>> options;
    for (auto& group : opt_->param_groups()) options.push_back(group.options().clone());
    load_nested(a, "opt_" + key_, *opt_);
    auto& groups = opt_->param_groups();
    for (size_t i = 0; i < groups.size() && i < options.size(); ++i) groups[i].set_options(std::move(options[i]));
  }
  if (ema_) load_nested(a, key_ + "_ema", *ema_);
  if (hist_weight_ > 0) hist_.load(a, "hist_avg_" + key_);
  to(device_);  // an archive's tensors come back on the device they were saved from
  if (opt_) move_optimizer_state(*opt_);  // and the optimizer's moments go where their parameters are
}

}  // namespace gan
