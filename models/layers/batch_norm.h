#pragma once
// Batch norm that, in a data-parallel run with ParallelContext::sync_batch_norm, normalises over the
// batch of all ranks (PyTorch's SyncBatchNorm); otherwise it is torch::nn::BatchNorm2d, computation for
// computation, with the same parameter and buffer names (a checkpoint does not tell them apart).
#include <torch/torch.h>

#include <ostream>

namespace gan {

class SyncBatchNorm2dImpl : public torch::nn::BatchNormImplBase<2, SyncBatchNorm2dImpl> {
 public:
  using BatchNormImplBase<2, SyncBatchNorm2dImpl>::BatchNormImplBase;
  explicit SyncBatchNorm2dImpl(int64_t channels) : SyncBatchNorm2dImpl(torch::nn::BatchNormOptions(channels)) {}
  torch::Tensor forward(const torch::Tensor& input);

 protected:
  void _check_input_dim(const torch::Tensor& input) override;
};
TORCH_MODULE(SyncBatchNorm2d);

// Within its scope (on this thread), SyncBatchNorm2d in training mode normalises by the batch as usual
// but leaves its running statistics and count as they are. A discriminator judges generated images
// under it, so that its running statistics, which eval mode uses (ACGAN's measured classifier), are
// those of real images.
class FrozenRunningStats {
 public:
  FrozenRunningStats();
  ~FrozenRunningStats();
  FrozenRunningStats(const FrozenRunningStats&) = delete;
  FrozenRunningStats& operator=(const FrozenRunningStats&) = delete;
  static bool active();

 private:
  bool previous_;
};

}  // namespace gan

// Defined in batch_norm.cpp: the base declares it, and LibTorch defines it only for its own classes.
template <>
void torch::nn::BatchNormImplBase<2, gan::SyncBatchNorm2dImpl>::pretty_print(std::ostream& stream) const;
