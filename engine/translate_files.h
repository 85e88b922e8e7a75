#pragma once
// Translating many image files with an image-to-image family's snapshot, for `gan-explorer translate`
// and the GUI's File > Translate a folder: each file read, brought to the model's size and channels,
// translated, and written as OUT/STEM_DIRECTION.png.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "models/core/family.h"

namespace gan {

// The image files named: files as they are; folders, every image file in them (sorted by name).
// Throws std::runtime_error for a folder with no images.
std::vector<std::string> image_files_of(const std::vector<std::string>& inputs);

// NAME as a file name's part: ASCII letters, digits, '-' and '.' kept, each run of anything else one '_'
// ("T-shirt/top" -> "T-shirt_top", "Ankle boot ×1.5" -> "Ankle_boot_1.5").
std::string file_part(const std::string& name);

struct TranslateReport {
  long long written = 0;
  std::vector<std::string> failed;  // "why" for each input that could not be read or written
};

// 64 files at a time; `progress(done, total)` after each batch; `cancel` is checked between batches
// (throws Cancelled: what was written stays). Throws std::runtime_error when OUT cannot be made.
TranslateReport translate_files(Snapshot& snapshot, int resolution, int channels, const std::vector<std::string>& files,
                                const Values& options, const std::string& out_dir,
                                const std::function<void(long long, long long)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

}  // namespace gan
