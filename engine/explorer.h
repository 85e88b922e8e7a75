#pragma once
// The explorer's renderer: its own thread, latest-wins requests per panel, stamped results.
// Like Qt's Mandelbrot RenderThread: request() stores the newest request of its panel and wakes the
// thread; a request that arrives while another renders replaces the one of its panel that still waits.
// Panels take turns, so a stream of slider drags on one never starves another.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <atomic>
#include <functional>

#include "engine/animation.h"
#include "engine/image.h"
#include "models/core/family.h"

namespace gan {

// What a panel asks for: a grid of samples (the sample grid), or one of the family's explore panels.
struct RenderRequest {
  std::string panel;  // latest wins per panel: "grid", a view's id, ...
  // Animation: samples (their options say which: an interpolation's to_seed) written as an animation
  // file, not shown; it is never repeated for a newer generator.
  // Translate: image files translated and written to a folder (engine/translate_files), never repeated;
  // `progress` is called on the explorer's thread after each batch, `cancel` is checked between them.
  enum class Kind { Samples, Explore, Animation, Translate } kind = Kind::Explore;
  long long n = 64;             // Samples, Animation: how many (frames)
  long long seed = 20161119;    // Samples, Animation: the seed of their latents
  ExploreRequest explore;       // Explore: the view and its values; Samples, Translate: explore.values are
                                // the options (Translate: Capabilities::translate_options)
  std::string animation_path;   // Animation: the .gif or .mp4 written
  AnimationOptions animation;
  std::vector<std::string> files;  // Translate: the images
  std::string out_dir;             // Translate: where OUT/STEM_NAME.png go
  int resolution = 0, channels = 0;  // Translate: the model's images
  std::function<void(long long done, long long total)> progress;
  std::shared_ptr<std::atomic<bool>> cancel;
};

struct RenderResult {
  std::string panel;
  std::uint64_t stamp = 0;        // increases with every request; newer results have larger stamps
  std::vector<Output> outputs;    // Samples: "grid" (an image) and "rows" (text, a line per row label)
  Scalars scalars;
  double render_ms = 0;           // request taken to result ready
  long long generator_step = -1;  // training step of the snapshot that drew it
  std::string error;              // set instead of outputs when rendering failed
};

// Samples laid out as a grid image, one row label per line of `rows`.
Image8 grid_image(const Samples& s);
// Each sample as an image of its own (the frames of an interpolation).
std::vector<Image8> frames_of(const Samples& s);
// Renders a request with a snapshot (never throws: errors are results).
RenderResult render_now(Snapshot& snapshot, const RenderRequest& r);

class Explorer {
 public:
  using Listener = std::function<void(const RenderResult&)>;
  explicit Explorer(Listener listener);
  ~Explorer();
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  // Queues `r` in place of any waiting request of its panel; returns its stamp.
  std::uint64_t request(const RenderRequest& r);
  // A new snapshot: the latest request of each panel is rendered again with it.
  void set_snapshot(std::shared_ptr<Snapshot> s, long long step);
  // Forgets every panel's requests (a new run with other panels).
  void clear_panels();
  bool has_snapshot() const;

 private:
  struct Pending {
    RenderRequest request;
    std::uint64_t stamp = 0;
  };
  void run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Listener listener_;
  std::shared_ptr<Snapshot> snapshot_;
  long long snapshot_step_ = -1;
  std::map<std::string, Pending> pending_;       // waiting, one per panel
  std::map<std::string, RenderRequest> last_;    // the latest request of each panel
  std::map<std::string, std::uint64_t> served_;  // when each panel was last served (turns)
  std::uint64_t next_stamp_ = 0;
  std::uint64_t turn_ = 0;
  bool abort_ = false;
  std::thread thread_;
};

}  // namespace gan
