#include "models/core/parallel.h"

#include <cstdint>
#include <limits>
#include <map>
#include <utility>

namespace gan {

namespace {
thread_local ParallelContext current_context;

// The rows of this rank from a draw of the whole batch of all ranks.
template <typename Draw>
torch::Tensor own_rows(torch::IntArrayRef shape, Draw draw) {
  Collective* c = active_collective();
  if (!c || shape.empty()) return draw(shape);
  std::vector<int64_t> all(shape.begin(), shape.end());
  all[0] *= c->world();
  return draw(all).narrow(0, shape[0] * c->rank(), shape[0]).contiguous();
}

constexpr int64_t kBucketBytes = 25LL << 20;
}  // namespace

ParallelScope::ParallelScope(ParallelContext context) : previous_(current_context) { current_context = context; }
ParallelScope::~ParallelScope() { current_context = previous_; }

const ParallelContext& parallel_context() { return current_context; }

Collective* active_collective() {
  Collective* c = current_context.collective;
  return c && c->world() > 1 ? c : nullptr;
}

int batch_world() {
  Collective* c = active_collective();
  return c ? c->world() : 1;
}

torch::Tensor batch_randn(torch::IntArrayRef shape, torch::Generator& gen) {
  return own_rows(shape, [&](torch::IntArrayRef s) { return torch::randn(s, gen, torch::kFloat); });
}

torch::Tensor batch_rand(torch::IntArrayRef shape, torch::Generator& gen) {
  return own_rows(shape, [&](torch::IntArrayRef s) { return torch::rand(s, gen, torch::kFloat); });
}

torch::Tensor batch_randint(long long high, torch::IntArrayRef shape, torch::Generator& gen) {
  return own_rows(shape, [&](torch::IntArrayRef s) { return torch::randint(0, high, s, gen, torch::kLong); });
}

namespace {
// Tensors packed for collectives: one flat tensor per bucket of one dtype and device, in order, each
// bucket at most `max_bytes` (a tensor larger than that gets a bucket of its own).
struct Packed {
  std::vector<std::vector<torch::Tensor>> buckets;
  std::vector<torch::Tensor> flat;

  Packed(const std::vector<torch::Tensor>& tensors, int64_t max_bytes) {
    std::map<std::pair<int, std::string>, size_t> open;  // (dtype, device) -> the bucket being filled
    std::vector<int64_t> bytes;
    for (const auto& t : tensors) {
      const int64_t size = t.numel() * static_cast<int64_t>(t.element_size());
      const auto key = std::make_pair(static_cast<int>(t.scalar_type()), t.device().str());
      auto it = open.find(key);
      if (it == open.end() || bytes[it->second] + size > max_bytes) {
        buckets.emplace_back();
        bytes.push_back(0);
        it = open.insert_or_assign(key, buckets.size() - 1).first;
      }
      buckets[it->second].push_back(t);
      bytes[it->second] += size;
    }
    for (const auto& b : buckets) {
      std::vector<torch::Tensor> pieces;
      for (const auto& t : b) pieces.push_back(t.reshape({-1}));
      flat.push_back(torch::cat(pieces));
    }
  }
  // Copies the flat tensors back into the tensors they were packed from.
  void unpack() {
    for (size_t i = 0; i < buckets.size(); ++i) {
      int64_t at = 0;
      for (auto& t : buckets[i]) {
        t.copy_(flat[i].narrow(0, at, t.numel()).view(t.sizes()));
        at += t.numel();
      }
    }
  }
};
}  // namespace

void average_gradients(const std::vector<torch::Tensor>& params) {
  Collective* c = active_collective();
  if (!c) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad());
  Packed packed(grads, kBucketBytes);
  c->all_reduce_sum(packed.flat);
  for (auto& f : packed.flat) f.mul_(1.0 / c->world());
  packed.unpack();
}

void broadcast_from_rank0(const std::vector<torch::Tensor>& tensors) {
  Collective* c = active_collective();
  if (!c || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  // One broadcast per dtype and device: many small buffers (batch-norm statistics) cost one round trip.
  std::vector<torch::Tensor> detached;
  for (const auto& t : tensors) detached.push_back(t.detach());
  Packed packed(detached, std::numeric_limits<int64_t>::max());
  c->broadcast(packed.flat, 0);
  packed.unpack();
}

namespace {
struct AllReduceSum : torch::autograd::Function<AllReduceSum> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, int64_t collective) {
    ctx->saved_data["collective"] = collective;
    std::vector<torch::Tensor> t{x.detach().contiguous().clone()};
    reinterpret_cast<Collective*>(collective)->all_reduce_sum(t);
    return t[0];
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    // The all-reduce is not recorded: a gradient of this gradient (a penalty through synchronised
    // batch norm) would silently miss the other ranks' part.
    TORCH_CHECK(!torch::GradMode::is_enabled(),
                "a gradient through synchronised batch norm cannot be differentiated again: use --sync-bn only "
                "for families without a gradient penalty through batch norm");
    auto* c = reinterpret_cast<Collective*>(ctx->saved_data["collective"].toInt());
    std::vector<torch::Tensor> t{grads[0].contiguous().clone()};
    c->all_reduce_sum(t);
    return {t[0], torch::Tensor()};
  }
};
}  // namespace

torch::Tensor all_reduce_sum_differentiable(const torch::Tensor& x) {
  Collective* c = active_collective();
  if (!c) return x;
  return AllReduceSum::apply(x, static_cast<int64_t>(reinterpret_cast<intptr_t>(c)));
}

}  // namespace gan
