#pragma once
// The offline metric classifier for a dataset: trained on its labels the first time it is needed and
// cached under cache_dir(), keyed by a hash of the data and the classifier's code version.
#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/dataset.h"
#include "engine/extractor.h"
#include "engine/files.h"

namespace gan {

struct ClassifierOptions {
  int epochs = 5;         // the last one at a tenth of the learning rate
  long long batch = 128;
  double lr = 1e-3;
  bool retrain = false;  // ignore a cached classifier
};

struct ClassifierResult {
  std::shared_ptr<ClassifierExtractor> extractor;
  std::string path;            // the cache file
  bool from_cache = false;
  double test_accuracy = 0;    // 0..1
  long long train_count = 0, test_count = 0;
  double seconds = 0;          // spent training (0 from the cache)
};


// The classifier for `spec`'s data, all its classes (the class filter is ignored). A built-in dataset
// trains on its train split and is tested on its test split; other data hold out every 10th image. Throws std::runtime_error when the data
// have no labels, and Cancelled when *cancel becomes true.
ClassifierResult classifier_for(const DatasetSpec& spec, const ClassifierOptions& options = {},
                                const std::function<void(const std::string&)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

}  // namespace gan
