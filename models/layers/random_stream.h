#pragma once
// A module's own random stream, for layers that draw while training (Gaussian noise layers): a CPU
// generator whose state is a buffer of the module, so that it is saved and restored with the weights,
// copied with them into snapshots and EMAs, and broadcast with them in data-parallel runs. A run's draws
// then follow its seed, whether it was resumed or not, and whatever else the process drew before.
#include <torch/torch.h>

#include <string>

namespace gan {

class RandomStream {
 public:
  RandomStream() = default;
  // Registers the buffer `name` on `owner`, seeded with `seed`.
  RandomStream(torch::nn::Module& owner, unsigned long long seed, const std::string& name = "rng");
  void reseed(unsigned long long seed);
  // N(0, 1) of `shape` on the CPU, by the per-batch draws of models/core/parallel.h (shape[0] is this
  // rank's rows: W processes draw what one process with W times the batch draws).
  torch::Tensor randn(torch::IntArrayRef shape);
  // U[0, 1) of `shape` on the CPU, likewise.
  torch::Tensor rand(torch::IntArrayRef shape);
  bool defined() const { return state_.defined(); }

 private:
  template <class Draw>
  torch::Tensor draw(Draw draw);
  torch::Tensor state_;  // the generator's state (uint8), a buffer of the owner
};

// Dropout (Srivastava et al. 2014) whose masks come from its own RandomStream: while training each
// element is kept with probability 1 - p and scaled by 1 / (1 - p); the identity in eval mode.
struct SeededDropoutImpl : torch::nn::Module {
  SeededDropoutImpl(double p, unsigned long long seed);
  torch::Tensor forward(const torch::Tensor& x);
  double p;
  RandomStream stream;
};
TORCH_MODULE(SeededDropout);

}  // namespace gan
