#pragma once
// The benchmark behind `gan-explorer bench`: training speed and render latency, and the same DCGAN in
// PyTorch (Debian's python3-torch, the same LibTorch build) run in the same go for a ratio.
#include <string>
#include <vector>

namespace gan {

struct BenchOptions {
  int train_steps = 30;
  int warmup_steps = 3;
  int batch = 64;
  int render_requests = 200;
  bool python = true;                 // also run bench/dcgan_bench.py
  std::string python_exe = "/usr/bin/python3";  // Debian's, with python3-torch
  std::string python_script;          // empty: the one in the source tree
  std::string data = "fashion-mnist";
  long long fid_samples = 10000;      // FID with the dataset classifier; 0: skip
};

struct BenchReport {
  int threads = 0;
  int blas_threads = 0;
  double train_median_ms = 0, train_p95_ms = 0;
  double render_median_ms = 0, render_p95_ms = 0;  // one image: request -> 8-bit image delivered
  double grid_median_ms = 0;                       // a 64-image grid
  bool python_ran = false;
  double python_median_ms = 0, python_p95_ms = 0;
  int python_threads = 0;
  std::string python_error;
  long long fid_samples = 0;          // 0: not measured
  double fid_generate_s = 0, fid_extract_s = 0, fid_total_s = 0, fid_value = 0;
  double classifier_setup_s = 0;      // training or loading the classifier, reference features (once)
  bool classifier_cached = false;
  std::string fid_error;
  std::string text() const;  // the figures, one per line
};

BenchReport run_bench(const BenchOptions& o, const std::function<void(const std::string&)>& progress = {});

double median(std::vector<double> v);
double percentile(std::vector<double> v, double p);

}  // namespace gan
