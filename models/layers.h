#pragma once
// Layers and helpers any family can use.
#include <torch/torch.h>

namespace gan {

// Copies every parameter and buffer of src into dst (same architecture), without autograd.
void copy_module_state(const torch::nn::Module& src, torch::nn::Module& dst);

// Radford et al. (2016) initialisation: conv weights ~ N(0, 0.02); batch-norm gamma ~ N(1, 0.02),
// beta = 0. Draws from `gen`, so the initial weights follow the run's seed.
void dcgan_init(torch::nn::Module& module, torch::Generator& gen);

// ema <- decay * ema + (1 - decay) * src for every parameter; buffers (batch-norm statistics) are
// copied. The two modules have the same architecture.
void ema_update(torch::nn::Module& ema, const torch::nn::Module& src, double decay);

long long count_parameters(const torch::nn::Module& module);

// Saves / loads a module or optimizer under `key` as a nested archive.
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::nn::Module& m);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::nn::Module& m);
void save_nested(torch::serialize::OutputArchive& archive, const std::string& key, const torch::optim::Optimizer& o);
void load_nested(torch::serialize::InputArchive& archive, const std::string& key, torch::optim::Optimizer& o);

}  // namespace gan
