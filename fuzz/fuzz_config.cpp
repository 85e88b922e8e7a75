// libFuzzer target: the config parser and its validation, as `train --config FILE` reads a file.
#include <cstdint>
#include <string>

#include "engine/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static const gan::Registry registry = gan::Registry::builtin();
  try {
    const auto j = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size));
    gan::TrainConfig c = gan::config_from_json(j);
    gan::validate(c, registry);
    (void)gan::to_json(c).dump();
  } catch (const std::exception&) {
  }
  return 0;
}
