#pragma once
// The built-in "glyphs" dataset: the same characters rendered in several typefaces that Debian's font
// packages install, each typeface a class (a domain for the translation families). Because every
// character exists in every domain, the true translation of an image is known: the same character in
// the target typeface. Rendered with FreeType, the fonts found with fontconfig (exact family and
// style, never a substitute), deterministic, and cached.
#include <torch/torch.h>

#include "engine/dataset.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gan {

class Dataset;

struct GlyphFace {
  std::string name;     // the class name: "DejaVu Serif", "DejaVu Sans Bold"
  std::string family;   // fontconfig's family: "DejaVu Serif"
  std::string style;    // fontconfig's style: "Book", "Regular", "Bold"
  std::string package;  // the Debian package that installs it
};

// The typefaces, in label order (the dataset's class names).
const std::vector<GlyphFace>& glyph_faces();

// The characters of a split, as Unicode code points, in the order every face lists them: Latin
// capitals and small letters, digits, Greek and Cyrillic letters; every fifth is held out as "test".
std::vector<char32_t> glyph_characters(const std::string& split);

// The font file of `face`: fontconfig's exact match of family and style. Throws std::runtime_error
// naming the typeface and its Debian package when it is not installed.
std::string find_font_file(const GlyphFace& face);

// `chars` in `face`, N x 1 x R x R uint8 (white on black): one em is 0.8 R, the baseline at 0.76 R
// from the top, and each glyph centred on its ink horizontally. Throws when the face has no glyph for
// a character, naming it.
torch::Tensor render_glyphs(const GlyphFace& face, const std::vector<char32_t>& chars, int resolution);

// The dataset "glyphs" (spec.source) of the split and the classes (faces) named, or every face:
// image i of one face is the same character as image i of any other. Each face's images are cached
// under cache_dir()/glyphs, keyed by the font file's contents, the characters and the side.
std::shared_ptr<const Dataset> load_glyphs(const DatasetSpec& spec, int resolution, const std::string& cache_dir = "");

// When `target` is one typeface of the glyphs and `source` another (or the same), the data whose image
// i is the true translation of source image i: the target face in the source's split. Otherwise none.
std::optional<DatasetSpec> glyph_truth(const DatasetSpec& source, const DatasetSpec& target);

}  // namespace gan
