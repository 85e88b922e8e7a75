#include "engine/translate_files.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "engine/dataset.h"
#include "engine/image.h"
#include "models/core/image.h"

namespace gan {
namespace fs = std::filesystem;

std::vector<std::string> image_files_of(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      files.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(in, ec))
      if (e.is_regular_file() && is_image_name(e.path().string())) found.push_back(e.path().string());
    std::sort(found.begin(), found.end());
    if (found.empty()) throw std::runtime_error("the folder " + in + " has no images");
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string file_part(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    const bool keep = c < 0x80 && (std::isalnum(c) || c == '-' || c == '.');
    if (keep) out += static_cast<char>(c);
    else if (out.empty() || out.back() != '_') out += '_';  // a run of others (a space, a UTF-8 "×") is one '_'
  }
  return out;
}

TranslateReport translate_files(Snapshot& snapshot, int resolution, int channels, const std::vector<std::string>& files,
                                const Values& options, const std::string& out_dir,
                                const std::function<void(long long, long long)>& progress,
                                const std::atomic<bool>* cancel) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error("cannot make the folder " + out_dir + ": " + ec.message());
  TranslateReport report;
  const long long total = static_cast<long long>(files.size());
  for (size_t i = 0; i < files.size(); i += 64) {
    if (cancel && cancel->load()) throw Cancelled();
    std::vector<torch::Tensor> batch;
    std::vector<std::string> names;
    for (size_t j = i; j < std::min(files.size(), i + 64); ++j) {
      try {
        batch.push_back(prepare_image(read_image(files[j]), resolution, channels));
        names.push_back(files[j]);
      } catch (const std::exception& e) {
        report.failed.push_back(e.what());
      }
    }
    if (!batch.empty()) {
      SampleRequest r;
      r.inputs = torch::stack(batch);
      r.options = options;
      const Samples s = snapshot.sample(r);
      const size_t per = std::max<size_t>(1, s.output_names.size());
      if (static_cast<size_t>(s.images.size(0)) != names.size() * per)
        throw std::logic_error("the translations do not match the inputs");
      for (size_t k = 0; k < names.size(); ++k)
        for (size_t j = 0; j < per; ++j) {
          const std::string suffix = s.output_names.empty() ? "translated" : file_part(s.output_names[j]);
          const std::string path = out_dir + "/" + fs::path(names[k]).stem().string() + "_" + suffix + ".png";
          try {
            write_png(path, to_image8(from_uint8(s.images[static_cast<int64_t>(k * per + j)])));
            ++report.written;
          } catch (const std::exception& e) {
            report.failed.push_back(e.what());
          }
        }
    }
    if (progress) progress(std::min<long long>(total, static_cast<long long>(i) + 64), total);
  }
  return report;
}

}  // namespace gan
