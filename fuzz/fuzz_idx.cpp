// libFuzzer target: the IDX reader (gzip-compressed or plain), and the labels check of an IDX pair.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "engine/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static const std::string dir = "/tmp/gan-fuzz-idx-" + std::to_string(::getpid());
  static const bool made = (::mkdir(dir.c_str(), 0700), true);
  (void)made;
  // The first byte splits the input into an images file and a labels file.
  const size_t cut = size > 0 ? (data[0] * size) / 256 : 0;
  const std::string images = dir + "/f-images-idx3-ubyte", labels = dir + "/f-labels-idx1-ubyte";
  std::ofstream(images, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data) + (size ? 1 : 0), static_cast<std::streamsize>(cut > 0 ? cut - 1 : 0));
  std::ofstream(labels, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data) + cut, static_cast<std::streamsize>(size - cut));
  try {
    gan::read_idx(images);
  } catch (const std::exception&) {
  }
  try {
    gan::load_dataset({images, "train", {}}, 8);
  } catch (const std::exception&) {
  }
  return 0;
}
