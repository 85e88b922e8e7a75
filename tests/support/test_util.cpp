#include "tests/support/test_util.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace testutil {

void write_idx(const std::string& path, const torch::Tensor& values, bool gz) {
  auto v = values.contiguous();
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(v.dim())};
  for (int i = 0; i < v.dim(); ++i)
    for (int s = 24; s >= 0; s -= 8) bytes.push_back(static_cast<std::uint8_t>(v.size(i) >> s));
  bytes.insert(bytes.end(), v.data_ptr<std::uint8_t>(), v.data_ptr<std::uint8_t>() + v.numel());
  if (gz) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
}

std::string write_tiny_idx(const std::string& dir, int n, bool gz) {
  auto images = torch::zeros({n, 28, 28}, torch::kUInt8);
  auto labels = torch::zeros({n}, torch::kUInt8);
  for (int i = 0; i < n; ++i) {
    const int k = i % 10;
    labels[i] = k;
    images[i].slice(0, 2 + 2 * k, 6 + 2 * k).fill_(200 + k);
    images[i].slice(1, 4, 8).fill_(100);
  }
  const std::string suffix = gz ? ".gz" : "";
  const std::string img = dir + "/tiny-images-idx3-ubyte" + suffix;
  write_idx(img, images, gz);
  write_idx(dir + "/tiny-labels-idx1-ubyte" + suffix, labels, gz);
  return img;
}

gan::TrainConfig tiny_config(const std::string& data, const std::string& out_dir, long long steps) {
  gan::TrainConfig c;
  c.model = "dcgan";
  c.data["images"] = gan::parse_dataset(data);
  c.out_dir = out_dir;
  c.steps = steps;
  c.log_every = 1;
  c.sample_every = 5;
  c.checkpoint_every = 1000;
  c.params.set("resolution", "16");
  c.params.set("ngf", "8");
  c.params.set("ndf", "8");
  c.params.set("latent_dim", "8");
  c.params.set("batch", "8");
  c.params.set("seed", "7");
  return c;
}

std::shared_ptr<const gan::Dataset> tiny_dataset(int n, int resolution, int channels) {
  torch::manual_seed(3);
  auto images = torch::randint(0, 256, {n, channels, resolution, resolution}, torch::kLong).to(torch::kUInt8);
  return std::make_shared<gan::Dataset>(images, torch::Tensor(), std::vector<std::string>{}, "random test images");
}

std::shared_ptr<const gan::Dataset> labelled_dataset(int n, int classes, int resolution) {
  torch::manual_seed(5);
  auto images = torch::randint(0, 40, {n, 1, resolution, resolution}, torch::kLong).to(torch::kUInt8);
  auto labels = torch::arange(n, torch::kLong).remainder(classes);
  for (int i = 0; i < n; ++i) {
    const int k = i % classes;
    images[i][0].slice(0, 3 * k % resolution, std::min(resolution, 3 * k % resolution + 3)).fill_(230);
  }
  std::vector<std::string> names;
  for (int k = 0; k < classes; ++k) names.push_back("class " + std::to_string(k));
  return std::make_shared<gan::Dataset>(images, labels, names, "labelled test images");
}

bool file_exists(const std::string& path) { return std::filesystem::exists(path); }

QString error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace testutil
