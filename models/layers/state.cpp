#include "models/layers/state.h"

#include <stdexcept>

namespace gan {

// dst's tensor of the same name and shape as src's; std::logic_error otherwise (a copy never reads past a tensor).
static torch::Tensor& matching(torch::OrderedDict<std::string, torch::Tensor>& dst, const std::string& name,
                               const torch::Tensor& src) {
  torch::Tensor* d = dst.find(name);
  if (!d) throw std::logic_error("copy_module_state: the target has no tensor " + name);
  if (d->sizes() != src.sizes() || d->scalar_type() != src.scalar_type())
    throw std::logic_error("copy_module_state: " + name + " differs in shape or type");
  return *d;
}

void copy_module_state(const torch::nn::Module& src, torch::nn::Module& dst) {
  torch::NoGradGuard no_grad;
  auto sp = src.named_parameters(true), dp = dst.named_parameters(true);
  auto sb = src.named_buffers(true), db = dst.named_buffers(true);
  if (sp.size() != dp.size() || sb.size() != db.size())
    throw std::logic_error("copy_module_state: modules differ");
  for (const auto& item : sp) matching(dp, item.key(), item.value()).copy_(item.value());
  for (const auto& item : sb) matching(db, item.key(), item.value()).copy_(item.value());
}

void ema_update(torch::nn::Module& ema, const torch::nn::Module& src, double decay) {
  torch::NoGradGuard no_grad;
  auto ep = ema.named_parameters(true);
  for (const auto& item : src.named_parameters(true)) ep[item.key()].mul_(decay).add_(item.value(), 1.0 - decay);
  auto eb = ema.named_buffers(true);
  for (const auto& item : src.named_buffers(true)) eb[item.key()].copy_(item.value());
}

torch::Tensor HistoricalAverage::penalty(const std::vector<torch::Tensor>& params) const {
  if (count_ == 0 || params.empty()) return params.empty() ? torch::zeros({}) : torch::zeros({}, params[0].options());
  torch::Tensor sum;
  for (size_t i = 0; i < params.size(); ++i) {
    auto term = (params[i] - mean_[i].to(params[i].device())).pow(2).sum();
    sum = sum.defined() ? sum + term : term;
  }
  return sum;
}

void HistoricalAverage::update(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  if (mean_.empty())
    for (const auto& p : params) mean_.push_back(torch::zeros_like(p));
  ++count_;
  for (size_t i = 0; i < params.size(); ++i) {
    if (mean_[i].device() != params[i].device()) mean_[i] = mean_[i].to(params[i].device());  // after a load
    mean_[i].add_((params[i] - mean_[i]) / static_cast<double>(count_));
  }
}

void HistoricalAverage::save(torch::serialize::OutputArchive& archive, const std::string& key) const {
  torch::serialize::OutputArchive sub;
  sub.write("count", torch::tensor(static_cast<int64_t>(count_)));
  for (size_t i = 0; i < mean_.size(); ++i) sub.write("p" + std::to_string(i), mean_[i]);
  archive.write(key, sub);
}

void HistoricalAverage::load(torch::serialize::InputArchive& archive, const std::string& key) {
  torch::serialize::InputArchive sub;
  if (!archive.try_read(key, sub)) throw std::runtime_error("the checkpoint has no '" + key + "'");
  torch::Tensor count;
  sub.read("count", count);
  if (count.numel() != 1) throw std::runtime_error("the checkpoint's '" + key + "' is damaged");
  count_ = count.item<int64_t>();
  mean_.clear();
  for (size_t i = 0;; ++i) {
    torch::Tensor t;
    if (!sub.try_read("p" + std::to_string(i), t)) break;
    mean_.push_back(t);
  }
  if (count_ < 0 || (count_ > 0) == mean_.empty())  // a mean without a count, or a count without a mean
    throw std::runtime_error("the checkpoint's '" + key + "' is damaged (" + std::to_string(count_) + " updates, " +
                             std::to_string(mean_.size()) + " tensors)");
}

void zero_gradients(torch::optim::Optimizer& optimizer) {
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) {
      auto& grad = p.mutable_grad();
      if (!grad.defined()) continue;
      grad.detach_();
      grad.zero_();
    }
}

void move_optimizer_state(torch::optim::Optimizer& optimizer) {
  torch::NoGradGuard no_grad;
  auto& state = optimizer.state();
  for (const auto& group : optimizer.param_groups()) {
    for (const auto& param : group.params()) {
      auto it = find_param_state(state, param);
      if (it == state.end() || !it->second) continue;
      auto to = [&](const torch::Tensor& t) {
        return t.defined() && t.device() != param.device() ? t.to(param.device()) : t;
      };
      if (auto* s = dynamic_cast<torch::optim::AdamParamState*>(it->second.get())) {
        s->exp_avg(to(s->exp_avg()));
        s->exp_avg_sq(to(s->exp_avg_sq()));
        if (s->max_exp_avg_sq().defined()) s->max_exp_avg_sq(to(s->max_exp_avg_sq()));
      } else if (auto* s = dynamic_cast<torch::optim::RMSpropParamState*>(it->second.get())) {
        s->square_avg(to(s->square_avg()));
        if (s->momentum_buffer().defined()) s->momentum_buffer(to(s->momentum_buffer()));
        if (s->grad_avg().defined()) s->grad_avg(to(s->grad_avg()));
      } else if (auto* s = dynamic_cast<torch::optim::SGDParamState*>(it->second.get())) {
        if (s->momentum_buffer().defined()) s->momentum_buffer(to(s->momentum_buffer()));
      }
    }
  }
}

long long count_parameters(const torch::nn::Module& module) {
  long long n = 0;
  for (const auto& p : module.parameters(true)) n += p.numel();
  return n;
}

void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::nn::Module& m) {
  torch::serialize::OutputArchive sub;
  m.save(sub);
  archive.write(key, sub);
}

void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& m) {
  torch::serialize::InputArchive sub;
  if (!archive.try_read(key, sub)) throw std::runtime_error("the checkpoint has no '" + key + "'");
  m.load(sub);
}

void save_nested(torch::serialize::OutputArchive& archive, const std::string& key,
                 const torch::optim::Optimizer& o) {
  torch::serialize::OutputArchive sub;
  o.save(sub);
  archive.write(key, sub);
}

void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::optim::Optimizer& o) {
  torch::serialize::InputArchive sub;
  if (!archive.try_read(key, sub)) throw std::runtime_error("the checkpoint has no '" + key + "'");
  o.load(sub);
}

void set_requires_grad(std::initializer_list<torch::nn::Module*> modules, bool on) {
  for (auto* m : modules)
    for (auto& p : m->parameters()) p.set_requires_grad(on);
}

}  // namespace gan
