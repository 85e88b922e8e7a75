#pragma once
// What is sampled, explored and measured when nothing trains: a checkpoint's family, or a generator
// trained elsewhere (a TorchScript file), sampled as the latent families are. The CLI's `sample`,
// `interpolate` and `metrics`, the GUI's File › Open, and the fidelity–diversity sweep open one.
#include <memory>
#include <string>
#include <vector>

#include "engine/trainer.h"
#include "models/networks/image_nets.h"

namespace gan {

// A TorchScript generator: a module mapping N x latent_dim latents (and N int64 classes when
// `classes` > 0) to N x C x R x R images in [-1, 1].
struct GeneratorFile {
  std::string path;
  long long latent_dim = 0;
  int classes = 0;  // 0: unconditional
};
// What is wrong with the latent size or class count (empty when fine): checked before the file is read.
std::string generator_file_problem(const GeneratorFile& g);

// The family a TorchScript generator is explored as: the latent families' sample options and latent
// explorer, with a class control when conditional.
FamilyInfo torchscript_family_info(bool conditional);

// A frozen copy of a generator to sample on one thread, with what it is.
struct Frozen {
  std::shared_ptr<Snapshot> snapshot;
  FamilyInfo info;
  long long step = 0;
  int resolution = 0, channels = 0;
};

struct Source {
  std::unique_ptr<Checkpoint> checkpoint;     // from a checkpoint
  std::shared_ptr<ImageGenerator> generator;  // from a TorchScript file
  FamilyInfo info;
  std::string name;   // the family's id, or the file
  long long step = 0;
  std::vector<std::string> class_names;  // a generator's: "Class 0", ... (a checkpoint's are in its config)
  // A new snapshot each call (each is a frozen copy to sample on one thread).
  std::shared_ptr<Snapshot> snapshot() const;
  int resolution() const;
  int channels() const;
  long long parameters() const;
  std::string at() const;  // " at step N" for a checkpoint, else empty
  Frozen freeze() const { return {snapshot(), info, step, resolution(), channels()}; }
};

// Throws std::runtime_error with a message for the user (read_checkpoint's).
Source open_checkpoint_source(const std::string& path, const Registry& registry);
// Throws std::invalid_argument with a message for the user: the numbers (generator_file_problem), a file
// that is not such a module, a wrong forward, a wrong shape.
Source open_generator_source(const GeneratorFile& g);

}  // namespace gan
