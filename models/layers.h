#pragma once
// Layers and helpers any family can use.
#include <torch/torch.h>

namespace gan {

// Copies every parameter and buffer of src into dst (same architecture), without autograd.
void copy_module_state(const torch::nn::Module& src, torch::nn::Module& dst);

// Radford et al. (2016) initialisation: conv (and linear, and minibatch-discrimination) weights
// ~ N(0, 0.02); batch-norm gamma ~ N(1, 0.02), beta = 0. Draws from `gen`, so the initial weights follow the run's seed.
void dcgan_init(torch::nn::Module& module, torch::Generator& gen);

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

// Indices of a class-balanced labelled subset: n / K examples of each of the K classes (the first
// of each class in a permutation drawn from `seed`), in that permutation's order. n < 0: all.
torch::Tensor labelled_subset(const torch::Tensor& labels, long long n, int num_classes, unsigned long long seed);

long long count_parameters(const torch::nn::Module& module);

// Saves / loads a module or optimizer under `key` as a nested archive.
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::nn::Module& m);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& m);
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::optim::Optimizer& o);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::optim::Optimizer& o);

}  // namespace gan
