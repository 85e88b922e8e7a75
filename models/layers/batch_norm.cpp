#include "models/layers/batch_norm.h"

#include "models/core/parallel.h"

// The base declares pretty_print and defines it only for LibTorch's own batch-norm classes.
template <>
void torch::nn::BatchNormImplBase<2, gan::SyncBatchNorm2dImpl>::pretty_print(std::ostream& stream) const {
  stream << "gan::SyncBatchNorm2d(" << options.num_features() << ", eps=" << options.eps() << ")";
}

namespace gan {

void SyncBatchNorm2dImpl::_check_input_dim(const torch::Tensor& input) {
  TORCH_CHECK(input.dim() == 4, "expected a 4-D input (got ", input.dim(), "-D)");
}

torch::Tensor SyncBatchNorm2dImpl::forward(const torch::Tensor& input) {
  if (!is_training() || !active_collective() || !parallel_context().sync_batch_norm)
    return BatchNormImplBase::forward(input);
  _check_input_dim(input);
  const int64_t c = input.size(1);
  const std::vector<int64_t> dims{0, 2, 3}, shape{1, c, 1, 1};
  // Two passes over all ranks' items: the mean, then the mean squared deviation from it (as stable
  // as one process's batch norm). Both sums carry their gradients back to every rank.
  auto count = torch::full({1}, static_cast<double>(input.numel() / c), input.options());
  auto first = all_reduce_sum_differentiable(torch::cat({input.sum(dims), count}));
  auto n = first.narrow(0, c, 1).detach();
  auto mean = first.narrow(0, 0, c) / n;
  auto centred = input - mean.view(shape);
  auto var = all_reduce_sum_differentiable(centred.pow(2).sum(dims)) / n;
  auto out = centred * torch::rsqrt(var.view(shape) + options.eps());
  if (options.affine()) out = out * weight.view(shape) + bias.view(shape);
  if (options.track_running_stats()) {
    torch::NoGradGuard no_grad;
    num_batches_tracked += 1;
    const double factor = options.momentum() ? *options.momentum() : 1.0 / num_batches_tracked.item<double>();
    const double items = n.item<double>();
    running_mean.mul_(1 - factor).add_(mean.detach() * factor);
    running_var.mul_(1 - factor).add_(var.detach() * (items / std::max(1.0, items - 1)) * factor);
  }
  return out;
}

}  // namespace gan
