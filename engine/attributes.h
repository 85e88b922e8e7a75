#pragma once
// Attribute files in CelebA's list_attr_celeba.txt format: a line with the number of images, a line
// with the attributes' names, then a line per image: its file name and 1 or -1 for each attribute.
#include <cstdint>
#include <string>
#include <vector>

namespace gan {

struct AttributeTable {
  std::vector<std::string> names;         // the attributes, in the file's order
  std::vector<std::string> files;         // the images, relative to the file's folder
  std::vector<std::uint8_t> values;       // files.size() x names.size(), row by row: 1 (yes) or 0 (no)
};

// Reads an attribute file. A value is 1 or -1 (0 is taken as -1); blank lines are skipped; Windows
// line ends are fine. Throws std::runtime_error naming the file, the line and what is wrong there (a
// missing count, a row with too few or too many values, a value that is not 1 or -1, a file named
// twice, fewer or more rows than the count says).
AttributeTable read_attribute_file(const std::string& path);

// True when `path` looks like an attribute file rather than an IDX file: a .txt name.
bool is_attribute_file_name(const std::string& path);

}  // namespace gan
