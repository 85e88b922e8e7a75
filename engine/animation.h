#pragma once
// Frames as an animation: an animated GIF (giflib) or an MP4 video (OpenCV's video writer), chosen by
// the file's suffix. Used by `gan-explorer interpolate --out walk.gif|walk.mp4` and the GUI's export.
#include <string>
#include <vector>

#include "models/core/image8.h"

namespace gan {

enum class AnimationFormat { Gif, Mp4 };

// The format a path asks for (".gif", ".mp4", any case); throws std::invalid_argument naming the
// suffixes that work otherwise.
AnimationFormat animation_format(const std::string& path);
// Whether this build can write the format (giflib, OpenCV's videoio).
bool can_write(AnimationFormat f);

struct AnimationOptions {
  double fps = 12;
  int min_side = 256;       // frames are scaled up by a whole factor (nearest neighbour) to at least this
  bool bounce = false;      // play forward, then back (A to B to A), so that the loop has no jump
};

// Writes `frames` (one size, 1 or 3 channels) to `path`, atomically (a temporary file, then a rename).
// GIF: one palette for all frames (grey: the 256 greys; colour: the colours themselves when there are at
// most 256, else a median cut to 256 on 5 bits per channel), looping.
// MP4: MPEG-4 part 2 ('mp4v'), sides made even. Throws std::runtime_error with the reason.
void write_animation(const std::string& path, const std::vector<Image8>& frames, const AnimationOptions& o = {});

// What an animation file holds, read back by the same libraries (tests, and a check after writing).
struct AnimationInfo {
  int frames = 0, width = 0, height = 0;
};
AnimationInfo read_animation_info(const std::string& path);

// The frames of a GIF, decoded to RGB (tests).
std::vector<Image8> read_gif_frames(const std::string& path);

}  // namespace gan
