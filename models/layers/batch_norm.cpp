#include "models/layers/batch_norm.h"

#include "models/core/parallel.h"

// The base declares pretty_print and defines it only for LibTorch's own batch-norm classes.
template <>
void torch::nn::BatchNormImplBase<2, gan::SyncBatchNorm2dImpl>::pretty_print(std::ostream& stream) const {
  stream << "gan::SyncBatchNorm2d(" << options.num_features() << ", eps=" << options.eps() << ")";
}

namespace gan {

namespace {
thread_local bool frozen_running_stats = false;
}

FrozenRunningStats::FrozenRunningStats() : previous_(frozen_running_stats) { frozen_running_stats = true; }
FrozenRunningStats::~FrozenRunningStats() { frozen_running_stats = previous_; }
bool FrozenRunningStats::active() { return frozen_running_stats; }

void SyncBatchNorm2dImpl::_check_input_dim(const torch::Tensor& input) {
  TORCH_CHECK(input.dim() == 4, "expected a 4-D input (got ", input.dim(), "-D)");
}

torch::Tensor SyncBatchNorm2dImpl::forward(const torch::Tensor& input) {
  const bool frozen = is_training() && FrozenRunningStats::active();
  if (!is_training() || !active_collective() || !parallel_context().sync_batch_norm) {
    if (!frozen) return BatchNormImplBase::forward(input);
    _check_input_dim(input);
    return torch::batch_norm(input, weight, bias, /*running_mean=*/{}, /*running_var=*/{}, /*training=*/true,
                             /*momentum=*/0.0, options.eps(), torch::globalContext().userEnabledCuDNN());
  }
  _check_input_dim(input);
  const int64_t c = input.size(1);
  const std::vector<int64_t> dims{0, 2, 3}, shape{1, c, 1, 1};
  // One all-reduce of the sums and sums of squares (in double: the variance is their difference) and
  // the item count; its gradient goes back to every rank the same way.
  const auto items = static_cast<double>(input.numel() / c);
  auto stats = all_reduce_sum_differentiable(torch::cat({input.sum(dims, false, torch::kDouble),
                                                         input.pow(2).sum(dims, false, torch::kDouble),
                                                         torch::full({1}, items, input.options().dtype(torch::kDouble))}));
  auto n = stats.narrow(0, 2 * c, 1).detach();
  auto mean64 = stats.narrow(0, 0, c) / n;
  auto var = (stats.narrow(0, c, c) / n - mean64.pow(2)).clamp_min(0).to(input.scalar_type());
  auto mean = mean64.to(input.scalar_type());
  auto centred = input - mean.view(shape);
  auto out = centred * torch::rsqrt(var.view(shape) + options.eps());
  if (options.affine()) out = out * weight.view(shape) + bias.view(shape);
  if (options.track_running_stats() && !frozen) {
    torch::NoGradGuard no_grad;
    num_batches_tracked += 1;
    const double factor = options.momentum() ? *options.momentum() : 1.0 / num_batches_tracked.item<double>();
    const double all = n.item<double>();
    running_mean.mul_(1 - factor).add_(mean.detach() * factor);
    running_var.mul_(1 - factor).add_(var.detach() * (all / std::max(1.0, all - 1)) * factor);
  }
  return out;
}

}  // namespace gan
