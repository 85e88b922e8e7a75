#include "models/layers/image_pool.h"

#include <algorithm>

namespace gan {

torch::Tensor ImagePool::query(const torch::Tensor& images, torch::Generator& noise) {
  if (capacity_ <= 0) return images;
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < images.size(0); ++i) {
    auto image = images[i].detach().clone();
    if (static_cast<long long>(stored_.size()) < capacity_) {
      stored_.push_back(image);
      out.push_back(image);
      continue;
    }
    if (torch::rand({1}, noise, torch::kFloat).item<float>() > 0.5f) {
      const auto k = static_cast<size_t>(torch::randint(0, capacity_, {1}, noise, torch::kLong).item<int64_t>());
      out.push_back(stored_[k]);
      stored_[k] = image;
    } else {
      out.push_back(image);
    }
  }
  return torch::stack(out);
}

void ImagePool::save(torch::serialize::OutputArchive& a, const std::string& key) const {
  a.write(key, stored_.empty() ? torch::empty({0}) : torch::stack(stored_).to(torch::kCPU));
}

void ImagePool::load(torch::serialize::InputArchive& a, const std::string& key, torch::Device device) {
  torch::Tensor t;
  a.read(key, t);
  stored_.clear();
  for (int64_t i = 0; t.dim() == 4 && i < t.size(0); ++i) stored_.push_back(t[i].to(device));
}

double linear_decay_factor(long long step, long long constant, long long decay) {
  if (step < constant) return 1.0;
  if (decay <= 0) return 0.0;
  return std::max(0.0, 1.0 - static_cast<double>(step - constant) / static_cast<double>(decay));
}

}  // namespace gan
