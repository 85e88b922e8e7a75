#include "models/layers/random_stream.h"

#include "models/core/parallel.h"
#include "models/core/random.h"

namespace gan {

RandomStream::RandomStream(torch::nn::Module& owner, unsigned long long seed, const std::string& name) {
  state_ = owner.register_buffer(name, make_cpu_generator(seed).get_state());
}

void RandomStream::reseed(unsigned long long seed) {
  torch::NoGradGuard no_grad;
  state_.copy_(make_cpu_generator(seed).get_state());
}

torch::Tensor RandomStream::randn(torch::IntArrayRef shape) {
  torch::NoGradGuard no_grad;
  torch::Generator gen = make_cpu_generator(0);
  gen.set_state(state_.to(torch::kCPU).contiguous());
  auto out = batch_randn(shape, gen);
  state_.copy_(gen.get_state());
  return out;
}

}  // namespace gan
