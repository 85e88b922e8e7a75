#include "models/core/parallel.h"

#include <cstdint>
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

void average_gradients(const std::vector<torch::Tensor>& params) {
  Collective* c = active_collective();
  if (!c) return;
  torch::NoGradGuard no_grad;
  // Buckets of gradients of one dtype and device, in parameter order.
  std::vector<std::vector<torch::Tensor>> buckets;
  std::map<std::pair<int, std::string>, size_t> open;  // (dtype, device) -> the bucket being filled
  std::vector<int64_t> bytes;
  for (const auto& p : params) {
    const auto& g = p.grad();
    if (!g.defined()) continue;
    const auto key = std::make_pair(static_cast<int>(g.scalar_type()), g.device().str());
    auto it = open.find(key);
    if (it == open.end() || bytes[it->second] + g.numel() * static_cast<int64_t>(g.element_size()) > kBucketBytes) {
      buckets.emplace_back();
      bytes.push_back(0);
      it = open.insert_or_assign(key, buckets.size() - 1).first;
    }
    buckets[it->second].push_back(g);
    bytes[it->second] += g.numel() * static_cast<int64_t>(g.element_size());
  }
  std::vector<torch::Tensor> flat;
  flat.reserve(buckets.size());
  for (const auto& b : buckets) {
    std::vector<torch::Tensor> pieces;
    for (const auto& g : b) pieces.push_back(g.reshape({-1}));
    flat.push_back(torch::cat(pieces));
  }
  c->all_reduce_sum(flat);
  const double scale = 1.0 / c->world();
  for (size_t i = 0; i < buckets.size(); ++i) {
    flat[i].mul_(scale);
    int64_t at = 0;
    for (auto& g : buckets[i]) {
      g.copy_(flat[i].narrow(0, at, g.numel()).view_as(g));
      at += g.numel();
    }
  }
}

void broadcast_from_rank0(const std::vector<torch::Tensor>& tensors) {
  Collective* c = active_collective();
  if (!c || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  // One broadcast per dtype and device: many small buffers (batch-norm statistics) cost one round trip.
  std::map<std::pair<int, std::string>, std::vector<size_t>> groups;
  for (size_t i = 0; i < tensors.size(); ++i)
    groups[{static_cast<int>(tensors[i].scalar_type()), tensors[i].device().str()}].push_back(i);
  std::vector<torch::Tensor> flat;
  for (const auto& [key, members] : groups) {
    std::vector<torch::Tensor> pieces;
    for (size_t i : members) pieces.push_back(tensors[i].detach().reshape({-1}));
    flat.push_back(torch::cat(pieces));
  }
  c->broadcast(flat, 0);
  size_t g = 0;
  for (const auto& [key, members] : groups) {
    int64_t at = 0;
    for (size_t i : members) {
      auto t = tensors[i].detach();
      t.copy_(flat[g].narrow(0, at, t.numel()).view(t.sizes()));
      at += t.numel();
    }
    ++g;
  }
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
