#pragma once
// Helpers the test executables share: small data files made on the spot, tiny configs.
#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/dataset.h"

namespace testutil {

// Writes an IDX file of unsigned bytes; gz = true writes it gzip-compressed.
void write_idx(const std::string& path, const torch::Tensor& values_uint8, bool gz = false);
// A labelled IDX pair "<dir>/tiny-images-idx3-ubyte" (+ labels) of n 28x28 images with structure
// (class k: a bright bar at row 2k+...), returns the images path.
std::string write_tiny_idx(const std::string& dir, int n = 64, bool gz = false);
// A DCGAN config small enough for a step in a few milliseconds: 16 px, widths 8, batch 8.
gan::TrainConfig tiny_config(const std::string& data, const std::string& out_dir, long long steps = 10);
// An in-memory dataset of n random 16x16 grey images.
std::shared_ptr<const gan::Dataset> tiny_dataset(int n = 32, int resolution = 16, int channels = 1);
// An in-memory labelled dataset: n images of `classes` classes (class k: a bright band at rows
// 3k..3k+2 on a dark background, with a little noise), labels i % classes.
std::shared_ptr<const gan::Dataset> labelled_dataset(int n = 40, int classes = 4, int resolution = 16);
bool file_exists(const std::string& path);

// Checkpoint surgery, as a tester with a zip tool would do it: the LibTorch archive inside a checkpoint
// file, a checkpoint file sealed around an archive (right header and checksum), and an archive with one
// record's data replaced (the record whose name ends in `suffix`, e.g. "data/0"; the CRC-32s are right).
std::string checkpoint_archive(const std::string& path);
void write_sealed_checkpoint(const std::string& path, const std::string& archive);
void write_bytes(const std::string& path, const std::string& bytes);
std::string with_record(const std::string& archive, const std::string& suffix, const std::string& data);
// The names of an archive's tensor records, in archive order ("archive/data/0", ...).
std::vector<std::string> tensor_records(const std::string& archive);

// A small tmpfs of `size` ("2m") mounted at a new folder under `parent`, for full-disk tests. Mounting
// needs root: ok() is false otherwise, and why() says so. Unmounted when it goes.
class SmallDisk {
 public:
  SmallDisk(const std::string& parent, const std::string& size);
  ~SmallDisk();
  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  const std::string& path() const { return path_; }
  // Fills the disk until no more than `leave` bytes are free (a file "filler"); free_filler() removes it.
  void fill(long long leave = 0);
  void free_filler();

 private:
  std::string path_, why_;
  bool ok_ = false;
};
// The environment the real program runs in under a test: this one, with its cache and runs folders
// under `dir`, and none of torchrun's variables (a test that wants them sets them).
QProcessEnvironment program_env(const std::string& dir);
// The message of the exception f throws, or an empty string when it throws none.
QString error_of(const std::function<void()>& f);
std::string read_text(const std::string& path);

}  // namespace testutil

// Compares doubles within a relative tolerance, printing both.
#define GAN_COMPARE_NEAR(actual, expected, tol)                                                              \
  do {                                                                                                       \
    const double a_ = (actual), e_ = (expected);                                                             \
    if (!(std::abs(a_ - e_) <= (tol) * std::max(1.0, std::abs(e_))))                                         \
      QFAIL(qPrintable(QString("%1 = %2, expected %3 (tol %4)").arg(#actual).arg(a_, 0, 'g', 12).arg(e_, 0, 'g', 12).arg(tol))); \
  } while (0)
