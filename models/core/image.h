#pragma once
// Between tensors and 8-bit images: what the networks make, what is shown, saved and measured, and
// what users bring.
#include <torch/torch.h>

#include <cstdint>

#include "models/core/explore.h"
#include "models/core/image8.h"

namespace gan {

// Images in [-1, 1] (any shape) to uint8 on the CPU, rounding: the 8 bits that are shown, saved and measured.
torch::Tensor to_uint8(const torch::Tensor& images);
// uint8 images to float in [-1, 1], the range the networks work in.
torch::Tensor from_uint8(const torch::Tensor& images);

// One C x H x W tensor in [-1, 1] (C = 1 or 3; a 4th channel is dropped) to 8 bits, rounding.
Image8 to_image8(const torch::Tensor& chw);
// An explore panel's image output `id` of that tensor.
Output image_output(std::string id, const torch::Tensor& chw);
// N x C x H x W in [-1, 1] (float) or uint8, laid out `columns` wide with `pad` pixels of `pad_value`
// between tiles.
Image8 make_grid(const torch::Tensor& nchw, int columns, int pad = 2, std::uint8_t pad_value = 24);

// An image of any size and channel count as a network takes it: C x R x R uint8, the shorter side
// resized to R (area averaging to shrink, bilinear to grow) and centre-cropped; grey becomes colour
// by repetition, colour becomes grey by its luma (ITU-R BT.601).
torch::Tensor prepare_image(const Image8& image, int resolution, int channels);

// A heat map of H x W values in [0, 1]: black through red and yellow to white (an "inferno"-like ramp).
Image8 heat_map(const torch::Tensor& hw);

}  // namespace gan
