#pragma once
// Data-parallel training as the families see it. A run on W processes (ranks) trains one model: each
// rank holds a copy, takes its own share of every batch, and the gradients are averaged before every
// optimizer step, so that all copies stay equal. The engine implements Collective over PyTorch's c10d;
// families only use the helpers below, and in a one-process run they do exactly what they did before.
//
// The helpers read the calling thread's ParallelScope, which the engine sets around each training step.
#include <torch/torch.h>

#include <vector>

namespace gan {

// The operations data-parallel training needs from a process group. Every rank must call them in the
// same order with tensors of the same shapes.
class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;
  virtual int world() const = 0;
  // Replaces each tensor by its sum over the ranks, in place.
  virtual void all_reduce_sum(std::vector<torch::Tensor>& tensors) = 0;
  // Replaces each tensor by rank `root`'s, in place.
  virtual void broadcast(std::vector<torch::Tensor>& tensors, int root) = 0;
};

// What the training step on this thread runs under. `sync_batch_norm`: batch-norm layers compute their
// statistics over the whole batch of all ranks (SyncBatchNorm), so W processes with batch b train as
// one process with batch W * b would.
struct ParallelContext {
  Collective* collective = nullptr;  // null: one process
  bool sync_batch_norm = false;
};

// Sets the calling thread's context for its lifetime (the previous one comes back after).
class ParallelScope {
 public:
  explicit ParallelScope(ParallelContext context);
  ~ParallelScope();
  ParallelScope(const ParallelScope&) = delete;
  ParallelScope& operator=(const ParallelScope&) = delete;

 private:
  ParallelContext previous_;
};

// The calling thread's context: no collective outside a scope.
const ParallelContext& parallel_context();
// The collective when more than one rank trains, else null.
Collective* active_collective();
// How many ranks' batches make up this step's batch: the world size in a data-parallel step, else 1.
// Families that count the images they have shown (ProGAN's schedule) count this many batches a step.
int batch_world();

// Per-batch draws. Every rank holds the same noise generator; each draws the batch of all ranks
// (shape[0] * W rows) and keeps its own rows, so that W processes draw what one process with W times
// the batch draws. shape[0] is this rank's batch. With one process these are torch::randn, torch::rand
// and torch::randint with the generator, on the CPU, as float (int64 for integers).
torch::Tensor batch_randn(torch::IntArrayRef shape, torch::Generator& gen);
torch::Tensor batch_rand(torch::IntArrayRef shape, torch::Generator& gen);
torch::Tensor batch_randint(long long high, torch::IntArrayRef shape, torch::Generator& gen);

// Averages the gradients of `params` over the ranks (a no-op with one): all gradients are packed into
// buckets of about 25 MiB, each summed with one all-reduce, as DistributedDataParallel does. Parameters
// without a gradient are skipped: every rank runs the same code, so they are the same on every rank.
void average_gradients(const std::vector<torch::Tensor>& params);

// Makes every rank's tensors (parameters, buffers) equal to rank 0's, in place, without autograd.
void broadcast_from_rank0(const std::vector<torch::Tensor>& tensors);

// Sums `x` over the ranks; its gradient is summed over the ranks too (the adjoint of the sum), so a
// value that all ranks compute from it trains as one process would. `x` itself with one rank.
torch::Tensor all_reduce_sum_differentiable(const torch::Tensor& x);

}  // namespace gan
