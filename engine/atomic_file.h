#pragma once
#include <functional>
#include <ostream>
#include <string>

namespace gan {

// Writes `path` atomically: `write` fills a temporary file beside it, which is flushed, synced and
// renamed over `path` only when everything succeeded. A crash or an exception leaves the old file.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// The same for a writer that needs a file name (OpenCV, LibTorch): it writes to the name it is given.
void write_path_atomically(const std::string& path, const std::function<void(const std::string& tmp)>& write);

}  // namespace gan
