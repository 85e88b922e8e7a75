#pragma once
// Helpers for tests that drive a family directly: fixed batches as its data streams, and its networks.
#include <QtTest>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "models/core/family.h"
#include "models/families/image_gan.h"

namespace testutil {

// Streams that answer every request with what `source` gives (one batch for every stream and size).
struct FunctionStreams : gan::Streams {
  std::function<gan::Batch()> source;
  explicit FunctionStreams(std::function<gan::Batch()> f) : source(std::move(f)) {}
  gan::Batch next(const std::string&, long long) override { return source(); }
};

inline gan::Scalars step(gan::Family& f, std::function<gan::Batch()> source, torch::Generator& noise) {
  FunctionStreams streams(std::move(source));
  return f.train_step(streams, noise);
}

// The family as one that makes images from latents (the test fails when it is not one).
inline gan::ImageGan& image_gan(gan::Family& f) {
  auto* g = dynamic_cast<gan::ImageGan*>(&f);
  if (!g) throw std::logic_error(f.info().id + " does not make images from latents");
  return *g;
}

inline torch::Tensor generate(gan::Family& f, const torch::Tensor& z, const torch::Tensor& labels = {}) {
  return image_gan(f).generate(z, labels);
}
inline torch::nn::Module* discriminator(gan::Family& f) { return &image_gan(f).discriminator(); }
inline torch::nn::Module* generator(gan::Family& f) { return &image_gan(f).generator(); }

// Attaches images (uint8) and labels as the family's "images" stream.
inline void attach(gan::Family& f, const torch::Tensor& images, const torch::Tensor& labels) {
  f.attach_data({{"images", {images, labels}}});
}

// The value of scalar `key` in a step's report, NaN when it has none.
inline double scalar(const gan::Scalars& s, const std::string& key) {
  for (const auto& [name, v] : s)
    if (name == key) return v;
  return std::nan("");
}

inline std::vector<std::string> series_ids(const gan::Capabilities& caps) {
  std::vector<std::string> out;
  for (const auto& s : caps.series) out.push_back(s.id);
  return out;
}

// The generator takes a class: its samples offer a class option.
inline bool conditional(const gan::FamilyInfo& info) { return info.caps.find_sample_option("class") != nullptr; }

// A snapshot's sample grid for a seed (uint8 N x C x H x W).
inline torch::Tensor sample(gan::Snapshot& s, long long n, long long seed, const gan::Values& options = {}) {
  gan::SampleRequest r;
  r.n = n;
  r.seed = seed;
  r.options = options;
  return s.sample(r).images;
}

}  // namespace testutil
