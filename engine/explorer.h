#pragma once
// The explorer's renderer: its own thread, latest-wins requests, stamped 8-bit results.
// Like Qt's Mandelbrot RenderThread: request() stores the newest request and wakes the thread;
// a request that arrives while another renders replaces any that still waits.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/image.h"
#include "models/family.h"
#include "models/latent.h"

namespace gan {

enum class RenderKind { Explore = 0, Grid = 1 };

struct RenderRequest {
  RenderKind kind = RenderKind::Explore;
  // Explore: the image between the latents of two seeds.
  long long seed_a = 1;
  long long seed_b = 2;
  double t = 0.0;
  InterpMode mode = InterpMode::Slerp;
  // Both kinds: truncation threshold (<= 0: off) and class (-1: none).
  double truncation = 0.0;
  int label = -1;
  // Grid of a conditional generator with label -1: one row per class, the same latents in each column
  // (ceil(grid_count / num_classes) of them). 0: an unconditional grid.
  int num_classes = 0;
  // Grid: `grid_count` fixed latents drawn from `grid_seed`.
  int grid_count = 64;
  long long grid_seed = 20161119;
};

struct RenderResult {
  RenderKind kind = RenderKind::Explore;
  std::uint64_t stamp = 0;       // increases with every request; newer results have larger stamps
  Image8 image;
  double render_ms = 0;          // request taken to image ready
  long long generator_step = -1; // training step of the generator that drew it
  std::string error;             // set instead of an image when rendering failed
};

// Renders requests with a generator snapshot (never throws across the thread: errors are results).
RenderResult render_now(GeneratorSnapshot& g, const RenderRequest& r);

class Explorer {
 public:
  using Listener = std::function<void(const RenderResult&)>;
  explicit Explorer(Listener listener);
  ~Explorer();
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  // Queues `r` in place of any waiting request of its kind; returns its stamp.
  std::uint64_t request(const RenderRequest& r);
  // A new generator: the latest request of each kind is rendered again with it.
  void set_generator(std::shared_ptr<GeneratorSnapshot> g, long long step);
  bool has_generator() const;

 private:
  void run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Listener listener_;
  std::shared_ptr<GeneratorSnapshot> generator_;
  long long generator_step_ = -1;
  std::optional<RenderRequest> pending_[2];
  std::uint64_t pending_stamp_[2] = {0, 0};
  std::optional<RenderRequest> last_[2];
  std::uint64_t next_stamp_ = 0;
  bool abort_ = false;
  std::thread thread_;
};

}  // namespace gan
