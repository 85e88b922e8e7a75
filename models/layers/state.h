#pragma once
// Module state: copies, moving averages, historical averages, parameter counts and nested archives.
#include <torch/torch.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace gan {

// Copies every parameter and buffer of src into dst (same architecture), without autograd.
void copy_module_state(const torch::nn::Module& src, torch::nn::Module& dst);

// ema <- decay * ema + (1 - decay) * src for every parameter; buffers (batch-norm statistics) are
// copied. The two modules have the same architecture.
void ema_update(torch::nn::Module& ema, const torch::nn::Module& src, double decay);

// Historical averaging (Salimans et al. 2016, section 3.3): the penalty ||theta - mean of past thetas||^2,
// summed over a network's parameters; update() adds the current parameters to the mean.
class HistoricalAverage {
 public:
  torch::Tensor penalty(const std::vector<torch::Tensor>& params) const;  // 0 before the first update
  void update(const std::vector<torch::Tensor>& params);
  long long count() const { return count_; }
  const std::vector<torch::Tensor>& mean() const { return mean_; }
  void save(torch::serialize::OutputArchive& archive, const std::string& key) const;
  void load(torch::serialize::InputArchive& archive, const std::string& key);

 private:
  std::vector<torch::Tensor> mean_;
  long long count_ = 0;
};

long long count_parameters(const torch::nn::Module& module);

// Turns gradients of every parameter of `modules` on or off (a D frozen while G's loss goes through it).
void set_requires_grad(std::initializer_list<torch::nn::Module*> modules, bool on);

// Moves each parameter's optimizer state (Adam's moments, RMSprop's averages, SGD's momentum) to the
// device and type of its parameter, as PyTorch's load_state_dict does; a no-op where they match.
void move_optimizer_state(torch::optim::Optimizer& optimizer);

// Saves / loads a module or optimizer under `key` as a nested archive; loading throws
// std::runtime_error naming the key when the archive has none.
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::nn::Module& m);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& m);
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::optim::Optimizer& o);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::optim::Optimizer& o);

// Zeroes every gradient in place, as LibTorch 1.13's Optimizer::zero_grad() does. LibTorch 2.x's sets
// them to none by default, which changes what an optimizer does with a parameter that received no
// gradient in a step (and what data-parallel ranks exchange); this keeps both versions alike.
void zero_gradients(torch::optim::Optimizer& optimizer);

// The optimizer's state of parameter p: the state map is keyed by the TensorImpl's address written as
// text in LibTorch 1.13, by the address itself from 2.2 on.
template <class Map>
auto find_param_state(Map& state, const torch::Tensor& p) {
  if constexpr (std::is_same_v<typename Map::key_type, std::string>) {
    std::ostringstream key;  // what c10::guts::to_string(TensorImpl*) wrote
    key << static_cast<const void*>(p.unsafeGetTensorImpl());
    return state.find(key.str());
  } else {
    return state.find(p.unsafeGetTensorImpl());
  }
}

}  // namespace gan
