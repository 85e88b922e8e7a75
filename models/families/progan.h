#pragma once
// ProGAN's growth schedule, on its own so that it can be tested: stage 0 (4x4) trains for
// `stable_images` real images; each later stage fades its block in over `fade_images` (alpha rising
// linearly from 0 to 1), then stabilises for `stable_images`; the last stage goes on for ever.
#include <string>

namespace gan {

class GrowthSchedule {
 public:
  GrowthSchedule(int stages, long long fade_images, long long stable_images);
  // Alpha after `shown` images of `stage`.
  double alpha(int stage, long long shown) const;
  // Counts n more images shown; moves to the next stage when this one is complete, carrying the
  // images beyond its end into the next. Returns what happened.
  enum class Change { None, FadeDone, NewStage };
  Change advance(int& stage, long long& shown, long long n) const;
  long long stage_length(int stage) const;
  int stages() const { return stages_; }

 private:
  int stages_;
  long long fade_, stable_;
};

// What a sample grid says of its images: "8x8 fading in from 4x4 (alpha = 0.42), shown at 32x32
// (nearest neighbour)".
std::string growth_note(int stage, double alpha, int resolution);

}  // namespace gan
