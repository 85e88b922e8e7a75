#include "tests/support/test_util.h"

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <zlib.h>

#include <caffe2/serialize/inline_container.h>

#include <filesystem>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/checkpoint_file.h"
#include "engine/files.h"

namespace testutil {

std::string checkpoint_archive(const std::string& path) {
  return gan::unseal_checkpoint(gan::read_file_bytes(path, "checkpoint")).archive;
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void write_sealed_checkpoint(const std::string& path, const std::string& archive) {
  write_bytes(path, gan::seal_checkpoint(archive));
}

std::vector<std::string> tensor_records(const std::string& archive) {
  std::vector<std::string> out;
  for (const auto& e : gan::check_zip(archive))
    if (e.name.find("/data/") != std::string::npos) out.push_back(e.name);
  return out;
}

std::string with_record(const std::string& archive, const std::string& suffix, const std::string& data) {
  std::string out;
  {
    caffe2::serialize::PyTorchStreamWriter w([&](const void* p, size_t n) -> size_t {
      out.append(static_cast<const char*>(p), n);
      return n;
    });
    for (const auto& e : gan::check_zip(archive)) {
      const std::string name = e.name.substr(e.name.find('/') + 1);  // the writer adds "archive/"
      if (name == "version" || name == ".data/version") continue;     // written by writeEndOfFile
      const bool replace = e.name.size() >= suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0;
      if (replace) {
        w.writeRecord(name, data.data(), data.size());
      } else if (e.deflated) {
        std::string plain(static_cast<size_t>(e.size), '\0');
        z_stream z{};
        inflateInit2(&z, -15);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(archive.data() + e.offset));
        z.avail_in = static_cast<uInt>(e.stored_size);
        z.next_out = reinterpret_cast<Bytef*>(plain.data());
        z.avail_out = static_cast<uInt>(plain.size());
        inflate(&z, Z_FINISH);
        inflateEnd(&z);
        w.writeRecord(name, plain.data(), plain.size(), /*compress=*/true);
      } else {
        w.writeRecord(name, archive.data() + e.offset, static_cast<size_t>(e.size));
      }
    }
    w.writeEndOfFile();
  }
  return out;
}

SmallDisk::SmallDisk(const std::string& parent, const std::string& size) {
  path_ = parent + "/small-disk";
  std::filesystem::create_directories(path_);
  if (::geteuid() != 0) {
    why_ = "mounting a small tmpfs for a full disk needs root";
    return;
  }
  if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
    why_ = std::string("could not mount a small tmpfs: ") + std::strerror(errno);
    return;
  }
  ok_ = true;
}

SmallDisk::~SmallDisk() {
  if (ok_) ::umount2(path_.c_str(), MNT_DETACH);
}

void SmallDisk::fill(long long leave) {
  std::ofstream f(path_ + "/filler", std::ios::binary | std::ios::app);
  const std::string block(4096, 'x');
  for (;;) {
    struct statvfs st {};
    if (::statvfs(path_.c_str(), &st) != 0) break;
    const long long free_bytes = static_cast<long long>(st.f_bavail) * static_cast<long long>(st.f_frsize);
    if (free_bytes <= leave) break;
    const long long n = std::min<long long>(static_cast<long long>(block.size()), free_bytes - leave);
    f.write(block.data(), n);
    f.flush();
    if (!f) break;
  }
}

void SmallDisk::free_filler() { std::filesystem::remove(path_ + "/filler"); }

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

QProcessEnvironment program_env(const std::string& dir) {
  auto e = QProcessEnvironment::systemEnvironment();
  e.insert("GAN_EXPLORER_CACHE", QString::fromStdString(dir + "/cache"));
  e.insert("GAN_EXPLORER_RUNS", QString::fromStdString(dir + "/runs"));
  for (const char* v : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"}) e.remove(v);
  return e;
}

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
