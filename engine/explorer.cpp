#include "engine/explorer.h"

#include <chrono>
#include <cmath>

#include "engine/threads.h"

namespace gan {

RenderResult render_now(GeneratorSnapshot& g, const RenderRequest& r) {
  RenderResult out;
  out.kind = r.kind;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    torch::NoGradGuard no_grad;
    const long long dim = g.latent_dim();
    torch::Tensor z, labels;
    int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(r.grid_count))));
    if (r.kind == RenderKind::Grid && r.num_classes > 0 && r.label < 0) {  // a row per class
      columns = (r.grid_count + r.num_classes - 1) / r.num_classes;
      torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(r.grid_seed));
      z = truncated_normal({columns, dim}, r.truncation, gen).repeat({r.num_classes, 1});
      labels = torch::arange(static_cast<int64_t>(r.num_classes), torch::kLong).repeat_interleave(columns);
    } else if (r.kind == RenderKind::Grid) {
      torch::Generator gen = make_cpu_generator(static_cast<unsigned long long>(r.grid_seed));
      z = truncated_normal({r.grid_count, dim}, r.truncation, gen);
    } else {
      z = interpolate(latent_for_seed(r.seed_a, dim, r.truncation), latent_for_seed(r.seed_b, dim, r.truncation), r.t,
                      r.mode);
    }
    if (!labels.defined() && r.label >= 0) labels = torch::full({z.size(0)}, r.label, torch::kLong);
    auto images = g.generate(z, labels);
    out.image = r.kind == RenderKind::Grid ? make_grid(images, columns) : to_image8(images[0]);
  } catch (const std::exception& e) {
    std::string why = e.what();
    out.error = "rendering failed: " + why.substr(0, why.find('\n'));
  }
  out.render_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Explorer::Explorer(Listener listener) : listener_(std::move(listener)), thread_([this] { run(); }) {}

Explorer::~Explorer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abort_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::uint64_t Explorer::request(const RenderRequest& r) {
  std::uint64_t stamp;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int k = static_cast<int>(r.kind);
    stamp = ++next_stamp_;
    pending_[k] = r;
    pending_stamp_[k] = stamp;
    last_[k] = r;
  }
  wake_.notify_one();
  return stamp;
}

void Explorer::set_generator(std::shared_ptr<GeneratorSnapshot> g, long long step) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generator_ = std::move(g);
    generator_step_ = step;
    for (int k = 0; k < 2; ++k)
      if (last_[k] && !pending_[k]) pending_[k] = last_[k], pending_stamp_[k] = ++next_stamp_;
  }
  wake_.notify_one();
}

bool Explorer::has_generator() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return generator_ != nullptr;
}

void Explorer::run() {
  init_torch_thread();
  int turn = 0;  // alternate kinds so that a stream of drags never starves the grid
  for (;;) {
    RenderRequest req;
    std::uint64_t stamp = 0;
    std::shared_ptr<GeneratorSnapshot> gen;
    long long step = -1;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return abort_ || (generator_ && (pending_[0] || pending_[1])); });
      if (abort_) return;
      int k = pending_[turn] ? turn : 1 - turn;
      turn = 1 - k;
      req = *pending_[k];
      stamp = pending_stamp_[k];
      pending_[k].reset();
      gen = generator_;
      step = generator_step_;
    }
    RenderResult result = render_now(*gen, req);
    result.stamp = stamp;
    result.generator_step = step;
    try {
      if (listener_) listener_(result);
    } catch (...) {  // a listener's failure must not end the render thread
    }
  }
}

}  // namespace gan
