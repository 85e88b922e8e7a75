#pragma once
// Shrivastava et al.'s history of generated images, as CycleGAN uses it (pool size 50): until the pool
// is full every image is stored and returned; then each image is, with probability 1/2, swapped for a
// random stored one (which is returned in its place), else returned as it is. Draws come from the
// generator given, so a run stays reproducible; the pool is saved with the run.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace gan {

class ImagePool {
 public:
  explicit ImagePool(long long capacity) : capacity_(capacity) {}
  // images: N x C x H x W; returns N images, some from the history.
  torch::Tensor query(const torch::Tensor& images, torch::Generator& noise);
  size_t size() const { return stored_.size(); }
  long long capacity() const { return capacity_; }
  void save(torch::serialize::OutputArchive& archive, const std::string& key) const;
  void load(torch::serialize::InputArchive& archive, const std::string& key, torch::Device device);

 private:
  long long capacity_;
  std::vector<torch::Tensor> stored_;
};

// 1 for `constant` steps, then down in a straight line to 0 at constant + decay (CycleGAN's schedule).
double linear_decay_factor(long long step, long long constant, long long decay);

}  // namespace gan
