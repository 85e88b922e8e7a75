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

template <class Draw>
torch::Tensor RandomStream::draw(Draw draw) {
  torch::NoGradGuard no_grad;
  torch::Generator gen = make_cpu_generator(0);
  gen.set_state(state_.to(torch::kCPU).contiguous());
  auto out = draw(gen);
  state_.copy_(gen.get_state());
  return out;
}

torch::Tensor RandomStream::randn(torch::IntArrayRef shape) {
  return draw([&](torch::Generator& gen) { return batch_randn(shape, gen); });
}

torch::Tensor RandomStream::rand(torch::IntArrayRef shape) {
  return draw([&](torch::Generator& gen) { return batch_rand(shape, gen); });
}

SeededDropoutImpl::SeededDropoutImpl(double p, unsigned long long seed) : p(p), stream(*this, seed) {}

torch::Tensor SeededDropoutImpl::forward(const torch::Tensor& x) {
  if (!is_training() || p <= 0) return x;
  auto keep = stream.rand(x.sizes()).ge(p).to(x.device(), x.scalar_type());
  return x * keep / (1 - p);
}

}  // namespace gan
