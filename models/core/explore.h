#pragma once
// Requests to a family's explore panels and sampling, and what they render to: named values in,
// named outputs and scalars out. Plain values (no LibTorch), so they can cross threads and reach the UI.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/core/capabilities.h"
#include "models/core/image8.h"

namespace gan {

// Control values by id. Numbers, choices, classes and toggles are text ("0.7", "slerp", "3", "all",
// "on"), as on the command line; images come as a list.
class Values {
 public:
  Values() = default;
  Values(std::initializer_list<std::pair<const std::string, std::string>> text) : text_(text) {}

  void set(const std::string& id, const std::string& value) { text_[id] = value; }
  void set_images(const std::string& id, std::vector<Image8> images) { images_[id] = std::move(images); }
  void erase(const std::string& id) { text_.erase(id); }
  bool has(const std::string& id) const { return text_.count(id) != 0; }
  // The value, or `fallback` when absent.
  std::string text(const std::string& id, const std::string& fallback = "") const;
  // The value as a number; throws std::invalid_argument naming the control when it is not one.
  double number(const std::string& id, double fallback) const;
  long long integer(const std::string& id, long long fallback) const;
  const std::vector<Image8>& images(const std::string& id) const;
  const std::map<std::string, std::string>& texts() const { return text_; }

 private:
  std::map<std::string, std::string> text_;
  std::map<std::string, std::vector<Image8>> images_;
};

// A Point control's value "x,y": two numbers in [0, 1]; false when it is not one.
bool parse_point(const std::string& text, double& x, double& y);
std::string format_point(double x, double y);  // "0.25,0.5"

// Checks values against control specs: unknown ids, numbers out of range, unknown choices. One
// message per problem (empty when fine). Absent values are fine (the family uses the default).
std::vector<std::string> check_values(const std::vector<ControlSpec>& specs, const Values& values);

// The index of the class `name` names among `names`: its name in any case, or its number; -1 when none.
int find_class(const std::vector<std::string>& names, const std::string& name);

// A voxel volume (3D-GAN): depth x height x width occupancies in 0..255.
struct Volume {
  int depth = 0, height = 0, width = 0;
  std::vector<std::uint8_t> voxels;
};

struct Output {
  std::string id;  // an OutputSpec id
  OutputKind kind = OutputKind::Image;
  Image8 image;
  std::string text;
  Volume volume;
};

struct ExploreRequest {
  std::string view;  // a ViewSpec id
  Values values;
};

using Scalars = std::vector<std::pair<std::string, double>>;

struct ExploreResult {
  std::vector<Output> outputs;
  Scalars scalars;  // shown under the panel ("mean cycle error", ...)
};

}  // namespace gan
