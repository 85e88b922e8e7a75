// libFuzzer target: the image-folder reader (the completeness check and OpenCV's decoders, then the
// resize and crop), on a folder holding one file of the fuzzer's bytes, as a PNG, a JPEG and a PPM.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "engine/dataset.h"
#include "engine/image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static const std::string dir = "/tmp/gan-fuzz-image-" + std::to_string(::getpid());
  static const bool made = (::mkdir(dir.c_str(), 0700), true);
  (void)made;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)gan::incomplete_image(bytes);
  static const char* names[] = {"/x.png", "/x.jpg", "/x.ppm"};
  const std::string path = dir + names[size % 3];
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  try {
    gan::load_dataset({dir, "train", {}}, 8);
  } catch (const std::exception&) {
  }
  ::unlink(path.c_str());
  return 0;
}
