#include "engine/attributes.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace gan {

bool is_attribute_file_name(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, ".txt") == 0;
}

AttributeTable read_attribute_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the attribute file " + path);
  auto fail = [&](long long line, const std::string& why) {
    throw std::runtime_error(path + " line " + std::to_string(line) + ": " + why);
  };
  AttributeTable t;
  std::string text;
  long long line = 0, expected = -1;
  std::unordered_set<std::string> seen;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::istringstream words(text);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    if (expected < 0) {  // the count
      char* end = nullptr;
      const long long n = std::strtoll(w[0].c_str(), &end, 10);
      if (w.size() != 1 || *end != '\0' || n < 1 || n > 100000000)
        fail(line, "the first line must be the number of images, not '" + text + "'");
      expected = n;
      continue;
    }
    if (t.names.empty()) {  // the attributes' names
      t.names = w;
      std::unordered_set<std::string> names(w.begin(), w.end());
      if (names.size() != w.size()) fail(line, "an attribute is named twice");
      continue;
    }
    const size_t k = t.names.size();
    if (w.size() != k + 1)
      fail(line, "expected a file name and " + std::to_string(k) + " values, found " + std::to_string(w.size() - 1) +
                     " value(s)");
    if (!seen.insert(w[0]).second) fail(line, w[0] + " is listed twice");
    if (static_cast<long long>(t.files.size()) == expected)
      fail(line, "more images than the " + std::to_string(expected) + " the first line says");
    t.files.push_back(w[0]);
    for (size_t j = 0; j < k; ++j) {
      const std::string& v = w[j + 1];
      if (v != "1" && v != "-1" && v != "0" && v != "+1")
        fail(line, t.names[j] + " of " + w[0] + " is '" + v + "': values must be 1 or -1");
      t.values.push_back(v == "1" || v == "+1" ? 1 : 0);
    }
  }
  if (expected < 0) throw std::runtime_error(path + " is empty: an attribute file starts with the number of images");
  if (t.names.empty()) throw std::runtime_error(path + " has no line of attribute names after the count");
  if (static_cast<long long>(t.files.size()) != expected)
    throw std::runtime_error(path + ": the first line says " + std::to_string(expected) + " images, but " +
                             std::to_string(t.files.size()) + " follow");
  return t;
}

}  // namespace gan
