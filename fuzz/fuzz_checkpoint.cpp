// libFuzzer target: the checkpoint loader. An input whose first byte is even is the file itself (the
// header and checksum usually stop it); an odd one is an archive, sealed with a right header and
// checksum first, so the fuzzer reaches the zip walk, LibTorch's reader and the checks behind them.
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "engine/checkpoint_file.h"
#include "engine/trainer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static const gan::Registry registry = gan::Registry::builtin();
  static const std::string path = "/tmp/gan-fuzz-checkpoint-" + std::to_string(::getpid()) + ".pt";
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) bytes = gan::seal_checkpoint(bytes);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  try {
    gan::Checkpoint ck = gan::read_checkpoint(path, registry);
    // What opening a checkpoint does next: sample from it.
    gan::SampleRequest r;
    r.n = 2;
    ck.family->snapshot()->sample(r);
  } catch (const std::exception&) {
  }
  return 0;
}
