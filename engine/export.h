#pragma once
// A family's generator written as TorchScript that PyTorch loads without GAN Explorer:
// torch.jit.load(path)(z) (and classes, for conditional generators) gives N x C x R x R images in [-1, 1]
// from N x latent_dim latents, as the family samples (from the EMA of G when it has one, in eval mode).
// The generator is traced in eval mode, so its weights are constants of the graph.
#include <string>

#include "models/core/family.h"

namespace gan {

struct ExportInfo {
  long long latent_dim = 0;
  int num_classes = 0;  // > 0: forward(z, classes)
  int channels = 0, resolution = 0;
};

// Throws std::invalid_argument naming the family when it does not generate from a latent alone (the
// image-to-image families; ProGAN, whose images depend on its stage).
ExportInfo export_generator(Family& family, const std::string& path);

}  // namespace gan
